#!/usr/bin/env bash
# iwg-admind calls joined with dialogs: a SIPp call through a Kamailio with
# the dialog module and rtpengine offer/answer (admind-test.cfg -A
# WITH_DIALOG); and the cluster view of two such nodes (kam1 on 127.0.0.1,
# kam2 on 127.0.0.2, both with registrations, -A WITH_USRLOC), kam2
# killed at the end. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../../scripts/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-05-calls-dialog
trap 'admind_stop; stack_stop' EXIT
K2_SIP_PORT=15360 K2_RPC_PORT=15365
if ! stack_start_redis || ! stack_start_rtpengine ||
	! admind_kamailio -A WITH_DIALOG -A WITH_USRLOC ||
	! admind_kamailio_node kamailio2 127.0.0.2 "$K2_SIP_PORT" "$K2_RPC_PORT" \
		-A WITH_DIALOG -A WITH_USRLOC; then
	tap_fail "redis, rtpengine and two kamailio nodes (dialog, usrloc) start" "logs in $IWG_LOGDIR"
	exit 1
fi

KLOG=$IWG_LOGDIR/kamailio.log
admind_up "redis = $IWG_REDIS_ADDR" \
	"kamailio = kam1 http://127.0.0.1:$AT_RPC_PORT/RPC" \
	"kamailio = kam2 http://127.0.0.2:$K2_RPC_PORT/RPC" \
	"rtpengine = rtp1 $IWG_NG_ADDR" "series_interval = 1" || exit 1

# sip_register USER ADDR PORT: a REGISTER of USER to the node at ADDR:PORT
# (UDP; the answer goes to a port nobody reads: the node's usrloc is polled)
sip_register() {
	printf 'REGISTER sip:iwg.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15299;branch=z9hG4bK-r%s\r\nFrom: <sip:%s@iwg.test>;tag=r%s\r\nTo: <sip:%s@iwg.test>\r\nCall-ID: admind-reg-%s\r\nCSeq: 1 REGISTER\r\nContact: <sip:%s@127.0.0.1:15299>\r\nExpires: 600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$1" "$1" "$1" "$1" "$1" >"$IWG_RUN/reg.sip"
	cat "$IWG_RUN/reg.sip" >/dev/udp/"$2"/"$3"
}
sip_register alice 127.0.0.1 "$AT_SIP_PORT"
sip_register carol 127.0.0.1 "$AT_SIP_PORT"
sip_register dave 127.0.0.2 "$K2_SIP_PORT"
# cluster_is JQ-FILTER: the cluster view matches (true)
cluster_is() {
	api GET "$U/api/v1/cluster" "$KEY_NOC"
	[ "$(jqb "$1")" = true ]
}

# ------------------------------------------------------------ the call
sp=$here/../sipp
_stack_spawn uas "$IWG_LOGDIR/uas.log" sipp -sf "$sp/uas-call.xml" -i 127.0.0.1 \
	-p "$AT_UAS_PORT" -m 1 -nostdin -cp 18991 -trace_err -error_file "$IWG_LOGDIR/uas.err"
UAS_PID=$(cat "$IWG_RUN/uas.pid")
wait_until 5 udp_bound "$AT_UAS_PORT"
_stack_spawn uac "$IWG_LOGDIR/uac.log" sipp -sf "$sp/uac-call.xml" -i 127.0.0.1 \
	-p "$AT_UAC_PORT" -m 1 -nostdin -cp 18992 -timeout 60s -timeout_error \
	-trace_err -error_file "$IWG_LOGDIR/uac.err" "127.0.0.1:$AT_SIP_PORT"
UAC_PID=$(cat "$IWG_RUN/uac.pid")
SIPP_LOGS="$IWG_LOGDIR/uac.log $IWG_LOGDIR/uas.log $KLOG $ADMIND_LOG"

confirmed() {
	api GET "$U/api/v1/calls" "$KEY_NOC"
	[ "$(jqb '.items[0].dialog.state')" = confirmed ]
}
if wait_until 20 confirmed; then
	tap_ok "the SIPp call shows up in /api/v1/calls with a confirmed dialog"
else
	tap_fail "the SIPp call shows up in /api/v1/calls with a confirmed dialog" \
		"last answer: $(head -c 400 "$ADMIND_OUT"); logs: $SIPP_LOGS"
fi
CID=$(jqb '.items[0].call_id')
tap_eq "one call, joined: media on rtp1, dialog on kam1" "1 rtp1 kam1" \
	"$(jqb '[.total, .items[0].node, .items[0].dialog.node]|join(" ")')"
tap_eq "dialog: from/to URIs, state code 4, start time set" \
	"sip:alice@iwg.test sip:bob@iwg.test 4 true" \
	"$(jqb '.items[0].dialog|[.from_uri,.to_uri,.state_code,(.start_time|type=="number")]|join(" ")')"
