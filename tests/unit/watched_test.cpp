// SPDX-License-Identifier: GPL-2.0-or-later
// parse_watched(): the triggers/watched format, the real file in the source tree, and the
// table the build generated from it.
#include "caps.hpp"
#include "test_support.hpp"
#include "watched.hpp"

#include <gtest/gtest.h>
#include <string>

namespace ufc {

// In ufc itself, not the unnamed namespace, so that gtest finds them by ADL.
static bool operator==(const WatchedFile& a, const WatchedFile& b) {
    return a.package == b.package && a.path == b.path && a.capability == b.capability;
}

static void PrintTo(const WatchedFile& f, std::ostream* os) {
    *os << "{" << f.package << " " << f.path << " " << f.capability << "}";
}

namespace {

using Lines = std::vector<std::string>;
using Files = std::vector<WatchedFile>;

// Exactly one error, starting with `prefix` (the rest quotes the offending field).
::testing::AssertionResult one_error(const Lines& errors, const std::string& prefix) {
    if (errors.size() == 1 && errors[0].starts_with(prefix))
        return ::testing::AssertionSuccess();
    ::testing::AssertionResult r = ::testing::AssertionFailure();
    r << "expected one error starting with \"" << prefix << "\", got " << errors.size() << ":";
    for (const std::string& e : errors)
        r << "\n  " << e;
    return r;
}

const std::string real_watched_path = std::string(UFC_SOURCE_DIR) + "/triggers/watched";

// One valid line followed by `line`: the parser must reject `line` alone.
WatchedParseResult with_line(const std::string& line) {
    return parse_watched("uidmap /usr/bin/newuidmap cap_setuid=ep\n" + line + "\n");
}

TEST(ParseWatched, RealFileListsTheTwoUidmapBinaries) {
    std::string text = test::read_file(real_watched_path);
    ASSERT_FALSE(text.empty()) << real_watched_path;
    WatchedParseResult r = parse_watched(text);
    EXPECT_EQ(r.errors, Lines{});
    EXPECT_EQ(r.files, (Files{WatchedFile{"uidmap", "/usr/bin/newuidmap", "cap_setuid=ep"},
                              WatchedFile{"uidmap", "/usr/bin/newgidmap", "cap_setgid=ep"}}));
}

TEST(ParseWatched, BuiltinTableIsTheRealFile) {
    WatchedParseResult r = parse_watched(test::read_file(real_watched_path));
    std::span<const WatchedFile> builtin = builtin_watched();
    EXPECT_EQ(Files(builtin.begin(), builtin.end()), r.files);
}

TEST(ParseWatched, EveryBuiltinCapabilityIsUnderstoodByLibcap) {
    // The parser checks only the shape; libcap decides whether the names exist.
    for (const WatchedFile& f : builtin_watched()) {
        std::optional<CapSets> caps = caps_from_text(f.capability);
        ASSERT_TRUE(caps.has_value()) << f.capability;
        EXPECT_FALSE(caps->empty()) << f.capability;
    }
}

TEST(ParseWatched, CommentsAndBlankLinesAreSkipped) {
    WatchedParseResult r = parse_watched("# a comment\n"
                                         "\n"
                                         "   \t \n"
                                         "   # an indented comment\n"
                                         "uidmap\t/usr/bin/newuidmap   cap_setuid=ep\n"
                                         "#uidmap /usr/bin/newgidmap cap_setgid=ep\n");
    EXPECT_EQ(r.errors, Lines{});
    EXPECT_EQ(r.files, (Files{WatchedFile{"uidmap", "/usr/bin/newuidmap", "cap_setuid=ep"}}));
}

TEST(ParseWatched, LastLineNeedsNoNewline) {
    WatchedParseResult r = parse_watched("uidmap /usr/bin/newuidmap cap_setuid=ep");
    EXPECT_EQ(r.errors, Lines{});
    EXPECT_EQ(r.files.size(), 1u);
}

TEST(ParseWatched, SeveralCapabilitiesInOneSet) {
    WatchedParseResult r = parse_watched("uidmap /usr/bin/x cap_setuid,cap_setgid=ep\n");
    EXPECT_EQ(r.errors, Lines{});
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].capability, "cap_setuid,cap_setgid=ep");
}

TEST(ParseWatched, WrongFieldCount) {
    EXPECT_EQ(with_line("uidmap /usr/bin/newgidmap").errors,
              (Lines{"line 2: expected \"package path capability\", found 2 fields"}));
    EXPECT_EQ(with_line("uidmap /usr/bin/newgidmap cap_setgid=ep # trailing").errors,
              (Lines{"line 2: expected \"package path capability\", found 5 fields"}));
    EXPECT_EQ(with_line("uidmap").errors,
              (Lines{"line 2: expected \"package path capability\", found 1 fields"}));
}

