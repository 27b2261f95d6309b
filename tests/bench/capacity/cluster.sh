#!/usr/bin/env bash
# make bench, capacity: signaling of one edge node against two (WITH_CLUSTER).
#
# Two gateway nodes sharing registrations through DMQ, A on 127.0.0.21 and
# B on 127.0.0.22 (each its own site.cfg, as in tests/integration/ha/
# 02-edge-nodes), one rtpengine. Called browsers (callees.mjs, one
# WebSocket each): BENCH_CLUSTER_CALLEES users "one*" all on A and as many
# "two*", half on A, half on B. A SIP peer (SIPp, uac.xml: INVITE, the
# browser's 200 with its SDP, ACK, BYE; rtpengine offer, answer, delete)
# calls them in two configurations, the same offered load in both:
#
#   one  BENCH_CLUSTER_CALLS calls at BENCH_CLUSTER_RATE calls/s to node A,
#        callees "one*": everything on one node, no hand-off
#   two  half the calls at half the rate to A, half to B (two SIPp), callees
#        "two*" in turn on A and on B: half the calls reach the node that
#        does not hold the callee's connection, which hands them off
#
# alternated for BENCH_CLUSTER_ROUNDS rounds after a warm-up of each. Both
# nodes share this machine's cores, so two nodes cannot carry more than
# one here: the figure is Kamailio CPU per call (user+system ticks of both
# nodes' processes), from which the hand-off's cost and what two nodes on
# their own cores would carry are derived (docs/benchmarks.md). Divided by
# the SIPp callers' CPU as well (the same SIP work per call in both).
#
# Output: figures on stdout, JSON in $IWG_BUILD/bench/capacity-cluster.json.
set -uo pipefail
. "$(dirname "$0")/lib.sh" "$0" "$@"
calls=${BENCH_CLUSTER_CALLS:-1200}
rate=${BENCH_CLUSTER_RATE:-100}
rounds=${BENCH_CLUSTER_ROUNDS:-3}
warmup=${BENCH_CLUSTER_WARMUP:-200}
k=${BENCH_CLUSTER_CALLEES:-40}
out=$IWG_BUILD/bench/capacity-cluster.json
hz=$(getconf CLK_TCK)

stack_init bench-capacity-cluster
logs=$IWG_LOGDIR
fail() { echo "bench capacity cluster: $1 (logs: $logs)" >&2; exit 1; }

# node NAME IP RPC_PORT PEER_IP: a gateway node with WITH_CLUSTER; its PID
# in $IWG_RUN/NAME.pid, RPC through kamcmd on $IWG_RUN/NAME_ctl
node_start() {
	stack_node_cfg "$IWG_RUN/cfg-$1" gateway "$2" "$3" || return 1
	IWG_CFG=$IWG_RUN/cfg-$1/kamailio.cfg
	IWG_KAM_EXTRA=(-A WITH_CLUSTER -A WITH_AUTH_EPHEMERAL
		-A 'IWG_CLUSTER_NODES="127.0.0.21/32,127.0.0.22/32"'
		-A "IWG_CLUSTER_PEER=\"sip:$4:5060;transport=tcp\"" -A "IWG_CTL_SOCK=\"unix:$IWG_RUN/$1_ctl\"")
	stack_kamailio_args &&
		stack_spawn_kamailio "$1" "unix:$IWG_RUN/$1_ctl" "${IWG_KAM_ARGS[@]}" &&
		wait_until 20 tcp_open "$2" 8080 && wait_until 5 udp_bound 5060
}
kam() { local n=$1; shift; kamcmd -s "unix:$IWG_RUN/${n}_ctl" "$@"; }
# stat_of NODE GROUP:NAME: one statistic of a node
stat_of() { kam "$1" stats.get_statistics "${2%%:*}:" 2>/dev/null | awk -v s="$2" '$1 == s { print $3 }'; }

stack_tls_cert && stack_db || fail "certificate and database"
stack_start_rtpengine || fail "rtpengine did not start"
node_start kam-a 127.0.0.21 5065 127.0.0.22 || fail "node A did not start"
node_start kam-b 127.0.0.22 5066 127.0.0.21 || fail "node B did not start"
pid_a=$(cat "$IWG_RUN/kam-a.pid") pid_b=$(cat "$IWG_RUN/kam-b.pid")
rtpe=$(cat "$IWG_RUN/rtpengine.pid")

