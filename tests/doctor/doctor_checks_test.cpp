// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's process, kernel, helper and filesystem checks on prepared copies of what they
// read. The sysctl checks are tested only here: a test cannot safely change those host-wide
// switches, and two of them do not exist on every kernel.
#include "doctor_checks.hpp"

#include <cerrno>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/stat.h>

namespace ufc::doctor {
namespace {

using ::testing::HasSubstr;

FileText text(std::string s) {
    return FileText{std::move(s), 0};
}

FileText failed(int error) {
    return FileText{std::nullopt, error};
}

// /proc/self/status as kernel 6.x writes it, with the two fields under test filled in.
std::string status(const std::string& no_new_privs, const std::string& bounding) {
    return "Name:\tuidmap-filecaps\nUmask:\t0022\nState:\tR (running)\nUid:\t0\t0\t0\t0\n"
           "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
           "CapBnd:\t" +
           bounding + "\nCapAmb:\t0000000000000000\nNoNewPrivs:\t" + no_new_privs +
           "\nSeccomp:\t0\n";
}

const FileText identity = text("         0          0 4294967295\n");
const FileText container_map = text("         0       1000          1\n"
                                    "         1     100000      65536\n");
// Podman's default capabilities for a container: no CAP_SYS_ADMIN.
constexpr uint64_t podman_bounding = 0x00000000800405fb;
constexpr uint64_t full_bounding = 0x000001ffffffffff;

std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

ProcessView host_view() {
    return view_process(text(status("0", hex(full_bounding))), identity);
}

ProcessView nested_view(uint64_t bounding = podman_bounding) {
    return view_process(text(status("0", hex(bounding))), container_map);
}

TEST(DoctorProcess, ReadsNoNewPrivsBoundingSetAndNamespace) {
    ProcessView v = view_process(text(status("1", "00000000800405fb")), container_map);
    ASSERT_TRUE(v.no_new_privs.has_value());
    EXPECT_TRUE(*v.no_new_privs);
    ASSERT_TRUE(v.bounding.has_value());
    EXPECT_EQ(*v.bounding, podman_bounding);
    EXPECT_EQ(v.in_user_namespace, true);

    ProcessView host = host_view();
    EXPECT_EQ(host.no_new_privs, false);
    EXPECT_EQ(host.in_user_namespace, false);
}

TEST(DoctorProcess, MissingFieldsAndFilesAreUnknown) {
    ProcessView v = view_process(text("Name:\tx\nCapBnd:\tzz\n"), text("0 0 oops\n"));
    EXPECT_FALSE(v.no_new_privs.has_value());
    EXPECT_FALSE(v.bounding.has_value());
    EXPECT_FALSE(v.in_user_namespace.has_value());
    ProcessView none = view_process(failed(ENOENT), failed(ENOENT));
    EXPECT_FALSE(none.no_new_privs.has_value());
    EXPECT_FALSE(none.in_user_namespace.has_value());
    EXPECT_EQ(check_no_new_privs(none).verdict, Level::info);
    EXPECT_EQ(check_bounding_set(none).verdict, Level::info);
}

TEST(DoctorProcess, NoNewPrivsFailsAndNamesThePodmanOption) {
    Finding f = check_no_new_privs(view_process(text(status("1", hex(full_bounding))), identity));
    EXPECT_EQ(f.id, "no-new-privs");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.fix, HasSubstr("--security-opt=no-new-privileges"));
    EXPECT_EQ(check_no_new_privs(host_view()).verdict, Level::ok);
}

TEST(DoctorProcess, BoundingSetWithoutSetuidOrSetgidFails) {
    Finding ok = check_bounding_set(host_view());
    EXPECT_EQ(ok.verdict, Level::ok);
    EXPECT_EQ(ok.message, "CAP_SETUID and CAP_SETGID present");

    uint64_t no_setuid = full_bounding & ~(uint64_t{1} << CAP_SETUID);
    Finding f = check_bounding_set(view_process(text(status("0", hex(no_setuid))), identity));
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("CAP_SETUID is missing"));
    EXPECT_THAT(f.fix, HasSubstr("--cap-drop setuid "));

