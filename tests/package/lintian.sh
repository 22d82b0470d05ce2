#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lintian on the built .deb: no error and no warning. Overrides live in debian/ with a
# comment saying why; informational tags are allowed.
source "$(dirname "$0")/lib.sh"
pkg_require_packages lintian
pkg_find_helper_deb

status=0
# lintian warns on stderr that it runs as root; only its tags on stdout count.
report=$(lintian --no-tag-display-limit "$HELPER_DEB" 2>/dev/null) || status=$?
echo "lintian $(lintian --version | awk '{ print $2 }') on $(basename "$HELPER_DEB"):"
echo "${report:-  (no tags)}"
if grep -E '^[EW]: ' <<<"$report"; then
    fail "lintian prints errors or warnings (above)"
fi
# A lintian that could not run at all would print no tags either.
[ "$status" -eq 0 ] || fail "lintian exited $status"
pass "lintian: no E: or W: line"
