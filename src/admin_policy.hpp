// SPDX-License-Identifier: GPL-2.0-or-later
// What the administrator decided: the debconf answer (passed on by the maintainer script as
// a settings file) and dpkg-statoverride entries for the watched paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ufc {

// The settings file the postinst writes from debconf, /var/lib/uidmap-filecaps/settings:
// "key=value" lines, '#' comments. The program never talks to debconf itself.
struct Settings {
    bool enable = true;
    bool strict = false;
    std::vector<std::string> errors; // "line N: ..."; a malformed line keeps the default
};
Settings parse_settings(std::string_view text);

// One line of dpkg's statoverride file: "owner group mode path".
struct StatOverride {
    std::string owner; // as written: a name, or "#uid"
    std::string group;
    mode_t mode = 0;
    std::string path;
};

struct StatOverrideParse {
    std::vector<StatOverride> entries;
    std::vector<std::string> errors;
};
StatOverrideParse parse_statoverride(std::string_view text);

// An override whose names are resolved to ids under the root in use.
struct ResolvedOverride {
    StatOverride entry;
    std::optional<uid_t> uid; // nullopt: the name does not exist under that root
    std::optional<gid_t> gid;
};

} // namespace ufc
