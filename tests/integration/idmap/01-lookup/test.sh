#!/usr/bin/env bash
# Lookups through Kamailio (iwg_idmap) against a real redis-server, driven
# by SIPp: found, unknown, disabled, reverse, tokens, asserted identity,
# stored mappings that fail validation (written straight into Redis).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init lookup
RPORT=16391 KPORT=15071 UAS_PORT=15099
export UAS_PORT

idm_redis redis $RPORT || { tap_fail "redis-server starts" "see $logs"; exit 1; }
export IWG_REDIS_ADDR=127.0.0.1:$RPORT
$IDCTL add web ann sip:ann@ims.test "display_name=Ann Example" queue=sales >"$logs/idctl.log" 2>&1 &&
	$IDCTL add web dan sip:dan@ims.test enabled=0 >>"$logs/idctl.log" 2>&1 &&
	$IDCTL add web old sip:old@ims.test not_after=2001-01-01T00:00:00Z >>"$logs/idctl.log" 2>&1 &&
	$IDCTL add web user-123 sip:u123@ims.test >>"$logs/idctl.log" 2>&1 &&
	$IDCTL add web fay sip:fay@ims.test >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl adds the test mappings (log $logs/idctl.log)" 0 $?

idm_kamailio kam $KPORT "modparam(\"iwg_idmap\", \"redis_addr\", \"127.0.0.1:$RPORT\")" ||
	{ tap_fail "kamailio with iwg_idmap starts" "see $logs"; exit 1; }

idm_check "a mapped user is found and its fields are readable" $KPORT 200 \
	'X-Idm-Uri: sip:ann@ims.test' ann
idm_check "the queue field comes through \$idm(queue)" $KPORT 200 \
	'X-Idm-Queue: sales' ann
idm_check "an unknown user gets 403 (return code -2)" $KPORT 403 \
	'X-Idm-Rc: -2' nobody
idm_check "an unknown user is answered from the negative cache too" $KPORT 403 \
	'X-Idm-Rc: -2' nobody
idm_check "a disabled mapping gets 403 (return code -3)" $KPORT 403 \
	'X-Idm-Rc: -3' dan
idm_check "a mapping past not_after gets 403 (return code -4)" $KPORT 403 \
	'X-Idm-Rc: -4' old
idm_check "a reverse lookup finds the web key of a SIP URI" $KPORT 200 \
	'X-Idm-Uri: sip:ann@ims.test' x reverse none 'sip:ann@IMS.test;transport=udp'
idm_check "a reverse lookup of an unmapped URI gets 403" $KPORT 403 \
	'X-Idm-Rc: -2' x reverse none 'sip:nobody@ims.test'

good=$(idm_token test-hs '{"sub":"user-123","aud":"iwg","iss":"paas","exp":"+300","iat":"-5"}')
idm_check "a valid token signs user-123 on" $KPORT 200 \
	'X-Idm-Uri: sip:u123@ims.test' x token "$good"
tok=$(idm_token test-hs '{"sub":"user-123","aud":"iwg","iss":"paas","exp":"-300"}')
idm_check "an expired token gets 401 (return code -16)" $KPORT 401 \
	'X-Idm-Rc: -16' x token "$tok"
tok=$(idm_token test-hs '{"sub":"user-123","aud":"other","iss":"paas","exp":"+300"}')
idm_check "a token for another audience gets 401 (return code -18)" $KPORT 401 \
	'X-Idm-Rc: -18' x token "$tok"
tok=$(idm_token nokey '{"sub":"user-123","aud":"iwg","iss":"paas","exp":"+300"}')
idm_check "a token with an unknown kid gets 401 (return code -14)" $KPORT 401 \
	'X-Idm-Rc: -14' x token "$tok"
idm_check "a token signed alg none gets 401 (return code -13)" $KPORT 401 \
	'X-Idm-Rc: -13' x token "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTEyMyJ9.x"
tok=$(idm_token test-hs '{"sub":"nobody","aud":"iwg","iss":"paas","exp":"+300"}')
idm_check "a valid token for an unmapped subject gets 403" $KPORT 403 \
	'X-Idm-Rc: -2' x token "$tok"

# asserted identity: the relayed request carries the mapping's identity and
# not the one the client put in
idm_uas uas uas-pai.xml 18899
idm_check "idmap_assert() request is relayed and answered" $KPORT 200 \
	'X-Idm-Pai-Seen: yes' ann assert
wait "$UAS_PID"
tap_eq "the relayed request has P-Asserted-Identity of the mapping, the forged one removed (log $logs/uas.log)" 0 $?

