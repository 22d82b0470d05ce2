#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the program and the unit tests with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer in build-asan, with the test fault points, and runs every
# unit, integration and hostile-condition test (`ctest -L 'unit|integration'`) against
# that build. Prints ctest's summary; exits non-zero when a test failed or any sanitizer
# reported anything.
#
# A sanitized process stops at its first report. That alone is not enough: a test that
# expects the program to fail (a refusal, a usage error) would count a sanitizer abort as
# the failure it wanted. So every report is also written to a file, and any file there
# after the run fails it, whatever the tests said.
#
# clang, not gcc: with both sanitizers linked, gcc 12's runtime ignores log_path for
# undefined-behaviour reports and prints them on stderr only, where a test that keeps
# the program's stderr to itself would hide them. clang's runtime writes both to files.
#
# Environment: UFC_ASAN_BUILD (build folder, default build-asan beside the sources),
# UFC_ASAN_JOBS (tests at once, default 2), CI (true: LeakSanitizer not working fails).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${UFC_ASAN_BUILD:-$src/build-asan}
jobs=${UFC_ASAN_JOBS:-2}
sanitize=("-fsanitize=address,undefined" -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
start=$(date +%s)

scratch=$(mktemp -d /tmp/ufc-sanitizers.XXXXXX)
reports=$(mktemp -d /tmp/ufc-sanitizer-reports.XXXXXX)
trap 'rm -rf "$scratch" "$reports"' EXIT

# A program that leaks: it tells whether the sanitizer runtime links (clang only recommends
# libclang-rt-14-dev) and whether LeakSanitizer can work here.
cat >"$scratch/leak.cpp" <<'EOF'
#include <cstdlib>
int main() {
    void* p = std::malloc(42);
    p = nullptr;
    return p != nullptr;
}
EOF
probe_links() {
    command -v clang++ >/dev/null &&
        clang++ "${sanitize[@]}" "$scratch/leak.cpp" -o "$scratch/leak" >/dev/null 2>&1
}
source "$src/tests/lib/clang.sh"
need_clang_runtime sanitizers.sh probe_links || exit 2

# LeakSanitizer stops the process's threads with ptrace to scan their stacks; where ptrace
# is not allowed (a container without CAP_SYS_PTRACE, Yama set to 3) it dies with "fatal
# error" instead of checking. Find that out once, here, instead of in every test.
if ASAN_OPTIONS=detect_leaks=1 "$scratch/leak" 2>"$scratch/leak.out"; then
    leaks=off
elif grep -q 'detected memory leaks' "$scratch/leak.out"; then
    leaks=on
else
    leaks=off
fi
if [ "$leaks" = off ]; then
    echo "sanitizers.sh: LeakSanitizer does not work here (it needs ptrace):" >&2
    sed 's/^/    /' "$scratch/leak.out" >&2
    if [ "${CI:-}" = true ]; then
        exit 1
    fi
    echo "sanitizers.sh: running without leak detection" >&2
fi

# -O0 and line tables only: the build is most of this script's time, and the fmt-heavy
# files took about twice as long at -O1 with the sanitizers; a report needs file and line,
# not variables, and the tests spend their time in processes and files, not in our code.
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O0 -gline-tables-only ${sanitize[*]}" -DUFC_TEST_HOOKS=ON >/dev/null
cmake --build "$build" -j2
built=$(date +%s)
echo "sanitizers.sh: built in $((built - start)) s"

# The tests run the program as other users and inside user namespaces too: any of them
# must be able to write its report here.
chmod 1777 "$reports"
leak_check=$([ "$leaks" = on ] && echo 1 || echo 0)
ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=$leak_check"
ASAN_OPTIONS+=":detect_stack_use_after_return=1:check_initialization_order=1"
export ASAN_OPTIONS+=":log_path=$reports/asan:log_exe_name=1"
UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export UBSAN_OPTIONS+=":log_path=$reports/ubsan:log_exe_name=1"

status=0
ctest --test-dir "$build" -L 'unit|integration' -j"$jobs" --output-on-failure || status=$?

if [ -n "$(ls -A "$reports")" ]; then
    echo "sanitizers.sh: sanitizer reports (each fails the run):"
    for f in "$reports"/*; do
        echo "==== $(basename "$f")"
        cat "$f"
    done
    status=1
fi
echo "sanitizers.sh: $(($(date +%s) - start)) s in all; leak detection $leaks"
exit $status
