// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.hpp"

namespace ufc {

int run_doctor(const Options&) {
    return exit_cannot_run;
}

} // namespace ufc
