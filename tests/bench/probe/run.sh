#!/usr/bin/env bash
# make bench part for iwg-probe: media capacity (media.sh), then signaling
# CPU per call (signaling.sh), then one table of every figure (table.sh).
# Progress goes to stderr; each part's figure lines are kept in
# $IWG_BUILD/bench/probe-<part>.txt beside its JSON. The defaults take
# about 10 minutes on a 2-core VM (docs/benchmarks.md lists the settings).
top=$(cd "$(dirname "$0")/../../.." && pwd)
dir=${IWG_BUILD:-$top/build}/bench
mkdir -p "$dir"
rc=0
for part in media signaling; do
	rm -f "$dir/probe-$part.json"
	bash "$top/tests/bench/probe/$part.sh" >"$dir/probe-$part.txt" \
		|| { echo "bench probe: $part.sh failed (status $?)" >&2; rc=1; }
done
bash "$top/tests/bench/probe/table.sh"
exit $rc
