// SPDX-License-Identifier: GPL-2.0-or-later
// Command line: one table of subcommands, argument checks, and the only place that exits.
#include "commands.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A privileged program started with stdin, stdout or stderr closed would hand those numbers
// to the first files it opens, and a log line could then be written into a binary. Point any
// closed one at /dev/null before anything else is opened.
bool ensure_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1)
            continue;
        int null = ::open("/dev/null", O_RDWR | O_NOCTTY);
        if (null < 0)
            return false;
        if (null != fd) {
            // open returned a higher number, so `fd` is still free and was not this one.
            ::close(null);
            return false;
        }
    }
    return true;
}

struct Subcommand {
    const char* name;
    const char* help;
    int (*run)(const ufc::Options&);
    bool changes_files; // takes --maintscript, --strict and --trigger
    bool has_json;
    bool has_root;
    bool has_user;
};

constexpr Subcommand subcommands[] = {
    {"apply", "Give the watched files their capabilities and drop the setuid bit", ufc::run_apply,
     true, false, true, false},
    {"restore", "Put back Debian's default: setuid bit on, no capabilities", ufc::run_restore, true,
     false, true, false},
    {"status", "Show each watched file's package, mode, owner, capabilities and verdict",
     ufc::run_status, false, true, true, false},
    {"doctor", "Explain why a (nested) rootless container cannot map user ids", ufc::run_doctor,
     false, true, true, true},
    {"watched", "List the built-in watched files and their capabilities", ufc::run_watched, false,
     false, false, false},
};

} // namespace

int main(int argc, char** argv) {
    if (!ensure_standard_fds())
        return ufc::exit_cannot_run;
    umask(022);

    CLI::App app{"Keep newuidmap and newgidmap on file capabilities", "uidmap-filecaps"};
    app.require_subcommand(1, 1);
    app.set_version_flag("--version", "uidmap-filecaps " UFC_VERSION);
    bool verbose = false;
    bool quiet = false;
    ufc::Options options;
    app.add_flag("-v,--verbose", verbose, "Also log files that need no change");
    app.add_flag("-q,--quiet", quiet, "Log only warnings and errors");

    const Subcommand* chosen = nullptr;
    for (const Subcommand& sc : subcommands) {
        CLI::App* sub = app.add_subcommand(sc.name, sc.help);
        sub->callback([&chosen, &sc] { chosen = &sc; });
        if (sc.has_root)
            sub->add_option("--root", options.root,
                            "Work on the system installed under DIR (an image or chroot)")
                ->option_text("DIR")
                ->check(CLI::ExistingDirectory);
        if (sc.has_user)
            sub->add_option("--user", options.user,
                            "Check for this user (default: SUDO_USER, else the caller)")
                ->option_text("NAME");
        if (sc.has_json)
            sub->add_flag("--json", options.json, "Print JSON for programs");
        if (sc.changes_files) {
            sub->add_flag("--maintscript", options.maintscript,
                          "Run from a maintainer script: report, but never fail the dpkg run "
                          "unless strict mode is on");
            sub->add_flag("--strict", options.strict,
                          "With --maintscript: a fallback or refusal fails the run");
            sub->add_option("--trigger", options.triggers,
                            "A dpkg trigger name that caused this run (repeatable)")
                ->option_text("PATH");
        }
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int status = app.exit(e);
        return status == 0 ? 0 : ufc::exit_usage;
    }
    if (verbose && quiet) {
        std::fprintf(stderr, "uidmap-filecaps: error: --verbose and --quiet exclude each other\n");
        return ufc::exit_usage;
    }
    options.verbosity = verbose ? ufc::Verbosity::verbose
                        : quiet ? ufc::Verbosity::quiet
                                : ufc::Verbosity::normal;
    try {
        return chosen ? chosen->run(options) : ufc::exit_usage;
    } catch (const std::exception& e) {
        // Expected failures are values; this is for the unexpected (out of memory, say).
        std::fprintf(stderr, "uidmap-filecaps: error: %s\n", e.what());
        return ufc::exit_cannot_run;
    }
}
