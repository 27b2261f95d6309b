#!/usr/bin/env bash
# Fetches the Kamailio source of exactly the installed kamailio package version,
# verifies it (apt checks the signed Sources index hashes, dpkg-source the .dsc
# checksums), unpacks it under BUILD/kamailio-src and runs Kamailio's
# `make cfg` once. The system's apt configuration is not touched: deb-src
# entries for the configured Debian suites go to a private source list.
# Usage: kamailio-src.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: kamailio-src.sh BUILD_DIR}
log() { printf 'kamailio-src: %s\n' "$*"; }
die() { printf 'kamailio-src: error: %s\n' "$*" >&2; exit 1; }

ver=$(dpkg-query -W -f='${Version}' kamailio 2>/dev/null) \
	|| die "the kamailio package is not installed (run make deps)"
upstream=${ver%-*}
dst=$build/kamailio-src
stamp=$dst/.iwg-version
if [ "$(cat "$stamp" 2>/dev/null)" = "$ver" ] && [ -f "$dst/src/config.mak" ]; then
	log "source $ver: present"
	exit 0
fi

work=$build/apt-src
rm -rf "$work" "$dst"
mkdir -p "$work/lists/partial" "$work/dl"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
"$(dirname "$0")/debian-suites.sh" |
	while read -r uri suite comp; do
		echo "deb-src [signed-by=$keyring] $uri $suite $comp"
	done >"$work/sources.list"
[ -s "$work/sources.list" ] || die "no Debian suites configured in apt"
opts=(-o "Dir::Etc::SourceList=$work/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$work/lists"
	-o APT::Sandbox::User=root)
log "fetching kamailio=$ver source (deb-src: $(wc -l <"$work/sources.list") suites)"
apt-get "${opts[@]}" -q update >"$work/update.log" 2>&1 \
	|| die "apt-get update of deb-src failed, see $work/update.log"
(cd "$work/dl" && apt-get "${opts[@]}" -q source --download-only "kamailio=$ver") \
	>"$work/source.log" 2>&1 || die "apt-get source failed, see $work/source.log"
dsc=$work/dl/kamailio_${ver#*:}.dsc
[ -f "$dsc" ] || die "missing $dsc after download"
# dpkg-source verifies every file against the checksums in the .dsc
dpkg-source --no-copy -x "$dsc" "$dst" >"$work/unpack.log" 2>&1 \
	|| die "unpacking failed (checksum mismatch?), see $work/unpack.log"
grep -q "^VERSION = ${upstream%%.*}" "$dst/src/Makefile.defs" \
	|| die "unpacked source does not look like kamailio $upstream"
log "make cfg"
make -C "$dst" cfg >"$work/cfg.log" 2>&1 || die "make cfg failed, see $work/cfg.log"
echo "$ver" >"$stamp"
log "source $ver ready in $dst"
