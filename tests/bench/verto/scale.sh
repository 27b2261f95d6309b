#!/usr/bin/env bash
# make bench, verto scale (run by run.sh after its own figures, or alone):
# (a) BENCH_SCALE_SESSIONS (10,000) logged-in Verto sessions on one
#     Kamailio (contact-center cfg), idle and answering pings, with
#     BENCH_SCALE_CALLS (200) calls placed through 8 of them: Kamailio CPU
#     per call against the same calls with 10 sessions (ratio, target <=
#     1.2), login latency (p50, p99) and memory per idle session (RSS of
#     the iwg_verto WebSocket process);
# (b) the time to accept a login (connect, upgrade, login) while
#     BENCH_SCALE_HOSTILE (5,000) unauthenticated connections are open,
#     against none: ratio of the medians and of the p99s.
# The clients are tests/bench/verto/scale.mjs (raw WebSockets of
# tests/lib/wsload.mjs, source addresses 127.0.1.x and 127.0.2.x, 200 per
# address); the calls go to the SIPp agent
# tests/integration/probe/sipp/echo-uas.xml on 127.0.0.1:5090.
# Output: figures on stdout, JSON in $IWG_BUILD/bench/verto-scale.json,
# logs in $IWG_BUILD/test-runs/bench-verto-scale/logs.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/bench/verto
export IWG_TOP=$top IWG_BUILD=${IWG_BUILD:-$top/build}
if [ -z "${IWG_IN_NETNS:-}" ]; then
	exec unshare --net -- env IWG_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
. "$top/tests/lib/stack.sh"
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=65536
ulimit -n "$hard"

sessions=${BENCH_SCALE_SESSIONS:-10000}
hostile=${BENCH_SCALE_HOSTILE:-5000}
logins=${BENCH_SCALE_LOGINS:-100}
out=$IWG_BUILD/bench/verto-scale.json
mkdir -p "$IWG_BUILD/bench"
export BENCH_SCALE_SESSIONS=$sessions BENCH_SCALE_HOSTILE=$hostile BENCH_SCALE_LOGINS=$logins

stack_init bench-verto-scale
logs=$IWG_LOGDIR
fail() { echo "bench verto scale: $1 (logs: $logs)" >&2; exit 1; }
for t in node jq sipp "$IWG_BUILD/bin/iwg-idctl"; do
	command -v "$t" >/dev/null || fail "$t not found (make, scripts/deps.sh)"
done
[ "$(ulimit -n)" -ge $((sessions + 1000)) ] ||
	fail "open-file limit $(ulimit -n) is too low for $sessions sessions"

stack_start_redis && stack_start_rtpengine || fail "redis or rtpengine did not start"
# users bench<N>@bench.example, password "bench": the sessions (100 ...),
# the first ten (0..9) and the logins of (b) (20000 ...)
node -e '
const crypto = require("node:crypto");
const [n, logins] = process.argv.slice(1).map(Number);
const ids = [...Array(10).keys(), ...Array.from({ length: n }, (_, i) => 100 + i),
  ...Array.from({ length: 2 * logins }, (_, i) => 20000 + i)];
console.log("ns,key,sip_uri,display_name,ha1");
for (const i of ids) {
  const ha1 = crypto.createHash("md5").update(`bench${i}:bench.example:bench`).digest("hex");
  console.log(`paas,bench${i}@bench.example,sip:bench${i}@bench.example,Bench ${i},${ha1}`);
}' "$sessions" "$logins" >"$IWG_RUN/users.csv"
"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" import "$IWG_RUN/users.csv" \
	>"$logs/idctl.log" 2>&1 || fail "iwg-idctl import failed ($logs/idctl.log)"
_stack_spawn sipp-agent "$logs/sipp-agent.log" sipp \
	-sf "$top/tests/integration/probe/sipp/echo-uas.xml" -i 127.0.0.1 \
	-p 5090 -mp 40000 -cp 8894 -nostdin \
	-trace_err -error_file "$logs/sipp-agent-errors.log"
