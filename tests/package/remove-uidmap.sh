#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 5: apt-get remove uidmap with the helper installed. The helper depends on
# uidmap, so apt removes both; the run must succeed and leave nothing half-configured (a
# trigger or prerm that failed would leave the helper in iF, iW or iU).
source "$(dirname "$0")/lib.sh"
pkg_prepare

new_root
install_uidmap dpkg
install_helper
expect_applied "before removing uidmap"

step "apt-get remove uidmap"
must_succeed "removing uidmap" apt-get remove -y uidmap
log_has "Removing uidmap-filecaps ($HELPER_VERSION)" "apt-get remove uidmap"
log_has "Removing uidmap ($UIDMAP_VERSION)" "apt-get remove uidmap"
log_lacks "uidmap-filecaps: error" "apt-get remove uidmap"
log_lacks "uidmap-filecaps: warning" "apt-get remove uidmap"
expect_dpkg_clean "after apt-get remove uidmap"
for p in uidmap uidmap-filecaps; do
    case $(pkg_state "$p") in
    un | rc\ *) ;;
    *) fail "after apt-get remove uidmap: dpkg has $p as \"$(pkg_state "$p")\"" ;;
    esac
done
expect_file /usr/bin/newuidmap absent "after apt-get remove uidmap"
expect_file /usr/bin/newgidmap absent "after apt-get remove uidmap"
pass "apt-get remove uidmap removes both packages cleanly: exit 0, nothing half-configured," \
    "dpkg --audit empty"
