// SPDX-License-Identifier: GPL-2.0-or-later
// doctor: the thin shell around the pure checks. It reads what they judge (this process's
// /proc files, the kernel's switches, the account and subordinate-id files and the helper
// binaries under --root), prints one line per check, and never writes anything.
#include "cap_handle.hpp"
#include "commands.hpp"
#include "doctor_checks.hpp"
#include "doctor_subids.hpp"
#include "observe.hpp"
#include "watched.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace ufc {
namespace {

using doctor::Finding;
using doctor::Level;

// The helpers are about 60 KiB; the cap only bounds what a strange file can cost us.
constexpr size_t max_image = 64u << 20;
constexpr size_t max_text = 16u << 20;

doctor::FileText read_text(const std::string& path) {
    doctor::FileText out;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) {
        out.error = errno;
        return out;
    }
    std::string text;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0 && text.size() < max_text)
        text.append(buf, static_cast<size_t>(n));
    if (n < 0) {
        out.error = errno;
        return out;
    }
    out.text = std::move(text);
    return out;
}

std::string read_image(int fd) {
    std::string image;
    char buf[65536];
    ssize_t n;
    off_t at = 0;
    while (image.size() < max_image && (n = ::pread(fd, buf, sizeof buf, at)) > 0) {
        image.append(buf, static_cast<size_t>(n));
        at += n;
    }
    return image;
}

// Everything the helper check needs about one watched file, read without changing it.
doctor::HelperFacts examine(const RootDir& root, const WatchedFile& w) {
    doctor::HelperFacts h;
    h.path = w.path;
    h.shown = root.under(w.path);
    Observed observed = observe(root, w.path);
    h.file = observed.facts;
    UniqueFd fd = std::move(observed.fd);
    if (h.file.presence == Presence::missing)
        return h;
    if (!fd) {
        // observe() keeps no descriptor for a file it would refuse, but the doctor still
        // wants to say what the file is. Reading it can do no harm: no symlink is followed
        // at the end, and nothing but a regular file is looked into.
        UniqueFd own(
            ::open(h.shown.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
        struct stat st {};
        if (own && ::fstat(own.get(), &st) == 0 && S_ISREG(st.st_mode)) {
            h.file.uid = st.st_uid;
            h.file.gid = st.st_gid;
            h.file.mode = st.st_mode;
            h.file.nlink = st.st_nlink;
            fd = std::move(own);
        }
    }
    if (!fd) {
        h.caps_errno = -1;
        return h;
    }

    errno = 0;
    CapHandle cap(cap_get_fd(fd.get()));
    h.caps_errno = cap ? 0 : errno;
    h.file.caps = cap ? cap.sets() : CapSets{};
    h.elf = doctor::elf_needed(read_image(fd.get()));
    struct statfs fs {};
    if (::fstatfs(fd.get(), &fs) == 0) {
        h.fs_known = true;
        h.fs_type = static_cast<uint64_t>(fs.f_type);
        h.fs_read_only = fs.f_flags & ST_RDONLY;
        h.fs_nosuid = fs.f_flags & ST_NOSUID;
    }
    return h;
}

bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

struct Who {
    doctor::Account account;
    std::string source; // how the user was chosen, for the "user" line
};

// --user, else SUDO_USER, else the caller; names come from the root's passwd file. Only an
// unknown --user is an error: the other two may rightly be missing from an image's passwd.
std::optional<Who> choose_user(const Options& options, const std::string& passwd,
                               const std::string& passwd_path, std::string& error) {
    if (!options.user.empty()) {
        if (auto a = doctor::account_by_name(passwd, options.user))
            return Who{*a, "--user"};
        // A number names a uid, as in /etc/subuid; (uid_t)-1 is no uid.
        if (all_digits(options.user) && options.user.size() <= 10 &&
            std::stoull(options.user) <= doctor::max_id) {
            uint64_t uid = std::stoull(options.user);
            if (auto a = doctor::account_by_uid(passwd, uid))
                return Who{*a, "--user"};
            return Who{{options.user, uid, std::nullopt}, "--user, not in " + passwd_path};
        }
        error = "no user \"" + options.user + "\" in " + passwd_path;
        return std::nullopt;
    }
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) {
        if (auto a = doctor::account_by_name(passwd, sudo))
            return Who{*a, "SUDO_USER"};
        return Who{{sudo, std::nullopt, std::nullopt}, "SUDO_USER, not in " + passwd_path};
    }
    uid_t uid = ::getuid();
    if (auto a = doctor::account_by_uid(passwd, uid))
        return Who{*a, "the caller"};
    return Who{{std::to_string(uid), uid, ::getgid()}, "the caller, not in " + passwd_path};
}

Finding user_finding(const Who& who) {
    const doctor::Account& a = who.account;
    std::string ids = a.uid ? "uid " + std::to_string(*a.uid) : "uid unknown";
    ids += a.gid ? ", gid " + std::to_string(*a.gid) : "";
    return {"user", Level::info, "checking for " + a.name + " (" + ids + "; " + who.source + ")",
            ""};
}

// The text output shouts the verdicts that need attention; JSON keeps the plain words.
std::string label(Level level) {
    std::string word = to_string(level);
    if (level == Level::warn || level == Level::fail)
        for (char& c : word)
            c = static_cast<char>(c - 'a' + 'A');
    return word;
}

void print_text(const std::vector<Finding>& findings, const std::string& user, size_t failed) {
    for (const Finding& f : findings) {
        std::string line = fmt::format("{:<4} {}: {}", label(f.verdict), f.id, f.message);
        if (!f.fix.empty())
            line += " Fix: " + f.fix;
        std::printf("%s\n", line.c_str());
    }
    if (failed == 0)
        std::printf("nothing blocks newuidmap and newgidmap for %s\n", user.c_str());
    else
        std::printf("%zu check%s block%s newuidmap and newgidmap for %s\n", failed,
                    failed == 1 ? "" : "s", failed == 1 ? "s" : "", user.c_str());
}

void print_json(const std::vector<Finding>& findings, const Who& who, const Options& options,
                const doctor::ProcessView& view, size_t failed) {
    nlohmann::json doc;
    doc["user"] = who.account.name;
    doc["uid"] = who.account.uid ? nlohmann::json(*who.account.uid) : nlohmann::json(nullptr);
    doc["gid"] = who.account.gid ? nlohmann::json(*who.account.gid) : nlohmann::json(nullptr);
    doc["root"] = options.root;
    doc["in_user_namespace"] =
        view.in_user_namespace ? nlohmann::json(*view.in_user_namespace) : nlohmann::json(nullptr);
    doc["blocked"] = failed > 0;
    doc["checks"] = nlohmann::json::array();
    for (const Finding& f : findings)
        doc["checks"].push_back({{"id", f.id},
                                 {"verdict", doctor::to_string(f.verdict)},
                                 {"message", f.message},
                                 {"fix", f.fix}});
    std::printf("%s\n", doc.dump(2).c_str());
}

} // namespace

