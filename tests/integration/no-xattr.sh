#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# /usr/bin on a filesystem that cannot store capabilities (ramfs: EOPNOTSUPP). The setuid bit
# must stay, a warning must name the file, the call and the reason, and only strict mode may
# fail a maintainer script. A file found with no mechanism at all gets its setuid bit back.
source "$(dirname "$0")/lib.sh"
enter_private_mount_namespace "$@"

root=$WORK/root
make_root "$root"
mount -t ramfs -o mode=0755 ramfs "$root/usr/bin"
install_setuid "$root" newuidmap
install_setuid "$root" newgidmap
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap

# The whole test rests on this: were the mount able to hold capabilities, it would prove
# nothing.
cp /bin/true "$root/usr/bin/probe"
if setcap cap_setuid=ep "$root/usr/bin/probe" 2>/dev/null; then
    fail "ramfs accepted a capability on this kernel; the fallback cannot be tested with it"
fi
rm "$root/usr/bin/probe"

warning_for() {
    echo "warning: $1: could not set the capability" \
        "(cap_set_fd: Operation not supported (EOPNOTSUPP)); setuid bit kept"
}

# check_fallback WHAT WANTED_RC ARGS...: both files keep Debian's mode, each gets a warning.
check_fallback() {
    local what=$1 rc=$2
    shift 2
    run_prog "$@"
    expect_rc "$rc" "$what"
    expect_err "$(warning_for /usr/bin/newuidmap)" "$what"
    expect_err "$(warning_for /usr/bin/newgidmap)" "$what"
    expect_no_err "info:" "$what"
    expect_state "$uid" 4755 "" "$what"
    expect_state "$gid" 4755 "" "$what"
}

check_fallback "apply by hand" 1 apply --root "$root"
pass "apply by hand: setuid kept, warning names file, call and EOPNOTSUPP, exit 1"

check_fallback "apply --maintscript" 0 apply --maintscript --root "$root"
pass "apply --maintscript: exit 0"

check_fallback "apply --maintscript --strict" 1 apply --maintscript --strict --root "$root"
expect_err "strict mode: failing the package configuration" "apply --maintscript --strict"
UIDMAP_FILECAPS_STRICT=1 check_fallback "UIDMAP_FILECAPS_STRICT=1 apply --maintscript" 1 \
    apply --maintscript --root "$root"
UIDMAP_FILECAPS_STRICT=0 check_fallback "UIDMAP_FILECAPS_STRICT=0 apply --maintscript" 0 \
    apply --maintscript --root "$root"
install -d -m 0755 "$root/var/lib/uidmap-filecaps"
echo "strict=true" >"$root/var/lib/uidmap-filecaps/settings"
check_fallback "settings strict=true, apply --maintscript" 1 apply --maintscript --root "$root"
rm "$root/var/lib/uidmap-filecaps/settings"
pass "strict mode (--strict, UIDMAP_FILECAPS_STRICT=1, settings strict=true): exit 1"

run_prog status --root "$root"
expect_rc 1 "status after the fallback"
pass "status after the fallback: exit 1"

# A file with neither mechanism (0755, no capability) cannot get the capability here, so the
# fallback puts the setuid bit back rather than leave it broken.
chmod 0755 "$uid"
run_prog apply --root "$root"
expect_rc 1 "apply on a 0755 file without capabilities"
expect_err "$(warning_for /usr/bin/newuidmap): mode 0755 -> 4755" "apply on a 0755 file"
expect_state "$uid" 4755 "" "apply on a 0755 file"
pass "none on ramfs: the fallback restores 4755"

# Restore needs no capability support: a broken file comes back to Debian's default.
chmod 0755 "$uid"
run_prog restore --root "$root"
expect_rc 0 "restore on ramfs"
expect_state "$uid" 4755 "" "restore on ramfs"
pass "restore on ramfs: 4755, exit 0"
