#!/usr/bin/env bash
# make bench, signaling part: Kamailio CPU time per call.
#
# Eight configurations under the same load (BENCH_SIG_CALLS calls at
# BENCH_SIG_RATE calls/s), alternated for BENCH_SIG_ROUNDS rounds:
#
#   stock-udp  SIPp UAC -> stock Kamailio (stock.cfg: tm, rr, dialog,
#              usrloc lookup, no media) -> SIPp UAS, all UDP
#   iwg-udp-to-wss-1conn  SIPp UAC over UDP (a SIP peer) -> gateway cfg
#              (kamcfg/gateway) -> iwg-probe in answer mode, registered on
#              one wss connection (--answer --one-connection), which takes
#              every call on it and hangs up after 0.2 s of media: the
#              gateway's call with a UDP leg. (A call with UDP on both
#              sides cannot exist: every dialog of the gateway has a
#              browser on one side, kamcfg/edge/dialog.cfg BROWSER_HOP.)
#   iwg-ws     iwg-probe over ws://  -> gateway cfg -> SIPp peer (UDP)
#   iwg-wss    iwg-probe over wss:// -> gateway cfg -> SIPp peer (UDP)
#   iwg-wss-resumed  the same, each new connection resuming the TLS
#              session of the one before (iwg-probe --tls-resume)
#   iwg-wss-1conn  the same calls over one registered wss connection
#              (iwg-probe --register --one-connection), as a browser tab
#   webrtc-wss, webrtc-wss-1conn  the same two over wss to the stock
#              WebRTC cfg an operator would write (stock-webrtc.cfg:
#              websocket, nathelper, rtpengine with the gateway's profile
#              flags, registrar, digest; no iwg module)
#
# Then (BENCH_SIG_CALLGRIND=1, the default) instructions per call under
# callgrind: the gateway cfg and stock-webrtc.cfg are restarted under
# valgrind --tool=callgrind, take BENCH_SIG_CG_WARMUP calls (20), and
# once more with BENCH_SIG_CG_CALLS more (100), all over one registered
# wss connection; every process's instruction count at exit, the second
# run minus the first, over BENCH_SIG_CG_CALLS. The gateway alone twice
# more with the BENCH_SIG_CG_CALLS calls on a wss connection each, full
# TLS handshakes and resumed ones: minus the one-connection run, the
# instructions of a reconnect.
#
# A warm-up of BENCH_SIG_WARMUP calls (200) per configuration comes first,
# not counted. The Kamailio instances run side by side (stock on udp 5070,
# the stock WebRTC cfg on 5080/8453); stock.cfg's callee contact is added
# with the usrloc RPC ul.add. CPU is user+system clock ticks from
# /proc/PID/stat, summed over every process of the Kamailio instance (main
# and children), before and after each run. Each figure is also divided by
# a load generator's CPU in the same run that does the same work in the
# configurations compared, which cancels most hypervisor noise: the SIPp
# UAS (kam_over_uas) for the calls toward it; for the two directions over
# one connection the SIP peer, UAS or UAC (kam_over_peer: the same five
# messages a call); the SIPp UAC (kam_over_uac) for the two UDP callers;
# docs/benchmarks.md says how to read them.
#
# Per-call figures divide by the calls that succeeded; a comparison lists
# the failed calls of its configurations (failed_calls), and tests/bench/
# run.sh shows it "not measured" when there are any; the callgrind figures
# are null when any call under callgrind failed (a failed call does less
# work).
#
# Output: progress on stderr, figures on stdout and in
# $IWG_BUILD/bench/probe-signaling.json.
set -uo pipefail
. "$(dirname "$0")/common.sh" "$0" "$@"

calls=${BENCH_SIG_CALLS:-600}
rate=${BENCH_SIG_RATE:-150}
rounds=${BENCH_SIG_ROUNDS:-3}
out=$IWG_BUILD/bench/probe-signaling.json
probe=$IWG_BUILD/bin/iwg-probe
here=$(cd "$(dirname "$0")" && pwd)
hz=$(getconf CLK_TCK)

