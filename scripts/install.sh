#!/usr/bin/env bash
# Installs a built tree (make modules bins web) in Debian's layout; run by
# `make install`. Every path below is under $DESTDIR (empty: the system).
#
#   $PREFIX/lib/<multiarch>/iwg/modules/   iwg_*.so (the shipped cfgs' mpath)
#   $SYSCONFDIR/iwg/<preset>/              kamailio.cfg, site.cfg per preset
#   $SYSCONFDIR/iwg/edge/                  routing shared by the presets
#   $SYSCONFDIR/iwg/hdrmed/                header mediation rules
#   $SYSCONFDIR/iwg/cc-dispatcher.list     contact-center entry points
#   $SYSCONFDIR/iwg/cc-routing.rules       contact-center routing rules
#   $SYSCONFDIR/iwg/*-profiles.conf       media profiles (ims-profiles: ims)
#   $SYSCONFDIR/iwg/iwg-admind.conf        iwg-admind settings
#   $SYSCONFDIR/iwg/rtpengine.conf         rtpengine with iwg's options
#   $PREFIX/lib/systemd/system/            iwg-kamailio@.service (one per
#                                          preset), iwg-rtpengine, iwg-admind
#   $PREFIX/bin/                           iwg-idctl, iwg-ng, iwg-probe, ...
#   $PREFIX/sbin/iwg-admind, iwg-first-secrets
#   $PREFIX/share/doc/iwg/                 docs, module READMEs
#   $PREFIX/share/man/man1/, man8/         manual pages of the tools
#   $PREFIX/share/iwg/sql/                 database schemas, create-sqlite.sh,
#                                          subscriber.sh (digest users)
#   $PREFIX/share/iwg/web/                 sdk/, console/, portal/: what
#                                          iwg-admind serves (its web_root)
#   $PREFIX/share/iwg/grafana/             the Grafana dashboard
#   $PREFIX/lib/tmpfiles.d/iwg.conf        /run/iwg at boot
#
# An operator's edit of a file under $SYSCONFDIR is kept
# (packaging/iwg-etc-sync): the checksums of the files shipped last time
# are in $PREFIX/share/iwg/conf.md5sums; a file that differs from both the
# new and the last shipped version was edited, is left alone and the new
# one is written beside it as <file>.dist (and said), so `make install`
# never loses a site's settings; an unedited one is updated. Environment: DESTDIR, PREFIX (/usr), SYSCONFDIR (/etc),
# BUILD (build), MULTIARCH (from the compiler).
#
# Installed on the system itself (no DESTDIR), it then runs
# iwg-first-secrets -u: the system user iwg and the first secrets, each
# only when absent.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${DESTDIR:=}" "${PREFIX:=/usr}" "${SYSCONFDIR:=/etc}" "${BUILD:=$top/build}"
: "${MULTIARCH:=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)}"

die() { echo "install: $*" >&2; exit 1; }
# the browser bundles: every WEBS of web/*/build.mk
webs=$(sed -n 's/^WEBS += //p' "$top"/web/*/build.mk)
[ -n "$webs" ] || die "no browser bundle in web/*/build.mk"
for f in "$BUILD"/modules/iwg_edge.so "$BUILD"/bin/iwg-admind; do
	[ -f "$f" ] || die "$f is not built (make modules bins)"
done
for w in $webs; do
	[ -f "$BUILD/web/$w/.built" ] || die "$BUILD/web/$w is not built (make web)"
done

root=$DESTDIR
etc=$root$SYSCONFDIR/iwg
moddir=$root$PREFIX/lib/$MULTIARCH/iwg/modules
sums=$root$PREFIX/share/iwg/conf.md5sums
install -d -m 0755 "$moddir"
install -m 0644 "$BUILD"/modules/iwg_*.so "$moddir/"

# the configuration tree as shipped, then synced into $etc keeping edits
stage=$BUILD/install-etc
rm -rf "$stage"
for preset in combined contact-center gateway ims; do
	install -d "$stage/$preset"
	cp "$top/kamcfg/$preset"/*.cfg "$stage/$preset/"
done
install -d "$stage/edge" "$stage/hdrmed"
cp "$top"/kamcfg/edge/*.cfg "$stage/edge/"
cp "$top"/kamcfg/hdrmed/*.rules "$stage/hdrmed/"
# the contact center's entry points and routing rules (cc.cfg)
cp "$top"/kamcfg/cc-dispatcher.list "$top"/kamcfg/cc-routing.rules "$stage/"
cp "$top"/rtpengine-ext/profiles/*.conf "$top/admin/iwg-admind.conf" \
	"$top/packaging/rtpengine/rtpengine.conf" "$stage/"
synced=$("$top/packaging/iwg-etc-sync" "$stage" "$etc" "$sums")
[ -z "$synced" ] || sed 's/^/install: /' <<<"$synced"
kept=$(grep -c '^kept ' <<<"$synced" || true)

install -d -m 0755 "$root$PREFIX/bin" "$root$PREFIX/sbin"
for b in "$BUILD"/bin/*; do
	case ${b##*/} in
	iwg-admind) install -m 0755 "$b" "$root$PREFIX/sbin/" ;;
	*) install -m 0755 "$b" "$root$PREFIX/bin/" ;;
	esac
