#!/usr/bin/env bash
# iwg-admind /api/v1/peers, /api/v1/routing, POST /api/v1/routing/test and
# the iwg_peer_*, iwg_ccroute_* families against a real Kamailio with
# dispatcher (a SIPp target answering OPTIONS, a port where nothing
# answers), the htable peerfail and iwg_ccroute (admind-test.cfg -A
# WITH_DISPATCHER -A WITH_CCROUTE), then the same Kamailio without
# iwg_ccroute. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-09-peers
trap 'admind_stop; stack_stop' EXIT
UP_PORT=15291 DEAD_PORT=15292
UP=sip:127.0.0.1:$UP_PORT DEAD=sip:127.0.0.1:$DEAD_PORT
KLOG=$IWG_LOGDIR/kamailio.log
printf '# set uri flags priority attrs\n1 %s 0 10 weight=60;name=cc-main\n1 %s 0 5 weight=40;name=cc-backup\n' \
	"$UP" "$DEAD" >"$IWG_RUN/dispatcher.list"
RULES=$IWG_RUN/cc-routing.rules
cp "$IWG_TOP/kamcfg/cc-routing.rules" "$RULES"
DS=(-A WITH_DISPATCHER -A "AT_DS_LIST=\"$IWG_RUN/dispatcher.list\"")

_stack_spawn uas "$IWG_LOGDIR/uas.log" sipp -sf "$here/../sipp/uas-options.xml" \
	-i 127.0.0.1 -p "$UP_PORT" -m 1000000 -nostdin -cp 18995
if ! wait_until 5 udp_bound "$UP_PORT" || ! stack_start_redis ||
	! admind_kamailio "${DS[@]}" -A WITH_CCROUTE -A "AT_CC_RULES=\"$RULES\""; then
	tap_fail "SIPp, redis and kamailio (dispatcher, iwg_ccroute) start" "logs in $IWG_LOGDIR"
	exit 1
fi
admind_up "redis = $IWG_REDIS_ADDR" \
	"kamailio = kam1 http://127.0.0.1:$AT_RPC_PORT/RPC" || exit 1
P=$U/api/v1/peers

# states URI...: the peers' states in list order
states() {
	api GET "$P" "$KEY_NOC"
	[ "$(jqb '[.items[0].peers[]|.state]|join(" ")')" = "$*" ]
}
if wait_until 20 states up probing; then
	tap_ok "the answering target is up, the silent one probing once its probe timed out"
else
	tap_fail "the answering target is up, the silent one probing once its probe timed out" \
		"last answer: $(head -c 600 "$ADMIND_OUT"); logs $KLOG $ADMIND_LOG"
fi

# ------------------------------------------------------- failures, shape
$AT_KAMCMD htable.sets peerfail "$DEAD::last" "503 1767225600" >/dev/null
$AT_KAMCMD htable.seti peerfail "$DEAD::count" 3 >/dev/null
api GET "$P" "$KEY_NOC"
api_is "noc reads the peers: 200" 200
tap_eq "one node, kam1, status ok" "1 kam1 ok" \
	"$(jqb '[(.items|length), .items[0].node, .items[0].status]|join(" ")')"
tap_eq "targets: set, uri, name, flags, priority, weight as dispatcher.list has them" \
	"1 $UP cc-main AP 10 60|1 $DEAD cc-backup IP 5 40" \
	"$(jqb '[.items[0].peers[]|[.set,.uri,.name,.flags,.priority,.weight]|join(" ")]|join("|")')"
tap_eq "the seeded failure of the silent target: 503 at 2026-01-01T00:00:00Z, 3 failures" \
	'{"code":503,"at":"2026-01-01T00:00:00Z"} 3' \
	"$(jqb '.items[0].peers[1]|[(.last_failure|tojson), .failures]|join(" ")')"
tap_eq "no failure recorded for the answering target: null, 0" "null 0" \
	"$(jqb '.items[0].peers[0]|[(.last_failure|tojson), .failures]|join(" ")')"
tap_eq "probe latency of the answering target (ds_ping_latency_stats)" "number number" \
	"$(jqb '.items[0].peers[0].latency|[(.avg_ms|type), (.max_ms|type)]|join(" ")')"
tap_eq "no uac module: trunks is []" "[]" "$(jqb '.items[0].trunks|tojson')"
tap_eq "routing: the rule file's rules in order" \
	"$RULES billing-fr billing sales default" \
	"$(jqb '.items[0].routing|[.file, (.rules[]|.name)]|join(" ")')"
api GET "$P?node=kam1" "$KEY_ADMIN"
tap_eq "admin reads them too, node filter" "200 kam1" "$CODE $(jqb '.items[0].node')"
api GET "$P?node=nope" "$KEY_NOC"
api_err "an unknown node: 400 naming the parameter" 400 bad_request node

