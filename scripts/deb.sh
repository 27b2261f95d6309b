#!/usr/bin/env bash
# Builds the Debian packages (make deb): the tracked tree is copied to
# $BUILD/deb/src (dpkg-buildpackage writes beside the tree it builds), the
# Kamailio source already fetched and the browser bundles already built
# (make web: esbuild and its inputs come from npm, not from Debian, so they
# are built before, like the Kamailio source is fetched before) are linked
# in, the packages land in
# $BUILD/deb/ and lintian checks them (its errors fail the build; its
# report is $BUILD/deb/lintian.txt). IWG_DEB_LINTIAN=0 skips lintian (the
# container image build, docker/Dockerfile, which does not install it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$top/build}"
out=$BUILD/deb
src=$out/src
die() { echo "deb: $*" >&2; exit 1; }
[ -f "$BUILD/kamailio-src/src/config.mak" ] || die "no Kamailio source in $BUILD/kamailio-src (make deb fetches it)"
[ -d "$BUILD/web" ] || die "no browser bundles in $BUILD/web (make deb builds them: make web)"

rm -rf "$out" && mkdir -p "$src/build"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src")
else
	tar -C "$top" --exclude=./build --exclude=./node_modules -cf - . | tar -C "$src" -xf -
fi
ln -s "$BUILD/kamailio-src" "$src/build/kamailio-src"
ln -s "$BUILD/web" "$src/build/web"
(cd "$src" && dpkg-buildpackage -b -uc -us) >"$out/build.log" 2>&1 ||
	die "dpkg-buildpackage failed: $(tail -5 "$out/build.log")"
changes=$(ls "$out"/*.changes)
if [ "${IWG_DEB_LINTIAN:-1}" = 0 ]; then
	echo "deb: $(cd "$out" && ls ./*.deb | tr '\n' ' ')in $out; lintian skipped (IWG_DEB_LINTIAN=0)"
	exit 0
fi
# errors fail; warnings and notes are reported
if ! lintian --fail-on error "$changes" >"$out/lintian.txt" 2>&1; then
	die "lintian found errors: $(grep '^E:' "$out/lintian.txt" | head -10)"
fi
echo "deb: $(cd "$out" && ls ./*.deb | tr '\n' ' ')in $out; lintian: $(grep -c '^W:' "$out/lintian.txt" || true) warnings (lintian.txt)"
