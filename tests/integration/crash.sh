#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The process killed (SIGKILL) at each fault point of apply and restore: afterwards every
# file still has a working privilege mechanism (setuid root, or the wanted capability owned
# by this namespace's root), and the next normal run converges to the wanted state.
# The fault points exist only in a build configured with -DUFC_TEST_HOOKS=ON; CMake tells
# this test which build it has through UFC_TEST_HOOKS.
source "$(dirname "$0")/lib.sh"
[ "${UFC_TEST_HOOKS:-0}" = 1 ] ||
    skip "the program was built without -DUFC_TEST_HOOKS=ON, so it has no fault points"
make_workdir

root=$WORK/root
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap

# The points each goal passes through on its first file, from Debian's default for apply and
# from the applied state for restore. A point not on the way must not stop the run.
declare -A reached=(
    [apply:after-set-caps]=1 [apply:after-set-mode]=1 [apply:after-remove-caps]=0
    [apply:before-final-check]=1
    [restore:after-set-caps]=0 [restore:after-set-mode]=1 [restore:after-remove-caps]=1
    [restore:before-final-check]=1
)

for goal in apply restore; do
    for point in after-set-caps after-set-mode after-remove-caps before-final-check; do
        what="$goal killed at $point"
        rm -rf "$root"
        debian_root "$root"
        if [ "$goal" = restore ]; then
            "$UFC_PROGRAM" -q apply --root "$root" || fail "$what: the preparing apply failed"
        fi

        # The shell reports a killed child on its own stderr; that noise is expected here.
        UFC_FAULT=$point run_prog "$goal" --root "$root" 2>/dev/null
        if [ "${reached[$goal:$point]}" = 1 ]; then
            # 137 = 128 + SIGKILL: the hook fired, so the state below is a real mid-way one.
            expect_rc 137 "$what"
        else
            expect_rc 0 "$what (point not on the way)"
        fi
        for file_cap in "$uid:cap_setuid=ep" "$gid:cap_setgid=ep"; do
            file=${file_cap%%:*}
            has_working_mechanism "$file" "${file_cap#*:}" ||
                fail "$what: $file has no working mechanism: $(stat -c %a "$file")" \
                    "caps=$(caps_ns_of "$file")"
        done

        # Right after the capability is written (apply) or the setuid bit is back (restore),
        # the file carries both: the order that keeps one mechanism at every instant.
        case $goal:$point in
        apply:after-set-caps | restore:after-set-mode)
            expect_state "$uid" 4755 cap_setuid=ep "$what"
            ;;
        esac

        run_prog "$goal" --root "$root"
        expect_rc 0 "$what, then a normal $goal"
        if [ "$goal" = apply ]; then
            expect_state "$uid" 755 cap_setuid=ep "$what, then a normal apply"
            expect_state "$gid" 755 cap_setgid=ep "$what, then a normal apply"
        else
            expect_state "$uid" 4755 "" "$what, then a normal restore"
            expect_state "$gid" 4755 "" "$what, then a normal restore"
        fi
        pass "$what: still working, the next $goal converges"
    done
done
