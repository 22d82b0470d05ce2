// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctor_checks.hpp"

#include "doctor_subids.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <linux/capability.h>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace ufc::doctor {
namespace {

constexpr uint64_t bit(int cap) {
    return uint64_t{1} << cap;
}

// statfs f_type values (linux/magic.h) of the filesystems a /usr/bin is likely to live on,
// and whether they can hold security.capability. Network and FUSE filesystems leave it to
// the server, so only the errno of reading the attribute can tell.
enum class Holds { caps, no_caps, depends };
struct FsName {
    uint64_t type;
    const char* name;
    Holds holds;
};
constexpr FsName filesystems[] = {
    {0xEF53, "ext2/3/4", Holds::caps},      {0x58465342, "xfs", Holds::caps},
    {0x9123683E, "btrfs", Holds::caps},     {0x01021994, "tmpfs", Holds::caps},
    {0x794C7630, "overlayfs", Holds::caps}, {0x2FC12FC1, "zfs", Holds::caps},
    {0xF2F52010, "f2fs", Holds::caps},      {0x73717368, "squashfs", Holds::caps},
    {0x858458F6, "ramfs", Holds::no_caps},  {0x4d44, "vfat", Holds::no_caps},
    {0x9660, "iso9660", Holds::no_caps},    {0x6969, "nfs", Holds::depends},
    {0x65735546, "fuse", Holds::depends},   {0x01021997, "9p", Holds::depends},
};

const FsName* find_filesystem(uint64_t type) {
    for (const FsName& fs : filesystems)
        if (fs.type == type)
            return &fs;
    return nullptr;
}

// "NoNewPrivs:\t1" -> "1"; nullopt when the field is absent.
std::optional<std::string_view> status_field(std::string_view status, std::string_view key) {
    while (!status.empty()) {
        size_t nl = status.find('\n');
        std::string_view line = status.substr(0, nl);
        status = nl == std::string_view::npos ? std::string_view{} : status.substr(nl + 1);
        if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
            std::string_view value = line.substr(key.size() + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            return value;
        }
    }
    return std::nullopt;
}

template <class T>
std::optional<T> number(std::string_view text, int base = 10) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

std::string unreadable(const FileText& text) {
    return std::strerror(text.error);
}

// A sysctl file read as one integer: the finding for a missing, unreadable or odd file, or
// the value.
struct SysctlValue {
    std::optional<long long> value;
    std::optional<Finding> early;
};

SysctlValue read_sysctl(const FileText& file, const std::string& id, const std::string& name) {
    SysctlValue out;
    if (file.absent()) {
        out.early =
            Finding{id, Level::ok, name + " is not present on this kernel: nothing to limit", ""};
        return out;
    }
    if (!file.text) {
        out.early = Finding{id, Level::info, "cannot read " + name + ": " + unreadable(file), ""};
        return out;
    }
    out.value = number<long long>(trimmed(*file.text));
    if (!out.value)
        out.early =
            Finding{id, Level::warn,
                    fmt::format("{} holds \"{}\", not a number", name, trimmed(*file.text)), ""};
    return out;
}

// The capability's name as cap_to_text writes it, "cap_setuid", for messages.
std::string cap_name(const CapSets& wanted) {
    std::string text = caps_to_text(wanted);
    return text.substr(0, text.find('='));
}

std::string apply_command(const std::string& root) {
    return root == "/" ? "uidmap-filecaps apply" : "uidmap-filecaps apply --root " + root;
}

// What to do about a helper in the wrong state, as one sentence.
std::string apply_fix(const HelperFacts& h, const std::string& root) {
    std::string fix = "run `" + apply_command(root) + "` as root";
    if (h.fs_known && h.fs_read_only)
        fix += " where this filesystem is writable (it is read-only here; for a container "
               "image: install uidmap-filecaps when building it)";
    else
        fix += " (for a container image: install uidmap-filecaps in it)";
    return fix + " to switch to a file capability";
}

} // namespace

