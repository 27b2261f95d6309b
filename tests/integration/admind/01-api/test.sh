#!/usr/bin/env bash
# iwg-admind against the real stack: endpoints, auth, validation, identities,
# audit, calls with media data. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-01-api
trap 'admind_stop; stack_stop' EXIT
if ! stack_start; then
	tap_fail "stack starts" "redis/rtpengine/kamailio did not start; logs in $IWG_LOGDIR"
	exit 1
fi

admind_up "max_body = 4096" || exit 1

# ---------------------------------------------------------------- health
api GET $U/healthz
api_is "healthz answers 200 without a key" 200
tap_eq "healthz says ok" ok "$(jqb .status)"
api GET $U/readyz
api_is "readyz is 200 with redis, kamailio and rtpengine up" 200
tap_eq "readyz lists 3 dependencies, all up" "3 up up up" \
	"$(jqb '[(.dependencies|length), (.dependencies[].status)]|join(" ")')"
tap_eq "readyz gives a latency per dependency" true \
	"$(jqb '[.dependencies[].latency_ms|type=="number"]|all')"

# ---------------------------------------------------------------- metrics
api GET $U/metrics "$KEY_NOC"
api_is "metrics answer 200 for a noc key" 200
for m in 'iwg_up{kind="kamailio",node="kamailio"} 1' \
	'iwg_up{kind="rtpengine",node="rtpengine"} 1' 'iwg_redis_up 1' \
	'iwg_kamailio_core_rcv_requests_total{node="kamailio"}' \
	'iwg_kamailio_usrloc_registered_users{node="kamailio"}' \
	'iwg_rtpengine_sessions{node="rtpengine",type="own"}' \
	'iwg_rtpengine_sessions_total{node="rtpengine"}' \
	'iwg_redis_latency_seconds' \
	'iwg_admind_requests_total{route="/readyz",method="GET",code="200"} 1' \
	'iwg_admind_request_duration_seconds_bucket{route="/healthz",method="GET",le="+Inf"}'; do
	if grep -qF "$m" "$ADMIND_OUT"; then tap_ok "metrics have $m"
	else tap_fail "metrics have $m" "not in $ADMIND_OUT"; fi
done
if grep -v '^#' "$ADMIND_OUT" | grep -v '^iwg_' >/dev/null; then
	tap_fail "every metric name starts with iwg_" "$(grep -v '^#' "$ADMIND_OUT" | grep -v '^iwg_' | head -3)"
else
	tap_ok "every metric name starts with iwg_"
fi

# ---------------------------------------------------------------- nodes
api GET $U/api/v1/nodes "$KEY_NOC"
api_is "nodes answer 200" 200
tap_eq "nodes: redis, kamailio, rtpengine, all up" "redis:up kamailio:up rtpengine:up" \
	"$(jqb '[.items[]|.kind+":"+.status]|join(" ")')"
tap_check "nodes: kamailio version reported" grep -q 'kamailio 5' "$ADMIND_OUT"

# ---------------------------------------------------------------- auth
api GET $U/api/v1/nodes
api_err "no key: 401" 401 unauthorized
tap_check "401 carries WWW-Authenticate" grep -qi '^WWW-Authenticate: Bearer' "$HDRS"
api GET $U/api/v1/nodes wrong-key
api_err "unknown key: 401" 401 unauthorized
CODE=$(curl -s -o "$ADMIND_OUT" -w '%{http_code}' -H 'Authorization: Basic YTpi' $U/api/v1/nodes)
api_err "other auth scheme: 401" 401 unauthorized
CODE=$(curl -s -o "$ADMIND_OUT" -w '%{http_code}' -H "X-API-Key: $KEY_NOC" $U/api/v1/nodes)
api_is "X-API-Key header works too" 200
api GET $U/metrics "$KEY_ID"
api_err "idadmin may not read metrics: 403" 403 forbidden
api POST $U/api/v1/identities "$KEY_NOC" '{"ns":"web","key":"x","sip_uri":"sip:x@iwg.test"}'
api_err "noc may not write identities: 403" 403 forbidden
api GET $U/api/v1/audit "$KEY_NOC"
api_err "noc may not read the audit log: 403" 403 forbidden
api POST $U/api/v1/registrations "$KEY_ID" '{"aor":"a","contact":"sip:a@h"}'
api_err "idadmin may not add registrations: 403" 403 forbidden
api GET $U/api/v1/nope "$KEY_NOC"
api_err "unknown path: 404" 404 not_found
api PUT $U/healthz
api_err "wrong method: 405" 405 method_not_allowed
tap_check "405 carries Allow: GET" grep -qi '^Allow: GET' "$HDRS"

