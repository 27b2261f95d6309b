#!/usr/bin/env bash
# Two edge nodes of the gateway preset (WITH_CLUSTER) sharing the browsers'
# registrations through DMQ: node A on 127.0.0.21, node B on 127.0.0.22
# (each its own site.cfg, as on two machines), one rtpengine, one subscriber
# database. A SIP phone (SIPp, 127.0.0.1, a trusted peer) calls through B
# a browser (iwg-probe, ICE and DTLS-SRTP) registered on A: B hands the
# INVITE off to A, which does the call. Then what a malicious peer gets
# (KDMQ and hand-off Routes from outside the cluster, a node's hand-off to
# something that is not a browser, a browser's own Path), a closed
# connection's contact removed on both nodes, and node A killed by PID
# mid-call: the browser comes back on B and takes a new call, a browser
# that did not come back gets 480 within IWG_CLUSTER_FR_TIMER.
set -uo pipefail
. "$(dirname "$0")/../../probe/lib.sh"
stack_init ha-02-edge-nodes
logs=$IWG_LOGDIR
probe=("$IWG_BUILD/bin/iwg-probe" --password "$(stack_secret test_password | cut -c1-16)")
probes=()
sipps=()
trap 'stack_kill "${probes[@]}" "${sipps[@]}"; stack_stop' EXIT

bail() {
	tap_fail "$1" "$2"
	tap_done
	exit 1
}

nodes="127.0.0.21/32,127.0.0.22/32"
# start_node NAME IP RPC_PORT PEER_IP: Kamailio NAME (log NAME.log, ctl
# socket $IWG_RUN/NAME_ctl); its PID in $IWG_RUN/NAME.pid
start_node() {
	stack_node_cfg "$IWG_RUN/cfg-$1" gateway "$2" "$3" || return 1
	IWG_CFG=$IWG_RUN/cfg-$1/kamailio.cfg
	IWG_KAM_EXTRA=(-A WITH_CLUSTER -A "IWG_CLUSTER_NODES=\"$nodes\""
		-A "IWG_CLUSTER_PEER=\"sip:$4:5060;transport=tcp\""
		-A "IWG_CTL_SOCK=\"unix:$IWG_RUN/$1_ctl\"")
	stack_kamailio_args || return 1
	stack_spawn_kamailio "$1" "unix:$IWG_RUN/$1_ctl" "${IWG_KAM_ARGS[@]}" || return 1
	wait_until 10 tcp_open "$2" 8080 && wait_until 5 udp_bound 5060
}
kam() { local n=$1; shift; kamcmd -s "unix:$IWG_RUN/${n}_ctl" "$@"; }
# browser NAME WS_URL USER ARG...: iwg-probe registers USER over WS_URL and
# answers a call (output NAME.json, NAME.err); its PID in $browser_pid
browser() {
	local name=$1 ws=$2 user=$3
	shift 3
	"${probe[@]}" --ws "$ws" --answer --from "$user" --timeout 30 "$@" \
		>"$logs/$name.json" 2>"$logs/$name.err" &
	probes+=($!)
	browser_pid=$!
}
# phone NAME USER PORT MEDIA_PORT TIMEOUT: SIPp (uac.xml) calls USER
# through node B, its RTP echoed (trace sipp-NAME-messages.log); its PID in
# $sipp_pid
phone() {
	(cd "$logs" && exec sipp -sf "$here/uac.xml" 127.0.0.22:5060 -s "$2" \
		-i 127.0.0.1 -p "$3" -mp "$4" -rtp_echo -m 1 -nostdin -timeout "$5" \
		-trace_msg -message_file "sipp-$1-messages.log" \
		-trace_err -error_file "sipp-$1-errors.log") >"$logs/sipp-$1.log" 2>&1 &
	sipps+=($!)
	sipp_pid=$!
}

stack_tls_cert && stack_db || bail "certificate and subscriber database" "see $logs"
stack_start_rtpengine || bail "rtpengine starts" "see $logs/rtpengine.log"
start_node kam-a 127.0.0.21 5065 127.0.0.22 || bail "node A starts (WITH_CLUSTER)" "see $logs/kam-a.log, kam-a-check.log"
start_node kam-b 127.0.0.22 5066 127.0.0.21 || bail "node B starts (WITH_CLUSTER)" "see $logs/kam-b.log, kam-b-check.log"
tap_ok "two edge nodes start with WITH_CLUSTER (A 127.0.0.21, B 127.0.0.22)"
pid_a=$(cat "$IWG_RUN/kam-a.pid")

active_nodes() { kam "$1" dmq.list_nodes 2>/dev/null | grep -c 'status: active'; }
if wait_until 20 eval '[ "$(active_nodes kam-a)" -ge 2 ] && [ "$(active_nodes kam-b)" -ge 2 ]'; then
	tap_ok "DMQ: each node knows both nodes, active"
