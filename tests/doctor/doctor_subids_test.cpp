// SPDX-License-Identifier: GPL-2.0-or-later
// Subordinate-id and id-map parsing, and the subuid/subgid checks on prepared files.
#include "doctor_subids.hpp"

#include <cerrno>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ufc::doctor {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

FileText text(std::string s) {
    return FileText{std::move(s), 0};
}

const std::string passwd = "root:x:0:0:root:/root:/bin/bash\n"
                           "alice:x:1000:1000::/home/alice:/bin/sh\n"
                           "bob:x:1001:1001::/home/bob:/bin/sh\n"
                           "alias:x:1000:1000::/home/alice:/bin/sh\n"
                           "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n";
const std::string group = "root:x:0:\nalice:x:1000:\nbob:x:1001:\n";
const FileText identity = text("         0          0 4294967295\n");

SubidInput input(const std::string& subuid, const FileText& map = identity) {
    SubidInput in;
    in.path = "/etc/subuid";
    in.file = text(subuid);
    in.user = Account{"alice", 1000, 1000};
    in.passwd = passwd;
    in.group = group;
    in.map = map;
    return in;
}

const Finding& find(const std::vector<Finding>& findings, const std::string& id) {
    for (const Finding& f : findings)
        if (f.id == id)
            return f;
    static const Finding none{"(absent)", Level::info, "", ""};
    ADD_FAILURE() << "no finding " << id;
    return none;
}

bool has(const std::vector<Finding>& findings, const std::string& id) {
    for (const Finding& f : findings)
        if (f.id == id)
            return true;
    return false;
}

TEST(SubidParse, ReadsEntriesSkipsCommentsAndBlankLines) {
    SubidParse p = parse_subids("# a comment\n\nalice:100000:65536\n1000:200000:10\n");
    EXPECT_TRUE(p.errors.empty());
    ASSERT_EQ(p.entries.size(), 2u);
    EXPECT_EQ(p.entries[0].owner, "alice");
    EXPECT_EQ(p.entries[0].start, 100000u);
    EXPECT_EQ(p.entries[0].count, 65536u);
    EXPECT_EQ(p.entries[0].line, 3u);
    EXPECT_EQ(p.entries[1].owner, "1000");
    EXPECT_EQ(p.entries[1].end(), 200010u);
}

TEST(SubidParse, ReportsEveryMalformedLineWithItsNumber) {
    SubidParse p = parse_subids("alice:100000\n"                 // 1: two fields
                                "alice:1:2:3\n"                  // 2: four fields
                                ":100000:65536\n"                // 3: no owner
                                "alice: 100000:65536\n"          // 4: blank before a number
                                "alice:0x10:5\n"                 // 5: not decimal
                                "alice:-1:5\n"                   // 6: negative
                                "alice:100000:0\n"               // 7: empty range
                                "alice:4294967290:10\n"          // 8: past the last id
                                "alice:99999999999999999999:1\n" // 9: overflows
                                "bob:165536:65536\n");
    ASSERT_EQ(p.entries.size(), 1u);
    EXPECT_EQ(p.entries[0].owner, "bob");
    ASSERT_EQ(p.errors.size(), 9u);
    for (size_t i = 0; i < p.errors.size(); ++i)
        EXPECT_THAT(p.errors[i], HasSubstr("line " + std::to_string(i + 1) + ":"));
    EXPECT_THAT(p.errors[2], HasSubstr("no owner"));
    EXPECT_THAT(p.errors[6], HasSubstr("count is 0"));
    EXPECT_THAT(p.errors[7], HasSubstr("past id 4294967294"));
}

TEST(SubidParse, TheLastIdMayBeUsedButNotMinusOne) {
    EXPECT_TRUE(parse_subids("a:4294967294:1\n").errors.empty());
    EXPECT_EQ(parse_subids("a:4294967295:1\n").errors.size(), 1u);
    EXPECT_TRUE(parse_subids("a:0:4294967295\n").errors.empty());
}

TEST(SubidParse, QuotesOnlyPrintableText) {
    SubidParse p = parse_subids(std::string("al\x1b[2Jice:1\n"));
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_THAT(p.errors[0], Not(HasSubstr("\x1b")));
}

TEST(IdMap, ParsesTheKernelFormat) {
    auto map = parse_id_map("         0       1000          1\n"
                            "         1     100000      65536\n");
    ASSERT_TRUE(map.has_value());
    ASSERT_EQ(map->size(), 2u);
    EXPECT_EQ((*map)[1].inside, 1u);
    EXPECT_EQ((*map)[1].outside, 100000u);
    EXPECT_EQ((*map)[1].count, 65536u);
    EXPECT_FALSE(is_identity(*map));

    auto id = parse_id_map(*identity.text);
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(is_identity(*id));
    // A namespace whose map was never written has an empty file: inside, nothing mapped.
    auto empty = parse_id_map("");
    ASSERT_TRUE(empty.has_value());
    EXPECT_FALSE(is_identity(*empty));
}

