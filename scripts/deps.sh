#!/usr/bin/env bash
# Installs what iwg needs on Debian 12, idempotently: the apt packages listed
# in scripts/packages.txt and in any component's packages.txt, the Node test
# dependencies from package-lock.json, and the Kamailio source matching the
# installed kamailio package (for building our modules). Safe to run again:
# it only does what is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${IWG_BUILD:-$top/build}

log() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (apt-get install needs it)"
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || log "warning: built for Debian 12 (bookworm), this is ${PRETTY_NAME:-unknown}"

# --- apt packages ------------------------------------------------------------
# scripts/packages.txt, plus a packages.txt beside any component that needs more
mapfile -t wanted < <(cd "$top" && cat scripts/packages.txt \
	$(ls modules/*/packages.txt lib/*/packages.txt tools/*/packages.txt \
		rtpengine-ext/*/packages.txt admin/packages.txt 2>/dev/null) | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' | sort -u)
missing=()
for p in "${wanted[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
# nodejs may come from another repository with npm bundled
if command -v node >/dev/null && command -v npm >/dev/null; then
	missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sed '/^$/d')
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	log "apt packages: all present"
fi
# packages may start services on install; iwg runs its own instances
for svc in redis-server rtpengine-daemon kamailio prometheus; do
	if command -v systemctl >/dev/null && systemctl is-active -q "$svc" 2>/dev/null; then
		log "note: system service $svc is running; iwg uses its own instances"
	fi
done
grep -q 'AMR-WB: fully supported' <(rtpengine --codecs 2>/dev/null) \
	|| die "rtpengine cannot encode AMR-WB: is libavcodec-extra59 installed?"

# --- Node test dependencies --------------------------------------------------
stamp=$top/node_modules/.iwg-lock.sha
want=$(sha256sum "$top/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "npm ci (JsSIP, esbuild, web bundles and their tools; no browser download)"
	(cd "$top" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
	echo "$want" >"$stamp"
else
	log "node modules: up to date"
fi

# --- Kamailio source for module builds ---------------------------------------
"$top/scripts/kamailio-src.sh" "$build"