int run_doctor(const Options& options) {
    auto log = make_logger(options.verbosity, false);
    RootDir root;
    root.path = options.root;
    std::string error;
    root.fd = open_root(options.root, error);
    if (!root.fd) {
        log->error("root {}: {}", options.root, error);
        return exit_cannot_run;
    }

    const std::string passwd_path = root.under("/etc/passwd");
    const doctor::FileText passwd = read_text(passwd_path);
    const doctor::FileText group = read_text(root.under("/etc/group"));
    std::optional<Who> who = choose_user(options, passwd.text.value_or(""), passwd_path, error);
    if (!who) {
        log->error("{}", error);
        return exit_usage;
    }

    // The process's own view, always from the running system: these decide what the
    // kernel lets newuidmap do here, whatever root the files come from.
    const doctor::FileText uid_map = read_text("/proc/self/uid_map");
    const doctor::FileText gid_map = read_text("/proc/self/gid_map");
    const doctor::ProcessView view = doctor::view_process(read_text("/proc/self/status"), uid_map);

    std::vector<Finding> findings;
    findings.push_back(doctor::check_no_new_privs(view));
    findings.push_back(doctor::check_bounding_set(view));
    findings.push_back(
        doctor::check_max_user_namespaces(read_text("/proc/sys/user/max_user_namespaces")));
    findings.push_back(doctor::check_unprivileged_userns_clone(
        read_text("/proc/sys/kernel/unprivileged_userns_clone")));
    findings.push_back(doctor::check_apparmor_userns(
        read_text("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")));
    findings.push_back(user_finding(*who));

    std::vector<doctor::HelperFacts> helpers;
    for (const WatchedFile& w : builtin_watched()) {
        helpers.push_back(examine(root, w));
        std::optional<CapSets> wanted = caps_from_text(w.capability);
        findings.push_back(
            doctor::check_helper(helpers.back(), wanted.value_or(CapSets{}), view, options.root));
    }
    findings.push_back(doctor::check_filesystem(helpers));

    for (bool gids : {false, true}) {
        doctor::SubidInput in;
        in.gids = gids;
        in.path = root.under(gids ? "/etc/subgid" : "/etc/subuid");
        in.file = read_text(in.path);
        in.user = who->account;
        in.passwd = passwd.text.value_or("");
        in.group = group.text.value_or("");
        in.map = gids ? gid_map : uid_map;
        in.root = options.root;
        for (Finding& f : doctor::check_subids(in))
            findings.push_back(std::move(f));
    }

    size_t failed = 0;
    for (const Finding& f : findings)
        failed += f.verdict == Level::fail;
    if (options.json)
        print_json(findings, *who, options, view, failed);
    else
        print_text(findings, who->account.name, failed);
    std::fflush(stdout);
    return failed ? exit_not_wanted : exit_ok;
}

} // namespace ufc
