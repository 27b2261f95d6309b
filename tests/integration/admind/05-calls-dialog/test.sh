#!/usr/bin/env bash
# iwg-admind calls joined with dialogs: a SIPp call through a Kamailio with
# the dialog module and rtpengine offer/answer (admind-test.cfg -A
# WITH_DIALOG); and the cluster view of two such nodes (kam1 on 127.0.0.1,
# kam2 on 127.0.0.2, both with registrations, -A WITH_USRLOC) and of two
# nodes that share their registrations (kamA on 127.0.0.3, kamB on
# 127.0.0.4, -A WITH_CLUSTER: DMQ, a Path naming the node), kam2 and kamB
# killed at the end, then the registrations listing refused by its cap
# (registrations_list_max 4). See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-05-calls-dialog
trap 'admind_stop; stack_stop' EXIT
K2_SIP_PORT=15360 K2_RPC_PORT=15365
KA_SIP_PORT=15370 KA_RPC_PORT=15375 KB_SIP_PORT=15380 KB_RPC_PORT=15385
# shared_node NAME ADDR SIP_PORT RPC_PORT PEER: a node sharing its
# registrations with the node at PEER ("ADDR:PORT")
shared_node() {
	admind_kamailio_node "$1" "$2" "$3" "$4" -A WITH_USRLOC -A WITH_CLUSTER \
		-A "AT_DMQ_ADDR=\"sip:$2:$3\"" -A "AT_CLUSTER_PEER=\"sip:$5\"" \
		-A 'AT_CLUSTER_NODES="127.0.0.3/32,127.0.0.4/32"'
}
if ! stack_start_redis || ! stack_start_rtpengine ||
	! admind_kamailio -A WITH_DIALOG -A WITH_USRLOC ||
	! admind_kamailio_node kamailio2 127.0.0.2 "$K2_SIP_PORT" "$K2_RPC_PORT" \
		-A WITH_DIALOG -A WITH_USRLOC ||
	! shared_node kamA 127.0.0.3 "$KA_SIP_PORT" "$KA_RPC_PORT" "127.0.0.4:$KB_SIP_PORT" ||
	! shared_node kamB 127.0.0.4 "$KB_SIP_PORT" "$KB_RPC_PORT" "127.0.0.3:$KA_SIP_PORT"; then
	tap_fail "redis, rtpengine and four kamailio nodes (dialog, usrloc; two sharing registrations) start" "logs in $IWG_LOGDIR"
	exit 1
fi

KLOG=$IWG_LOGDIR/kamailio.log
admind_up "redis = $IWG_REDIS_ADDR" \
	"kamailio = kam1 http://127.0.0.1:$AT_RPC_PORT/RPC" \
	"kamailio = kam2 http://127.0.0.2:$K2_RPC_PORT/RPC" \
	"kamailio = kamA http://127.0.0.3:$KA_RPC_PORT/RPC" \
	"kamailio = kamB http://127.0.0.4:$KB_RPC_PORT/RPC" \
	"rtpengine = rtp1 $IWG_NG_ADDR" "series_interval = 1" \
	"registrations_list_max = 4" || exit 1

