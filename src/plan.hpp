// SPDX-License-Identifier: GPL-2.0-or-later
// Plan: a pure function from (what a file is, what it should be) to the steps that get it
// there. No system calls, so every rule here is unit-tested without a disk.
#pragma once

#include "caps.hpp"
#include "observe.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ufc {

enum class Goal {
    apply,   // capability on, setuid bit off
    restore, // Debian's default: setuid bit on, no capability
};

// The override of an administrator for the path, with names already resolved.
struct OverrideIds {
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0; // permission bits as the override gives them, setuid included
};

struct Wanted {
    Goal goal = Goal::apply;
    CapSets caps; // the capability the file must carry when applied
    std::optional<OverrideIds> override;
};

enum class Verdict {
    ok,      // as wanted for the goal
    setuid,  // setuid, no working capability: Debian's default
    missing, // no file
    none,    // neither setuid nor a working capability: broken
    mixed,   // setuid and the capability both
    drift,   // capability right, but mode or owner differ from the statoverride
    refused, // unsafe or unreadable: not judged further
};
const char* to_string(Verdict v);

// Judges a file for `status`. A capability counts only when it is the wanted one and takes
// effect in this user namespace (owner 0, as seen from here).
Verdict judge(const FileFacts& facts, const Wanted& wanted);
// Whether a verdict is what the goal asks for (status exit code 0).
bool satisfies(Verdict v, Goal goal);

enum class StepKind {
    set_caps,    // write `caps`, then read back and compare
    remove_caps, // remove the capability attribute, then check it is gone
    set_mode,    // fchmod to `mode`, then fstat and compare
};

struct Step {
    StepKind kind;
    CapSets caps;
    mode_t mode = 0; // permission bits only
};

enum class PlanKind { nothing, act, missing, refuse };

struct Plan {
    PlanKind kind = PlanKind::nothing;
    std::vector<Step> steps;
    // Run when a capability step fails: puts the setuid bit back where the file would
    // otherwise be left with no privilege mechanism at all.
    std::optional<Step> fallback;
    std::string reason; // why refused, or a note for the log (override honoured...)
};

Plan plan(const FileFacts& facts, const Wanted& wanted);

// Permission bits (no file type) as four octal digits, "4755".
std::string mode_text(mode_t mode);

} // namespace ufc
