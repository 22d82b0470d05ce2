#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, debconf: uidmap-filecaps/enable (default true). Installed with the default, the
# helper applies. dpkg-reconfigure answering no restores Debian's default at once, and yes
# applies at once. A preseeded no (debconf-set-selections before the install, noninteractive)
# leaves Debian's default. While disabled, upgrades and reinstalls of uidmap and of the
# helper leave the setuid files alone, status says so and exits 0, and a manual apply
# refuses.
source "$(dirname "$0")/lib.sh"
pkg_prepare

# set_answer true|false: what an administrator's preseed or a frontend's answer leaves.
set_answer() {
    must_succeed "debconf-set-selections enable=$1" sh -c \
        "echo 'uidmap-filecaps uidmap-filecaps/enable boolean $1' | debconf-set-selections"
}

expect_setting() { # true|false WHAT
    grep -qx "enable=$1" "$ROOT/var/lib/uidmap-filecaps/settings" 2>/dev/null ||
        fail "$2: /var/lib/uidmap-filecaps/settings does not say enable=$1:
$(cat "$ROOT/var/lib/uidmap-filecaps/settings" 2>&1)"
}

expect_disabled_status() { # WHAT
    must_succeed "$1: uidmap-filecaps status" uidmap-filecaps status
    log_has "disabled by the administrator" "$1: status"
    log_has "setuid" "$1: status"
}

step "install with the default answer"
new_root
install_uidmap dpkg
install_helper
expect_applied "installed with the default answer"
must_succeed "debconf-show" debconf-show uidmap-filecaps
log_has "uidmap-filecaps/enable: true" "debconf-show after a default install"
expect_setting true "installed with the default answer"
pass "default answer: applied, debconf says enable: true"

step "dpkg-reconfigure, answer no"
set_answer false
must_succeed "dpkg-reconfigure (no)" dpkg-reconfigure -fnoninteractive uidmap-filecaps
expect_debian_default "dpkg-reconfigure answering no"
log_has "/usr/bin/newuidmap: changed: mode 0755 -> 4755" "dpkg-reconfigure answering no"
expect_setting false "dpkg-reconfigure answering no"
expect_disabled_status "disabled by dpkg-reconfigure"
pass "dpkg-reconfigure no: Debian's default restored at once; status says disabled, exit 0"

step "a manual apply while disabled"
run_root uidmap-filecaps apply
[ "$RC" -eq 1 ] || fail_with_log "uidmap-filecaps apply while disabled exited $RC, expected 1"
log_has "disabled by the administrator" "manual apply while disabled"
expect_debian_default "manual apply while disabled"
pass "manual apply while disabled: refused with exit 1, files untouched"

step "uidmap upgraded while disabled"
must_succeed "dpkg -i of the higher uidmap" dpkg -i "$(in_root_deb "$UIDMAP_BUMPED_DEB")"
log_has "Processing triggers for uidmap-filecaps" "uidmap upgrade while disabled"
log_has "disabled by the administrator" "uidmap upgrade while disabled"
log_lacks "changed:" "uidmap upgrade while disabled"
expect_debian_default "uidmap upgrade while disabled"
expect_dpkg_clean "uidmap upgrade while disabled"
pass "uidmap upgrade while disabled: setuid files left alone, the trigger says why"

step "dpkg-reconfigure, answer yes"
set_answer true
must_succeed "dpkg-reconfigure (yes)" dpkg-reconfigure -fnoninteractive uidmap-filecaps
expect_applied "dpkg-reconfigure answering yes"
log_has "/usr/bin/newuidmap: changed: mode 4755 -> 0755" "dpkg-reconfigure answering yes"
expect_setting true "dpkg-reconfigure answering yes"
pass "dpkg-reconfigure yes: applied at once"

step "preseeded no, then the install"
new_root
install_uidmap dpkg
set_answer false
install_helper
expect_debian_default "install with a preseeded no"
log_lacks "changed:" "install with a preseeded no"
expect_setting false "install with a preseeded no"
must_succeed "debconf-show" debconf-show uidmap-filecaps
log_has "uidmap-filecaps/enable: false" "debconf-show after a preseeded no"
expect_disabled_status "installed with a preseeded no"
pass "preseeded no: Debian's default kept; status says disabled, exit 0"

step "uidmap reinstalled while disabled (preseeded)"
must_succeed "reinstalling uidmap" apt-get install -y --reinstall uidmap
term_log_has "Processing triggers for uidmap-filecaps" "uidmap reinstall while disabled"
term_log_has "disabled by the administrator" "uidmap reinstall while disabled"
expect_debian_default "uidmap reinstall while disabled"
pass "uidmap reinstall while disabled: setuid files left alone"

step "the helper reinstalled while disabled: the answer is remembered"
must_succeed "reinstalling the helper" apt-get install -y --reinstall \
    "$(in_root_deb "$HELPER_DEB")"
log_has "Setting up uidmap-filecaps ($HELPER_VERSION)" "helper reinstall while disabled"
expect_debian_default "helper reinstall while disabled"
expect_setting false "helper reinstall while disabled"
pass "helper reinstall while disabled: still disabled, setuid files left alone"
