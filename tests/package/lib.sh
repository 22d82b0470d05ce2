# SPDX-License-Identifier: GPL-2.0-or-later
# Harness for the package tests: throwaway Debian 12 roots with Debian's real uidmap, the
# built helper .deb installed into them with dpkg and apt, and checks from outside on the
# root's files. Nothing here touches this machine's own /usr/bin or its dpkg database.
#
# package.setup (setup.sh) builds the root once with mmdebstrap and keeps it as a tarball in
# $UFC_CACHE_DIR/package, with Debian's uidmap .deb and a repacked one with a higher version;
# every test extracts a fresh copy of it in a couple of seconds. package.rebuild (rebuild.sh)
# builds the helper from this tree with a higher version, for the helper-upgrade scenario.
# Failures show the output of the last command run in the root; change lines are checked
# in that output or in the root's /var/log/apt/term.log.
#
# Commands run in a root through in_root: chroot inside a fresh mount and pid namespace with
# /proc and a minimal /dev mounted there, so nothing stays mounted after the command, and a
# daemon a maintainer script might start dies with the namespace.
# Source it; it sets strict mode and skips (exit 77) unless run as root.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the tests that source it

pkg_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/common.sh
source "$pkg_dir/../lib/common.sh"

need_root
: "${UFC_CACHE_DIR:?UFC_CACHE_DIR must name the test cache folder}"

PKG_CACHE=$UFC_CACHE_DIR/package
PKG_ARCH=$(dpkg --print-architecture)
# The tarball and what it was built from; setup.sh writes both, the tests only read.
PKG_ROOT_TAR=$PKG_CACHE/root.tar
PKG_ROOT_KEY=$PKG_CACHE/root.key
# Where the .debs are copied inside every root: readable by apt's _apt sandbox user, so apt
# installs local files without a warning about downloading unsandboxed.
PKG_DEBS_IN_ROOT=/srv/ufc-debs
# The suffix that makes the repacked uidmap and the rebuilt helper sort above the real ones.
PKG_BUMP=+ufctest1

# Installs the named host packages when missing. Each must be listed in packages.txt, which
# the README's test command installs up front; this is the fallback for a test run by hand.
pkg_require_packages() { # PACKAGE...
    local p missing=()
    for p in "$@"; do
        grep -qx "$p" "$pkg_dir/packages.txt" ||
            fail "internal error: $p is not listed in tests/package/packages.txt"
        dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "installing missing test prerequisites on this machine: ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null ||
            skip_or_fail "could not install ${missing[*]}"
    fi
}

# first_file DIR PATTERN: the first file in DIR whose name matches PATTERN, or nothing (also
# when DIR does not exist).
first_file() {
    local f
    for f in "$1"/$2; do
        [ -f "$f" ] && {
            echo "$f"
            return 0
        }
    done
    return 0
}

# Sets HELPER_DEB and HELPER_VERSION from UFC_DEB_DIR. Unset, that is a skip by hand and a
# failure in CI, where the package must have been built first.
pkg_find_helper_deb() {
    [ -n "${UFC_DEB_DIR:-}" ] ||
        skip_or_fail "UFC_DEB_DIR is not set: build the package with tools/build-deb OUTDIR" \
            "and configure with -DUFC_DEB_DIR=OUTDIR"
    local debs=("$UFC_DEB_DIR"/uidmap-filecaps_*_"$PKG_ARCH".deb)
    [ -e "${debs[0]}" ] ||
        skip_or_fail "no uidmap-filecaps_*_$PKG_ARCH.deb in UFC_DEB_DIR=$UFC_DEB_DIR"
    [ "${#debs[@]}" -eq 1 ] || fail "several helper packages in $UFC_DEB_DIR: ${debs[*]}"
    HELPER_DEB=${debs[0]}
    HELPER_VERSION=$(dpkg-deb -f "$HELPER_DEB" Version)
}

