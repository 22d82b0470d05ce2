#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, purge: apt-get purge uidmap-filecaps restores Debian's default and leaves no file
# of the helper's (its state folder, its debconf answers); installing it again afterwards
# behaves like a first install: the earlier "no" is forgotten and the default applies.
source "$(dirname "$0")/lib.sh"
pkg_prepare

# Files outside dpkg's and apt's own records that name the helper; the .debs this test
# copied in, apt's logs and dpkg's log are history, not state.
leftovers() {
    find "$ROOT" -xdev \( -path "$ROOT$PKG_DEBS_IN_ROOT" -o -path "$ROOT/var/log" -o \
        -path "$ROOT/proc" -o -path "$ROOT/dev" \) -prune -o -name '*uidmap-filecaps*' -print
}

new_root
install_uidmap dpkg
install_helper
expect_applied "helper installed"
[ -f "$ROOT/var/lib/uidmap-filecaps/settings" ] || fail "the postinst wrote no settings file"
[ -n "$(leftovers)" ] || fail "no file names the helper while it is installed: the leftover" \
    "check below could not see one"

step "the administrator says no, then apt-get purge uidmap-filecaps"
must_succeed "debconf no" sh -c \
    "echo 'uidmap-filecaps uidmap-filecaps/enable boolean false' | debconf-set-selections"
must_succeed "dpkg-reconfigure (no)" dpkg-reconfigure -fnoninteractive uidmap-filecaps
expect_debian_default "disabled before the purge"
must_succeed "purging the helper" apt-get purge -y uidmap-filecaps
expect_debian_default "after the purge"
expect_pkg_state uidmap-filecaps un "after the purge"
expect_pkg_state uidmap "ii $UIDMAP_VERSION" "after the purge"
expect_dpkg_clean "after the purge"
[ ! -e "$ROOT/var/lib/uidmap-filecaps" ] || fail "/var/lib/uidmap-filecaps is still there" \
    "after the purge: $(ls -la "$ROOT/var/lib/uidmap-filecaps")"
left=$(leftovers)
[ -z "$left" ] || fail "files naming the helper are left after the purge: $left"
must_succeed "debconf-show after the purge" debconf-show uidmap-filecaps
[ "$(grep -vc '^# in root:' "$OUT")" -eq 0 ] ||
    fail_with_log "debconf-show uidmap-filecaps still shows answers after the purge"
if grep -q 'uidmap-filecaps/' "$ROOT/var/cache/debconf/config.dat"; then
    fail "debconf's config.dat still holds a uidmap-filecaps question after the purge"
fi
pass "purge: Debian's default, no /var/lib/uidmap-filecaps, no debconf answer, no file left"

step "install again after the purge"
install_helper
expect_applied "installed again after the purge"
must_succeed "debconf-show" debconf-show uidmap-filecaps
log_has "uidmap-filecaps/enable: true" "installed again after the purge"
grep -qx 'enable=true' "$ROOT/var/lib/uidmap-filecaps/settings" ||
    fail "installed again after the purge: settings do not say enable=true"
pass "install after purge behaves like a fresh install: default answer, applied"
