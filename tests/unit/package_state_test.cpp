// SPDX-License-Identifier: GPL-2.0-or-later
// query_package() on dpkg databases written into a temporary admindir: the status file, the
// journal in updates/, and the ways either can be broken. Where it matters, the answer is
// compared with what the real dpkg-query says about the same admindir.
#include "package_state.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>

namespace ufc {
namespace {

using test::TempDir;
using test::write_file;

// A stanza complete enough that dpkg-query reads it without a warning.
std::string stanza(const std::string& package, const std::string& status,
                   const std::string& version, const std::string& extra = "",
                   const std::string& arch = "amd64") {
    std::string s = "Package: " + package + "\nStatus: " + status +
                    "\nPriority: optional\nSection: admin\nMaintainer: Test <test@example.org>\n"
                    "Architecture: " +
                    arch + "\n";
    if (!version.empty())
        s += "Version: " + version + "\n";
    s += extra;
    s += "Description: test package\n a longer description\n";
    return s;
}

// Another package around ours, so that finding the right stanza is part of every test.
const std::string other = stanza("passwd", "install ok installed", "1:4.13+dfsg1-1");
const std::string uidmap_version = "1:4.13+dfsg1-1";

class AdminDir {
public:
    explicit AdminDir(const std::string& status) {
        std::filesystem::create_directories(dir_ / "updates");
        std::filesystem::create_directories(dir_ / "info");
        write_file(status_path(), status);
    }
    void journal(const std::string& name, const std::string& text) const {
        write_file(dir_ / ("updates/" + name), text);
    }
    std::string path() const { return dir_.path(); }
    std::string status_path() const { return dir_ / "status"; }
    std::string journal_path(const std::string& name) const { return dir_ / ("updates/" + name); }
    PackageQuery query() const { return query_package(path(), "uidmap"); }

private:
    TempDir dir_;
};

AdminDir with_uidmap(const std::string& status, const std::string& version = uidmap_version) {
    return AdminDir(other + "\n" + stanza("uidmap", status, version));
}

// --- states from the status file ----------------------------------------------------------

TEST(QueryPackage, InstalledPackage) {
    PackageQuery q = with_uidmap("install ok installed").query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.name, "uidmap");
    EXPECT_EQ(q.state.version, uidmap_version);
    EXPECT_EQ(q.state.status, "install ok installed");
    EXPECT_EQ(q.state.abbrev, "ii");
    EXPECT_TRUE(q.state.installed_files());
}

TEST(QueryPackage, UnpackedPackage) {
    PackageQuery q = with_uidmap("install ok unpacked").query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "iU");
    EXPECT_EQ(q.state.version, uidmap_version);
    EXPECT_TRUE(q.state.installed_files());
}

TEST(QueryPackage, HalfConfiguredPackage) {
    PackageQuery q = with_uidmap("install ok half-configured").query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "iF");
    EXPECT_TRUE(q.state.installed_files());
}

TEST(QueryPackage, ConfigFilesOnlyHasNoFilesInstalled) {
    PackageQuery q = with_uidmap("deinstall ok config-files").query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "rc");
    EXPECT_EQ(q.state.version, uidmap_version);
    EXPECT_FALSE(q.state.installed_files());
}

TEST(QueryPackage, PackageWithoutStanzaIsNotInstalled) {
    PackageQuery q = AdminDir(other).query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.name, "uidmap");
    EXPECT_EQ(q.state.version, "");
    EXPECT_EQ(q.state.status, "unknown ok not-installed");
    EXPECT_EQ(q.state.abbrev, "un");
    EXPECT_FALSE(q.state.installed_files());
}

TEST(QueryPackage, NotInstalledStanzaNeedsNoVersion) {
    PackageQuery q = with_uidmap("purge ok not-installed", "").query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.version, "");
    EXPECT_FALSE(q.state.installed_files());
}

TEST(QueryPackage, InstalledStanzaWithoutVersionIsAnError) {
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", ""));
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.status_path()), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("no Version"), std::string::npos) << q.error;
}

TEST(QueryPackage, MissingUpdatesDirectoryIsAnEmptyJournal) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    std::filesystem::remove(db.path() + "/updates");
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "ii");
}

// --- the journal -----------------------------------------------------------------------------

TEST(QueryPackageJournal, UpgradeCaughtHalfWayShowsTheNewVersion) {
    // Inside uidmap's upgrade from 1.0 to 2.0, dpkg has only written its journal so far.
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", stanza("uidmap", "install ok unpacked", "2.0"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.version, "2.0");
    EXPECT_EQ(q.state.status, "install ok unpacked");
    EXPECT_EQ(q.state.abbrev, "iU");
}

