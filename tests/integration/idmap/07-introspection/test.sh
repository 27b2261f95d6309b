#!/usr/bin/env bash
# RFC 7662 token introspection: opaque tokens are checked at a local HTTPS
# endpoint (Node, self-signed certificate) with client credentials; answers
# are cached; inactive, unmapped and unavailable outcomes get 401, 403, 503.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init introspection
RPORT=16396 KPORT=15076 HPORT=18443
here=$idm_dir/07-introspection

idm_redis redis $RPORT || { tap_fail "redis-server starts" "see $logs"; exit 1; }
export IWG_REDIS_ADDR=127.0.0.1:$RPORT
$IDCTL add web ann sip:ann@ims.test "display_name=Ann Example" >"$logs/idctl.log" 2>&1 &&
	$IDCTL add web bob sip:bob@ims.test >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl adds ann and bob (log $logs/idctl.log)" 0 $?

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$run/idp-key.pem" -out "$run/idp-cert.pem" >"$logs/openssl.log" 2>&1 ||
	{ tap_fail "openssl makes the endpoint's certificate" "log $logs/openssl.log"; exit 1; }
reqlog=$logs/introspect-requests.log
: >"$reqlog"
node "$here/introspect-server.mjs" $HPORT "$run/idp-cert.pem" "$run/idp-key.pem" \
	iwg-gw 's3cret:p@ss word' "$reqlog" >"$logs/introspect-server.log" 2>&1 &
server=$!
stack_adopt introspect-server "$server"
wait_until 10 tcp_open 127.0.0.1 $HPORT ||
	{ tap_fail "the HTTPS introspection endpoint starts" "log $logs/introspect-server.log"; exit 1; }

params="modparam(\"iwg_idmap\", \"redis_addr\", \"127.0.0.1:$RPORT\")"
params+=" modparam(\"iwg_idmap\", \"introspection_url\", \"https://127.0.0.1:$HPORT/introspect\")"
params+=" modparam(\"iwg_idmap\", \"introspection_client_id\", \"iwg-gw\")"
params+=" modparam(\"iwg_idmap\", \"introspection_client_secret\", \"s3cret:p@ss word\")"
params+=" modparam(\"iwg_idmap\", \"introspection_ca_file\", \"$run/idp-cert.pem\")"
params+=" modparam(\"iwg_idmap\", \"introspection_timeout\", 200)"
params+=" modparam(\"iwg_idmap\", \"introspection_cache_ttl\", 60)"
idm_kamailio kam $KPORT "$params" ||
	{ tap_fail "kamailio with introspection starts" "see $logs"; exit 1; }

asked() { grep -cx "$1" "$reqlog"; }

idm_check "an active opaque token signs ann on" $KPORT 200 \
	'X-Idm-Uri: sip:ann@ims.test' x token opaque-ann
idm_check "the same token again is answered from the cache" $KPORT 200 \
	'X-Idm-Uri: sip:ann@ims.test' x token opaque-ann
tap_eq "the endpoint was asked once about it (log $reqlog)" 1 "$(asked opaque-ann)"
idm_check "an inactive (revoked) token gets 401 (return code -20)" $KPORT 401 \
	'X-Idm-Rc: -20' x token opaque-revoked
idm_check "an unknown opaque token gets 401 (return code -20)" $KPORT 401 \
	'X-Idm-Rc: -20' x token opaque-what
idm_check "an active token for another audience gets 401 (return code -18)" $KPORT 401 \
	'X-Idm-Rc: -18' x token opaque-wrong-aud
idm_check "an active token past its exp gets 401 (return code -16)" $KPORT 401 \
	'X-Idm-Rc: -16' x token opaque-expired
idm_check "an active token for an unmapped subject gets 403 (return code -2)" $KPORT 403 \
	'X-Idm-Rc: -2' x token opaque-nobody
good=$(idm_token test-hs '{"sub":"bob","aud":"iwg","iss":"paas","exp":"+300"}')
idm_check "a JWT is still verified locally" $KPORT 200 \
	'X-Idm-Uri: sip:bob@ims.test' x token "$good"
tap_eq "the endpoint was not asked about the JWT" 0 "$(asked "$good")"

idm_check "an endpoint error (HTTP 500) gets 503 (return code -21)" $KPORT 503 \
	'X-Idm-Rc: -21' x token opaque-broken
start=$(date +%s%N)
idm_check "an endpoint slower than introspection_timeout gets 503 (return code -21)" $KPORT 503 \
	'X-Idm-Rc: -21' x token opaque-slow
echo "# 503 for a token the endpoint answers in 1.5 s: $((($(date +%s%N) - start) / 1000000)) ms including SIPp start-up"
# after failures each worker backs off; it asks again by itself later
if wait_until 15 idm_probe $KPORT 200 'X-Idm-Uri: sip:bob@ims.test' x token opaque-bob; then
	tap_ok "after the failures, a new token is introspected again without a restart"
else
	tap_fail "after the failures, a new token is introspected again without a restart" "logs $logs/kam.log"
fi

idm_kill "$server"
idm_check "with the endpoint down, a cached token keeps working" $KPORT 200 \
	'X-Idm-Uri: sip:ann@ims.test' x token opaque-ann
idm_check "with the endpoint down, an uncached token gets 503" $KPORT 503 \
	'X-Idm-Rc: -21' x token opaque-new
stats=$($KAMCMD idmap.cache_stats 2>&1)
hits=$(sed -n 's/^\s*introspection_hits: //p' <<<"$stats")
if [ "${hits:-0}" -ge 2 ]; then
	tap_ok "idmap.cache_stats counts introspection cache hits"
else
	tap_fail "idmap.cache_stats counts introspection cache hits" "got: $stats"
fi
tap_done
