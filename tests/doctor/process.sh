#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The calling process's own state, each failing check provoked for real: no_new_privs
# (setpriv --no-new-privs), a bounding set without CAP_SETUID/CAP_SETGID (setpriv
# --bounding-set), and user.max_user_namespaces = 0, set inside a user namespace of our own
# (its root may lower its own limit; the host's value is never touched). Also the exit
# statuses, --json, which user is checked, and a run by an unprivileged user.
# shellcheck source=tests/doctor/lib.sh
source "$(dirname "$0")/lib.sh"
need_real_root
make_work
root=$WORK/root
good_root "$root"
# Our own environment may carry a SUDO_USER; each case below says who it wants.
unset SUDO_USER

# --- Baseline: nothing blocks; every later case changes one thing and fails on it alone ----
run_doctor -- --root "$root" --user alice
expect_rc 0 "working setup"
expect_line '^ok   no-new-privs: not set' "working setup"
expect_line '^ok   bounding-set: CAP_SETUID and CAP_SETGID present$' "working setup"
expect_line '^ok   newuidmap: .*file capability cap_setuid=ep, no setuid bit' "working setup"
expect_line '^ok   newgidmap: .*file capability cap_setgid=ep, no setuid bit' "working setup"
expect_line '^ok   subuid: alice: 100000-165535 \(65536 ids\)$' "working setup"
expect_line '^nothing blocks newuidmap and newgidmap for alice$' "working setup"
expect_no_line '^(FAIL|WARN) ' "working setup"
pass "working setup: exit 0, no FAIL or WARN line"

# --- no_new_privs ----------------------------------------------------------------------------
run_doctor setpriv --no-new-privs -- --root "$root" --user alice
expect_only_fail no-new-privs "setpriv --no-new-privs"
expect_line 'Fix: remove --security-opt=no-new-privileges from the outer podman run' \
    "setpriv --no-new-privs"
expect_line '^1 check blocks newuidmap and newgidmap for alice$' "setpriv --no-new-privs"
pass "no_new_privs set: FAIL no-new-privs, exit 1"

# --- the bounding set -----------------------------------------------------------------------
run_doctor setpriv --bounding-set=-setuid,-setgid -- --root "$root" --user alice
expect_only_fail bounding-set "bounding set without setuid,setgid"
expect_line '^FAIL bounding-set: CAP_SETUID and CAP_SETGID are missing .*Fix: remove --cap-drop '\
'setuid,setgid' \
    "bounding set without setuid,setgid"
run_doctor setpriv --bounding-set=-setgid -- --root "$root" --user alice
expect_only_fail bounding-set "bounding set without setgid"
expect_line '^FAIL bounding-set: CAP_SETGID is missing' "bounding set without setgid"
pass "bounding set without CAP_SETUID/CAP_SETGID: FAIL bounding-set, exit 1"

# --- user.max_user_namespaces = 0, in a namespace of our own ---------------------------------
# The shell first proves the limit is in force: creating a user namespace must fail.
# shellcheck disable=SC2016 # expanded by the inner shell
lower='echo 0 >/proc/sys/user/max_user_namespaces || exit 98
if unshare --user true 2>/dev/null; then echo "limit not in force"; exit 99; fi
exec "$@"'
run_doctor unshare --user --map-root-user sh -c "$lower" sh -- --root "$root" --user root
expect_rc 1 "max_user_namespaces 0"
expect_line '^FAIL max-user-namespaces: user.max_user_namespaces is 0: ' "max_user_namespaces 0"
expect_only_fail max-user-namespaces "max_user_namespaces 0"
pass "user.max_user_namespaces = 0 in our own namespace: FAIL max-user-namespaces"

# --- exit statuses and --json ----------------------------------------------------------------
run_doctor -- --root "$root" --user nosuchuser
expect_rc 2 "unknown --user"
expect_line "error: no user \"nosuchuser\" in $root/etc/passwd" "unknown --user"
run_doctor -- --root "$root" --no-such-option
expect_rc 2 "unknown option"
pass "usage errors: exit 2"

command -v jq >/dev/null || skip_or_fail "jq is not installed"
run_doctor -- --root "$root" --user alice --json
expect_rc 0 "--json, working setup"
printf '%s\n' "$OUT" | jq -e '
    .user == "alice" and .uid == 1000 and .gid == 1000 and .blocked == false
    and .in_user_namespace == false
    and ([.checks[] | select(
            (.id | type) == "string" and (.message | type) == "string"
            and (.fix | type) == "string"
            and (.verdict == "ok" or .verdict == "info" or .verdict == "warn"
                 or .verdict == "fail"))] | length) == (.checks | length)
    and ([.checks[].id] | index("no-new-privs") != null and index("bounding-set") != null
         and index("max-user-namespaces") != null and index("newuidmap") != null
         and index("filesystem") != null and index("subgid-map") != null)' >/dev/null || {
    show
    fail "--json: not the documented shape"
}
run_doctor setpriv --no-new-privs -- --root "$root" --user alice --json
expect_rc 1 "--json, no_new_privs"
printf '%s\n' "$OUT" | jq -e '.blocked == true and
    ([.checks[] | select(.verdict == "fail") | .id] == ["no-new-privs"]) and
    (.checks[] | select(.id == "no-new-privs") | .fix | test("no-new-privileges"))' \
    >/dev/null || {
    show
    fail "--json with no_new_privs: no failing no-new-privs check with its fix"
}
pass "--json: id, verdict, message and fix for each check; blocked follows the FAIL verdicts"

# --- whose ids: --user, else SUDO_USER, else the caller ---------------------------------------
run_doctor env SUDO_USER=bob -- --root "$root"
expect_line '^info user: checking for bob \(uid 1001, gid 1001; SUDO_USER\)$' "SUDO_USER"
run_doctor env SUDO_USER=bob -- --root "$root" --user alice
expect_line '^info user: checking for alice \(uid 1000, gid 1000; --user\)$' "--user over SUDO_USER"
run_doctor -- --root "$root"
expect_line '^info user: checking for root \(uid 0, gid 0; the caller\)$' "caller"
pass "the user checked: --user, else SUDO_USER, else the caller"

# An unprivileged caller whose uid is in no passwd file: it is checked by number, and a
# subuid entry written as a uid is found.
printf '4242:300000:65536\n' >>"$root/etc/subuid"
run_doctor setpriv --reuid=4242 --regid=4242 --clear-groups -- --root "$root"
expect_line "^info user: checking for 4242 \(uid 4242, gid 4242; the caller, not in\
 $root/etc/passwd\)$" \
    "caller without a passwd entry"
expect_line '^ok   subuid: 4242: 300000-365535 \(65536 ids\)$' "caller without a passwd entry"
expect_line '^FAIL subgid: 4242 has no subordinate gids' "caller without a passwd entry"
expect_rc 1 "caller without a passwd entry"

# Non-root: everything is still read and judged, and nothing blocks alice.
run_doctor setpriv --reuid=1000 --regid=1000 --clear-groups -- --root "$root"
expect_rc 0 "run by alice herself"
expect_line '^info user: checking for alice \(uid 1000, gid 1000; the caller\)$' "run by alice"
expect_line '^ok   newuidmap: .*cap_setuid=ep' "run by alice"
pass "an unprivileged user can run it; a caller missing from passwd is checked by uid"
