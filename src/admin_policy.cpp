// SPDX-License-Identifier: GPL-2.0-or-later
#include "admin_policy.hpp"

#include "text_lines.hpp"

#include <charconv>

namespace ufc {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<bool> parse_bool(std::string_view v) {
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return std::nullopt;
}

} // namespace

Settings parse_settings(std::string_view text) {
    Settings s;
    for_each_line(text, [&](size_t n, std::string_view raw) {
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#')
            return;
        size_t eq = line.find('=');
        std::string_view key = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
        std::optional<bool> value;
        if (eq != std::string_view::npos)
            value = parse_bool(trim(line.substr(eq + 1)));
        std::string where = "line " + std::to_string(n) + ": ";
        if (!value) {
            s.errors.push_back(where + "expected key=true or key=false");
            return;
        }
        if (key == "enable")
            s.enable = *value;
        else if (key == "strict")
            s.strict = *value;
        else
            s.errors.push_back(where + "unknown key " + std::string(key));
    });
    return s;
}

StatOverrideParse parse_statoverride(std::string_view text) {
    StatOverrideParse out;
    for_each_line(text, [&](size_t n, std::string_view raw) {
        std::string_view line = trim(raw);
        if (line.empty())
            return;
        std::string where = "line " + std::to_string(n) + ": ";
        // dpkg writes exactly four blank-separated fields; the path is the rest of the line.
        std::string_view fields[3];
        for (std::string_view& f : fields) {
            size_t sp = line.find_first_of(" \t");
            if (sp == std::string_view::npos) {
                out.errors.push_back(where + "expected \"owner group mode path\"");
                return;
            }
            f = line.substr(0, sp);
            line = trim(line.substr(sp));
        }
        unsigned mode = 0;
        auto [end, ec] =
            std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), mode, 8);
        if (ec != std::errc() || end != fields[2].data() + fields[2].size() || mode > 07777) {
            out.errors.push_back(where + "mode is not octal: " + std::string(fields[2]));
            return;
        }
        if (line.empty() || line.front() != '/') {
            out.errors.push_back(where + "path is not absolute");
            return;
        }
        out.entries.push_back({std::string(fields[0]), std::string(fields[1]),
                               static_cast<mode_t>(mode), std::string(line)});
    });
    return out;
}

} // namespace ufc
