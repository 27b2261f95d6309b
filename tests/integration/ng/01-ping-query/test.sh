#!/usr/bin/env bash
# iwg-ng against a real rtpengine 10.5 in userspace on 127.0.0.1: ping, offer
# (raw), list, query, statistics, delete, and the exit codes for an unknown
# call-id (1), no answer (2) and usage errors (64).
set -uo pipefail
top=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
build=${IWG_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/wait.sh"

ng_port=${NG_TEST_PORT:-22223}
port_min=42000
port_max=42099
srv=127.0.0.1:$ng_port
ngbin=$build/bin/iwg-ng
work=$build/test-runs/ng-01-ping-query
rm -rf "$work" && mkdir -p "$work"
log=$work/rtpengine.log

if [ ! -x "$ngbin" ]; then
	tap_fail "iwg-ng is built" "$ngbin missing: run make"
	exit 1
fi
if ! command -v rtpengine >/dev/null; then
	tap_fail "rtpengine is installed" "no rtpengine in PATH: run make deps"
	exit 1
fi

# --config-file=none: never read /etc/rtpengine/rtpengine.conf (it would add
# listeners); --delete-delay=0: delete removes the call at once
rtpengine --config-file=none --foreground --table=-1 \
	--interface=127.0.0.1 --listen-ng="$srv" \
	--port-min=$port_min --port-max=$port_max --dtls-passive \
	--delete-delay=0 --log-stderr --log-level=6 \
	--pidfile="$work/rtpengine.pid" >"$log" 2>&1 &
rtp_pid=$!
cleanup() {
	if kill -0 "$rtp_pid" 2>/dev/null; then
		kill "$rtp_pid"
		wait "$rtp_pid" 2>/dev/null
	fi
}
trap cleanup EXIT

# run iwg-ng; sets out, err, rc
ng() {
	out=$("$ngbin" -s "$srv" "$@" 2>"$work/stderr")
	rc=$?
	err=$(cat "$work/stderr")
}
why() { # a failure message naming the command and where the logs are
	printf '%s: exit %s, stdout: %s, stderr: %s (rtpengine log: %s)' \
		"$1" "$rc" "${out:0:300}" "${err:0:300}" "$log"
}

if ! wait_until 15 "$ngbin" -s "$srv" -t 100 -r 0 ping; then
	tap_fail "rtpengine answers ping on $srv" \
		"no pong within 15 s; rtpengine log $log: $(tail -5 "$log")"
	exit 1
fi

ng ping
if [ "$rc" = 0 ] && [ "$out" = '{"result":"pong"}' ]; then
	tap_ok "ping: exit 0 and {\"result\":\"pong\"}"
else
	tap_fail "ping: exit 0 and {\"result\":\"pong\"}" "$(why "iwg-ng ping")"
fi

callid="iwg-ng-test-$$-$RANDOM"
fromtag="ft-$RANDOM"
sdp=$'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n'
offer=$(jq -cn --arg c "$callid" --arg f "$fromtag" --arg sdp "$sdp" \
	'{command: "offer", "call-id": $c, "from-tag": $f, sdp: $sdp,
	  flags: ["trust-address"], replace: ["origin"]}')
ng raw "$offer"
mport=$(jq -r '.sdp // ""' <<<"$out" 2>/dev/null | sed -n 's/^m=audio \([0-9]*\) .*/\1/p')
if [ "$rc" = 0 ] && [ "$(jq -r .result <<<"$out" 2>/dev/null)" = ok ] &&
	[ -n "$mport" ] && [ "$mport" -ge $port_min ] && [ "$mport" -le $port_max ]; then
	tap_ok "raw offer: result ok, SDP rewritten to media port $mport in $port_min-$port_max"
else
	tap_fail "raw offer: result ok, SDP rewritten to a port in $port_min-$port_max" \
		"$(why "iwg-ng raw <offer>")"
fi

ng list
if [ "$rc" = 0 ] && jq -e --arg c "$callid" '.calls | index($c) != null' \
	<<<"$out" >/dev/null 2>&1; then
	tap_ok "list shows the offered call"
else
	tap_fail "list shows the offered call $callid" "$(why "iwg-ng list")"
fi

ng list 0
if [ "$rc" = 0 ] && [ "$(jq -c .calls <<<"$out" 2>/dev/null)" = "[]" ]; then
	tap_ok "list 0 returns no call-id (limit is sent)"
else
	tap_fail "list 0 returns no call-id (limit is sent)" "$(why "iwg-ng list 0")"
fi

ng query "$callid"
if [ "$rc" = 0 ] && jq -e --arg f "$fromtag" \
	'.result == "ok" and (.tags[$f].tag == $f) and (.created > 0)' \
	<<<"$out" >/dev/null 2>&1; then
	tap_ok "query shows the call with its from-tag"
else
	tap_fail "query shows the call with from-tag $fromtag" \
		"$(why "iwg-ng query $callid")"
fi

ng query "$callid" "$fromtag"
if [ "$rc" = 0 ] && [ "$(jq -r .result <<<"$out" 2>/dev/null)" = ok ]; then
	tap_ok "query with call-id and from-tag: result ok"
else
	tap_fail "query with call-id and from-tag: result ok" \
		"$(why "iwg-ng query $callid $fromtag")"
fi

ng statistics
if [ "$rc" = 0 ] && jq -e '.statistics.currentstatistics.sessionsown == 1' \
	<<<"$out" >/dev/null 2>&1; then
	tap_ok "statistics counts one own session"
else
	tap_fail "statistics counts one own session" "$(why "iwg-ng statistics")"
fi

ng delete "$callid"
if [ "$rc" = 0 ] && [ "$(jq -r .result <<<"$out" 2>/dev/null)" = ok ]; then
	tap_ok "delete: result ok"
else
	tap_fail "delete: result ok" "$(why "iwg-ng delete $callid")"
fi

ng list
if [ "$rc" = 0 ] && jq -e --arg c "$callid" '.calls | index($c) == null' \
	<<<"$out" >/dev/null 2>&1; then
	tap_ok "list no longer shows the deleted call"
else
	tap_fail "list no longer shows the deleted call" "$(why "iwg-ng list")"
fi

ng query "$callid"
if [ "$rc" = 1 ] && grep -q "Unknown call-id" <<<"$err" &&
	[ "$(jq -r .result <<<"$out" 2>/dev/null)" = error ]; then
	tap_ok "query of an unknown call-id: exit 1, error-reason on stderr"
else
	tap_fail "query of an unknown call-id: exit 1, error-reason on stderr" \
		"$(why "iwg-ng query $callid (deleted)")"
fi

ng raw '{"command": "frobnicate"}'
if [ "$rc" = 1 ] && grep -q "Unrecognized command" <<<"$err"; then
	tap_ok "raw with an unknown command: exit 1"
else
	tap_fail "raw with an unknown command: exit 1" "$(why "iwg-ng raw frobnicate")"
fi

usage_ok=1 usage_why=""
for args in "" "frob" "query" "list x" "raw {" "raw []" 'raw {"a":true}' \
	"-t 0 ping" "-s 1.2.3.4:99999 ping"; do
	# shellcheck disable=SC2086
	"$ngbin" $args >/dev/null 2>&1
	r=$?
	[ "$r" = 64 ] || { usage_ok=0; usage_why+="'iwg-ng $args' exited $r; "; }
done
if [ "$usage_ok" = 1 ]; then
	tap_ok "usage errors exit 64 without sending"
else
	tap_fail "usage errors exit 64 without sending" "$usage_why"
fi

# a port nobody listens on (inside this namespace): exit 2, quickly
"$ngbin" -s 127.0.0.1:$((ng_port + 1)) -t 100 -r 1 ping >/dev/null 2>"$work/stderr"
rc=$?
if [ "$rc" = 2 ] && grep -q "no reply" "$work/stderr"; then
	tap_ok "no answer (closed port): exit 2"
else
	tap_fail "no answer (closed port): exit 2" \
		"exit $rc, stderr: $(cat "$work/stderr")"
fi

if kill -0 "$rtp_pid" 2>/dev/null; then
	tap_ok "rtpengine is still running after all commands"
else
	tap_fail "rtpengine is still running after all commands" \
		"it exited; log $log: $(tail -5 "$log")"
fi
tap_done
