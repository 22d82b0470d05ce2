// SPDX-License-Identifier: GPL-2.0-or-later
// User and group names from a root's own /etc/passwd and /etc/group.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ufc {

// Looks a name up in colon-separated account text (passwd or group format): the third field
// is the id. Returns nullopt when absent or when the line is malformed.
std::optional<unsigned long> id_of_name(std::string_view accounts, std::string_view name);
// The reverse: the first name with that id.
std::optional<std::string> name_of_id(std::string_view accounts, unsigned long id);

// Reads the whole file, or an empty string when it cannot be read.
std::string read_small_file(const std::string& path);

// Names files of one root, read once and only when a name is needed.
class Accounts {
public:
    explicit Accounts(std::string root_etc) : etc_(std::move(root_etc)) {}
    std::optional<uid_t> uid(std::string_view user);
    std::optional<gid_t> gid(std::string_view group);
    std::string user_name(uid_t uid);  // falls back to the number
    std::string group_name(gid_t gid); // likewise

private:
    const std::string& passwd();
    const std::string& group();
    std::string etc_;
    std::optional<std::string> passwd_;
    std::optional<std::string> group_;
};

} // namespace ufc
