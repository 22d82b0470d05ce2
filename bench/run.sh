#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark of issue 7: what uidmap-filecaps costs in an apt run, side by side with the
# shell a maintainer script would use instead (postinst-equivalent.sh) and with the floor, a
# C++ program that only reads both files' capabilities (floor.cpp). Everything runs on
# throwaway roots under a temporary folder; this machine's /usr/bin is never touched.
#
#   bench/run.sh
#
# Environment: RUNS (timed runs per case, default 200), WARMUP (untimed runs first, 20),
# MAIN_PACKAGES (packages in the main root's dpkg status, 1000), UFC_BENCH_BUILD (build
# folder, default build-bench in the source tree), BUILD_TYPE (RelWithDebInfo: -O2 -g; the
# flags of debian/rules are added, as in the package build). Needs root: it sets file
# capabilities and makes root-owned files. Takes 4 to 15 minutes on a shared 2-core
# machine, most of it callgrind running dpkg-query on the 50,000-package status file.
# Not a test: nothing here is registered with CTest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$here")
build=${UFC_BENCH_BUILD:-$source_dir/build-bench}
build_type=${BUILD_TYPE:-RelWithDebInfo}
runs=${RUNS:-200}
warmup=${WARMUP:-20}
# The main table's root has a status file the size of a real system's (this Debian 12
# machine lists 967 packages): what dpkg-query costs depends on it, and the shell-relative
# targets are only meaningful against a realistic one. The growth table adds a root with
# uidmap alone, one like a container base image (about 100 packages) and two large ones.
main_packages=${MAIN_PACKAGES:-1000}
growth_from=1000
mapfile -t sizes < <(printf '%s\n' 1 100 "$growth_from" "$main_packages" 10000 50000 | sort -nu)
growth_to=50000
# Rows no target judges get fewer runs in the growth table, and fewer still on the large
# roots (dpkg-query on 50,000 packages takes seconds a run on a busy machine); the rows a
# target judges always get RUNS.
context_runs=$((runs < 20 ? runs : 20))
large_runs=$((runs < 5 ? runs : 5))

die() {
    echo "bench/run.sh: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root: it sets file capabilities and makes root-owned files"

# valgrind and libcap2-bin are the only tools a build machine may lack; the rest (cmake, a
# C++ compiler, dpkg) the build itself needs.
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v setcap >/dev/null && command -v getcap >/dev/null || missing+=(libcap2-bin)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    # A fresh container has no package lists yet: update once if the first try fails.
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends \
            "${missing[@]}" >/dev/null; } || die "could not install ${missing[*]}"
fi
for tool in cmake dpkg-query callgrind_annotate; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

# ---------------------------------------------------------------------------------------
# Build: the program as packaged (no test hooks), the floor and the measuring harness.

# The package is built with Debian's flags on top of the build type's, and debian/rules asks
# for every hardening feature. One of them, -z now (bind every symbol at start), changes the
# start-up cost measured here, so the program and the floor get the same flags.
cxxflags=
ldflags=
build_flags="$build_type"
if command -v dpkg-buildflags >/dev/null; then
    maint_options=$(sed -n 's/^export DEB_BUILD_MAINT_OPTIONS *= *//p' \
        "$source_dir/debian/rules" 2>/dev/null || true)
    deb_flags() { DEB_BUILD_MAINT_OPTIONS=$maint_options dpkg-buildflags --get "$1"; }
    cxxflags="$(deb_flags CPPFLAGS) $(deb_flags CXXFLAGS)"
    ldflags=$(deb_flags LDFLAGS)
    build_flags="$build_type + dpkg-buildflags (${maint_options:-defaults}): $ldflags"
else
    echo "dpkg-buildflags (dpkg-dev) not found: building without Debian's flags" >&2
fi

echo "building uidmap-filecaps ($build_flags) in $build" >&2
cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE="$build_type" -DUFC_BUILD_TESTS=OFF \
    -DUFC_TEST_HOOKS=OFF -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
    >/dev/null
cmake --build "$build" -j2 --target uidmap-filecaps >/dev/null
program=$build/uidmap-filecaps
bin=$build/bench
mkdir -p "$bin"
cxx=${CXX:-c++}
# The floor gets the program's optimisation and flags; -Wl,--no-as-needed keeps libstdc++
# loaded even should a toolchain default to --as-needed, since loading it is the floor.
# shellcheck disable=SC2086 # the flag lists are meant to split into words
"$cxx" -std=c++20 -O2 -g $cxxflags -Wall -Wextra -o "$bin/floor" "$here/floor.cpp" \
    $ldflags -Wl,--no-as-needed -lstdc++ -lcap
