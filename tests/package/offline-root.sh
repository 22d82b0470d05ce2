#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 4, --root: the program built on this machine (UFC_PROGRAM) works on a Debian root
# from outside it, as from an image build hook: status, apply and restore under the root;
# the package version and state from the root's dpkg database, including a journal entry
# (var/lib/dpkg/updates/0001) of an upgrade dpkg has not finished; statoverride group names
# from the root's own /etc/group.
source "$(dirname "$0")/lib.sh"
pkg_prepare
[ -x "$UFC_PROGRAM" ] || fail "UFC_PROGRAM=$UFC_PROGRAM is not an executable"

# run_prog ARGS...: the host program; RC, and its stdout and stderr together in OUT.
run_prog() {
    LOG_SEQ=$((LOG_SEQ + 1))
    OUT=$WORK/prog-$LOG_SEQ.log
    echo "# on this machine: uidmap-filecaps $*" >"$OUT"
    RC=0
    timeout 60 "$UFC_PROGRAM" "$@" >>"$OUT" 2>&1 </dev/null || RC=$?
}
expect_rc() { # WANTED WHAT
    [ "$RC" -eq "$1" ] || fail_with_log "$2: exit status $RC, expected $1"
}

new_root
install_uidmap dpkg
[ "$(pkg_state uidmap-filecaps)" = un ] || fail "the helper is installed in the root"

step "status --root, apply --root, restore --root"
run_prog status --root "$ROOT"
expect_rc 1 "status --root on Debian's default"
log_has "setuid" "status --root on Debian's default"
log_has "$UIDMAP_VERSION" "status --root on Debian's default"
run_prog apply --root "$ROOT"
expect_rc 0 "apply --root"
expect_applied "apply --root"
log_has "/usr/bin/newuidmap: changed: mode 4755 -> 0755" "apply --root"
log_has "$(uidmap_at "$UIDMAP_VERSION")" "apply --root"
run_prog status --root "$ROOT"
expect_rc 0 "status --root after apply"
run_prog restore --root "$ROOT"
expect_rc 0 "restore --root"
expect_debian_default "restore --root"
pass "status/apply/restore --root from outside the root: exit codes, files, uidmap version"

step "--root on a root whose dpkg journal holds an unfinished upgrade of uidmap"
# What dpkg's journal holds after it unpacked the new uidmap and was stopped before
# configuring it: the whole stanza, new Version, Status unpacked, the old Config-Version.
journal=$ROOT/var/lib/dpkg/updates/0001
awk -v RS= -v ORS='\n\n' '/^Package: uidmap\n/' "$ROOT/var/lib/dpkg/status" |
    sed -e "s/^Status: .*/Status: install ok unpacked/" \
        -e "s/^Version: .*/Version: $UIDMAP_BUMPED_VERSION/" \
        -e "/^Status: /a Config-Version: $UIDMAP_VERSION" >"$journal"
grep -q "^Version: $UIDMAP_BUMPED_VERSION$" "$journal" || fail "no uidmap stanza for the journal"
# dpkg itself must read the journal so, or the fixture proves nothing.
[ "$(pkg_state uidmap)" = "iU $UIDMAP_BUMPED_VERSION" ] ||
    fail "dpkg-query does not read the hand-made journal as intended: $(pkg_state uidmap)"
grep -q "^Version: $UIDMAP_VERSION$" "$ROOT/var/lib/dpkg/status" ||
    fail "the status file no longer names $UIDMAP_VERSION: the check below would prove nothing"
run_prog apply --root "$ROOT"
expect_rc 0 "apply --root with a journal"
expect_applied "apply --root with a journal"
log_has "cap_setuid=ep; $(uidmap_at "$UIDMAP_BUMPED_VERSION")iU" "apply --root with a journal"
log_lacks "$(uidmap_at "$UIDMAP_VERSION")" "apply --root with a journal"
run_prog status --root "$ROOT"
expect_rc 0 "status --root with a journal"
log_has "$UIDMAP_BUMPED_VERSION" "status --root with a journal"
run_prog restore --root "$ROOT"
expect_rc 0 "restore --root with a journal"
expect_debian_default "restore --root with a journal"
log_has "$(uidmap_at "$UIDMAP_BUMPED_VERSION")" "restore --root with a journal"
rm "$journal"
pass "--root with dpkg's journal: the log names the journal's $UIDMAP_BUMPED_VERSION (iU)," \
    "not the status file's"

step "--root with a statoverride naming a group only the root has"
gid=2917
getent group "$gid" >/dev/null && fail "gid $gid exists on this machine; pick another for the test"
must_succeed "groupadd" groupadd --gid "$gid" ufc-podman
getent group ufc-podman >/dev/null && fail "this machine has a group ufc-podman; the check" \
    "below could not tell the root's group file from this machine's"
must_succeed "adding the override" dpkg-statoverride --update --add root ufc-podman 4750 \
    /usr/bin/newuidmap
run_prog apply --root "$ROOT"
expect_rc 0 "apply --root with an override"
expect_file /usr/bin/newuidmap "750 root:ufc-podman cap_setuid=ep" "apply --root with an override"
[ "$(stat -c %g "$ROOT/usr/bin/newuidmap")" = "$gid" ] || fail "newuidmap's gid is not $gid"
log_has "statoverride 4750 honoured" "apply --root with an override"
run_prog restore --root "$ROOT"
expect_rc 0 "restore --root with an override"
expect_file /usr/bin/newuidmap "4750 root:ufc-podman" "restore --root with an override"
pass "--root resolves statoverride names in the root's /etc/group: 750 root:ufc-podman +" \
    "cap_setuid=ep, restore 4750"