# ------------------------------------------------------------ access
for path in /api/v1/peers /api/v1/routing; do
	api GET "$U$path"
	api_err "GET $path without a key: 401 JSON" 401 unauthorized
	api GET "$U$path" "$KEY_ID"
	api_err "GET $path as idadmin: 403" 403 forbidden
	api GET "$U$path" "$KEY_APP"
	api_err "GET $path as app: 403" 403 forbidden
done
api POST "$U/api/v1/routing/test" "" '{"context":{}}'
api_err "POST /api/v1/routing/test without a key: 401 JSON" 401 unauthorized
api POST "$U/api/v1/routing/test" "$KEY_ID" '{"context":{}}'
api_err "POST /api/v1/routing/test as idadmin: 403" 403 forbidden

# ----------------------------------------------------------- routing
R=$U/api/v1/routing
api GET "$R" "$KEY_NOC"
api_is "routing: 200" 200
tap_eq "routing: kam1, 4 rules, billing-fr's set and headers, none skipped" \
	'kam1 4 2 ["X-Skill: billing-fr","X-Language: {language}"] []' \
	"$(jqb '[.items[0].node, (.items[0].rules|length), .items[0].rules[0].set, (.items[0].rules[0].headers|tojson), (.skipped|tojson)]|join(" ")')"
tap_eq "routing: loaded is an ISO 8601 time, no hit yet" "true 0 null" \
	"$(jqb '.items[0]|[(.loaded|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")), .rules[0].hits, (.rules[0].last_hit|tojson)]|join(" ")')"

T=$U/api/v1/routing/test
api POST "$T" "$KEY_NOC" '{"context":{"queue":"billing","language":"fr"}}'
api_is "routing test: 200" 200
tap_eq "billing in French: rule billing-fr, set 2, its headers substituted, on kam1" \
	'billing-fr 2 ["X-Skill: billing-fr","X-Language: fr"] kam1' \
	"$(jqb '[.rule, .set, (.headers|tojson), .node]|join(" ")')"
api POST "$T" "$KEY_ADMIN" '{"context":{"queue":"sales"},"node":"kam1"}'
tap_eq "sales without a language: the empty X-Language is left out" \
	'sales 1 ["X-Skill: sales"]' "$(jqb '[.rule, .set, (.headers|tojson)]|join(" ")')"
api POST "$T" "$KEY_NOC" '{"context":{"priority":7,"page":"https://shop.example/help"}}'
tap_eq "no specific rule: default, set 1, no header" 'default 1 []' \
	"$(jqb '[.rule, .set, (.headers|tojson)]|join(" ")')"
api POST "$T" "$KEY_NOC" '{"context":{"Queue":"billing"}}'
api_err "a key outside [a-z][a-z0-9_]: 400 naming it" 400 bad_request context.Queue
api POST "$T" "$KEY_NOC" '{"context":{"queue":"billing;tenant=acme"}}'
api_err "a value with ';': 400 naming its key" 400 bad_request context.queue
api POST "$T" "$KEY_NOC" '{"context":{"page":"https://shop.example/?a=b"}}'
api_err "a value with '=': 400 naming its key" 400 bad_request context.page
api POST "$T" "$KEY_NOC" '{"context":{"queue":"a\u000d\u000aX: y"}}'
api_err "a value with CR LF: 400" 400 bad_request context.queue
api POST "$T" "$KEY_NOC" '{"context":{"queue":"a","queue":"b"}}'
api_err "a key given twice: 400" 400 bad_request context
api POST "$T" "$KEY_NOC" '{"queue":"billing"}'
api_err "no context: 400 naming the field" 400 bad_request queue
api POST "$T" "$KEY_NOC" '{"context":"queue=billing"}'
api_err "a context that is not an object: 400" 400 bad_request context
api POST "$T" "$KEY_NOC" '{"context":'
api_err "not JSON: 400" 400 bad_request
api POST "$T" "$KEY_NOC" '{"context":{},"node":"nope"}'
api_err "an unknown node: 400" 400 bad_request node
api GET "$R" "$KEY_NOC"
tap_eq "tests count no hit" "0 0 0" "$(jqb '[.items[0].rules[0:3][]|.hits]|join(" ")')"

# two calls routed by billing-fr (OPTIONS with the context as headers)
sip_send() {
	printf 'OPTIONS sip:cc@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15299;branch=z9hG4bK-pr%s\r\nFrom: <sip:alice@iwg.test>;tag=p%s\r\nTo: <sip:cc@127.0.0.1>\r\nCall-ID: admind-peers-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nX-Queue: billing\r\nX-Language: fr\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$1" "$1" >"$IWG_RUN/msg.sip"
	cat "$IWG_RUN/msg.sip" >/dev/udp/127.0.0.1/"$AT_SIP_PORT"
}
sip_send 1
sip_send 2
hits() {
	api GET "$R" "$KEY_NOC"
	[ "$(jqb '.items[0].rules[0].hits')" = "$1" ]
}
if wait_until 10 hits 2; then
	tap_ok "two routed calls count two hits of billing-fr"