TEST(QueryPackageJournal, LaterJournalFileWins) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", stanza("uidmap", "install ok half-installed", "2.0"));
    db.journal("0002", stanza("uidmap", "install ok unpacked", "2.0"));
    db.journal("0003", stanza("uidmap", "install ok half-configured", "2.0"));
    db.journal("0004", stanza("passwd", "install ok unpacked", "1:4.13+dfsg1-2"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "iF");
    EXPECT_EQ(q.state.version, "2.0");
}

TEST(QueryPackageJournal, JournalFilesAreReadInNumericOrder) {
    // dpkg names its journal files with equal-length numbers, where name and number order
    // agree; only names of different lengths tell the two apart (dpkg itself refuses those).
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("9", stanza("uidmap", "install ok unpacked", "2.0"));
    db.journal("10", stanza("uidmap", "install ok half-configured", "3.0"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.version, "3.0");
    EXPECT_EQ(q.state.abbrev, "iF");
}

TEST(QueryPackageJournal, RemovalInTheJournalWins) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", stanza("uidmap", "deinstall ok config-files", "1.0"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "rc");
    EXPECT_FALSE(q.state.installed_files());
}

TEST(QueryPackageJournal, NonDigitNamesAreNotJournal) {
    // tmp.i is dpkg's journal entry while being written: half a stanza at best.
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("tmp.i", "Package: uidmap\nStatus: garb");
    db.journal("0001.dpkg-old", "garbage");
    db.journal("0002x", stanza("uidmap", "install ok unpacked", "9.0"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.version, "1.0");
    EXPECT_EQ(q.state.abbrev, "ii");
}

// --- broken databases ------------------------------------------------------------------------

TEST(QueryPackageErrors, MissingStatusFileNamesThePath) {
    TempDir dir;
    PackageQuery q = query_package(dir.path(), "uidmap");
    EXPECT_NE(q.error.find(dir / "status"), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("ENOENT"), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, EmptyStatusFile) {
    AdminDir db("");
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.status_path()), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("empty"), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, EmptyJournalFile) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", "");
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.journal_path("0001")), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("empty"), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, TruncatedStatusFile) {
    std::string text = stanza("uidmap", "install ok installed", "1.0");
    text.pop_back(); // the final newline: a write cut short
    AdminDir db(text);
    PackageQuery q = db.query();
    // The stanza has 9 lines; the cut is on the last.
    EXPECT_NE(q.error.find(db.status_path() + ":9: truncated"), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, TruncatedJournalFile) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", "Package: uidmap\nStatus: install ok unpa");
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.journal_path("0001") + ":2: truncated"), std::string::npos)
        << q.error;
}

TEST(QueryPackageErrors, MalformedStatusFieldNamesFileAndLine) {
    // `other` is 9 lines, then a blank line: uidmap's stanza starts on line 11.
    AdminDir db(other + "\n" + stanza("uidmap", "install ok bogus", "1.0"));
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.status_path() + ":11: "), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("malformed Status field \"install ok bogus\""), std::string::npos)
        << q.error;
}

TEST(QueryPackageErrors, MalformedStatusFieldAfterSeveralBlankLines) {
    AdminDir db(other + "\n\n\n" + stanza("uidmap", "install", "1.0"));
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.status_path() + ":13: "), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, MalformedStatusFieldInJournal) {
    AdminDir db(stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", stanza("uidmap", "install ok installed extra", "2.0"));
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.journal_path("0001") + ":1: "), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, StanzaWithoutPackageField) {
    std::string orphan = "Status: install ok installed\nVersion: 1.0\n";
    AdminDir db(other + "\n" + orphan);
    PackageQuery q = db.query();
    EXPECT_NE(q.error.find(db.status_path() + ":11: "), std::string::npos) << q.error;
    EXPECT_NE(q.error.find("without a Package field"), std::string::npos) << q.error;
}

TEST(QueryPackageErrors, ErrorsDoNotLeakIntoTheNextQuery) {
    // apt keeps errors in a global stack: a failed query must not poison the next one.
    AdminDir broken(stanza("uidmap", "install ok bogus", "1.0"));
    EXPECT_NE(broken.query().error, "");
    PackageQuery q = with_uidmap("install ok installed").query();
    EXPECT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "ii");
}

// --- status_abbrev ---------------------------------------------------------------------------

