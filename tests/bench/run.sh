#!/usr/bin/env bash
# make bench: every tests/bench/<area>/run.sh, each measuring side by side in
# one run and writing its figures under build/bench/ (see docs/benchmarks.md),
# then one summary table of the headline figures of every area.
# Benchmarks are not part of make test: figures are reported, never asserted.
#   tests/bench/run.sh [AREA...]   only these areas (probe, hdrmed, idmap, admind, verto,
#                                  capacity)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
out=$IWG_BUILD/bench
mkdir -p "$out"
rc=0
for b in "$top"/tests/bench/*/run.sh; do
	[ -f "$b" ] || continue
	area=$(basename "$(dirname "$b")")
	[ $# -gt 0 ] && [[ " $* " != *" $area "* ]] && continue
	echo "== bench $area"
	bash "$b" 2>&1 | tee "$out/$area.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "bench $area failed"; rc=1; }
done

# summary: one row per headline figure, from what each area left behind
row() { printf '%-48s %14s  %s\n' "$1" "$2" "$3"; }
echo
echo "== iwg benchmark summary ($(nproc) CPUs, $(date -u +%FT%TZ))"
row "figure" "value" "target / note"
if [ -s "$out/hdrmed.json" ]; then
	row "hdrmed ims-volte engine, us per message" \
		"$(jq -r .engine_us_per_msg "$out/hdrmed.json")" "<= 5 us"
	row "hdrmed ims-volte in Kamailio, extra us/message" \
		"$(jq -r .delta_us_per_msg_raw "$out/hdrmed.json")" "raw CPU delta vs no hdrmed"
fi
if [ -s "$out/idmap.out" ]; then
	sed -n 's/^idmap cache hit: *\([0-9.]*\) us.*/\1/p' "$out/idmap.out" |
		while read -r v; do row "idmap cache hit, us" "$v" "<= 2 us"; done
	sed -n 's/^idmap miss.*= *\([0-9.]*\)x GET.*/\1/p' "$out/idmap.out" |
		while read -r v; do row "idmap miss / raw Redis GET" "$v" "<= 1.3"; done
fi
if [ -s "$out/admind.txt" ]; then
	sed -n 's/^healthz\/bare ratio, median of 3 pairs: *\([0-9.]*\).*/\1/p' "$out/admind.txt" |
		while read -r v; do row "admind /healthz / bare libmicrohttpd req/s" "$v" ">= 0.5"; done
fi
[ -s "$out/verto.json" ] &&
	row "verto / sip-ws Kamailio CPU per call" \
		"$(jq -r '.ratio.raw * 1000 | round / 1000' "$out/verto.json")" "<= 1.3"
if [ -s "$out/capacity-memory.json" ]; then
	jq -r '.results[] | .transport as $t | .steps[]
		| "\($t) \(.connections) \(.shm_per_client / 1024 * 10 | round / 10) \(.pkg_per_client | round)"' \
		"$out/capacity-memory.json" | while read -r t n shm pkg; do
		row "shm KiB per idle $t connection at $n" "$shm" "reported (pkg $pkg B)"
	done
fi
if [ -s "$out/capacity-cluster.json" ]; then
	row "cluster: Kamailio CPU ms per call, one node" \
		"$(jq -r '.configs.one.ms_per_call.mean * 1000 | round / 1000' "$out/capacity-cluster.json")" "reported"
	row "cluster: two / one nodes, CPU per call" \
		"$(jq -r '.two_over_one_cpu_per_call.raw * 1000 | round / 1000' "$out/capacity-cluster.json")" "reported (50 % handed off)"
	row "cluster: hand-off / local call, CPU" \
		"$(jq -r '.handoff_over_local * 1000 | round / 1000' "$out/capacity-cluster.json")" "reported"
	row "cluster: two / one throughput, own cores" \
		"$(jq -r '.projected_two_over_one_throughput * 1000 | round / 1000' "$out/capacity-cluster.json")" "reported (extrapolated)"
fi
[ -s "$out/probe-signaling.json" ] || [ -s "$out/probe-media.json" ] &&
	row "signaling and media (iwg-probe)" "-" "table printed above; tests/bench/probe/table.sh"
exit $rc