# ---------------------------------------------------------------- registrations
api POST $U/api/v1/registrations "$KEY_ADMIN" '{"aor":"alice","contact":"sip:alice@127.0.0.1:5099","expires":600}'
api_is "admin adds a static contact for alice: 201" 201
api POST $U/api/v1/registrations "$KEY_ADMIN" '{"aor":"bob","contact":"sip:bob@127.0.0.1:5098"}'
api_is "admin adds a static contact for bob: 201" 201
api GET "$U/api/v1/registrations?user=alice" "$KEY_NOC"
tap_eq "registrations filtered by user" "1 alice sip:alice@127.0.0.1:5099" \
	"$(jqb '[.total, .items[0].aor, .items[0].contacts[0].address]|join(" ")')"
api GET "$U/api/v1/registrations?per_page=1&page=2" "$KEY_NOC"
tap_eq "registrations paged: page 2 of 2 holds one AoR" "2 1 2" \
	"$(jqb '[.total, (.items|length), .page]|join(" ")')"
api GET "$U/api/v1/registrations?per_page=0" "$KEY_NOC"
api_err "per_page=0 is refused naming the parameter" 400 bad_request per_page
api DELETE $U/api/v1/registrations/bob "$KEY_ADMIN"
api_is "admin removes bob: 204" 204
api DELETE $U/api/v1/registrations/bob "$KEY_ADMIN"
api_err "removing bob again: 404" 404 not_found aor
api GET "$U/api/v1/registrations?user=bob" "$KEY_NOC"
tap_eq "bob is gone from usrloc" 0 "$(jqb .total)"

# ---------------------------------------------------------------- bodies
R=$U/api/v1/registrations
api POST $R "$KEY_ADMIN" '{"aor":"carol",'
api_err "truncated JSON: 400" 400 bad_request
api POST $R "$KEY_ADMIN" "{'aor':'carol'}"
api_err "non-JSON quotes: 400" 400 bad_request
api POST $R "$KEY_ADMIN" '["aor"]'
api_err "array instead of object: 400" 400 bad_request
api POST $R "$KEY_ADMIN" '{"aor":"carol","contact":"sip:c@h"} trailing'
api_err "data after the object: 400" 400 bad_request
api POST $R "$KEY_ADMIN" '{"aor":"carol","contact":5}'
api_err "wrong type names the field" 400 bad_request contact
api POST $R "$KEY_ADMIN" '{"aor":"carol","contact":"sip:c@h","expires":"60"}'
api_err "string for an integer names the field" 400 bad_request expires
api POST $R "$KEY_ADMIN" '{"aor":"carol","contact":"sip:c@h","colour":"red"}'
api_err "unknown field is refused by name" 400 bad_request colour
api POST $R "$KEY_ADMIN" '{"contact":"sip:c@h"}'
api_err "missing required field is named" 400 bad_request aor
api POST $R "$KEY_ADMIN" '{"aor":"carol","contact":"http://c"}'
api_err "contact must be a SIP URI" 400 bad_request contact
big=$(head -c 5000 /dev/zero | tr '\0' a)
api POST $R "$KEY_ADMIN" "{\"aor\":\"$big\"}"
api_err "body over max_body: 413" 413 payload_too_large
CODE=$(printf '{"aor":"%s"}' "$big" | curl -s -o "$ADMIND_OUT" -w '%{http_code}' \
	-H "Authorization: Bearer $KEY_ADMIN" -H 'Transfer-Encoding: chunked' \
	--data-binary @- $R)