    uint64_t neither = no_setuid & ~(uint64_t{1} << CAP_SETGID);
    Finding both = check_bounding_set(view_process(text(status("0", hex(neither))), identity));
    EXPECT_EQ(both.verdict, Level::fail);
    EXPECT_THAT(both.message, HasSubstr("CAP_SETUID and CAP_SETGID are missing"));
    EXPECT_THAT(both.fix, HasSubstr("--cap-drop setuid,setgid"));
}

TEST(DoctorSysctl, MaxUserNamespaces) {
    EXPECT_EQ(check_max_user_namespaces(text("0\n")).verdict, Level::fail);
    EXPECT_EQ(check_max_user_namespaces(text("3\n")).verdict, Level::warn);
    EXPECT_EQ(check_max_user_namespaces(text("96368\n")).verdict, Level::ok);
    EXPECT_EQ(check_max_user_namespaces(text("many\n")).verdict, Level::warn);
    EXPECT_EQ(check_max_user_namespaces(failed(ENOENT)).verdict, Level::ok);
    EXPECT_EQ(check_max_user_namespaces(failed(EACCES)).verdict, Level::info);
    EXPECT_THAT(check_max_user_namespaces(text("0\n")).fix,
                HasSubstr("sysctl -w user.max_user_namespaces="));
}

TEST(DoctorSysctl, UnprivilegedUsernsClone) {
    Finding off = check_unprivileged_userns_clone(text("0\n"));
    EXPECT_EQ(off.verdict, Level::fail);
    EXPECT_THAT(off.fix, HasSubstr("kernel.unprivileged_userns_clone=1"));
    EXPECT_EQ(check_unprivileged_userns_clone(text("1\n")).verdict, Level::ok);
    // Only Debian's and Ubuntu's patched kernels have the switch; mainline does not.
    Finding absent = check_unprivileged_userns_clone(failed(ENOENT));
    EXPECT_EQ(absent.verdict, Level::ok);
    EXPECT_THAT(absent.message, HasSubstr("not present"));
}

TEST(DoctorSysctl, AppArmorRestriction) {
    Finding on = check_apparmor_userns(text("1\n"));
    EXPECT_EQ(on.verdict, Level::warn);
    EXPECT_THAT(on.fix, HasSubstr("userns"));
    EXPECT_EQ(check_apparmor_userns(text("0\n")).verdict, Level::ok);
    EXPECT_EQ(check_apparmor_userns(failed(ENOENT)).verdict, Level::ok);
}

// --- helpers -------------------------------------------------------------------------------

const CapSets setuid_cap{uint64_t{1} << CAP_SETUID, uint64_t{1} << CAP_SETUID, 0, 0};
const CapSets setgid_cap{uint64_t{1} << CAP_SETGID, uint64_t{1} << CAP_SETGID, 0, 0};

ElfNeeded dynamic(std::vector<std::string> needed) {
    ElfNeeded e;
    e.kind = ElfNeeded::Kind::dynamic;
    e.needed = std::move(needed);
    return e;
}

const ElfNeeded debian_build = dynamic({"libaudit.so.1", "libselinux.so.1", "libc.so.6"});
const ElfNeeded libcap_build = dynamic({"libcap.so.2", "libc.so.6"});

// newuidmap on ext4 as `apply` leaves it, changed below per test.
HelperFacts helper() {
    HelperFacts h;
    h.path = "/usr/bin/newuidmap";
    h.shown = "/usr/bin/newuidmap";
    h.file.presence = Presence::present;
    h.file.mode = S_IFREG | 0755;
    h.file.nlink = 1;
    h.file.caps = setuid_cap;
    h.caps_errno = 0;
    h.elf = debian_build;
    h.fs_known = true;
    h.fs_type = 0xEF53;
    return h;
}

HelperFacts debian_setuid() {
    HelperFacts h = helper();
    h.file.mode = S_IFREG | 04755;
    h.file.caps = {};
    h.caps_errno = ENODATA;
    return h;
}

