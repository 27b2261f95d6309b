#!/usr/bin/env bash
# make bench, iwg_hdrmed part: cost per message of the ims-volte profile
# against the same Kamailio configuration without mediation, side by side
# in one run (one kamailio, load alternating between the two).
#
#   tests/bench/hdrmed/run.sh            (root: runs in its own netns)
#   BENCH_HDRMED_CALLS=5000 BENCH_HDRMED_PAIRS=3 BENCH_HDRMED_RATE=1000
#   BENCH_HDRMED_DISCOVERY=1 (measure with discovery on; default off)
#   BENCH_HDRMED_RULES=FILE  (measure another rule file in place of ims-volte)
#
# Each transaction is one OPTIONS request (mediated "out") and its 200
# reply (mediated "in"): two messages. Kamailio's CPU time (utime+stime of
# all its processes, /proc) is read around each run; the SIPp UAC's own CPU
# in the same run gives the kam/sipp ratio that cancels most hypervisor
# noise (docs/architecture.md, "Platform facts"). The pure engine's cost on the same
# message (iwg-hdrmed-lint -b) is printed beside it.
#
# Instructions per message, free of that noise: the same load through a
# kamailio run by valgrind's callgrind, one start per profile and pair,
# counting only inside receive_msg() (parsing, the script, tm, sending;
# start-up and idle timers left out), summed over its processes and
# divided by the messages. The last run of each profile stays in
# build/bench/hdrmed-run/callgrind-PROFILE/ for callgrind_annotate.
#   BENCH_HDRMED_CG_CALLS=300 BENCH_HDRMED_CG_PAIRS=2 BENCH_HDRMED_CG_RATE=20
#   BENCH_HDRMED_CG=0        (skip it; skipped too when valgrind is missing)
# Output: a summary on stdout and build/bench/hdrmed.json.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
if [ -z "${IWG_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
export IWG_TOP=$top
. "$top/tests/integration/hdrmed/lib.sh"
calls=${BENCH_HDRMED_CALLS:-5000}
pairs=${BENCH_HDRMED_PAIRS:-3}
rate=${BENCH_HDRMED_RATE:-1000}
out=$IWG_BUILD/bench
# a run directory of its own (test runs wipe build/test-runs)
export IWG_RUN=$out/hdrmed-run
rm -rf "$IWG_RUN"
mkdir -p "$IWG_RUN"
hd_init bench
# discovery is a tool an operator turns on for a while; measured apart
export HD_DISCOVERY=${BENCH_HDRMED_DISCOVERY:-0}
prof=$top/kamcfg/hdrmed
hd_kamailio "ims-volte=${BENCH_HDRMED_RULES:-$prof/ims-volte.rules}" "ims-rcs=$prof/ims-rcs.rules" \
	"contact-center=$prof/contact-center.rules" ||
	{ echo "bench hdrmed: kamailio did not start (logs $logs)" >&2; exit 1; }
hd_uas uas uas-options.xml

# kam_cpu: CPU seconds used so far by kamailio and its children
kam_cpu() {
	local p t=0
	for p in $KAM_PID $(ps -o pid= --ppid "$KAM_PID"); do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

tck=$(getconf CLK_TCK)
# one_run PROFILE: prints "kamailio-µs-per-message sipp-µs-per-message"
one_run() {
	local k0 k1 s
	k0=$(kam_cpu)
	s=$( { /usr/bin/time -f '%U %S' sipp -sf "$hd_dir/sipp/uac-bench.xml" \
		-i 127.0.0.1 -p $HD_UAC_PORT -nostdin -cp 18990 -m "$calls" \
		-r "$rate" -l 2000 -timeout 120s -timeout_error -key profile "$1" \
		127.0.0.1:$HD_KPORT >"$logs/uac-$1.log" 2>"$logs/uac-$1.time"; } 2>&1;
		tail -1 "$logs/uac-$1.time")
	k1=$(kam_cpu)
	awk -v k=$((k1 - k0)) -v s="$s" -v n="$calls" -v t="$tck" 'BEGIN {
		split(s, a, " "); printf "%.2f %.2f\n", k / t * 1e6 / (2 * n),
		(a[1] + a[2]) * 1e6 / (2 * n) }'
}

# warm-up (first transactions allocate)
one_run none >/dev/null
results=()
for ((i = 1; i <= pairs; i++)); do
	for p in ims-volte none; do
		r=$(one_run $p) || { echo "bench hdrmed: sipp failed, log $logs/uac-$p.log" >&2; exit 1; }
		results+=("$i $p $r")
	done
done
engine=$("$IWG_BUILD/bin/iwg-hdrmed-lint" -m "$top/tests/bench/hdrmed/invite.sip" \
	-b 100000 "$prof/ims-volte.rules" | sed -n 's/.*, \([0-9]*\) ns per message/\1/p')

# Instructions per message under callgrind (see the top of this file)
cg_calls=${BENCH_HDRMED_CG_CALLS:-300}
cg_pairs=${BENCH_HDRMED_CG_PAIRS:-2}
cg_rate=${BENCH_HDRMED_CG_RATE:-20}
cg_dir=$IWG_RUN/callgrind
# stack.sh starts /usr/sbin/kamailio itself: from here on through valgrind
eval "_hd_spawn_native() $(declare -f _stack_spawn | sed 1d)"
_stack_spawn() {
	local name=$1 log=$2
	shift 2
	[ "$1" = /usr/sbin/kamailio ] && set -- valgrind --tool=callgrind -q \
		--toggle-collect=receive_msg --callgrind-out-file="$cg_dir/cg.%p" "$@"
	_hd_spawn_native "$name" "$log" "$@"
}

# cg_run PROFILE: one kamailio under callgrind carries cg_calls
# transactions of PROFILE; prints its instructions per message
cg_run() {
	local kids
	rm -rf "$cg_dir" && mkdir -p "$cg_dir" || return 1
	hd_kamailio "ims-volte=${BENCH_HDRMED_RULES:-$prof/ims-volte.rules}" \
		"ims-rcs=$prof/ims-rcs.rules" "contact-center=$prof/contact-center.rules" ||
		return 1
	kids=$($KAMCMD core.psx | awk '$1 == "PID:" { print $2 }')
	sipp -sf "$hd_dir/sipp/uac-bench.xml" -i 127.0.0.1 -p $HD_UAC_PORT -nostdin \
		-cp 18990 -m "$cg_calls" -r "$cg_rate" -l 200 -timeout 300s \
		-timeout_error -key profile "$1" 127.0.0.1:$HD_KPORT \
		>"$logs/uac-cg-$1.log" 2>&1 || { hd_stop "$KAM_PID"; return 1; }
	hd_stop "$KAM_PID"
	# each process writes its counts when it exits
	wait_until 30 eval "! kill -0 $(echo $kids) 2>/dev/null" || return 1
	# kept for callgrind_annotate: build/bench/hdrmed-run/callgrind-PROFILE
	rm -rf "$cg_dir-$1" && cp -r "$cg_dir" "$cg_dir-$1"
	cat "$cg_dir"/cg.* | awk -v n="$cg_calls" '$1 == "summary:" { t += $2 }
		END { printf "%.0f\n", t / (2 * n) }'
}

cgres=()
if [ "${BENCH_HDRMED_CG:-1}" = 1 ] && command -v valgrind >/dev/null; then
	hd_stop "$KAM_PID"
	for ((i = 1; i <= cg_pairs; i++)); do
		for p in ims-volte none; do
			r=$(cg_run $p) || { echo "bench hdrmed: callgrind run failed (logs $logs)" >&2; exit 1; }
			cgres+=("$i $p $r")
		done
	done
elif [ "${BENCH_HDRMED_CG:-1}" = 1 ]; then
	echo "bench hdrmed: valgrind missing, no instruction counts (apt-get install valgrind)" >&2
fi

printf '%s\n' "${results[@]}" | awk -v engine="${engine:-0}" -v calls="$calls" \
	-v rate="$rate" -v json="$out/hdrmed.json" -v cg="$(printf '%s;' "${cgres[@]}")" \
	-v cg_calls="$cg_calls" '
{ pair = $1; kam[$1, $2] = $3; sipp[$1, $2] = $4; n = $1 }
END {
	printf "hdrmed bench: %d OPTIONS transactions (2 messages each) per run, %d/s, %d pairs\n", calls, rate, n
	printf "%-5s %-10s %14s %14s %10s\n", "pair", "profile", "kam us/msg", "sipp us/msg", "kam/sipp"
	for (i = 1; i <= n; i++) for (j = 0; j < 2; j++) {
		p = j ? "none" : "ims-volte"
		printf "%-5d %-10s %14.2f %14.2f %10.3f\n", i, p, kam[i, p], sipp[i, p], kam[i, p] / sipp[i, p]
		tk[p] += kam[i, p]; ts[p] += sipp[i, p]; tr[p] += kam[i, p] / sipp[i, p]
	}
	d = (tk["ims-volte"] - tk["none"]) / n
	# normalized: ratio difference times the mean sipp cost per message
	dn = (tr["ims-volte"] - tr["none"]) / n * (ts["ims-volte"] + ts["none"]) / (2 * n)
	printf "ims-volte costs %.2f us more per message than no mediation (raw CPU), %.2f us normalized by SIPp CPU; pure engine (parse+apply+print, one INVITE): %.2f us; target <= 5 us\n", d, dn, engine / 1000
	printf "{\"bench\":\"hdrmed\",\"transactions_per_run\":%d,\"rate\":%d,\"pairs\":%d,", calls, rate, n > json
	printf "\"kam_us_per_msg\":{\"ims-volte\":%.3f,\"none\":%.3f},", tk["ims-volte"] / n, tk["none"] / n > json
	printf "\"sipp_us_per_msg\":{\"ims-volte\":%.3f,\"none\":%.3f},", ts["ims-volte"] / n, ts["none"] / n > json
	printf "\"delta_us_per_msg_raw\":%.3f,\"delta_us_per_msg_normalized\":%.3f,", d, dn > json
	printf "\"engine_us_per_msg\":%.3f,\"target_us\":5", engine / 1000 > json
	m = split(cg, r, ";") - 1
	if (m > 0) {
		printf "callgrind: %d transactions per run, instructions inside receive_msg()\n", cg_calls
		printf "%-5s %-10s %14s\n", "pair", "profile", "instr/msg"
		for (i = 1; i <= m; i++) {
			split(r[i], f, " ")
			printf "%-5d %-10s %14d\n", f[1], f[2], f[3]
			ti[f[2]] += f[3]; ni[f[2]]++
		}
		di = ti["ims-volte"] / ni["ims-volte"] - ti["none"] / ni["none"]
		# CPU per instruction of the none runs turns the delta into microseconds
		du = di * (tk["none"] / n) / (ti["none"] / ni["none"])
		printf "ims-volte executes %.0f instructions more per message than no mediation (%.0f against %.0f, +%.1f %%), %.2f us at the measured CPU per instruction; target <= 5 us\n", di, ti["ims-volte"] / ni["ims-volte"], ti["none"] / ni["none"], 100 * di / (ti["none"] / ni["none"]), du
		printf ",\"cg_transactions_per_run\":%d,\"instr_per_msg\":{\"ims-volte\":%.0f,\"none\":%.0f},", cg_calls, ti["ims-volte"] / ni["ims-volte"], ti["none"] / ni["none"] > json
		printf "\"delta_instr_per_msg\":%.0f,\"delta_us_per_msg_from_instr\":%.3f", di, du > json
	}
	printf "}\n" > json
}'
echo "bench hdrmed: wrote $out/hdrmed.json"