wait_until 10 udp_bound 5090 || fail "the SIPp agent did not start"

IWG_CFG=$top/kamcfg/contact-center/kamailio.cfg
IWG_SIP_WS=0

# kam_run NAME DEFINES...: a fresh Kamailio with these -A defines; sets kam, ws
kam_run() {
	local name=$1 d
	shift
	IWG_KAM_EXTRA=(-A "IWG_VERTO_MAX_SESSIONS=$((sessions + 5000))")
	for d in "$@"; do IWG_KAM_EXTRA+=(-A "$d"); done
	stack_start_kamailio || fail "kamailio ($name) did not start"
	wait_until 10 tcp_open 127.0.0.1 8082 || fail "no Verto listener on 127.0.0.1:8082"
	kam=$(cat "$IWG_RUN/kamailio.pid")
	ws=$($IWG_KAMCMD core.psx | awk '/PID:/ { p = $2 } /DSC:/ && /iwg_verto WebSocket/ { print p; exit }')
	[ -n "$ws" ] || fail "no iwg_verto WebSocket process in core.psx"
}
kam_end() {
	cp "$logs/kamailio.log" "$logs/kamailio-$1.log"
	stack_kill "$kam"
	wait_until 10 eval "! udp_bound 5060" || fail "port 5060 still bound after kamailio stopped"
}

# (a) sessions
kam_run sessions
node "$here/scale.mjs" sessions ws://127.0.0.1:8082/verto-ws "$kam" "$ws" "$IWG_RUN/sessions.json" \
	>/dev/null 2>"$logs/scale-sessions.log" || echo "bench verto scale: sessions run failed ($logs/scale-sessions.log)" >&2
kam_end sessions
# (b) hostile connections: a login deadline of 30 s keeps them open
kam_run hostile IWG_VERTO_LOGIN_TIMEOUT=30
node "$here/scale.mjs" hostile ws://127.0.0.1:8082/verto-ws "$kam" "$ws" "$IWG_RUN/hostile.json" \
	>/dev/null 2>"$logs/scale-hostile.log" || echo "bench verto scale: hostile run failed ($logs/scale-hostile.log)" >&2
kam_end hostile

jq -s '{bench: "verto-scale", cpus: '"$(nproc)"', sessions: .[0], hostile: .[1]}' \
	"$IWG_RUN/sessions.json" "$IWG_RUN/hostile.json" >"$out" || fail "cannot summarise"
jq -r '
	def r(x): if x == null then "n/a" else x end;
	.sessions as $s | .hostile as $h |
	"verto scale: sessions logged in  \(r($s.sessions_ok)) (failed \(r($s.sessions_failed)))",
	"verto scale: Kamailio CPU ms per call, 10 sessions  \(r($s.at_10.cpu_ms_per_call))",
	"verto scale: Kamailio CPU ms per call, \(r($s.at_many.sessions)) sessions  \(r($s.at_many.cpu_ms_per_call))",
	"verto scale: CPU per call ratio  \(r($s.ratio)) (target <= 1.2; without the idle sessions own CPU \(r($s.ratio_without_idle)))",
	"verto scale: login latency ms  p50 \(r($s.login_ms.p50)) p99 \(r($s.login_ms.p99)) (\(r($s.logins_per_s)) logins/s)",
	"verto scale: memory per idle session  \(r($s.rss_kb_per_session)) kB",
	"verto scale: login with \(r($h.hostile_open_at_start)) hostile connections  p50 \(r($h.hostile.p50)) ms, p99 \(r($h.hostile.p99)) ms",
	"verto scale: login with none  p50 \(r($h.none.p50)) ms, p99 \(r($h.none.p99)) ms",
	"verto scale: hostile/none ratio  p50 \(r($h.ratio_p50)), p99 \(r($h.ratio_p99))"' "$out"
echo "bench verto scale: wrote $out" >&2
jq -e '.sessions.error == null and .hostile.error == null and .sessions.failed_calls == 0 and .sessions.sessions_failed == 0' \
	"$out" >/dev/null || fail "a run failed or calls failed (see $out)"
