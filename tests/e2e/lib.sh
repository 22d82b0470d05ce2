# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests in this folder (sourced, not run): how a test reports, skips or fails,
# installs what it needs, makes throwaway users, and undoes everything it did on exit.
#
# The tests run as root because they create users; every container and namespace they start
# runs as one of those unprivileged users, as it would on a user's machine.

ufc_e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The test's own output, for the clean-up on exit (see ufc_install_traps).
exec {ufc_out}>&1 {ufc_err}>&2
ufc_passed=0
ufc_failed=0

ufc_in_ci() { [[ "${CI:-}" == true ]]; }

ufc_pass() { # STEP TEXT...
    local step=$1
    shift
    ufc_passed=$((ufc_passed + 1))
    printf '%s: PASS - %s\n' "$step" "$*"
}

ufc_fail() { # STEP TEXT...
    local step=$1
    shift
    ufc_failed=$((ufc_failed + 1))
    printf '%s: FAIL - %s\n' "$step" "$*"
}

# Prints the closing tally (a line CI's log reader understands); fails if any check failed.
ufc_finish() {
    printf '%d passed, %d failed\n' "$ufc_passed" "$ufc_failed"
    ((ufc_failed == 0))
}

# A test that cannot run here says why. ctest counts exit 77 as skipped (SKIP_RETURN_CODE);
# in CI a skip would hide a broken set-up, so there it is a failure.
ufc_cannot_run() { # REASON...
    if ufc_in_ci; then
        printf 'FAIL - cannot run: %s (CI=true, so this is a failure, not a skip)\n' "$*"
        exit 1
    fi
    printf 'SKIP - %s\n' "$*"
    exit 77
}

ufc_require_root() {
    [[ $(id -u) == 0 ]] || ufc_cannot_run "needs root (it creates and removes test users)"
}

# Installs the named packages when missing. Each must also be listed in packages.txt, which
# the README's test command installs up front; this is the fallback for a test run by hand.
ufc_require_packages() { # PACKAGE...
    local pkg missing=()
    for pkg in "$@"; do
        grep -qx "$pkg" "$ufc_e2e_dir/packages.txt" ||
            { echo "internal error: $pkg is not listed in packages.txt" >&2; exit 1; }
        dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q ' installed$' ||
            missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0

    echo "installing missing test prerequisites: ${missing[*]}"
    local log
    log=$(mktemp)
    # A first try without `apt-get update`: the lists are usually there already.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "${missing[@]}" >"$log" 2>&1; then
        apt-get update >>"$log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "${missing[@]}" >>"$log" 2>&1 ||
            { tail -n 20 "$log"; rm -f "$log"
              ufc_cannot_run "could not install ${missing[*]}"; }
    fi
    rm -f "$log"
}

# --- Undo on exit -----------------------------------------------------------------------------
# Each set-up action registers its undo right away, so an interrupted run still cleans up.
# Undo actions run last-registered first.
ufc_undo=()

ufc_at_exit() { # SHELL-COMMAND
    ufc_undo+=("$1")
}

