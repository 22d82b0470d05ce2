// SPDX-License-Identifier: GPL-2.0-or-later
#include "act.hpp"

#include "cap_handle.hpp"
#include "sys_error.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <sys/xattr.h>

namespace ufc {
namespace {

StepResult failed(const std::string& call, int saved_errno) {
    return {false, sys_error(call, saved_errno)};
}

StepResult set_caps(int fd, const CapSets& wanted) {
    CapHandle cap = CapHandle::from_sets(wanted);
    if (!cap)
        return failed("cap_init", errno);
    if (cap_set_fd(fd, cap.get()) != 0)
        return failed("cap_set_fd", errno);
    fault_point("after-set-caps");

    // Read back: a filesystem or security module may accept the write and store something
    // else, and inside a user namespace the kernel ties the capability to that namespace.
    CapHandle back(cap_get_fd(fd));
    if (!back)
        return failed("cap_get_fd (read-back)", errno);
    CapSets got = back.sets();
    if (!got.same_sets(wanted) || got.nsowner != 0)
        return {false,
                "read-back shows " + caps_to_text(got) + " instead of " + caps_to_text(wanted)};
    return {};
}

StepResult remove_caps(int fd) {
    // Removing the attribute is the only way to have no capability at all; an empty set
    // written with cap_set_fd would still be an attribute.
    if (::fremovexattr(fd, "security.capability") != 0 && errno != ENODATA)
        return failed("fremovexattr security.capability", errno);
    fault_point("after-remove-caps");
    CapHandle back(cap_get_fd(fd));
    if (back && !back.sets().empty())
        return {false, "read-back still shows " + back.text()};
    if (!back && errno != ENODATA && errno != EOPNOTSUPP)
        return failed("cap_get_fd (read-back)", errno);
    return {};
}

StepResult set_mode(int fd, mode_t mode) {
    if (::fchmod(fd, mode) != 0)
        return failed("fchmod", errno);
    fault_point("after-set-mode");
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return failed("fstat (read-back)", errno);
    if ((st.st_mode & 07777) != mode)
        return {false,
                "read-back shows mode " + mode_text(st.st_mode) + " instead of " + mode_text(mode)};
    return {};
}

} // namespace

StepResult run_step(int fd, const Step& step) {
    switch (step.kind) {
    case StepKind::set_caps:
        return set_caps(fd, step.caps);
    case StepKind::remove_caps:
        return remove_caps(fd);
    case StepKind::set_mode:
        return set_mode(fd, step.mode);
    }
    return {false, "unknown step"};
}

void fault_point([[maybe_unused]] const char* name) {
#ifdef UFC_TEST_HOOKS
    const char* wanted = std::getenv("UFC_FAULT");
    if (wanted && std::strcmp(wanted, name) == 0)
        std::raise(SIGKILL);
#endif
}

} // namespace ufc
