#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 2, scenario 2: apt-get install --reinstall uidmap with the helper installed. dpkg puts
# a fresh setuid file in place and fires the file trigger; the helper's triggered postinst
# must leave both files on capabilities again, and apt's term.log must show the change.
source "$(dirname "$0")/lib.sh"
pkg_prepare

new_root
install_uidmap dpkg
install_helper
expect_applied "before the reinstall"

step "apt-get install --reinstall uidmap"
must_succeed "reinstalling uidmap" apt-get install -y --reinstall uidmap
expect_applied "after apt-get install --reinstall uidmap"
expect_dpkg_clean "after apt-get install --reinstall uidmap"
# The files had their capabilities before, so a change line from this very run proves that
# dpkg replaced them and the trigger put the capabilities back.
term_log_has "Processing triggers for uidmap-filecaps" "reinstall"
term_log_has "/usr/bin/newuidmap: changed: mode 4755 -> 0755, owner root:root, capabilities" \
    "reinstall"
term_log_has "none -> cap_setuid=ep; $(uidmap_at "$UIDMAP_VERSION")" "reinstall"
term_log_has "/usr/bin/newgidmap: changed: mode 4755 -> 0755" "reinstall"
pass "reinstall of uidmap: capabilities back, term.log shows the change with uidmap" \
    "$UIDMAP_VERSION"