else
	tap_fail "DMQ: each node knows both nodes, active" "A: $(kam kam-a dmq.list_nodes 2>&1 | head -20)"
fi
tap_like "edge.info reports the cluster nodes" "$nodes" "$(kam kam-a edge.info 2>&1)"

# --- a browser registered on A, reached from the SIP side through B --------
browser alice ws://127.0.0.21:8080 alice --echo --duration 2 --max-loss 5 \
	-H 'Path: <sip:127.0.0.99:5060;lr>'
alice_pid=$browser_pid
if wait_until 10 eval "kam kam-b ul.lookup location alice 2>/dev/null | grep >/dev/null 'iwg-flow'"; then
	tap_ok "alice's contact, registered on A, is on B with A's Path entry"
else
	tap_fail "alice's contact, registered on A, is on B with A's Path entry" \
		"B: $(kam kam-b ul.lookup location alice 2>&1 | head -30)"
fi
path_b=$(kam kam-b ul.lookup location alice 2>&1 | grep -i 'path')
tap_like "the Path names node A, over TCP" "127.0.0.21:5060;transport=tcp;lr;iwg-flow=" "$path_b"
if grep -q '127.0.0.99' <<<"$path_b"; then
	tap_fail "a browser's own Path header is not kept" "B's contact: $path_b"
else
	tap_ok "a browser's own Path header is not kept"
fi

phone alice alice 5091 40000 40
wait "$alice_pid"
tap_eq "the browser on A answered the call made through B (probe exit 0; $logs/alice.json, alice.err)" 0 $?
tone_echo_ok "its tone came back through rtpengine and the phone's echo" "$logs/alice.json"
sipp_finished "the phone's call completed: 200, ACK, the browser's BYE (SIPp exit 0; $logs/sipp-alice.log)"
rr=$(awk '/^SIP\/2.0 200 OK/ { g = 1 } g && /^Record-Route:/ { print } g && /^$/ { exit }' \
	"$logs/sipp-alice-messages.log")
tap_like "node A is in the call's Record-Route" "127.0.0.21" "$rr"
if grep -q '127.0.0.22' <<<"$rr"; then
	tap_fail "node B stayed out of the dialog" "Record-Route: $rr"
else
	tap_ok "node B stayed out of the dialog (no Record-Route of B)"
fi

# --- what a malicious peer gets ------------------------------------------
# answer SRC_IP TARGET METHOD R-URI HEADER TYPE BODY: the status of the
# final answer to one request from SRC_IP (send.mjs), "none" without one
answer() { node "$here/send.mjs" "$@" 2>>"$logs/send.err"; }
flow=$(jq -rn --arg f 'sip:127.0.0.1:5090' '$f|@uri')
kdmq_contact='{"action":1,"aor":"mallory","ruid":"m-1","c":"sip:mallory@127.0.0.1:5099","received":"","path":"<sip:127.0.0.1:5099;lr>","callid":"m","user_agent":"","instance":"","expires":4000000000,"cseq":1,"flags":0,"cflags":0,"q":-1,"last_modified":1,"methods":4294967295,"reg_id":0}'
tap_eq "KDMQ from outside IWG_CLUSTER_NODES (a new DMQ node) gets 403" 403 \
	"$(answer tcp:127.0.0.1 127.0.0.21:5060 KDMQ sip:notification_peer@127.0.0.21:5060 '' \
		text/plain 'sip:127.0.0.1:5099;transport=tcp;status=active')"
tap_eq "KDMQ from outside IWG_CLUSTER_NODES (a contact) gets 403" 403 \
	"$(answer tcp:127.0.0.1 127.0.0.21:5060 KDMQ sip:usrloc@127.0.0.21:5060 '' application/json "$kdmq_contact")"
tap_eq "KDMQ from a node's address over UDP (a forged source) gets 403" 403 \
	"$(answer 127.0.0.22 127.0.0.21:5060 KDMQ sip:usrloc@127.0.0.21:5060 '' application/json "$kdmq_contact")"
tap_eq "DMQ still knows two nodes" 2 "$(active_nodes kam-a)"
if grep -q 'mallory@' <(kam kam-a ul.lookup location mallory 2>&1); then
	tap_fail "no contact from the forged KDMQ" "$(kam kam-a ul.lookup location mallory 2>&1 | head)"
else
	tap_ok "no contact from the forged KDMQ"
fi
wsflow=$(jq -rn --arg f 'sip:127.0.0.1:5090;transport=ws' '$f|@uri')
tap_eq "a hand-off Route from a trusted peer that is not a node gets 403" 403 \
	"$(answer tcp:127.0.0.1 127.0.0.21:5060 MESSAGE sip:x@127.0.0.1:5090 \
		"Route: <sip:127.0.0.21:5060;lr;iwg-flow=$wsflow;iwg-cid=1>" text/plain hi)"