api_err "chunked body over max_body: 413" 413 payload_too_large

# ---------------------------------------------------------------- identities
I=$U/api/v1/identities
api POST $I "$KEY_ID" '{"ns":"web","key":"u1","sip_uri":"sip:alice@iwg.test","display_name":"Alice","ha1":"0123456789abcdef0123456789abcdef"}'
api_is "idadmin creates an identity: 201" 201
tap_eq "created identity echoes fields, hides ha1" "web u1 sip:alice@iwg.test true null" \
	"$(jqb '[.ns,.key,.sip_uri,.ha1_set,(.ha1|tostring)]|join(" ")')"
api POST $I "$KEY_ID" '{"ns":"web","key":"u1","sip_uri":"sip:alice@iwg.test"}'
api_err "creating it again: 409" 409 conflict
api POST $I "$KEY_ADMIN" '{"ns":"web","key":"u2","sip_uri":"sip:bob@iwg.test","enabled":false,"not_after":4102444800}'
api_is "admin creates a second identity: 201" 201
api POST $I "$KEY_ID" '{"ns":"web","key":"u3","sip_uri":"not a uri"}'
api_err "bad sip_uri names the field" 400 bad_request sip_uri
api POST $I "$KEY_ID" '{"ns":"web","key":"u3","sip_uri":"sip:c@iwg.test","enabled":"yes"}'
api_err "enabled must be a boolean" 400 bad_request enabled
api GET $I/web/u1 "$KEY_NOC"
tap_eq "noc reads one identity" "sip:alice@iwg.test Alice true" \
	"$(jqb '[.sip_uri,.display_name,.enabled]|join(" ")')"
api GET "$I?ns=web&per_page=1&page=2" "$KEY_NOC"
tap_eq "identities listed, paged, sorted by key" "2 u2 false" \
	"$(jqb '[.total,.items[0].key,.items[0].enabled]|join(" ")')"
api GET "$I?ns=web&key=u1*" "$KEY_NOC"
tap_eq "identities filtered by key pattern" "1 u1" "$(jqb '[.total,.items[0].key]|join(" ")')"
api PUT $I/web/u1 "$KEY_ID" '{"sip_uri":"sip:alice@iwg.test","display_name":"Alice B"}'
api_is "replace an identity: 200" 200
api GET $I/web/u1 "$KEY_NOC"
tap_eq "replaced fields are stored, the HA1 kept when the body has none" "Alice B true" \
	"$(jqb '[.display_name,.ha1_set]|join(" ")')"
api PUT $I/web/u1 "$KEY_ID" '{"sip_uri":"sip:alice@iwg.test","display_name":"Alice B","ha1":""}'
tap_eq "a replace with an empty ha1 removes it" "200 false" "$CODE $(jqb .ha1_set)"
api PUT $I/web/nobody "$KEY_ID" '{"sip_uri":"sip:n@iwg.test"}'
api_err "replace of an unknown identity: 404" 404 not_found
api PUT $I/web/u1 "$KEY_ID" '{"ns":"web","sip_uri":"sip:a@iwg.test"}'
api_err "ns in a PUT body is an unknown field" 400 bad_request ns
api DELETE $I/web/u2 "$KEY_ID"
api_is "delete an identity: 204" 204
api GET $I/web/u2 "$KEY_NOC"
api_err "deleted identity is gone: 404" 404 not_found

# ---------------------------------------------------------------- audit
api GET "$U/api/v1/audit?per_page=50" "$KEY_ADMIN"
api_is "admin reads the audit log" 200
tap_eq "audit holds every write, newest first" \
	"identity.delete identity.replace identity.replace identity.create identity.create registration.delete registration.add registration.add" \
	"$(jqb '[.items[].action]|join(" ")')"
tap_eq "audit entry: key id, role, target, status, client" "id1 idadmin web/u1 201 127.0.0.1" \
	"$(jqb '.items[4]|[.key_id,.role,.target,.status,.client]|join(" ")')"
