#!/usr/bin/env bash
# iwg-admind: the identity routing attributes (language, priority, did) and
# the lookup by DID. See README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../lib/stack.sh"
. "$IWG_TOP/tests/lib/tap.sh"
. "$here/../lib.sh"

stack_init integration-admind-10-identity-routing
trap 'admind_stop; stack_stop' EXIT
stack_start_redis || { tap_fail "redis starts" "log in $IWG_LOGDIR"; exit 1; }
admind_up || exit 1
I=$U/api/v1/identities
R="redis-cli -p $IWG_REDIS_PORT"

# ---------------------------------------------------------------- round trip
api POST $I "$KEY_ID" '{"ns":"web","key":"ann","sip_uri":"sip:ann@iwg.test","language":"fr","priority":"5","did":"+33123456789"}'
api_is "create with language, priority and did: 201" 201
tap_eq "the reply echoes the three" "fr 5 +33123456789" "$(jqb '[.language,.priority,.did]|join(" ")')"
api GET $I/web/ann "$KEY_NOC"
tap_eq "they are read back" "fr 5 +33123456789" "$(jqb '[.language,.priority,.did]|join(" ")')"
tap_eq "Redis keeps the DID's reverse entry (ns:key, then its claim token)" "web:ann" "$($R get 'iwg:idm:did:+33123456789' | cut -d' ' -f1)"
api GET "$I?did=%2B33123456789" "$KEY_NOC"
api_is "lookup by DID: 200" 200
tap_eq "lookup by DID finds web/ann" "1 web ann fr" "$(jqb '[.total,.items[0].ns,.items[0].key,.items[0].language]|join(" ")')"
tap_eq "a lookup by DID has the fields of every listing, invalid empty" "false array 0" \
	"$(jqb '[.truncated,(.invalid|type),(.invalid|length)]|join(" ")')"
api GET "$I?did=+33123456789" "$KEY_NOC"
tap_eq "an unencoded + (read as a space) finds it too" "1 ann" "$(jqb '[.total,.items[0].key]|join(" ")')"
api GET "$I?did=%2B33123456789&ns=paas" "$KEY_NOC"
tap_eq "lookup by DID with another namespace: none" "0 0" "$(jqb '[.total,(.items|length)]|join(" ")')"
api GET "$I?did=%2B33999999999" "$KEY_NOC"
tap_eq "a DID nobody holds: an empty page" "200 0" "$CODE $(jqb .total)"

# ---------------------------------------------------------------- refusals
api POST $I "$KEY_ID" '{"ns":"web","key":"bad","sip_uri":"sip:bad@iwg.test","language":"fr_FR"}'
api_err "language fr_FR: 400 naming language" 400 bad_request language
tap_check "... saying what a language is" grep -q 'language tag like fr or en-GB' "$ADMIND_OUT"
api POST $I "$KEY_ID" '{"ns":"web","key":"bad","sip_uri":"sip:bad@iwg.test","priority":"10"}'
api_err "priority 10: 400 naming priority" 400 bad_request priority
tap_eq "... with the rule" "priority: must be an integer from 0 to 9" "$(jqb .message)"
api POST $I "$KEY_ID" '{"ns":"web","key":"bad","sip_uri":"sip:bad@iwg.test","priority":5}'
api_err "priority as a JSON number: 400 naming priority" 400 bad_request priority
api POST $I "$KEY_ID" '{"ns":"web","key":"bad","sip_uri":"sip:bad@iwg.test","did":"0612345678"}'
api_err "did without +: 400 naming did" 400 bad_request did
tap_eq "... with the rule" "did: must be an E.164 number: '+' then 6 to 15 digits" "$(jqb .message)"
api GET $I/web/bad "$KEY_NOC"
api_err "none of the refused bodies was written" 404 not_found
api GET "$I?did=0612345678" "$KEY_NOC"
api_err "lookup of a malformed DID: 400 naming did" 400 bad_request did
api GET "$I?did=%2B33123456789&key=a*" "$KEY_NOC"
api_err "lookup by DID with a key pattern: 400" 400 bad_request did

# ---------------------------------------------------------------- uniqueness
api POST $I "$KEY_ID" '{"ns":"paas","key":"eve","sip_uri":"sip:eve@iwg.test","did":"+33123456789"}'
api_err "another mapping (other namespace) with the same DID: 409 naming did" 409 conflict did
tap_check "... naming the holder" grep -q 'is already mapped by key ann (namespace web)' "$ADMIND_OUT"
api GET $I/paas/eve "$KEY_NOC"
api_err "the refused mapping was not written" 404 not_found
api POST $I "$KEY_ID" '{"ns":"paas","key":"eve","sip_uri":"sip:eve@iwg.test","did":"+33222222222"}'
api_is "with a DID of its own it is created" 201
api PUT $I/paas/eve "$KEY_ID" '{"sip_uri":"sip:eve@iwg.test","did":"+33123456789"}'
api_err "an update taking ann's DID: 409" 409 conflict did
api GET $I/paas/eve "$KEY_NOC"
tap_eq "the refused update changed nothing" "+33222222222" "$(jqb .did)"

# ---------------------------------------------------------------- updates
api PUT $I/web/ann "$KEY_ID" '{"sip_uri":"sip:ann@iwg.test","language":"en-GB","priority":"0","did":"+33111111111"}'
api_is "ann gets a new DID: 200" 200
api GET "$I?did=%2B33123456789" "$KEY_NOC"
tap_eq "the old DID finds nothing" 0 "$(jqb .total)"
tap_eq "its reverse entry is gone" "" "$($R get 'iwg:idm:did:+33123456789')"
api GET "$I?did=%2B33111111111" "$KEY_NOC"
tap_eq "the new DID finds ann, en-GB, priority 0" "ann en-GB 0" "$(jqb '[.items[0].key,.items[0].language,.items[0].priority]|join(" ")')"
api PUT $I/paas/eve "$KEY_ID" '{"sip_uri":"sip:eve@iwg.test","did":"+33123456789"}'
api_is "the freed DID can go to eve" 200
api PUT $I/web/ann "$KEY_ID" '{"sip_uri":"sip:ann@iwg.test","did":"+33111111111","enabled":false}'
api_is "ann disabled" 200
api GET "$I?did=%2B33111111111" "$KEY_NOC"
tap_eq "a disabled mapping keeps its DID (and says it is disabled)" "1 false" "$(jqb '[.total,.items[0].enabled]|join(" ")')"
api PUT $I/web/ann "$KEY_ID" '{"sip_uri":"sip:ann@iwg.test"}'
api_is "ann without a DID" 200
api GET "$I?did=%2B33111111111" "$KEY_NOC"
tap_eq "the removed DID finds nothing" 0 "$(jqb .total)"
api GET $I/web/ann "$KEY_NOC"
tap_eq "the removed attributes are empty" "||" "$(jqb '[.language,.priority,.did]|join("|")')"

# ---------------------------------------------------------------- delete
api DELETE $I/paas/eve "$KEY_ID"
api_is "delete eve: 204" 204
api GET "$I?did=%2B33123456789" "$KEY_NOC"
tap_eq "after delete the DID finds nothing" 0 "$(jqb .total)"
tap_eq "and its reverse entry is gone" 0 "$($R exists 'iwg:idm:did:+33123456789')"
api POST $I "$KEY_ID" '{"ns":"web","key":"zoe","sip_uri":"sip:zoe@iwg.test","did":"+33123456789"}'
api_is "the DID of a deleted mapping can be given again" 201
tap_done
