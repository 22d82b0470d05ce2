// SPDX-License-Identifier: GPL-2.0-or-later
// parse_statoverride() on any text: dpkg's statoverride file, where an administrator's
// override decides the owner and mode of a watched file. Besides not crashing: each entry
// has a mode dpkg could have written and an absolute path, and reads back the same when
// written in dpkg's own "owner group mode path" form.
#include "admin_policy.hpp"
#include "fuzz_support.hpp"

#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ufc::StatOverrideParse parsed = ufc::parse_statoverride(ufc::fuzz::as_text(data, size));
    for (const std::string& e : parsed.errors)
        UFC_FUZZ_REQUIRE(e.compare(0, 5, "line ") == 0);

    std::string written;
    for (const ufc::StatOverride& o : parsed.entries) {
        UFC_FUZZ_REQUIRE(o.mode <= 07777);
        UFC_FUZZ_REQUIRE(!o.path.empty() && o.path[0] == '/');
        UFC_FUZZ_REQUIRE(!o.owner.empty() && !o.group.empty());
        char mode[8];
        std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(o.mode));
        written += o.owner + " " + o.group + " " + mode + " " + o.path + "\n";
    }
    ufc::StatOverrideParse again = ufc::parse_statoverride(written);
    UFC_FUZZ_REQUIRE(again.errors.empty());
    UFC_FUZZ_REQUIRE(again.entries.size() == parsed.entries.size());
    for (size_t i = 0; i < again.entries.size(); ++i) {
        const ufc::StatOverride& a = again.entries[i];
        const ufc::StatOverride& b = parsed.entries[i];
        UFC_FUZZ_REQUIRE(a.owner == b.owner && a.group == b.group);
        UFC_FUZZ_REQUIRE(a.mode == b.mode && a.path == b.path);
    }
    return 0;
}
