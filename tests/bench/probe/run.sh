#!/usr/bin/env bash
# make bench part for iwg-probe: media capacity, then signaling CPU per call.
top=$(cd "$(dirname "$0")/../../.." && pwd)
rc=0
for b in "$top"/tests/bench/probe/media.sh "$top"/tests/bench/probe/signaling.sh; do
	bash "$b" || { echo "bench: $b failed" >&2; rc=1; }
done
exit $rc
