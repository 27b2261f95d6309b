#!/usr/bin/env bash
# Installs a built tree (make modules bins) in Debian's layout; run by
# `make install`. Every path below is under $DESTDIR (empty: the system).
#
#   $PREFIX/lib/<multiarch>/iwg/modules/   iwg_*.so (the shipped cfgs' mpath)
#   $SYSCONFDIR/iwg/<preset>/              kamailio.cfg, site.cfg per preset
#   $SYSCONFDIR/iwg/edge/                  routing shared by the presets
#   $SYSCONFDIR/iwg/hdrmed/                header mediation rules
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
#   $PREFIX/lib/tmpfiles.d/iwg.conf        /run/iwg at boot
#
# An operator's edit of a file under $SYSCONFDIR is kept: the checksums of
# the files shipped last time are in $PREFIX/share/iwg/conf.md5sums; a file
# that differs from both the new and the last shipped version was edited,
# is left alone and the new one is written beside it as <file>.dist (and
# said), so `make install` never loses a site's settings; an unedited one
# is updated. Environment: DESTDIR, PREFIX (/usr), SYSCONFDIR (/etc),
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
for f in "$BUILD"/modules/iwg_edge.so "$BUILD"/bin/iwg-admind; do
	[ -f "$f" ] || die "$f is not built (make modules bins)"
done

root=$DESTDIR
etc=$root$SYSCONFDIR/iwg
moddir=$root$PREFIX/lib/$MULTIARCH/iwg/modules
kept=0
sums=$root$PREFIX/share/iwg/conf.md5sums
install -d -m 0755 "$(dirname "$sums")"
touch "$sums"
declare -A shipped=()
while read -r sum path; do
	[ -n "$path" ] && shipped[$path]=$sum
done <"$sums"
declare -A now=()

# conf SRC DST: a configuration file, an operator's edit kept
conf() {
	local src=$1 dst=$2 path=${2#"$root"} cur
	install -d -m 0755 "$(dirname "$dst")"
	if [ -e "$dst" ] && ! cmp -s "$src" "$dst"; then
		cur=$(md5sum <"$dst" | cut -d' ' -f1)
		if [ "${shipped[$path]:-}" != "$cur" ]; then
			install -m 0644 "$src" "$dst.dist"
			echo "install: kept $dst (edited); the shipped one is $dst.dist"
			kept=$((kept + 1))
			now[$path]=${shipped[$path]:-}
			return
		fi
	fi
	install -m 0644 "$src" "$dst"
	now[$path]=$(md5sum <"$src" | cut -d' ' -f1)
}

install -d -m 0755 "$moddir"
install -m 0644 "$BUILD"/modules/iwg_*.so "$moddir/"

for preset in combined contact-center gateway ims; do
	for f in "$top/kamcfg/$preset"/*.cfg; do
		conf "$f" "$etc/$preset/${f##*/}"
	done
done
for f in "$top"/kamcfg/edge/*.cfg; do
	conf "$f" "$etc/edge/${f##*/}"
done
for f in "$top"/kamcfg/hdrmed/*.rules; do
	conf "$f" "$etc/hdrmed/${f##*/}"
done
for f in "$top"/rtpengine-ext/profiles/*.conf; do
	conf "$f" "$etc/${f##*/}"
done
conf "$top/admin/iwg-admind.conf" "$etc/iwg-admind.conf"
conf "$top/packaging/rtpengine/rtpengine.conf" "$etc/rtpengine.conf"

for path in "${!now[@]}"; do
	[ -n "${now[$path]}" ] && echo "${now[$path]}  $path"
done | sort -k2 >"$sums"

install -d -m 0755 "$root$PREFIX/bin" "$root$PREFIX/sbin"
for b in "$BUILD"/bin/*; do
	case ${b##*/} in
	iwg-admind) install -m 0755 "$b" "$root$PREFIX/sbin/" ;;
	*) install -m 0755 "$b" "$root$PREFIX/bin/" ;;
	esac
done
install -m 0755 "$top/packaging/iwg-first-secrets" "$root$PREFIX/sbin/"

for m in "$top"/packaging/man/*.[18]; do
	install -d -m 0755 "$root$PREFIX/share/man/man${m##*.}"
	install -m 0644 "$m" "$root$PREFIX/share/man/man${m##*.}/"
done

doc=$root$PREFIX/share/doc/iwg
install -d -m 0755 "$doc/api" "$doc/modules" "$doc/admin"
install -m 0644 "$top/README.md" "$top"/docs/*.md "$doc/"
install -m 0644 "$top"/docs/api/* "$doc/api/"
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
