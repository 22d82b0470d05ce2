#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (tests/fuzz/) with clang in build-fuzz and runs `ctest -L
# fuzz`: each target replays its committed seeds, then fuzzes for UFC_FUZZ_SECONDS (15 by
# default). Prints ctest's summary and, per target, how many inputs ran and how many the
# corpus grew to. Exits non-zero when a target crashed, leaked, hit undefined behaviour or
# broke a parser's contract; the input that did it is left in build-fuzz/tests/fuzz/work/.
#
# Environment: UFC_FUZZ_SECONDS (per target), UFC_FUZZ_JOBS (targets at once, default 2),
# UFC_FUZZ_BUILD (build folder, default build-fuzz beside the sources).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${UFC_FUZZ_BUILD:-$src/build-fuzz}
seconds=${UFC_FUZZ_SECONDS:-15}
jobs=${UFC_FUZZ_JOBS:-2}

# libFuzzer ships in libclang-rt-14-dev, which clang only recommends; try a real link
# rather than guessing a path that depends on the clang version.
fuzzer_links() {
    local out status=0
    out=$(mktemp -d)
    cat >"$out/probe.cpp" <<'EOF'
extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }
EOF
    clang++ -fsanitize=fuzzer,address,undefined "$out/probe.cpp" -o "$out/probe" \
        >/dev/null 2>&1 || status=$?
    rm -rf "$out"
    return $status
}

source "$src/tests/lib/clang.sh"
need_clang_runtime fuzz.sh fuzzer_links || exit 2

start=$(date +%s)
# -O0 and line tables for the rest of the build, which the cli target only links: the build
# is most of this script's time. The fuzz targets choose their own -O1 (tests/fuzz/).
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O0 -gline-tables-only" -DUFC_FUZZ=ON -DUFC_FUZZ_SECONDS="$seconds" \
    >/dev/null
# Only the fuzz targets: the rest of this build (program, unit tests) is not run here.
cmake --build "$build" -j2 --target ufc-fuzz
built=$(date +%s)
echo "fuzz.sh: built in $((built - start)) s; fuzzing ${seconds} s per target, ${jobs} at once"

status=0
ctest --test-dir "$build" -L fuzz -j"$jobs" --output-on-failure || status=$?

# What each target did, from libFuzzer's final statistics in ctest's log.
log=$build/Testing/Temporary/LastTest.log
work=$build/tests/fuzz/work
if [ -f "$log" ]; then
    printf '%-14s %10s %9s %8s\n' target executions exec/s corpus
    awk '
        /^[0-9]+\/[0-9]+ Test: fuzz\./ { name = $3; sub(/^fuzz\./, "", name) }
        /stat::number_of_executed_units:/ { runs[name] = $2 }
        /stat::average_exec_per_sec:/ { rate[name] = $2 }
        END { for (n in runs) print n, runs[n], rate[n] }
    ' "$log" | sort | while read -r name runs rate; do
        corpus=$(( $(find "$work/corpus/$name" -type f | wc -l) +
            $(find "$src/tests/fuzz/corpus/$name" -type f | wc -l) ))
        printf '%-14s %10s %9s %8s\n' "$name" "$runs" "$rate" "$corpus"
    done
fi
if [ -d "$work/artifacts" ] && [ -n "$(ls -A "$work/artifacts")" ]; then
    echo "fuzz.sh: inputs that crashed a target (replay: build-fuzz/tests/fuzz/ufc-fuzz-NAME FILE):"
    ls -l "$work/artifacts"
fi
echo "fuzz.sh: $(($(date +%s) - start)) s in all"
exit $status
