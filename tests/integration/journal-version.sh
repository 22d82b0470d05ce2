#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inside a running dpkg the status file is out of date: an upgrade of uidmap caught between
# unpack and the trigger lives in dpkg's journal (updates/NNNN). The version logged must be
# the journal's, never the status file's; dpkg's unfinished write (updates/tmp.i) is not read.
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip_or_fail "jq is not installed"
make_workdir

root=$WORK/root
old=1:4.13+dfsg1-1+deb12u1
new=1:4.13+dfsg1-1+deb12u2
debian_root "$root" "$old"
cat >"$root/var/lib/dpkg/updates/0001" <<EOF
Package: uidmap
Status: install ok unpacked
Priority: optional
Architecture: amd64
Version: $new
Description: programs to help use subuids

EOF
cat >"$root/var/lib/dpkg/updates/tmp.i" <<'EOF'
Package: uidmap
Status: install ok installed
Architecture: amd64
Version: 9:9.9-unfinished

EOF

run_prog apply --root "$root"
expect_rc 0 "apply during an upgrade"
expect_err "/usr/bin/newuidmap: changed:" "apply during an upgrade"
expect_err "uidmap $new (iU, install ok unpacked)" "apply during an upgrade"
expect_no_err "$old" "apply during an upgrade"
expect_no_err "9.9-unfinished" "apply during an upgrade"
[ "$(grep -c "uidmap $new" <<<"$ERR")" -eq 2 ] || fail "both change lines must name $new: $ERR"
pass "the change lines name the journal's version and state"

run_prog status --json --root "$root"
jq -e --arg v "$new" '[.files[] | .version == $v and .state == "iU"] | all' <<<"$OUT" \
    >/dev/null || fail "status --json does not show the journal's version: $OUT"
pass "status shows the journal's version"

# Once dpkg folds the journal into the status file, that is what is logged.
rm "$root/var/lib/dpkg/updates/0001" "$root/var/lib/dpkg/updates/tmp.i"
make_root "$root" "$new"
run_prog restore --root "$root"
expect_rc 0 "restore after the upgrade"
expect_err "uidmap $new (ii, install ok installed)" "restore after the upgrade"
pass "the status file's version once the journal is empty"