# a mapping idmap_assert() refuses to assert, with a cfg that relays
# whatever it answers: the client's P-Asserted-Identity is removed all the
# same. A stored value that the line builder refuses never gets past the
# lookup (it fails validation there, see below), so the refusal here is a
# disabled mapping's (-3), loaded and refused after the same removal.
idm_uas uas-no-pai uas-no-pai.xml 18898
idm_check "idmap_assert() of a disabled mapping answers -3 and the request is relayed" \
	$KPORT 200 'X-Idm-Assert-Rc: -3' dan assert-any
wait "$UAS_PID"
tap_eq "a request relayed after a refused idmap_assert() carries no P-Asserted-Identity, the forged one removed (log $logs/uas-no-pai.log)" 0 $?
# no mapping at all (an unknown user): -2, and the forged one removed too
idm_uas uas-no-pai-2 uas-no-pai.xml 18897
idm_check "idmap_assert() with no mapping loaded answers -2 and the request is relayed" \
	$KPORT 200 'X-Idm-Assert-Rc: -2' nobody-here assert-any
wait "$UAS_PID"
tap_eq "a request relayed after idmap_assert() without a mapping carries no P-Asserted-Identity (log $logs/uas-no-pai-2.log)" 0 $?

# stored mappings that fail validation, as any Redis client may write
# them: -1 for each alone, neither served nor cached; the worker keeps its
# connection and no backoff starts, so the next lookup still reads Redis
rcli() { redis-cli -p $RPORT "$@" >>"$logs/redis-cli.log" 2>&1; }
rcli HSET 'iwg:idm:map:{web}:eve' sip_uri 'sip:eve@ims.test>"Mallory"' display_name Eve &&
	rcli SET 'iwg:idm:rev:{web}:sip:eve@ims.test' eve &&
	rcli HSET 'iwg:idm:map:{web}:nemo' sip_uri '' display_name Nemo &&
	rcli SET 'iwg:idm:map:{web}:zoe' 'not a hash'
tap_eq "redis-cli writes the invalid mappings (log $logs/redis-cli.log)" 0 $?
idm_check "a stored mapping whose sip_uri fails validation gets -1 (500)" \
	$KPORT 500 'X-Idm-Rc: -1' eve
tap_check "its error names the mapping and the field (log $logs/kam.log)" \
	wait_until 5 grep -qF 'stored mapping web:eve... failed validation, not used (sip_uri must be visible ASCII' "$logs/kam.log"
if grep -qF 'Mallory' "$logs/kam.log"; then
	tap_fail "the log never shows the stored value" "'Mallory' in $logs/kam.log"
else
	tap_ok "the log never shows the stored value"
fi
idm_check "a reverse lookup reaching the invalid mapping gets -1" $KPORT 500 \
	'X-Idm-Rc: -1' x reverse none 'sip:eve@ims.test'
idm_check "a mapping with an empty sip_uri gets -1: idmap_assert() never asserts it" \
	$KPORT 500 'X-Idm-Rc: -1' nemo assert
idm_check "another Redis type at a mapping's key gets -1" $KPORT 500 \
	'X-Idm-Rc: -1' zoe
# one process, the RPC's (a SIP request may reach either worker, children
# 2, so only this proves it): under a backoff the next uncached lookup
# would fault 503 at once
out=$($KAMCMD idmap.lookup web eve 2>&1)
tap_like "idmap.lookup of it faults 409 naming the field" \
	'stored mapping failed validation: sip_uri' "$out"
out=$($KAMCMD idmap.lookup web fay 2>&1)
tap_like "that process then reads an uncached mapping from Redis (no backoff)" \
	'source: fresh' "$out"
out=$($KAMCMD idmap.lookup web eve 2>&1)
tap_like "the invalid mapping was not cached: refused again" \
	'stored mapping failed validation' "$out"
# (kamcmd sends no empty parameter; a key too long fails the same check)
out=$($KAMCMD idmap.lookup web "$(printf 'k%.0s' $(seq 300))" 2>&1)
tap_like "a key too long right after faults 400 (not the invalid mapping's 409)" \
	'400 - bad namespace or key' "$out"

stats=$($KAMCMD idmap.cache_stats 2>&1)
hits=$(sed -n 's/^\s*hits: //p' <<<"$stats")
neg=$(sed -n 's/^\s*negative_hits: //p' <<<"$stats")
if [ "${hits:-0}" -ge 1 ] && [ "${neg:-0}" -ge 1 ]; then
	tap_ok "idmap.cache_stats counts hits and negative hits"
else
	tap_fail "idmap.cache_stats counts hits and negative hits" "got: $stats"
fi
out=$($KAMCMD idmap.lookup web ann 2>&1)
tap_check "idmap.lookup RPC returns the mapping" grep -q 'sip_uri: sip:ann@ims.test' <<<"$out"
$KAMCMD idmap.cache_flush >/dev/null 2>&1
entries=$($KAMCMD idmap.cache_stats 2>&1 | sed -n 's/^\s*entries: //p')
tap_eq "idmap.cache_flush empties the cache" 0 "$entries"
tap_done
