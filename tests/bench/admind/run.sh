#!/usr/bin/env bash
# iwg-admind benchmark, measured side by side in one run (wrk): requests/s
# and p99 latency of a bare libmicrohttpd handler answering a fixed JSON
# body, of /healthz, /metrics and /api/v1/calls (10 calls in rtpengine),
# against the real stack in a private network namespace. Prints a table and
# the /healthz : bare ratio (median of 3 alternating pairs; target: at least
# 0.5). Not a test: no
# assertion on speed. Usage: tests/bench/admind/run.sh [SECONDS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
secs=${1:-${BENCH_SECONDS:-5}}
. "$top/tests/lib/stack.sh"
. "$top/tests/lib/tap.sh"
. "$top/tests/integration/admind/lib.sh"
out=$IWG_BUILD/bench
mkdir -p "$out"

stack_init bench-admind
trap 'admind_stop; [ -n "${hello_pid:-}" ] && kill "$hello_pid" 2>/dev/null; stack_stop' EXIT
stack_start || { echo "bench: stack did not start (logs $IWG_LOGDIR)" >&2; exit 1; }

cc -O2 -o "$out/admind-hello" "$here/hello.c" -lmicrohttpd -lpthread || exit 1
threads=4
"$out/admind-hello" 8099 "$threads" &
hello_pid=$!
wait_until 5 curl -sf -o /dev/null http://127.0.0.1:8099/

admind_keys
admind_conf "$IWG_RUN/admind.conf" 8088 "threads = $threads" \
	"rate_limit_key = 0" "rate_limit_addr = 0"
admind_start "$IWG_RUN/admind.conf" "$IWG_LOGDIR/admind.log" http://127.0.0.1:8088 \
	|| { echo "bench: iwg-admind did not start" >&2; exit 1; }

# 10 calls in rtpengine for /api/v1/calls
sdp=$'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n'
for i in $(seq 10); do
	"$IWG_NG_BIN" -s "$IWG_NG_ADDR" raw "$(jq -nc --arg c "bench-$i" --arg s "$sdp" \
		'{command:"offer","call-id":$c,"from-tag":"a","sdp":$s}')" >/dev/null
	"$IWG_NG_BIN" -s "$IWG_NG_ADDR" raw "$(jq -nc --arg c "bench-$i" --arg s "$sdp" \
		'{command:"answer","call-id":$c,"from-tag":"a","to-tag":"b","sdp":$s}')" >/dev/null
done

# run NAME URL [HEADER]: prints "NAME req/s p99"
run() {
	local name=$1 url=$2 hdr=${3:-} log=$out/admind-$1.wrk
	if [ -n "$hdr" ]; then
		wrk -t2 -c32 -d"${secs}s" --latency -H "$hdr" "$url" >"$log" 2>&1
	else
		wrk -t2 -c32 -d"${secs}s" --latency "$url" >"$log" 2>&1
	fi
	printf '%-16s %10s %10s\n' "$name" \
		"$(awk '/^Requests\/sec/ {print $2}' "$log")" \
		"$(awk '$1 == "99%" {print $2}' "$log")"
}
auth="Authorization: Bearer $KEY_NOC"
# bare and /healthz alternate three times (this VM is noisy); the ratio
# reported is the median of the three pairs
{
	printf '%-16s %10s %10s\n' target 'req/s' p99
	for pass in 1 2 3; do
		run bare-mhd http://127.0.0.1:8099/
		run healthz http://127.0.0.1:8088/healthz
	done
	run metrics http://127.0.0.1:8088/metrics "$auth"
	run calls http://127.0.0.1:8088/api/v1/calls "$auth"
} | tee "$out/admind.txt"
awk '$1 == "bare-mhd" {b = $2} $1 == "healthz" {print $2 / b}' "$out/admind.txt" \
	| sort -n | sed -n 2p \
	| awk '{printf "healthz/bare ratio, median of 3 pairs: %.2f (target >= 0.5)\n", $1}' \
	| tee -a "$out/admind.txt"
