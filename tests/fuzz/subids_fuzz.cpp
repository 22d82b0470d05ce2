// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's subordinate-id parsers and the checks built on them, on any text. The input
// is up to five parts cut at NUL bytes, so a seed can be a plain /etc/subuid:
//   subuid or subgid text \0 passwd text \0 the process's uid_map or gid_map \0 group text
//   \0 the user's name (default "alice")
// Beyond not crashing: every range taken is one newuidmap could use, every id map entry is
// one the kernel could show, and every failing finding comes with a fix.
#include "doctor_subids.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cerrno>
#include <string>

namespace {

void check_parse(const ufc::doctor::SubidParse& parsed, std::string_view text) {
    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const ufc::doctor::SubidEntry& e : parsed.entries) {
        UFC_FUZZ_REQUIRE(!e.owner.empty() && e.owner.find(':') == std::string::npos);
        UFC_FUZZ_REQUIRE(e.count >= 1 && e.start <= ufc::doctor::max_id);
        UFC_FUZZ_REQUIRE(e.end() - 1 <= ufc::doctor::max_id);
        UFC_FUZZ_REQUIRE(e.line >= 1 && e.line <= lines);
    }
    for (const std::string& e : parsed.errors)
        UFC_FUZZ_REQUIRE(e.compare(0, 5, "line ") == 0);
}

void check_findings(const std::vector<ufc::doctor::Finding>& findings, const std::string& stem) {
    UFC_FUZZ_REQUIRE(!findings.empty());
    for (const ufc::doctor::Finding& f : findings) {
        UFC_FUZZ_REQUIRE(f.id == stem || f.id == stem + "-overlap" || f.id == stem + "-map");
        UFC_FUZZ_REQUIRE(!f.message.empty());
        UFC_FUZZ_REQUIRE(f.verdict != ufc::doctor::Level::fail || !f.fix.empty());
    }
}

ufc::doctor::FileText file_text(const std::vector<std::string_view>& parts, size_t i) {
    if (i < parts.size())
        return {std::string(parts[i]), 0};
    return {std::nullopt, ENOENT};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string_view> parts = ufc::fuzz::split_nul(ufc::fuzz::as_text(data, size));

    check_parse(ufc::doctor::parse_subids(parts[0]), parts[0]);
    if (parts.size() > 2) {
        if (auto map = ufc::doctor::parse_id_map(parts[2])) {
            for (const ufc::doctor::IdMapEntry& m : *map) {
                UFC_FUZZ_REQUIRE(m.count >= 1);
                UFC_FUZZ_REQUIRE(m.inside <= 4294967295u && m.outside <= 4294967295u);
                UFC_FUZZ_REQUIRE(m.count <= 4294967295u);
            }
        }
    }

    std::string passwd = parts.size() > 1 ? std::string(parts[1]) : std::string();
    std::string name = parts.size() > 4 ? std::string(parts[4]) : std::string("alice");
    ufc::doctor::Account user{name, std::nullopt, std::nullopt};
    if (auto found = ufc::doctor::account_by_name(passwd, name))
        user = *found;
    else if (parts.size() <= 4)
        user = {name, 1000, 1000};

    for (bool gids : {false, true}) {
        ufc::doctor::SubidInput in;
        in.gids = gids;
        in.path = gids ? "/etc/subgid" : "/etc/subuid";
        in.file = file_text(parts, 0);
        in.user = user;
        in.passwd = passwd;
        in.group = parts.size() > 3 ? std::string(parts[3]) : std::string();
        in.map = file_text(parts, 2);
        check_findings(ufc::doctor::check_subids(in), gids ? "subgid" : "subuid");
    }
    return 0;
}
