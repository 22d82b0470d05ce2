// SPDX-License-Identifier: GPL-2.0-or-later
// What query_package() promises about any answer, whatever the database held; shared by the
// status and journal targets.
#pragma once

#include "fuzz_support.hpp"
#include "package_state.hpp"

#include <string>

namespace ufc::fuzz {

// `expected_file` is the one file the input went into: an error must name it (issue 6 asks
// for "a clear error naming the file and line"), and no other file may be blamed.
inline void check_query(const PackageQuery& q, const std::string& expected_file) {
    if (!q.error.empty()) {
        UFC_FUZZ_REQUIRE(q.error.compare(0, expected_file.size(), expected_file) == 0);
        UFC_FUZZ_REQUIRE(q.error.size() > expected_file.size() &&
                         q.error[expected_file.size()] == ':');
        return;
    }
    const PackageState& s = q.state;
    UFC_FUZZ_REQUIRE(s.name == "uidmap");
    // The letters are the Status field's, and a state with files on disk has a version:
    // the log lines and the status report print both.
    UFC_FUZZ_REQUIRE(!s.abbrev.empty() && s.abbrev == status_abbrev(s.status));
    UFC_FUZZ_REQUIRE(s.abbrev[1] == 'n' || !s.version.empty());
    UFC_FUZZ_REQUIRE(!s.installed_files() || !s.version.empty());
}

} // namespace ufc::fuzz