"$cxx" -std=c++20 -O2 -Wall -Wextra -o "$bin/measure" "$here/measure.cpp"
floor=$bin/floor
measure=$bin/measure
shell_equivalent=(/bin/sh "$here/postinst-equivalent.sh")

# Callgrind's files stay in the build folder for callgrind_annotate after the run.
profiles=$bin/callgrind
rm -rf "$profiles"
mkdir -p "$profiles"

started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/ufc-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------------------------------
# Throwaway roots: what the program and the shell look at on an installed system.

# make_root DIR PACKAGES: a root with a dpkg status of PACKAGES packages (uidmap among them),
# the settings file the postinst writes, a statoverride entry for another file, and the two
# binaries (copies of /bin/true; only their mode and capabilities matter).
make_root() {
    local root=$1 packages=$2
    install -d -m 0755 -o root -g root "$root" "$root/usr" "$root/usr/bin" "$root/etc" \
        "$root/var" "$root/var/lib" "$root/var/lib/dpkg" "$root/var/lib/dpkg/updates" \
        "$root/var/lib/dpkg/info" "$root/var/lib/uidmap-filecaps"
    printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' \
        >"$root/etc/passwd"
    printf 'root:x:0:\ndaemon:x:1:\ncrontab:x:101:\n' >"$root/etc/group"
    printf 'root crontab 2755 /usr/bin/crontab\n' >"$root/var/lib/dpkg/statoverride"
    printf 'enable=true\nstrict=false\n' >"$root/var/lib/uidmap-filecaps/settings"
    sh "$here/gen-status.sh" "$packages" >"$root/var/lib/dpkg/status"
    install -m 4755 -o root -g root /bin/true "$root/usr/bin/newuidmap"
    install -m 4755 -o root -g root /bin/true "$root/usr/bin/newgidmap"
}

# Shell commands that put a root's two files into Debian's state or the applied state. The
# harness runs them before every run of a case that changes the files; they are not timed.
# Each fails loudly (setcap -r refuses a file without capabilities), which stops the run.
to_debian() {
    echo "chmod 4755 $1/usr/bin/newuidmap $1/usr/bin/newgidmap &&" \
        "setcap -r $1/usr/bin/newuidmap && setcap -r $1/usr/bin/newgidmap"
}
to_applied() {
    echo "setcap cap_setuid=ep $1/usr/bin/newuidmap && setcap cap_setgid=ep $1/usr/bin/newgidmap" \
        "&& chmod 0755 $1/usr/bin/newuidmap $1/usr/bin/newgidmap"
}
state_of() {
    echo "$(stat -c %a "$1/usr/bin/newuidmap" "$1/usr/bin/newgidmap" | tr '\n' ' ')$(getcap \
        "$1/usr/bin/newuidmap" "$1/usr/bin/newgidmap" | awk '{printf "%s ", $2}')"
}
set_applied() {
    getcap "$1/usr/bin/newuidmap" | grep -q cap_setuid || sh -c "$(to_applied "$1")"
    [ "$(state_of "$1")" = "755 755 cap_setuid=ep cap_setgid=ep " ] ||
        die "$1: could not put the files into the applied state: $(state_of "$1")"
}

# ---------------------------------------------------------------------------------------
# Measuring. Results go into associative arrays keyed by case name; a case in the growth
# table is named CASE_PACKAGES, and those of the main root double as its main-size rows.

declare -A wall p10 p90 rss rss_max instr nruns label status_kib

# count_instructions NAME BEFORE COMMAND...: one run under callgrind, every process the
# command starts traced, the per-process totals summed.
count_instructions() {
    local name=$1 before=$2
    shift 2
    local dir=$profiles/$name
    mkdir -p "$dir"
    [ -z "$before" ] || sh -c "$before"
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$dir/callgrind.out.%p" \
        -- "$@" >/dev/null 2>"$dir/stderr" || die "$name: failed under callgrind (see $dir/stderr)"
    # Each file has one "totals:" line (older callgrinds wrote "summary:" only).
    awk '$1 == "totals:" { t[FILENAME] = $2 } $1 == "summary:" { s[FILENAME] = $2 }
         END { for (f in s) sum += (f in t) ? t[f] : s[f]; printf "%d\n", sum }' \
        "$dir"/callgrind.out.*
}

# bench NAME LABEL RUNS BEFORE COMMAND...
bench() {
    local name=$1 text=$2 n=$3 before=$4
    shift 4
    echo "[$(($(date +%s) - started))s] measuring $name" >&2
    local w=$((n < runs ? 2 : warmup))
    local out fields
    out=$("$measure" "$n" "$w" "$before" -- "$@") || die "$name: a run failed"
    read -r -a fields <<<"$out"
    wall[$name]=${fields[0]}
    p10[$name]=${fields[1]}
    p90[$name]=${fields[2]}
    rss[$name]=${fields[3]}
    rss_max[$name]=${fields[4]}
    instr[$name]=$(count_instructions "$name" "$before" "$@")
    nruns[$name]=$n
    label[$name]=$text
}

