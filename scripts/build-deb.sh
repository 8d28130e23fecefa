#!/usr/bin/env bash
# make deb: the Debian packages, with dpkg-buildpackage and the debian/
# directory, into build/deb/. dpkg-buildpackage writes its results
# beside the tree it builds, so it builds a copy of debian/ in
# build/deb/bulwark/ and debian/rules runs the project's Makefile in
# this tree (BWK_TOP): nothing is written outside build/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
cd "$top"

for t in dpkg-buildpackage dh; do
	command -v "$t" >/dev/null ||
		{ echo "BWK1902E make deb: $t is missing (dpkg-dev, debhelper); run make deps as root" >&2; exit 1; }
done
# the package's version is the program's: a stale changelog fails here
want=$(sed -n 's/.*BULWARK_VERSION[^"]*"\(.*\)".*/\1/p' src/lib/version.h)
have=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "$have" != "$want" ]; then
	echo "BWK1903E make deb: debian/changelog is at $have, src/lib/version.h at $want; add a changelog entry for $want" >&2
	exit 1
fi

rm -rf "$out"
mkdir -p "$out/bulwark"
cp -a debian "$out/bulwark/"
# -b: binary packages only (the tree is the source); -nc: nothing to
# clean in a fresh copy; unsigned: they are installed here, not uploaded
(cd "$out/bulwark" && BWK_TOP=$top DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -nc -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -40 "$out/build.log" >&2; echo "BWK1904E make deb: dpkg-buildpackage failed; see $out/build.log" >&2; exit 1; }
ls "$out"/*.deb
