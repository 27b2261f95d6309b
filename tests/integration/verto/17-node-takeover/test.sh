#!/usr/bin/env bash
# A Verto call survives its node: two contact-center nodes (A on
# 127.0.0.21, B on 127.0.0.22, each with its own site.cfg as on two
# machines) share one Redis and one rtpengine. A browser (raw Verto from
# Chromium) calls the contact center (SIPp) through A; B cannot take the
# session while A lives; A is killed (every process, by PID); the browser
# logs in on B with its sessid; B claims the session, re-attaches the call
# (verto.attach, the browser's answer), sends the re-INVITE with its own
# Contact, carries the browser's message, and answers the contact center's
# BYE. Then A starts again and the real @signalwire/js SDK, behind one
# address for both nodes, keeps its call (audio both ways) across A's
# death (sdk-takeover.mjs). Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/17-node-takeover/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/17-node-takeover
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

bail() {
	tap_fail "$1" "$2"
	tap_done
	exit 1
}

# start_node NAME IP RPC_PORT LOOP_PORT: Kamailio NAME (log NAME.log, ctl
# socket $IWG_RUN/NAME_ctl), Verto on ws IP:8082 and wss IP:8445
start_node() {
	# the contact-center preset at IP, with its own RPC and loop ports
	stack_node_cfg "$IWG_RUN/cfg-$1" contact-center "$2" "$3" \
		"#!substdef \"!IWG_CC_LOOP_PORT!$4!g\"" '#!define IWG_CC_LOOP_PORT_SET' || return 1
	IWG_CFG=$IWG_RUN/cfg-$1/kamailio.cfg
	IWG_KAM_EXTRA=(-A "IWG_CTL_SOCK=\"unix:$IWG_RUN/$1_ctl\""
		-A "IWG_VERTO_LISTEN=\"$2:8082\"" -A "IWG_VERTO_WSS_LISTEN=\"$2:8445\""
		-A "IWG_VERTO_GRACE=10"
		-A "IWG_HDRMED_CC=\"contact-center=$top/kamcfg/hdrmed/contact-center.rules\"")
	stack_kamailio_args || return 1
	stack_spawn_kamailio "$1" "unix:$IWG_RUN/$1_ctl" "${IWG_KAM_ARGS[@]}" || return 1
	wait_until 10 tcp_open "$2" 8082 && wait_until 5 udp_bound 5060
}

verto_need_sdk || exit 1
stack_init verto-17-node-takeover
logs=$IWG_LOGDIR
stack_start_redis || bail "redis starts" "see $logs/redis.log"
stack_start_rtpengine || bail "rtpengine starts" "see $logs/rtpengine.log"
stack_tls_cert && stack_db || bail "certificate and database" "see $logs"
start_node kam-a 127.0.0.21 5065 5069 || bail "node A starts" "see $logs/kam-a.log, kam-a-check.log"
start_node kam-b 127.0.0.22 5066 5079 || bail "node B starts" "see $logs/kam-b.log, kam-b-check.log"
tap_ok "two contact-center nodes start (A 127.0.0.21, B 127.0.0.22)"
verto_provision 1008@cc.example sip:1008@cc.example 1234 "display_name=Web User" tenant=acme queue=sales &&
	verto_provision 1009@cc.example sip:1009@cc.example 1234 "display_name=Other User" ||
	bail "PaaS users provisioned" "see $logs/idctl.log"

verto_node "$here/takeover.mjs" "$top/tests/integration/verto/sipp" "$IWG_RUN"
# node A again (a new start: another incarnation), then the real SDK's call
# through a front that both nodes stand behind
# (A is gone unless takeover.mjs stopped before killing it)
stack_kill "$(cat "$IWG_RUN/kam-a.pid")"
start_node kam-a2 127.0.0.21 5065 5069 || bail "node A starts again" "see $logs/kam-a2.log"
verto_node "$here/sdk-takeover.mjs" "$top/tests/integration/verto/sipp" "$IWG_RUN"
tap_check "node B still running (log: $logs/kam-b.log)" kill -0 "$(cat "$IWG_RUN/kam-b.pid")"
echo "# logs: $logs"
tap_done