# sip_register USER ADDR PORT [DEVICE]: a REGISTER of USER (from its
# device DEVICE, default USER) to the node at ADDR:PORT (UDP; the answer
# goes to a port nobody reads: the node's usrloc is polled)
sip_register() {
	local d=${4:-$1}
	printf 'REGISTER sip:iwg.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15299;branch=z9hG4bK-r%s\r\nFrom: <sip:%s@iwg.test>;tag=r%s\r\nTo: <sip:%s@iwg.test>\r\nCall-ID: admind-reg-%s\r\nCSeq: 1 REGISTER\r\nContact: <sip:%s@127.0.0.1:15299>\r\nExpires: 600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
		"$d" "$1" "$d" "$1" "$d" "$d" >"$IWG_RUN/reg.sip"
	cat "$IWG_RUN/reg.sip" >/dev/udp/"$2"/"$3"
}
sip_register alice 127.0.0.1 "$AT_SIP_PORT"
sip_register carol 127.0.0.1 "$AT_SIP_PORT"
sip_register dave 127.0.0.2 "$K2_SIP_PORT"
# kamA and kamB: each knows both (DMQ), then erin on A, frank on B, gina
# with a device on each
dmq_active() { kamcmd -s "unix:$IWG_RUN/$1.ctl" dmq.list_nodes 2>/dev/null | grep -c 'status: active'; }
if wait_until 15 eval '[ "$(dmq_active kamA)" -ge 2 ] && [ "$(dmq_active kamB)" -ge 2 ]'; then
	tap_ok "kamA and kamB share registrations: DMQ knows both nodes on each"
else
	tap_fail "kamA and kamB share registrations: DMQ knows both nodes on each" \
		"kamA: $(kamcmd -s "unix:$IWG_RUN/kamA.ctl" dmq.list_nodes 2>&1 | head -20); logs $IWG_LOGDIR/kamA.log kamB.log"
fi
sip_register erin 127.0.0.3 "$KA_SIP_PORT"
sip_register frank 127.0.0.4 "$KB_SIP_PORT"
sip_register gina 127.0.0.3 "$KA_SIP_PORT" gina-a
sip_register gina 127.0.0.4 "$KB_SIP_PORT" gina-b
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
tap_eq "dialog sources: kam1 and kam2 ok, kamA and kamB without the dialog module" \
	"kam1:ok kam2:ok kamA:no_dialog_module kamB:no_dialog_module" \
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

# ------------------------------------------------ the cluster view, all up
NODES='[.nodes[]|[.name, .state, (.registrations // .sessions|tostring), (.calls_active|tostring)]|join(":")]|join(" ")'
SHARED='[.nodes[]|select(.kind=="kamailio")|[.name, .shares_registrations, .registrations_listed]|map(tostring)|join(":")]|join(" ")'
if wait_until 15 cluster_is '.totals.registrations == 7 and .totals.calls_active == 1 and ([.nodes[]|select(.shares_registrations)|.registrations_listed] == [4,4])'; then
	tap_ok "cluster: 7 registrations (kam1's 2, kam2's 1, the 4 that kamA and kamB each list counted once: the largest, not the sum) and the 1 call"
else
	tap_fail "cluster: 7 registrations (kam1's 2, kam2's 1, the 4 that kamA and kamB each list counted once: the largest, not the sum) and the 1 call" \
		"last answer: $(head -c 1500 "$ADMIND_OUT"); logs $KLOG $IWG_LOGDIR/kamailio2.log $IWG_LOGDIR/kamA.log $IWG_LOGDIR/kamB.log"
fi
tap_eq "cluster: per node state, registrations it holds (null on the sharing nodes: not known from statistics; sessions) and calls" \
	"kam1:up:2:1 kam2:up:1:0 kamA:up:null:null kamB:up:null:null rtp1:up:1:null" "$(jqb "$NODES")"
tap_eq "cluster: kamA and kamB share registrations and each lists all 4, kam1 and kam2 their own" \
	"kam1:false:2 kam2:false:1 kamA:true:4 kamB:true:4" "$(jqb "$SHARED")"
tap_eq "cluster totals: 5 nodes up, none down, 1 media session, complete" \
	"5 5 0 1 true []" \
	"$(jqb '.totals|[.nodes_total, .nodes_up, .nodes_down, .media_sessions, .complete, (.not_counted|tojson)]|join(" ")')"
tap_eq "cluster: every node seen now, no reason, version and uptime of the Kamailio nodes" \
	"true" "$(jqb '[.nodes[]|(.last_seen|test("^[0-9]{4}-.*Z$")) and .reason == null] + [.nodes[]|select(.kind=="kamailio")|(.version|test("kamailio")) and (.uptime_s|type) == "number"]|all')"