tap_eq "the media legs are the dialog's two tags" true \
	"$(jqb '.items[0]|([.legs[].tag]|sort) == ([.dialog.from_tag,.dialog.to_tag]|sort)')"
tap_eq "dialog sources: kam1 and kam2 ok" "kam1:ok kam2:ok" \
	"$(jqb '[.dialog_sources[]|.node+":"+.status]|join(" ")')"

# 20 PCMA packets from the callee into the port rtpengine gave it
port=$(jqb '.items[0]|.dialog.to_tag as $t|.legs[]|select(.tag==$t)|.media[0].rtp.local' | sed 's/.*://')
payload=$(printf '\\325%.0s' $(seq 160))
for i in $(seq 1 20); do
	printf "\\200\\010\\000\\$(printf '%03o' $((i + 100)))\\000\\000\\001\\000\\001\\002\\003\\004$payload" >"$IWG_RUN/rtp.bin"
	cat "$IWG_RUN/rtp.bin" >/dev/udp/127.0.0.1/"${port:-9}"
done
media_seen() {
	api GET "$U/api/v1/calls/$CID" "$KEY_NOC"
	[ "$(jqb '.dialog.to_tag as $t|[.legs[]|select(.tag==$t)|.media[0].rtp.packets]|add')" -ge 20 ] 2>/dev/null
}
if wait_until 10 media_seen; then
	tap_ok "one call by Call-ID: media data (20 packets on the callee leg) with its dialog"
else
	tap_fail "one call by Call-ID: media data (20 packets on the callee leg) with its dialog" \
		"rtpengine port '$port'; last answer: $(head -c 400 "$ADMIND_OUT"); logs $IWG_LOGDIR/rtpengine.log"
fi
tap_eq "codec seen on the callee leg is PCMA, dialog confirmed" "PCMA/8000 confirmed" \
	"$(jqb '.dialog.to_tag as $t|[(.legs[]|select(.tag==$t)|.media[0].codec), .dialog.state]|join(" ")')"
api GET "$U/api/v1/calls?node=kam1" "$KEY_NOC"
tap_eq "node filter by Kamailio node" 1 "$(jqb .total)"
api GET "$U/api/v1/calls?node=rtp1" "$KEY_NOC"
tap_eq "node filter by rtpengine node" 1 "$(jqb .total)"
api GET "$U/api/v1/calls?node=kam2" "$KEY_NOC"
tap_eq "node filter by the other Kamailio node: none" 0 "$(jqb .total)"
api GET "$U/api/v1/calls?node=nope" "$KEY_NOC"
api_err "unknown node: 400" 400 bad_request node

# ------------------------------------------------ the cluster view, both up
NODES='[.nodes[]|[.name, .state, (.registrations // .sessions|tostring), (.calls_active|tostring)]|join(":")]|join(" ")'
if wait_until 15 cluster_is '.totals.registrations == 3 and .totals.calls_active == 1'; then
	tap_ok "cluster: 3 registrations and the 1 call over both nodes"
else
	tap_fail "cluster: 3 registrations and the 1 call over both nodes" \
		"last answer: $(head -c 800 "$ADMIND_OUT"); logs $KLOG $IWG_LOGDIR/kamailio2.log"
fi
tap_eq "cluster: per node state, registrations (sessions) and calls" \
	"kam1:up:2:1 kam2:up:1:0 rtp1:up:1:null" "$(jqb "$NODES")"
tap_eq "cluster totals: 3 nodes up, none down, 1 media session, complete" \
	"3 3 0 1 true []" \
	"$(jqb '.totals|[.nodes_total, .nodes_up, .nodes_down, .media_sessions, .complete, (.not_counted|tojson)]|join(" ")')"
tap_eq "cluster: every node seen now, no reason, version and uptime of the Kamailio nodes" \
	"true" "$(jqb '[.nodes[]|(.last_seen|test("^[0-9]{4}-.*Z$")) and .reason == null] + [.nodes[]|select(.kind=="kamailio")|(.version|test("kamailio")) and (.uptime_s|type) == "number"]|all')"
tap_eq "cluster: sampled at most 2 intervals ago" true \
	"$(jqb '.interval_seconds == 1 and .age_seconds <= 2')"
api GET "$U/api/v1/cluster" "$KEY_ID"
api_err "cluster as idadmin: 403" 403 forbidden
api GET "$U/api/v1/registrations" "$KEY_NOC"
tap_eq "registrations of both nodes, each with its node" "3 alice@kam1 carol@kam1 dave@kam2 kam1:ok kam2:ok" \
	"$(jqb '[.total, ([.items[]|.aor+"@"+.node]|sort|join(" ")), ([.sources[]|.node+":"+.status]|join(" "))]|join(" ")')"
