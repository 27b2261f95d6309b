#!/usr/bin/env bash
# make bench, verto: Kamailio CPU per call for a Verto call (iwg_verto,
# kamcfg/contact-center) versus the same call placed by a SIP-over-WebSocket
# client (iwg-probe over ws://, kamcfg/gateway, which sends WS calls for
# unregistered users to its SIP peer), toward the same SIPp agent
# (tests/integration/probe/sipp/echo-uas.xml on 127.0.0.1:5090), with the
# same Redis and rtpengine, in one run.
#
# Both cfgs listen on the same SIP/WS ports, so the two Kamailio instances
# take turns: per round, the contact-center one runs BENCH_VERTO_CALLS Verto
# calls (tests/bench/verto/load.mjs: BENCH_VERTO_WORKERS connections, each a
# login and calls one after the other: verto.invite with a canned browser
# offer, verto.answer, BENCH_VERTO_HOLD_MS ms, verto.bye), then the gateway
# one runs as many iwg-probe calls (ICE, DTLS, 0.2 s of media); each after a
# warm-up of BENCH_VERTO_WARMUP calls, not counted. CPU is user+system
# clock ticks from /proc/PID/stat of the Kamailio main process and all its
# children (SIP workers, TCP workers, the iwg_verto WebSocket process),
# before and after the calls. The SIPp agent does the same work per call in
# both, so Kamailio CPU over the agent's CPU (kam_over_uas) is given too: it
# cancels much of the hypervisor noise (docs/benchmarks.md).
#
# Output: figures on stdout, JSON in $IWG_BUILD/bench/verto.json, logs in
# $IWG_BUILD/test-runs/bench-verto/logs.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/bench/verto
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
. "$top/tests/lib/stack.sh"
ulimit -n 65536 2>/dev/null || ulimit -n 8192

calls=${BENCH_VERTO_CALLS:-500}
warmup=${BENCH_VERTO_WARMUP:-50}
rounds=${BENCH_VERTO_ROUNDS:-2}
workers=${BENCH_VERTO_WORKERS:-8}
hold=${BENCH_VERTO_HOLD_MS:-200}
rate=${BENCH_VERTO_RATE:-30}
out=$IWG_BUILD/bench/verto.json
probe=$IWG_BUILD/bin/iwg-probe
hz=$(getconf CLK_TCK)
mkdir -p "$IWG_BUILD/bench"

stack_init bench-verto
logs=$IWG_LOGDIR
trap stack_stop EXIT
fail() { echo "bench verto: $1 (logs: $logs)" >&2; exit 1; }
for t in node jq sipp "$probe" "$IWG_BUILD/bin/iwg-idctl"; do
	command -v "$t" >/dev/null || fail "$t not found (make, scripts/deps.sh)"
done

stack_start_redis && stack_start_rtpengine || fail "redis or rtpengine did not start"
# the PaaS user of the Verto calls: login 1008@cc.example, password 1234
ha1=$(printf '1008:cc.example:1234' | md5sum | cut -d' ' -f1)
"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" set paas 1008@cc.example \
	sip:1008@cc.example "display_name=Bench User" tenant=acme "ha1=$ha1" \
	>"$logs/idctl.log" 2>&1 || fail "iwg-idctl failed ($logs/idctl.log)"
_stack_spawn sipp-agent "$logs/sipp-agent.log" sipp \
	-sf "$top/tests/integration/probe/sipp/echo-uas.xml" -i 127.0.0.1 \
	-p 5090 -mp 40000 -cp 8894 -nostdin \
	-trace_err -error_file "$logs/sipp-agent-errors.log"
agent=$(cat "$IWG_RUN/sipp-agent.pid")
wait_until 10 udp_bound 5090 || fail "the SIPp agent did not start"

# kam_start verto|sip-ws: the Kamailio instance of that side; sets kam
kam_start() {
	if [ "$1" = verto ]; then
		IWG_CFG=$top/kamcfg/contact-center/kamailio.cfg
		IWG_SIP_WS=0
	else
		IWG_CFG=$top/kamcfg/gateway/kamailio.cfg
		IWG_SIP_WS=1
	fi
	IWG_KAM_EXTRA=()
	stack_start_kamailio || fail "kamailio ($IWG_CFG) did not start"
	cp "$logs/kamailio.log" "$logs/kamailio-$1-$2.log" 2>/dev/null
	kam=$(cat "$IWG_RUN/kamailio.pid")
	if [ "$1" = verto ]; then
		wait_until 10 tcp_open 127.0.0.1 8082 || fail "no Verto listener on 127.0.0.1:8082"
	fi
}

# kam_stop: ends the running instance and waits until its ports are free
kam_stop() {
	cp "$logs/kamailio.log" "$logs/kamailio-$1-$2.log" 2>/dev/null
	kill -TERM "$kam" 2>/dev/null
	wait_until 15 eval "! kill -0 $kam" || kill -KILL "$kam" 2>/dev/null
	wait "$kam" 2>/dev/null
	wait_until 10 eval "! udp_bound 5060" || fail "port 5060 still bound after kamailio stopped"
}

# kam_ticks: clock ticks (user+system) of $kam and its child processes
kam_ticks() {
	local p st s=0
	for p in "$kam" $(ps -o pid= --ppid "$kam"); do
		{ read -r -a st <"/proc/$p/stat"; } 2>/dev/null || continue
		s=$((s + st[13] + st[14]))
	done
	echo "$s"
}

