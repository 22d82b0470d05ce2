// SPDX-License-Identifier: GPL-2.0-or-later
// The subcommands. Each returns an exit status; none exits the process.
#pragma once

#include "plan.hpp"
#include "report.hpp"

#include <string>
#include <vector>

namespace ufc {

// Exit statuses, documented in the man page.
enum ExitStatus : int {
    exit_ok = 0,         // every file as wanted (or absent)
    exit_not_wanted = 1, // some file is not as wanted: fell back, refused, failed
    exit_usage = 2,      // bad arguments or trigger names
    exit_cannot_run = 3, // nothing was judged: root unusable, lock, package database
};

struct Options {
    std::string root = "/";
    Verbosity verbosity = Verbosity::normal;
    bool maintscript = false; // run by a maintainer script: never fail the dpkg run...
    bool strict = false;      // ...unless the administrator asked for exactly that
    bool json = false;
    std::vector<std::string> triggers; // trigger names dpkg passed to postinst
    std::string user;                  // doctor: whose id mapping to check
};

int run_apply(const Options& options);
int run_restore(const Options& options);
int run_status(const Options& options);
// Prints the built-in watched list, "package path capability" per line.
int run_watched(const Options& options);
// Read-only diagnosis of why newuidmap/newgidmap cannot map ids here (doctor.cpp).
int run_doctor(const Options& options);

} // namespace ufc
