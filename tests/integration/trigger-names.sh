#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Trigger names and other arguments: the names dpkg passes for our interests are accepted;
# anything else is a usage error (exit 2) that changes nothing, and from a maintainer script
# it is logged without failing the dpkg run unless strict mode is on.
source "$(dirname "$0")/lib.sh"
make_workdir

root=$WORK/root
debian_root "$root"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap

untouched() {
    fingerprint "$uid" "$gid"
}

# expect_usage_error WHAT ARGS...: exit 2 and no file changed.
expect_usage_error() {
    local what=$1 before
    shift
    before=$(untouched)
    run_prog "$@"
    expect_rc 2 "$what"
    [ "$(untouched)" = "$before" ] || fail "$what: a file was changed"
}

for goal in apply restore; do
    expect_usage_error "$goal, unknown trigger name" "$goal" --root "$root" \
        --trigger /usr/bin/newuidmap --trigger /usr/bin/passwd
    expect_err 'error: unknown trigger name "/usr/bin/passwd"; nothing done' \
        "$goal, unknown trigger name"
    expect_usage_error "$goal, both names in one argument" "$goal" --root "$root" \
        --trigger "/usr/bin/newuidmap /usr/bin/newgidmap"
    expect_usage_error "$goal, relative name" "$goal" --root "$root" --trigger usr/bin/newuidmap
    expect_usage_error "$goal, trailing slash" "$goal" --root "$root" --trigger /usr/bin/newuidmap/
    expect_usage_error "$goal, empty name" "$goal" --root "$root" --trigger ""
    expect_usage_error "$goal, --trigger without a value" "$goal" --root "$root" --trigger
    expect_usage_error "$goal, unknown option" "$goal" --root "$root" --triggers /usr/bin/newuidmap
    expect_usage_error "$goal, stray argument" "$goal" --root "$root" /usr/bin/newuidmap
    expect_usage_error "$goal, missing --root folder" "$goal" --root "$WORK/absent"
done
expect_usage_error "no subcommand" --root "$root"
expect_usage_error "two subcommands" apply restore --root "$root"
expect_usage_error "-v with -q" -v -q apply --root "$root"
pass "unknown or malformed trigger names and arguments: exit 2, nothing changed"

# From a maintainer script an unknown name is logged, nothing is done, and dpkg carries on.
before=$(untouched)
what="apply --maintscript with an unknown trigger name"
run_prog apply --maintscript --root "$root" --trigger /usr/bin/passwd
expect_rc 0 "$what"
expect_err 'unknown trigger name "/usr/bin/passwd"' "$what"
[ "$(untouched)" = "$before" ] || fail "$what: a file was changed"
what="apply --maintscript --strict with an unknown trigger name"
run_prog apply --maintscript --strict --root "$root" --trigger /usr/bin/passwd
expect_rc 2 "$what"
[ "$(untouched)" = "$before" ] || fail "$what: a file was changed"
pass "unknown trigger name from a maintainer script: logged, nothing done, exit 0 (2 when strict)"

run_prog apply --root "$root" --trigger /usr/bin/newuidmap --trigger /usr/bin/newgidmap
expect_rc 0 "apply with both trigger names"
expect_state "$uid" 755 cap_setuid=ep "apply with both trigger names"
expect_state "$gid" 755 cap_setgid=ep "apply with both trigger names"
run_prog restore --root "$root" --trigger /usr/bin/newgidmap
expect_rc 0 "restore with one trigger name"
expect_state "$uid" 4755 "" "restore with one trigger name"
expect_state "$gid" 4755 "" "restore with one trigger name"
run_prog apply --maintscript --root "$root" --trigger=/usr/bin/newgidmap
expect_rc 0 "apply --maintscript --trigger=NAME"
expect_state "$uid" 755 cap_setuid=ep "apply --maintscript --trigger=NAME"
pass "the watched names as triggers: accepted, and every watched file is handled"