TEST(IdMap, RejectsAnythingElse) {
    EXPECT_FALSE(parse_id_map("0 0\n").has_value());
    EXPECT_FALSE(parse_id_map("0 0 1 1\n").has_value());
    EXPECT_FALSE(parse_id_map("0 0 x\n").has_value());
    EXPECT_FALSE(parse_id_map("0 0 0\n").has_value());
    EXPECT_FALSE(parse_id_map("0 0 4294967296\n").has_value());
}

TEST(Accounts, FindsByNameAndUidWithThePrimaryGroup) {
    auto a = account_by_name(passwd, "bob");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->uid, 1001u);
    EXPECT_EQ(a->gid, 1001u);
    auto b = account_by_uid(passwd, 1000);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->name, "alice"); // the first name with that uid, as getpwuid gives
    EXPECT_FALSE(account_by_name(passwd, "carol").has_value());
}

TEST(Subids, AGoodRangeIsOk) {
    auto f = check_subids(input("alice:100000:65536\nbob:165536:65536\n"));
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(find(f, "subuid").verdict, Level::ok);
    EXPECT_EQ(find(f, "subuid").message, "alice: 100000-165535 (65536 ids)");
    EXPECT_EQ(find(f, "subuid-overlap").verdict, Level::ok);
    EXPECT_EQ(find(f, "subuid-map").verdict, Level::ok);
    EXPECT_THAT(find(f, "subuid-map").message, HasSubstr("not inside a user namespace"));
}

TEST(Subids, MissingRangeFailsAndSuggestsAFreeOne) {
    auto f = check_subids(input("bob:100000:65536\n"));
    const Finding& s = find(f, "subuid");
    EXPECT_EQ(s.verdict, Level::fail);
    EXPECT_THAT(s.message, HasSubstr("alice has no subordinate uids"));
    // The first 65536 ids from 100000 that nobody holds, as useradd would pick them.
    EXPECT_EQ(s.fix, "usermod --add-subuids 165536-231071 alice");
    EXPECT_FALSE(has(f, "subuid-overlap"));
}

TEST(Subids, UnreadableFileFailsButNotForRoot) {
    SubidInput in = input("");
    in.file = FileText{std::nullopt, ENOENT};
    in.root = "/srv/img";
    auto f = check_subids(in);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].verdict, Level::fail);
    EXPECT_THAT(f[0].message, HasSubstr("No such file"));
    EXPECT_EQ(f[0].fix, "usermod --root /srv/img --add-subuids 100000-165535 alice");

    in.user = Account{"root", 0, 0};
    EXPECT_EQ(check_subids(in)[0].verdict, Level::info);
    SubidInput root_in = input("alice:100000:65536\n");
    root_in.user = Account{"root", 0, 0};
    EXPECT_EQ(find(check_subids(root_in), "subuid").verdict, Level::info);
}

TEST(Subids, FewerThan65536IdsWarn) {
    auto f = check_subids(input("alice:100000:1000\nalice:300000:1000\n"));
    const Finding& s = find(f, "subuid");
    EXPECT_EQ(s.verdict, Level::warn);
    EXPECT_THAT(s.message, HasSubstr("only 2000 subordinate uids"));
    EXPECT_THAT(s.message, HasSubstr("100000-100999, 300000-300999"));
}

TEST(Subids, EntriesMatchByNameUidOrAnotherNameWithTheSameUid) {
    EXPECT_EQ(find(check_subids(input("1000:100000:65536\n")), "subuid").verdict, Level::ok);
    EXPECT_EQ(find(check_subids(input("alias:100000:65536\n")), "subuid").verdict, Level::ok);
    EXPECT_EQ(find(check_subids(input("bob:100000:65536\n")), "subuid").verdict, Level::fail);
}

TEST(Subids, RangeHoldingTheUsersOwnIdFails) {
    auto f = check_subids(input("alice:1000:65536\n"));
    const Finding& o = find(f, "subuid-overlap");
    EXPECT_EQ(o.verdict, Level::fail);
    EXPECT_THAT(o.message, HasSubstr("holds alice's own uid 1000"));
    EXPECT_THAT(o.fix, HasSubstr("usermod --add-subuids"));
}