const char* to_string(Level level) {
    switch (level) {
    case Level::ok:
        return "ok";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::fail:
        return "fail";
    }
    return "?";
}

bool FileText::absent() const {
    return !text && (error == ENOENT || error == ENOTDIR);
}

ProcessView view_process(const FileText& status, const FileText& uid_map) {
    ProcessView view;
    if (status.text) {
        if (auto v = status_field(*status.text, "NoNewPrivs")) {
            if (auto n = number<unsigned>(*v))
                view.no_new_privs = *n != 0;
        }
        if (auto v = status_field(*status.text, "CapBnd"))
            view.bounding = number<uint64_t>(*v, 16);
    }
    if (uid_map.text) {
        if (auto map = parse_id_map(*uid_map.text))
            view.in_user_namespace = !is_identity(*map);
    }
    return view;
}

Finding check_no_new_privs(const ProcessView& view) {
    Finding f{"no-new-privs", Level::ok, "", ""};
    if (!view.no_new_privs) {
        f.verdict = Level::info;
        f.message = "cannot tell: /proc/self/status has no readable NoNewPrivs line";
    } else if (*view.no_new_privs) {
        f.verdict = Level::fail;
        f.message = "no_new_privs is set on this process: the kernel ignores setuid bits and "
                    "file capabilities, so newuidmap and newgidmap run unprivileged and can map "
                    "only the caller's own id";
        f.fix = "remove --security-opt=no-new-privileges from the outer podman run (or "
                "NoNewPrivileges= from the systemd unit, setpriv --no-new-privs from the "
                "wrapper) that started this session";
    } else {
        f.message = "not set: setuid bits and file capabilities take effect";
    }
    return f;
}

Finding check_bounding_set(const ProcessView& view) {
    Finding f{"bounding-set", Level::ok, "", ""};
    if (!view.bounding) {
        f.verdict = Level::info;
        f.message = "cannot tell: /proc/self/status has no readable CapBnd line";
        return f;
    }
    std::vector<std::string> missing;
    if (!(*view.bounding & bit(CAP_SETUID)))
        missing.emplace_back("CAP_SETUID");
    if (!(*view.bounding & bit(CAP_SETGID)))
        missing.emplace_back("CAP_SETGID");
    if (missing.empty()) {
        f.message = "CAP_SETUID and CAP_SETGID present";
        return f;
    }
    std::string names = missing.size() == 2 ? "CAP_SETUID and CAP_SETGID" : missing[0];
    std::string drops = missing.size() == 2          ? "setuid,setgid"
                        : missing[0] == "CAP_SETUID" ? "setuid"
                                                     : "setgid";
    f.verdict = Level::fail;
    f.message = names + (missing.size() == 2 ? " are" : " is") +
                " missing from the capability bounding set: no program started from here can "
                "gain " +
                (missing.size() == 2 ? "them" : "it") +
                ", so the kernel refuses to run a newuidmap or newgidmap with a file capability "
                "and a setuid one cannot map other ids";
    f.fix = "remove --cap-drop " + drops + " (or --cap-drop all without --cap-add " + drops +
            ") from the outer podman run";
    return f;
}

Finding check_max_user_namespaces(const FileText& text) {
    const std::string id = "max-user-namespaces";
    SysctlValue v = read_sysctl(text, id, "user.max_user_namespaces");
    if (v.early)
        return *v.early;
    // Rootless Podman holds one namespace for its pause process and one per container, and
    // Podman nested inside doubles that; a limit this low was set on purpose.
    constexpr long long low = 16;
    if (*v.value <= 0)
        return {id, Level::fail,
                fmt::format("user.max_user_namespaces is {}: no process here may create a user "
                            "namespace, so rootless Podman cannot start",
                            *v.value),
                "raise it where it was set: `sysctl -w user.max_user_namespaces=15000` on the host "
                "(and in /etc/sysctl.d/), or in the namespace that lowered it"};
    if (*v.value < low)
        return {id, Level::warn,
                fmt::format("user.max_user_namespaces is {}: rootless Podman needs one user "
                            "namespace per container plus one, nested Podman more",
                            *v.value),
                "raise it: `sysctl -w user.max_user_namespaces=15000` (and in /etc/sysctl.d/)"};
    return {id, Level::ok, fmt::format("user.max_user_namespaces is {}", *v.value), ""};
}

