// SPDX-License-Identifier: GPL-2.0-or-later
#include "watched.hpp"

#include <algorithm>
#include <set>

namespace ufc {
namespace {

bool is_package_name(std::string_view s) {
    // Debian Policy 5.6.1: lower case letters, digits, '+', '-', '.'; at least two
    // characters, starting with an alphanumeric.
    if (s.size() < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    });
}

// dpkg matches a file trigger on the literal path; anything it would normalise or any
// component that walks upwards would make the trigger and the program disagree.
bool is_clean_absolute_path(std::string_view s) {
    if (s.size() < 2 || s[0] != '/' || s.back() == '/')
        return false;
    if (s.find("//") != std::string_view::npos)
        return false;
    size_t start = 1;
    while (start <= s.size()) {
        size_t end = s.find('/', start);
        if (end == std::string_view::npos)
            end = s.size();
        std::string_view part = s.substr(start, end - start);
        if (part == "." || part == "..")
            return false;
        start = end + 1;
    }
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// Only the plain "cap_a,cap_b=flags" shape is accepted: the program compares what the file
// carries against this, so it must be one capability set, not a sequence of clauses.
bool is_capability_text(std::string_view s) {
    size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 >= s.size())
        return false;
    std::string_view names = s.substr(0, eq);
    std::string_view flags = s.substr(eq + 1);
    if (!std::all_of(flags.begin(), flags.end(),
                     [](char c) { return c == 'e' || c == 'i' || c == 'p'; }))
        return false;
    size_t start = 0;
    while (start <= names.size()) {
        size_t end = names.find(',', start);
        if (end == std::string_view::npos)
            end = names.size();
        std::string_view name = names.substr(start, end - start);
        if (name.size() < 5 || name.substr(0, 4) != "cap_")
            return false;
        if (!std::all_of(name.begin() + 4, name.end(),
                         [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
            return false;
        start = end + 1;
    }
    return true;
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

} // namespace

WatchedParseResult parse_watched(std::string_view text) {
    WatchedParseResult result;
    std::set<std::string, std::less<>> seen;
    size_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;

        auto error = [&](std::string_view what) {
            result.errors.push_back("line " + std::to_string(line_no) + ": " + std::string(what));
        };
        if (line.find('\0') != std::string_view::npos) {
            error("contains a NUL byte");
            continue;
        }
        std::vector<std::string_view> fields = split_fields(line);
        if (fields.empty() || fields[0][0] == '#')
            continue;
        if (fields.size() != 3) {
            error("expected \"package path capability\", found " + std::to_string(fields.size()) +
                  " fields");
            continue;
        }
        bool ok = true;
        if (!is_package_name(fields[0])) {
            error("not a Debian package name: " + std::string(fields[0]));
            ok = false;
        }
        if (!is_clean_absolute_path(fields[1])) {
            error("not a clean absolute path: " + std::string(fields[1]));
            ok = false;
        }
        if (!is_capability_text(fields[2])) {
            error("not a capability of the form cap_name=ep: " + std::string(fields[2]));
            ok = false;
        }
        if (ok && !seen.insert(std::string(fields[1])).second) {
            error("path listed twice: " + std::string(fields[1]));
            ok = false;
        }
        if (ok)
            result.files.push_back(
                {std::string(fields[0]), std::string(fields[1]), std::string(fields[2])});
    }
    if (result.errors.empty() && result.files.empty())
        result.errors.push_back("no watched file listed");
    return result;
}

} // namespace ufc