TEST(Subids, SubgidComparesThePrimaryGroup) {
    SubidInput in = input("alice:500:1000\n");
    in.gids = true;
    in.path = "/etc/subgid";
    in.user = Account{"alice", 1000, 700};
    auto f = check_subids(in);
    EXPECT_EQ(find(f, "subgid-overlap").verdict, Level::fail);
    EXPECT_THAT(find(f, "subgid-overlap").message, HasSubstr("own gid 700"));
}

TEST(Subids, OverlapWithAnotherUsersRangeWarns) {
    auto f = check_subids(input("bob:100000:65536\nalice:130000:65536\n"));
    const Finding& o = find(f, "subuid-overlap");
    EXPECT_EQ(o.verdict, Level::warn);
    EXPECT_THAT(o.message, HasSubstr("overlaps bob's 100000-165535 (line 1)"));
}

TEST(Subids, OwnRangesOverlappingEachOtherFail) {
    auto f = check_subids(input("alice:100000:65536\nalice:120000:10\n"));
    EXPECT_EQ(find(f, "subuid-overlap").verdict, Level::fail);
}

TEST(Subids, RangeHoldingRootOrAnotherUserWarns) {
    auto root = check_subids(input("alice:0:999\nalice:2000:65536\n"));
    EXPECT_EQ(find(root, "subuid-overlap").verdict, Level::warn);
    EXPECT_THAT(find(root, "subuid-overlap").message, HasSubstr("uid 0 (root)"));
    auto bob = check_subids(input("alice:1001:65536\n"));
    EXPECT_THAT(find(bob, "subuid-overlap").message, HasSubstr("uid 1001 (bob)"));
    // System accounts and nobody are mapped on purpose in nested setups (podman:1:999).
    auto nested = check_subids(input("alice:1:999\nalice:1001:64535\n"));
    EXPECT_THAT(find(nested, "subuid-overlap").message, Not(HasSubstr("nobody")));
}

TEST(Subids, MalformedLinesWarn) {
    auto f = check_subids(input("alice:100000:65536\nbroken line\n"));
    const Finding& s = find(f, "subuid");
    EXPECT_EQ(s.verdict, Level::warn);
    EXPECT_THAT(s.message, HasSubstr("line 2"));
}

TEST(Subids, InsideANamespaceRangesMustBeMapped) {
    // `unshare --user --map-root-user`: one id mapped.
    auto f = check_subids(input("alice:100000:65536\n", text("0 0 1\n")));
    const Finding& m = find(f, "subuid-map");
    EXPECT_EQ(m.verdict, Level::fail);
    EXPECT_THAT(m.message, HasSubstr("holds only 0-0"));
    EXPECT_THAT(m.message, HasSubstr("alice's own uid 1000"));
    EXPECT_THAT(m.message, HasSubstr("100000-165535 (line 1)"));
    // Nothing usable is left to suggest.
    EXPECT_THAT(m.fix, HasSubstr("start the outer container with more ids"));
}

TEST(Subids, InsideARootlessContainerTheFixUsesMappedIds) {
    // A rootless container: its uids 0-65536; the image's user podman is uid 1000 in it.
    const FileText map = text("0 1000 1\n1 100000 65536\n");
    auto f = check_subids(input("alice:100000:65536\n", map));
    const Finding& m = find(f, "subuid-map");
    EXPECT_EQ(m.verdict, Level::fail);
    EXPECT_EQ(m.fix, "`usermod --del-subuids 100000-165535 --add-subuids 1001-65536 alice` (ids "
                     "this namespace has), or start the outer container with more ids");

    auto good = check_subids(input("alice:1001:64535\n", map));
    EXPECT_EQ(find(good, "subuid-map").verdict, Level::ok);
    EXPECT_THAT(find(good, "subuid-map").message, HasSubstr("maps 0-65536"));

    auto partly = check_subids(input("alice:60000:10000\n", map));
    EXPECT_EQ(find(partly, "subuid-map").verdict, Level::fail);
    EXPECT_THAT(find(partly, "subuid-map").message, HasSubstr("partly: 65537-69999"));
}

TEST(Subids, InsideANamespaceWithoutRangesStillChecksTheOwnId) {
    auto f = check_subids(input("", text("0 0 1\n")));
    EXPECT_EQ(find(f, "subuid").verdict, Level::fail);
    EXPECT_EQ(find(f, "subuid-map").verdict, Level::fail);
    // The suggestion must fit the namespace; here nothing does.
    EXPECT_THAT(find(f, "subuid").fix, HasSubstr("more ids"));
}

TEST(Subids, UnreadableMapIsUnknown) {
    SubidInput in = input("alice:100000:65536\n");
    in.map = FileText{std::nullopt, EACCES};
    EXPECT_EQ(find(check_subids(in), "subuid-map").verdict, Level::info);
}

} // namespace
} // namespace ufc::doctor
