#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# apply on a root laid out as Debian ships uidmap, a second apply, then restore: the modes,
# owners and capabilities the issue asks for, and log lines that carry before, after and the
# uidmap version dpkg records.
source "$(dirname "$0")/lib.sh"
make_workdir

root=$WORK/root
version=1:4.13+dfsg1-1+deb12u1
debian_root "$root" "$version"
uid=$root/usr/bin/newuidmap
gid=$root/usr/bin/newgidmap

run_prog apply --root "$root"
expect_rc 0 "apply"
expect_state "$uid" 755 cap_setuid=ep "apply"
expect_state "$gid" 755 cap_setgid=ep "apply"
for f in newuidmap:cap_setuid=ep newgidmap:cap_setgid=ep; do
    name=${f%%:*} cap=${f#*:}
    line=$(grep -F "/usr/bin/$name: changed:" <<<"$ERR") || fail "apply: no change line for $name"
    for part in "info:" "mode 4755 -> 0755" "owner root:root" "capabilities none -> $cap" \
        "uidmap $version" "install ok installed"; do
        grep -qF -- "$part" <<<"$line" || fail "apply: change line for $name lacks \"$part\": $line"
    done
done
pass "apply: 0755 root:root with cap_setuid=ep / cap_setgid=ep, change lines with before/after"

# Nothing to do: no change line, nothing touched (the inode's ctime would move on fchmod
# or setxattr), and with -v a debug line per file.
before=$(stat -c '%Z.%z' "$uid" "$gid")
run_prog apply --root "$root"
expect_rc 0 "second apply"
expect_no_err "changed" "second apply"
[ -z "$ERR" ] || fail "second apply without -v printed: $ERR"
run_prog -v apply --root "$root"
expect_rc 0 "second apply -v"
expect_no_err "changed" "second apply -v"
expect_err "debug: /usr/bin/newuidmap: already as wanted: 0755 root:root cap_setuid=ep; \
uidmap $version" "second apply -v"
expect_err "debug: /usr/bin/newgidmap: already as wanted: 0755 root:root cap_setgid=ep" \
    "second apply -v"
[ "$(stat -c '%Z.%z' "$uid" "$gid")" = "$before" ] || fail "second apply touched the files"
expect_state "$uid" 755 cap_setuid=ep "second apply"
pass "second apply changes nothing; -v says already as wanted"

run_prog restore --root "$root"
expect_rc 0 "restore"
expect_state "$uid" 4755 "" "restore"
expect_state "$gid" 4755 "" "restore"
expect_err "info: /usr/bin/newuidmap: changed: mode 0755 -> 4755, owner root:root, \
capabilities cap_setuid=ep -> none; uidmap $version" "restore"
run_prog restore --root "$root"
expect_rc 0 "second restore"
expect_no_err "changed" "second restore"
pass "restore: 4755 root:root, no capabilities; a second restore changes nothing"

# The other permission bits are kept, and restore never touches owner or group: a file
# Debian-like but 4750 root:adm (an administrator's choice) comes back exactly so.
chgrp 4 "$uid"
chmod 4750 "$uid"
run_prog apply --root "$root"
expect_rc 0 "apply on 4750 root:4"
got=$(stat -c '%a %u:%g' "$uid")
[ "$got" = "750 0:4" ] || fail "apply on 4750 root:4 left $got"
run_prog restore --root "$root"
got=$(stat -c '%a %u:%g' "$uid")
[ "$got" = "4750 0:4" ] || fail "restore on 0750 root:4 left $got"
[ -z "$(caps_ns_of "$uid")" ] || fail "restore left capabilities on $uid"
pass "apply and restore keep the other permission bits and the group"

# The directories above the root are the administrator's business, not judged: a root
# inside a world-writable folder owned by nobody still works, and so does a symlinked root.
open=$WORK/open
install -d -m 0777 -o 65534 -g 65534 "$open"
debian_root "$open/root"
ln -s "$open/root" "$WORK/root-link"
run_prog apply --root "$WORK/root-link"
expect_rc 0 "apply under a world-writable parent, through a symlinked root"
expect_state "$open/root/usr/bin/newuidmap" 755 cap_setuid=ep "apply under a world-writable parent"
pass "directories above --root are not judged"
