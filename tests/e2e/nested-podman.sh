#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end proof on the real failure: rootless Podman inside rootless Podman on a Debian image
# built from tests/e2e/Containerfile, without and with the uidmap-filecaps package.
#
#   step 1  build docker.io/library/debian:bookworm locally (mmdebstrap + podman import)
#   step 2  image without the helper: nested `podman unshare` fails with the uid_map error
#   step 3  image with the helper: it passes and shows the mapping; an inner `podman run` works
#   step 4  uidmap reinstalled with dpkg -i in a further build step (trigger): still passes
#   step 5  `uidmap-filecaps status` in the image: ok for both files
#   step 6  image saved, loaded by a second user: still passes
#   step 7  outer container with --cap-drop setuid,setgid: nested `podman unshare` fails and
#           `uidmap-filecaps doctor` names the bounding set (text and --json)
#   step 8  outer container with --security-opt=no-new-privileges: it fails and `doctor`
#           names no_new_privs
#
# All Podman work runs as throwaway unprivileged users this script creates and removes. No
# registry is contacted; the builds reach Debian's archive through the host network.
#
# Environment:
#   UFC_DEB_DIR    folder holding uidmap-filecaps_*.deb (required; unset means skip, or fail
#                  in CI)
#   UFC_CACHE_DIR  keeps the Debian base tarball and the uidmap .deb between runs
#   UFC_KEEP_LOGS  a folder to copy the build and run logs to (their ends are printed on
#                  failure)
#   CI=true        a missing prerequisite is a failure instead of a skip (exit 77)
#
# The script stops itself after 22 minutes (a slow archive), before CTest's limit of 25 would
# kill it with no chance to clean up. Here it took 3.5 to 8.5 minutes, by load and archive.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

readonly here=$ufc_e2e_dir
readonly cache=${UFC_CACHE_DIR:-${TMPDIR:-/var/tmp}/uidmap-filecaps-test-cache}
# A cached base tarball older than this is rebuilt, so the image does not drift far behind
# the archive's security updates.
readonly base_max_age_days=7
readonly image=localhost/ufc-e2e
readonly time_budget=1320
# What step 3 must print: root is the podman user itself, then its 64535 subordinate ids.
readonly want_map=$'0 1000 1\n1 1001 64535'

# --- Prerequisites ---------------------------------------------------------------------------
ufc_require_root
if [[ -z ${UFC_DEB_DIR:-} ]]; then
    ufc_cannot_run "UFC_DEB_DIR is not set (the folder with uidmap-filecaps_*.deb)"
fi
helper_deb=$(find "$UFC_DEB_DIR" -maxdepth 1 -name 'uidmap-filecaps_*.deb' 2>/dev/null |
    sort -V | tail -n 1) || true
[[ -n $helper_deb ]] || ufc_cannot_run "no uidmap-filecaps_*.deb in UFC_DEB_DIR=$UFC_DEB_DIR"
ufc_require_packages podman runc uidmap mmdebstrap
ufc_install_traps
ufc_remove_stale ufc-e2e "${TMPDIR:-/var/tmp}" /run

started=$SECONDS
readonly deadline=$((SECONDS + time_budget))
# shellcheck disable=SC2016 # expanded when the clean-up runs, not now
ufc_at_exit 'echo "clean-up done, $((SECONDS - started)) s in all"'
work=$(mktemp -d "${TMPDIR:-/var/tmp}/ufc-e2e-$$.XXXXXX")
ufc_at_exit "rm -rf '$work'"
chmod 0755 "$work"
mkdir "$work/logs"
# The users' runtime folders (XDG_RUNTIME_DIR), kept short on purpose: conmon's sockets live
# below them and a unix socket path holds at most 108 bytes. With a 39-character runtime
# folder every `podman run` here sat 20 s in "Exceeded conmon timeout waiting for container
# to exit"; /run is also where a login session would put them.
runtime=$(mktemp -d "/run/ufc-e2e-$$.XXXXXX")
ufc_at_exit "rm -rf '$runtime'"
chmod 0755 "$runtime"
if [[ -n ${UFC_KEEP_LOGS:-} ]]; then
    ufc_at_exit "mkdir -p '$UFC_KEEP_LOGS' && cp '$work'/logs/* '$UFC_KEEP_LOGS'/ || true"
fi
echo "helper package: $helper_deb"