else
	tap_fail "two routed calls count two hits of billing-fr" \
		"last answer: $(head -c 400 "$ADMIND_OUT"); log $KLOG"
fi
tap_check "the last hit is an ISO 8601 time" \
	test "$(jqb '.items[0].rules[0].last_hit|test("^[0-9]{4}-.*Z$")')" = true

# ------------------------------------------------------------ metrics
M=$IWG_RUN/metrics.txt
metrics() {
	curl -s -o "$M" -w '%{http_code}' -H "Authorization: Bearer $KEY_NOC" "$U/metrics"
}
sample() { # sample NAME{LABELS}: its value
	awk -v k="$1" '$1 == k {print $2}' "$M"
}
tap_eq "/metrics: 200" 200 "$(metrics)"
if out=$(promtool check metrics <"$M" 2>&1); then
	tap_ok "promtool check metrics passes"
else
	tap_fail "promtool check metrics passes" "$(printf '%s' "$out" | head -10) (file $M)"
fi
for ft in iwg_peer_up:gauge iwg_peer_failures_total:counter \
	iwg_ccroute_rule_hits_total:counter iwg_ccroute_unmatched_total:counter; do
	tap_eq "${ft%:*} is a ${ft#*:} with a HELP line" "${ft#*:} 1" \
		"$(awk -v f="${ft%:*}" '$2 == "TYPE" && $3 == f {t = $4} $2 == "HELP" && $3 == f {h = 1} END {print t, h}' "$M")"
done
tap_eq "iwg_peer_up: the answering target 1, the silent one 0" "1 0" \
	"$(sample "iwg_peer_up{node=\"kam1\",set=\"1\",uri=\"$UP\"}") $(sample "iwg_peer_up{node=\"kam1\",set=\"1\",uri=\"$DEAD\"}")"
tap_eq "iwg_peer_failures_total of the silent target: 3" 3 \
	"$(sample "iwg_peer_failures_total{node=\"kam1\",set=\"1\",uri=\"$DEAD\"}")"
tap_eq "iwg_ccroute_rule_hits_total{rule=billing-fr} 2, default 0; unmatched 0" "2 0 0" \
	"$(sample 'iwg_ccroute_rule_hits_total{node="kam1",rule="billing-fr"}') $(sample 'iwg_ccroute_rule_hits_total{node="kam1",rule="default"}') $(sample 'iwg_ccroute_unmatched_total{node="kam1"}')"
tap_eq "no trunk without uac: no iwg_trunk_registered sample" "" \
	"$(grep '^iwg_trunk_registered' "$M")"

# an operator disables the silent target
$AT_KAMCMD dispatcher.set_state dx 1 "$DEAD" >/dev/null
api GET "$P" "$KEY_NOC"
tap_eq "dispatcher.set_state dx: the target is disabled (flags DX)" "disabled DX" \
	"$(jqb '.items[0].peers[1]|[.state, .flags]|join(" ")')"
metrics >/dev/null
tap_eq "a disabled target is not up (iwg_peer_up 0)" 0 \
	"$(sample "iwg_peer_up{node=\"kam1\",set=\"1\",uri=\"$DEAD\"}")"

# ------------------------------------- Kamailio away, then without iwg_ccroute
stack_kill "$(cat "$IWG_RUN/kamailio.pid")"
api GET "$P" "$KEY_NOC"
tap_eq "Kamailio unreachable: 200, the node listed as unavailable with its reason" \
	"200 unavailable true [] null" \
	"$(jqb '.items[0]|[.status, (.message|length > 0), (.peers|tojson), (.routing|tojson)]|join(" ")' | sed "s/^/$CODE /")"
api GET "$R" "$KEY_NOC"
api_err "routing while Kamailio is unreachable: 503" 503 unavailable
if ! admind_kamailio "${DS[@]}"; then
	tap_fail "kamailio restarts without iwg_ccroute" "log $KLOG"
	exit 1
fi
if wait_until 20 states up probing; then
	tap_ok "after the restart the targets are probed again: up, probing"
else
	tap_fail "after the restart the targets are probed again: up, probing" \
		"last answer: $(head -c 600 "$ADMIND_OUT")"
fi
tap_eq "without iwg_ccroute: routing null, trunks [], failures gone with the restart" \
	"ok null [] 0" \
	"$(jqb '.items[0]|[.status, (.routing|tojson), (.trunks|tojson), .peers[1].failures]|join(" ")')"
api GET "$R" "$KEY_NOC"
api_err "GET /api/v1/routing without the module: 404" 404 module_not_loaded
api POST "$T" "$KEY_NOC" '{"context":{"queue":"billing"}}'
api_err "routing test without the module: 404" 404 module_not_loaded
metrics >/dev/null
tap_eq "no iwg_ccroute families without the module, iwg_peer_up still there" "0 2" \
	"$(grep -c '^iwg_ccroute' "$M") $(grep -c '^iwg_peer_up{' "$M")"

tap_done
