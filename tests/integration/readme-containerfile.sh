#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's "Using it in a container image" recipe must be the file the nested Podman
# test builds, to the byte: a documented recipe nobody runs drifts.
set -euo pipefail
: "${UFC_SOURCE_DIR:?}"

readme="$UFC_SOURCE_DIR/README.md"
recipe="$UFC_SOURCE_DIR/tests/e2e/Containerfile"
shown=$(awk '/^<!-- containerfile:begin -->$/ {inside = 1; next}
             /^<!-- containerfile:end -->$/ {inside = 0}
             inside' "$readme" | sed '1d;$d')
[ -n "$shown" ] || { echo "FAIL: README has no containerfile block"; exit 1; }
if ! diff -u "$recipe" <(printf '%s\n' "$shown"); then
    echo "FAIL: README's Containerfile differs from tests/e2e/Containerfile"
    exit 1
fi
echo "ok - README shows tests/e2e/Containerfile verbatim"