export BENCH_CLUSTER_A=ws://127.0.0.21:8080 BENCH_CLUSTER_B=ws://127.0.0.22:8080
_stack_spawn callees "$logs/callees.log" node "$here/callees.mjs" "$k" "$IWG_RUN/callees.ready"
callees=$(cat "$IWG_RUN/callees.pid")
wait_until 60 test -s "$IWG_RUN/callees.ready" || fail "the callees did not register ($logs/callees.log)"
# every contact known on both nodes (DMQ), before any call
contacts_everywhere() {
	[ "$(stat_of kam-a usrloc:location_contacts)" = $((2 * k)) ] &&
		[ "$(stat_of kam-b usrloc:location_contacts)" = $((2 * k)) ]
}
wait_until 30 contacts_everywhere ||
	fail "not $((2 * k)) contacts on both nodes: A $(stat_of kam-a usrloc:location_contacts), B $(stat_of kam-b usrloc:location_contacts)"

for c in one two; do
	{
		echo SEQUENTIAL
		for ((i = 0; i < k; i++)); do echo "$c$i"; done
	} >"$IWG_RUN/$c.csv"
done

# uac NAME NODE_IP CSV PORT RATE CALLS: SIPp calls through NODE_IP, one
# line "STATUS CPU_S" in $logs/uac-NAME.res (SIPp's exit status: 0 when
# every call succeeded; its user+system CPU from the shell's `times`)
uac() {
	# `times` of the shell that ran SIPp, into a file: in a pipe it would
	# be a fresh fork's
	T=$logs/uac-$1.times bash -c 'sipp "$@" >/dev/null 2>&1; rc=$?; times >"$T"
		awk -v rc=$rc "NR == 2 { split(\$1, u, /[ms]/); split(\$2, s, /[ms]/)
			print rc, u[1] * 60 + u[2] + s[1] * 60 + s[2] }" "$T"' _ \
		-sf "$here/uac.xml" "$2:5060" -inf "$3" -i 127.0.0.1 -p "$4" \
		-cp $((4000 + $4)) -mp $((30000 + $4)) -r "$5" -m "$6" -nostdin -timeout 120 \
		-trace_err -error_file "$logs/uac-$1-errors.log" >"$logs/uac-$1.res"
}

# handoffs: INVITEs the nodes received minus the dialogs they made, so far
# (a call handed off is received twice and makes one dialog)
handoffs() {
	local s=0 n
	for n in kam-a kam-b; do
		s=$((s + $(stat_of $n core:rcv_requests_invite) - $(stat_of $n dialog:processed_dialogs)))
	done
	echo "$s"
}

# measure CONFIG ROUND CALLS: one run, its JSON object on stdout
measure() {
	local cfg=$1 r=$2 n=$3 a0 b0 c0 e0 t0 a1 b1 c1 e1 t1 rc=0 sipp=0 st cpu h0 h1
	h0=$(handoffs)
	a0=$(tree_ticks "$pid_a") b0=$(tree_ticks "$pid_b") c0=$(tree_ticks "$callees") e0=$(tree_ticks "$rtpe")
	t0=$(date +%s.%N)
	case $cfg in
	one) uac "one-$r" 127.0.0.21 "$IWG_RUN/one.csv" 5071 "$rate" "$n" ;;
	relay) uac "relay-$r" 127.0.0.22 "$IWG_RUN/one.csv" 5072 "$rate" "$n" ;;
	two)
		uac "two-a-$r" 127.0.0.21 "$IWG_RUN/two.csv" 5071 "$(jq -n "$rate / 2")" $((n / 2)) &
		uac "two-b-$r" 127.0.0.22 "$IWG_RUN/two.csv" 5072 "$(jq -n "$rate / 2")" $((n / 2))
		wait "$!"
		;;
	esac
	t1=$(date +%s.%N)
	a1=$(tree_ticks "$pid_a") b1=$(tree_ticks "$pid_b") c1=$(tree_ticks "$callees") e1=$(tree_ticks "$rtpe")
	h1=$(handoffs)
	for f in "$logs/uac-$cfg-$r.res" "$logs/uac-$cfg"-?-"$r.res"; do
		[ -f "$f" ] || continue
		read -r st cpu <"$f" || { st=1 cpu=0; }
		[ "$st" = 0 ] || rc=$st
		sipp=$(jq -n "$sipp + $cpu")
	done
	jq -nc --arg cfg "$cfg" --argjson r "$r" --argjson n "$n" --argjson rc "$rc" \
		--argjson hz "$hz" --argjson a $((a1 - a0)) --argjson b $((b1 - b0)) \
		--argjson c $((c1 - c0)) --argjson e $((e1 - e0)) --argjson sipp "$sipp" \
		--argjson wall "$(jq -n "$t1 - $t0")" --argjson h $((h1 - h0)) \
		'(($a + $b) / $hz) as $kam
		| {config: $cfg, round: $r, calls: $n, all_calls_ok: ($rc == 0), handed_off: $h,
		  calls_per_s: ($n / $wall), kamailio_cpu_s: $kam,
		  node_a_cpu_s: ($a / $hz), node_b_cpu_s: ($b / $hz),
		  kamailio_cpu_ms_per_call: ($kam * 1000 / $n),
		  sipp_cpu_s: $sipp, callees_cpu_s: ($c / $hz), rtpengine_cpu_s: ($e / $hz),
		  kam_over_load: (if $sipp + $c > 0 then $kam * $hz / ($sipp * $hz + $c) else null end),
		  b_over_a: (if $a > 0 then $b / $a else null end)}'
}

