#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fixture for the helper-upgrade scenario: the helper rebuilt from this tree with a higher
# version, by tools/build-deb on a copy of the tree whose debian/changelog gains a new
# stanza (VERSION+ufctest1, VERSION being the version of the .deb in UFC_DEB_DIR). The result
# is kept in $UFC_CACHE_DIR/package/rebuilt/<hash of that .deb> and reused until the .deb
# under test is rebuilt: keyed on the tree instead, every edit anywhere would cost a full
# package build. The build's own tests are skipped (nocheck): the unit and integration
# labels run them.
source "$(dirname "$0")/lib.sh"

pkg_require_packages dpkg-dev tar
pkg_find_helper_deb
: "${UFC_SOURCE_DIR:?UFC_SOURCE_DIR must name the source tree}"

key=$(sha256sum "$HELPER_DEB" | cut -c1-16)
out=$PKG_CACHE/rebuilt/$key
existing=$(first_file "$out" "uidmap-filecaps_*_$PKG_ARCH.deb")
if [ -n "$existing" ]; then
    echo "reusing $existing (made for $(basename "$HELPER_DEB") $key)"
    echo "$existing" >"$PKG_CACHE/rebuilt/current"
    pass "rebuilt helper $(dpkg-deb -f "$existing" Version) is ready"
    exit 0
fi

mkdir -p "$PKG_CACHE/rebuilt"
pkg_workdir "$PKG_CACHE/rebuilt"

step "copy of the tree with a new debian/changelog stanza"
copy=$WORK/src
mkdir "$copy"
tar -C "$UFC_SOURCE_DIR" --exclude=./.git --exclude='./build*' --exclude=./debian/build \
    --exclude='./obj-*' -cf - . | tar -C "$copy" -xf -
version=$HELPER_VERSION$PKG_BUMP
maintainer=$(dpkg-parsechangelog -l "$copy/debian/changelog" -S Maintainer)
{
    printf 'uidmap-filecaps (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Rebuild with a higher version for the package tests.\n\n'
    printf ' -- %s  %s\n\n' "$maintainer" "$(date -R)"
    cat "$copy/debian/changelog"
} >"$WORK/changelog"
mv "$WORK/changelog" "$copy/debian/changelog"
[ "$(dpkg-parsechangelog -l "$copy/debian/changelog" -S Version)" = "$version" ] ||
    fail "the new changelog stanza does not parse as version $version"

step "tools/build-deb (DEB_BUILD_OPTIONS=nocheck)"
started=$SECONDS
if ! DEB_BUILD_OPTIONS="nocheck parallel=2" bash "$copy/tools/build-deb" "$WORK/out" \
    >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log"
    fail "tools/build-deb failed on the copy with version $version (log above)"
fi
echo "tools/build-deb took $((SECONDS - started)) s"
deb=$WORK/out/uidmap-filecaps_${version}_$PKG_ARCH.deb
[ -f "$deb" ] || fail "tools/build-deb made no $(basename "$deb"): $(ls "$WORK/out")"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb is not version $version"

# Only the newest tree's build is kept.
find "$PKG_CACHE/rebuilt" -mindepth 1 -maxdepth 1 ! -path "$WORK" -exec rm -rf {} +
mkdir "$out"
mv "$deb" "$out/"
echo "$out/$(basename "$deb")" >"$PKG_CACHE/rebuilt/current"
pass "rebuilt helper $version is ready"