# rtpengine's media ports: the stack's 1000 hold 250 calls, fewer than a
# loaded VM keeps open at 150 calls/s when rtpengine falls behind (the SIP
# peer's PCMA is transcoded to the browser's Opus); below the kernel's
# ephemeral ports, where the probe's media sockets are
export IWG_MEDIA_PORTS=${BENCH_SIG_PORTS:-10000-32000}
stack_init bench-probe-signaling
logs=$IWG_LOGDIR
fail() { echo "bench signaling: $1 (logs: $logs)" >&2; exit 1; }

stack_start || fail "the gateway stack did not start"
iwg_kam=$(cat "$IWG_RUN/kamailio.pid")
rtpe=$(cat "$IWG_RUN/rtpengine.pid")

stock_ctl=unix:$IWG_RUN/stock_ctl
stack_spawn_kamailio kamailio-stock "$stock_ctl" -f "$here/stock.cfg" \
	-m 256 -M 16 -A "BENCH_CTL_SOCK=\"$stock_ctl\"" \
	-A "BENCH_MPATH=\"$IWG_MODULE_PATH\"" \
	|| fail "stock Kamailio did not come up ($logs/kamailio-stock.log)"
stock_kam=$(cat "$IWG_RUN/kamailio-stock.pid")

# the stock WebRTC cfg: its own ports, the run's subscribers, certificate
# and rtpengine
webrtc_ctl=unix:$IWG_RUN/webrtc_ctl
webrtc_wss=wss://127.0.0.1:8453
webrtc_args=(-f "$here/stock-webrtc.cfg" -m 256 -M 16
	-A "BENCH_MPATH=\"$IWG_MODULE_PATH\"" -A "BENCH_CTL_SOCK=\"$webrtc_ctl\""
	-A "BENCH_DB_URL=\"sqlite://$IWG_DB\""
	-A "BENCH_TLS_CERT=\"$IWG_RUN/tls/cert.pem\""
	-A "BENCH_TLS_KEY=\"$IWG_RUN/tls/key.pem\"")
# start_webrtc [WRAPPER...]: start it (under WRAPPER, e.g. valgrind);
# sets webrtc_kam
start_webrtc() {
	_stack_spawn kamailio-webrtc "$logs/kamailio-webrtc.log" "$@" \
		/usr/sbin/kamailio -DD -E "${webrtc_args[@]}"
	webrtc_kam=$(cat "$IWG_RUN/kamailio-webrtc.pid")
	wait_until 300 kamcmd -s "$webrtc_ctl" core.uptime \
		|| fail "the stock WebRTC Kamailio did not come up ($logs/kamailio-webrtc.log)"
}
start_webrtc

# the callees: a SIP UAS for stock-udp (a usrloc contact of stock.cfg),
# the SIP peer of the gateway cfg and the stock WebRTC cfg for the probe
_stack_spawn sipp-uas-udp "$logs/sipp-uas-udp.log" sipp \
	-sf "$here/sipp/browser-uas.xml" -i 127.0.0.1 -p 5092 -cp 8895 -nostdin \
	-trace_err -error_file "$logs/sipp-uas-udp-errors.log"
_stack_spawn sipp-uas-ws "$logs/sipp-uas-ws.log" sipp \
	-sf "$top/tests/integration/probe/sipp/echo-uas.xml" -i 127.0.0.1 \
	-p 5090 -mp 40000 -cp 8894 -nostdin \
	-trace_err -error_file "$logs/sipp-uas-ws-errors.log"
uas_udp=$(cat "$IWG_RUN/sipp-uas-udp.pid")
uas_ws=$(cat "$IWG_RUN/sipp-uas-ws.pid")
wait_until 10 udp_bound 5092 && wait_until 10 udp_bound 5090 \
	|| fail "the SIPp callees did not start"

