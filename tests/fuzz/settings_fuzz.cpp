// SPDX-License-Identifier: GPL-2.0-or-later
// parse_settings() on any text: the file the postinst writes from debconf, which an
// administrator can also edit by hand. Besides not crashing: an error names a line the text
// has, and what was parsed survives being written back as the postinst writes it.
#include "admin_policy.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = ufc::fuzz::as_text(data, size);
    ufc::Settings s = ufc::parse_settings(text);

    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const std::string& e : s.errors) {
        UFC_FUZZ_REQUIRE(e.compare(0, 5, "line ") == 0);
        size_t number = std::stoul(e.substr(5));
        UFC_FUZZ_REQUIRE(number >= 1 && number <= lines);
    }

    auto word = [](bool b) { return b ? std::string("true") : std::string("false"); };
    std::string written = "# Written by the uidmap-filecaps postinst from debconf; use\n"
                          "# dpkg-reconfigure uidmap-filecaps to change it.\nenable=" +
                          word(s.enable) + "\nstrict=" + word(s.strict) + "\n";
    ufc::Settings again = ufc::parse_settings(written);
    UFC_FUZZ_REQUIRE(again.errors.empty());
    UFC_FUZZ_REQUIRE(again.enable == s.enable && again.strict == s.strict);
    return 0;
}