api GET "$U/api/v1/audit?per_page=3" "$KEY_ID"
nb=$(jqb .next_before)
api GET "$U/api/v1/audit?per_page=2&before=$nb" "$KEY_ID"
tap_eq "audit pages with next_before" "identity.create identity.create" \
	"$(jqb '[.items[].action]|join(" ")')"
api GET "$U/api/v1/audit?before=x" "$KEY_ADMIN"
api_err "bad before id names the parameter" 400 bad_request before

# ------------------------------------- stored mappings that fail validation
# written straight into Redis, as any client could: the client asked
# nothing wrong (no 400) and the store works (no 5xx): 409 stored_invalid
rcli() { redis-cli -h 127.0.0.1 -p "$IWG_REDIS_PORT" "$@" >>"$IWG_LOGDIR/redis-cli.log" 2>&1; }
# (and a key name longer than the room for any key: it was a bad argument,
# and the listing a 502)
long=$(printf 'k%.0s' $(seq 700))
# (a key name with a byte that is not UTF-8: shown raw, the page was not
# JSON to a strict parser; one holding a NUL byte: cut there, listed as u1)
nulkey="'iwg:idm:map:{web}:u1' .. string.char(0) .. 'evil'"
rcli HSET 'iwg:idm:map:{web}:u9' sip_uri 'sip:u9@iwg.test>"Mallory"' ha1 0123456789abcdef0123456789abcdef &&
	rcli SET 'iwg:idm:map:{web}:u8' 'not a hash' &&
	rcli HSET "iwg:idm:map:{web}:$long" sip_uri sip:long@iwg.test &&
	rcli HSET $'iwg:idm:map:{web}:u\xff' sip_uri sip:ff@iwg.test &&
	rcli EVAL "return redis.call('HSET', $nulkey, 'sip_uri', 'sip:evil@x')" 0
tap_eq "redis-cli writes invalid mappings (log $IWG_LOGDIR/redis-cli.log)" 0 $?
api GET $I/web/u9 "$KEY_NOC"
api_err "GET of a stored mapping that fails validation: 409 naming the field" \
	409 stored_invalid sip_uri
tap_like "its message says what to do" "replace it (PUT) or delete it" "$(jqb .message)"
if [[ $BODY == *Mallory* ]]; then
	tap_fail "the answer never shows the stored value" "$BODY"
else
	tap_ok "the answer never shows the stored value"
fi
api GET $I/web/u8 "$KEY_NOC"
api_err "another Redis type at a mapping's key: 409, no field" 409 stored_invalid
api GET "$I?ns=web" "$KEY_NOC"
tap_eq "a listing lists the good mappings and the invalid ones apart, a key name that is not one without it, one naming no mapping counted" \
	"200 5 u1 web/-:key web/u8:- web/u9:sip_uri web/-:key -/-:key" \
	"$CODE $(jqb '[.total,([.items[].key]|join(",")),([.invalid[]|"\(.ns // "-")/\(.key // "-"):\(.field // "-")"]|join(" "))]|join(" ")')"
if printf '%s' "$BODY" | python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))' 2>/dev/null; then
	tap_ok "the page is JSON to a strict parser (UTF-8)"
else
	tap_fail "the page is JSON to a strict parser (UTF-8)" "$BODY"
fi
rcli DEL "iwg:idm:map:{web}:$long" $'iwg:idm:map:{web}:u\xff'
rcli EVAL "return redis.call('DEL', $nulkey)" 0
api GET $I/web/u1 "$KEY_NOC"
api_is "the same connection serves a good mapping right after" 200
api PUT $I/web/u9 "$KEY_ID" '{"sip_uri":"sip:u9@iwg.test"}'
api_err "a PUT without ha1 does not keep the stored one unseen: 409 naming ha1" \
	409 stored_invalid ha1
