#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 4: the helper and uidmap arrive together. In one dpkg -i run in either
# order, and with the helper only unpacked before uidmap is installed and configured later,
# the files must end on capabilities with both packages configured. In these runs the helper
# gets no trigger (FIELD-NOTES): its postinst configure alone must do the work.
source "$(dirname "$0")/lib.sh"
pkg_prepare

helper=$(in_root_deb "$HELPER_DEB")
uidmap=$(in_root_deb "$UIDMAP_DEB")

expect_both_configured() { # WHAT
    expect_applied "$1"
    expect_pkg_state uidmap "ii $UIDMAP_VERSION" "$1"
    expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "$1"
    expect_dpkg_clean "$1"
    log_lacks "uidmap-filecaps: error" "$1"
    log_lacks "uidmap-filecaps: warning" "$1"
}

step "dpkg -i uidmap-filecaps.deb uidmap.deb (helper first)"
new_root
must_succeed "dpkg -i helper then uidmap" dpkg -i "$helper" "$uidmap"
expect_both_configured "dpkg -i helper uidmap"
pass "one dpkg -i run, helper named first: capabilities"

step "dpkg -i uidmap.deb uidmap-filecaps.deb (uidmap first)"
new_root
must_succeed "dpkg -i uidmap then helper" dpkg -i "$uidmap" "$helper"
expect_both_configured "dpkg -i uidmap helper"
pass "one dpkg -i run, uidmap named first: capabilities"

step "dpkg --unpack the helper; dpkg -i uidmap; dpkg --configure -a"
new_root
must_succeed "dpkg --unpack helper" dpkg --unpack "$helper"
expect_pkg_state uidmap-filecaps "iU $HELPER_VERSION" "helper unpacked"
must_succeed "dpkg -i uidmap with the helper unpacked" dpkg -i "$uidmap"
must_succeed "dpkg --configure -a" dpkg --configure -a
log_has "Setting up uidmap-filecaps ($HELPER_VERSION)" "dpkg --configure -a"
expect_both_configured "helper unpacked before uidmap, configured last"
pass "helper unpacked before uidmap, configured by dpkg --configure -a: capabilities"