# A case that changes the files must really change them on every run, or it times a no-op:
# check once that the command takes the files from BEFORE's state to the applied one.
check_changes() {
    local root=$1 before=$2
    shift 2
    sh -c "$before"
    local start end
    start=$(state_of "$root")
    "$@" >/dev/null 2>&1 || die "$* failed"
    end=$(state_of "$root")
    [ "$start" != "$end" ] || die "$* changed nothing (files: $end)"
    [ "$end" = "755 755 cap_setuid=ep cap_setgid=ep " ] || die "$* left the files as: $end"
}

# The cases every root gets: the three the targets judge and the shell equivalents.
bench_root() {
    local root=$1 n=$2 many=$3
    bench "apply_noop_$n" "apply, nothing to change" "$runs" "" "$program" apply --root "$root"
    bench "apply_change_$n" "apply, both files change" "$many" "$(to_debian "$root")" \
        "$program" apply --root "$root"
    set_applied "$root"
    bench "status_$n" "status" "$many" "" "$program" status --root "$root"
    bench "shell_noop_$n" "shell equivalent, nothing to change" "$many" "" \
        "${shell_equivalent[@]}" "$root"
    bench "shell_change_$n" "shell equivalent, both files change" "$many" \
        "$(to_debian "$root")" "${shell_equivalent[@]}" "$root"
    set_applied "$root"
    status_kib[$n]=$(($(stat -c %s "$root/var/lib/dpkg/status") / 1024))
}

R=$work/root
make_root "$R" "$main_packages"
set_applied "$R"
check_changes "$R" "$(to_debian "$R")" "$program" apply --root "$R"
check_changes "$R" "$(to_debian "$R")" "${shell_equivalent[@]}" "$R"
bench_root "$R" "$main_packages" "$runs"
bench status_json "status --json" "$runs" "" "$program" status --json --root "$R"
bench restore_change "restore, both files change" "$runs" "$(to_applied "$R")" \
    "$program" restore --root "$R"
set_applied "$R"
bench watched "watched" "$runs" "" "$program" watched
bench floor "floor (libstdc++ + libcap, read both)" "$runs" "" "$floor" "$R"

for n in "${sizes[@]}"; do
    [ "$n" != "$main_packages" ] || continue
    G=$work/root-$n
    make_root "$G" "$n"
    set_applied "$G"
    bench_root "$G" "$n" "$((n > 1000 ? large_runs : context_runs))"
    rm -rf "$G"
done

