# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the shell tests. Source it; it sets strict mode.
set -euo pipefail

: "${UFC_PROGRAM:?UFC_PROGRAM must name the built uidmap-filecaps}"

# ctest counts exit 77 as skipped; the reason is always printed first.
skip() {
    echo "SKIP: $*"
    exit 77
}

# In CI a missing prerequisite is a failure, never a skip.
skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL (CI): $*"
        exit 1
    fi
    skip "$@"
}

fail() {
    echo "FAIL: $*"
    exit 1
}

pass() {
    echo "ok - $*"
}

need_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (file capabilities and mounts)"
}

# A throwaway root laid out as the program expects: <root>/usr/bin with root-owned,
# not group- or other-writable directories, and a dpkg status file naming uidmap.
# Usage: make_root DIR [uidmap-version]
make_root() {
    local root=$1 version=${2:-1:4.13+dfsg1-1+deb12u1}
    install -d -m 0755 -o root -g root "$root" "$root/usr" "$root/usr/bin" \
        "$root/var" "$root/var/lib" "$root/var/lib/dpkg" "$root/var/lib/dpkg/updates" \
        "$root/etc"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
    cat >"$root/var/lib/dpkg/status" <<STATUS
Package: uidmap
Status: install ok installed
Priority: optional
Architecture: amd64
Version: $version
Description: programs to help use subuids

STATUS
}

# Copies a real binary into the root as Debian ships it: 4755 root:root, no capabilities.
# The source is any executable; the tests only look at modes and capabilities.
install_setuid() {
    local root=$1 name=$2
    install -m 4755 -o root -g root "${UFC_SAMPLE_BINARY:-/bin/true}" "$root/usr/bin/$name"
}

mode_of() { stat -c '%a %U:%G' "$1"; }
caps_of() { getcap "$1" | awk '{print $2}'; }

# in_private_mount_namespace MAKE_WORK "$@": re-runs the calling script in a private mount
# namespace, so nothing it mounts is seen outside or outlives it. MAKE_WORK (a function that
# sets WORK and a trap removing it) runs out here, so the scratch folder is removed after the
# namespace and every mount in it are gone. Inside, WORK is set and the call returns.
in_private_mount_namespace() {
    local make_work=$1
    shift
    if [ "${UFC_IN_PRIVATE_MOUNT_NS:-}" = 1 ]; then
        return 0
    fi
    command -v unshare >/dev/null || skip_or_fail "unshare (util-linux) is not installed"
    unshare --mount --propagation private true 2>/dev/null ||
        skip "cannot make a mount namespace here (no CAP_SYS_ADMIN?)"
    "$make_work"
    local status=0
    UFC_IN_PRIVATE_MOUNT_NS=1 WORK=$WORK \
        unshare --mount --propagation private -- bash "$0" "$@" || status=$?
    exit "$status"
}