Finding check_unprivileged_userns_clone(const FileText& text) {
    const std::string id = "unprivileged-userns-clone";
    SysctlValue v = read_sysctl(text, id, "kernel.unprivileged_userns_clone");
    if (v.early)
        return *v.early;
    if (*v.value == 0)
        return {id, Level::fail,
                "kernel.unprivileged_userns_clone is 0: only privileged processes may create "
                "user namespaces, so rootless Podman cannot start",
                "on the host: `sysctl -w kernel.unprivileged_userns_clone=1` (and in "
                "/etc/sysctl.d/)"};
    return {id, Level::ok, fmt::format("kernel.unprivileged_userns_clone is {}", *v.value), ""};
}

Finding check_apparmor_userns(const FileText& text) {
    const std::string id = "apparmor-userns";
    SysctlValue v = read_sysctl(text, id, "kernel.apparmor_restrict_unprivileged_userns");
    if (v.early)
        return *v.early;
    if (*v.value != 0)
        return {id, Level::warn,
                "kernel.apparmor_restrict_unprivileged_userns is " + std::to_string(*v.value) +
                    ": an unprivileged program gets a user namespace without capabilities unless "
                    "its AppArmor profile allows `userns`, so rootless Podman works only under "
                    "such a profile",
                "give Podman a profile with `userns,` (Ubuntu ships /etc/apparmor.d/podman), or "
                "`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` on the host"};
    return {id, Level::ok, "kernel.apparmor_restrict_unprivileged_userns is 0", ""};
}

namespace {

// What check_helper has worked out about one helper, shared by the judgements below.
struct HelperJudge {
    const HelperFacts& h;
    const CapSets& wanted;
    const ProcessView& view;
    std::string root;
    std::string capname;   // "cap_setuid"
    std::string map;       // the map it writes: "uid_map" or "gid_map", as the kernel says
    std::string fix;       // switch to a file capability
    std::string refusal;   // "" or a note that uidmap-filecaps would refuse the file
    std::string elsewhere; // "" or why its capability does not count here
    std::optional<bool> libcap;

    Finding say(Level level, const std::string& message, std::string fix_text = {}) const {
        std::string name = h.path.substr(h.path.rfind('/') + 1);
        return {name, level, h.shown + ": " + message, std::move(fix_text)};
    }

    // A capability that takes effect here.
    Finding capability() const {
        const CapSets& caps = h.file.caps;
        const std::string text = caps_to_text(caps);
        if ((caps.permitted & wanted.permitted) != wanted.permitted)
            return say(Level::fail,
                       "carries " + text + " but not " + capname + ", so it cannot map other ids",
                       fix);
        if ((caps.effective & wanted.permitted) != wanted.permitted && libcap != true)
            return say(Level::fail,
                       "carries " + text +
                           " without the effective flag, and a build without libcap never "
                           "raises the capability itself",
                       fix);
        if (!(h.file.mode & S_ISUID) || h.file.uid != 0)
            return say(refusal.empty() ? Level::ok : Level::warn,
                       "file capability " + text +
                           ", no setuid bit: it runs with the caller's "
                           "uid plus " +
                           capname + ", which works in nested user namespaces too" + refusal);
        // Setuid root as well: the kernel grants only the file's capabilities then (and
        // logs "has both setuid-root and effective capabilities"), with euid 0.
        if (libcap == true)
            return say(Level::warn,
                       "setuid root and " + text +
                           " both: the kernel then grants only the capability; this build "
                           "(with libcap) switches to the caller's uid, so it works, but the "
                           "setuid bit is surplus" +
                           refusal,
                       fix);
        return say(Level::fail,
                   "setuid root and " + text +
                       " both: the kernel then grants only the capability while the program "
                       "runs as euid 0, and this build (no libcap) never leaves euid 0, so it "
                       "cannot open a child's " +
                       map + " (\"open of " + map + " failed: Permission denied\")" + refusal,
                   fix);
    }