tap_eq "cluster: sampled at most 2 intervals ago" true \
	"$(jqb '.interval_seconds == 1 and .age_seconds <= 2')"
api GET "$U/api/v1/cluster" "$KEY_ID"
api_err "cluster as idadmin: 403" 403 forbidden
api GET "$U/api/v1/registrations" "$KEY_NOC"
tap_eq "registrations of every node, a shared contact once, each with the node holding it" \
	"7 alice@kam1 carol@kam1 dave@kam2 erin@kamA frank@kamB gina@kamA gina@kamB kam1:ok kam2:ok kamA:ok kamB:ok" \
	"$(jqb '[.total, ([.items[]|.aor+"@"+.node]|sort|join(" ")), ([.sources[]|.node+":"+.status]|join(" "))]|join(" ")')"
tap_eq "registrations: each shared contact listed by kamA and kamB, one contact per item" \
	'["kamA,kamB"] [1]' \
	"$(jqb '[([.items[]|select(.node=="kamA" or .node=="kamB")|(.listed_by|join(","))]|unique|tojson), ([.items[]|.contacts|length]|unique|tojson)]|join(" ")')"
tap_eq "registrations: gina's device on A held by kamA, on B by kamB (Path)" \
	"kamA:sip:gina-a@127.0.0.1:15299 kamB:sip:gina-b@127.0.0.1:15299" \
	"$(jqb '[.items[]|select(.aor=="gina")|.node+":"+.contacts[0].address]|sort|join(" ")')"
api GET "$U/api/v1/registrations?node=kamB" "$KEY_NOC"
tap_eq "registrations?node=kamB: the contacts kamB holds" "2 frank@kamB gina@kamB" \
	"$(jqb '[.total, ([.items[]|.aor+"@"+.node]|sort|join(" "))]|join(" ")')"
M=$IWG_RUN/metrics.txt
curl -s -o "$M" -H "Authorization: Bearer $KEY_NOC" "$U/metrics"
for m in 'iwg_up{kind="kamailio",node="kam1"} 1' 'iwg_up{kind="kamailio",node="kam2"} 1' \
	'iwg_kamailio_usrloc_registered_users{node="kam1"} 2' \
	'iwg_kamailio_usrloc_registered_users{node="kam2"} 1' \
	'iwg_kamailio_dialog_active_dialogs{node="kam1"} 1' \
	'iwg_kamailio_dialog_active_dialogs{node="kam2"} 0' \
	'iwg_kamailio_usrloc_location_contacts{node="kamA"} 4' \
	'iwg_kamailio_usrloc_location_contacts{node="kamB"} 4' \
	'iwg_cluster_registrations 7'; do
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
# kill_node PIDFILE NAME INDEX: kill a node by PID; the cluster view shows
# it (.nodes[INDEX]) down
kill_node() {
	stack_kill "$(cat "$IWG_RUN/$1.pid")"
	if wait_until 15 cluster_is ".nodes[$3].state == \"down\""; then
		tap_ok "cluster: the killed node $2 is down"
	else
		tap_fail "cluster: the killed node $2 is down" "last answer: $(head -c 800 "$ADMIND_OUT")"
	fi
}
kill_node kamailio2 kam2 1
tap_eq "cluster: kam2 down with a reason naming its URL, figures unknown, still last seen" \
	"true null null true" \
	"$(jqb '.nodes[1]|[(.reason|contains("127.0.0.2")), (.registrations|tostring), (.calls_active|tostring), (.last_seen|test("^[0-9]{4}-.*Z$"))]|map(tostring)|join(" ")')"
tap_eq "cluster totals: kam1's 2 registrations and the 4 shared, kam2 not counted, not complete" \
	"6 0 4 1 false [\"kam2\"]" \
	"$(jqb '.totals|[.registrations, .calls_active, .nodes_up, .nodes_down, .complete, (.not_counted|tojson)]|map(tostring)|join(" ")')"