TEST(StatusAbbrev, EveryWant) {
    EXPECT_EQ(status_abbrev("unknown ok not-installed"), "un");
    EXPECT_EQ(status_abbrev("install ok installed"), "ii");
    EXPECT_EQ(status_abbrev("hold ok installed"), "hi");
    EXPECT_EQ(status_abbrev("deinstall ok config-files"), "rc");
    EXPECT_EQ(status_abbrev("purge ok not-installed"), "pn");
}

TEST(StatusAbbrev, EveryState) {
    EXPECT_EQ(status_abbrev("install ok not-installed"), "in");
    EXPECT_EQ(status_abbrev("install ok config-files"), "ic");
    EXPECT_EQ(status_abbrev("install ok half-installed"), "iH");
    EXPECT_EQ(status_abbrev("install ok unpacked"), "iU");
    EXPECT_EQ(status_abbrev("install ok half-configured"), "iF");
    EXPECT_EQ(status_abbrev("install ok triggers-awaited"), "iW");
    EXPECT_EQ(status_abbrev("install ok triggers-pending"), "it");
    EXPECT_EQ(status_abbrev("install ok installed"), "ii");
}

TEST(StatusAbbrev, ReinstallRequiredAddsR) {
    EXPECT_EQ(status_abbrev("install reinstreq half-installed"), "iHR");
    EXPECT_EQ(status_abbrev("deinstall reinstreq unpacked"), "rUR");
}

TEST(StatusAbbrev, MalformedFieldsGiveNothing) {
    for (const char* bad :
         {"", "install", "install ok", "install ok installed extra", "install  ok installed",
          " install ok installed", "install ok installed ", "install bad installed",
          "Install ok installed", "install ok Installed", "remove ok installed"})
        EXPECT_EQ(status_abbrev(bad), "") << '"' << bad << '"';
}

TEST(PackageState, InstalledFilesForEveryState) {
    auto files = [](const char* abbrev) { return PackageState{"uidmap", "1", "", abbrev}; };
    for (const char* yes : {"ii", "iU", "iF", "iH", "iW", "it", "iHR", "rUR"})
        EXPECT_TRUE(files(yes).installed_files()) << yes;
    for (const char* no : {"un", "pn", "rc", "", "i"})
        EXPECT_FALSE(files(no).installed_files()) << no;
}

// --- against the real dpkg-query -------------------------------------------------------------

// What dpkg-query itself prints for uidmap in `admindir`: version, abbreviation, status.
// dpkg-query pads the abbreviation to three letters with a blank for the "ok" flag; ours
// leaves the blank out, so it is trimmed before comparing.
struct DpkgView {
    test::CommandResult run;
    std::string version, abbrev, status;
};

DpkgView dpkg_query(const std::string& admindir, const std::string& package = "uidmap") {
    DpkgView v;
    v.run = test::run_command({"dpkg-query", "--admindir=" + admindir, "-W",
                               "-f=${Version}\t${db:Status-Abbrev}\t${Status}\n", package});
    std::string line = v.run.out;
    if (!line.empty() && line.back() == '\n')
        line.pop_back();
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos)
        return v;
    v.version = line.substr(0, t1);
    v.abbrev = line.substr(t1 + 1, t2 - t1 - 1);
    while (!v.abbrev.empty() && v.abbrev.back() == ' ')
        v.abbrev.pop_back();
    v.status = line.substr(t2 + 1);
    return v;
}

struct DpkgCase {
    const char* name;
    const char* status;
    const char* extra; // fields dpkg requires in that state
};

class AgreesWithDpkgQuery : public ::testing::TestWithParam<DpkgCase> {};

TEST_P(AgreesWithDpkgQuery, OnTheStatusFile) {
    const DpkgCase& c = GetParam();
    AdminDir db(other + "\n" + stanza("uidmap", c.status, uidmap_version, c.extra) + "\n" +
                stanza("man-db", "install ok triggers-pending", "2.11.2-2",
                       "Triggers-Pending: /usr/share/man\n"));
    DpkgView real = dpkg_query(db.path());
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    ASSERT_EQ(real.run.status, 0) << real.run.out;

    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, real.abbrev);
    EXPECT_EQ(q.state.version, real.version);
    EXPECT_EQ(q.state.status, real.status);
}

