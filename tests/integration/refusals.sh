#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Unsafe objects at a watched path, or on the way to it: each is refused with an error that
# says why, nothing is changed (neither the object nor what a symlink points to), the run
# fails by hand (exit 1) and does not fail a maintainer script (exit 0). Nothing blocks: a
# fifo is never opened for reading.
source "$(dirname "$0")/lib.sh"
make_workdir
# A run that hangs on a fifo or device fails here, long before ctest's own timeout.
RUN_TIMEOUT=10

root=$WORK/root

# A fresh Debian-like root for each case.
fresh_root() {
    rm -rf "$root"
    debian_root "$root"
}

# A setuid-root file somewhere else, which a symlink may point at.
setuid_elsewhere() {
    install -d -m 0755 "$(dirname "$1")"
    install -m 4755 -o root -g root /bin/true "$1"
}

# expect_refused WHAT REFUSED_PATHS WHY OBJECT...: apply by hand, apply from a maintainer
# script and restore by hand each refuse the paths (space-separated, as watched) with WHY,
# and leave every OBJECT exactly as it was. (Restore from a maintainer script maps its exit
# status the same way as apply; no-xattr.sh and read-only.sh cover that mapping.)
expect_refused() {
    local what=$1 paths=$2 why=$3 p before
    shift 3
    before=$(fingerprint "$@")

    local -a runs=("apply:1" "apply --maintscript:0" "restore:1")
    local run
    for run in "${runs[@]}"; do
        # shellcheck disable=SC2086 # the subcommand and its flag are two words
        run_prog ${run%%:*} --root "$root"
        expect_rc "${run#*:}" "$what: ${run%%:*}"
        for p in $paths; do
            expect_err "error: $p: refused, left untouched: $why" "$what: ${run%%:*}"
        done
        [ "$(fingerprint "$@")" = "$before" ] || fail "$what: ${run%%:*} changed something:
$(diff <(echo "$before") <(fingerprint "$@"))"
    done
    pass "$what: refused ($why), left untouched"
}

uid=$root/usr/bin/newuidmap

fresh_root
setuid_elsewhere "$root/opt/other/setuid-tool"
rm "$uid"
ln -s ../../opt/other/setuid-tool "$uid"
expect_refused "symlink to a setuid file in the root" /usr/bin/newuidmap "is a symbolic link" \
    "$uid" "$root/opt/other/setuid-tool"
# The other watched file is judged on its own and still applied.
expect_state "$root/usr/bin/newgidmap" 4755 "" "symlink case: restore ran last"

fresh_root
setuid_elsewhere "$WORK/outside/setuid-tool"
rm "$uid"
ln -s "$WORK/outside/setuid-tool" "$uid"
expect_refused "absolute symlink to a setuid file outside the root" /usr/bin/newuidmap \
    "is a symbolic link" "$uid" "$WORK/outside/setuid-tool"

fresh_root
rm "$uid"
mkdir -m 0755 "$uid"
expect_refused "directory" /usr/bin/newuidmap "is a directory" "$uid"

fresh_root
rm "$uid"
mkfifo -m 0644 "$uid"
expect_refused "fifo" /usr/bin/newuidmap "is a fifo" "$uid"

fresh_root
rm "$uid"
mknod -m 0644 "$uid" c 1 3
expect_refused "character device" /usr/bin/newuidmap "is a device" "$uid"

fresh_root
chown 1000:1000 "$uid"
chmod 4755 "$uid"
expect_refused "file owned by uid 1000" /usr/bin/newuidmap "is not owned by root (uid 1000)" "$uid"

fresh_root
chmod 4775 "$uid"
expect_refused "group-writable file" /usr/bin/newuidmap "is writable by group or others" "$uid"

fresh_root
chmod 4757 "$uid"
expect_refused "other-writable file" /usr/bin/newuidmap "is writable by group or others" "$uid"

# A second name would keep Debian's setuid copy reachable after the drop.
fresh_root
ln "$uid" "$root/var/old-newuidmap"
expect_refused "file with 2 hard links" /usr/bin/newuidmap \
    "has 2 hard links; another name could keep a privileged copy reachable" \
    "$uid" "$root/var/old-newuidmap"

both="/usr/bin/newuidmap /usr/bin/newgidmap"
files=("$uid" "$root/usr/bin/newgidmap")

fresh_root
chown 1000 "$root/usr"
expect_refused "/usr owned by uid 1000" "$both" "directory /usr is not owned by root (uid 1000)" \
    "${files[@]}" "$root/usr"

fresh_root
chown 1000 "$root/usr/bin"
expect_refused "/usr/bin owned by uid 1000" "$both" \
    "directory /usr/bin is not owned by root (uid 1000)" "${files[@]}" "$root/usr/bin"

fresh_root
chmod 0777 "$root/usr"
expect_refused "world-writable /usr" "$both" "directory /usr is writable by group or others" \
    "${files[@]}" "$root/usr"

fresh_root
chmod 1777 "$root/usr/bin"
expect_refused "world-writable sticky /usr/bin" "$both" \
    "directory /usr/bin is writable by group or others" "${files[@]}" "$root/usr/bin"

fresh_root
chmod 0775 "$root/usr/bin"
expect_refused "group-writable /usr/bin" "$both" \
    "directory /usr/bin is writable by group or others" "${files[@]}" "$root/usr/bin"

# A symlinked directory on the way could lead anywhere; the files it reaches gain nothing.
fresh_root
mv "$root/usr/bin" "$root/usr/bin.real"
ln -s bin.real "$root/usr/bin"
expect_refused "symlinked /usr/bin" "$both" "directory /usr/bin is a symbolic link" \
    "$root/usr/bin" "$root/usr/bin.real/newuidmap" "$root/usr/bin.real/newgidmap"

fresh_root
mv "$root/usr" "$root/usr.real"
ln -s usr.real "$root/usr"
expect_refused "symlinked /usr" "$both" "directory /usr is a symbolic link" \
    "$root/usr" "$root/usr.real/bin/newuidmap" "$root/usr.real/bin/newgidmap"
