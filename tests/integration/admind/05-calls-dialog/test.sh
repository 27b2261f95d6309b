#!/usr/bin/env bash
# iwg-admind calls joined with dialogs: a SIPp call through a Kamailio with
# the dialog module and rtpengine offer/answer (admind-test.cfg -A
# WITH_DIALOG). See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../../scripts/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-05-calls-dialog
trap 'admind_stop; stack_stop' EXIT
if ! stack_start_redis || ! stack_start_rtpengine || ! admind_kamailio -A WITH_DIALOG; then
	tap_fail "redis, rtpengine and kamailio (dialog) start" "logs in $IWG_LOGDIR"
	exit 1
fi

KLOG=$IWG_LOGDIR/kamailio.log
admind_up "redis = $IWG_REDIS_ADDR" \
	"kamailio = kam1 http://127.0.0.1:$AT_RPC_PORT/RPC" \
	"rtpengine = rtp1 $IWG_NG_ADDR" || exit 1

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
tap_eq "dialog sources: kam1 ok" "kam1:ok" \
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
api GET "$U/api/v1/calls?node=nope" "$KEY_NOC"
api_err "unknown node: 400" 400 bad_request node

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

tap_done
