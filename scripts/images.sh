#!/usr/bin/env bash
# Builds the container images (make images) from docker/Dockerfile with
# podman or docker (IWG_CONTAINER; podman when present): iwg (Kamailio,
# rtpengine, iwg-admind and our packages), iwg-redis, and iwg-build (the
# build stage, kept as the next build's cache). The base image is
# debian:bookworm-slim when present or pulled; where no registry answers, a
# local one made by scripts/base-image.sh (localhost/iwg-debian, given as
# the build argument DEBIAN_IMAGE; IWG_BASE_PULL=0: no pull is tried, as
# in make test); the build reaches only the Debian mirror apt is configured
# with (--network host). Records the outcome in
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

# the image build copies the browser bundles from the context (make web)
for w in $(sed -n 's/^WEBS += //p' "$top"/web/*/build.mk); do
	[ -f "$top/build/web/$w/.built" ] ||
		fail "$top/build/web/$w is not built (make web; the image build copies build/web)"
done

start=$SECONDS
base=docker.io/library/debian:bookworm-slim
: >"$log"
if ! "$engine" image inspect "$base" >/dev/null 2>&1 &&
	{ [ "${IWG_BASE_PULL:-1}" = 0 ] || ! timeout 120 "$engine" pull "$base" >>"$log" 2>&1; }; then
	base=localhost/iwg-debian:bookworm-slim
	echo "images: debian:bookworm-slim not pulled (IWG_BASE_PULL=0 or no registry); the base image is made locally ($base)" >>"$log"
	IWG_BASE_IMAGE=$base "$top/scripts/base-image.sh" "$engine" >>"$log" 2>&1 ||
		fail "no base image: debian:bookworm-slim cannot be pulled and $base cannot be made"
fi
opts=(--network host -f docker/Dockerfile --build-arg "DEBIAN_IMAGE=$base")
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
