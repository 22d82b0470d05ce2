// SPDX-License-Identifier: GPL-2.0-or-later
#include "caps.hpp"

#include "cap_handle.hpp"

namespace ufc {

std::optional<CapSets> caps_from_text(const std::string& text) {
    CapHandle cap(cap_from_text(text.c_str()));
    if (!cap)
        return std::nullopt;
    return cap.sets();
}

std::string caps_to_text(const CapSets& caps) {
    if (caps.empty())
        return "none";
    CapHandle cap = CapHandle::from_sets(caps);
    if (!cap)
        return "unrepresentable";
    std::string text = cap.text();
    if (caps.nsowner != 0)
        text += " [rootid=" + std::to_string(caps.nsowner) + "]";
    return text;
}

} // namespace ufc
