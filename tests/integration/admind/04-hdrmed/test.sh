#!/usr/bin/env bash
# iwg-admind /api/v1/hdrmed against a Kamailio running iwg_hdrmed
# (admind-test.cfg -A WITH_HDRMED) and Redis (audit log). See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-04-hdrmed
trap 'admind_stop; stack_stop' EXIT
RULES=$IWG_RUN/ims-volte.rules
cp "$IWG_TOP/kamcfg/hdrmed/ims-volte.rules" "$RULES"
AT_RULES=$RULES
if ! stack_start_redis || ! admind_kamailio -A WITH_HDRMED; then
	tap_fail "redis and kamailio (iwg_hdrmed) start" "logs in $IWG_LOGDIR"
	exit 1
fi

admind_up "redis = $IWG_REDIS_ADDR" \
	"kamailio = kam1 http://127.0.0.1:$AT_RPC_PORT/RPC" || exit 1
KLOG=$IWG_LOGDIR/kamailio.log

# sip_send N EXTRA-HEADER: one OPTIONS through the mediation ("out"); one
# write per datagram (cat), bash would split printf output at newlines
sip_send() {
	printf 'OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15299;branch=z9hG4bK-at%s\r\nFrom: <sip:alice@iwg.test>;tag=a%s\r\nTo: <sip:probe@127.0.0.1>\r\nCall-ID: admind-hd-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n%s\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$1" "$1" "$2" >"$IWG_RUN/msg.sip"
	cat "$IWG_RUN/msg.sip" >/dev/udp/127.0.0.1/"$AT_SIP_PORT"
}
D=$U/api/v1/hdrmed/discovered
mediated() { # mediated N: the out table counts N messages
	api GET "$D?profile=ims-volte" "$KEY_NOC"
	[ "$(jqb '.items[]|select(.direction=="out")|.messages')" = "$1" ]
}
sip_send 1 'X-Admind-Probe: 4930123456'
sip_send 2 'P-Odd-Thing: v;zork=1'
sip_send 3 'X-Admind-Probe: second'
if ! wait_until 10 mediated 3; then
	tap_fail "the 3 OPTIONS are mediated" "last answer: $(head -c 300 "$ADMIND_OUT"); logs $KLOG $ADMIND_LOG"
fi
api GET "$D" "$KEY_NOC"
api_is "noc reads discovered names: 200" 200
tap_eq "one table per direction for ims-volte on kam1" "kam1/ims-volte/in kam1/ims-volte/out" \
	"$(jqb '[.items[]|.node+"/"+.profile+"/"+.direction]|join(" ")')"
tap_eq "X-Admind-Probe seen twice, flagged unknown, digits masked" "true 2 xxxxxxxxxx" \
	"$(jqb '.items[]|select(.direction=="out")|.entries[]|select(.header=="X-Admind-Probe" and .kind=="header")|[.unknown,.count,.sample]|join(" ")')"
tap_eq "the unknown parameter zork of P-Odd-Thing is flagged" "header-param true" \
	"$(jqb '.items[]|select(.direction=="out")|.entries[]|select(.name=="zork")|[.kind,.unknown]|join(" ")')"
tap_eq "Call-ID is known" false \
	"$(jqb '.items[]|select(.direction=="out")|.entries[]|select(.header=="Call-ID")|.unknown')"
api GET "$D?unknown=true" "$KEY_NOC"
tap_eq "unknown=true keeps only unknown names" "true 3" \
	"$(jqb '[([.items[].entries[].unknown]|all), ([.items[].entries[]]|length)]|join(" ")')"
api GET "$D?unknown=maybe" "$KEY_NOC"
api_err "unknown=maybe: 400 naming the parameter" 400 bad_request unknown
api GET "$D?node=nope" "$KEY_NOC"
api_err "unknown node: 400" 400 bad_request node
api GET "$D?profile=nope" "$KEY_NOC"
api_err "unknown profile: 404 naming the field" 404 not_found profile
api GET "$D" "$KEY_ID"
api_err "idadmin may not read discovery: 403" 403 forbidden

