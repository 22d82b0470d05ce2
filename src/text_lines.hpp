// SPDX-License-Identifier: GPL-2.0-or-later
// Line splitting shared by the parsers of small configuration and state files.
#pragma once

#include <cstddef>
#include <string_view>

namespace ufc {

// Calls visit(number, line) for each line of `text`, numbered from 1, without its newline.
// A last line without a newline still counts: the parsers judge its content, not its end.
template <class Visit>
void for_each_line(std::string_view text, Visit visit) {
    size_t number = 0;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        visit(++number, line);
    }
}

} // namespace ufc