TEST(DoctorHelper, CapabilityIsOk) {
    Finding f = check_helper(helper(), setuid_cap, host_view(), "/");
    EXPECT_EQ(f.id, "newuidmap");
    EXPECT_EQ(f.verdict, Level::ok);
    EXPECT_THAT(f.message, HasSubstr("cap_setuid=ep"));
    EXPECT_EQ(check_helper(helper(), setuid_cap, nested_view(), "/").verdict, Level::ok);
}

TEST(DoctorHelper, DebianSetuidBuildWarnsOnTheHostAndFailsNested) {
    Finding host = check_helper(debian_setuid(), setuid_cap, host_view(), "/");
    EXPECT_EQ(host.verdict, Level::warn);
    EXPECT_THAT(host.message, HasSubstr("without libcap"));
    EXPECT_THAT(host.fix, HasSubstr("uidmap-filecaps apply"));

    Finding nested = check_helper(debian_setuid(), setuid_cap, nested_view(), "/");
    EXPECT_EQ(nested.verdict, Level::fail);
    EXPECT_THAT(nested.message, HasSubstr("write to uid_map failed: Operation not permitted"));
    EXPECT_THAT(nested.message, HasSubstr("CAP_SYS_ADMIN"));

    // The same file works in a namespace that kept CAP_SYS_ADMIN (measured: the write passes).
    Finding privileged = check_helper(debian_setuid(), setuid_cap, nested_view(full_bounding), "/");
    EXPECT_EQ(privileged.verdict, Level::warn);
}

TEST(DoctorHelper, NewgidmapSpeaksOfGidMap) {
    HelperFacts h = debian_setuid();
    h.path = h.shown = "/usr/bin/newgidmap";
    Finding f = check_helper(h, setgid_cap, nested_view(), "/");
    EXPECT_EQ(f.id, "newgidmap");
    EXPECT_THAT(f.message, HasSubstr("write to gid_map failed"));
}

TEST(DoctorHelper, SetuidBuildWithLibcapIsOk) {
    HelperFacts h = debian_setuid();
    h.elf = libcap_build;
    EXPECT_EQ(check_helper(h, setuid_cap, nested_view(), "/").verdict, Level::ok);
}

TEST(DoctorHelper, SetuidOfUnknownBuildOnlyWarns) {
    HelperFacts h = debian_setuid();
    h.elf = ElfNeeded{ElfNeeded::Kind::static_, {}, ""};
    Finding f = check_helper(h, setuid_cap, nested_view(), "/");
    EXPECT_EQ(f.verdict, Level::warn);
    EXPECT_THAT(f.message, HasSubstr("statically linked"));
}

TEST(DoctorHelper, SetuidAndCapabilityBoth) {
    HelperFacts h = helper();
    h.file.mode = S_IFREG | 04755;
    Finding f = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("open of uid_map failed: Permission denied"));
    h.elf = libcap_build;
    EXPECT_EQ(check_helper(h, setuid_cap, host_view(), "/").verdict, Level::warn);
}

TEST(DoctorHelper, NoMechanismFails) {
    HelperFacts h = helper();
    h.file.caps = {};
    h.caps_errno = ENODATA;
    Finding f = check_helper(h, setuid_cap, host_view(), "/srv/image");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("neither setuid root nor a file capability"));
    EXPECT_THAT(f.fix, HasSubstr("uidmap-filecaps apply --root /srv/image"));
}

TEST(DoctorHelper, CapabilityNamespacedElsewhereFails) {
    HelperFacts h = helper();
    h.file.caps.nsowner = 1000;
    Finding f = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("namespaced to root id 1000"));

    // Read from a namespace where the root id does not exist, the kernel answers EOVERFLOW.
    HelperFacts hidden = helper();
    hidden.file.caps = {};
    hidden.caps_errno = EOVERFLOW;
    Finding g = check_helper(hidden, setuid_cap, nested_view(), "/");
    EXPECT_EQ(g.verdict, Level::fail);
    EXPECT_THAT(g.message, HasSubstr("EOVERFLOW"));

    // With the setuid bit as well, the bit decides and the note stays.
    h.file.mode = S_IFREG | 04755;
    Finding s = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(s.verdict, Level::warn);
    EXPECT_THAT(s.message, HasSubstr("namespaced to root id 1000"));
}

