#!/usr/bin/env bash
# Makes a Debian 12 base image for docker/Dockerfile (its DEBIAN_IMAGE)
# locally, for machines that reach a Debian mirror but no image registry
# (scripts/images.sh calls it only when debian:bookworm-slim can be
# neither found nor pulled): mmdebstrap --variant=minbase with the Debian suites
# apt is configured with here (their lines become the image's apt sources),
# without documentation and locales like Debian's own slim image, imported
# with `podman import` (or docker) and tagged with a local name, never
# Debian's own (default localhost/iwg-debian:bookworm-slim). Does nothing
# when the image is present.
#
#   scripts/base-image.sh [ENGINE]   ENGINE: podman (default) or docker
#
# Environment: IWG_BASE_IMAGE (default localhost/iwg-debian:bookworm-slim).
set -euo pipefail
engine=${1:-${IWG_CONTAINER:-podman}}
image=${IWG_BASE_IMAGE:-localhost/iwg-debian:bookworm-slim}
log() { printf 'base-image: %s\n' "$*"; }
die() { printf 'base-image: error: %s\n' "$*" >&2; exit 1; }

if "$engine" image inspect "$image" >/dev/null 2>&1; then
	log "$image: present"
	exit 0
fi
command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (make deps)"

# the Debian suites apt uses on this machine, as one-line sources
mapfile -t sources < <("$(dirname "$0")/debian-suites.sh" |
	while read -r uri suite comp; do
		case $suite in bookworm | bookworm-updates | bookworm-security) ;; *) continue ;; esac
		echo "deb $uri $suite $comp"
	done)
[ ${#sources[@]} -gt 0 ] || die "no Debian 12 suite configured in apt"
log "building $image from: ${sources[*]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# as Debian's slim image: no man pages, docs (copyright files kept), locales
opts=(--dpkgopt='path-exclude=/usr/share/man/*'
	--dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-include=/usr/share/doc/*/copyright'
	--dpkgopt='path-exclude=/usr/share/locale/*'
	--dpkgopt='path-exclude=/usr/share/info/*')
# merged /usr made by mmdebstrap's hook, not by the usrmerge package (which
# would pull perl into the image)
hooks=/usr/share/mmdebstrap/hooks/merged-usr
[ -d "$hooks" ] && opts+=(--hook-dir="$hooks")
mmdebstrap --quiet --variant=minbase --format=tar "${opts[@]}" \
	--aptopt='APT::Install-Recommends "false"' \
	--customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
	bookworm "$work/rootfs.tar" "${sources[@]}" >"$work/mmdebstrap.log" 2>&1 ||
	die "mmdebstrap failed: $(tail -5 "$work/mmdebstrap.log")"
"$engine" import --change 'CMD ["bash"]' "$work/rootfs.tar" "$image" >/dev/null ||
	die "$engine import failed"
log "$image: made ($(du -h "$work/rootfs.tar" | cut -f1) root file system)"
