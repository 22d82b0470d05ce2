// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.hpp"

#include "accounts.hpp"
#include "act.hpp"
#include "admin_policy.hpp"
#include "observe.hpp"
#include "package_state.hpp"
#include "sys_error.hpp"
#include "watched.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>

namespace ufc {
namespace {

constexpr const char* state_dir = "/var/lib/uidmap-filecaps";
constexpr const char* admin_dir = "/var/lib/dpkg";

enum class Outcome { unchanged, changed, missing, fell_back, refused, failed };

bool is_success(Outcome o) {
    return o == Outcome::unchanged || o == Outcome::changed || o == Outcome::missing;
}

// Everything a run needs about the root it works in, read once.
struct Context {
    const Options& options;
    std::shared_ptr<spdlog::logger> log;
    RootDir root;
    Settings settings;
    std::map<std::string, StatOverride> overrides; // by path, watched paths only
    Accounts accounts;
    std::optional<PackageQuery> package; // read on first need only
    std::string package_name;

    Context(const Options& o, std::shared_ptr<spdlog::logger> l)
        : options(o), log(std::move(l)), accounts(root_path(o.root) + "/etc") {}

    static std::string root_path(const std::string& r) {
        return r == "/" ? std::string{} : (r.back() == '/' ? r.substr(0, r.size() - 1) : r);
    }

    // The dpkg view of the owning package at this moment, read only when something is about
    // to change or be reported: on a system with nothing to do it is never parsed.
    const PackageQuery& package_state(const std::string& name) {
        if (!package || package_name != name) {
            package = query_package(root.under(admin_dir), name);
            package_name = name;
        }
        return *package;
    }

    std::string owner_text(uid_t uid, gid_t gid) {
        return accounts.user_name(uid) + ":" + accounts.group_name(gid);
    }
};

std::string describe_package(const PackageQuery& q) {
    if (!q.error.empty())
        return q.state.name + " (package database unreadable)";
    const PackageState& s = q.state;
    return s.name + " " + (s.version.empty() ? "(no version)" : s.version) + " (" + s.abbrev +
           ", " + s.status + ")";
}

// Reads the settings file and the statoverride entries for watched paths. Problems in
// either are reported; the defaults (enabled, no override) then apply to what is unreadable.
bool load_admin_policy(Context& ctx) {
    std::string settings_path = ctx.root.under(std::string(state_dir) + "/settings");
    ctx.settings = parse_settings(read_small_file(settings_path));
    for (const std::string& e : ctx.settings.errors)
        ctx.log->warn("{}: {}", settings_path, e);
    if (const char* env = std::getenv("UIDMAP_FILECAPS_STRICT"); env && *env && *env != '0')
        ctx.settings.strict = true;

    std::string so_path = ctx.root.under(std::string(admin_dir) + "/statoverride");
    StatOverrideParse so = parse_statoverride(read_small_file(so_path));
    for (const std::string& e : so.errors)
        ctx.log->warn("{}: {}", so_path, e);
    for (const WatchedFile& w : builtin_watched())
        for (const StatOverride& entry : so.entries)
            if (entry.path == w.path)
                ctx.overrides[w.path] = entry;
    return true;
}

// Resolves "name" or "#id" under the root in use, as dpkg-statoverride writes them.
template <class Lookup>
std::optional<unsigned> resolve_id(const std::string& text, Lookup lookup) {
    if (!text.empty() && text[0] == '#') {
        char* end = nullptr;
        errno = 0;
        unsigned long v = std::strtoul(text.c_str() + 1, &end, 10);
        if (errno || !end || *end || end == text.c_str() + 1 || v > 0xfffffffeUL)
            return std::nullopt;
        return static_cast<unsigned>(v);
    }
    return lookup(text);
}

// Builds what a file should be. Returns an error text when the override cannot be resolved.
std::string wanted_for(Context& ctx, const WatchedFile& w, Goal goal, Wanted& out) {
    out.goal = goal;
    std::optional<CapSets> caps = caps_from_text(w.capability);
    if (!caps)
        return "built-in capability " + w.capability + " is not understood by libcap";
    out.caps = *caps;
    auto it = ctx.overrides.find(w.path);
    if (it == ctx.overrides.end())
        return {};
    const StatOverride& so = it->second;
    auto uid = resolve_id(so.owner, [&](const std::string& n) -> std::optional<unsigned> {
        if (auto id = ctx.accounts.uid(n))
            return *id;
        return std::nullopt;
    });
    auto gid = resolve_id(so.group, [&](const std::string& n) -> std::optional<unsigned> {
        if (auto id = ctx.accounts.gid(n))
            return *id;
        return std::nullopt;
    });
    if (!uid || !gid)
        return "statoverride " + so.owner + " " + so.group + " " + mode_text(so.mode) +
               " names an owner or group that does not exist under " + ctx.options.root;
    out.override = OverrideIds{*uid, *gid, so.mode};
    return {};
}

std::string facts_text(Context& ctx, const FileFacts& f) {
    return mode_text(f.mode) + " " + ctx.owner_text(f.uid, f.gid) + " " + caps_to_text(f.caps);
}

// A lock against a second run of ourselves (two dpkg frontends, an administrator's apply
// racing a trigger). Kept next to our state, under the root in use.
UniqueFd take_lock(Context& ctx, std::string& error) {
    std::string dir = ctx.root.under(state_dir);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        error = dir + ": " + sys_error("mkdir", errno);
        return {};
    }
    std::string path = dir + "/lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        error = path + ": " + sys_error("open", errno);
        return {};
    }
    if (::flock(fd.get(), LOCK_EX) != 0) {
        error = path + ": " + sys_error("flock", errno);
        return {};
    }
    return fd;
}

