#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The log destination failing (issue 6, item 10): started with stderr, stdout or stdin
# closed, the program still does its work, and no log line lands in a file it opened (it
# points closed standard descriptors at /dev/null before opening anything; otherwise the
# lock file, opened read-write, could take descriptor 2 and collect the log).
source "$(dirname "$0")/lib.sh"
make_workdir

root=$WORK/root
debian_root "$root"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap
# A first run creates the lock file and its folder, so that below nothing new should appear.
"$UFC_PROGRAM" -q restore --root "$root"

snapshot() {
    find "$root" -printf '%y %p %s\n' | sort
    find "$root" -type f -exec cksum {} + | sort
}
before=$(snapshot)

# check_run WHAT GOAL REDIRECTIONS: runs GOAL with -v (so every file gets a log line) and the
# redirections, then checks the outcome and that no file gained a byte.
check_run() {
    local what=$1 goal=$2 redirections=$3 rc=0
    eval "\"\$UFC_PROGRAM\" -v $goal --root \"\$root\" $redirections" || rc=$?
    [ "$rc" -eq 0 ] || fail "$what: $goal exited $rc"
    if [ "$goal" = apply ]; then
        expect_state "$uid" 755 cap_setuid=ep "$what"
        expect_state "$gid" 755 cap_setgid=ep "$what"
    else
        expect_state "$uid" 4755 "" "$what"
        expect_state "$gid" 4755 "" "$what"
    fi
    [ "$(snapshot)" = "$before" ] || fail "$what: files under the root changed:
$(diff <(echo "$before") <(snapshot))"
    pass "$what: $goal done, nothing written into any file"
}

# Each combination makes a different descriptor the first free one when the lock is opened.
check_run "stdin, stdout and stderr closed" apply '<&- >&- 2>&-'
check_run "stdin, stdout and stderr closed" restore '<&- >&- 2>&-'
check_run "stdin and stderr closed" apply '<&- 2>&- >/dev/null'
check_run "stdin and stderr closed" restore '<&- 2>&- >/dev/null'
check_run "stderr closed" apply '2>&-'
check_run "stdout and stderr closed" restore '>&- 2>&-'

# status prints its table on stdout: closed, it still reads and answers.
rc=0
"$UFC_PROGRAM" status --json --root "$root" <&- >&- 2>&- || rc=$?
[ "$rc" -eq 1 ] || fail "status with every standard descriptor closed exited $rc, expected 1"
[ "$(snapshot)" = "$before" ] || fail "status with closed descriptors changed files under the root"
pass "status with every standard descriptor closed: exit 1 for setuid files, nothing written"