# kam_procs: how many processes kam_ticks sums (main and children)
kam_procs() {
	echo $((1 + $(ps -o pid= --ppid "$kam" | wc -l)))
}

# agent_ns: scheduler run time of the SIPp agent in ns (all its threads)
agent_ns() {
	cat /proc/"$agent"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# place SIDE N: N calls of that side; prints the number that succeeded
place() {
	local sum
	if [ "$1" = verto ]; then
		sum=$(node --experimental-websocket --no-warnings "$here/load.mjs" \
			ws://127.0.0.1:8082/verto-ws 1008@cc.example 1234 "$2" "$workers" "$hold" \
			2>>"$logs/load-verto.err")
		echo "bench verto: verto $sum" >>"$logs/load-verto.log"
		jq -r '.ok // 0' <<<"$sum" 2>/dev/null || echo 0
	else
		sum=$("$probe" --ws "$IWG_WS_URL" --password "$IWG_TEST_PASSWORD" \
			--calls "$2" --rate "$rate" \
			--duration 0.2 --timeout 20 --max-loss 100 \
			2>>"$logs/probe.err" | tail -1)
		echo "bench verto: sip-ws $sum" >>"$logs/probe.log"
		jq -r '.passed // 0' <<<"$sum" 2>/dev/null || echo 0
	fi
}

# measure SIDE ROUND: one measured run; prints its JSON object
measure() {
	local side=$1 r=$2 k0 a0 k1 a1 ok t0 t1 np
	kam_start "$side" "$r"
	np=$(kam_procs)
	place "$side" "$warmup" >/dev/null
	k0=$(kam_ticks) a0=$(agent_ns) t0=$(date +%s.%N)
	ok=$(place "$side" "$calls")
	k1=$(kam_ticks) a1=$(agent_ns) t1=$(date +%s.%N)
	kam_stop "$side" "$r"
	jq -nc --arg side "$side" --argjson r "$r" --argjson n "$calls" \
		--argjson ok "${ok:-0}" --argjson k $((k1 - k0)) --argjson hz "$hz" \
		--argjson a $(((a1 - a0) / 1000)) --argjson w "$(echo "$t1 - $t0" | bc)" --argjson np "$np" \
		'($k / $hz) as $kam | ($a / 1e6) as $uas
		| {side: $side, round: $r, calls: $n, ok_calls: $ok, wall_s: $w,
		  kamailio_processes: $np,
		  kamailio_cpu_s: $kam, kamailio_cpu_ms_per_call: ($kam * 1000 / $n),
		  agent_cpu_s: $uas,
		  kam_over_uas: (if $uas > 0 then $kam / $uas else null end)}'
}

runs=()
for r in $(seq "$rounds"); do
	for side in verto sip-ws; do
		runs+=("$(measure "$side" "$r")")
		echo "bench verto: ${runs[-1]}" >&2
	done
done

printf '%s\n' "${runs[@]}" | jq -s --argjson calls "$calls" --argjson rounds "$rounds" \
	--argjson workers "$workers" --argjson rate "$rate" '
	def mean: if length > 0 then add / length else null end;
	def ratio(a; b): if a == null or b == null or b == 0 then null else a / b end;
	(group_by(.side) | map({key: .[0].side, value: {
		ms_per_call: (map(.kamailio_cpu_ms_per_call) | mean),
		kam_over_uas: (map(.kam_over_uas // 0) | mean),
		failed_calls: (map(.calls - .ok_calls) | add)}}) | from_entries) as $c
	| {bench: "verto", calls: $calls, rounds: $rounds, verto_workers: $workers,
	   probe_rate_cps: $rate, sides: $c,
	   ratio: {raw: ratio($c.verto.ms_per_call; $c["sip-ws"].ms_per_call),
	           normalised: ratio($c.verto.kam_over_uas; $c["sip-ws"].kam_over_uas),
	           target: 1.3},
	   runs: .}' >"$out" || fail "cannot summarise the runs"

jq -r 'def r3: if . == null then "n/a" else (. * 1000 | round / 1000) end;
	"verto: Kamailio CPU ms per call  \(.sides.verto.ms_per_call | r3)",
	"sip-ws: Kamailio CPU ms per call  \(.sides["sip-ws"].ms_per_call | r3)",
	"verto/sip-ws ratio  \(.ratio.raw | r3) (target <= 1.3; normalised by the SIPp agent \(.ratio.normalised | r3))",
	"verto: failed calls  verto \(.sides.verto.failed_calls), sip-ws \(.sides["sip-ws"].failed_calls)"' "$out"
echo "bench verto: wrote $out" >&2
failed=$(jq '[.sides[].failed_calls] | add' "$out")
[ "$failed" -eq 0 ] || fail "$failed calls failed (see $logs/load-verto.log, $logs/probe.log)"

# the scale figures (10,000 sessions, hostile connections): scale.sh, in
# this namespace too; BENCH_VERTO_SCALE=0 skips them
if [ "${BENCH_VERTO_SCALE:-1}" != 0 ]; then
	trap - EXIT
	stack_stop
	env -u IWG_RUN -u IWG_LOGDIR bash "$here/scale.sh" || exit 1
fi
