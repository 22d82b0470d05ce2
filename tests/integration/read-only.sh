#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# /usr/bin mounted read-only (a bind mount remounted ro): nothing changes, the failing call
# and EROFS are named, Debian's setuid file keeps working, and a maintainer script is not
# failed.
source "$(dirname "$0")/lib.sh"
enter_private_mount_namespace "$@"

root=$WORK/root
debian_root "$root"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap
read_only() {
    mount --bind "$root/usr/bin" "$root/usr/bin"
    mount -o remount,bind,ro "$root/usr/bin"
    [ "$(findmnt -no OPTIONS "$root/usr/bin" | cut -d, -f1)" = ro ] ||
        fail "could not make $root/usr/bin read-only"
}

read_only
before=$(fingerprint "$uid" "$gid")
run_prog apply --root "$root"
expect_rc 1 "apply on a read-only /usr/bin"
erofs="(cap_set_fd: Read-only file system (EROFS)); setuid bit kept"
expect_err "warning: /usr/bin/newuidmap: could not set the capability $erofs" \
    "apply on a read-only /usr/bin"
expect_err "warning: /usr/bin/newgidmap: could not set the capability $erofs" \
    "apply on a read-only /usr/bin"
[ "$(fingerprint "$uid" "$gid")" = "$before" ] || fail "apply changed a read-only file"
run_prog apply --maintscript --root "$root"
expect_rc 0 "apply --maintscript on a read-only /usr/bin"
expect_err "EROFS" "apply --maintscript on a read-only /usr/bin"
[ "$(fingerprint "$uid" "$gid")" = "$before" ] || fail "apply changed a read-only file"
pass "apply on read-only: nothing changes, setuid kept, warning with EROFS, exit 1 / 0"

# The other way round: files with capabilities on a read-only mount cannot be restored; they
# keep their working capability and the failure is reported.
umount "$root/usr/bin"
run_prog apply --root "$root"
expect_rc 0 "apply before remounting read-only"
read_only
before=$(fingerprint "$uid" "$gid")
run_prog restore --root "$root"
expect_rc 1 "restore on a read-only /usr/bin"
expect_err "error: /usr/bin/newuidmap: could not set the mode \
(fchmod: Read-only file system (EROFS))" "restore on a read-only /usr/bin"
[ "$(fingerprint "$uid" "$gid")" = "$before" ] ||
    fail "restore changed a read-only file"
has_working_mechanism "$uid" cap_setuid=ep ||
    fail "restore on read-only left $uid without a mechanism"
run_prog restore --maintscript --root "$root"
expect_rc 0 "restore --maintscript on a read-only /usr/bin"
pass "restore on read-only: nothing changes, error with EROFS, exit 1 / 0"
