#!/usr/bin/env bash
# make bench part for iwg_idmap: cache hit vs Redis miss vs raw GET, measured
# in one run against a throwaway redis-server on loopback.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
build=${IWG_BUILD:-$top/build}
. "$top/tests/lib/wait.sh"
work=$build/bench/idmap
mkdir -p "$work"
gcc -std=gnu11 -O2 -I"$top/lib" "$top/tests/bench/idmap/bench_idmap.c" \
	"$top/modules/iwg_idmap/idmap_cache.c" "$top/modules/iwg_idmap/idmap_backend.c" \
	"$top"/lib/idstore/idstore*.c -lhiredis -ljson-c -lcrypto -lpthread \
	-o "$work/bench_idmap" || exit 1
port=16399
redis-server --bind 127.0.0.1 --port $port --save "" --appendonly no \
	--dir "$work" >"$work/redis.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
wait_until 10 redis-cli -p $port ping || { echo "bench: redis did not start"; exit 1; }
"$work/bench_idmap" 127.0.0.1 $port