kamcmd -s "$stock_ctl" ul.add location bench sip:bench@127.0.0.1:5092 \
	0 1.0 . 0 0 0 >>"$logs/ul-add.log" 2>&1 ||
	fail "ul.add on stock.cfg failed ($logs/ul-add.log)"
iwg_ctl=unix:$IWG_RUN/kamailio_ctl
# the user the probe answers as in iwg-udp-to-wss-1conn
callee=${BENCH_SIG_CALLEE:-bob}

# sched_ns PID: CPU time of a process in ns (scheduler run time of all its
# threads, /proc/PID/task/*/schedstat): the SIPp callees are few ticks a
# run, too coarse for a normaliser
sched_ns() {
	local s=0 f ns
	for f in /proc/"$1"/task/*/schedstat; do
		{ read -r ns _ <"$f"; } 2>/dev/null && s=$((s + ns))
	done
	echo "$s"
}

# ticks PID: user+system clock ticks of one process
ticks() {
	local st
	{ read -r -a st <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return; }
	echo $((st[13] + st[14]))
}

# kam_ticks PID: ticks of a Kamailio instance, main process and children
kam_ticks() {
	local s=0 f st
	for f in /proc/[0-9]*/stat; do
		{ read -r -a st <"$f"; } 2>/dev/null || continue
		# field 4 is the parent pid (no spaces in kamailio's comm)
		if [ "${st[0]}" = "$1" ] || [ "${st[3]}" = "$1" ]; then
			s=$((s + st[13] + st[14]))
		fi
	done
	echo "$s"
}

# run_uac NAME PORT SCENARIO USER: SIPp UAC load toward USER at udp PORT;
# prints "STATUS CPU_S OK": exit status, CPU seconds (user+system, from the
# shell's `times` for its finished child) and calls that succeeded
run_uac() {
	local name=$1 port=$2 sf=$3 user=$4 stf=$logs/uac-$1.csv
	rm -f "$stf"
	# `times` in the shell itself: in a pipe it would report a fresh fork
	T=$logs/uac-$name.times bash -c 'sipp "$@" >/dev/null 2>&1; rc=$?
		times >"$T"
		awk -v rc=$rc "NR == 2 { split(\$1, u, /[ms]/); split(\$2, s, /[ms]/)
			printf \"%d %.3f \", rc, u[1] * 60 + u[2] + s[1] * 60 + s[2] }" "$T"' _ \
		-sf "$sf" "127.0.0.1:$port" -s "$user" -i 127.0.0.1 \
		-p 5061 -r "$rate" -m "$calls" -cp 8896 -nostdin -timeout 300 \
		-trace_err -error_file "$logs/uac-$name-errors.log" \
		-trace_stat -stf "$stf"
	# successful calls: the SuccessfulCall(C) column of the last stats line
	awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i }
		END { print (c ? $c : 0) + 0 }' "$stf" 2>/dev/null || echo 0
}

# run_probe URL CALLS RATE [OPTION...]: iwg-probe calls (0.2 s of media
# each, the probe's password); prints its summary line
run_probe() {
	local url=$1 n=$2 r=$3
	shift 3
	"$probe" --ws "$url" --password "$IWG_TEST_PASSWORD" --calls "$n" \
		--rate "$r" --duration 0.2 --timeout 30 --max-loss 100 "$@" \
		2>>"$logs/probe.err" | tail -1
}

# answer_probe NAME: iwg-probe answering $calls calls as $callee on one
# registered wss connection to the gateway, in the background (its output,
# the summary line last, into $logs/answer-NAME.out, its pid in answer_pid:
# the probe's own, to stop it); returns once the gateway holds its contact,
# 1 if it never did
answer_probe() {
	# a contact left by an earlier run would fork every call to it too
	kamcmd -s "$iwg_ctl" ul.rm location "$callee" >/dev/null 2>&1
	"$probe" --ws "$IWG_WSS_URL" --password "$IWG_TEST_PASSWORD" \
		--answer --one-connection --from "$callee" --calls "$calls" \
		--rate "$rate" --duration 0.2 --timeout 30 --max-loss 100 \
		2>>"$logs/probe.err" >"$logs/answer-$1.out" &
	answer_pid=$!
	wait_until 10 eval "kamcmd -s '$iwg_ctl' ul.lookup location '$callee' 2>/dev/null | grep >/dev/null 'invalid'"
}