# Sets UIDMAP_DEB/UIDMAP_VERSION (Debian's) and UIDMAP_BUMPED_DEB/UIDMAP_BUMPED_VERSION (the
# same files, control Version raised) from the cache setup.sh filled.
pkg_find_uidmap_debs() {
    local real bumped
    real=$(first_file "$PKG_CACHE/debs/real" 'uidmap_*.deb')
    bumped=$(first_file "$PKG_CACHE/debs/bumped" 'uidmap_*.deb')
    [ -n "$real" ] && [ -n "$bumped" ] && [ -f "$PKG_ROOT_TAR" ] ||
        skip_or_fail "no cached Debian root in $PKG_CACHE: run the package.setup test first" \
            "(ctest -L package runs it as a fixture)"
    UIDMAP_DEB=$real
    UIDMAP_VERSION=$(dpkg-deb -f "$real" Version)
    UIDMAP_BUMPED_DEB=$bumped
    UIDMAP_BUMPED_VERSION=$(dpkg-deb -f "$bumped" Version)
}

# Sets REBUILT_DEB and REBUILT_VERSION: the helper rebuild.sh last made or reused, as it named
# it in $PKG_CACHE/rebuilt/current.
pkg_find_rebuilt_deb() {
    REBUILT_DEB=$(cat "$PKG_CACHE/rebuilt/current" 2>/dev/null || true)
    [ -n "$REBUILT_DEB" ] && [ -f "$REBUILT_DEB" ] ||
        skip_or_fail "no rebuilt helper in $PKG_CACHE/rebuilt: run the package.rebuild test" \
            "first (ctest -L package runs it as a fixture)"
    REBUILT_VERSION=$(dpkg-deb -f "$REBUILT_DEB" Version)
}

# Everything a test needs before its first root: root, the tools, the helper and uidmap .debs.
pkg_prepare() {
    pkg_require_packages util-linux tar libcap2-bin dpkg
    pkg_find_helper_deb
    pkg_find_uidmap_debs
    pkg_workdir /tmp
}

