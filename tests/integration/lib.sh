# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the integration tests, on top of tests/lib/common.sh: a scratch folder under
# /tmp removed on exit, a private mount namespace for the tests that mount, the program run
# with its output captured, and a fingerprint of everything a run could change about a file.
# Source it; it sets strict mode and skips (exit 77) unless run as root.
# shellcheck shell=bash

integ_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/common.sh
source "$integ_dir/../lib/common.sh"

# Capabilities, chown, mknod and mounts all need root; the package build runs these tests
# unprivileged, and there they must skip cleanly. Under fakeroot the uid is 0 but every
# capability and owner would only be pretended, so that is no root either.
need_root
[ -z "${FAKEROOTKEY:-}" ] || skip "running under fakeroot: capabilities and owners would be faked"
command -v getcap >/dev/null || skip_or_fail "getcap is not installed (libcap2-bin)"
command -v setcap >/dev/null || skip_or_fail "setcap is not installed (libcap2-bin)"

# WORK: a scratch folder removed when the test exits, however it exits.
# Root in a container without CAP_SETFCAP cannot write capabilities: nothing to test there.
make_workdir() {
    WORK=$(mktemp -d /tmp/ufc-integ.XXXXXX)
    # shellcheck disable=SC2064 # expand now: the trap must remove this very folder
    trap "rm -rf -- '$WORK'" EXIT
    cp /bin/true "$WORK/.probe"
    setcap cap_setuid=ep "$WORK/.probe" 2>/dev/null ||
        skip "root here cannot set file capabilities on $WORK (no CAP_SETFCAP?)"
    rm "$WORK/.probe"
}

# Call first thing with "$@"; inside the namespace, WORK is set and the call returns.
enter_private_mount_namespace() {
    in_private_mount_namespace make_workdir "$@"
}

# A root as Debian ships uidmap: both files 4755 root:root without capabilities.
debian_root() {
    make_root "$1" "${2:-1:4.13+dfsg1-1+deb12u1}"
    install_setuid "$1" newuidmap
    install_setuid "$1" newgidmap
}

# run_prog ARGS...: runs the program; sets RC, OUT (its stdout) and ERR (its stderr). A run
# that blocks (on a fifo, a lock) is stopped after RUN_TIMEOUT seconds and fails the test.
run_prog() {
    RC=0
    timeout "${RUN_TIMEOUT:-30}" "$UFC_PROGRAM" "$@" >"$WORK/.out" 2>"$WORK/.err" || RC=$?
    # shellcheck disable=SC2034 # read by the tests that source this file
    OUT=$(<"$WORK/.out")
    ERR=$(<"$WORK/.err")
    [ "$RC" -ne 124 ] || fail "uidmap-filecaps $* did not finish within ${RUN_TIMEOUT:-30} s"
}

# expect_rc WANTED WHAT: the last run_prog exited with WANTED.
expect_rc() {
    [ "$RC" -eq "$1" ] || fail "$2: exit status $RC, expected $1; stderr was:
$ERR"
}

# expect_err TEXT WHAT: the last run's stderr contains TEXT (fixed string).
expect_err() {
    grep -qF -- "$1" <<<"$ERR" || fail "$2: stderr lacks \"$1\"; it was:
$ERR"
}

# expect_no_err TEXT WHAT: the last run's stderr does not contain TEXT.
expect_no_err() {
    if grep -qF -- "$1" <<<"$ERR"; then
        fail "$2: stderr unexpectedly contains \"$1\":
$ERR"
    fi
}

# Capabilities as `getcap -n` shows them, without the path: "cap_setuid=ep", a namespaced
# one with " [rootid=N]", or nothing. Plain getcap would hide the root id.
caps_ns_of() {
    getcap -n "$1" | cut -d' ' -f2-
}

# Everything a run could change about each PATH, the path itself not followed: type, mode,
# owner, link count, inode, size and, for regular files, content and capabilities. Two equal
# fingerprints mean the run left the objects alone. (Non-regular files are never read: a
# fifo would block.)
fingerprint() {
    local p
    local -a regular=()
    for p in "$@"; do
        if [ -f "$p" ] && [ ! -L "$p" ]; then
            regular+=("$p")
        fi
    done
    stat -c '%n %F %a %u:%g links=%h ino=%i size=%s' -- "$@"
    if [ "${#regular[@]}" -gt 0 ]; then
        cksum -- "${regular[@]}"
        getcap -n -- "${regular[@]}"
    fi
}

# expect_state PATH MODE CAPS WHAT: octal mode (as stat %a prints it), owner root:root and
# exactly these capabilities ("" for none).
expect_state() {
    local got_mode got_caps
    got_mode=$(stat -c '%a %U:%G' -- "$1")
    got_caps=$(caps_ns_of "$1")
    [ "$got_mode" = "$2 root:root" ] || fail "$4: $1 is $got_mode, expected $2 root:root"
    [ "$got_caps" = "$3" ] || fail "$4: $1 has capabilities \"$got_caps\", expected \"$3\""
}

# has_working_mechanism PATH CAP: the file can do its job, through the setuid bit of a
# root-owned file or through the wanted capability owned by this namespace's root (a
# namespaced capability does nothing here, so it does not count).
has_working_mechanism() {
    local mode uid
    mode=$(stat -c '%a' -- "$1")
    uid=$(stat -c '%u' -- "$1")
    if [ "$uid" = 0 ] && [ "${#mode}" -eq 4 ] && [ $((8#$mode & 8#4000)) -ne 0 ]; then
        return 0
    fi
    [ "$(caps_ns_of "$1")" = "$2" ]
}
