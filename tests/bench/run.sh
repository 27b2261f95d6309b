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

# summary: one row per headline figure, from what each area left behind,
# with its target and whether this run met it ("reported": no target)
row() { printf '%-50s %12s  %-10s %-8s %s\n' "$1" "$2" "$3" "$4" "${5:-}"; }
# judged FIGURE VALUE OP LIMIT [NOTE] [FAILED]: a row with "met" or "NOT
# met" (OP is <= or >=); an empty or null value, or FAILED > 0 calls failed
# in a run the figure comes from, is "not measured"
judged() {
	local st
	if [ "${6:-0}" != 0 ]; then
		row "$1" "-" "$3 $4" "-" "not measured ($6 failed calls)${5:+; $5}"
		return
	fi
	case $2 in
	'' | null) row "$1" "-" "$3 $4" "-" "not measured${5:+; $5}"; return ;;
	esac
	if awk -v v="$2" -v l="$4" -v op="$3" \
		'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then
		st=met
	else
		st="NOT met"
	fi
	row "$1" "$2" "$3 $4" "$st" "${5:-}"
}
# reported FIGURE VALUE [NOTE] [FAILED]: a row without a target (FAILED
# as for judged)
reported() {
	if [ "${4:-0}" != 0 ]; then
		row "$1" "-" "-" "-" "not measured ($4 failed calls)${3:+; $3}"
		return
	fi
	case $2 in
	'' | null) row "$1" "-" "-" "-" "not measured${3:+; $3}" ;;
	*) row "$1" "$2" "-" "reported" "${3:-}" ;;
	esac
}
# r3 FILE FILTER: the figure rounded to 3 decimals, or null
r3() { jq -r "($2) // null | if type == \"number\" then . * 1000 | round / 1000 else . end" "$1" 2>/dev/null; }
# failed FILE FILTER: the failed calls FILTER counts, 0 when absent
failed() { jq -r "($2) // 0" "$1" 2>/dev/null || echo 0; }
echo
echo "== iwg benchmark summary ($(nproc) CPUs, $(date -u +%FT%TZ))"
row "figure" "value" "target" "status" "note"
sig=$out/probe-signaling.json
if [ -s "$sig" ]; then
	judged "iwg / stock WebRTC cfg, instructions per call" \
		"$(r3 "$sig" .callgrind.iwg_over_webrtc)" "<=" 1.10 \
		"callgrind, wss, one connection (stock-webrtc.cfg)" \
		"$(failed "$sig" .callgrind.failed_calls)"
	reported "iwg / stock WebRTC cfg, CPU per wss call" \
		"$(r3 "$sig" .ratios.iwg_over_webrtc_wss.normalised)" \
		"normalised kam/UAS, a connection per call" \
		"$(failed "$sig" .ratios.iwg_over_webrtc_wss.failed_calls)"
	reported "iwg / stock WebRTC cfg, CPU, one connection" \
		"$(r3 "$sig" .ratios.iwg_over_webrtc_wss_1conn.normalised)" \
		"normalised kam/UAS" \
		"$(failed "$sig" .ratios.iwg_over_webrtc_wss_1conn.failed_calls)"
	reported "iwg / stock no-media cfg, CPU per UDP call" \
		"$(r3 "$sig" .ratios.iwg_over_stock_udp.normalised)" \
		"second reference (stock.cfg: no media); iwg: UDP peer -> browser" \
		"$(failed "$sig" .ratios.iwg_over_stock_udp.failed_calls)"
	judged "browser calls / UDP peer calls browser, 1 wss conn" \
		"$(r3 "$sig" .ratios.wss_1conn_over_udp_to_wss.normalised)" "<=" 1.3 \
		"CPU per call, normalised kam/SIP peer" \
		"$(failed "$sig" .ratios.wss_1conn_over_udp_to_wss.failed_calls)"
	reported "wss, a connection per call / one connection, CPU" \
		"$(r3 "$sig" .ratios.wss_over_wss_1conn.normalised)" "normalised kam/UAS" \
		"$(failed "$sig" .ratios.wss_over_wss_1conn.failed_calls)"
	reported "wss reconnect, resumed / full handshake, instr." \
		"$(r3 "$sig" .callgrind.reconnect.resumed_over_full)" \
		"callgrind, the gateway, per connection" \
		"$(failed "$sig" .callgrind.failed_calls)"
	reported "wss reconnect, resumed / full handshake, CPU" \
		"$(r3 "$sig" .reconnect.resumed_over_full.normalised)" \
		"$(r3 "$sig" .reconnect.full_ms_per_connection) ms full, $(r3 "$sig" .reconnect.resumed_ms_per_connection) ms resumed" \
		"$(failed "$sig" .reconnect.resumed_over_full.failed_calls)"