// Runs the plan's steps on the judged descriptor, then the fallback if a capability step
// failed. Logs one line with before and after.
Outcome carry_out(Context& ctx, const WatchedFile& w, Observed& observed, const Plan& p) {
    const FileFacts& before = observed.facts;
    const PackageQuery& pkg = ctx.package_state(w.package);
    if (!pkg.error.empty()) {
        // The log must say which uidmap it saw; without that we change nothing.
        ctx.log->error("{}: not changed: cannot read the package database: {}", w.path, pkg.error);
        return Outcome::failed;
    }

    std::string failure;
    std::string failed_step;
    for (const Step& step : p.steps) {
        StepResult r = run_step(observed.fd.get(), step);
        if (!r.ok) {
            failure = r.error;
            failed_step = step.kind == StepKind::set_caps      ? "set the capability"
                          : step.kind == StepKind::remove_caps ? "remove the capability"
                                                               : "set the mode";
            break;
        }
    }
    bool fell_back = false;
    std::string fallback_error;
    if (!failure.empty() && p.fallback) {
        StepResult r = run_step(observed.fd.get(), *p.fallback);
        fell_back = r.ok;
        if (!r.ok)
            fallback_error = r.error;
    }
    fault_point("before-final-check");

    FileFacts after = reobserve(observed.fd.get());
    std::string change = "mode " + mode_text(before.mode) + " -> " + mode_text(after.mode) +
                         ", owner " + ctx.owner_text(after.uid, after.gid) + ", capabilities " +
                         caps_to_text(before.caps) + " -> " + caps_to_text(after.caps) + "; " +
                         describe_package(pkg);
    if (!p.reason.empty())
        change += "; " + p.reason;
    if (failure.empty()) {
        ctx.log->info("{}: changed: {}", w.path, change);
        return Outcome::changed;
    }
    bool setuid_kept = after.mode & S_ISUID;
    if (setuid_kept || fell_back) {
        ctx.log->warn("{}: could not {} ({}); setuid bit kept: {}", w.path, failed_step, failure,
                      change);
        return Outcome::fell_back;
    }
    ctx.log->error("{}: could not {} ({}){}: {}", w.path, failed_step, failure,
                   fallback_error.empty() ? "" : "; fallback failed: " + fallback_error, change);
    return Outcome::failed;
}

