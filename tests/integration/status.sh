#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# status on real files in each state it names: the verdict (table and JSON) and the exit
# status (0 when every file is as wanted or uidmap is not installed, 1 otherwise).
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_or_fail "jq is not installed"
make_workdir

root=$WORK/root
debian_root "$root"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap

# check_status WHAT WANTED_RC UID_VERDICT GID_VERDICT: runs status as text and as JSON.
check_status() {
    local what=$1 rc=$2 vu=$3 vg=$4 got
    run_prog status --root "$root"
    expect_rc "$rc" "status ($what)"
    for pair in "/usr/bin/newuidmap:$vu" "/usr/bin/newgidmap:$vg"; do
        # The verdict is the last column, possibly followed by ": reason".
        got=$(awk -v p="${pair%%:*}" '$1 == p { print }' <<<"$OUT")
        grep -qE -- " ${pair#*:}(: .*)?\$" <<<"$got" ||
            fail "status ($what): row for ${pair%%:*} is \"$got\", verdict ${pair#*:} expected"
    done

    run_prog status --json --root "$root"
    expect_rc "$rc" "status --json ($what)"
    got=$(jq -r '.files[] | "\(.path)=\(.verdict)"' <<<"$OUT" | sort | tr '\n' ' ') ||
        fail "status --json ($what): not JSON: $OUT"
    [ "$got" = "/usr/bin/newgidmap=$vg /usr/bin/newuidmap=$vu " ] ||
        fail "status --json ($what): verdicts $got, expected newuidmap=$vu newgidmap=$vg"
}

check_status "Debian's default" 1 setuid setuid
jq -e '.enabled == true and (.files | length) == 2 and
       (.files[] | select(.path == "/usr/bin/newuidmap") |
        .mode == "4755" and .owner == "root" and .group == "root" and
        .capabilities == "none" and .package == "uidmap" and
        .version == "1:4.13+dfsg1-1+deb12u1" and .state == "ii")' <<<"$OUT" >/dev/null ||
    fail "status --json: fields of a Debian default file are wrong: $OUT"
pass "setuid: exit 1, JSON fields as on disk"

"$UFC_PROGRAM" -q apply --root "$root"
check_status "after apply" 0 ok ok
jq -e '.files[] | select(.path == "/usr/bin/newgidmap") |
       .mode == "0755" and .capabilities == "cap_setgid=ep" and .capabilities_rootid == 0' \
    <<<"$OUT" >/dev/null || fail "status --json after apply: $OUT"
pass "ok: exit 0"

# Both mechanisms at once: the kernel warns about it, and newuidmap keeps euid 0.
chmod 4755 "$uid"
check_status "setuid and capability" 1 mixed ok
pass "mixed: exit 1"

# Neither mechanism: broken.
chmod 0755 "$uid"
setcap -r "$uid"
check_status "no mechanism" 1 none ok
pass "none: exit 1"

# A capability namespaced to another root id does nothing here; it must not count.
setcap -n 1000 cap_setuid=ep "$uid"
[ "$(caps_ns_of "$uid")" = "cap_setuid=ep [rootid=1000]" ] || fail "could not set a v3 capability"
check_status "namespaced capability only" 1 none ok
jq -e '.files[] | select(.path == "/usr/bin/newuidmap") | .capabilities_rootid == 1000' \
    <<<"$OUT" >/dev/null || fail "status --json: the root id 1000 is not reported: $OUT"
pass "a capability with rootid 1000 counts as none"

# A missing file is what uidmap on its way out looks like: not an error.
rm "$uid"
check_status "one file missing" 0 missing ok
pass "missing: exit 0"

# An unsafe file is refused, with the reason.
install_setuid "$root" newuidmap
ln "$uid" "$root/var/second-name"
check_status "hard link" 1 refused ok
jq -e '.files[] | select(.path == "/usr/bin/newuidmap") | .reason | test("2 hard links")' \
    <<<"$OUT" >/dev/null || fail "status --json: the refusal reason is missing: $OUT"
rm "$root/var/second-name"
pass "refused: exit 1, reason given"

# uidmap not installed: nothing to keep right, so a setuid file is no failure.
cat >"$root/var/lib/dpkg/status" <<'EOF'
Package: base-files
Status: install ok installed
Version: 12.4

EOF
check_status "uidmap not installed" 0 setuid ok
jq -e '.files[0].version == "-"' <<<"$OUT" >/dev/null ||
    fail "status --json: version of an absent package: $OUT"
pass "uidmap not installed: exit 0"

# With the administrator's "no", Debian's default is what is wanted.
install -d "$root/var/lib/uidmap-filecaps"
echo "enable=false" >"$root/var/lib/uidmap-filecaps/settings"
debian_root "$root"
check_status "disabled, setuid files" 0 setuid setuid
"$UFC_PROGRAM" -q restore --root "$root"
setcap cap_setgid=ep "$gid"
chmod 0755 "$gid"
check_status "disabled, one file applied" 1 setuid ok
pass "disabled by the administrator: setuid is wanted"

run_prog status --bogus --root "$root"
expect_rc 2 "status with an unknown option"
pass "usage error: exit 2"

# A file behind an unsafe directory was never looked at: its row shows no made-up mode,
# owner or capabilities. And a package database that cannot be read is said once, not
# once per watched file (the query is made once).
odd=$WORK/odd
install -d -m 0755 "$odd" "$odd/real" "$odd/real/bin"
ln -s real "$odd/usr"
run_prog status --root "$odd" --json
expect_rc 1 "status behind a symlinked /usr"
jq -e '[.files[] | .verdict == "refused" and .mode == "-" and .owner == "-"
        and .capabilities == "-"] | all' <<<"$OUT" >/dev/null ||
    fail "refused rows behind a symlinked /usr show values: $OUT"
errors=$(grep -c 'var/lib/dpkg/status' <<<"$ERR" || true)
[ "$errors" -eq 1 ] || fail "the database error was logged $errors times: $ERR"
pass "refused behind an unsafe directory: no values shown; database error said once"
