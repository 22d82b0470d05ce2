#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fixture for every package test: a minimal Debian 12 root made by mmdebstrap, kept as a
# tarball in $UFC_CACHE_DIR/package, with
#   - the helper's and uidmap's dependencies installed (so that installing either later needs
#     no download), but neither package itself;
#   - the root's apt lists, and Debian's uidmap .deb in the root's apt archive cache, so that
#     apt-get install uidmap and apt-get install --reinstall uidmap work offline;
#   - beside the tarball, that uidmap .deb and a copy repacked with a higher Version (control
#     file only: the binaries are Debian's, byte for byte).
# A tarball built from the same inputs less than a week ago is reused; UFC_REFRESH_ROOT=1
# builds a new one. Needs the network (Debian's archive) only when it builds.
source "$(dirname "$0")/lib.sh"

pkg_require_packages util-linux tar libcap2-bin dpkg mmdebstrap debian-archive-keyring apt
pkg_find_helper_deb

suite=bookworm
variant=minbase
# The helper's dependencies by name (first of each alternative), without uidmap.
helper_deps=$(dpkg-deb -f "$HELPER_DEB" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//' |
    tr -d ' ' | grep -vx -e uidmap -e '' | sort -u | paste -sd, -)
key="suite=$suite variant=$variant arch=$PKG_ARCH include=$helper_deps"

if [ "${UFC_REFRESH_ROOT:-0}" != 1 ] && [ -f "$PKG_ROOT_TAR" ] &&
    [ "$(cat "$PKG_ROOT_KEY" 2>/dev/null)" = "$key" ] &&
    [ -n "$(find "$PKG_ROOT_TAR" -mmin -10080)" ] &&
    [ -n "$(first_file "$PKG_CACHE/debs/real" 'uidmap_*.deb')" ] &&
    [ -n "$(first_file "$PKG_CACHE/debs/bumped" 'uidmap_*.deb')" ]; then
    echo "reusing the Debian root built $(stat -c %y "$PKG_ROOT_TAR") ($key)"
    echo "ok - cached root and uidmap packages are ready (UFC_REFRESH_ROOT=1 rebuilds them)"
    exit 0
fi

mkdir -p "$PKG_CACHE"
# The scratch folder sits beside the cache: the tarball is moved, not copied, into place.
pkg_workdir "$PKG_CACHE"
ROOT=$WORK/root

step "mmdebstrap --variant=$variant $suite, with $helper_deps"
started=$SECONDS
# mmdebstrap mounts /proc and /dev inside the root while it works: in a mount namespace of
# its own, none of that can stay behind or be seen outside. No mirror is named: mmdebstrap
# writes Debian's default sources (release, updates, security) into the root, and every
# later apt run in the roots uses those.
if ! unshare --mount --propagation private -- mmdebstrap --variant="$variant" \
    --include="$helper_deps" --skip=cleanup/apt "$suite" "$ROOT" </dev/null \
    >"$WORK/mmdebstrap.log" 2>&1; then
    tail -n 30 "$WORK/mmdebstrap.log"
    fail "mmdebstrap failed (log above)"
fi
echo "mmdebstrap took $((SECONDS - started)) s"

step "Debian's uidmap into the root's apt cache, its dependencies installed"
# Only uidmap and what it needs; then every .deb but uidmap's goes, so that later installs
# of uidmap come from this cache and nothing else bloats the tarball.
must_succeed "downloading uidmap" apt-get install -y --no-install-recommends --download-only \
    uidmap
real=$(find "$ROOT/var/cache/apt/archives" -maxdepth 1 -name 'uidmap_*.deb')
[ -n "$real" ] || fail_with_log "apt-get left no uidmap .deb in the root's archive cache"
uidmap_deps=$(dpkg-deb -f "$real" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//' |
    tr -d ' ' | grep -v '^$' | sort -u)
# shellcheck disable=SC2086 # one package name per word
must_succeed "installing uidmap's dependencies" apt-get install -y --no-install-recommends \
    $uidmap_deps
find "$ROOT/var/cache/apt/archives" -maxdepth 1 -name '*.deb' ! -name 'uidmap_*' -delete
[ "$(pkg_state uidmap)" = un ] || fail "uidmap got installed while preparing the root"

step "a uidmap with a higher version: Debian's package, only its control Version raised"
version=$(dpkg-deb -f "$real" Version)
bumped_version=$version$PKG_BUMP
dpkg --compare-versions "$bumped_version" gt "$version" ||
    fail "$bumped_version does not sort above $version"
dpkg-deb -R "$real" "$WORK/repack"
sed -i "s/^Version: .*/Version: $bumped_version/" "$WORK/repack/DEBIAN/control"
mkdir -p "$WORK/debs/real" "$WORK/debs/bumped"
cp "$real" "$WORK/debs/real/"
bumped=$WORK/debs/bumped/uidmap_${bumped_version#*:}_$PKG_ARCH.deb
dpkg-deb --root-owner-group -b "$WORK/repack" "$bumped" >/dev/null
[ "$(dpkg-deb -f "$bumped" Version)" = "$bumped_version" ] || fail "the repacked uidmap has" \
    "version $(dpkg-deb -f "$bumped" Version), not $bumped_version"
# Same files, same modes, same contents: only the version differs.
listing() { dpkg-deb -c "$1" | awk '{ print $1, $2, $3, $6 }'; }
contents() { dpkg-deb --fsys-tarfile "$1" | tar -xO --wildcards './usr/bin/*' | sha256sum; }
[ "$(listing "$real")" = "$(listing "$bumped")" ] ||
    fail "the repacked uidmap lists other files or modes than Debian's"
[ "$(contents "$real")" = "$(contents "$bumped")" ] ||
    fail "the repacked uidmap carries other binaries than Debian's"
listing "$bumped" | grep -q '^-rwsr-xr-x root/root .* ./usr/bin/newuidmap$' ||
    fail "newuidmap in the repacked uidmap is not 4755 root:root"

step "tarball of the root (capabilities and other xattrs kept)"
tar --xattrs --xattrs-include='*' --numeric-owner -C "$ROOT" -cf "$WORK/root.tar" .
rm -rf "$PKG_CACHE/debs"
mv "$WORK/debs" "$PKG_CACHE/debs"
mv "$WORK/root.tar" "$PKG_ROOT_TAR"
echo "$key" >"$PKG_ROOT_KEY"
echo "root: $PKG_ROOT_TAR ($(du -h "$PKG_ROOT_TAR" | cut -f1)); uidmap $version and" \
    "$bumped_version"
pass "cached root and uidmap packages are ready"
