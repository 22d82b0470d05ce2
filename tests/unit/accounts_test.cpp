// SPDX-License-Identifier: GPL-2.0-or-later
// Names and ids from passwd and group text, as found under a --root, not from this
// machine's NSS: an image's podman group need not exist on the host.
#include "accounts.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace ufc {
namespace {

const std::string passwd = "root:x:0:0:root:/root:/bin/bash\n"
                           "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                           "podman:x:1000:1000:Podman user,,,:/home/podman:/bin/bash\n"
                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

const std::string group = "root:x:0:\n"
                          "shadow:x:42:\n"
                          "podman:x:1001:alice,bob\n"
                          "nogroup:x:65534";

TEST(IdOfName, FindsUsersInPasswd) {
    EXPECT_EQ(id_of_name(passwd, "root"), 0ul);
    EXPECT_EQ(id_of_name(passwd, "daemon"), 1ul);
    EXPECT_EQ(id_of_name(passwd, "podman"), 1000ul);
    EXPECT_EQ(id_of_name(passwd, "nobody"), 65534ul);
}

TEST(IdOfName, FindsGroupsWithAndWithoutMembers) {
    EXPECT_EQ(id_of_name(group, "root"), 0ul);
    EXPECT_EQ(id_of_name(group, "shadow"), 42ul);
    EXPECT_EQ(id_of_name(group, "podman"), 1001ul);
    // Last line: no newline and no member field at all.
    EXPECT_EQ(id_of_name(group, "nogroup"), 65534ul);
}

TEST(IdOfName, MatchesTheWholeName) {
    EXPECT_EQ(id_of_name(passwd, "roo"), std::nullopt);
    EXPECT_EQ(id_of_name(passwd, "rootx"), std::nullopt);
    EXPECT_EQ(id_of_name(passwd, ""), std::nullopt);
    // A member list is not a name.
    EXPECT_EQ(id_of_name(group, "alice"), std::nullopt);
}

TEST(IdOfName, AbsentFromEmptyText) {
    EXPECT_EQ(id_of_name("", "root"), std::nullopt);
}

TEST(IdOfName, MalformedLinesAreSkipped) {
    const std::string text = "nocolon\n"
                             ":x:5:\n"
                             "letters:x:abc:\n"
                             "short:x\n"
                             "negative:x:-1:\n"
                             "empty:x::\n"
                             "trailing:x:12a:\n"
                             "huge:x:999999999999999999999999:\n"
                             "alice:x:oops:\n"
                             "alice:x:1000:\n";
    for (const char* name :
         {"nocolon", "letters", "short", "negative", "empty", "trailing", "huge"})
        EXPECT_EQ(id_of_name(text, name), std::nullopt) << name;
    // A broken line for a name does not hide a good one further down.
    EXPECT_EQ(id_of_name(text, "alice"), 1000ul);
    EXPECT_EQ(id_of_name(text, ""), std::nullopt);
}

TEST(NameOfId, FirstNameWithTheId) {
    const std::string text = "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n";
    EXPECT_EQ(name_of_id(text, 0), "root");
    EXPECT_EQ(name_of_id(passwd, 1000), "podman");
    EXPECT_EQ(name_of_id(group, 1001), "podman");
    EXPECT_EQ(name_of_id(group, 65534), "nogroup");
}

TEST(NameOfId, AbsentId) {
    EXPECT_EQ(name_of_id(passwd, 4242), std::nullopt);
    EXPECT_EQ(name_of_id("", 0), std::nullopt);
}

TEST(NameOfId, MalformedLinesAreSkipped) {
    const std::string text = "broken:x:7x:\n:x:7:\nseven:x:7:\n";
    EXPECT_EQ(name_of_id(text, 7), "seven");
}

TEST(ReadSmallFile, WholeFileOrNothing) {
    test::TempDir dir;
    test::write_file(dir / "f", passwd);
    EXPECT_EQ(read_small_file(dir / "f"), passwd);
    EXPECT_EQ(read_small_file(dir / "absent"), "");
}

TEST(Accounts, LooksNamesUpUnderTheRoot) {
    test::TempDir root;
    test::write_file(root / "etc/passwd", passwd);
    test::write_file(root / "etc/group", group);
    Accounts accounts(root / "etc");
    EXPECT_EQ(accounts.uid("podman"), uid_t{1000});
    EXPECT_EQ(accounts.gid("podman"), gid_t{1001});
    EXPECT_EQ(accounts.uid("absent"), std::nullopt);
    EXPECT_EQ(accounts.user_name(1000), "podman");
    EXPECT_EQ(accounts.group_name(1001), "podman");
    EXPECT_EQ(accounts.group_name(42), "shadow");
}

TEST(Accounts, UnknownIdsShowAsNumbers) {
    test::TempDir root;
    test::write_file(root / "etc/passwd", passwd);
    test::write_file(root / "etc/group", group);
    Accounts accounts(root / "etc");
    EXPECT_EQ(accounts.user_name(4242), "4242");
    EXPECT_EQ(accounts.group_name(4243), "4243");
}

TEST(Accounts, RootIsRootEvenWithoutAccountFiles) {
    test::TempDir root;
    Accounts accounts(root / "etc");
    EXPECT_EQ(accounts.user_name(0), "root");
    EXPECT_EQ(accounts.group_name(0), "root");
    EXPECT_EQ(accounts.user_name(1000), "1000");
    EXPECT_EQ(accounts.uid("root"), std::nullopt);
}

TEST(Accounts, ReadsEachFileOnFirstNeedOnly) {
    test::TempDir root;
    Accounts accounts(root / "etc");
    // Written after construction: nothing was read yet.
    test::write_file(root / "etc/passwd", passwd);
    EXPECT_EQ(accounts.uid("podman"), uid_t{1000});
    // Changed after the first lookup: the first reading stays, one view per run.
    test::write_file(root / "etc/passwd", "podman:x:2000:2000::/:/bin/sh\n");
    EXPECT_EQ(accounts.uid("podman"), uid_t{1000});
}

} // namespace
} // namespace ufc