# pkg_workdir PARENT: WORK, a scratch folder in PARENT for logs and copies, removed on exit
# with every root the test made, however the test ends.
pkg_workdir() {
    WORK=$(mktemp -d "$1/ufc-package.XXXXXX")
    PKG_ROOTS=()
    LOG_SEQ=0
    trap pkg_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Unmounts whatever this test mounted under its roots (only the strict-mode test mounts
# anything outside in_root, and it does so in its own mount namespace), then removes the
# roots without ever crossing into another filesystem.
pkg_cleanup() {
    local status=$? r target
    set +e
    for r in "${PKG_ROOTS[@]}"; do
        findmnt -rn -o TARGET | awk -v r="$r/" 'index($0, r) == 1' | sort -r |
            while read -r target; do
                umount -l -- "$target" || echo "cleanup: could not unmount $target" >&2
            done
        rm -rf --one-file-system -- "$r"
    done
    rm -rf --one-file-system -- "$WORK"
    exit "$status"
}

# new_root: extracts a fresh copy of the cached root into ROOT, with the .debs this test may
# install under $PKG_DEBS_IN_ROOT. Capabilities in the tarball survive (--xattrs).
new_root() {
    ROOT=$(mktemp -d /tmp/ufc-package-root.XXXXXX)
    PKG_ROOTS+=("$ROOT")
    chmod 0755 "$ROOT"
    tar --xattrs --xattrs-include='*' --numeric-owner -C "$ROOT" -xf "$PKG_ROOT_TAR"
    install -d -m 0755 "$ROOT$PKG_DEBS_IN_ROOT"
    install -m 0644 "$HELPER_DEB" "$UIDMAP_DEB" "$UIDMAP_BUMPED_DEB" "$ROOT$PKG_DEBS_IN_ROOT/"
    if [ -n "${REBUILT_DEB:-}" ]; then
        install -m 0644 "$REBUILT_DEB" "$ROOT$PKG_DEBS_IN_ROOT/"
    fi
    LOG_SEQ=0
}

# Paths of the .debs as the root sees them.
in_root_deb() { echo "$PKG_DEBS_IN_ROOT/$(basename "$1")"; }

# Runs in a new mount and pid namespace: mounts /proc and a private /dev for the root, then
# chroots. The /dev is a small tmpfs with the usual character devices bound in and a devpts
# instance of its own (apt records maintainer-script output in term.log through a pty),
# rather than the host's /dev: no host disk and no host /dev/log reach the root.
_enter_root() {
    local root=$1 node
    shift
    mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
    mount -t tmpfs -o mode=0755,nosuid,size=1m ufc-dev "$root/dev"
    for node in null zero full random urandom tty; do
        touch "$root/dev/$node"
        mount --bind "/dev/$node" "$root/dev/$node"
    done
    mkdir "$root/dev/pts" "$root/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
    ln -s pts/ptmx "$root/dev/ptmx"
    ln -s /proc/self/fd "$root/dev/fd"
    ln -s /proc/self/fd/0 "$root/dev/stdin"
    ln -s /proc/self/fd/1 "$root/dev/stdout"
    ln -s /proc/self/fd/2 "$root/dev/stderr"
    # env -i: nothing of the test runner's environment leaks into the root; leading
    # NAME=VALUE arguments of the caller are added by env itself.
    chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LC_ALL=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

# The command line that enters ROOT; in_root and run_root append the command to it.
_root_argv() {
    ROOT_ARGV=(unshare --mount --propagation private --pid --fork --kill-child --
        bash -c "$(declare -f _enter_root); _enter_root \"\$@\"" in_root "$ROOT")
}

# in_root [NAME=VALUE...] COMMAND...: runs COMMAND in ROOT; returns its status.
in_root() {
    _root_argv
    "${ROOT_ARGV[@]}" "$@"
}

# run_root [NAME=VALUE...] COMMAND...: like in_root, with stdout and stderr captured
# together in the file OUT (also kept for failure messages); sets RC. A command that hangs
# is stopped after RUN_TIMEOUT seconds and fails the test.
run_root() {
    LOG_SEQ=$((LOG_SEQ + 1))
    OUT=$WORK/run-$LOG_SEQ.log
    echo "# in root: $*" >"$OUT"
    RC=0
    _root_argv
    timeout "${RUN_TIMEOUT:-240}" "${ROOT_ARGV[@]}" "$@" >>"$OUT" 2>&1 </dev/null || RC=$?
    [ "$RC" -ne 124 ] || fail_with_log "'$*' did not finish within ${RUN_TIMEOUT:-240} s"
}

# fail_with_log TEXT: fails, showing the output of the last run_root.
fail_with_log() {
    echo "---- output of the last command in the root ($OUT):"
    tail -n 60 "$OUT" 2>/dev/null || true
    echo "----"
    fail "$*"
}

# must_succeed WHAT [NAME=VALUE...] COMMAND...: run_root, and fail unless it exits 0.
must_succeed() {
    local what=$1
    shift
    run_root "$@"
    [ "$RC" -eq 0 ] || fail_with_log "$what: '$*' exited $RC"
}

# log_has TEXT WHAT / log_lacks TEXT WHAT: the last run_root's output does or does not
# contain TEXT (a fixed string).
log_has() {
    grep -qF -- "$1" "$OUT" || fail_with_log "$2: the output lacks \"$1\""
}
log_lacks() {
    if grep -qF -- "$1" "$OUT"; then
        fail_with_log "$2: the output unexpectedly contains \"$1\""
    fi
}

# The part of the root's apt term.log written by the last apt run.
last_term_log() {
    awk '/^Log started: / { block = "" } { block = block $0 "\n" } END { printf "%s", block }' \
        "$ROOT/var/log/apt/term.log"
}

term_log_has() {
    if ! last_term_log | grep -qF -- "$1"; then
        echo "---- last block of $ROOT/var/log/apt/term.log:"
        last_term_log | tail -n 40
        fail "$2: apt's term.log lacks \"$1\""
    fi
}

# The name of uid or gid N under the root, from the root's own passwd and group files.
_name_in_root() { # FILE ID
    awk -F: -v id="$2" '$3 == id { print $1; found = 1; exit } END { if (!found) print "#" id }' \
        "$1"
}

# state_of PATH: "MODE USER:GROUP CAPS" of a file in ROOT, the names as the root knows them,
# the capabilities as getcap -n prints them (a namespaced one shows its root id).
state_of() {
    local file=$ROOT$1 mode uid gid
    [ -e "$file" ] || {
        echo "absent"
        return
    }
    read -r mode uid gid < <(stat -c '%a %u %g' -- "$file")
    echo "$mode $(_name_in_root "$ROOT/etc/passwd" "$uid"):$(_name_in_root "$ROOT/etc/group" \
        "$gid") $(getcap -n "$file" | cut -d' ' -f2-)" | sed 's/ *$//'
}

# expect_file PATH "MODE USER:GROUP[ CAPS]" WHAT
expect_file() {
    local got
    got=$(state_of "$1")
    [ "$got" = "$2" ] || fail "$3: $1 is \"$got\", expected \"$2\""
}

# The state the helper exists for, and Debian's default.
expect_applied() {
    expect_file /usr/bin/newuidmap "755 root:root cap_setuid=ep" "$1"
    expect_file /usr/bin/newgidmap "755 root:root cap_setgid=ep" "$1"
}
expect_debian_default() {
    expect_file /usr/bin/newuidmap "4755 root:root" "$1"
    expect_file /usr/bin/newgidmap "4755 root:root" "$1"
}

# dpkg's view of a package in ROOT: "ii 1.2-3", "rc 0.1.0", or "un" when dpkg has no record.
pkg_state() {
    local s
    s=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${db:Status-Abbrev} ${Version}' \
        "$1" 2>/dev/null) || s=un
    echo "$s" | sed 's/ *$//; s/  */ /g'
}

expect_pkg_state() { # PACKAGE "STATE[ VERSION]" WHAT
    local got
    got=$(pkg_state "$1")
    [ "$got" = "$2" ] || fail "$3: dpkg has $1 as \"$got\", expected \"$2\""
}

# Nothing half-done in ROOT: every package dpkg knows is installed (ii), removed with its
# configuration kept (rc) or gone, and dpkg --audit finds nothing.
expect_dpkg_clean() {
    local bad audit
    bad=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${db:Status-Abbrev}|${Package}\n' |
        awk -F'|' '$1 !~ /^(ii|rc|un) *$/')
    [ -z "$bad" ] || fail "$1: packages left in an unfinished state: $bad"
    audit=$(in_root dpkg --audit 2>&1) || fail "$1: dpkg --audit failed: $audit"
    [ -z "$audit" ] || fail "$1: dpkg --audit reports: $audit"
}

# The stanza line a change log line carries for uidmap at VERSION: "uidmap VERSION (".
# Matching the " (" after it keeps 1:4.13-1 from matching inside 1:4.13-1+ufctest1.
uidmap_at() { echo "uidmap $1 ("; }

# Installs Debian's uidmap in ROOT: with apt from the root's own sources (the .deb is in the
# root's apt cache, so nothing is downloaded), or with dpkg -i when the first argument is
# "dpkg", which is quicker where the way uidmap arrives is not what a test is about.
install_uidmap() { # [apt|dpkg]
    if [ "${1:-apt}" = dpkg ]; then
        must_succeed "installing uidmap" dpkg -i "$(in_root_deb "$UIDMAP_DEB")"
    else
        must_succeed "installing uidmap" apt-get install -y --no-install-recommends uidmap
    fi
    expect_debian_default "Debian's uidmap as installed"
    expect_pkg_state uidmap "ii $UIDMAP_VERSION" "Debian's uidmap as installed"
}

# Installs the helper .deb under test with apt, as an administrator would.
install_helper() {
    must_succeed "installing the helper" apt-get install -y --no-install-recommends \
        "$(in_root_deb "$HELPER_DEB")"
}

step() { echo "--- $*"; }