    // Setuid root and no capability that counts here. Debian's build (no libcap) keeps euid
    // 0; writing a child's map as root then needs CAP_SYS_ADMIN over it, which root of a
    // rootless container lacks (measured: it fails, and passes once the bounding set has
    // CAP_SYS_ADMIN). A build with libcap switches to the caller's uid first.
    Finding setuid_root() const {
        std::string lead = "setuid root, " + build_text();
        if (!elsewhere.empty())
            lead += "; " + elsewhere;
        if (libcap == true)
            return say(refusal.empty() ? Level::ok : Level::warn,
                       lead +
                           ": it switches to the caller's uid keeping only the capability it "
                           "needs before writing the map, which works in nested user "
                           "namespaces too" +
                           refusal);
        if (view.in_user_namespace != true)
            return say(Level::warn,
                       lead +
                           ": works here, where root holds every capability, but fails "
                           "inside a rootless container, where it keeps euid 0 and may not "
                           "write a child's " +
                           map + refusal,
                       fix);
        const std::string why = lead +
                                ": inside a user namespace it keeps euid 0, and writing "
                                "a child's " +
                                map + " as root then needs CAP_SYS_ADMIN";
        if (view.bounding && (*view.bounding & bit(CAP_SYS_ADMIN)))
            return say(Level::warn,
                       why +
                           "; this process's bounding set has it (a privileged container?), "
                           "so it works here but not in a default rootless container" +
                           refusal,
                       fix);
        // Unknown builds only warn: a static one may well drop its privileges.
        return say(libcap == false ? Level::fail : Level::warn,
                   why + ", which this process's bounding set lacks: it fails with \"write to " +
                       map + " failed: Operation not permitted\"" + refusal,
                   fix);
    }

    std::string build_text() const {
        if (libcap)
            return *libcap ? "built with libcap" : "built without libcap (Debian's build)";
        if (h.elf.kind == ElfNeeded::Kind::static_)
            return "statically linked, so whether it uses libcap is unknown";
        return "whether it links libcap is unknown (" + h.elf.error + ")";
    }
};

} // namespace

Finding check_helper(const HelperFacts& h, const CapSets& wanted, const ProcessView& view,
                     const std::string& root) {
    const FileFacts& file = h.file;
    HelperJudge j{h, wanted, view, root, cap_name(wanted), "", apply_fix(h, root), "", "", {}};
    j.map = wanted.permitted & bit(CAP_SETUID) ? "uid_map" : "gid_map";

    if (file.presence == Presence::missing)
        return j.say(Level::fail, "not installed: without it Podman can map only the user's own id",
                     root == "/" ? "apt-get install uidmap"
                                 : "install the uidmap package in " + root);
    if (!S_ISREG(file.mode) || h.caps_errno == -1)
        return j.say(Level::warn, "cannot judge it: " + file.why);

    if (h.elf.kind == ElfNeeded::Kind::dynamic)
        j.libcap = links_libcap(h.elf);
    if (file.presence == Presence::unsafe)
        j.refusal = "; note that uidmap-filecaps would refuse to change it: " + file.why;
    const bool setuid = file.mode & S_ISUID;
    const bool has_caps = h.caps_errno == 0 && !file.caps.empty();
    const bool caps_here = has_caps && file.caps.nsowner == 0;
    if (has_caps && !caps_here)
        j.elsewhere = "its capability " + caps_to_text(file.caps) + " is namespaced to root id " +
                      std::to_string(file.caps.nsowner) +
                      ": it takes effect only in user namespaces whose root is that uid (such "
                      "as the rootless containers or image builds of that user), not here";
    else if (h.caps_errno == EOVERFLOW)
        j.elsewhere = "its capability is namespaced to a root id that does not exist in this "
                      "namespace (reading it gives EOVERFLOW): it takes effect only elsewhere";

    if (h.fs_known && h.fs_nosuid && (setuid || caps_here))
        return j.say(Level::fail,
                     "its filesystem is mounted nosuid, so the kernel ignores its setuid bit "
                     "and file capabilities: it can map only the caller's own id",
                     "mount that filesystem without nosuid");
    if (caps_here)
        return j.capability();
    if (setuid && file.uid == 0)
        return j.setuid_root();
    if (setuid)
        return j.say(Level::fail,
                     "setuid, but owned by uid " + std::to_string(file.uid) +
                         " as seen here (an owner outside this namespace's map shows as "
                         "65534), so the bit grants no capability",
                     "give it to root (chown root:root " + h.shown + "), then " + j.fix);
    if (!j.elsewhere.empty())
        return j.say(Level::fail, j.elsewhere,
                     "run `" + apply_command(root) +
                         "` as root of this namespace, which writes a capability that counts "
                         "here");
    if (h.caps_errno != 0 && h.caps_errno != ENODATA && h.caps_errno != EOPNOTSUPP)
        return j.say(Level::warn, "no setuid bit, and its capabilities could not be read (" +
                                      std::string(std::strerror(h.caps_errno)) + ")");
    return j.say(Level::fail,
                 "neither setuid root nor a file capability: it can map only the caller's own "
                 "id",
                 j.fix);
}

