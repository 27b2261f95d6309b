#!/usr/bin/env bash
# Builds the container images (make images) from docker/Dockerfile with
# podman or docker (IWG_CONTAINER; podman when present): iwg (Kamailio,
# rtpengine, iwg-admind and our packages), iwg-redis, and iwg-build (the
# build stage, kept as the next build's cache). The base image
# debian:bookworm-slim is made locally by scripts/base-image.sh when absent
# (machines without an image registry); the build reaches only the Debian
# mirror apt is configured with (--network host). Records the outcome in
# $BUILD/images.status ("ok ..." or "failed ..."), which
# tests/integration/install/03-containers reads; the build's output is in
# $BUILD/images.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$top/build}"
engine=${IWG_CONTAINER:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}
status=$BUILD/images.status
log=$BUILD/images.log
mkdir -p "$BUILD"
rm -f "$status"
fail() {
	echo "failed $(date -u +%FT%TZ): $* (log: $log)" >"$status"
	echo "images: $* (log: $log)" >&2
	exit 1
}

start=$SECONDS
"$top/scripts/base-image.sh" "$engine" >"$log" 2>&1 || fail "no base image debian:bookworm-slim"
opts=(--network host -f docker/Dockerfile)
# podman: Docker's image format keeps the HEALTHCHECK (OCI's has none)
[ "$engine" = podman ] && opts+=(--format docker)
# the build stage is tagged too (iwg-build): it holds the build
# dependencies and the Kamailio source, the cache of the next build
for t in build:iwg-build iwg:iwg redis:iwg-redis; do
	echo "images: $engine build --target ${t%%:*} -t ${t#*:}" >>"$log"
	(cd "$top" && "$engine" build "${opts[@]}" --target "${t%%:*}" -t "${t#*:}" .) \
		>>"$log" 2>&1 || fail "$engine build --target ${t%%:*} failed: $(tail -3 "$log" | tr '\n' ' ')"
done
# what a new build superseded: untagged images of this Dockerfile (its
# label), never another project's
"$engine" image prune -f --filter label=io.iwg.dockerfile=docker/Dockerfile >>"$log" 2>&1 || true
echo "ok $(date -u +%FT%TZ) $engine, $((SECONDS - start)) s" >"$status"
echo "images: iwg, iwg-redis built with $engine in $((SECONDS - start)) s"
