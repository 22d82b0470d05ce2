// SPDX-License-Identifier: GPL-2.0-or-later
// parse_watched() on any text. The list decides which files get which capability and what
// dpkg's triggers file says, so beyond not crashing: every accepted entry must be one the
// parser accepts again when written back in the canonical form, every path must be absolute
// and listed once, and every error must name a line the text has.
#include "fuzz_support.hpp"
#include "watched.hpp"

#include <algorithm>
#include <set>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = ufc::fuzz::as_text(data, size);
    ufc::WatchedParseResult parsed = ufc::parse_watched(text);

    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const std::string& e : parsed.errors) {
        if (e == "no watched file listed") {
            UFC_FUZZ_REQUIRE(parsed.files.empty());
            continue;
        }
        UFC_FUZZ_REQUIRE(e.compare(0, 5, "line ") == 0);
        size_t number = std::stoul(e.substr(5));
        UFC_FUZZ_REQUIRE(number >= 1 && number <= lines);
    }
    UFC_FUZZ_REQUIRE(!parsed.errors.empty() || !parsed.files.empty());

    std::set<std::string> paths;
    std::string canonical;
    for (const ufc::WatchedFile& f : parsed.files) {
        UFC_FUZZ_REQUIRE(!f.path.empty() && f.path[0] == '/');
        UFC_FUZZ_REQUIRE(f.path.find("/../") == std::string::npos);
        UFC_FUZZ_REQUIRE(paths.insert(f.path).second);
        canonical += f.package + " " + f.path + " " + f.capability + "\n";
    }
    if (parsed.files.empty())
        return 0;
    ufc::WatchedParseResult again = ufc::parse_watched(canonical);
    UFC_FUZZ_REQUIRE(again.errors.empty());
    UFC_FUZZ_REQUIRE(again.files.size() == parsed.files.size());
    for (size_t i = 0; i < again.files.size(); ++i) {
        UFC_FUZZ_REQUIRE(again.files[i].package == parsed.files[i].package);
        UFC_FUZZ_REQUIRE(again.files[i].path == parsed.files[i].path);
        UFC_FUZZ_REQUIRE(again.files[i].capability == parsed.files[i].capability);
    }
    return 0;
}
