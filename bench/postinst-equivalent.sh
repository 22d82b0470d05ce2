#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark's shell equivalent: what an administrator's maintainer script would do instead
# of uidmap-filecaps, on the root given as $1. With nothing to change it only looks
# (dpkg-query, getcap, stat: three commands); when both files need changing it then also runs
# setcap on each and one chmod u-s. It is measured, never installed.
set -e

root=$1
uidmap=$root/usr/bin/newuidmap
gidmap=$root/usr/bin/newgidmap
nl='
'

# The package state decides whether there is anything to keep right, and the version goes
# into the log line, as it does in the program's.
state=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Version}' uidmap)
case $state in
ii*) ;;
*) exit 0 ;;
esac

# getcap prints one "PATH CAPS" line per file that carries capabilities; stat prints one
# "MODE OWNER:GROUP" line per file, in argument order.
caps=$nl$(getcap "$uidmap" "$gidmap")$nl
# shellcheck disable=SC2046 # word splitting into the four fields is the point
set -- $(stat -c '%a %U:%G' "$uidmap" "$gidmap")
if [ "$2" != root:root ] || [ "$4" != root:root ]; then
    echo "postinst: $uidmap or $gidmap is not owned by root:root; left alone" >&2
    exit 0
fi

# Capabilities first, the setuid bit last: the files never lose their privilege half-way.
changed=false
case $caps in
*"$nl$uidmap cap_setuid=ep$nl"*) ;;
*)
    setcap cap_setuid=ep "$uidmap"
    changed=true
    ;;
esac
case $caps in
*"$nl$gidmap cap_setgid=ep$nl"*) ;;
*)
    setcap cap_setgid=ep "$gidmap"
    changed=true
    ;;
esac
case "$1 $3" in
4???\ * | *\ 4???)
    chmod u-s "$uidmap" "$gidmap"
    changed=true
    ;;
esac
if [ "$changed" = true ]; then
    echo "postinst: $uidmap and $gidmap: file capabilities set, setuid bit dropped" \
        "(uidmap $state)" >&2
fi
