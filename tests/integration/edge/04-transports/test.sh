#!/usr/bin/env bash
# Transports toward the network, gateway preset: the SIP peer over TCP
# (IWG_PEER_URI ;transport=tcp), a request over IWG_UDP_MTU switching from
# UDP to TCP, and the peer over TLS both ways (WITH_NET_TLS, tls.test.mjs).
# Calls are iwg-probe (DTLS-SRTP, echoed media) to a SIPp echo UAS, and
# Node user agents for TLS (SIPp here is built without TLS). Inside the
# private network namespace of tests/run.sh.
set -uo pipefail
. "$(dirname "$0")/../../probe/lib.sh"
scenario=$top/tests/integration/probe/sipp/echo-uas.xml

# sipp_tcp NAME: the SIPp echo UAS over TCP on 127.0.0.1:5090
sipp_tcp() {
	(cd "$logs" && exec sipp -sf "$scenario" -t t1 -i 127.0.0.1 -p 5090 \
		-mp 40000 -rtp_echo -cp 8893 -m 1 -nostdin -timeout 60 -trace_msg \
		-trace_err -message_file "sipp-$1.msg" -error_file "sipp-$1.err") \
		>"$logs/sipp-$1.log" 2>&1 &
	sipp_pid=$!
	wait_until 10 tcp_open 127.0.0.1 5090 || tap_fail "SIPp listens on TCP 5090 ($1)" "see $logs/sipp-$1.log"
}

# probe_call NAME ARGS...: an echo call through the gateway; TAP lines for
# the probe's result and SIPp's end
probe_call() {
	local name=$1 rc
	shift
	"${probe[@]}" --ws "$IWG_WS_URL" --to echo --echo --duration 1 --timeout 10 "$@" \
		>"$logs/probe-$name.json" 2>"$logs/probe-$name.err"
	rc=$?
	tap_eq "$name: the probe's echo call passes (see $logs/probe-$name.json)" 0 "$rc"
	wait_until 15 eval "! kill -0 $sipp_pid"
	wait "$sipp_pid"
	rc=$?
	sipp_pid=
	tap_eq "$name: SIPp over TCP completed the call (see $logs/sipp-$name.log)" 0 "$rc"
}

# --- the peer over TCP, chosen by its URI --------------------------------
IWG_KAM_EXTRA=(-A 'IWG_PEER_URI="sip:127.0.0.1:5090;transport=tcp"')
probe_test_start edge-transports-tcp
sipp_tcp tcp
probe_call tcp
if grep -Eq '^Record-Route: <sip:127\.0\.0\.1(:5060)?;transport=tcp;' "$logs/sipp-tcp.msg"; then
	tap_ok "tcp: the Record-Route toward the peer names TCP"
else
	tap_fail "tcp: the Record-Route toward the peer names TCP" \
		"$(grep -m2 '^Record-Route' "$logs/sipp-tcp.msg") (see $logs/sipp-tcp.msg)"
fi
stack_stop

# --- UDP peer, a request over IWG_UDP_MTU (1300) goes over TCP ------------
IWG_RUN= IWG_KAM_EXTRA=(-A IWG_UDP_MTU=1300)
probe_test_start edge-transports-mtu
sipp_tcp mtu
probe_call mtu --header "X-Padding: $(head -c 1500 /dev/zero | tr '\0' 'p')"
stack_stop

# --- the peer over TLS, both ways ----------------------------------------
IWG_RUN= IWG_KAM_EXTRA=(-A WITH_NET_TLS -A 'IWG_PEER_URI="sip:127.0.0.1:5091;transport=tls"')
probe_test_start edge-transports-tls
wait_until 10 tcp_open 127.0.0.1 5061 || tap_fail "TLS listener on 127.0.0.1:5061" "see $logs/kamailio.log"
(cd "$top" && node --experimental-websocket --no-warnings --test --test-reporter=tap \
	"$top/tests/integration/edge/04-transports/tls.test.mjs")
tap_done
