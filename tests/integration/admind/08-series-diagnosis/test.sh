#!/usr/bin/env bash
# GET /api/v1/series and GET /api/v1/calls/{call_id}/diagnosis against the
# gateway stack, with iwg-probe as the browser and SIPp as the SIP peer. See
# README.md. Runs inside the private network namespace of tests/run.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

sipp_pid='' probe_pid=''
cleanup() {
	# shellcheck disable=SC2086 # empty when not started
	stack_kill $probe_pid $sipp_pid
	stack_stop
}
stack_init integration-admind-08-series-diagnosis
trap cleanup EXIT
if ! stack_start; then
	tap_fail "gateway stack starts" "see $IWG_LOGDIR (kamailio.log, rtpengine.log)"
	exit 1
fi
if ! IWG_ADMIND_CONF_EXTRA="series_interval = 1
series_points = 600" stack_start_admind; then
	tap_fail "iwg-admind starts (series_interval 1)" "see $IWG_LOGDIR/admind.log"
	exit 1
fi
U=http://127.0.0.1:8088 ADMIND_OUT=$IWG_RUN/admind.out ADMIND_LOG=$IWG_LOGDIR/admind.log
KEY_NOC=$(awk '$1 == "noc" {print $2}' "$IWG_RUN/admind/keys")
KEY_APP=$(awk '$1 == "app" {print $2}' "$IWG_RUN/admind/keys")
logs=$IWG_LOGDIR

# points N: the series has at least N points
points() {
	api GET $U/api/v1/series "$KEY_NOC"
	[ "$(jqb '.points|length')" -ge "$1" ] 2>/dev/null
}
# series_has FILTER: some point of the series matches the jq FILTER
series_has() {
	api GET $U/api/v1/series "$KEY_NOC"
	[ "$(jqb "[.points[]|select($1)]|length")" -ge 1 ] 2>/dev/null
}

# ------------------------------------------------------------- the series fills
if wait_until 15 points 3; then tap_ok "the series fills: 3 points within 15 s at a 1 s interval"
else tap_fail "the series fills" "last answer: $(head -c 400 "$ADMIND_OUT"); log $ADMIND_LOG"; fi
tap_eq "interval_seconds is 1" 1 "$(jqb .interval_seconds)"
tap_eq "points are oldest first, one per second or more apart" true \
	"$(jqb '[.points[].t] as $t|[range(1;$t|length)|$t[.] > $t[.-1]]|all')"
tap_eq "each point: every dependency up (3 of 3), registrations read" true \
	"$(jqb '[.points[-1]|.nodes_up == 3, .nodes_total == 3, (.registrations|type) == "number", (.calls_active|type) == "number"]|all')"
tap_eq "rates are numbers from the second point on" true \
	"$(jqb '[.points[1:][]|(.calls_per_second|type) == "number" and (.failures_per_second|type) == "number"]|all')"
api GET $U/api/v1/series "$KEY_APP"
api_err "the app key may not read the series: 403" 403 forbidden
api GET $U/api/v1/series
api_err "no key: 401" 401 unauthorized

# ------------------------------------------------------------- a call whose peer sends no RTP
scenario=$IWG_TOP/tests/integration/probe/sipp/echo-uas.xml
start_peer() { # start_peer NAME [-rtp_echo]
	(cd "$logs" && exec sipp -sf "$scenario" -i 127.0.0.1 -p 5090 -mp 40000 \
		${2:-} -cp 8893 -m 1 -nostdin -timeout 60 -trace_err \
		-error_file "sipp-$1-errors.log") >"$logs/sipp-$1.log" 2>&1 &
	sipp_pid=$!
	wait_until 10 udp_bound 5090
}
start_call() { # start_call NAME: iwg-probe registers and calls echo (the peer)
	"$IWG_BUILD/bin/iwg-probe" --password "$IWG_TEST_PASSWORD" --ws "$IWG_WS_URL" \
		--register --to echo --duration 12 --timeout 10 \
		>"$logs/probe-$1.json" 2>"$logs/probe-$1.err" &
	probe_pid=$!
	CID=
	wait_until 10 eval '[ -n "$("$IWG_NG_BIN" list 2>/dev/null | jq -r ".calls[0] // empty")" ]'
	CID=$("$IWG_NG_BIN" list 2>/dev/null | jq -r '.calls[0] // empty')
}
end_call() {
	wait "$probe_pid" 2>/dev/null
	probe_pid=
	wait "$sipp_pid" 2>/dev/null
	sipp_pid=
	wait_until 10 eval '[ -z "$("$IWG_NG_BIN" list 2>/dev/null | jq -r ".calls[0] // empty")" ]'
}
verdict_is() {
	api GET "$U/api/v1/calls/$CID/diagnosis" "$KEY_NOC"
	[ "$(jqb .verdict)" = "$1" ]
}