TEST(DoctorHelper, WrongOrIneffectiveCapabilityFails) {
    HelperFacts wrong = helper();
    wrong.file.caps = setgid_cap;
    EXPECT_EQ(check_helper(wrong, setuid_cap, host_view(), "/").verdict, Level::fail);

    HelperFacts permitted_only = helper();
    permitted_only.file.caps.effective = 0;
    EXPECT_EQ(check_helper(permitted_only, setuid_cap, host_view(), "/").verdict, Level::fail);
    // A build with libcap raises the capability itself.
    permitted_only.elf = libcap_build;
    EXPECT_EQ(check_helper(permitted_only, setuid_cap, host_view(), "/").verdict, Level::ok);
}

TEST(DoctorHelper, MissingFileFails) {
    HelperFacts h = helper();
    h.file = FileFacts{};
    h.file.presence = Presence::missing;
    Finding f = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_EQ(f.fix, "apt-get install uidmap");
    EXPECT_EQ(check_helper(h, setuid_cap, host_view(), "/srv/i").fix,
              "install the uidmap package in /srv/i");
}

TEST(DoctorHelper, NosuidMountFails) {
    HelperFacts h = helper();
    h.fs_nosuid = true;
    Finding f = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("nosuid"));
}

TEST(DoctorHelper, SetuidOwnedByAnotherUserFails) {
    HelperFacts h = debian_setuid();
    h.file.uid = 65534;
    Finding f = check_helper(h, setuid_cap, nested_view(), "/");
    EXPECT_EQ(f.verdict, Level::fail);
    EXPECT_THAT(f.message, HasSubstr("owned by uid 65534"));
}

TEST(DoctorHelper, UnsafeFilesAreNamedButStillJudged) {
    HelperFacts h = helper();
    h.file.presence = Presence::unsafe;
    h.file.why = "has 2 hard links; another name could keep a privileged copy reachable";
    Finding f = check_helper(h, setuid_cap, host_view(), "/");
    EXPECT_EQ(f.verdict, Level::warn);
    EXPECT_THAT(f.message, HasSubstr("hard links"));

    HelperFacts link = helper();
    link.file.presence = Presence::unsafe;
    link.file.mode = S_IFLNK | 0777;
    link.file.why = "is a symbolic link";
    link.caps_errno = -1;
    EXPECT_EQ(check_helper(link, setuid_cap, host_view(), "/").verdict, Level::warn);
}

TEST(DoctorFilesystem, ErrnoOfTheCapabilityReadDecides) {
    HelperFacts ext4 = debian_setuid();
    EXPECT_EQ(check_filesystem(std::vector{ext4}).verdict, Level::ok);

    HelperFacts ramfs = debian_setuid();
    ramfs.caps_errno = EOPNOTSUPP;
    ramfs.fs_type = 0x858458F6;
    Finding f = check_filesystem(std::vector{ramfs});
    EXPECT_EQ(f.verdict, Level::warn);
    EXPECT_THAT(f.message, HasSubstr("(ramfs): cannot store file capabilities"));

    // When the read failed for another reason, the filesystem type decides.
    ramfs.caps_errno = EACCES;
    EXPECT_EQ(check_filesystem(std::vector{ramfs}).verdict, Level::warn);
    HelperFacts odd = debian_setuid();
    odd.caps_errno = EACCES;
    odd.fs_type = 0x12345678;
    EXPECT_EQ(check_filesystem(std::vector{odd}).verdict, Level::info);

    HelperFacts ro = helper();
    ro.fs_read_only = true;
    Finding r = check_filesystem(std::vector{ro});
    EXPECT_EQ(r.verdict, Level::ok);
    EXPECT_THAT(r.message, HasSubstr("read-only"));

    HelperFacts missing;
    missing.file.presence = Presence::missing;
    EXPECT_EQ(check_filesystem(std::vector{missing}).verdict, Level::info);
}

TEST(DoctorFilesystem, NamesKnownTypes) {
    EXPECT_EQ(filesystem_name(0xEF53), "ext2/3/4");
    EXPECT_EQ(filesystem_name(0x858458F6), "ramfs");
    EXPECT_EQ(filesystem_name(0x1234), "filesystem type 0x1234");
}

} // namespace
} // namespace ufc::doctor