tap_eq "a hand-off from a node's address over UDP (a forged source) gets 403" 403 \
	"$(answer 127.0.0.22 127.0.0.21:5060 MESSAGE sip:x@127.0.0.1:5090 \
		"Route: <sip:127.0.0.21:5060;lr;iwg-flow=$wsflow;iwg-cid=1>" text/plain hi)"
tap_eq "a node's hand-off to anything but a browser connection gets 403" 403 \
	"$(answer tcp:127.0.0.22 127.0.0.21:5060 MESSAGE sip:x@127.0.0.1:5090 \
		"Route: <sip:127.0.0.21:5060;lr;iwg-flow=$flow;iwg-cid=1>" text/plain hi)"
tap_eq "a node's hand-off to a browser connection that is gone gets 480" 480 \
	"$(answer tcp:127.0.0.22 127.0.0.21:5060 MESSAGE sip:x@127.0.0.1:5090 \
		"Route: <sip:127.0.0.21:5060;lr;iwg-flow=$wsflow;iwg-cid=1>" text/plain hi)"

# alice's browser has gone (its connection closed after the call): her
# contact goes on B too, not only on A
gone() { ! grep -q 'Contact:' <(kam "$1" ul.lookup location "$2" 2>/dev/null); }
if wait_until 10 gone kam-b alice; then
	tap_ok "a closed connection's contact is removed on the other node too"
else
	tap_fail "a closed connection's contact is removed on the other node too" \
		"B: $(kam kam-b ul.lookup location alice 2>&1 | head -20)"
fi

# --- node A killed mid-call ----------------------------------------------
browser bob-a ws://127.0.0.21:8080 bob --duration 60
bob_a=$browser_pid
# caller: registered on A, never comes back
browser caller-a ws://127.0.0.21:8080 caller --timeout 60
caller_a=$browser_pid
wait_until 10 eval "kam kam-b ul.lookup location bob 2>/dev/null | grep >/dev/null 'iwg-flow'" ||
	tap_fail "bob registered on A is known on B" "$(kam kam-b ul.lookup location bob 2>&1 | head)"
wait_until 10 eval "kam kam-b ul.lookup location caller 2>/dev/null | grep >/dev/null 'iwg-flow'" ||
	tap_fail "caller registered on A is known on B" "$(kam kam-b ul.lookup location caller 2>&1 | head)"
phone bob1 bob 5092 40100 120
dialogs() { kam "$1" dlg.stats_active 2>/dev/null | awk '/all:/ { print $2 }'; }
if wait_until 15 eval '[ "$(dialogs kam-a)" = 1 ]'; then
	tap_ok "the call through B is a dialog of node A"
else
	tap_fail "the call through B is a dialog of node A" "A: $(kam kam-a dlg.stats_active 2>&1)"
fi
tap_eq "node B holds no dialog of it" 0 "$(dialogs kam-b)"
# the node dies: its main process and every child (a child outlives a
# killed main process and would go on taking requests)
kids_a=$(ps -o pid= --ppid "$pid_a")
# shellcheck disable=SC2086 # one PID per word
kill -KILL "$pid_a" $kids_a
all_a=$(echo "$pid_a" $kids_a | tr ' ' ',')
if wait_until 10 eval "! ps -p $all_a >/dev/null"; then
	tap_ok "node A killed by PID mid-call"
else
	tap_fail "node A killed by PID mid-call" "still there: $(ps -o pid=,args= -p "$all_a")"
fi
# the probe does not watch its connection during media (a browser's
# client would see it close and reconnect): it is stopped here
stack_kill "$bob_a" "$caller_a"

# the browser comes back on B: registered, reachable, a new call completes
# (B forks to bob's stale contact on dead A, given up after
# IWG_CLUSTER_FR_TIMER, and to the new one on B)
browser bob-b ws://127.0.0.22:8080 bob --echo --duration 2 --max-loss 5
bob_b=$browser_pid
wait_until 10 eval "kam kam-b ul.lookup location bob 2>/dev/null | grep -c 'Contact:' | grep >/dev/null 2" ||
	tap_fail "bob's new contact on B" "$(kam kam-b ul.lookup location bob 2>&1 | head -40)"
phone bob2 bob 5093 40200 40
wait "$bob_b"
tap_eq "back on B, the browser answered a new call (probe exit 0; $logs/bob-b.json, bob-b.err)" 0 $?
tone_echo_ok "with its tone echoed" "$logs/bob-b.json"
sipp_finished "the phone's new call completed (SIPp exit 0; $logs/sipp-bob2.log)"

# caller never came back: its contact on B still names dead A
tap_eq "a call to a browser whose node died and that did not come back: 480 (IWG_CLUSTER_FR_TIMER)" 480 \
	"$(answer 127.0.0.1 127.0.0.22:5060 INVITE sip:caller@127.0.0.22:5060 '' text/plain hi)"
tap_done
