// SPDX-License-Identifier: GPL-2.0-or-later
// Package state as dpkg sees it right now: the status file overlaid with dpkg's journal.
#pragma once

#include <string>

namespace ufc {

struct PackageState {
    std::string name;
    std::string version;          // empty when not installed
    std::string status;           // the Status field, for example "install ok installed"
    std::string abbrev;           // dpkg-query's ${db:Status-Abbrev} letters, for example "ii"
    bool installed_files() const; // uidmap's files can be on disk in this state
};

struct PackageQuery {
    PackageState state;
    std::string error; // non-empty: the database could not be read; names file and line
};

// Reads <admindir>/status, then every journal file in <admindir>/updates/ whose name is all
// digits, in numeric order; a later stanza for the package replaces an earlier one, as dpkg
// itself does when it starts. A package without a stanza is "not-installed".
//
// libapt-pkg's cache would read only the status file, which inside a maintainer script is
// out of date (FIELD-NOTES): that is why the journal is overlaid here, with libapt-pkg's
// own tag-file parser.
PackageQuery query_package(const std::string& admindir, const std::string& package);

// Checks a Status field value; returns the dpkg-query abbreviation or an empty string.
std::string status_abbrev(const std::string& status);

} // namespace ufc