# ---------------------------------------------------------------------------------------
# Report.

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
mi() { awk -v i="$1" 'BEGIN { printf "%.2f", i / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
line() {
    printf '| %-38s | %5s | %8s | %15s | %7s | %9s | %8s | %9s | %8s |\n' "$@"
}

# row NAME [SHELL-CASE [INDENT]]
row() {
    local name=$1 vs_shell=${2:-} indent=${3:-}
    local r_shell=- w_shell=-
    if [ -n "$vs_shell" ]; then
        r_shell=$(ratio "${instr[$name]}" "${instr[$vs_shell]}")x
        w_shell=$(ratio "${wall[$name]}" "${wall[$vs_shell]}")x
    fi
    line "$indent${label[$name]}" "${nruns[$name]}" "$(ms "${wall[$name]}")" \
        "$(ms "${p10[$name]}")-$(ms "${p90[$name]}")" "$(mib "${rss[$name]}")" \
        "$(mi "${instr[$name]}")" "$r_shell" "$(ratio "${instr[$name]}" "${instr[floor]}")x" \
        "$w_shell"
}
header() {
    line "$1" runs "wall ms" "p10-p90 ms" "RSS MiB" "instr M" "instr/sh" "instr/flr" "wall/sh"
    printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" ------- ---------- \
        ----------------- --------- ----------- ---------- ----------- ----------
}

m=$main_packages
echo
echo "uidmap-filecaps benchmark (issue 7), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "build: $build_flags"
echo "tools: $("$cxx" --version | head -1); $(valgrind --version)"
echo "wall: median of the timed runs after $warmup warm-up runs (2 for the short rows), fork to"
echo "  wait4, output to /dev/null. RSS: peak resident set of the largest single process"
echo "  (wait4 rusage), median over the runs. instr: instructions counted by callgrind in one"
echo "  run, summed over every process started. instr/sh and wall/sh: against the shell"
echo "  equivalent of the same case; instr/flr: against the floor."
echo
echo "Throwaway root, dpkg status of $m packages (${status_kib[$m]} KiB), uidmap among them:"
echo
header "case"
row "apply_noop_$m" "shell_noop_$m"
row "apply_change_$m" "shell_change_$m"
row "status_$m" "shell_noop_$m"
row status_json "shell_noop_$m"
row restore_change "shell_change_$m"
row watched
row "shell_noop_$m" "shell_noop_$m"
row "shell_change_$m" "shell_change_$m"
row floor
echo
echo "(restore is set against the shell that applies: the same number of files changed.)"
echo
echo "Growth with the size of the dpkg status file (generated stanzas, uidmap among them):"
echo
header "case"
for n in "${sizes[@]}"; do
    packages="$n packages"
    [ "$n" != 1 ] || packages="1 package, uidmap only"
    line "$packages (${status_kib[$n]} KiB status)" "" "" "" "" "" "" "" ""
    row "apply_noop_$n" "shell_noop_$n" "  "
    row "apply_change_$n" "shell_change_$n" "  "
    row "status_$n" "shell_noop_$n" "  "
    row "shell_noop_$n" "shell_noop_$n" "  "
    row "shell_change_$n" "shell_change_$n" "  "
done
echo
echo "Growth from $growth_from to $growth_to packages:"
for c in apply_noop apply_change status shell_noop shell_change; do
    a=${c}_$growth_from
    b=${c}_$growth_to
    printf '  %-38s instructions %8sx   wall %8sx\n' "${label[$a]}" \
        "$(ratio "${instr[$b]}" "${instr[$a]}")" "$(ratio "${wall[$b]}" "${wall[$a]}")"
done

# Targets of issue 7, judged on instruction counts (wall time is printed, never judged) in
# the main root; the shell-relative ones are also shown for every status size.
peak=0
peak_case=
spikes=()
for name in "${!rss[@]}"; do
    case $name in shell_* | floor) continue ;; esac
    if [ "${rss[$name]}" -gt "$peak" ]; then
        peak=${rss[$name]}
        peak_case=$name
    fi
    # A maximum far above the median is a measuring glitch or a real spike: show it.
    if [ "${rss_max[$name]}" -gt $((rss[$name] * 11 / 10)) ]; then
        spikes+=("$name: median $(mib "${rss[$name]}") MiB, max $(mib "${rss_max[$name]}") MiB")
    fi
done
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v <= limit ? "PASS" : "MISS") }'; }
target() {
    local text=$1 value=$2 limit=$3 shown=$4 limit_shown=$5
    printf '| %-66s | %10s | %7s | %-6s |\n' "$text" "$shown" "$limit_shown" \
        "$(verdict "$value" "$limit")"
}
target_ratio() {
    local text=$1 a=$2 b=$3 limit=$4
    local r
    r=$(ratio "${instr[$a]}" "${instr[$b]}")
    target "$text" "$r" "$limit" "${r}x" "${limit}x"
}
echo
echo "Targets (issue 7), main root ($m packages):"
echo
printf '| %-66s | %10s | %7s | %-6s |\n' target measured limit result
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..68})" ------------ --------- --------
target_ratio "apply, nothing to change: instructions against the floor" "apply_noop_$m" floor 4
target_ratio "apply, nothing to change: instructions against the shell" "apply_noop_$m" \
    "shell_noop_$m" 0.2
target_ratio "apply, both files change: instructions against the shell" "apply_change_$m" \
    "shell_change_$m" 0.5
peak_mib=$(awk -v a="$peak" 'BEGIN { printf "%.1f", a / 1024 }')
target "peak RSS, any subcommand but doctor (largest: $peak_case)" "$peak_mib" 8 \
    "$peak_mib MiB" "8 MiB"
target_ratio "apply, nothing to change: growth $growth_from -> $growth_to packages" \
    "apply_noop_$growth_to" "apply_noop_$growth_from" 1.5
echo
echo "The shell-relative targets at every status size:"
echo
printf '| %-66s | %10s | %7s | %-6s |\n' target measured limit result
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..68})" ------------ --------- --------
for n in "${sizes[@]}"; do
    packages="$n packages"
    [ "$n" != 1 ] || packages="1 package"
    target_ratio "$packages: apply, nothing to change, against the shell" "apply_noop_$n" \
        "shell_noop_$n" 0.2
    target_ratio "$packages: apply, both files change, against the shell" "apply_change_$n" \
        "shell_change_$n" 0.5
done
if [ ${#spikes[@]} -gt 0 ]; then
    echo
    echo "RSS maximum more than 10% above the median:"
    printf '  %s\n' "${spikes[@]}"
fi
echo
echo "callgrind profiles: $profiles/<case>/ (callgrind_annotate FILE)"
echo "measured in $(($(date +%s) - started)) s"