Outcome handle_file(Context& ctx, const WatchedFile& w, Goal goal) {
    Wanted wanted;
    if (std::string err = wanted_for(ctx, w, goal, wanted); !err.empty()) {
        ctx.log->error("{}: refused: {}", w.path, err);
        return Outcome::refused;
    }
    Observed observed = observe(ctx.root, w.path);
    Plan p = plan(observed.facts, wanted);
    switch (p.kind) {
    case PlanKind::missing:
        ctx.log->info("{}: not present, skipped ({} may be on its way out)", w.path, w.package);
        return Outcome::missing;
    case PlanKind::refuse:
        ctx.log->error("{}: refused, left untouched: {}", w.path, p.reason);
        return Outcome::refused;
    case PlanKind::nothing:
        if (ctx.log->should_log(spdlog::level::debug))
            ctx.log->debug("{}: already as wanted: {}; {}", w.path, facts_text(ctx, observed.facts),
                           describe_package(ctx.package_state(w.package)));
        return Outcome::unchanged;
    case PlanKind::act:
        break;
    }
    return carry_out(ctx, w, observed, p);
}

// Checks trigger names against the watched list; dpkg only passes names we registered, so
// anything else means the caller is confused and nothing should be done.
bool triggers_known(Context& ctx) {
    bool ok = true;
    for (const std::string& name : ctx.options.triggers) {
        bool known = false;
        for (const WatchedFile& w : builtin_watched())
            known = known || w.path == name;
        if (!known) {
            ctx.log->error("unknown trigger name \"{}\"; nothing done", name);
            ok = false;
        }
    }
    return ok;
}

// In a maintainer script, only strict mode turns a bad outcome into a failed dpkg run.
int finish(const Context& ctx, int status) {
    if (!ctx.options.maintscript || status == exit_ok)
        return status;
    if (ctx.settings.strict || ctx.options.strict) {
        ctx.log->error("strict mode: failing the package configuration");
        return status;
    }
    return exit_ok;
}

bool open_context_root(Context& ctx) {
    std::string error;
    ctx.root.path = ctx.options.root;
    ctx.root.fd = open_root(ctx.options.root, error);
    if (!ctx.root.fd) {
        ctx.log->error("root {}: {}", ctx.options.root, error);
        return false;
    }
    return load_admin_policy(ctx);
}

int change_files(const Options& options, Goal goal) {
    Context ctx(options, make_logger(options.verbosity, options.root == "/"));
    if (!triggers_known(ctx))
        return finish(ctx, exit_usage);
    if (!open_context_root(ctx))
        return finish(ctx, exit_cannot_run);
    if (goal == Goal::apply && !ctx.settings.enable) {
        // The debconf "no" wins: triggers keep Debian's default, and so does a manual run.
        if (options.maintscript) {
            ctx.log->info("disabled by the administrator (debconf uidmap-filecaps/enable); "
                          "leaving Debian's setuid default in place");
            return exit_ok;
        }
        ctx.log->error("disabled by the administrator; run dpkg-reconfigure uidmap-filecaps "
                       "to enable it");
        return exit_not_wanted;
    }
    std::string lock_error;
    UniqueFd lock = take_lock(ctx, lock_error);
    if (!lock) {
        ctx.log->error("cannot take the lock: {}", lock_error);
        return finish(ctx, exit_cannot_run);
    }
    bool all_ok = true;
    for (const WatchedFile& w : builtin_watched())
        all_ok = is_success(handle_file(ctx, w, goal)) && all_ok;
    return finish(ctx, all_ok ? exit_ok : exit_not_wanted);
}

struct StatusRow {
    std::string path, package, version, state, status, mode, owner, group, caps, verdict, reason;
    uid_t nsowner = 0;
    bool has_override = false;
};

} // namespace

int run_apply(const Options& options) {
    return change_files(options, Goal::apply);
}

int run_restore(const Options& options) {
    return change_files(options, Goal::restore);
}