done
install -m 0755 "$top/packaging/iwg-first-secrets" "$root$PREFIX/sbin/"
install -d -m 0755 "$root$PREFIX/share/iwg"
install -m 0755 "$top/packaging/iwg-etc-sync" "$root$PREFIX/share/iwg/"

for m in "$top"/packaging/man/*.[18]; do
	install -d -m 0755 "$root$PREFIX/share/man/man${m##*.}"
	install -m 0644 "$m" "$root$PREFIX/share/man/man${m##*.}/"
done

doc=$root$PREFIX/share/doc/iwg
install -d -m 0755 "$doc/api" "$doc/modules" "$doc/admin"
install -m 0644 "$top/README.md" "$top"/docs/*.md "$doc/"
install -m 0644 "$top"/docs/api/* "$doc/api/"
install -d -m 0755 "$doc/grafana"
install -m 0644 "$top/docs/grafana/README.md" "$doc/grafana/"
install -m 0644 "$top/admin/README.md" "$doc/admin/"
for r in "$top"/modules/*/README.md; do
	m=${r%/README.md}
	install -m 0644 "$r" "$doc/modules/${m##*/}.md"
done

for db in postgres sqlite; do
	install -d -m 0755 "$root$PREFIX/share/iwg/sql/$db"
	install -m 0644 "$top"/sql/$db/*.sql "$root$PREFIX/share/iwg/sql/$db/"
done
install -m 0755 "$top/sql/create-sqlite.sh" "$top/sql/subscriber.sh" \
	"$root$PREFIX/share/iwg/sql/"

# the browser bundles (no build stamp), and the Grafana dashboard
web=$root$PREFIX/share/iwg/web
rm -rf "$web"
for w in $webs; do
	install -d -m 0755 "$web/$w"
	(cd "$BUILD/web/$w" && find . -type f ! -name .built -print0 |
		xargs -0 -r -I{} install -D -m 0644 {} "$web/$w/{}")
done
install -d -m 0755 "$root$PREFIX/share/iwg/grafana"
install -m 0644 "$top"/docs/grafana/*.json "$root$PREFIX/share/iwg/grafana/"

units=$root$PREFIX/lib/systemd/system
install -d -m 0755 "$units"
install -m 0644 "$top"/packaging/systemd/*.service "$top/admin/iwg-admind.service" "$units/"

install -d -m 0755 "$root$PREFIX/lib/tmpfiles.d"
printf '%s\n' "# iwg: the runtime directory (Kamailio's control socket)" \
	"d /run/iwg 0750 kamailio kamailio -" >"$root$PREFIX/lib/tmpfiles.d/iwg.conf"
chmod 0644 "$root$PREFIX/lib/tmpfiles.d/iwg.conf"

[ -n "$DESTDIR" ] || "$PREFIX/sbin/iwg-first-secrets" -u -d "$SYSCONFDIR/iwg"

note=""
[ "$kept" -eq 0 ] || note=", $kept edited file(s) kept"
echo "install: iwg in ${DESTDIR:-/} (modules $PREFIX/lib/$MULTIARCH/iwg/modules," \
	"configuration $SYSCONFDIR/iwg$note)"
