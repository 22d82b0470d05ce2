#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The nested rootless-Podman failure in a few seconds, without images.
#
# What a rootless container looks like from inside, rebuilt by hand: a throwaway user with
# subordinate ids makes a user namespace where it is root (the "outer container"), with its
# own passwd and subuid files naming a user `podman` (uid 1000, ids 1001:64535). The test
# drops to that uid with Podman's default capability bounding set, starts a fresh
# `unshare --user` child the way Podman inside the container would, and runs the newuidmap
# and newgidmap under test on it:
#   case a: Debian's files as shipped (setuid root, no capabilities)   -> must fail
#   case b: the same files as `uidmap-filecaps apply` leaves them        -> must pass
#
# Debian's binaries come from the real uidmap .deb; this machine's /usr/bin is never touched.
#
# Environment:
#   UFC_PROGRAM    the built uidmap-filecaps; case b then runs its `apply --root`. Unset: case b
#                  uses setcap, and says so.
#   UFC_CACHE_DIR  where the downloaded uidmap .deb is kept between runs.
#   CI=true        a missing prerequisite is a failure instead of a skip (exit 77).
set -euo pipefail

source "$(dirname "$0")/lib.sh"

readonly cache=${UFC_CACHE_DIR:-${TMPDIR:-/var/tmp}/uidmap-filecaps-test-cache}
# Podman's default_capabilities (containers.conf): what a process in a default rootless
# container can ever hold. CAP_SYS_ADMIN is not among them, which is the whole problem.
readonly podman_caps=chown,dac_override,fowner,fsetid,kill,net_bind_service,setfcap,setgid
readonly podman_caps2=setpcap,setuid,sys_chroot

ufc_require_root
ufc_require_packages uidmap libcap2-bin
if [[ -n ${UFC_PROGRAM:-} && ! -x ${UFC_PROGRAM} ]]; then
    ufc_cannot_run "UFC_PROGRAM=$UFC_PROGRAM is not an executable file"
fi
ufc_install_traps
ufc_remove_stale ufc-fast "${TMPDIR:-/var/tmp}"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ufc-fast-$$.XXXXXX")
ufc_at_exit "rm -rf '$work'"
# The throwaway user must reach its files below here.
chmod 0755 "$work"

# --- Set-up --------------------------------------------------------------------------------
user=ufc-fast-$$
ufc_add_user "$user" "$work/home"
uid=$ufc_user_uid
gid=$ufc_user_gid
subid=$ufc_user_subid
ufc_as_user "$user" unshare --user --map-root-user true 2>/dev/null ||
    ufc_cannot_run "unprivileged user namespaces are not available on this machine"

deb=$(ufc_uidmap_deb "$cache") || ufc_cannot_run "could not download Debian's uidmap .deb"
dpkg-deb -x "$deb" "$work/deb"
echo "using $(basename "$deb")"

# Each case gets a root laid out like a system: usr/bin/new{u,g}idmap, 4755 as Debian ships
# them. Everything is owned by the throwaway user, which is uid 0 inside the namespace: a
# setuid file only makes its runner root there if its owner is that namespace's root, and
# uidmap-filecaps refuses files and directories not owned by root.
make_root() { # DIR
    local dir=$1 tool sub
    for sub in "" /usr /usr/bin /etc /var /var/lib /var/lib/dpkg /var/lib/dpkg/updates; do
        install -d -m 0755 -o "$uid" -g "$gid" "$dir$sub"
    done
    # The package database and account files the program reads under --root: uidmap
    # installed, as the .deb's own control fields say.
    { dpkg-deb -f "$deb" Package Version Architecture Priority Section Maintainer |
          sed '/^Package:/a Status: install ok installed'
      echo; } >"$dir/var/lib/dpkg/status"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
    printf 'root:x:0:\n' >"$dir/etc/group"
    chown -R "$uid:$gid" "$dir/etc" "$dir/var/lib/dpkg/status"
    for tool in newuidmap newgidmap; do
        cp "$work/deb/usr/bin/$tool" "$dir/usr/bin/$tool"
        # chown clears the setuid bit, so the mode comes after it.
        chown "$uid:$gid" "$dir/usr/bin/$tool"
        chmod 4755 "$dir/usr/bin/$tool"
    done
}
make_root "$work/stock"
make_root "$work/fixed"

# Account files the namespace sees instead of this machine's, as in a Debian image that
# gave its `podman` user the 64535 ids left after it in a 65536-id container.
mkdir "$work/etc"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'podman:x:1000:1000::/tmp:/bin/sh' \
    >"$work/etc/passwd"
