#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dpkg triggers file inside the built .deb must declare, as interest-noawait, exactly the
# paths the program inside that same .deb watches (uidmap-filecaps watched). Both come from
# triggers/watched at build time; a broken generation step shows here as a difference. Plain
# "interest" would leave uidmap in triggers-awaited state (FIELD-NOTES).
source "$(dirname "$0")/lib.sh"
pkg_require_packages dpkg
pkg_find_helper_deb
pkg_workdir /tmp

dpkg-deb -e "$HELPER_DEB" "$WORK/control"
dpkg-deb -x "$HELPER_DEB" "$WORK/data"
[ -f "$WORK/control/triggers" ] || fail "$(basename "$HELPER_DEB") has no triggers file"

# Directives as dpkg reads them: comments and blank lines dropped, blanks squeezed.
declared=$(sed 's/#.*//; s/[[:space:]]\+/ /g; s/^ //; s/ $//' "$WORK/control/triggers" |
    grep -v '^$' | sort)
# The program from the .deb itself, not the one in the build folder.
watched=$("$WORK/data/usr/bin/uidmap-filecaps" watched) ||
    fail "uidmap-filecaps watched (from the .deb) failed"
wanted=$(awk 'NF { print "interest-noawait " $2 }' <<<"$watched" | sort)

echo "triggers file in the .deb:"
sed 's/^/  /' <<<"$declared"
echo "uidmap-filecaps watched (from the .deb):"
sed 's/^/  /' <<<"$watched"

# An empty list on both sides would compare equal and prove nothing.
grep -qx 'interest-noawait /usr/bin/newuidmap' <<<"$wanted" ||
    fail "the program does not watch /usr/bin/newuidmap"
grep -qx 'interest-noawait /usr/bin/newgidmap' <<<"$wanted" ||
    fail "the program does not watch /usr/bin/newgidmap"
[ "$declared" = "$wanted" ] || fail "the triggers file and the program disagree:
$(diff <(echo "$declared") <(echo "$wanted"))"
[ -z "$(sort <<<"$declared" | uniq -d)" ] || fail "the triggers file repeats a directive"
pass "triggers file lists exactly the $(wc -l <<<"$wanted") watched paths, as interest-noawait"