int run_status(const Options& options) {
    // Status only reads: no syslog line, no lock.
    Context ctx(options, make_logger(options.verbosity, false));
    if (!open_context_root(ctx))
        return exit_cannot_run;
    Goal goal = ctx.settings.enable ? Goal::apply : Goal::restore;
    bool all_ok = true;
    std::vector<StatusRow> rows;
    std::string reported_error; // the query is cached: say its error once, not per file
    for (const WatchedFile& w : builtin_watched()) {
        StatusRow row;
        row.path = w.path;
        row.package = w.package;
        const PackageQuery& pkg = ctx.package_state(w.package);
        if (pkg.error.empty()) {
            row.version = pkg.state.version.empty() ? "-" : pkg.state.version;
            row.state = pkg.state.abbrev;
            row.status = pkg.state.status;
        } else {
            if (pkg.error != reported_error)
                ctx.log->error("{}", pkg.error);
            reported_error = pkg.error;
            row.version = row.state = row.status = "?";
            all_ok = false;
        }
        Wanted wanted;
        std::string err = wanted_for(ctx, w, goal, wanted);
        Observed observed = observe(ctx.root, w.path);
        const FileFacts& f = observed.facts;
        Verdict verdict = err.empty() ? judge(f, wanted) : Verdict::refused;
        row.verdict = to_string(verdict);
        row.reason = !err.empty() ? err : f.why;
        row.has_override = wanted.override.has_value();
        // A file refused for a directory on its way was never looked at: no values to show.
        // Any file that was stat'ed has a file type in its mode.
        if (f.presence == Presence::present || (f.mode & S_IFMT) != 0) {
            row.mode = mode_text(f.mode);
            row.owner = ctx.accounts.user_name(f.uid);
            row.group = ctx.accounts.group_name(f.gid);
            row.caps = caps_to_text(f.caps);
            row.nsowner = f.caps.nsowner;
        } else {
            row.mode = row.owner = row.group = row.caps = "-";
        }
        all_ok = satisfies(verdict, goal) && all_ok;
        rows.push_back(row);
    }
    // uidmap not installed: nothing to keep right, so nothing is wrong.
    bool package_absent =
        ctx.package && ctx.package->error.empty() && !ctx.package->state.installed_files();

    if (options.json) {
        nlohmann::json doc;
        doc["enabled"] = ctx.settings.enable;
        doc["strict"] = ctx.settings.strict;
        doc["root"] = options.root;
        doc["files"] = nlohmann::json::array();
        for (const StatusRow& r : rows)
            doc["files"].push_back({{"path", r.path},
                                    {"package", r.package},
                                    {"version", r.version},
                                    {"state", r.state},
                                    {"status", r.status},
                                    {"mode", r.mode},
                                    {"owner", r.owner},
                                    {"group", r.group},
                                    {"capabilities", r.caps},
                                    {"capabilities_rootid", r.nsowner},
                                    {"statoverride", r.has_override},
                                    {"verdict", r.verdict},
                                    {"reason", r.reason}});
        std::printf("%s\n", doc.dump(2).c_str());
    } else {
        std::printf("%-20s %-8s %-24s %-5s %-5s %-12s %-16s %s\n", "PATH", "PACKAGE", "VERSION",
                    "STATE", "MODE", "OWNER", "CAPABILITIES", "VERDICT");
        for (const StatusRow& r : rows) {
            std::string owner = r.owner == "-" ? "-" : r.owner + ":" + r.group;
            std::printf("%-20s %-8s %-24s %-5s %-5s %-12s %-16s %s%s%s\n", r.path.c_str(),
                        r.package.c_str(), r.version.c_str(), r.state.c_str(), r.mode.c_str(),
                        owner.c_str(), r.caps.c_str(), r.verdict.c_str(),
                        r.reason.empty() ? "" : ": ", r.reason.c_str());
        }
        if (!ctx.settings.enable)
            std::printf("disabled by the administrator: Debian's setuid default is wanted\n");
    }
    std::fflush(stdout);
    return all_ok || package_absent ? exit_ok : exit_not_wanted;
}

int run_watched(const Options&) {
    for (const WatchedFile& w : builtin_watched())
        std::printf("%s %s %s\n", w.package.c_str(), w.path.c_str(), w.capability.c_str());
    return exit_ok;
}

} // namespace ufc
