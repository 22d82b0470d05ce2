#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Each privilege mechanism a helper can have, made for real in a throwaway root: a file
# capability, setuid root without libcap (the stand-in for Debian's build) on the host and
# nested, setuid root with libcap (a copy of uidmap-filecaps itself, which links it), both,
# neither, the wrong capability, capabilities namespaced to another root id (setcap -n, and
# read from a namespace where that id does not exist), a missing file, and, in a private
# mount namespace, a nosuid mount, a ramfs that cannot hold capabilities, a read-only mount.
# The checks that are not about the helpers are kept passing, so each case fails alone.
# shellcheck source=tests/doctor/lib.sh
source "$(dirname "$0")/lib.sh"
need_real_root
enter_private_mount_namespace "$@"
unset SUDO_USER

root=$WORK/root
good_root "$root"
uidmap=$root/usr/bin/newuidmap

# check_uidmap WHAT VERDICT PATTERN [PREFIX...]: runs doctor for root (whose missing
# subordinate ids are only "info"), and wants newuidmap's line to carry VERDICT and match
# PATTERN; with VERDICT FAIL it must be the only failing check.
check_uidmap() {
    local what=$1 verdict=$2 pattern=$3
    shift 3
    run_doctor "$@" -- --root "$root" --user root
    expect_line "^$(printf '%-4s' "$verdict") newuidmap: $uidmap: $pattern" "$what"
    if [ "$verdict" = FAIL ]; then
        expect_only_fail newuidmap "$what"
    else
        expect_rc 0 "$what"
    fi
}

# Podman's default capabilities: what a process in a default rootless container keeps. No
# CAP_SYS_ADMIN, which is what Debian's setuid build needs there.
podman_caps=+chown,+dac_override,+fowner,+fsetid,+kill,+net_bind_service,+setfcap,+setgid
podman_caps+=,+setpcap,+setuid,+sys_chroot
nested=(unshare --user --map-root-user setpriv "--bounding-set=-all,$podman_caps")

check_uidmap "capability" ok 'file capability cap_setuid=ep, no setuid bit'
check_uidmap "capability, nested" ok 'file capability cap_setuid=ep' "${nested[@]}"
pass "cap_setuid=ep, no setuid bit: ok on the host and nested"

helper "$root" newuidmap 4755
check_uidmap "Debian setuid, host" WARN \
    "setuid root, built without libcap \(Debian's build\): works here, where root holds every\
 capability"
expect_line "Fix: run \`uidmap-filecaps apply --root $root\` as root" "Debian setuid, host"
check_uidmap "Debian setuid, nested" FAIL \
    "setuid root, built without libcap .*write to uid_map failed: Operation not permitted" \
    "${nested[@]}"
# The same namespace with CAP_SYS_ADMIN kept (--privileged, --cap-add sys_admin) lets it work.
check_uidmap "Debian setuid, nested with CAP_SYS_ADMIN" WARN \
    "setuid root, built without libcap .*this process's bounding set has it" \
    unshare --user --map-root-user
pass "setuid root without libcap: WARN on the host, FAIL nested, WARN nested with CAP_SYS_ADMIN"

helper "$root" newuidmap 4755 --from "$PROG"
check_uidmap "setuid with libcap, nested" ok \
    "setuid root, built with libcap: it switches to the caller's uid" \
    "${nested[@]}"
pass "setuid root with libcap: ok, nested too"

helper "$root" newuidmap 4755 cap_setuid=ep
if [ "$(stat -c %a "$uidmap")" != 4755 ] || [ -z "$(getcap "$uidmap")" ]; then
    fail "premise: could not make a file both setuid and with a capability"
fi
check_uidmap "setuid and capability" FAIL \
    "setuid root and cap_setuid=ep both: .*open of uid_map failed: Permission denied"
pass "setuid root and a capability both, no libcap: FAIL"

helper "$root" newuidmap 0755
check_uidmap "neither" FAIL "neither setuid root nor a file capability"
helper "$root" newuidmap 0755 cap_setgid=ep
check_uidmap "wrong capability" FAIL "carries cap_setgid=ep but not cap_setuid"
rm "$uidmap"
check_uidmap "missing" FAIL "not installed"
expect_line "Fix: install the uidmap package in $root" "missing"
pass "no mechanism, the wrong capability, a missing file: FAIL"

# Namespaced capabilities, as a rootless image build writes them: root id 1000.
helper "$root" newuidmap 0755 cap_setuid=ep -n 1000
[[ $(getcap -n "$uidmap") == *rootid=1000* ]] || fail "premise: setcap -n 1000 wrote no root id"
check_uidmap "namespaced, host" FAIL \
    "its capability cap_setuid=ep \[rootid=1000\] is namespaced to root id 1000"
# From a namespace where uid 1000 does not exist, the kernel will not even show them.
check_uidmap "namespaced, unmapped" FAIL "its capability is namespaced to a root id that does\
 not exist in this namespace \(reading it gives EOVERFLOW\)" \
    unshare --user --map-root-user
pass "capabilities namespaced to another root id: FAIL, here and where the id is unmapped"

# --- filesystems ----------------------------------------------------------------------------
helper "$root" newuidmap 0755 cap_setuid=ep
helper "$root" newgidmap 0755 cap_setgid=ep

mount -o bind,ro "$root/usr/bin" "$root/usr/bin"
run_doctor -- --root "$root" --user root
expect_rc 0 "read-only /usr/bin"
expect_line "^ok   filesystem: .*on a read-only mount: capabilities already there count" \
    "read-only /usr/bin"
helper_ro_fix() {
    umount "$root/usr/bin"
    helper "$root" newuidmap 4755
    mount -o bind,ro "$root/usr/bin" "$root/usr/bin"
}
helper_ro_fix
run_doctor -- --root "$root" --user root
expect_line "^WARN newuidmap: .*Fix: run \`uidmap-filecaps apply --root $root\` as root where\
 this filesystem is writable" \
    "read-only /usr/bin, setuid"
umount "$root/usr/bin"
pass "read-only mount: named, and the fix says where to apply"

mount -t tmpfs -o nosuid,mode=0755 tmpfs "$root/usr/bin"
helper "$root" newuidmap 0755 cap_setuid=ep
helper "$root" newgidmap 0755 cap_setgid=ep
run_doctor -- --root "$root" --user root
expect_line "^FAIL newuidmap: $uidmap: its filesystem is mounted nosuid" "nosuid"
expect_line "^FAIL newgidmap: " "nosuid"
expect_line "^ok   filesystem: .*\(tmpfs\).*can store file capabilities" "nosuid tmpfs"
expect_rc 1 "nosuid"
umount "$root/usr/bin"
pass "nosuid mount: FAIL for both helpers"

mount -t ramfs -o mode=0755 ramfs "$root/usr/bin"
cp "$sample" "$root/usr/bin/probe"
if setcap cap_setuid=ep "$root/usr/bin/probe" 2>/dev/null; then
    fail "premise: ramfs accepted a capability on this kernel"
fi
helper "$root" newuidmap 4755
helper "$root" newgidmap 4755
run_doctor -- --root "$root" --user root
expect_line "^WARN filesystem: $uidmap \(ramfs\), .*: cannot store file capabilities" "ramfs"
expect_line "Fix: keep /usr/bin on a filesystem with extended attributes" "ramfs"
expect_rc 0 "ramfs with setuid helpers on the host"
umount "$root/usr/bin"
pass "ramfs: WARN filesystem, cannot store file capabilities"