std::string filesystem_name(uint64_t type) {
    if (const FsName* fs = find_filesystem(type))
        return fs->name;
    return fmt::format("filesystem type {:#x}", type);
}

Finding check_filesystem(std::span<const HelperFacts> helpers) {
    Finding f{"filesystem", Level::ok, "", ""};
    std::vector<std::string> can, cannot, unknown;
    std::vector<std::string> read_only;
    for (const HelperFacts& h : helpers) {
        if (!S_ISREG(h.file.mode) || h.caps_errno == -1 || h.file.presence == Presence::missing)
            continue;
        std::string where = h.shown;
        if (h.fs_known)
            where += " (" + filesystem_name(h.fs_type) + ")";
        const FsName* fs = h.fs_known ? find_filesystem(h.fs_type) : nullptr;
        // The errno of reading the attribute is the filesystem's own answer; the type table
        // only decides when the read failed for another reason.
        bool answered = h.caps_errno == 0 || h.caps_errno == ENODATA || h.caps_errno == EOVERFLOW;
        if (h.caps_errno == EOPNOTSUPP || (!answered && fs && fs->holds == Holds::no_caps))
            cannot.push_back(where);
        else if (answered || (fs && fs->holds == Holds::caps))
            can.push_back(where);
        else
            unknown.push_back(where);
        if (h.fs_known && h.fs_read_only)
            read_only.push_back(h.shown);
    }
    auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (const std::string& p : parts)
            out += (out.empty() ? "" : ", ") + p;
        return out;
    };
    if (can.empty() && cannot.empty() && unknown.empty()) {
        f.verdict = Level::info;
        f.message = "no helper binary to look at";
        return f;
    }
    std::vector<std::string> parts;
    if (!cannot.empty())
        parts.push_back(join(cannot) +
                        ": cannot store file capabilities (no extended attribute support), so "
                        "uidmap-filecaps can only keep the setuid bit there");
    if (!unknown.empty())
        parts.push_back(join(unknown) + ": could not tell whether capabilities can be stored");
    if (!can.empty())
        parts.push_back(join(can) + ": can store file capabilities");
    if (!read_only.empty())
        parts.push_back(join(read_only) +
                        " on a read-only mount: capabilities already there count, but nothing "
                        "can change them here");
    f.message = parts[0];
    for (size_t i = 1; i < parts.size(); ++i)
        f.message += "; " + parts[i];
    if (!cannot.empty()) {
        f.verdict = Level::warn;
        f.fix = "keep /usr/bin on a filesystem with extended attributes (ext4, xfs, btrfs, "
                "tmpfs, overlayfs)";
    } else if (!unknown.empty()) {
        f.verdict = Level::info;
    }
    return f;
}

} // namespace ufc::doctor
