// SPDX-License-Identifier: GPL-2.0-or-later
// Observe: open a watched file without following symlinks, judge the open descriptor and
// read its capabilities. The result is a plain value; the descriptor is kept for act.
#pragma once

#include "caps.hpp"
#include "root_dir.hpp"
#include "unique_fd.hpp"

#include <string>
#include <sys/stat.h>

namespace ufc {

enum class Presence {
    present,    // a regular file we may act on
    missing,    // no such file (uidmap may be on its way out)
    unsafe,     // exists, but not something we will touch; `why` says what is wrong
    unreadable, // an error stopped us from judging it; `why` names the call and the reason
};

struct FileFacts {
    Presence presence = Presence::missing;
    std::string why;
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0; // full st_mode, file type included
    nlink_t nlink = 0;
    CapSets caps;
    // False when the filesystem cannot hold capabilities at all (EOPNOTSUPP): then the
    // setuid bit is the only mechanism the file can have.
    bool caps_supported = true;
};

struct Observed {
    FileFacts facts;
    UniqueFd fd; // open O_RDONLY on the judged inode when facts.presence == present
};

// Walks from the root to `path` one component at a time with O_NOFOLLOW, refusing any
// directory below the root that is not owned by root or is writable by group or others.
Observed observe(const RootDir& root, const std::string& path);

// Re-reads mode, owner and capabilities of an already judged descriptor (after a change).
FileFacts reobserve(int fd);

// Opens the root itself. The root is the administrator's choice, so it may be a symlink.
UniqueFd open_root(const std::string& path, std::string& error);

} // namespace ufc
