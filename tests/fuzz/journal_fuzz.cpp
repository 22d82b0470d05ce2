// SPDX-License-Identifier: GPL-2.0-or-later
// query_package() with a valid status file and the fuzz input as dpkg's journal entry
// updates/0001: the file dpkg leaves behind mid-run, which the trigger reads because
// libapt-pkg alone would report the state before the upgrade (FIELD-NOTES).
#include "fuzz_support.hpp"
#include "package_state.hpp"
#include "query_check.hpp"

namespace {

// Two stanzas as dpkg wrote them on a Debian 12 machine (Depends cut short), the package in
// question among others.
constexpr std::string_view valid_status = R"(Package: passwd
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 2827
Maintainer: Shadow package maintainers <pkg-shadow-devel@lists.alioth.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: shadow
Version: 1:4.13+dfsg1-1+deb12u2
Depends: libaudit1 (>= 1:2.2.1), libc6 (>= 2.36), libcrypt1 (>= 1:4.1.0), libpam-modules
Recommends: sensible-utils
Conffiles:
 /etc/default/useradd e03965d134c26725cbc51a57969da6c9
 /etc/pam.d/chfn 4d466e00a348ba426130664d795e8afa
 /etc/pam.d/chpasswd 9900720564cb4ee98b7da29e2d183cb2
 /etc/pam.d/chsh a6e9b589e90009334ffd030d819290a6
 /etc/pam.d/newusers 1454e29bfa9f2a10836563e76936cea5
 /etc/pam.d/passwd eaf2ad85b5ccd06cceb19a3e75f40c63
Description: change and administer password and group data
 This package includes passwd, chsh, chfn, and many other programs to
 maintain password and group data.
 .
 Shadow passwords are supported.  See /usr/share/doc/passwd/README.Debian
Homepage: https://github.com/shadow-maint/shadow

Package: uidmap
Status: install ok installed
Priority: optional
Section: admin
Installed-Size: 311
Maintainer: Shadow package maintainers <pkg-shadow-devel@lists.alioth.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: shadow
Version: 1:4.13+dfsg1-1+deb12u2
Depends: libaudit1 (>= 1:2.2.1), libc6 (>= 2.34), libselinux1 (>= 3.1~), libsubid4 (>= 1:4.11.1)
Description: programs to help use subuids
 These programs help unprivileged users to create uid and gid mappings in
 user namespaces.
Homepage: https://github.com/shadow-maint/shadow
)";

const ufc::fuzz::ScratchDir& admindir() {
    static const ufc::fuzz::ScratchDir dir;
    static const bool prepared = [] {
        dir.write("status", valid_status);
        dir.make_dir("updates");
        return true;
    }();
    (void)prepared;
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ufc::fuzz::ScratchDir& admin = admindir();
    admin.write("updates/0001", ufc::fuzz::as_text(data, size));
    // The status file is valid, so an error can only be the journal entry's.
    ufc::fuzz::check_query(ufc::query_package(admin.path(), "uidmap"),
                           admin.path() + "/updates/0001");
    return 0;
}
