#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 1: Debian's uidmap installed, then the helper with apt. newuidmap ends
# 0755 root:root with cap_setuid=ep and newgidmap 0755 root:root with cap_setgid=ep, both
# packages configured, and the change is logged with before, after and uidmap's version.
source "$(dirname "$0")/lib.sh"
pkg_prepare

new_root
install_uidmap

step "apt-get install ./uidmap-filecaps_$HELPER_VERSION.deb with uidmap installed"
install_helper
expect_applied "helper installed after uidmap"
expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "helper installed after uidmap"
expect_dpkg_clean "helper installed after uidmap"
term_log_has "/usr/bin/newuidmap: changed: mode 4755 -> 0755, owner root:root, capabilities" \
    "helper installed after uidmap"
term_log_has "-> cap_setuid=ep; $(uidmap_at "$UIDMAP_VERSION")" "helper installed after uidmap"
term_log_has "/usr/bin/newgidmap: changed: mode 4755 -> 0755" "helper installed after uidmap"
pass "install after uidmap: newuidmap 755 root:root cap_setuid=ep, newgidmap cap_setgid=ep," \
    "change logged with uidmap $UIDMAP_VERSION"

# The program itself agrees, inside the root.
must_succeed "uidmap-filecaps status in the root" uidmap-filecaps status
log_has "ok" "status after install"
pass "uidmap-filecaps status in the root exits 0"