start_peer silent || tap_fail "the silent SIPp peer listens on 5090" "see $logs/sipp-silent.log"
start_call silent
if [ -n "$CID" ]; then tap_ok "the probe's call is in rtpengine ($CID)"
else tap_fail "the probe's call is in rtpengine" "see $logs/probe-silent.err, kamailio.log"; fi
if wait_until 11 verdict_is one_way; then
	tap_ok "diagnosis: one_way once the peer has been silent for the threshold"
else
	tap_fail "diagnosis: one_way once the peer has been silent for the threshold" \
		"last answer: $(head -c 600 "$ADMIND_OUT"); logs $logs"
fi
sec_silent=$(jqb .message | sed -n 's/.*nothing for \([0-9]*\) s.*/\1/p')
tap_eq "the message names the silent SIP peer and what to check" \
	"browser → gateway flowing, SIP peer → gateway nothing for $sec_silent s: check the peer's media address or firewall" \
	"$(jqb .message)"
tap_check "it has been silent for at least the threshold (5 s)" test "${sec_silent:-0}" -ge 5
tap_eq "directions: the browser's audio flowing with packets, the peer's none" \
	"browser:true:true sip_peer:false:false" \
	"$(jqb '[.directions[]|select(.media=="audio")|.from+":"+(.flowing|tostring)+":"+(.packets > 0|tostring)]|sort|join(" ")')"
tap_eq "the browser's last packet is recent, the peer's never came (null)" "true null" \
	"$(jqb '[(.directions[]|select(.from=="browser")|.last_packet_age_seconds < 5), (.directions[]|select(.from=="sip_peer")|.last_packet_age_seconds)]|map(tostring)|join(" ")')"
tap_eq "directions go to the gateway, tagged by leg" true \
	"$(jqb '[.directions[]|.to == "gateway" and (.tag|length) > 0]|all')"
api GET "$U/api/v1/calls/$CID/diagnosis" "$KEY_APP"
api_err "the app key may not read a diagnosis: 403" 403 forbidden
if wait_until 10 series_has '.calls_active >= 1 and .registrations >= 1'; then
	tap_ok "series: the call (calls_active >= 1) and the probe's registration (registrations >= 1)"
else
	tap_fail "series: the call and the registration" "last answer: $(jq -c '.points[-3:]' "$ADMIND_OUT")"
fi
end_call
if wait_until 10 series_has '.calls_per_second > 0'; then
	tap_ok "series: calls_per_second > 0 after the answered INVITE"
else
	tap_fail "series: calls_per_second > 0 after the answered INVITE" \
		"points: $(jq -c '[.points[]|.calls_per_second]' "$ADMIND_OUT")"
fi
api GET "$U/api/v1/calls/$CID/diagnosis" "$KEY_NOC"
api_err "after the call: diagnosis 404 (rtpengine knows it no more)" 404 not_found call_id

# ------------------------------------------------------------- the same with an echoing peer
start_peer echo -rtp_echo || tap_fail "the echo SIPp peer listens on 5090" "see $logs/sipp-echo.log"
start_call echo
if wait_until 11 verdict_is ok; then
	tap_ok "diagnosis of a call with media both ways: ok"
else
	tap_fail "diagnosis of a call with media both ways: ok" "last answer: $(head -c 600 "$ADMIND_OUT")"
fi
tap_eq "both directions flowing" "browser:true sip_peer:true" \
	"$(jqb '[.directions[]|select(.media=="audio")|.from+":"+(.flowing|tostring)]|sort|join(" ")')"
end_call

api GET "$U/api/v1/calls/no-such-call/diagnosis" "$KEY_NOC"
api_err "an unknown call: 404 (field call_id)" 404 not_found call_id
api GET "$U/api/v1/calls/a%00b/diagnosis" "$KEY_NOC"
api_err "a call id with %00: 404, not cut short" 404 not_found call_id
tap_done
