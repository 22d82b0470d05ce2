// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstring>
#include <string>

namespace ufc {

// The one shape of a failed call in every message: "call: reason (ERRNO_NAME)". Callers
// save errno right after the call, before anything else can overwrite it.
inline std::string sys_error(const std::string& call, int saved_errno) {
    const char* name = strerrorname_np(saved_errno);
    return call + ": " + std::strerror(saved_errno) + " (" + (name ? name : "?") + ")";
}

} // namespace ufc
