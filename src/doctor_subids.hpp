// SPDX-License-Identifier: GPL-2.0-or-later
// Subordinate ids (/etc/subuid, /etc/subgid) and the id maps of a user namespace
// (/proc/self/uid_map, gid_map): plain parsers and the pure checks built on them. The parsers
// take any text without failing (fuzzed); what they cannot use is reported, line by line.
#pragma once

#include "doctor_checks.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ufc::doctor {

// The highest id a range may hold: (uid_t)-1 is "no id" to the kernel.
constexpr uint64_t max_id = 4294967294;

struct SubidEntry {
    std::string owner;  // a user name, or a uid in decimal (newuidmap accepts both)
    uint64_t start = 0; // first id
    uint64_t count = 0; // at least 1
    size_t line = 0;    // 1-based, for messages
    uint64_t end() const { return start + count; } // one past the last id
};

struct SubidParse {
    std::vector<SubidEntry> entries;
    std::vector<std::string> errors; // "line N: what is wrong"; newuidmap ignores such lines
};

// Lines "owner:start:count"; blank lines and lines starting with '#' are skipped. Numbers
// are decimal, the count at least 1, and the range must end at or below max_id.
SubidParse parse_subids(std::string_view text);

struct IdMapEntry {
    uint64_t inside = 0;  // first id as seen in the namespace
    uint64_t outside = 0; // first id in the parent namespace
    uint64_t count = 0;
};

// The kernel's "inside outside count" lines; nullopt when any line is not three numbers.
std::optional<std::vector<IdMapEntry>> parse_id_map(std::string_view text);

// The initial namespace's map, "0 0 4294967295": the process is in no user namespace.
bool is_identity(const std::vector<IdMapEntry>& map);

// The account whose ids are checked.
struct Account {
    std::string name;
    std::optional<uint64_t> uid; // unknown only for a SUDO_USER missing from the passwd file
    std::optional<uint64_t> gid; // primary group: what Podman maps container gid 0 to
};

// A passwd entry by name or by uid, with its primary group; nullopt when there is none.
std::optional<Account> account_by_name(std::string_view passwd, std::string_view name);
std::optional<Account> account_by_uid(std::string_view passwd, uint64_t uid);

struct SubidInput {
    bool gids = false; // false: /etc/subuid against uid_map; true: subgid and gid_map
    std::string path;  // the file as shown in messages, under --root
    FileText file;     // its content
    Account user;      // whose ranges
    // The root's passwd file: newuidmap and newgidmap both match an entry's owner by the
    // user's name, its uid in decimal, or another name with the same uid.
    std::string passwd;
    std::string group;      // the root's group file: for subgid, names the gids a range covers
    FileText map;           // /proc/self/uid_map or gid_map of the calling process
    std::string root = "/"; // --root, for the usermod command in a fix
};

// The findings "subuid" (ranges present, enough ids), "subuid-overlap" (own id, other
// users' ranges, existing accounts) and "subuid-map" (inside a user namespace: every range
// mapped); "subgid..." for gids.
std::vector<Finding> check_subids(const SubidInput& in);

} // namespace ufc::doctor
