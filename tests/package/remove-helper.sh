#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 6: apt-get remove uidmap-filecaps puts back Debian's default (4755, no
# capabilities); installing it again from the config-files state applies again (dpkg then
# calls postinst configure with the old version, on what is really a fresh install); and an
# upgrade of the helper itself (rebuilt from this tree with a higher version) keeps the
# capabilities without ever restoring them in between.
source "$(dirname "$0")/lib.sh"
pkg_prepare
pkg_find_rebuilt_deb
dpkg --compare-versions "$REBUILT_VERSION" gt "$HELPER_VERSION" ||
    fail "the rebuilt helper $REBUILT_VERSION does not sort above $HELPER_VERSION"

new_root
install_uidmap dpkg
install_helper
expect_applied "helper installed"

step "apt-get remove uidmap-filecaps"
must_succeed "removing the helper" apt-get remove -y uidmap-filecaps
expect_debian_default "after apt-get remove uidmap-filecaps"
expect_pkg_state uidmap-filecaps "rc $HELPER_VERSION" "after apt-get remove uidmap-filecaps"
expect_pkg_state uidmap "ii $UIDMAP_VERSION" "after apt-get remove uidmap-filecaps"
expect_dpkg_clean "after apt-get remove uidmap-filecaps"
log_has "/usr/bin/newuidmap: changed: mode 0755 -> 4755" "apt-get remove uidmap-filecaps"
log_has "capabilities cap_setuid=ep -> none" "apt-get remove uidmap-filecaps"
pass "remove the helper: 4755 root:root, no capabilities, helper in config-files state"

step "apt-get install ./uidmap-filecaps.deb again, from the config-files state"
install_helper
expect_applied "reinstalled from config-files state"
expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "reinstalled from config-files state"
pass "install again from config-files state: capabilities again"

step "upgrade the helper to $REBUILT_VERSION"
must_succeed "upgrading the helper" apt-get install -y --no-install-recommends \
    "$(in_root_deb "$REBUILT_DEB")"
log_has "Unpacking uidmap-filecaps ($REBUILT_VERSION) over ($HELPER_VERSION)" "helper upgrade"
expect_pkg_state uidmap-filecaps "ii $REBUILT_VERSION" "helper upgrade"
expect_applied "after the helper upgrade"
expect_dpkg_clean "after the helper upgrade"
# prerm upgrade must not restore: a restore and a new apply would each log a change line,
# and for a while the files would be setuid again.
log_lacks "changed:" "helper upgrade"
log_lacks "uidmap-filecaps: warning" "helper upgrade"
pass "upgrade of the helper to $REBUILT_VERSION: capabilities kept, never restored in between"
