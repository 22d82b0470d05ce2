#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test on a fresh Debian 12 machine, as root: installs what the tests need,
# builds the .deb, then one CTest run over every label (unit, integration, package, e2e,
# and the sanitizer and fuzz runs), whose summary is the last thing printed.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$src"
if [ "$(id -u)" -ne 0 ]; then
    echo "run-all.sh: run it as root: it installs packages and builds throwaway roots" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive

# Build dependencies come with the package build; these are what the tests add. Each
# suite lists its own in a packages.txt beside it.
mapfile -t test_packages < <(cat tests/packages.txt tests/*/packages.txt 2>/dev/null |
    sed 's/#.*//' | awk 'NF' | sort -u)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${test_packages[@]}" >/dev/null

./tools/build-deb "$src/build-deb"

# The test build carries the fault points the crash tests need; the .deb never does.
cmake -S "$src" -B "$src/build-tests" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DUFC_TEST_HOOKS=ON -DUFC_SUITE_TESTS=ON -DUFC_DEB_DIR="$src/build-deb" >/dev/null
cmake --build "$src/build-tests" -j"$(nproc)"

ctest --test-dir "$src/build-tests" --output-on-failure --timeout 1800 "$@"