# measure CONFIG ROUND: one run; prints its JSON object. caller_cpu_s is
# the SIPp UAC (UDP) or iwg-probe (ws, wss); probe_cpu_s iwg-probe's, as
# caller or callee; sipp_cpu_s all SIPp processes of the run (UAC and UAS
# for stock-udp, the UAC for iwg-udp-to-wss-1conn, the UAS for the others)
measure() {
	local cfg=$1 r=$2 kam uas=0 k0 u0 e0 k1 u1 e1 caller=null uac=0 ok=0
	local url sum pcpu=null
	local opts=() resumed=null
	case $cfg in
	stock-udp) kam=$stock_kam uas=$uas_udp ;;
	iwg-udp-to-wss-1conn) kam=$iwg_kam ;;
	webrtc-*) kam=$webrtc_kam uas=$uas_ws url=$webrtc_wss ;;
	*) kam=$iwg_kam uas=$uas_ws url=$IWG_WSS_URL ;;
	esac
	case $cfg in
	iwg-ws) url=$IWG_WS_URL ;;
	*-resumed) opts=(--tls-resume) ;;
	*-1conn) opts=(--register --one-connection) ;;
	esac
	k0=$(kam_ticks "$kam") u0=$(sched_ns "$uas") e0=$(ticks "$rtpe")
	case $cfg in
	stock-udp)
		read -r _ caller ok < <(run_uac "$cfg-$r" 5070 \
			"$here/sipp/uac.xml" bench)
		uac=$caller
		;;
	iwg-udp-to-wss-1conn)
		if answer_probe "$cfg-$r"; then
			read -r _ caller _ < <(run_uac "$cfg-$r" 5060 \
				"$top/tests/integration/probe/03-answer/uac.xml" "$callee")
			uac=$caller
		else
			echo "bench signaling: $cfg: the probe did not register as $callee ($logs/probe.err)" >&2
			# it would wait for calls that never come: TERM ends it now
			kill -TERM "$answer_pid" 2>/dev/null
		fi
		wait "$answer_pid"
		sum=$(tail -n 1 "$logs/answer-$cfg-$r.out")
		ok=$(jq -r '.passed // 0' <<<"$sum" 2>/dev/null) || ok=0
		pcpu=$(jq -r '.probe_cpu_s // "null"' <<<"$sum" 2>/dev/null) || pcpu=null
		;;
	*)
		sum=$(run_probe "$url" "$calls" "$rate" "${opts[@]}")
		ok=$(jq -r '.passed // 0' <<<"$sum" 2>/dev/null) || ok=0
		caller=$(jq -r '.probe_cpu_s // "null"' <<<"$sum" 2>/dev/null) || caller=null
		pcpu=$caller
		resumed=$(jq -r '.tls_resumed // "null"' <<<"$sum" 2>/dev/null) || resumed=null
		;;
	esac
	k1=$(kam_ticks "$kam") u1=$(sched_ns "$uas") e1=$(ticks "$rtpe")
	jq -nc --arg cfg "$cfg" --argjson r "$r" --argjson n "$calls" \
		--argjson ok "${ok:-0}" --argjson hz "$hz" \
		--argjson k $((k1 - k0)) --argjson u $(((u1 - u0) / 1000)) \
		--argjson e $((e1 - e0)) --argjson c "${caller:-null}" \
		--argjson uac "${uac:-0}" --argjson resumed "${resumed:-null}" \
		--argjson p "${pcpu:-null}" \
		'($k / $hz) as $kam | ($u / 1e6) as $uas | ($uas + $uac) as $sipp
		| {config: $cfg, round: $r, calls: $n, ok_calls: $ok,
		  kamailio_cpu_s: $kam,
		  kamailio_cpu_ms_per_call: (if $ok > 0 then $kam * 1000 / $ok
			else null end),
		  uas_cpu_s: $uas, caller_cpu_s: $c, sipp_cpu_s: $sipp,
		  uac_cpu_s: $uac, probe_cpu_s: $p,
		  rtpengine_cpu_s: ($e / $hz), tls_resumed: $resumed,
		  kam_over_uas: (if $uas > 0 then $kam / $uas else null end),
		  kam_over_sipp: (if $sipp > 0 then $kam / $sipp else null end),
		  kam_over_uac: (if $uac > 0 then $kam / $uac else null end),
		  kam_over_peer: ((if $cfg == "iwg-udp-to-wss-1conn" then $uac
			else $uas end) as $peer
			| if $peer > 0 then $kam / $peer else null end),
		  kam_over_probe: (if $p != null and $p > 0 then $kam / $p
			else null end)}'
}

