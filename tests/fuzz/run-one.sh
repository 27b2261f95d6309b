#!/usr/bin/env bash
# Runs one libFuzzer target for a while on its seed corpus and prints one TAP
# line. Crash inputs are kept under BUILD/fuzz-artifacts/NAME/.
# Usage: run-one.sh BUILD NAME SECONDS
set -uo pipefail
build=$1 name=$2 secs=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/tests/fuzz/fuzz_$name
work=$build/fuzz-work/$name
art=$build/fuzz-artifacts/$name/
rm -rf "$work"; mkdir -p "$work" "$art"
seeds=$top/tests/fuzz/corpus/$name
[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null
if "$bin" -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$art" -max_len=65536 "$work" >"$build/fuzz-work/$name.log" 2>&1; then
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-work/$name.log" | grep -o '[0-9]*$')
	echo "ok 1 - fuzz $name: ${runs:-?} inputs in ${secs}s without a crash"
else
	echo "not ok 1 - fuzz $name crashed: inputs in $art, log $build/fuzz-work/$name.log"
	tail -30 "$build/fuzz-work/$name.log" | sed 's/^/# /'
	exit 1
fi
