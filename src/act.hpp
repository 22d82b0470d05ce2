// SPDX-License-Identifier: GPL-2.0-or-later
// Act: the only code that changes a file, always through the descriptor observe judged.
#pragma once

#include "plan.hpp"

#include <string>

namespace ufc {

struct StepResult {
    bool ok = true;
    std::string error; // "call: reason (ERRNO)" or what the read-back found instead
};

// Performs one step on `fd` and reads the result back. A step whose read-back disagrees
// with what was asked for has failed, even when the call itself returned 0.
StepResult run_step(int fd, const Step& step);

// Test builds only: kills the process at a named point so the crash tests can check that
// every interruption leaves a working file. Does nothing in the package build.
void fault_point(const char* name);

} // namespace ufc
