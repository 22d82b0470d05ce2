// SPDX-License-Identifier: GPL-2.0-or-later
#include "accounts.hpp"

#include <charconv>
#include <fcntl.h>
#include <unistd.h>

namespace ufc {
namespace {

// Calls `visit(name, id)` for each well-formed line; stops when it returns true.
template <class Visit>
void each_entry(std::string_view text, Visit visit) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        size_t c1 = line.find(':');
        if (c1 == std::string_view::npos || c1 == 0)
            continue;
        size_t c2 = line.find(':', c1 + 1);
        if (c2 == std::string_view::npos)
            continue;
        size_t c3 = line.find(':', c2 + 1);
        std::string_view id_text = line.substr(
            c2 + 1, c3 == std::string_view::npos ? std::string_view::npos : c3 - c2 - 1);
        unsigned long id = 0;
        auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (ec != std::errc() || end != id_text.data() + id_text.size() || id_text.empty())
            continue;
        if (visit(line.substr(0, c1), id))
            return;
    }
}

} // namespace

std::optional<unsigned long> id_of_name(std::string_view accounts, std::string_view name) {
    std::optional<unsigned long> found;
    each_entry(accounts, [&](std::string_view n, unsigned long id) {
        if (n != name)
            return false;
        found = id;
        return true;
    });
    return found;
}

std::optional<std::string> name_of_id(std::string_view accounts, unsigned long id) {
    std::optional<std::string> found;
    each_entry(accounts, [&](std::string_view n, unsigned long i) {
        if (i != id)
            return false;
        found = std::string(n);
        return true;
    });
    return found;
}

std::string read_small_file(const std::string& path) {
    std::string out;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return out;
    char buf[8192];
    ssize_t n;
    // Account and settings files are small; a cap keeps a hostile one from eating memory.
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < (16u << 20))
        out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
}

const std::string& Accounts::passwd() {
    if (!passwd_)
        passwd_ = read_small_file(etc_ + "/passwd");
    return *passwd_;
}

const std::string& Accounts::group() {
    if (!group_)
        group_ = read_small_file(etc_ + "/group");
    return *group_;
}

// Ids are 32 bits wide and (uid_t)-1 means "leave the owner alone" to chown; glibc skips a
// line with a wider id. Such an id names no one: cut down to 32 bits, 4294967296 was root.
constexpr unsigned long max_account_id = 0xfffffffe;

std::optional<uid_t> Accounts::uid(std::string_view user) {
    if (auto id = id_of_name(passwd(), user); id && *id <= max_account_id)
        return static_cast<uid_t>(*id);
    return std::nullopt;
}

std::optional<gid_t> Accounts::gid(std::string_view name) {
    if (auto id = id_of_name(group(), name); id && *id <= max_account_id)
        return static_cast<gid_t>(*id);
    return std::nullopt;
}

// Id 0 is root on every Debian system, even in a bare root without /etc/passwd.
std::string Accounts::user_name(uid_t id) {
    return name_of_id(passwd(), id).value_or(id == 0 ? "root" : std::to_string(id));
}

std::string Accounts::group_name(gid_t id) {
    return name_of_id(group(), id).value_or(id == 0 ? "root" : std::to_string(id));
}

} // namespace ufc
