#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 3: dpkg -i of a uidmap with a higher version (Debian's package, only its
# Version raised). The trigger must leave the capabilities, and its log line must name the
# version being installed, not the one replaced: inside dpkg the status file is out of date.
source "$(dirname "$0")/lib.sh"
pkg_prepare

new_root
install_uidmap dpkg
install_helper
expect_applied "before the upgrade"

step "dpkg -i uidmap $UIDMAP_BUMPED_VERSION over $UIDMAP_VERSION"
must_succeed "upgrading uidmap" dpkg -i "$(in_root_deb "$UIDMAP_BUMPED_DEB")"
expect_applied "after the uidmap upgrade"
expect_pkg_state uidmap "ii $UIDMAP_BUMPED_VERSION" "after the uidmap upgrade"
expect_dpkg_clean "after the uidmap upgrade"
log_has "Processing triggers for uidmap-filecaps" "uidmap upgrade"
log_has "/usr/bin/newuidmap: changed: mode 4755 -> 0755" "uidmap upgrade"
log_has "cap_setuid=ep; $(uidmap_at "$UIDMAP_BUMPED_VERSION")" "uidmap upgrade"
log_has "cap_setgid=ep; $(uidmap_at "$UIDMAP_BUMPED_VERSION")" "uidmap upgrade"
log_lacks "$(uidmap_at "$UIDMAP_VERSION")" "uidmap upgrade"
pass "upgrade of uidmap to $UIDMAP_BUMPED_VERSION: capabilities back, the log names the new" \
    "version and never the old"
