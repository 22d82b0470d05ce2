# SPDX-License-Identifier: GPL-2.0-or-later
# need_clang_runtime WHO PROBE...: runs PROBE, a command that compiles and links a small
# program with the clang runtime WHO needs. When it fails and we are root, installs clang
# and its sanitizer and fuzzer runtimes from Debian and probes again, so the script also
# works on its own on a fresh machine. Returns 2 when clang still cannot link.
need_clang_runtime() {
    local who=$1
    shift
    "$@" && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "$who: clang's runtime is missing; install clang and libclang-rt-14-dev" >&2
        return 2
    fi
    echo "$who: installing clang and its runtime (clang, libclang-rt-14-dev)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        clang libclang-rt-14-dev >/dev/null
    "$@" && return 0
    echo "$who: clang++ still cannot link its probe after installing" >&2
    return 2
}