printf '%s\n' 'root:x:0:' 'podman:x:1000:' >"$work/etc/group"
printf '%s\n' 'podman:1001:64535' >"$work/etc/subuid"
cp "$work/etc/subuid" "$work/etc/subgid"
chmod 0644 "$work"/etc/*

# Runs inside the namespace as its root. Subcommands:
#   setcap FILE CAPS      give a file capabilities, then drop its setuid bit (fallback)
#   apply PROGRAM ROOT    run uidmap-filecaps apply on ROOT
#   probe KIND FILE       as `podman` with Podman's bounding set, map a fresh child's KIND
#                         (uid|gid) with FILE; print its output and the child's map
cat >"$work/in-namespace.sh" <<'EOF'
set -eu
work=$1 action=$2
shift 2
case $action in
setcap)
    # Set the capability before dropping the setuid bit, so the file never has neither.
    setcap "$2" "$1"
    chmod 0755 "$1"
    getcap "$1"
    ;;
apply)
    "$1" apply --root "$2"
    ;;
probe)
    kind=$1 file=$2 caps=$3
    for f in passwd group subuid subgid; do mount --bind "$work/etc/$f" "/etc/$f"; done
    exec setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
        --bounding-set="-all,$caps" -- sh "$work/probe.sh" "$kind" "$file"
    ;;
esac
EOF
# The probe proper, as uid 1000. The child stands for the container Podman would start; the
# loop waits until it has really entered its new user namespace before mapping it.
cat >"$work/probe.sh" <<'EOF'
kind=$1 file=$2
unshare --user sleep 60 &
child=$!
while [ "$(readlink /proc/$child/ns/user)" = "$(readlink /proc/self/ns/user)" ]; do
    sleep 0.01
done
"$file" "$child" 0 1000 1 1 1001 64535 2>&1
rc=$?
echo "child ${kind}_map:"
cat "/proc/$child/${kind}_map"
kill "$child"
exit $rc
EOF
chmod 0644 "$work/in-namespace.sh" "$work/probe.sh"

# The "outer container": this user is root, its 65536 subordinate ids are uids 1-65536.
in_namespace() { # ACTION ARGS...
    ufc_as_user "$user" unshare --map-root-user \
        --map-users="$subid,1,65536" --map-groups="$subid,1,65536" --mount \
        sh "$work/in-namespace.sh" "$work" "$@"
}

# --- Case b's files, made as the helper makes them -------------------------------------------
if [[ -n ${UFC_PROGRAM:-} ]]; then
    # The user runs a private copy: the build tree may not be readable by other users.
    install -m 0755 "$UFC_PROGRAM" "$work/uidmap-filecaps"
    how="uidmap-filecaps apply --root, run as root of the namespace"
    if ! out=$(in_namespace apply "$work/uidmap-filecaps" "$work/fixed" 2>&1); then
        printf '%s\n' "$out"
        ufc_fail "set-up" "uidmap-filecaps apply --root failed inside the namespace"
        ufc_finish
    fi
    printf '%s\n' "$out" | sed 's/^/  /'
else
    how="setcap run as root of the namespace (UFC_PROGRAM unset)"
    if ! out=$(in_namespace setcap "$work/fixed/usr/bin/newuidmap" cap_setuid=ep 2>&1 &&
               in_namespace setcap "$work/fixed/usr/bin/newgidmap" cap_setgid=ep 2>&1); then
        printf '%s\n' "$out"
        ufc_fail "set-up" "setcap failed inside the namespace"
        ufc_finish
    fi
fi
printf 'case b files: %s\n' "$how"
# -n shows the namespace a capability belongs to: made inside this user's namespace, it is
# stored with this user's uid as root id (as in a rootless image build).
for tool in newuidmap newgidmap; do
    printf '  %s %s\n' "$(stat -c '%A %u:%g' "$work/fixed/usr/bin/$tool")" \
        "$(getcap -n "$work/fixed/usr/bin/$tool")"
done

# --- The two cases -------------------------------------------------------------------------
caps="+${podman_caps//,/,+},+${podman_caps2//,/,+}"

# Checks one probe. EXPECT is fail or pass.
check() { # CASE KIND ROOT EXPECT
    local name=$1 kind=$2 root=$3 expect=$4 tool=new${2}map out rc=0
    out=$(in_namespace probe "$kind" "$root/usr/bin/$tool" "$caps" 2>&1) || rc=$?
    local first
    first=$(printf '%s\n' "$out" | head -n 1)
    if [[ $expect == fail ]]; then
        if ((rc != 0)) && grep -q "write to ${kind}_map failed" <<<"$out"; then
            ufc_pass "$name" "Debian's setuid $tool fails nested: $first"
        else
            printf '%s\n' "$out" | sed 's/^/    /'
            ufc_fail "$name" "$tool (setuid) exit $rc, wanted the ${kind}_map write error"
        fi
        return
    fi
    local map
    map=$(printf '%s\n' "$out" | sed -n '/^child /,$p' | tail -n +2 | awk '{ $1 = $1; print }')
    if ((rc == 0)) && [[ $map == $'0 1000 1\n1 1001 64535' ]]; then
        ufc_pass "$name" "$tool with capabilities maps the child: ${map//$'\n'/ / }"
    else
        printf '%s\n' "$out" | sed 's/^/    /'
        ufc_fail "$name" "$tool with capabilities: exit $rc, map '${map//$'\n'/ / }'"
    fi
}

check "case a (uid)" uid "$work/stock" fail
check "case a (gid)" gid "$work/stock" fail
check "case b (uid)" uid "$work/fixed" pass
check "case b (gid)" gid "$work/fixed" pass
ufc_finish