tap_eq "cluster: kam1, kamA, kamB and rtp1 still up" "kam1:up kamA:up kamB:up rtp1:up" \
	"$(jqb '[.nodes[]|select(.state=="up")|.name+":"+.state]|join(" ")')"
api GET "$U/api/v1/registrations" "$KEY_NOC"
tap_eq "registrations with kam2 down: 200, the others' listed, kam2 unavailable" \
	"200 6 kam1:ok kam2:unavailable kamA:ok kamB:ok" \
	"$CODE $(jqb '[.total, ([.sources[]|.node+":"+.status]|join(" "))]|join(" ")')"
api GET "$U/api/v1/registrations?node=kam2" "$KEY_NOC"
api_err "registrations of kam2 alone while it is down: 503" 503 unavailable
curl -s -o "$M" -H "Authorization: Bearer $KEY_NOC" "$U/metrics"
tap_check "metrics: iwg_up of kam2 is 0" grep -qxF 'iwg_up{kind="kamailio",node="kam2"} 0' "$M"
tap_check "metrics: kam1's figures still there" grep -qxF 'iwg_kamailio_usrloc_registered_users{node="kam1"} 2' "$M"
tap_eq "metrics: no figure labelled kam2 but iwg_up and the probe latency" "" \
	"$(grep '^iwg_.*node="kam2"' "$M" | grep -v '^iwg_up{\|^iwg_probe_latency_seconds{')"

# ------------------------------------- kamB killed: its contacts on kamA
kill_node kamB kamB 3
tap_eq "cluster with kamB down: the 4 shared contacts still counted once (from kamA), kamB's figures unknown" \
	"6 null null 4" \
	"$(jqb '[.totals.registrations, .nodes[2].registrations, .nodes[3].registrations, .nodes[2].registrations_listed]|map(tostring)|join(" ")')"
api GET "$U/api/v1/registrations" "$KEY_NOC"
tap_eq "registrations with kamB down: its contacts, listed by kamA, still named after kamB" \
	"200 6 frank:kamB:kamA gina:kamB:kamA kamB:unavailable" \
	"$CODE $(jqb '[.total, ([.items[]|select(.node=="kamB")|.aor+":"+.node+":"+(.listed_by|join(","))]|sort|join(" ")), (.sources[]|select(.node=="kamB")|.node+":"+.status)]|map(tostring)|join(" ")')"

# ------------------------ kamA over registrations_list_max: no listing
sip_register harry 127.0.0.3 "$KA_SIP_PORT"
if wait_until 15 cluster_is '.totals.registrations == 7 and .nodes[2].registrations_listed == 5'; then
	tap_ok "cluster: harry on kamA, kamA lists 5, total 7 (kam1's 2 and kamA's 5)"
else
	tap_fail "cluster: harry on kamA, kamA lists 5, total 7 (kam1's 2 and kamA's 5)" \
		"last answer: $(head -c 1500 "$ADMIND_OUT"); log $IWG_LOGDIR/kamA.log"
fi
api GET "$U/api/v1/registrations" "$KEY_NOC"
api_err "registrations with kamA over registrations_list_max (5 > 4): 422" 422 too_many_registrations
tap_eq "the refusal names kamA, its 5 contacts and the cap" "kamA 5 4" \
	"$(jqb '[.node, .contacts, .limit]|map(tostring)|join(" ")')"
tap_check "the refusal is logged" grep -q 'registrations listing refused: kamA holds 5 contacts' "$ADMIND_LOG"
api GET "$U/api/v1/registrations?node=kam1&per_page=1&page=2" "$KEY_NOC"
tap_eq "registrations?node=kam1 (under the cap) still listed, paged" "200 2 carol" \
	"$CODE $(jqb '[.total, .items[0].aor]|map(tostring)|join(" ")')"

tap_done
