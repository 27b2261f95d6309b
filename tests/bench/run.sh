#!/usr/bin/env bash
# make bench: every tests/bench/<area>/run.sh, each measuring side by side in
# one run and writing JSON under build/bench/ (see docs/benchmarks.md).
# Benchmarks are not part of make test: figures are reported, never asserted.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
mkdir -p "$IWG_BUILD/bench"
rc=0
for b in "$top"/tests/bench/*/run.sh; do
	[ -f "$b" ] || continue
	area=$(basename "$(dirname "$b")")
	[ $# -gt 0 ] && [[ " $* " != *" $area "* ]] && continue
	echo "== bench $area"
	bash "$b" || { echo "bench $area failed (status $?)"; rc=1; }
done
exit $rc
