#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Files swapped while apply and restore run (issue 6, item 5). A helper exchanges, atomically
# and in a tight loop, each watched path with a decoy:
#   newuidmap <-> a setuid-root decoy with a second hard link (refused whenever it is judged);
#   newgidmap <-> a symlink to a setuid-root decoy that would pass every check if followed.
# After each of many runs, neither decoy may have gained a capability or lost its setuid
# bit: every action must happen on the descriptor that was judged, never again by name. The
# original files must still have a working mechanism.
source "$(dirname "$0")/lib.sh"
python=$(command -v python3) || skip_or_fail "python3 is needed for renameat2(RENAME_EXCHANGE)"
make_workdir

runs=${UFC_RACE_RUNS:-300}
seconds=${UFC_RACE_SECONDS:-10}

root=$WORK/root
debian_root "$root"
bin=$root/usr/bin
install -d -m 0755 "$root/opt"
install -m 4755 -o root -g root /bin/true "$bin/decoy-uid"
ln "$bin/decoy-uid" "$root/opt/decoy-uid-link"
install -m 4755 -o root -g root /bin/true "$root/opt/decoy-gid"
ln -s ../../opt/decoy-gid "$bin/decoy-gid-link"
uid_ino=$(stat -c %i "$bin/newuidmap")
gid_ino=$(stat -c %i "$bin/newgidmap")

# Stopped by its pid below; the deadline only guards against a test killed before that.
"$python" - "$bin" "$((seconds + 10))" <<'EOF' &
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
bin_dir = sys.argv[1]
pairs = [(os.path.join(bin_dir, a).encode(), os.path.join(bin_dir, b).encode())
         for a, b in (("newuidmap", "decoy-uid"), ("newgidmap", "decoy-gid-link"))]
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    for a, b in pairs:
        if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
            sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
EOF
swapper=$!
# shellcheck disable=SC2064 # expand now: stop this very process, then remove the folder
trap "kill $swapper 2>/dev/null || true; rm -rf -- '$WORK'" EXIT

# Checked after every run, so that a capability given by apply and taken away again by the
# next restore cannot slip through. Few processes per check keep the runs frequent.
decoys_untouched() {
    [ "$(stat -c '%a %h' "$root/opt/decoy-uid-link" "$root/opt/decoy-gid" | tr '\n' ' ')" = \
        "4755 2 4755 1 " ] &&
        [ -z "$(getcap -n "$root/opt/decoy-uid-link" "$root/opt/decoy-gid")" ]
}

changed=0 refused=0 done_runs=0
end=$((SECONDS + seconds))
while [ "$done_runs" -lt "$runs" ] && [ "$SECONDS" -lt "$end" ]; do
    for goal in apply restore; do
        run_prog "$goal" --root "$root"
        # Some runs meet a decoy (exit 1); none may fail to judge the root (exit 3) or crash.
        [ "$RC" -le 1 ] || fail "$goal exited $RC under the swapping: $ERR"
        decoys_untouched || fail "a decoy was changed by $goal (run $done_runs):
$(getcap -n "$root/opt/decoy-uid-link" "$root/opt/decoy-gid")
$(stat -c '%n %a %h' "$root/opt/decoy-uid-link" "$root/opt/decoy-gid")
$ERR"
        [[ $ERR != *": changed:"* ]] || changed=$((changed + 1))
        [[ $ERR != *": refused"* ]] || refused=$((refused + 1))
        done_runs=$((done_runs + 1))
    done
done
kill -0 "$swapper" 2>/dev/null || fail "the swapping helper stopped early"
kill "$swapper"
wait "$swapper" 2>/dev/null || true

# Without both kinds of run the race was never really run.
[ "$changed" -gt 0 ] || fail "no run changed a file: the originals were never met"
[ "$refused" -gt 0 ] || fail "no run refused a decoy: the swapping never showed"
decoys_untouched || fail "a decoy was changed"
for ino_cap in "$uid_ino:cap_setuid=ep" "$gid_ino:cap_setgid=ep"; do
    original=$(find "$bin" -maxdepth 1 -inum "${ino_cap%%:*}")
    [ -n "$original" ] || fail "original inode ${ino_cap%%:*} is gone"
    has_working_mechanism "$original" "${ino_cap#*:}" ||
        fail "$original has no working mechanism:" \
            "$(stat -c %a "$original") $(caps_ns_of "$original")"
done
for name_cap in newuidmap:cap_setuid=ep newgidmap:cap_setgid=ep; do
    path=$bin/${name_cap%%:*}
    [ -L "$path" ] && continue # the symlink decoy: its target was checked above
    has_working_mechanism "$path" "${name_cap#*:}" || fail "$path has no working mechanism"
done
pass "$done_runs runs under swapping ($changed with a change, $refused with a refusal):" \
    "decoys untouched"
