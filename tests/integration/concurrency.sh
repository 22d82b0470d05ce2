#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two runs at once (two dpkg frontends, an administrator racing a trigger) are serialized by
# the lock under <root>/var/lib/uidmap-filecaps: both succeed, each change is made (and
# logged) once, and the end state is one run's complete result, never a mix of both.
source "$(dirname "$0")/lib.sh"
make_workdir

iterations=${UFC_CONCURRENCY_ITERATIONS:-15}
root=$WORK/root
debian_root "$root"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap
lock=$root/var/lib/uidmap-filecaps/lock

# run_pair GOAL_A GOAL_B: starts both at once; sets RC_A, RC_B and ERR_AB (both stderrs).
run_pair() {
    local pa pb
    "$UFC_PROGRAM" "$1" --root "$root" 2>"$WORK/a.err" &
    pa=$!
    "$UFC_PROGRAM" "$2" --root "$root" 2>"$WORK/b.err" &
    pb=$!
    RC_A=0 RC_B=0
    wait "$pa" || RC_A=$?
    wait "$pb" || RC_B=$?
    ERR_AB=$(cat "$WORK/a.err" "$WORK/b.err")
}

for ((i = 1; i <= iterations; i++)); do
    "$UFC_PROGRAM" -q restore --root "$root" || fail "restore before iteration $i failed"
    run_pair apply apply
    if [ "$RC_A" -ne 0 ] || [ "$RC_B" -ne 0 ]; then
        fail "iteration $i: two applies exited $RC_A and $RC_B: $ERR_AB"
    fi
    expect_state "$uid" 755 cap_setuid=ep "iteration $i: two applies"
    expect_state "$gid" 755 cap_setgid=ep "iteration $i: two applies"
    # Serialized, the second run finds the work done; interleaved, both would change it.
    for name in newuidmap newgidmap; do
        n=$(grep -c "/usr/bin/$name: changed:" <<<"$ERR_AB" || true)
        [ "$n" -eq 1 ] || fail "iteration $i: $name changed $n times by two applies: $ERR_AB"
    done
done
pass "$iterations times two applies at once: both exit 0, one change each, state right"

# Apply against restore: whichever runs last wins for both files together.
for ((i = 1; i <= iterations; i++)); do
    run_pair apply restore
    if [ "$RC_A" -ne 0 ] || [ "$RC_B" -ne 0 ]; then
        fail "iteration $i: apply and restore exited $RC_A and $RC_B: $ERR_AB"
    fi
    state=$(stat -c %a "$uid" "$gid" | tr '\n' ' ')$(caps_ns_of "$uid")/$(caps_ns_of "$gid")
    case $state in
    "755 755 cap_setuid=ep/cap_setgid=ep" | "4755 4755 /") ;;
    *) fail "iteration $i: apply and restore at once left a mix: $state" ;;
    esac
done
pass "$iterations times apply and restore at once: never a mix of the two"

# The lock itself: held by someone else, a run waits and changes nothing.
"$UFC_PROGRAM" -q restore --root "$root"
[ -f "$lock" ] || fail "no lock file at $lock"
exec 9<>"$lock"
flock -x 9
before=$(fingerprint "$uid" "$gid")
RUN_TIMEOUT=2
RC=0
timeout "$RUN_TIMEOUT" "$UFC_PROGRAM" apply --root "$root" 9<&- 2>"$WORK/.err" || RC=$?
[ "$RC" -eq 124 ] || fail "apply did not wait for the held lock (exit $RC): $(cat "$WORK/.err")"
[ "$(fingerprint "$uid" "$gid")" = "$before" ] ||
    fail "apply changed files without holding the lock"
flock -u 9
exec 9<&-
run_prog apply --root "$root"
expect_rc 0 "apply once the lock is free"
expect_state "$uid" 755 cap_setuid=ep "apply once the lock is free"
pass "a held lock makes apply wait without changing anything"
