// SPDX-License-Identifier: GPL-2.0-or-later
// The command line: one table of subcommands, from which both the usage text and the
// dispatch are made, so the two cannot drift apart.
#pragma once

#include "commands.hpp"

#include <string>
#include <vector>

namespace ufc {

struct Subcommand {
    const char* name;
    const char* help;
    int (*run)(const Options&);
    bool changes_files; // takes --maintscript, --strict and --trigger
    bool has_json;
    bool has_root;
    bool has_user;
};

struct ParsedCli {
    const Subcommand* command = nullptr; // null: nothing to run, exit with `status`
    Options options;
    int status = exit_ok;
    std::string output; // help, version or the usage error, for main to print
    bool output_is_error = false;
};

// Parses arguments without running anything or printing anything.
ParsedCli parse_cli(const std::vector<std::string>& args);

} // namespace ufc
