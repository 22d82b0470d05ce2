// SPDX-License-Identifier: GPL-2.0-or-later
// parse_settings() on what the postinst writes from debconf, and parse_statoverride() on
// dpkg's statoverride format, including a file written by the real dpkg-statoverride.
#include "admin_policy.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace ufc {
namespace {

using Lines = std::vector<std::string>;

// --- settings ---------------------------------------------------------------------------------

TEST(ParseSettings, NoFileMeansEnabledAndNotStrict) {
    Settings s = parse_settings("");
    EXPECT_TRUE(s.enable);
    EXPECT_FALSE(s.strict);
    EXPECT_EQ(s.errors, Lines{});
}

TEST(ParseSettings, WhatThePostinstWrites) {
    // The exact shape of debian/postinst's write_settings, answer "no" and strict on.
    Settings s = parse_settings("# Written by the uidmap-filecaps postinst from debconf; use\n"
                                "# dpkg-reconfigure uidmap-filecaps to change it.\n"
                                "enable=false\n"
                                "strict=true\n");
    EXPECT_FALSE(s.enable);
    EXPECT_TRUE(s.strict);
    EXPECT_EQ(s.errors, Lines{});
}

TEST(ParseSettings, EnableFalseAlone) {
    Settings s = parse_settings("enable=false\n");
    EXPECT_FALSE(s.enable);
    EXPECT_FALSE(s.strict);
}

TEST(ParseSettings, StrictTrueAlone) {
    Settings s = parse_settings("strict=true\n");
    EXPECT_TRUE(s.enable);
    EXPECT_TRUE(s.strict);
}

TEST(ParseSettings, BlanksCommentsAndLineEndingsAreTolerated) {
    Settings s = parse_settings("\n  # comment\n\t enable = false \r\nstrict=true");
    EXPECT_FALSE(s.enable);
    EXPECT_TRUE(s.strict);
    EXPECT_EQ(s.errors, Lines{});
}

TEST(ParseSettings, ExplicitDefaultsAreKept) {
    Settings s = parse_settings("enable=true\nstrict=false\n");
    EXPECT_TRUE(s.enable);
    EXPECT_FALSE(s.strict);
    EXPECT_EQ(s.errors, Lines{});
}

TEST(ParseSettings, BadValueKeepsTheDefaultAndNamesTheLine) {
    // Only "true" and "false": a shell-ish "no" must not silently read as enabled or not.
    Settings s = parse_settings("# header\nenable=no\nstrict=1\n");
    EXPECT_TRUE(s.enable);
    EXPECT_FALSE(s.strict);
    EXPECT_EQ(s.errors, (Lines{"line 2: expected key=true or key=false",
                               "line 3: expected key=true or key=false"}));
}

TEST(ParseSettings, BadLineDoesNotHideTheGoodOnes) {
    Settings s = parse_settings("enable=False\nstrict=true\n");
    EXPECT_TRUE(s.enable);
    EXPECT_TRUE(s.strict);
    EXPECT_EQ(s.errors, (Lines{"line 1: expected key=true or key=false"}));
}

TEST(ParseSettings, LineWithoutEqualsSign) {
    Settings s = parse_settings("enable\n");
    EXPECT_TRUE(s.enable);
    EXPECT_EQ(s.errors, (Lines{"line 1: expected key=true or key=false"}));
}

TEST(ParseSettings, UnknownKeyKeepsDefaultsAndNamesTheLine) {
    Settings s = parse_settings("enable=false\ncolour=true\n");
    EXPECT_FALSE(s.enable);
    EXPECT_FALSE(s.strict);
    EXPECT_EQ(s.errors, (Lines{"line 2: unknown key colour"}));
}

TEST(ParseSettings, UnknownKeyDoesNotSetAKnownOne) {
    Settings s = parse_settings("enabled=false\nstrict_mode=true\n");
    EXPECT_TRUE(s.enable);
    EXPECT_FALSE(s.strict);
    EXPECT_EQ(s.errors, (Lines{"line 1: unknown key enabled", "line 2: unknown key strict_mode"}));
}

// --- statoverride -------------------------------------------------------------------------------

void expect_entry(const StatOverride& e, const char* owner, const char* group, mode_t mode,
                  const char* path) {
    EXPECT_EQ(e.owner, owner);
    EXPECT_EQ(e.group, group);
    EXPECT_EQ(e.mode, mode) << std::oct << e.mode;
    EXPECT_EQ(e.path, path);
}

TEST(ParseStatOverride, DpkgLineWithNames) {
    StatOverrideParse p = parse_statoverride("root podman 4750 /usr/bin/newuidmap\n");
    EXPECT_EQ(p.errors, Lines{});
    ASSERT_EQ(p.entries.size(), 1u);
    expect_entry(p.entries[0], "root", "podman", 04750, "/usr/bin/newuidmap");
}

TEST(ParseStatOverride, NumericIdsAreNotComments) {
    // "#0" is how dpkg-statoverride writes an id without a name; the '#' starts no comment.
    StatOverrideParse p = parse_statoverride("#0 #1000 4750 /x\n");
    EXPECT_EQ(p.errors, Lines{});
    ASSERT_EQ(p.entries.size(), 1u);
    expect_entry(p.entries[0], "#0", "#1000", 04750, "/x");
}

TEST(ParseStatOverride, ModeIsOctalWithOrWithoutLeadingZero) {
    StatOverrideParse p = parse_statoverride("root root 755 /a\nroot root 0755 /b\n"
                                             "root root 0 /c\nroot root 7777 /d\n");
    EXPECT_EQ(p.errors, Lines{});
    ASSERT_EQ(p.entries.size(), 4u);
    EXPECT_EQ(p.entries[0].mode, 0755u);
    EXPECT_EQ(p.entries[1].mode, 0755u);
    EXPECT_EQ(p.entries[2].mode, 0u);
    EXPECT_EQ(p.entries[3].mode, 07777u);
}

TEST(ParseStatOverride, PathWithSpacesIsTheRestOfTheLine) {
    StatOverrideParse p = parse_statoverride("root root 755 /opt/with space/x y\n");
    EXPECT_EQ(p.errors, Lines{});
    ASSERT_EQ(p.entries.size(), 1u);
    EXPECT_EQ(p.entries[0].path, "/opt/with space/x y");
}

TEST(ParseStatOverride, BadModes) {
    for (const char* mode : {"4758", "rwxr-xr-x", "17777", "-755", "+755", "0x1ed", "4750x"}) {
        StatOverrideParse p = parse_statoverride(std::string("root root ") + mode + " /x\n");
        EXPECT_EQ(p.errors, (Lines{"line 1: mode is not octal: " + std::string(mode)})) << mode;
        EXPECT_TRUE(p.entries.empty()) << mode;
    }
}

TEST(ParseStatOverride, RelativePath) {
    StatOverrideParse p = parse_statoverride("root root 4750 usr/bin/newuidmap\n");
    EXPECT_EQ(p.errors, (Lines{"line 1: path is not absolute"}));
    EXPECT_TRUE(p.entries.empty());
}

TEST(ParseStatOverride, MissingFields) {
    for (const char* line : {"root", "root root", "root root 4750", "root root 4750 "}) {
        StatOverrideParse p = parse_statoverride(std::string(line) + "\n");
        EXPECT_EQ(p.errors.size(), 1u) << line;
        EXPECT_TRUE(p.entries.empty()) << line;
    }
    EXPECT_EQ(parse_statoverride("root root\n").errors,
              (Lines{"line 1: expected \"owner group mode path\""}));
}

TEST(ParseStatOverride, EveryBadLineIsReportedAndGoodOnesKept) {
    StatOverrideParse p = parse_statoverride("root root 4755 /usr/bin/a\n"
                                             "\n"
                                             "root root 9 /usr/bin/b\n"
                                             "root podman 4750 /usr/bin/newuidmap\n"
                                             "root root\n");
    EXPECT_EQ(p.errors, (Lines{"line 3: mode is not octal: 9", "line 5: expected \"owner "
                                                               "group mode path\""}));
    ASSERT_EQ(p.entries.size(), 2u);
    EXPECT_EQ(p.entries[1].path, "/usr/bin/newuidmap");
}

TEST(ParseStatOverride, EmptyFile) {
    StatOverrideParse p = parse_statoverride("");
    EXPECT_EQ(p.errors, Lines{});
    EXPECT_TRUE(p.entries.empty());
}

TEST(ParseStatOverride, FileWrittenByTheRealDpkgStatoverride) {
    test::TempDir admindir;
    // root exists on every system, so the names survive dpkg-statoverride's own lookup;
    // the second path has a blank in it, which dpkg keeps as the rest of the line.
    test::CommandResult add1 =
        test::run_command({"dpkg-statoverride", "--admindir", admindir.path(), "--add", "root",
                           "root", "4750", "/usr/bin/newuidmap"});
    UFC_REQUIRE_TOOL(add1, "dpkg-statoverride");
    ASSERT_EQ(add1.status, 0);
    test::CommandResult add2 =
        test::run_command({"dpkg-statoverride", "--admindir", admindir.path(), "--add", "#0", "#0",
                           "0755", "/opt/with space/tool"});
    ASSERT_EQ(add2.status, 0);

    std::string text = test::read_file(admindir / "statoverride");
    ASSERT_FALSE(text.empty());
    StatOverrideParse p = parse_statoverride(text);
    EXPECT_EQ(p.errors, Lines{}) << text;
    ASSERT_EQ(p.entries.size(), 2u) << text;
    // The order of the lines is dpkg's business; look each entry up by its path.
    auto entry = [&](const std::string& path) {
        for (const StatOverride& e : p.entries)
            if (e.path == path)
                return e;
        ADD_FAILURE() << "no entry for " << path << " in:\n" << text;
        return StatOverride{};
    };
    expect_entry(entry("/usr/bin/newuidmap"), "root", "root", 04750, "/usr/bin/newuidmap");
    // dpkg writes "#0" back as the name it resolves to, where the name exists.
    StatOverride tool = entry("/opt/with space/tool");
    EXPECT_TRUE(tool.owner == "root" || tool.owner == "#0") << tool.owner;
    EXPECT_TRUE(tool.group == "root" || tool.group == "#0") << tool.group;
    EXPECT_EQ(tool.mode, 0755u);
}

} // namespace
} // namespace ufc
