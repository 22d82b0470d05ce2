#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dpkg triggers file the build generates lists exactly the paths the built program
# watches, each as an interest-noawait line (plain `interest` would leave uidmap waiting in
# triggers-awaited state). Both come from triggers/watched; this catches a broken generator.
# Needs no root: it only reads.
source "$(dirname "$0")/../lib/common.sh"

: "${UFC_TRIGGERS_FILE:?UFC_TRIGGERS_FILE must name the generated dpkg triggers file}"
[ -f "$UFC_TRIGGERS_FILE" ] || fail "$UFC_TRIGGERS_FILE was not generated"

watched=$("$UFC_PROGRAM" watched | awk '{ print $2 }')
[ -n "$watched" ] || fail "uidmap-filecaps watched printed no path"

# Every line that is not a comment or blank must be an interest-noawait on an absolute path.
directives=$(grep -vE '^[[:space:]]*(#|$)' "$UFC_TRIGGERS_FILE")
bad=$(grep -vE '^interest-noawait /[^[:space:]]+$' <<<"$directives" || true)
[ -z "$bad" ] || fail "unexpected lines in $UFC_TRIGGERS_FILE:
$bad"

from_file=$(awk '{ print $2 }' <<<"$directives" | sort)
from_program=$(sort <<<"$watched")
[ "$from_file" = "$from_program" ] || fail "triggers file and program disagree:
$(diff <(echo "$from_file") <(echo "$from_program"))"
[ -z "$(uniq -d <<<"$from_file")" ] || fail "a path is listed twice in $UFC_TRIGGERS_FILE"
pass "$(wc -l <<<"$from_file") interest-noawait lines, the same paths as uidmap-filecaps watched"