all_configs="stock-udp iwg-udp-to-wss-1conn iwg-ws iwg-wss iwg-wss-resumed"
all_configs+=" iwg-wss-1conn webrtc-wss webrtc-wss-1conn"
read -r -a configs <<<"${BENCH_SIG_CONFIGS:-$all_configs}"
# warm-up, not counted: the first calls of an instance allocate its tables
for cfg in "${configs[@]}"; do
	calls=${BENCH_SIG_WARMUP:-200} measure "$cfg" 0 >/dev/null
done
runs=()
for r in $(seq "$rounds"); do
	for cfg in "${configs[@]}"; do
		runs+=("$(measure "$cfg" "$r")")
		echo "bench signaling: ${runs[-1]}" >&2
	done
done

# instructions per call under callgrind (see the top)
cg_warm=${BENCH_SIG_CG_WARMUP:-20}
cg_calls=${BENCH_SIG_CG_CALLS:-100}
cgdir=$IWG_RUN/callgrind
# cg_stop PID: TERM, then wait (valgrind writes every process's counts)
cg_stop() {
	kill -TERM "$1" 2>/dev/null
	wait_until 300 eval "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# cg_run EXTRA MODE: restart under callgrind both cfgs (MODE 1conn) or
# the gateway alone (full, resumed); the warm-up over one registered wss
# connection, then EXTRA more calls: over one registered connection
# (1conn), or a wss connection each with a full TLS handshake (full) or
# resuming the previous connection's session (resumed). Sets cg_iwg and
# cg_webrtc, the instructions of every process of each instance from
# start to exit
cg_run() {
	local extra=$1 mode=$2 url ok n step opts urls=("$IWG_WSS_URL")
	cg_stop "$iwg_kam"
	cg_stop "$webrtc_kam"
	rm -rf "$cgdir" && mkdir -p "$cgdir"
	_stack_spawn kamailio-cg "$logs/kamailio-cg.log" valgrind \
		--tool=callgrind --dump-instr=no \
		--callgrind-out-file="$cgdir/iwg.%p" /usr/sbin/kamailio -DD -E \
		"${IWG_KAM_ARGS[@]}"
	iwg_kam=$(cat "$IWG_RUN/kamailio-cg.pid")
	if [ "$mode" = 1conn ]; then
		start_webrtc valgrind --tool=callgrind --dump-instr=no \
			--callgrind-out-file="$cgdir/webrtc.%p"
		urls+=("$webrtc_wss")
	fi
	wait_until 300 kamcmd -s "unix:$IWG_RUN/kamailio_ctl" core.uptime \
		|| fail "the gateway did not come up under callgrind ($logs/kamailio-cg.log)"
	for step in warm extra; do
		n=$cg_warm opts=(--register --one-connection)
		if [ $step = extra ]; then
			n=$extra
			case $mode in
			full) opts=() ;;
			resumed) opts=(--tls-resume) ;;
			esac
		fi
		[ "$n" -gt 0 ] || continue
		for url in "${urls[@]}"; do
			ok=$(run_probe "$url" "$n" 10 "${opts[@]}" |
				jq -r '.passed // 0' 2>/dev/null)
			if [ "${ok:-0}" != "$n" ]; then
				echo "bench signaling: callgrind: ${ok:-0}/$n calls passed to $url" >&2
				cg_failed=$((cg_failed + n - ${ok:-0}))
			fi
		done
	done
	cg_stop "$iwg_kam"
	cg_stop "$webrtc_kam"
	cg_iwg=$(cat "$cgdir"/iwg.* 2>/dev/null | awk '$1 == "summary:" { s += $2 } END { printf "%.0f", s }')
	cg_webrtc=$(cat "$cgdir"/webrtc.* 2>/dev/null | awk '$1 == "summary:" { s += $2 } END { printf "%.0f", s }')
}
cg=null cg_failed=0
if [ "${BENCH_SIG_CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
	echo "bench signaling: callgrind, $cg_warm calls, then $cg_warm + $cg_calls" >&2
	cg_run 0 1conn
	base_iwg=$cg_iwg base_webrtc=$cg_webrtc
	cg_run "$cg_calls" 1conn
	run_iwg=$cg_iwg run_webrtc=$cg_webrtc
	cg_run "$cg_calls" full
	full_iwg=$cg_iwg
	cg_run "$cg_calls" resumed
	resumed_iwg=$cg_iwg
	cg=$(jq -nc --argjson n "$cg_calls" --argjson w "$cg_warm" \
		--argjson cf "${full_iwg:-0}" --argjson cr "${resumed_iwg:-0}" \
		--argjson bi "${base_iwg:-0}" --argjson bw "${base_webrtc:-0}" \
		--argjson ri "${run_iwg:-0}" --argjson rw "${run_webrtc:-0}" \
		--argjson fc "$cg_failed" '
		(($ri - $bi) / $n) as $i | (($rw - $bw) / $n) as $s
		| (($cf - $ri) / $n) as $f | (($cr - $ri) / $n) as $r
		| {calls: $n, warmup: $w, transport: "wss, one registered connection",
		   iwg_instructions_per_call: $i, webrtc_instructions_per_call: $s,
		   iwg_over_webrtc: (if $s > 0 then $i / $s else null end),
		   reconnect: {full_instructions_per_connection: $f,
		     resumed_instructions_per_connection: $r,
		     resumed_over_full: (if $f > 0 then $r / $f else null end)},
		   totals: {iwg_warmup: $bi, webrtc_warmup: $bw, iwg_run: $ri,
		     webrtc_run: $rw, iwg_full: $cf, iwg_resumed: $cr},
		   failed_calls: $fc}
		# a failed call does less work: no figure from such a run
		| if $fc > 0 then (.iwg_instructions_per_call,
			.webrtc_instructions_per_call, .iwg_over_webrtc,
			.reconnect[]) |= null else . end')
	echo "bench signaling: callgrind $cg" >&2
fi

# per configuration: mean over rounds and the spread (max-min)/mean, raw
# and normalised; then the comparisons, each normalised by the load
# generator doing the same work on both sides (see the top)
printf '%s\n' "${runs[@]}" | jq -s --argjson calls "$calls" --argjson cg "$cg" \
	--argjson rate "$rate" --argjson rounds "$rounds" '
	def mean: if length > 0 then add / length else null end;
	def spread: if length > 1 and mean > 0 then (max - min) / mean else 0 end;
	def ratio(a; b): if a == null or b == null or b == 0 then null else a / b end;
	# a figure over the rounds that have it (a round without a divisor
	# has null, which must not count as 0)
	def vals(k): map(.[k] | select(. != null));
	def figures: . as $g | reduce ("kam_over_sipp", "kam_over_uas",
		"kam_over_uac", "kam_over_peer", "kam_over_probe") as $k ({};
		.[$k] = ($g | vals($k) | mean)
		| .[$k + "_spread"] = ($g | vals($k) | spread));
	(group_by(.config) | map({key: .[0].config, value: (figures + {
		ms_per_call: (vals("kamailio_cpu_ms_per_call") | mean),
		ms_per_call_spread: (vals("kamailio_cpu_ms_per_call") | spread),
		rtpengine_ms_per_call: (map(select(.ok_calls > 0)
			| .rtpengine_cpu_s * 1000 / .ok_calls) | mean),
		tls_resumed: (map(.tls_resumed // 0) | add),
		failed_calls: (map(.calls - .ok_calls) | add)})}) | from_entries) as $c
	| def cmp(a; b; norm): {raw: ratio($c[a].ms_per_call; $c[b].ms_per_call),
		normalised: ratio($c[a][norm]; $c[b][norm]), by: norm,
		failed_calls: (($c[a].failed_calls // 0) + ($c[b].failed_calls // 0))};
	{bench: "probe-signaling", calls: $calls, rate_cps: $rate,
	 rounds: $rounds, configs: $c,
	 ratios: {
	   iwg_over_stock_udp: cmp("iwg-udp-to-wss-1conn"; "stock-udp"; "kam_over_uac"),
	   wss_1conn_over_udp_to_wss: cmp("iwg-wss-1conn"; "iwg-udp-to-wss-1conn"; "kam_over_peer"),
	   wss_over_wss_1conn: cmp("iwg-wss"; "iwg-wss-1conn"; "kam_over_uas"),
	   wss_over_ws: cmp("iwg-wss"; "iwg-ws"; "kam_over_uas"),
	   iwg_over_webrtc_wss: cmp("iwg-wss"; "webrtc-wss"; "kam_over_uas"),
	   iwg_over_webrtc_wss_1conn: cmp("iwg-wss-1conn"; "webrtc-wss-1conn"; "kam_over_uas")},
	 reconnect: (def d(a; k): if $c[a][k] == null or $c["iwg-wss-1conn"][k] == null
		then null else $c[a][k] - $c["iwg-wss-1conn"][k] end;
		{full_ms_per_connection: d("iwg-wss"; "ms_per_call"),
		 resumed_ms_per_connection: d("iwg-wss-resumed"; "ms_per_call"),
		 resumed_over_full: {raw: ratio(d("iwg-wss-resumed"; "ms_per_call");
				d("iwg-wss"; "ms_per_call")),
			normalised: ratio(d("iwg-wss-resumed"; "kam_over_uas");
				d("iwg-wss"; "kam_over_uas")), by: "kam_over_uas",
			failed_calls: ([$c["iwg-wss"], $c["iwg-wss-resumed"],
				$c["iwg-wss-1conn"]] | map(.failed_calls // 0) | add)},
		 resumed_connections: $c["iwg-wss-resumed"].tls_resumed?}),
	 callgrind: $cg,
	 runs: .}' >"$out" || fail "cannot summarise the runs"
jq -r '.configs | to_entries[] | "signaling.kamailio_cpu_ms_per_call.\(.key) \(.value.ms_per_call)"' "$out"
jq -r '.ratios | to_entries[] | "signaling.\(.key) \(.value.raw) normalised \(.value.normalised)"' "$out"
jq -r '.reconnect | "signaling.reconnect_ms_per_connection full \(.full_ms_per_connection) resumed \(.resumed_ms_per_connection) normalised ratio \(.resumed_over_full.normalised)"' "$out"
jq -r '.callgrind // empty | "signaling.instructions_per_call iwg \(.iwg_instructions_per_call) webrtc \(.webrtc_instructions_per_call) ratio \(.iwg_over_webrtc)",
	"signaling.instructions_per_connection full \(.reconnect.full_instructions_per_connection) resumed \(.reconnect.resumed_instructions_per_connection) ratio \(.reconnect.resumed_over_full)"' "$out"
echo "bench signaling: wrote $out" >&2