tap_like "and asks for it" 'give "ha1"' "$(jqb .message)"
api PUT $I/web/u9 "$KEY_ID" '{"sip_uri":"sip:u9@iwg.test","ha1":""}'
api_is "a PUT with ha1 replaces it: 200" 200
api GET $I/web/u9 "$KEY_NOC"
tap_eq "then it reads back" "200 sip:u9@iwg.test" "$CODE $(jqb .sip_uri)"
api DELETE $I/web/u8 "$KEY_ID"
api_is "a DELETE removes the other: 204" 204
api GET $I/web/u8 "$KEY_NOC"
api_err "it is gone: 404" 404 not_found

# ---------------------------------------------------------------- calls
NG() { "$IWG_NG_BIN" -s "$IWG_NG_ADDR" "$@"; }
CID=admind-call-$RANDOM
sdp_a=$'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n'
sdp_b=$'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n'
off=$(NG raw "$(jq -nc --arg c "$CID" --arg s "$sdp_a" '{command:"offer","call-id":$c,"from-tag":"ftag","sdp":$s,flags:["trust-address"]}')")
ans=$(NG raw "$(jq -nc --arg c "$CID" --arg s "$sdp_b" '{command:"answer","call-id":$c,"from-tag":"ftag","to-tag":"ttag","sdp":$s,flags:["trust-address"]}')")
port_b=$(printf '%s' "$off" | jq -r .sdp | sed -n 's/^m=audio \([0-9]*\).*/\1/p')
port_a=$(printf '%s' "$ans" | jq -r .sdp | sed -n 's/^m=audio \([0-9]*\).*/\1/p')
if [ -z "$port_a" ] || [ -z "$port_b" ]; then
	tap_fail "rtpengine accepts offer and answer" "offer: $off answer: $ans (log $IWG_LOGDIR/rtpengine.log)"
else
	tap_ok "rtpengine accepts offer and answer"
fi
# 30 PCMA packets from the callee side into rtpengine (payload type 8)
payload=$(printf '\\325%.0s' $(seq 160))
for i in $(seq 1 30); do
	printf "\\200\\010\\000\\$(printf '%03o' "$i")\\000\\000\\001\\000\\022\\064\\126\\170$payload" \
		>/dev/udp/127.0.0.1/"$port_b"
done
calls_have_packets() {
	api GET $U/api/v1/calls/"$CID" "$KEY_NOC"
	[ "$(jqb '[.legs[].media[].rtp.packets]|add')" -ge 30 ] 2>/dev/null
}
wait_until 10 calls_have_packets
api GET $U/api/v1/calls "$KEY_NOC"
api_is "calls list answers 200" 200
tap_eq "the call is listed with its two legs" "1 $CID 2" \
	"$(jqb '[.total, .items[0].call_id, (.items[0].legs|length)]|join(" ")')"
api GET $U/api/v1/calls/"$CID" "$KEY_NOC"
api_is "one call by Call-ID: 200" 200
tap_eq "the callee leg received the 30 packets (172 bytes each)" "true 5160" \
	"$(jqb '.legs[]|select(.tag=="ttag")|.media[0].rtp|[.packets>=30,.bytes]|join(" ")')"
tap_eq "codec seen on the callee leg is PCMA" PCMA/8000 \
	"$(jqb '.legs[]|select(.tag=="ttag")|.media[0].codec')"
tap_eq "media data: protocol, DTLS, ICE, SSRC, MOS (null without RTCP)" \
	"RTP/AVP false false 305419896 null" \
	"$(jqb '.legs[]|select(.tag=="ttag")|.media[0]|[.protocol,.dtls.enabled,.ice.enabled,.quality.ssrc,(.quality.mos|tostring)]|join(" ")')"
tap_eq "legs point at each other" "ttag ftag" \
	"$(jqb '[.legs[]|select(.tag=="ftag")|.peer_tags[0]] + [.legs[]|select(.tag=="ttag")|.peer_tags[0]]|join(" ")')"
api GET $U/api/v1/calls/no-such-call "$KEY_NOC"
api_err "unknown call: 404" 404 not_found call_id
NG delete "$CID" >/dev/null
api GET $U/api/v1/calls "$KEY_NOC"
tap_eq "a deleted call leaves the list" 0 "$(jqb .total)"

tap_done
