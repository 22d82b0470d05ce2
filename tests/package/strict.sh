#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, strict mode, on a root whose /usr/bin cannot store capabilities (a ramfs mounted
# over it from outside, in this test's own mount namespace). Without strict mode installing
# the helper succeeds with a warning and the setuid bit kept; with UIDMAP_FILECAPS_STRICT=1,
# or with uidmap-filecaps/strict preseeded true, the configuration fails: apt exits non-zero
# and the helper is left half-configured, so an image build cannot ship setuid binaries
# unnoticed.
source "$(dirname "$0")/lib.sh"

# Everything below runs in a private mount namespace: the ramfs mounts are never seen
# outside and vanish with the test, however it ends.
if [ "${UFC_IN_PRIVATE_MOUNT_NS:-}" != 1 ]; then
    command -v unshare >/dev/null || skip_or_fail "unshare (util-linux) is not installed"
    status=0
    UFC_IN_PRIVATE_MOUNT_NS=1 unshare --mount --propagation private -- bash "$0" "$@" ||
        status=$?
    exit "$status"
fi
pkg_prepare

# new_ramfs_root: a fresh root whose /usr/bin is a ramfs holding the same files, and
# Debian's uidmap installed on it.
new_ramfs_root() {
    new_root
    cp -a "$ROOT/usr/bin" "$WORK/usr-bin"
    mount -t ramfs -o mode=0755 ufc-ramfs "$ROOT/usr/bin"
    cp -a "$WORK/usr-bin/." "$ROOT/usr/bin/"
    rm -rf "$WORK/usr-bin"
    # The test rests on this: were the mount able to hold capabilities, it would prove nothing.
    cp "$ROOT/usr/bin/true" "$ROOT/usr/bin/ufc-probe"
    if setcap cap_setuid=ep "$ROOT/usr/bin/ufc-probe" 2>/dev/null; then
        fail "the ramfs accepted a capability; strict mode cannot be tested with it"
    fi
    rm "$ROOT/usr/bin/ufc-probe"
    install_uidmap dpkg
}

warning="uidmap-filecaps: warning: /usr/bin/newuidmap: could not set the capability"

expect_strict_failure() { # WHAT
    [ "$RC" -ne 0 ] || fail_with_log "$1: apt-get succeeded; strict mode must fail it"
    log_has "strict mode" "$1"
    log_has "$warning" "$1"
    expect_pkg_state uidmap-filecaps "iF $HELPER_VERSION" "$1"
    expect_debian_default "$1"
}

step "without strict mode"
new_ramfs_root
install_helper
log_has "$warning" "install on ramfs without strict mode"
log_has "setuid bit kept" "install on ramfs without strict mode"
expect_debian_default "install on ramfs without strict mode"
expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "install on ramfs without strict mode"
expect_dpkg_clean "install on ramfs without strict mode"
pass "no xattrs, not strict: install succeeds, warning printed, setuid kept"

step "UIDMAP_FILECAPS_STRICT=1"
new_ramfs_root
run_root UIDMAP_FILECAPS_STRICT=1 apt-get install -y --no-install-recommends \
    "$(in_root_deb "$HELPER_DEB")"
expect_strict_failure "install on ramfs with UIDMAP_FILECAPS_STRICT=1"
pass "no xattrs, UIDMAP_FILECAPS_STRICT=1: apt fails (exit $RC), helper half-configured (iF)"
# Without the variable the same half-configured package configures, with the warning.
must_succeed "dpkg --configure -a without strict mode" dpkg --configure -a
log_has "$warning" "dpkg --configure -a without strict mode"
expect_pkg_state uidmap-filecaps "ii $HELPER_VERSION" "dpkg --configure -a without strict mode"
expect_debian_default "dpkg --configure -a without strict mode"
pass "the same root configures without the variable: warning, setuid kept"

step "uidmap-filecaps/strict preseeded true"
new_ramfs_root
must_succeed "preseeding strict" sh -c \
    "echo 'uidmap-filecaps uidmap-filecaps/strict boolean true' | debconf-set-selections"
run_root apt-get install -y --no-install-recommends "$(in_root_deb "$HELPER_DEB")"
expect_strict_failure "install on ramfs with strict preseeded"
grep -qx 'strict=true' "$ROOT/var/lib/uidmap-filecaps/settings" ||
    fail "strict preseeded: settings do not say strict=true"
pass "no xattrs, strict preseeded: apt fails (exit $RC), helper half-configured (iF)"
