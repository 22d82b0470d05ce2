// SPDX-License-Identifier: GPL-2.0-or-later
// File capabilities as a plain value, so that deciding what to do needs no libcap call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace ufc {

struct CapSets {
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
    // Root uid the kernel tied namespaced (v3) capabilities to, as seen from this namespace.
    // 0 means the capabilities take effect here; anything else means they were written in
    // another user namespace and grant nothing outside it.
    uid_t nsowner = 0;

    bool empty() const { return effective == 0 && permitted == 0 && inheritable == 0; }
    // Same sets, ignoring the owner: the owner is judged on its own.
    bool same_sets(const CapSets& o) const {
        return effective == o.effective && permitted == o.permitted && inheritable == o.inheritable;
    }
    bool operator==(const CapSets&) const = default;
};

// Parses cap_to_text(3) form ("cap_setuid=ep"); nullopt when libcap rejects it.
std::optional<CapSets> caps_from_text(const std::string& text);

// cap_to_text(3) form; "none" for no capabilities.
// A namespaced set is shown with its owner, as getcap -n does: "cap_setuid=ep [rootid=1000]".
std::string caps_to_text(const CapSets& caps);

} // namespace ufc
