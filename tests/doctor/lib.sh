# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the doctor's shell tests, on top of tests/lib/common.sh: a scratch folder that
# other users can read, a root where nothing blocks, and the program run with its output
# kept for assertions. Source it; it sets strict mode.
# shellcheck shell=bash

doctor_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/common.sh
source "$doctor_dir/../lib/common.sh"

# The stand-in for Debian's newuidmap: an ELF program without libcap, built with the tests.
readonly sample=${UFC_DOCTOR_SAMPLE:-/bin/true}

# setcap, chown to root, mounts and namespaces all need real root. The package build runs
# these tests unprivileged or under fakeroot: skip there.
need_real_root() {
    need_root
    [ -z "${FAKEROOTKEY:-}" ] || skip "running under fakeroot: capabilities would be faked"
    command -v setcap >/dev/null || skip_or_fail "setcap is not installed (libcap2-bin)"
    command -v setpriv >/dev/null || skip_or_fail "setpriv is not installed (util-linux)"
    command -v unshare >/dev/null || skip_or_fail "unshare is not installed (util-linux)"
    # A chroot (pbuilder, a build in a fresh root) may not create user namespaces at all;
    # the checks this suite provokes need one, and no package can give it.
    unshare --user true 2>/dev/null ||
        skip "this process may not create user namespaces (chroot or container)"
}

# WORK: a scratch folder removed on exit. 0755 with a private copy of the program, so the
# unprivileged runs can reach both (the build tree may be closed to other users).
make_work() {
    WORK=$(mktemp -d /tmp/ufc-doctor.XXXXXX)
    # shellcheck disable=SC2064 # expand now: the trap must remove this very folder
    trap "rm -rf -- '$WORK'" EXIT
    chmod 0755 "$WORK"
    install -m 0755 "$UFC_PROGRAM" "$WORK/uidmap-filecaps"
    PROG=$WORK/uidmap-filecaps
    cp "$sample" "$WORK/.probe"
    setcap cap_setuid=ep "$WORK/.probe" 2>/dev/null ||
        skip "root here cannot set file capabilities on $WORK (no CAP_SETFCAP?)"
    rm "$WORK/.probe"
}

# good_root DIR: a root where nothing blocks alice (uid 1000): helpers with capabilities, no
# setuid bit, and 65536 subordinate ids each that nobody else holds.
good_root() {
    local root=$1
    make_root "$root"
    cat >>"$root/etc/passwd" <<'EOF'
alice:x:1000:1000::/home/alice:/bin/sh
bob:x:1001:1001::/home/bob:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
    printf 'alice:x:1000:\nbob:x:1001:\nnogroup:x:65534:\n' >>"$root/etc/group"
    printf 'alice:100000:65536\nbob:165536:65536\n' >"$root/etc/subuid"
    cp "$root/etc/subuid" "$root/etc/subgid"
    chmod 0644 "$root"/etc/*
    helper "$root" newuidmap 0755 cap_setuid=ep
    helper "$root" newgidmap 0755 cap_setgid=ep
}

# helper ROOT NAME MODE [CAPS] [-n ROOTID] [--from FILE]: puts a helper in place, copied
# from the sample (or FILE), with that mode and those capabilities (-n: namespaced to ROOTID,
# as a rootless image build writes them). The mode comes first: setcap keeps a setuid bit.
helper() {
    local root=$1 name=$2 mode=$3 caps='' from=$sample
    shift 3
    local opts=()
    while (($#)); do
        case $1 in
        --from) from=$2 && shift 2 ;;
        -n) opts+=(-n "$2") && shift 2 ;;
        *) caps=$1 && shift ;;
        esac
    done
    rm -f "$root/usr/bin/$name"
    install -m "$mode" -o root -g root "$from" "$root/usr/bin/$name"
    [ -z "$caps" ] || setcap "${opts[@]}" "$caps" "$root/usr/bin/$name"
}

# run_doctor [PREFIX-COMMAND...] -- ARGS...: runs `PREFIX... $PROG doctor ARGS...`; sets RC
# and OUT (stdout and stderr together: the assertions read what a user would see).
run_doctor() {
    local prefix=()
    while [ "$1" != -- ]; do
        prefix+=("$1")
        shift
    done
    shift
    RC=0
    OUT=$("${prefix[@]}" "$PROG" doctor "$@" 2>&1) || RC=$?
}

show() {
    printf '%s\n' "$OUT" | sed 's/^/    | /'
}

# expect_rc N WHAT
expect_rc() {
    [ "$RC" -eq "$1" ] || {
        show
        fail "$2: exit status $RC, wanted $1"
    }
}

# expect_line PATTERN WHAT: an output line matches the extended regular expression. A
# here-string, not a pipe: grep -q stops at the first match, and under pipefail the writer's
# SIGPIPE would then fail the check at random.
expect_line() {
    grep -Eq -- "$1" <<<"$OUT" || {
        show
        fail "$2: no line matches /$1/"
    }
}

expect_no_line() {
    if grep -Eq -- "$1" <<<"$OUT"; then
        show
        fail "$2: a line matches /$1/"
    fi
}

# expect_only_fail ID WHAT: exactly one FAIL line, and it is ID's; exit status 1.
expect_only_fail() {
    expect_rc 1 "$2"
    expect_line "^FAIL $1: " "$2"
    local n
    n=$(grep -c '^FAIL ' <<<"$OUT" || true)
    [ "$n" -eq 1 ] || {
        show
        fail "$2: $n FAIL lines, wanted only $1's"
    }
}

# run_mapped MAP [PREFIX-COMMAND...] -- ARGS...: like run_doctor, but in a new user namespace
# whose uid_map and gid_map are MAP (lines "inside outside count"), written from out here as
# root may: the shape of a rootless container (0 -> its user, 1.. -> the subordinate ids)
# without needing a user or newuidmap. Host root must be in MAP for the files to stay
# root's.
run_mapped() {
    local map=$1 prefix=()
    shift
    while [ "$1" != -- ]; do
        prefix+=("$1")
        shift
    done
    shift
    local go=$WORK/go.$$ out=$WORK/out.$$ pid
    rm -f "$go" && mkfifo "$go"
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --user sh -c 'read -r _ <"$0"; exec "$@"' "$go" \
        "${prefix[@]}" "$PROG" doctor "$@" >"$out" 2>&1 &
    pid=$!
    while [ "$(readlink "/proc/$pid/ns/user")" = "$(readlink /proc/self/ns/user)" ]; do
        sleep 0.01
    done
    # The kernel takes a map in one write(2) only; bash's printf writes line by line, cat
    # copies a small file in one go.
    printf '%s\n' "$map" >"$WORK/map.$$"
    if ! cat "$WORK/map.$$" >"/proc/$pid/uid_map" || ! cat "$WORK/map.$$" >"/proc/$pid/gid_map"
    then
        kill "$pid"
        fail "could not write the map \"$map\" for the namespace of $pid"
    fi
    echo go >"$go"
    RC=0
    wait "$pid" || RC=$?
    OUT=$(cat "$out")
}

# Call first thing with "$@"; inside the namespace it returns with WORK and PROG set.
enter_private_mount_namespace() {
    in_private_mount_namespace make_work "$@"
    PROG=$WORK/uidmap-filecaps
}
