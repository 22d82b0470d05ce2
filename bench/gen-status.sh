#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes a dpkg status file of COUNT packages to stdout, uidmap among them, for the
# benchmark's growth runs. The stanzas look like a Debian system's: the same fields in dpkg's
# order, dependency lists, conffiles, multi-line descriptions, about 0.9 KB each (a Debian 12
# system's status file averages that), names in sorted order as dpkg writes them. The output
# depends on COUNT only: a fixed pseudo-random sequence, not awk's rand(), which differs
# between mawk and gawk.
#
#   gen-status.sh COUNT [UIDMAP-VERSION]
set -eu

count=${1:?usage: gen-status.sh COUNT [UIDMAP-VERSION]}
version=${2:-1:4.13+dfsg1-1+deb12u1}

awk -v count="$count" -v uidmap_version="$version" '
function rnd(n) {
    # Park-Miller: the product stays below 2^53, so every awk computes it exactly.
    seed = (seed * 16807) % 2147483647
    return seed % n
}
function pick(list, n) { return list[rnd(n) + 1] }
function uidmap_stanza() {
    print "Package: uidmap"
    print "Status: install ok installed"
    print "Priority: optional"
    print "Section: admin"
    print "Installed-Size: 311"
    print "Maintainer: Shadow package maintainers <pkg-shadow-devel@example.org>"
    print "Architecture: amd64"
    print "Multi-Arch: foreign"
    print "Source: shadow"
    print "Version: " uidmap_version
    print "Depends: libaudit1 (>= 1:2.2.1), libc6 (>= 2.34), libselinux1 (>= 3.1~)," \
        " libsubid4 (>= 1:4.11.1)"
    print "Description: programs to help use subuids"
    print " These programs help unprivileged users to create uid and gid mappings in"
    print " user namespaces."
    print "Homepage: https://example.org/shadow-maint/shadow"
    print ""
}
function initial(i) { return substr("abcdefghijklmnopqrstuvwxyz", int(i * 26 / count) + 1, 1) }
function stanza(i,    name, lib, n, k, line, deps, version) {
    name = initial(i) "pkg" sprintf("%06d", i)
    lib = rnd(3) == 0
    print "Package: " name
    print "Status: " (rnd(40) == 0 ? "deinstall ok config-files" : "install ok installed")
    print "Priority: " pick(priorities, 4)
    print "Section: " (lib ? "libs" : pick(sections, 8))
    print "Installed-Size: " (rnd(20000) + 8)
    print "Maintainer: Debian " pick(words, 16) " Maintainers <pkg-" pick(words, 16) "@example.org>"
    print "Architecture: " (!lib && rnd(4) == 0 ? "all" : "amd64")
    if (lib)
        print "Multi-Arch: same"
    if (rnd(2) == 0)
        print "Source: " name "-src (" (rnd(9) + 1) "." rnd(30) "-" (rnd(5) + 1) ")"
    version = (rnd(3) == 0 ? (rnd(3) + 1) ":" : "") (rnd(9) + 1) "." rnd(30) "." rnd(12)
    version = version "-" (rnd(5) + 1) (rnd(4) == 0 ? "+deb12u" (rnd(3) + 1) : "")
    print "Version: " version
    if (rnd(3) == 0)
        print "Pre-Depends: libc6 (>= 2.34)"
    deps = "libc6 (>= 2." (rnd(10) + 28) ")"
    n = rnd(7) + 1
    for (k = 0; k < n; k++)
        deps = deps ", lib" pick(words, 16) (rnd(9) + 1) " (>= " (rnd(5) + 1) "." rnd(20) ")"
    print "Depends: " deps
    if (rnd(4) == 0)
        print "Recommends: " pick(words, 16) "-common, " pick(words, 16) "-data"
    if (rnd(8) == 0)
        print "Suggests: " pick(words, 16) "-doc"
    if (rnd(7) == 0) {
        print "Conffiles:"
        n = rnd(4) + 1
        for (k = 0; k < n; k++)
            printf " /etc/%s/%s%d.conf %08x%08x%08x%08x\n", name, pick(words, 16), k,
                rnd(2147483647), rnd(2147483647), rnd(2147483647), rnd(2147483647)
    }
    line = pick(words, 16) " " pick(words, 16)
    print "Description: " line " for the " pick(words, 16) " " pick(words, 16) " system"
    n = rnd(6) + 3
    for (k = 0; k < n; k++) {
        line = ""
        while (length(line) < 68)
            line = line " " pick(words, 16)
        print line
    }
    print "Homepage: https://example.org/" name
    print ""
}
BEGIN {
    seed = 20240601
    split("required important standard optional", priorities, " ")
    split("admin devel utils net python perl text misc", sections, " ")
    split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike" \
          " november oscar papa", words, " ")
    placed = 0
    for (i = 0; i < count - 1; i++) {
        # "uidmap" sorts before every name starting with "upkg".
        if (!placed && initial(i) > "t") {
            uidmap_stanza()
            placed = 1
        }
        stanza(i)
    }
    if (!placed)
        uidmap_stanza()
}'
