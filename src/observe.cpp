// SPDX-License-Identifier: GPL-2.0-or-later
#include "observe.hpp"

#include "cap_handle.hpp"
#include "sys_error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <vector>

namespace ufc {
namespace {

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> parts;
    size_t start = 1;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        if (end > start)
            parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// Whoever may write to a directory on the way can swap the file under us.
std::string judge_directory(const struct stat& st) {
    if (!S_ISDIR(st.st_mode))
        return "is not a directory";
    if (st.st_uid != 0)
        return "is not owned by root (uid " + std::to_string(st.st_uid) + ")";
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return "is writable by group or others";
    return {};
}

std::string describe_type(mode_t mode) {
    if (S_ISLNK(mode))
        return "is a symbolic link";
    if (S_ISDIR(mode))
        return "is a directory";
    if (S_ISFIFO(mode))
        return "is a fifo";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "is a device";
    if (S_ISSOCK(mode))
        return "is a socket";
    return "is not a regular file";
}

// The file's own checks: it must be a plain root-owned file nobody else can write and with
// no second name (a hard link elsewhere would keep an old setuid copy reachable).
std::string judge_file(const struct stat& st) {
    if (!S_ISREG(st.st_mode))
        return describe_type(st.st_mode);
    if (st.st_uid != 0)
        return "is not owned by root (uid " + std::to_string(st.st_uid) + ")";
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return "is writable by group or others";
    if (st.st_nlink != 1)
        return "has " + std::to_string(st.st_nlink) +
               " hard links; another name could keep a privileged copy reachable";
    return {};
}

// openat(O_DIRECTORY | O_NOFOLLOW) fails with ENOTDIR, not ELOOP, on a symlink; look again so
// the refusal names the symlink instead of a puzzling "Not a directory".
bool is_symlink_at(int dir, const std::string& name) {
    struct stat st {};
    return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

void fill_stat(FileFacts& facts, const struct stat& st) {
    facts.uid = st.st_uid;
    facts.gid = st.st_gid;
    facts.mode = st.st_mode;
    facts.nlink = st.st_nlink;
}

// Reads the capabilities of an open file. ENODATA is "no capabilities"; EOPNOTSUPP means the
// filesystem cannot store them, which is a fact about the file, not a failure.
std::string read_caps(int fd, FileFacts& facts) {
    errno = 0;
    CapHandle cap(cap_get_fd(fd));
    if (cap) {
        facts.caps = cap.sets();
        return {};
    }
    int saved = errno;
    facts.caps = {};
    if (saved == ENODATA)
        return {};
    if (saved == EOPNOTSUPP) {
        facts.caps_supported = false;
        return {};
    }
    return sys_error("cap_get_fd", saved);
}

} // namespace

UniqueFd open_root(const std::string& path, std::string& error) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        error = sys_error("open", errno);
    return fd;
}

Observed observe(const RootDir& root, const std::string& path) {
    Observed out;
    FileFacts& facts = out.facts;
    std::vector<std::string> parts = components(path);
    if (parts.empty()) {
        facts.presence = Presence::unsafe;
        facts.why = "is not a file path";
        return out;
    }

    // Directories above the root are the administrator's business; from the root down,
    // each step is opened relative to the last one and never through a symlink.
    UniqueFd dir(::fcntl(root.fd.get(), F_DUPFD_CLOEXEC, 3));
    if (!dir) {
        facts.presence = Presence::unreadable;
        facts.why = sys_error("fcntl", errno);
        return out;
    }
    std::string walked;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        walked += "/" + parts[i];
        UniqueFd next(
            ::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            int saved = errno;
            facts.presence = saved == ENOENT                      ? Presence::missing
                             : saved == ELOOP || saved == ENOTDIR ? Presence::unsafe
                                                                  : Presence::unreadable;
            bool link = saved == ELOOP || (saved == ENOTDIR && is_symlink_at(dir.get(), parts[i]));
            facts.why = link ? "directory " + walked + " is a symbolic link"
                             : sys_error("openat " + walked, saved);
            return out;
        }
        struct stat st {};
        if (::fstat(next.get(), &st) != 0) {
            facts.presence = Presence::unreadable;
            facts.why = sys_error("fstat " + walked, errno);
            return out;
        }
        if (std::string bad = judge_directory(st); !bad.empty()) {
            facts.presence = Presence::unsafe;
            facts.why = "directory " + walked + " " + bad;
            return out;
        }
        dir = std::move(next);
    }

    // Look before opening: opening a device or fifo can block or have side effects.
    const std::string& name = parts.back();
    struct stat before {};
    if (::fstatat(dir.get(), name.c_str(), &before, AT_SYMLINK_NOFOLLOW) != 0) {
        int saved = errno;
        facts.presence = saved == ENOENT ? Presence::missing : Presence::unreadable;
        facts.why = sys_error("fstatat", saved);
        return out;
    }
    if (!S_ISREG(before.st_mode)) {
        fill_stat(facts, before);
        facts.presence = Presence::unsafe;
        facts.why = describe_type(before.st_mode);
        return out;
    }

    // O_NONBLOCK: should the name be swapped for a fifo after the look, the open must not
    // hang a dpkg run. O_NOFOLLOW: nor may it be swapped for a symlink.
    UniqueFd fd(::openat(dir.get(), name.c_str(),
                         O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        int saved = errno;
        facts.presence = saved == ENOENT  ? Presence::missing
                         : saved == ELOOP ? Presence::unsafe
                                          : Presence::unreadable;
        facts.why = saved == ELOOP ? "is a symbolic link" : sys_error("openat", saved);
        return out;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        facts.presence = Presence::unreadable;
        facts.why = sys_error("fstat", errno);
        return out;
    }
    fill_stat(facts, st);
    if (st.st_dev != before.st_dev || st.st_ino != before.st_ino) {
        facts.presence = Presence::unsafe;
        facts.why = "was replaced while being examined";
        return out;
    }
    if (std::string bad = judge_file(st); !bad.empty()) {
        facts.presence = Presence::unsafe;
        facts.why = bad;
        return out;
    }
    if (std::string err = read_caps(fd.get(), facts); !err.empty()) {
        facts.presence = Presence::unreadable;
        facts.why = err;
        return out;
    }
    facts.presence = Presence::present;
    out.fd = std::move(fd);
    return out;
}

FileFacts reobserve(int fd) {
    FileFacts facts;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        facts.presence = Presence::unreadable;
        facts.why = sys_error("fstat", errno);
        return facts;
    }
    fill_stat(facts, st);
    if (std::string err = read_caps(fd, facts); !err.empty()) {
        facts.presence = Presence::unreadable;
        facts.why = err;
        return facts;
    }
    facts.presence = Presence::present;
    return facts;
}

} // namespace ufc