INSTANTIATE_TEST_SUITE_P(
    States, AgreesWithDpkgQuery,
    ::testing::Values(DpkgCase{"installed", "install ok installed", ""},
                      DpkgCase{"unpacked", "install ok unpacked", ""},
                      DpkgCase{"half_configured", "install ok half-configured", ""},
                      DpkgCase{"config_files", "deinstall ok config-files", ""},
                      DpkgCase{"hold", "hold ok installed", ""},
                      DpkgCase{"reinstreq", "install reinstreq half-installed", ""},
                      DpkgCase{"triggers_awaited", "install ok triggers-awaited",
                               "Triggers-Awaited: man-db\n"},
                      DpkgCase{"triggers_pending", "install ok triggers-pending",
                               "Triggers-Pending: /usr/bin/newuidmap\n"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AgreesWithDpkgQueryJournal, UpgradeCaughtHalfWay) {
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", "1.0"));
    db.journal("0001", stanza("uidmap", "install ok half-installed", "2.0"));
    db.journal("0002", stanza("uidmap", "install ok unpacked", "2.0"));
    db.journal("tmp.i", "Package: uidmap\nStatus: garb");
    DpkgView real = dpkg_query(db.path());
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    ASSERT_EQ(real.run.status, 0) << real.run.out;
    // Pins the fixture itself: dpkg-query must see the upgrade, or the comparison is empty.
    ASSERT_EQ(real.version, "2.0");

    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, real.abbrev);
    EXPECT_EQ(q.state.version, real.version);
    EXPECT_EQ(q.state.status, real.status);
}

// On a multiarch system dpkg keeps one stanza per architecture. A foreign instance it keeps
// only as not-installed (a selection, what a removal left) sorts after amd64 and must not hide
// the instance whose files are on disk.
const std::string foreign = "Multi-Arch: foreign\n"; // as Debian's uidmap declares

TEST(AgreesWithDpkgQueryMultiarch, NotInstalledForeignInstanceDoesNotHideTheInstalledOne) {
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", "1.0", foreign) + "\n" +
                stanza("uidmap", "deinstall ok not-installed", "", foreign, "i386"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "ii");
    EXPECT_EQ(q.state.version, "1.0");
    EXPECT_TRUE(q.state.installed_files());

    DpkgView real = dpkg_query(db.path(), "uidmap:amd64");
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    ASSERT_EQ(real.run.status, 0) << real.run.out;
    EXPECT_EQ(q.state.abbrev, real.abbrev);
    EXPECT_EQ(q.state.version, real.version);
}

TEST(AgreesWithDpkgQueryMultiarch, UpgradeInTheJournalBesideAForeignLeftover) {
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", "1.0", foreign) + "\n" +
                stanza("uidmap", "deinstall ok not-installed", "", foreign, "i386"));
    db.journal("0001", stanza("uidmap", "install ok unpacked", "2.0", foreign));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "iU");
    EXPECT_EQ(q.state.version, "2.0");

    DpkgView real = dpkg_query(db.path(), "uidmap:amd64");
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    ASSERT_EQ(real.run.status, 0) << real.run.out;
    EXPECT_EQ(q.state.abbrev, real.abbrev);
    EXPECT_EQ(q.state.version, real.version);
}

TEST(AgreesWithDpkgQueryMultiarch, CrossGradeInTheJournalTakesOverTheInstance) {
    // dpkg records amd64 -> i386 as the i386 stanza replacing the only present instance.
    AdminDir db(other + "\n" + stanza("uidmap", "install ok installed", "1.0", foreign));
    db.journal("0001", stanza("uidmap", "install ok half-installed", "1.0", foreign, "i386"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "iH");

    DpkgView real = dpkg_query(db.path());
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    ASSERT_EQ(real.run.status, 0) << real.run.out;
    // One line only: the amd64 instance is gone, not left installed beside the i386 one.
    ASSERT_EQ(std::count(real.run.out.begin(), real.run.out.end(), '\n'), 1) << real.run.out;
    EXPECT_EQ(q.state.abbrev, real.abbrev);
    EXPECT_EQ(q.state.version, real.version);
}

TEST(QueryPackage, ConfigFilesInstanceIsPreferredToANotInstalledOne) {
    // No instance has files: the one with a version says more than the empty selection.
    AdminDir db(stanza("uidmap", "deinstall ok config-files", "1.0") + "\n" +
                stanza("uidmap", "install ok not-installed", "", "", "i386"));
    PackageQuery q = db.query();
    ASSERT_EQ(q.error, "");
    EXPECT_EQ(q.state.abbrev, "rc");
    EXPECT_EQ(q.state.version, "1.0");
}

TEST(AgreesWithDpkgQueryJournal, TruncatedStatusFileIsAnErrorForBoth) {
    std::string text = stanza("uidmap", "install ok installed", "1.0");
    text.pop_back();
    AdminDir db(text);
    DpkgView real = dpkg_query(db.path());
    UFC_REQUIRE_TOOL(real.run, "dpkg-query");
    EXPECT_NE(real.run.status, 0);
    EXPECT_NE(db.query().error, "");
}

} // namespace
} // namespace ufc
