// SPDX-License-Identifier: GPL-2.0-or-later
// Doctor checks: pure functions from what the system shows (the text of a /proc file, the
// facts of a helper binary) to a finding: a verdict, what was found in plain words, and the
// fix. doctor.cpp does the reading; nothing here makes a system call, so every rule is
// unit-tested on prepared copies of the files.
#pragma once

#include "caps.hpp"
#include "doctor_elf.hpp"
#include "observe.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ufc::doctor {

enum class Level {
    ok,   // nothing in the way
    info, // a fact worth showing that decides nothing
    warn, // works here, but fragile, unsafe or unknown
    fail, // blocks newuidmap/newgidmap for the user: the exit status becomes 1
};
const char* to_string(Level level); // "ok", "info", "warn", "fail"

struct Finding {
    std::string id; // stable, for scripts: "no-new-privs", "newuidmap", "subuid-map"...
    Level verdict = Level::ok;
    std::string message;
    std::string fix; // empty when nothing needs doing
};

// A file as read: its content, or why it could not be read.
struct FileText {
    std::optional<std::string> text;
    int error = 0; // errno of the failed open or read
    bool absent() const;
};

// What the process sees of itself: /proc/self/status and /proc/self/uid_map.
struct ProcessView {
    std::optional<bool> no_new_privs;
    std::optional<uint64_t> bounding; // CapBnd
    // False in the initial user namespace; nullopt when uid_map could not be read.
    std::optional<bool> in_user_namespace;
};
ProcessView view_process(const FileText& status, const FileText& uid_map);

Finding check_no_new_privs(const ProcessView& view);
Finding check_bounding_set(const ProcessView& view);

// The user-namespace switches, each from the text of its /proc/sys file. An absent file is
// a kernel without that switch, which restricts nothing.
Finding check_max_user_namespaces(const FileText& text);
Finding check_unprivileged_userns_clone(const FileText& text);
Finding check_apparmor_userns(const FileText& text);

// A helper binary (newuidmap, newgidmap) as the doctor found it.
struct HelperFacts {
    std::string path;  // as shipped, "/usr/bin/newuidmap"
    std::string shown; // as reached, under --root, for messages
    // From observe(). For an unsafe file mode and owner are still filled; `why` then says
    // what uidmap-filecaps apply would object to.
    FileFacts file;
    // Reading security.capability: 0 (read, in file.caps), ENODATA (none), EOPNOTSUPP (the
    // filesystem cannot hold them), EOVERFLOW (namespaced to a root id that does not exist
    // here), or another errno; -1 when the file could not be opened at all.
    int caps_errno = 0;
    ElfNeeded elf;
    bool fs_known = false; // statfs of the file worked
    uint64_t fs_type = 0;  // f_type
    bool fs_read_only = false;
    bool fs_nosuid = false;
};

// Which privilege the file carries and whether it lets newuidmap map ids for its caller
// here. `wanted` is the capability from the watched list; `root` is --root, for the fix.
Finding check_helper(const HelperFacts& helper, const CapSets& wanted, const ProcessView& view,
                     const std::string& root);

// Whether the filesystems holding the helpers can store file capabilities.
Finding check_filesystem(std::span<const HelperFacts> helpers);

// A readable name for a statfs f_type ("ext2/3/4", "ramfs"), or its hex value.
std::string filesystem_name(uint64_t type);

} // namespace ufc::doctor