ufc_run_undo() {
    local i
    for ((i = ${#ufc_undo[@]} - 1; i >= 0; i--)); do
        eval "${ufc_undo[i]}" || echo "cleanup step failed: ${ufc_undo[i]}" >&2
    done
    ufc_undo=()
}

# A trap runs wherever the signal finds the script, possibly inside a function whose output
# goes to a log file that the undo then deletes; so it reports on the test's own output,
# kept as ufc_out and ufc_err when this file is sourced.
ufc_install_traps() {
    trap 'ufc_run_undo >&"$ufc_out" 2>&"$ufc_err"' EXIT
    # Turn signals into a normal exit so the EXIT trap runs once and the status says why.
    trap 'echo "interrupted, cleaning up" >&"$ufc_err"; exit 130' INT
    trap 'echo "terminated, cleaning up" >&"$ufc_err"; exit 143' TERM
}

# --- Throwaway users ---------------------------------------------------------------------------
# A user with its own 65536 subordinate uids and gids, allocated by useradd itself: useradd
# takes /etc/subuid's lock and picks a range that overlaps nobody's.
# Sets ufc_user_uid, ufc_user_gid and ufc_user_subid (first subordinate id).
ufc_add_user() { # NAME HOME
    local name=$1 home=$2
    # useradd only allocates ranges when the files exist; a fresh system may lack them.
    [[ -e /etc/subuid ]] || install -m 0644 /dev/null /etc/subuid
    [[ -e /etc/subgid ]] || install -m 0644 /dev/null /etc/subgid

    useradd --create-home --home-dir "$home" --user-group --shell /bin/sh \
        -K SUB_UID_COUNT=65536 -K SUB_GID_COUNT=65536 "$name"
    ufc_at_exit "ufc_remove_user $name"

    # shellcheck disable=SC2034 # results for the caller
    ufc_user_uid=$(id -u "$name")
    # shellcheck disable=SC2034
    ufc_user_gid=$(id -g "$name")
    ufc_user_subid=$(ufc_subid_start "$name" /etc/subuid)
    local gstart
    gstart=$(ufc_subid_start "$name" /etc/subgid)
    if [[ -z $ufc_user_subid || $gstart != "$ufc_user_subid" ]]; then
        # The tests map uids and gids alike; a user with differing ranges would need more code.
        echo "useradd gave $name uid range '${ufc_user_subid}' and gid range '$gstart'" >&2
        return 1
    fi
}

ufc_subid_start() { # NAME FILE
    awk -F: -v n="$1" '$1 == n && $3 >= 65536 { print $2; exit }' "$2"
}

# Sets ufc_ruid to the real uid of a process (from /proc/PID/status); fails when it is gone.
# A variable, not output: this runs for every process, and $(...) would fork each time.
ufc_process_uid() { # PID
    local key value
    ufc_ruid=
    while read -r key value _; do
        [[ $key == Uid: ]] && { ufc_ruid=$value; return 0; }
    done 2>/dev/null <"/proc/$1/status" || true
    return 1
}

# Ends every process running as the user or as one of its subordinate ids (its containers),
# one pid at a time. Such processes can only be ones this test started: the user is ours.
ufc_kill_user_processes() { # UID SUBID_START
    local uid=$1 first=$2 dir
    for dir in /proc/[0-9]*; do
        ufc_process_uid "${dir#/proc/}" || continue
        if ((ufc_ruid == uid || (ufc_ruid >= first && ufc_ruid < first + 65536))); then
            kill -KILL "${dir#/proc/}" 2>/dev/null || true
        fi
    done
}

ufc_user_has_processes() { # UID
    local dir
    for dir in /proc/[0-9]*; do
        ufc_process_uid "${dir#/proc/}" && ((ufc_ruid == $1)) && return 0
    done
    return 1
}

ufc_remove_user() { # NAME
    local name=$1 uid first
    uid=$(id -u "$name" 2>/dev/null) || return 0
    first=$(ufc_subid_start "$name" /etc/subuid)
    ufc_kill_user_processes "$uid" "${first:-0}"
    # userdel refuses a user with processes; give the killed ones a moment to be reaped.
    local tries
    for ((tries = 0; tries < 50; tries++)); do
        ufc_user_has_processes "$uid" || break
        sleep 0.1
    done
    # userdel also drops the user's subordinate ranges; -r removes the home and what the
    # user's containers left in it (files owned by subordinate ids, removable only by root).
    userdel --remove "$name" 2>/dev/null || userdel "$name"
}

# Runs a command as the user, with a clean environment and no PAM session: nothing of root's
# environment leaks in, and no login manager starts a session or user services for it.
# Leading NAME=VALUE arguments are added to that environment (env(1) reads them so).
ufc_as_user() { # NAME [NAME=VALUE...] COMMAND...
    local name=$1
    shift
    local home
    home=$(getent passwd "$name" | cut -d: -f6)
    # Podman's pause process outlives the command: it must not hold the test's output open,
    # or CTest would wait for it.
    (cd / && exec {ufc_out}>&- {ufc_err}>&- && setpriv --reuid="$name" --regid="$name" \
        --init-groups -- env -i HOME="$home" USER="$name" LOGNAME="$name" SHELL=/bin/sh \
        LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@")
}

# --- Debian's real uidmap package ------------------------------------------------------------
# Downloads it into the cache folder (never touching this machine's own /usr/bin) and prints
# the path of the .deb. A copy younger than a week is reused: asking apt which version is
# current costs seconds, more than the fast test itself.
ufc_uidmap_deb() { # CACHE_DIR
    local dir=$1 deb tmp
    mkdir -p "$dir"
    deb=$(find "$dir" -maxdepth 1 -name 'uidmap_*.deb' -mtime -7 | sort -V | tail -n 1)
    if [[ -n $deb ]]; then
        printf '%s\n' "$deb"
        return 0
    fi

    # apt drops privileges to its _apt user for downloads, which must be able to write
    # there; a private temporary folder avoids changing the cache folder's owner.
    tmp=$(mktemp -d)
    chmod 0755 "$tmp"
    chown _apt "$tmp" 2>/dev/null || true
    if ! (cd "$tmp" && apt-get download uidmap >/dev/null 2>&1); then
        apt-get update >/dev/null 2>&1 || true
        (cd "$tmp" && apt-get download uidmap >/dev/null 2>&1) || { rm -rf "$tmp"; return 1; }
    fi
    rm -f "$dir"/uidmap_*.deb
    deb=$(find "$tmp" -maxdepth 1 -name 'uidmap_*.deb')
    # The download keeps the archive's date; the cache's age is counted from now.
    touch "$deb"
    mv "$deb" "$dir/"
    rm -rf "$tmp"
    printf '%s\n' "$dir/$(basename "$deb")"
}

# --- Leftovers of a killed run -----------------------------------------------------------------
# A run killed outright (CTest's timeout kills without a signal a trap can see) leaves its
# users and folders. They carry the pid of the run that made them, PREFIX-...-PID for users
# and PREFIX-PID.XXXXXX for folders; those whose run is gone are removed.
ufc_remove_stale() { # PREFIX FOLDER...
    local prefix=$1 name pid folder path
    shift
    while IFS=: read -r name _; do
        [[ $name == "$prefix"-* ]] || continue
        pid=${name##*-}
        [[ $pid =~ ^[0-9]+$ && ! -e /proc/$pid ]] || continue
        echo "removing user $name, left by an earlier run"
        ufc_remove_user "$name"
    done < <(cat /etc/passwd) # a snapshot: userdel rewrites the file meanwhile
    for folder in "$@"; do
        for path in "$folder/$prefix"-*.*; do
            [[ -d $path ]] || continue
            pid=${path##*/"$prefix"-}
            pid=${pid%%.*}
            [[ $pid =~ ^[0-9]+$ && ! -e /proc/$pid ]] || continue
            echo "removing $path, left by an earlier run"
            rm -rf "$path"
        done
    done
}