TEST(ParseWatched, BadPackageNames) {
    for (const char* name : {"Uidmap", "u", "-uidmap", "uid_map", "uid:map", ".uidmap"}) {
        WatchedParseResult r = with_line(std::string(name) + " /usr/bin/newgidmap cap_setgid=ep");
        EXPECT_TRUE(one_error(r.errors, "line 2: not a Debian package name")) << name;
        EXPECT_EQ(r.files.size(), 1u) << name;
    }
}

TEST(ParseWatched, GoodPackageNames) {
    for (const char* name : {"uidmap", "g++", "libc6.1", "0ad", "x-y"}) {
        WatchedParseResult r = parse_watched(std::string(name) + " /usr/bin/x cap_setuid=ep\n");
        EXPECT_EQ(r.errors, Lines{}) << name;
    }
}

TEST(ParseWatched, PathsDpkgWouldNotMatchLiterally) {
    for (const char* path :
         {"usr/bin/newgidmap", "/usr/../bin/newgidmap", "/usr/bin/..", "/usr//bin/newgidmap",
          "/usr/bin/", "/usr/./bin/newgidmap", "/", "/usr/bin/new\x01gidmap"}) {
        WatchedParseResult r = with_line(std::string("uidmap ") + path + " cap_setgid=ep");
        EXPECT_TRUE(one_error(r.errors, "line 2: not a clean absolute path")) << path;
        EXPECT_EQ(r.files.size(), 1u) << path;
    }
}

TEST(ParseWatched, DotsInsideANameAreFine) {
    WatchedParseResult r = parse_watched("uidmap /usr/lib/x..y/.hidden cap_setuid=ep\n");
    EXPECT_EQ(r.errors, Lines{});
}

TEST(ParseWatched, BadCapabilityText) {
    for (const char* cap : {"cap_setgid", "cap_setgid=", "=ep", "setgid=ep", "cap_setgid=ex",
                            "cap_setgid+ep", "CAP_SETGID=ep", "cap_=ep", "cap_setgid,=ep",
                            "cap_setgid=ep,cap_setuid=ep", "cap_setgid=ep\r"}) {
        WatchedParseResult r = with_line(std::string("uidmap /usr/bin/newgidmap ") + cap);
        EXPECT_TRUE(one_error(r.errors, "line 2: not a capability")) << cap;
        EXPECT_EQ(r.files.size(), 1u) << cap;
    }
}

TEST(ParseWatched, DuplicatePathIsAnError) {
    WatchedParseResult r = parse_watched("uidmap /usr/bin/newuidmap cap_setuid=ep\n"
                                         "other /usr/bin/newuidmap cap_setgid=ep\n");
    EXPECT_EQ(r.errors, (Lines{"line 2: path listed twice: /usr/bin/newuidmap"}));
    EXPECT_EQ(r.files.size(), 1u);
}

TEST(ParseWatched, EmptyListIsAnError) {
    EXPECT_EQ(parse_watched("").errors, (Lines{"no watched file listed"}));
    EXPECT_EQ(parse_watched("# nothing here\n\n").errors, (Lines{"no watched file listed"}));
}

TEST(ParseWatched, NulByteIsAnError) {
    using namespace std::string_literals;
    WatchedParseResult r = with_line("uidmap /usr/bin/new\0gidmap cap_setgid=ep"s);
    EXPECT_EQ(r.errors, (Lines{"line 2: contains a NUL byte"}));
}

TEST(ParseWatched, EveryErrorIsReportedWithItsLine) {
    WatchedParseResult r = parse_watched("# header\n"
                                         "uidmap /usr/bin/newuidmap cap_setuid=ep\n"
                                         "Bad relative/path cap_setgid\n"
                                         "\n"
                                         "uidmap /usr/bin/newgidmap\n"
                                         "uidmap /usr/bin/newuidmap cap_setuid=ep\n"
                                         "uidmap /usr/bin/ok cap_setgid=ep\n");
    EXPECT_EQ(r.errors, (Lines{"line 3: not a Debian package name: Bad",
                               "line 3: not a clean absolute path: relative/path",
                               "line 3: not a capability of the form cap_name=ep: cap_setgid",
                               "line 5: expected \"package path capability\", found 2 fields",
                               "line 6: path listed twice: /usr/bin/newuidmap"}));
    // Good lines around the bad ones are still read, so the report is complete.
    EXPECT_EQ(r.files.size(), 2u);
}

} // namespace
} // namespace ufc
