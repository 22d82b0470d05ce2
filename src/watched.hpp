// SPDX-License-Identifier: GPL-2.0-or-later
// The watched files: which package ships each path and which capability it must carry.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace ufc {

struct WatchedFile {
    std::string package;    // the Debian package that ships the file
    std::string path;       // absolute path as the package ships it
    std::string capability; // cap_to_text(3) form, for example "cap_setuid=ep"
};

// The list compiled in from triggers/watched.
std::span<const WatchedFile> builtin_watched();

struct WatchedParseResult {
    std::vector<WatchedFile> files;
    std::vector<std::string> errors; // "line N: what is wrong"; empty when the list is usable
};

// Parses the triggers/watched format: blank lines and '#' comments are ignored, every other
// line is "package path capability". Every problem is reported, not only the first.
WatchedParseResult parse_watched(std::string_view text);

} // namespace ufc