configs=(one two relay)
for cfg in "${configs[@]}"; do measure "$cfg" 0 "$warmup" >/dev/null; done
runs=()
for r in $(seq "$rounds"); do
	for cfg in "${configs[@]}"; do
		runs+=("$(measure "$cfg" "$r" "$calls")")
		echo "bench capacity cluster: ${runs[-1]}" >&2
	done
done

# per configuration: means over the rounds and their spread (max-min)/mean;
# then the ratios (docs/benchmarks.md says how to read them)
printf '%s\n' "${runs[@]}" | jq -s --argjson calls "$calls" --argjson rate "$rate" \
	--argjson rounds "$rounds" --argjson callees "$k" '
	def mean: if length > 0 then add / length else null end;
	def spread: if length > 1 and mean > 0 then (max - min) / mean else 0 end;
	def stat(f): (map(f) | {mean: mean, spread: spread});
	(group_by(.config) | map({key: .[0].config, value: {
		ms_per_call: stat(.kamailio_cpu_ms_per_call),
		kam_over_load: stat(.kam_over_load // 0),
		node_a_ms_per_call: stat(.node_a_cpu_s * 1000 / .calls),
		node_b_ms_per_call: stat(.node_b_cpu_s * 1000 / .calls),
		b_over_a: stat(.b_over_a // 0),
		calls_per_s: stat(.calls_per_s),
		handed_off: (map(.handed_off) | add),
		failed_runs: (map(select(.all_calls_ok | not)) | length)}}) | from_entries) as $c
	| ($c.relay.b_over_a.mean) as $h
	| {bench: "capacity-cluster", calls: $calls, rate_cps: $rate, rounds: $rounds,
	   callees: $callees, configs: $c,
	   two_over_one_cpu_per_call: {raw: ($c.two.ms_per_call.mean / $c.one.ms_per_call.mean),
	     normalised: ($c.two.kam_over_load.mean / $c.one.kam_over_load.mean)},
	   handoff_over_local: $h,
	   handoff_ms_per_call: $c.relay.node_b_ms_per_call.mean,
	   local_ms_per_call: $c.relay.node_a_ms_per_call.mean,
	   calls_per_s_per_core_one_node: (1000 / $c.one.ms_per_call.mean),
	   projected_two_over_one_throughput: (2 / (1 + 0.5 * $h)),
	   runs: .}' >"$out" || fail "cannot summarise the runs"
jq -r '
	def r(x): x * 1000 | round / 1000;
	"cluster: Kamailio CPU ms per call, one node         \(r(.configs.one.ms_per_call.mean))  spread \(r(.configs.one.ms_per_call.spread * 100)) %",
	"cluster: Kamailio CPU ms per call, two nodes (50 % handed off) \(r(.configs.two.ms_per_call.mean))  spread \(r(.configs.two.ms_per_call.spread * 100)) %",
	"cluster: two / one CPU per call                  \(r(.two_over_one_cpu_per_call.raw))  normalised by the load generators \(r(.two_over_one_cpu_per_call.normalised))",
	"cluster: hand-off / local call, CPU (relay run)  \(r(.handoff_over_local))  (\(r(.handoff_ms_per_call)) ms against \(r(.local_ms_per_call)) ms, spread \(r(.configs.relay.b_over_a.spread * 100)) %)",
	"cluster: calls/s carried at the offered load     one \(r(.configs.one.calls_per_s.mean)), two \(r(.configs.two.calls_per_s.mean)) (offered \(.rate_cps); \(.configs.one.failed_runs + .configs.two.failed_runs + .configs.relay.failed_runs) runs with a failed call)",
	"cluster: calls/s per core, one node (extrapolated) \(r(.calls_per_s_per_core_one_node))",
	"cluster: two / one throughput, each node its own cores (extrapolated) \(r(.projected_two_over_one_throughput))"' "$out"
echo "bench capacity cluster: wrote $out" >&2
