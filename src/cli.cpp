// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <sstream>

namespace ufc {
namespace {

constexpr Subcommand subcommands[] = {
    {"apply", "Give the watched files their capabilities and drop the setuid bit", run_apply, true,
     false, true, false},
    {"restore", "Put back Debian's default: setuid bit on, no capabilities", run_restore, true,
     false, true, false},
    {"status", "Show each watched file's package, mode, owner, capabilities and verdict",
     run_status, false, true, true, false},
    {"doctor", "Explain why a (nested) rootless container cannot map user ids", run_doctor, false,
     true, true, true},
    {"watched", "List the built-in watched files and their capabilities", run_watched, false, false,
     false, false},
};

} // namespace

ParsedCli parse_cli(const std::vector<std::string>& args) {
    ParsedCli parsed;
    Options& options = parsed.options;
    CLI::App app{"Keep newuidmap and newgidmap on file capabilities", "uidmap-filecaps"};
    app.require_subcommand(1, 1);
    // -v and -q read naturally after the subcommand too ("apply -v"); subcommands created
    // after this inherit it and pass options they do not know up to the main parser.
    app.fallthrough();
    app.set_version_flag("--version", "uidmap-filecaps " UFC_VERSION);
    bool verbose = false;
    bool quiet = false;
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

    // CLI11 takes the arguments in reverse order, without the program name.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out;
        std::ostringstream err;
        int status = app.exit(e, out, err);
        parsed.output_is_error = status != 0;
        parsed.output = status != 0 ? err.str() : out.str();
        parsed.status = status == 0 ? exit_ok : exit_usage;
        return parsed;
    }
    if (verbose && quiet) {
        parsed.output = "uidmap-filecaps: error: --verbose and --quiet exclude each other\n";
        parsed.output_is_error = true;
        parsed.status = exit_usage;
        return parsed;
    }
    options.verbosity = verbose ? Verbosity::verbose : quiet ? Verbosity::quiet : Verbosity::normal;
    parsed.command = chosen;
    if (!chosen)
        parsed.status = exit_usage;
    return parsed;
}

} // namespace ufc