# ---------------------------------------------------------------- stats
api GET "$U/api/v1/hdrmed/stats" "$KEY_NOC"
api_is "stats: 200" 200
rules_before=$(jqb '.items[0].rules|length')
tap_eq "stats: kam1 ims-volte, 3 messages out, 12 rules" "kam1 ims-volte 3 12" \
	"$(jqb '.items[0]|[.node,.profile,.applied_out,(.rules|length)]|join(" ")')"

# ---------------------------------------------------------------- reset
R=$U/api/v1/hdrmed/discovered/reset
api POST "$R" "$KEY_NOC"
api_err "noc may not reset: 403" 403 forbidden
api POST "$R" "$KEY_ADMIN" '{"profile":"ims-volte","colour":1}'
api_err "reset with an unknown field: 400 naming it" 400 bad_request colour
api POST "$R" "$KEY_ADMIN" '{"profile":"ims-volte","profile":"x"}'
api_err "a member given twice: 400 naming it" 400 bad_request profile
api POST "$R" "$KEY_ADMIN"
api_is "admin resets discovery (empty body): 200" 200
tap_eq "reset names the node" kam1 "$(jqb '.items|join(" ")')"
api GET "$D" "$KEY_NOC"
tap_eq "discovery tables are empty after the reset" "0 0" \
	"$(jqb '[([.items[].entries[]]|length), ([.items[].messages]|add)]|join(" ")')"

# ---------------------------------------------------------------- reload
L=$U/api/v1/hdrmed/reload
api POST "$L" "$KEY_ADMIN" '{"profile":"ims-volte"}'
api_is "reload of valid rules: 200" 200
tap_eq "reload reports the rule count" "kam1 ims-volte 12" \
	"$(jqb '.items[0]|[.node,.profiles[0].profile,.profiles[0].rules]|join(" ")')"
api GET "$U/api/v1/hdrmed/stats?profile=ims-volte" "$KEY_NOC"
version=$(jqb '.items[0].version')
nl=$(($(wc -l <"$RULES") + 3)) # the line of "add X-Only-A-Name"
printf '\n# broken on purpose\nadd X-Only-A-Name\n' >>"$RULES"
api POST "$L" "$KEY_ADMIN" '{}'
api_err "reload of a broken rule file: 422" 422 rules_invalid
tap_eq "the 422 names the node and file:line" "kam1 true" \
	"$(jq -r --arg w "$RULES:$nl:" '[.node, (.message|startswith($w))]|join(" ")' "$ADMIND_OUT")"
api GET "$U/api/v1/hdrmed/stats?profile=ims-volte" "$KEY_NOC"
tap_eq "the old rules stay active (same version and rules)" "$version $rules_before" \
	"$(jqb '.items[0]|[.version,(.rules|length)]|join(" ")')"
api POST "$L" "$KEY_ADMIN" '{"profile":"nope"}'
api_err "reload of an unknown profile: 404" 404 not_found profile
api POST "$L" "$KEY_ADMIN" '{"profile":"bad name"}'
api_err "reload with a bad profile name: 400" 400 bad_request profile
api POST "$L" "$KEY_ID" '{}'
api_err "idadmin may not reload: 403" 403 forbidden

# ---------------------------------------------------------------- audit
api GET "$U/api/v1/audit?per_page=10" "$KEY_ADMIN"
tap_eq "writes are audit-logged with their status" \
	"hdrmed.reload:*/*:422 hdrmed.reload:*/ims-volte:200 hdrmed.discovered_reset:*/*:200" \
	"$(jqb '[.items[]|.action+":"+.target+":"+(.status|tostring)]|join(" ")')"
tap_check "kamailio logged the refused reload" grep -q "reload refused, old rules stay" "$KLOG"

tap_done