fi
med=$out/probe-media.json
if [ -s "$med" ]; then
	judged "media: pass-through DTLS-SRTP calls (<0.5 % loss)" \
		"$(r3 "$med" '.paths[] | select(.path == "passthrough-opus") | .max_calls_under_0_5pct_loss')" ">=" 600
	judged "media: Opus <-> AMR-WB calls (<0.5 % loss)" \
		"$(r3 "$med" '.paths[] | select(.path == "opus-to-amrwb") | .max_calls_under_0_5pct_loss')" ">=" 50
	reported "media: Opus <-> PCMA calls (<0.5 % loss)" \
		"$(r3 "$med" '.paths[] | select(.path == "opus-to-pcma") | .max_calls_under_0_5pct_loss')"
	reported "media: DTLS-SRTP setups per second" "$(r3 "$med" .dtls_setup.setups_per_s)"
fi
if [ -s "$out/hdrmed.json" ]; then
	judged "hdrmed ims-volte engine, us per message" \
		"$(r3 "$out/hdrmed.json" .engine_us_per_msg)" "<=" 5
	judged "hdrmed ims-volte in Kamailio, extra us/message" \
		"$(r3 "$out/hdrmed.json" .delta_us_per_msg_raw)" "<=" 5 "raw CPU delta vs no hdrmed"
fi
if [ -s "$out/idmap.out" ]; then
	sed -n 's/^idmap cache hit: *\([0-9.]*\) us.*/\1/p' "$out/idmap.out" |
		while read -r v; do judged "idmap cache hit, us" "$v" "<=" 2; done
	sed -n 's/^idmap miss.*= *\([0-9.]*\)x GET.*/\1/p' "$out/idmap.out" |
		while read -r v; do judged "idmap miss / raw Redis GET" "$v" "<=" 1.3; done
fi
if [ -s "$out/admind.txt" ]; then
	sed -n 's/^healthz\/bare ratio, median of 3 pairs: *\([0-9.]*\).*/\1/p' "$out/admind.txt" |
		while read -r v; do judged "admind /healthz / bare libmicrohttpd req/s" "$v" ">=" 0.5; done
fi
[ -s "$out/verto.json" ] &&
	judged "verto / sip-ws Kamailio CPU per call" \
		"$(r3 "$out/verto.json" .ratio.raw)" "<=" 1.3
if [ -s "$out/capacity-memory.json" ]; then
	jq -r '.results[] | .transport as $t | .steps[]
		| "\($t) \(.connections) \(.shm_per_client / 1024 * 10 | round / 10) \(.pkg_per_client | round)"' \
		"$out/capacity-memory.json" | while read -r t n shm pkg; do
		reported "shm KiB per idle $t connection at $n" "$shm" "pkg $pkg B"
	done
fi
if [ -s "$out/capacity-cluster.json" ]; then
	c=$out/capacity-cluster.json
	reported "cluster: Kamailio CPU ms per call, one node" "$(r3 "$c" .configs.one.ms_per_call.mean)"
	reported "cluster: two / one nodes, CPU per call" "$(r3 "$c" .two_over_one_cpu_per_call.raw)" "50 % handed off"
	reported "cluster: hand-off / local call, CPU" "$(r3 "$c" .handoff_over_local)"
	reported "cluster: two / one throughput, own cores" "$(r3 "$c" .projected_two_over_one_throughput)" "extrapolated"
fi
[ -s "$sig" ] || [ -s "$med" ] &&
	row "every probe figure" "-" "-" "-" "table above; tests/bench/probe/table.sh"
exit $rc
