#!/usr/bin/env bash
# make bench, signaling part: Kamailio CPU time per call of the iwg
# gateway cfg for calls from WebSocket clients, ws:// versus wss://, under
# the same probe load (BENCH_SIG_CALLS calls at BENCH_SIG_RATE calls/s,
# short media), each toward the SIPp echo peer over UDP. CPU is read from
# /proc for every Kamailio process (main and children) before and after;
# the probe's own CPU is reported beside it to normalise hypervisor noise
# (docs/benchmarks.md).
#
# Output: lines on stdout and $IWG_BUILD/bench/probe-signaling.json.
set -uo pipefail
. "$(dirname "$0")/common.sh" "$0" "$@"

calls=${BENCH_SIG_CALLS:-300}
rate=${BENCH_SIG_RATE:-50}
rounds=${BENCH_SIG_ROUNDS:-3}
out=$IWG_BUILD/bench/probe-signaling.json
probe=$IWG_BUILD/bin/iwg-probe
here=$(cd "$(dirname "$0")" && pwd)
scenario=$top/tests/integration/probe/sipp/echo-uas.xml

stack_init bench-probe-signaling
stack_start || { echo "bench signaling: the stack did not start" >&2; exit 1; }
kam=$(cat "$IWG_RUN/kamailio.pid")
logs=$IWG_LOGDIR

# kam_ticks: user+system ticks of Kamailio and all its children
kam_ticks() {
	local s=0 f
	for f in /proc/[0-9]*/stat; do
		read -r -a st <"$f" 2>/dev/null || continue
		# field 4 is the parent pid (no spaces in kamailio's comm)
		if [ "${st[0]}" = "$kam" ] || [ "${st[3]}" = "$kam" ]; then
			s=$((s + st[13] + st[14]))
		fi
	done
	echo "$s"
}

hz=$(getconf CLK_TCK)
runs=()
for r in $(seq "$rounds"); do
	for url in "$IWG_WS_URL" "$IWG_WSS_URL"; do
		tr=${url%%:*}
		(cd "$logs" && exec sipp -sf "$scenario" -i 127.0.0.1 -p 5090 \
			-mp 40000 -rtp_echo -cp 8894 -m "$calls" -nostdin -timeout 120 \
			) >"$logs/sipp-$tr-$r.log" 2>&1 &
		sp=$!
		wait_until 10 udp_bound 5090
		t0=$(kam_ticks)
		"$probe" --ws "$url" --calls "$calls" --rate "$rate" --duration 0.2 \
			--timeout 20 2>>"$logs/probe-$tr.err" | tail -1 >"$logs/sum-$tr-$r.json"
		t1=$(kam_ticks)
		wait "$sp"
		runs+=("$(jq -c --arg tr "$tr" --argjson r "$r" --argjson t $((t1 - t0)) \
			--argjson hz "$hz" --argjson n "$calls" \
			'{transport: $tr, round: $r, calls: $n, completed, failed,
			  kamailio_cpu_s: ($t / $hz),
			  kamailio_cpu_ms_per_call: (($t / $hz) * 1000 / $n),
			  probe_cpu_s, kam_over_probe: (if .probe_cpu_s > 0
			    then ($t / $hz) / .probe_cpu_s else null end)}' \
			"$logs/sum-$tr-$r.json")")
		echo "${runs[-1]}" >&2
	done
done
printf '%s\n' "${runs[@]}" | jq -s '{bench: "probe-signaling", runs: .,
	ws_ms_per_call: ([.[] | select(.transport == "ws") | .kamailio_cpu_ms_per_call] | add / length),
	wss_ms_per_call: ([.[] | select(.transport == "wss") | .kamailio_cpu_ms_per_call] | add / length)}
	| . + {wss_over_ws: (.wss_ms_per_call / .ws_ms_per_call)}' >"$out"
jq -r '"signaling.kamailio_cpu_ms_per_call.ws \(.ws_ms_per_call)",
	"signaling.kamailio_cpu_ms_per_call.wss \(.wss_ms_per_call)",
	"signaling.wss_over_ws \(.wss_over_ws)"' "$out"
echo "bench signaling: wrote $out" >&2