# A user for rootless Podman on this machine, set up for what this VM allows: runc (crun
# refuses hybrid cgroups here), cgroupfs and a file events log (no systemd user session),
# overlay storage, and its own runtime folder.
add_podman_user() { # NAME SHORT-NAME
    local name=$1 home=$work/home-$2 conf
    ufc_add_user "$name" "$home"
    runtime_of[$name]=$runtime/$2
    install -d -m 0700 -o "$ufc_user_uid" -g "$ufc_user_gid" "${runtime_of[$name]}"
    # Registered after the user, so it runs before the user is removed.
    ufc_at_exit "stop_pause_process $name"

    conf=$home/.config/containers
    install -d -o "$ufc_user_uid" -g "$ufc_user_gid" "$home/.config" "$conf"
    printf '%s\n' '[engine]' 'runtime = "runc"' 'cgroup_manager = "cgroupfs"' \
        'events_logger = "file"' >"$conf/containers.conf"
    printf '%s\n' '[storage]' 'driver = "overlay"' >"$conf/storage.conf"
    chown "$ufc_user_uid:$ufc_user_gid" "$conf"/*.conf
}

# Rootless Podman leaves a pause process holding its user namespace; its pid is on file.
stop_pause_process() { # NAME
    local pidfile=${runtime_of[$1]}/libpod/tmp/pause.pid pid
    [[ -s $pidfile ]] || return 0
    pid=$(<"$pidfile")
    kill "$pid" 2>/dev/null || true
}

# Seconds left of the run's budget, at most LIMIT; fails when none are left.
time_left() { # LIMIT
    local left=$((deadline - SECONDS))
    ((left > 0)) || { echo "out of time: the run's budget of $time_budget s is spent"; return 1; }
    echo $((left < $1 ? left : $1))
}

# Podman as one of the test users. A time limit per command makes a hang a clear failure.
podman_as() { # NAME [timeout=SECONDS] PODMAN-ARGS...
    local name=$1 limit=300
    shift
    if [[ $1 == timeout=* ]]; then
        limit=${1#timeout=}
        shift
    fi
    limit=$(time_left "$limit") || { echo "$limit" >&2; return 124; }
    ufc_as_user "$name" XDG_RUNTIME_DIR="${runtime_of[$name]}" \
        timeout --kill-after=10 "$limit" podman "$@"
}

# Shows the end of a log, indented, when a step fails.
show_log() { # FILE
    echo "    --- last lines of $(basename "$1"):"
    tail -n 25 "$1" | sed 's/^/    /'
}

# Runs a command in the image as its `podman` user, inside a rootless container of USER with
# no network (this VM's /dev/net/tun is closed to users). Output goes to LOG.
run_in_image() { # USER IMAGE LOG COMMAND...
    run_in_image_with "$1" "$2" "$3" -- "${@:4}"
}

# The same, with more options for the outer `podman run` (steps 7 and 8 take privileges away).
run_in_image_with() { # USER IMAGE LOG OPTION... -- COMMAND...
    local user=$1 img=$2 log=$3 opts=()
    shift 3
    while [[ $1 != -- ]]; do
        opts+=("$1")
        shift
    done
    shift
    podman_as "$user" run --rm --network none "${opts[@]}" "$img" "$@" >"$log" 2>&1
}

normalize_map() { # FILE -> the uid_map lines with single spaces
    awk 'NF == 3 && $1 ~ /^[0-9]+$/ { print $1, $2, $3 }' "$1"
}

# The nested command of steps 2, 3, 4 and 6 and its verdict. EXPECT is fail or pass.
check_nested_unshare() { # STEP USER IMAGE EXPECT WHAT
    local step=$1 user=$2 img=$3 expect=$4 what=$5 rc=0
    local log=$work/logs/${step// /}-unshare.log
    run_in_image "$user" "$img" "$log" podman unshare cat /proc/self/uid_map || rc=$?
    local map
    map=$(normalize_map "$log")
    if [[ $expect == fail ]]; then
        if ((rc != 0)) && grep -q 'write to uid_map failed' "$log"; then
            ufc_pass "$step" "reproduced without the helper:" \
                "$(grep -m1 -o 'newuidmap: write to uid_map failed[^"\]*' "$log")"
            grep -m1 'cannot set up namespace' "$log" | sed 's/^/    /' || true
            return 0
        fi
        ufc_fail "$step" "wanted the uid_map write error, got exit $rc"
    elif ((rc == 0)) && [[ $map == "$want_map" ]]; then
        ufc_pass "$step" "$what: podman unshare maps ${map//$'\n'/ / }"
        return 0
    else
        ufc_fail "$step" "$what: podman unshare exit $rc, uid_map '${map//$'\n'/ / }'"
    fi
    show_log "$log"
    return 1
}

# --- Step 1: the Debian base image, built here --------------------------------------------
mkdir -p "$cache"
base_tar=$cache/debian-bookworm-minbase.tar
step1() {
    local how=cached
    if [[ ! -s $base_tar ]] || [[ -n $(find "$base_tar" -mtime +"$base_max_age_days") ]]; then
        how="built with mmdebstrap"
        # mmdebstrap without a mirror argument uses Debian's default archive and adds the
        # security and updates suites for a stable release, as the official image has.
        # stdin from /dev/null: nothing to read, and no prompt can wait for an answer.
        local limit
        limit=$(time_left 600) || { ufc_fail "step 1" "$limit"; return 1; }
        if ! timeout "$limit" mmdebstrap --variant=minbase --mode=root --format=tar \
                bookworm "$base_tar.new-$$" </dev/null >"$work/logs/mmdebstrap.log" 2>&1; then
            rm -f "$base_tar.new-$$"
            ufc_fail "step 1" "mmdebstrap of a bookworm minbase root failed"
            show_log "$work/logs/mmdebstrap.log"
            return 1
        fi
        mv "$base_tar.new-$$" "$base_tar"
    fi

    # Tagged as the official image is, so `FROM debian:bookworm` resolves to it, as it would
    # on a user's machine. Fed on stdin: the cache may sit where the user cannot read.
    if ! podman_as "$user_a" import --change 'CMD ["bash"]' - docker.io/library/debian:bookworm \
            <"$base_tar" >"$work/logs/import.log" 2>&1; then
        ufc_fail "step 1" "podman import of the base tarball failed"
        show_log "$work/logs/import.log"
        return 1
    fi
    ufc_pass "step 1" "docker.io/library/debian:bookworm imported from a local minbase" \
        "tarball ($how)"
}

# Builds the Containerfile (a target stage, or the whole file). Network host: the build's
# apt-get reaches Debian's archive without a tun device. --pull=never: nothing may come from
# a registry, the base image is the one step 1 made.
build_image() { # STEP TAG CONTEXT [--target STAGE]
    local step=$1 tag=$2 ctx=$3
    shift 3
    local log=$work/logs/build-${tag##*:}.log t0=$SECONDS
    if ! podman_as "$user_a" timeout=600 build --network host --pull=never "$@" \
            -t "$tag" -f "$ctx/Containerfile" "$ctx" >"$log" 2>&1; then
        ufc_fail "$step" "podman build of $tag failed"
        show_log "$log"
        return 1
    fi
    echo "    built $tag in $((SECONDS - t0)) s"
}

# --- Step 2: the failure, reproduced --------------------------------------------------------
step2() {
    build_image "step 2" "$image:stock" "$work/ctx" --target stock || return 1
    check_nested_unshare "step 2" "$user_a" "$image:stock" fail ""
}

# --- Step 3: the fix -----------------------------------------------------------------------
# Inside the fixed image, as its podman user: a tiny image from a local tarball (dash and the
# libraries it loads, taken from the image itself: nothing can be pulled), run with
# `podman run`. It prints its own uid_map, so the inner container's mapping shows too.
# shellcheck disable=SC2016 # a script for the container's shell, expanded there
readonly inner_run='
set -e
cd /
files="usr/bin/dash $(ldd /usr/bin/dash | grep -o "/[^ ]*" | cut -c2-)"
tar -chf /tmp/tiny.tar $files
podman import -q /tmp/tiny.tar localhost/tiny >/dev/null
podman run --rm localhost/tiny /usr/bin/dash -c \
    "echo inner container runs; while read -r a b c; do echo \$a \$b \$c; done </proc/self/uid_map"
'

check_inner_run() { # STEP USER IMAGE
    local step=$1 user=$2 img=$3 rc=0 log=$work/logs/${1// /}-inner-run.log
    run_in_image "$user" "$img" "$log" bash -c "$inner_run" || rc=$?
    if ((rc == 0)) && grep -q '^inner container runs$' "$log"; then
        local map
        map=$(normalize_map "$log")
        ufc_pass "$step" "podman run of a local image inside works, its uid_map:" \
            "${map//$'\n'/ / }"
        return 0
    fi
    ufc_fail "$step" "podman run of a local image inside: exit $rc"
    show_log "$log"
    return 1
}

fixed_built=
reinstalled_built=
# The helper's own log lines in a build (its maintainer scripts' output).
show_helper_lines() { # LOG
    grep '^uidmap-filecaps' "$1" | head -n 6 | sed 's/^/    build: /' || true
}

step3() {
    build_image "step 3" "$image:fixed" "$work/ctx" || return 1
    fixed_built=1
    show_helper_lines "$work/logs/build-fixed.log"
    check_nested_unshare "step 3" "$user_a" "$image:fixed" pass "with the helper" || true
    check_inner_run "step 3" "$user_a" "$image:fixed"
}

# --- Step 4: uidmap reinstalled in a further build step ------------------------------------
step4() {
    local ctx=$work/ctx-reinstall
    mkdir "$ctx"
    cp "$uidmap_deb" "$ctx/"
    # dpkg -i of the same package: dpkg unpacks a fresh setuid file and then fires the
    # helper's file trigger, which must put the capabilities back.
    cat >"$ctx/Containerfile" <<EOF
FROM $image:fixed
USER root
COPY uidmap_*.deb /tmp/
RUN dpkg -i /tmp/uidmap_*.deb && rm /tmp/uidmap_*.deb
USER podman
EOF
    build_image "step 4" "$image:reinstalled" "$ctx" || return 1
    reinstalled_built=1
    if ! grep -q 'Processing triggers for uidmap-filecaps' "$work/logs/build-reinstalled.log"
    then
        ufc_fail "step 4" "dpkg -i uidmap did not run the helper's trigger"
        show_log "$work/logs/build-reinstalled.log"
        return 1
    fi
    echo "    dpkg -i $(basename "$uidmap_deb"): the helper's trigger ran"
    show_helper_lines "$work/logs/build-reinstalled.log"
    check_nested_unshare "step 4" "$user_a" "$image:reinstalled" pass \
        "after dpkg -i uidmap"
}

# --- Step 5: the program's own verdict -----------------------------------------------------
check_status() { # STEP IMAGE
    local step=$1 img=$2 rc=0 log=$work/logs/${1// /}-status-${2##*:}.log path bad=
    run_in_image "$user_a" "$img" "$log" uidmap-filecaps status || rc=$?
    for path in /usr/bin/newuidmap /usr/bin/newgidmap; do
        # The verdict is a word of its own on the file's line.
        grep -F "$path" "$log" | grep -qw ok || bad+=" $path"
    done
    if ((rc == 0)) && [[ -z $bad ]]; then
        ufc_pass "$step" "uidmap-filecaps status in ${img##*:}: ok for both files"
        sed 's/^/    /' "$log"
        return 0
    fi
    ufc_fail "$step" "uidmap-filecaps status in ${img##*:}: exit $rc, not ok:${bad:- none}"
    show_log "$log"
    return 1
}

step5() {
    local ok=0
    check_status "step 5" "$image:fixed" || ok=1
    if [[ -n $reinstalled_built ]]; then
        check_status "step 5" "$image:reinstalled" || ok=1
    fi
    return $ok
}

# --- Step 6: shipped to another user -------------------------------------------------------
step6() {
    local log=$work/logs/save-load.log
    # Straight from one user's store into the other's: no file both must be able to read.
    if ! podman_as "$user_a" save "$image:fixed" 2>"$log" |
            podman_as "$user_b" load >>"$log" 2>&1; then
        ufc_fail "step 6" "podman save by the first user | podman load by the second failed"
        show_log "$log"
        return 1
    fi
    check_nested_unshare "step 6" "$user_b" "$image:fixed" pass \
        "saved by one user, loaded by another" || return 1
    check_inner_run "step 6" "$user_b" "$image:fixed"
}

# --- Steps 7 and 8: a blocked outer container, and doctor's diagnosis ----------------------
# The doctor's text line for CHECK in LOG ("VERDICT CHECK: message ... Fix: ..."), if any.
doctor_line() { # LOG CHECK
    grep -m1 -E "^[A-Za-z]+ +$2: " "$1" || true
}

# The verdict of check ID in doctor --json output. nlohmann's json keeps an object's keys
# sorted, so within a check "id" comes before "verdict"; the first verdict after the id line
# is that check's.
json_verdict() { # LOG ID
    awk -v id="$2" '
        $0 ~ "\"id\": \"" id "\"" { found = 1; next }
        found && match($0, /"verdict": "[a-z]+"/) {
            v = substr($0, RSTART, RLENGTH); sub(/.*: "/, "", v); sub(/"$/, "", v)
            print v; exit
        }' "$1"
}

# Runs the fixed image with OPTION... on the outer `podman run`: the nested `podman unshare`
# must fail, and `uidmap-filecaps doctor` must exit 1 with CHECK as FAIL and OTHER (the other
# blocked-container check) not FAIL, so a doctor that fails everything does not pass.
check_blocked() { # STEP CHECK OTHER OPTION...
    local step=$1 check=$2 other=$3 rc=0 ok=0 line
    shift 3
    local base=$work/logs/${step// /}
    run_in_image_with "$user_a" "$image:fixed" "$base-unshare.log" "$@" -- \
        podman unshare cat /proc/self/uid_map || rc=$?
    # It must fail where the ids are mapped, not earlier for some unrelated reason.
    if ((rc != 0)) && [[ -z $(normalize_map "$base-unshare.log") ]] &&
        grep -q 'newuidmap' "$base-unshare.log"; then
        ufc_pass "$step" "with $*: nested podman unshare fails at newuidmap (exit $rc)"
        grep -E 'newuidmap|newgidmap' "$base-unshare.log" | head -n 2 | sed 's/^/    /' || true
    else
        ufc_fail "$step" "with $*: nested podman unshare should fail at newuidmap, got exit $rc"
        show_log "$base-unshare.log"
        ok=1
    fi

    rc=0
    run_in_image_with "$user_a" "$image:fixed" "$base-doctor.log" "$@" -- \
        uidmap-filecaps doctor || rc=$?
    line=$(doctor_line "$base-doctor.log" "$check")
    if ((rc == 1)) && [[ $line == "FAIL $check: "* ]] &&
        [[ $(doctor_line "$base-doctor.log" "$other") != FAIL* ]]; then
        ufc_pass "$step" "uidmap-filecaps doctor exits 1 and names $check"
        sed 's/^/    doctor: /' "$base-doctor.log"
    else
        ufc_fail "$step" "uidmap-filecaps doctor: exit $rc (want 1), $check line '$line'," \
            "$other line '$(doctor_line "$base-doctor.log" "$other")'"
        show_log "$base-doctor.log"
        ok=1
    fi

    rc=0
    run_in_image_with "$user_a" "$image:fixed" "$base-doctor-json.log" "$@" -- \
        uidmap-filecaps doctor --json || rc=$?
    local verdict other_verdict
    verdict=$(json_verdict "$base-doctor-json.log" "$check")
    other_verdict=$(json_verdict "$base-doctor-json.log" "$other")
    if ((rc == 1)) && [[ $verdict == fail && -n $other_verdict && $other_verdict != fail ]]
    then
        ufc_pass "$step" "uidmap-filecaps doctor --json exits 1: \"$check\" is \"fail\"," \
            "\"$other\" is \"$other_verdict\""
    else
        ufc_fail "$step" "uidmap-filecaps doctor --json: exit $rc (want 1), \"$check\"" \
            "'$verdict' (want fail), \"$other\" '$other_verdict' (want not fail)"
        show_log "$base-doctor-json.log"
        ok=1
    fi
    return $ok
}

step7() {
    check_blocked "step 7" bounding-set no-new-privs --cap-drop setuid,setgid
}

step8() {
    check_blocked "step 8" no-new-privs bounding-set --security-opt=no-new-privileges
}

# --- Run -----------------------------------------------------------------------------------
user_a=ufc-e2e-a-$$
user_b=ufc-e2e-b-$$
declare -A runtime_of
add_podman_user "$user_a" a
add_podman_user "$user_b" b
# Rootless Podman stands on unprivileged user namespaces; where the kernel forbids them no
# step could say anything about the helper.
ufc_as_user "$user_a" unshare --user --map-root-user true 2>/dev/null ||
    ufc_cannot_run "unprivileged user namespaces are not available on this machine"

uidmap_deb=$(ufc_uidmap_deb "$cache") ||
    ufc_cannot_run "could not download Debian's uidmap .deb for step 4"

# The build context: the recipe users copy, and the helper package it installs.
mkdir "$work/ctx"
cp "$here/Containerfile" "$helper_deb" "$work/ctx/"
chmod -R a+rX "$work/ctx"

# Each step reports itself. A failed build ends what depends on its image; a failed check
# does not stop the steps after it.
not_run() { # STEP WHY
    ufc_fail "$1" "not run: $2"
}
timed() { # STEP-FUNCTION
    local t0=$SECONDS rc=0
    "$1" || rc=$?
    echo "    ($1 took $((SECONDS - t0)) s)"
    return $rc
}
if timed step1; then
    timed step2 || true
    timed step3 || true
    if [[ -n $fixed_built ]]; then
        timed step4 || true
        timed step5 || true
        timed step6 || true
        timed step7 || true
        timed step8 || true
    else
        for n in 4 5 6 7 8; do not_run "step $n" "the image with the helper was not built"; done
    fi
else
    for n in 2 3 4 5 6 7 8; do not_run "step $n" "no base image"; done
fi

echo "total time before clean-up: $((SECONDS - started)) s"
ufc_finish