M=$IWG_RUN/metrics.txt
curl -s -o "$M" -H "Authorization: Bearer $KEY_NOC" "$U/metrics"
for m in 'iwg_up{kind="kamailio",node="kam1"} 1' 'iwg_up{kind="kamailio",node="kam2"} 1' \
	'iwg_kamailio_usrloc_registered_users{node="kam1"} 2' \
	'iwg_kamailio_usrloc_registered_users{node="kam2"} 1' \
	'iwg_kamailio_dialog_active_dialogs{node="kam1"} 1' \
	'iwg_kamailio_dialog_active_dialogs{node="kam2"} 0'; do
	tap_check "metrics per node: $m" grep -qxF "$m" "$M"
done

# --------------------------------------------- no iwg_hdrmed on this node
api GET "$U/api/v1/hdrmed/discovered" "$KEY_NOC"
api_err "hdrmed routes without the module: 404" 404 module_not_loaded
api POST "$U/api/v1/hdrmed/reload" "$KEY_ADMIN"
api_err "hdrmed reload without the module: 404" 404 module_not_loaded

# ------------------------------------------------ end of the dialog
api GET "$U/api/v1/calls/$CID" "$KEY_NOC"
he=$(jqb .dialog.h_entry) hi=$(jqb .dialog.h_id)
kamrpc dlg.end_dlg "[$he,$hi]" >"$IWG_RUN/end_dlg.out"
wait "$UAC_PID"
tap_eq "the caller got the BYE and the scenario passed (exit 0)" 0 "$?"
wait "$UAS_PID"
tap_eq "the callee got the BYE and the scenario passed (exit 0)" 0 "$?"
no_dialog() {
	api GET "$U/api/v1/calls" "$KEY_NOC"
	[ "$(jqb '.items[0].dialog')" = null ]
}
wait_until 10 no_dialog
# the BYE came from the dialog module, not through the route: rtpengine
# still holds the media, shown without a dialog (rtpengine-only view)
tap_eq "after the dialog ended the call is rtpengine's alone" "1 $CID null" \
	"$(jqb '[.total, .items[0].call_id, (.items[0].dialog|tostring)]|join(" ")')"
"$IWG_NG_BIN" -s "$IWG_NG_ADDR" delete "$CID" >/dev/null
api GET "$U/api/v1/calls/$CID" "$KEY_NOC"
api_err "after the NG delete the call is gone: 404" 404 not_found call_id

# ------------------------------------------------ kam2 killed: shown down
stack_kill "$(cat "$IWG_RUN/kamailio2.pid")"
if wait_until 15 cluster_is '.nodes[1].state == "down"'; then
	tap_ok "cluster: the killed node kam2 is down"
else
	tap_fail "cluster: the killed node kam2 is down" "last answer: $(head -c 800 "$ADMIND_OUT")"
fi
tap_eq "cluster: kam2 down with a reason naming its URL, figures unknown, still last seen" \
	"true null null true" \
	"$(jqb '.nodes[1]|[(.reason|contains("127.0.0.2")), (.registrations|tostring), (.calls_active|tostring), (.last_seen|test("^[0-9]{4}-.*Z$"))]|map(tostring)|join(" ")')"
tap_eq "cluster totals: kam1's 2 registrations only, kam2 not counted, not complete" \
	"2 0 2 1 false [\"kam2\"]" \
	"$(jqb '.totals|[.registrations, .calls_active, .nodes_up, .nodes_down, .complete, (.not_counted|tojson)]|map(tostring)|join(" ")')"
tap_eq "cluster: kam1 and rtp1 still up" "kam1:up rtp1:up" \
	"$(jqb '[.nodes[]|select(.state=="up")|.name+":"+.state]|join(" ")')"
api GET "$U/api/v1/registrations" "$KEY_NOC"
tap_eq "registrations with kam2 down: 200, kam1's listed, kam2 unavailable" \
	"200 2 kam1:ok kam2:unavailable" \
	"$CODE $(jqb '[.total, ([.sources[]|.node+":"+.status]|join(" "))]|join(" ")')"
api GET "$U/api/v1/registrations?node=kam2" "$KEY_NOC"
api_err "registrations of kam2 alone while it is down: 503" 503 unavailable
curl -s -o "$M" -H "Authorization: Bearer $KEY_NOC" "$U/metrics"
tap_check "metrics: iwg_up of kam2 is 0" grep -qxF 'iwg_up{kind="kamailio",node="kam2"} 0' "$M"
tap_check "metrics: kam1's figures still there" grep -qxF 'iwg_kamailio_usrloc_registered_users{node="kam1"} 2' "$M"
tap_eq "metrics: no figure labelled kam2 but iwg_up and the probe latency" "" \
	"$(grep '^iwg_.*node="kam2"' "$M" | grep -v '^iwg_up{\|^iwg_probe_latency_seconds{')"

tap_done
