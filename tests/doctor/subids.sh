#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# alice's subordinate ids, prepared in a --root: missing, an unreadable file, too few,
# holding her own uid, overlapping bob's, malformed lines, an entry written as a uid; and,
# in real user namespaces, ranges the namespace does not map: `unshare --map-root-user`
# (one id), and a map shaped like a rootless container's (0 -> its user, 1-65536 -> its
# subordinate ids), where ranges written for the host fail and ranges inside it pass.
# shellcheck source=tests/doctor/lib.sh
source "$(dirname "$0")/lib.sh"
need_real_root
make_work
unset SUDO_USER

root=$WORK/root
good_root "$root"
subuid=$root/etc/subuid

# with_subuid TEXT: alice's and bob's uid ranges for the next run (subgid stays good).
with_subuid() {
    printf '%s' "$1" >"$subuid"
}

run_doctor -- --root "$root" --user alice
expect_rc 0 "good ranges"
expect_line '^ok   subuid: alice: 100000-165535 \(65536 ids\)$' "good ranges"
expect_line '^ok   subuid-overlap: no range holds uid 1000 or another user.s ids$' "good ranges"
expect_line '^ok   subuid-map: not inside a user namespace' "good ranges"
expect_line '^ok   subgid: alice: 100000-165535 \(65536 ids\)$' "good ranges"
pass "good ranges: ok"

with_subuid $'bob:165536:65536\n'
run_doctor -- --root "$root" --user alice
expect_only_fail subuid "no range for alice"
# The suggestion is the first free 65536 ids from 100000, as useradd would pick them.
expect_line "^FAIL subuid: alice has no subordinate uids in $subuid: .*Fix: usermod --root $root\
 --add-subuids 100000-165535 alice$" \
    "no range for alice"
with_subuid $'bob:100000:65536\n'
run_doctor -- --root "$root" --user alice
expect_line "Fix: usermod --root $root --add-subuids 165536-231071 alice$" "no range, bob first"
rm "$subuid"
run_doctor -- --root "$root" --user alice
expect_only_fail subuid "no subuid file"
expect_line "^FAIL subuid: cannot read $subuid: No such file or directory" "no subuid file"
pass "no range, or no file: FAIL subuid with a usermod fix"

with_subuid $'alice:100000:1000\n'
run_doctor -- --root "$root" --user alice
expect_rc 0 "1000 ids"
expect_line '^WARN subuid: alice has only 1000 subordinate uids \(100000-100999\)' "1000 ids"
pass "fewer than 65536 ids: WARN subuid"

with_subuid $'alice:1000:65536\n'
run_doctor -- --root "$root" --user alice
expect_only_fail subuid-overlap "range holding uid 1000"
expect_line "^FAIL subuid-overlap: 1000-66535 \(line 1\) holds alice's own uid 1000" \
    "range holding uid 1000"
pass "a range holding the user's own uid: FAIL subuid-overlap"

with_subuid $'bob:165536:65536\nalice:130000:65536\n'
run_doctor -- --root "$root" --user alice
expect_rc 0 "overlapping bob"
expect_line "^WARN subuid-overlap: 130000-195535 \(line 2\) overlaps bob's 165536-231071\
 \(line 1\)" \
    "overlapping bob"
pass "a range overlapping another user's: WARN subuid-overlap"

with_subuid $'alice:100000:65536\nalice 200000 65536\n# a comment\n1000:300000:10\n'
run_doctor -- --root "$root" --user alice
expect_line "^WARN subuid: alice: 100000-165535, 300000-300009 \(65546 ids\); $subuid line 2:\
 \"alice 200000 65536\": not owner:start:count" \
    "malformed line; an entry written as uid 1000"
pass "malformed lines: WARN subuid naming the line; a uid as owner counts for that user"

# --- inside user namespaces ------------------------------------------------------------------
with_subuid $'alice:100000:65536\nbob:165536:65536\n'
run_doctor unshare --user --map-root-user -- --root "$root" --user alice
expect_rc 1 "one-id namespace"
expect_line "^FAIL subuid-map: inside a user namespace whose uid_map holds only 0-0, alice's own\
 uid 1000, 100000-165535 \(line 1\) are not mapped" \
    "one-id namespace"
expect_line '^FAIL subgid-map: inside a user namespace whose gid_map holds only 0-0' \
    "one-id namespace"
pass "unshare --map-root-user: FAIL subuid-map and subgid-map"

# The shape of a rootless container: host root is its root, host 100000-165535 its 1-65536.
container_map=$'0 0 1\n1 100000 65536'
run_mapped "$container_map" -- --root "$root" --user alice
expect_rc 1 "container map, host ranges"
expect_line "^FAIL subuid-map: inside a user namespace whose uid_map holds only 0-65536,\
 100000-165535 \(line 1\) is not mapped: newuidmap cannot .*Fix: \`usermod --root $root\
 --del-subuids 100000-165535 --add-subuids 1001-65536 alice\` " \
    "container map, host ranges"
expect_line '^FAIL subgid-map: .* is not mapped: newgidmap cannot ' "container map, host ranges"

# The fix it suggests, made: every range mapped (64536 ids: a warning, not a failure).
with_subuid $'alice:1001:64536\n'
printf 'alice:1001:64536\n' >"$root/etc/subgid"
run_mapped "$container_map" -- --root "$root" --user alice
expect_rc 0 "container map, ranges inside it"
expect_line '^ok   subuid-map: inside a user namespace that maps 0-65536: every range is mapped$' \
    "container map, ranges inside it"
expect_line '^ok   subgid-map: inside a user namespace that maps 0-65536: every range is mapped$' \
    "container map, ranges inside it"
pass "a rootless-container map: host ranges FAIL subuid-map, the suggested ones pass"
