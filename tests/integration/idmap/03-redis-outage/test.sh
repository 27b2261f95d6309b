#!/usr/bin/env bash
# Redis outage: cached users keep working from the (stale) cache, uncached
# users get 503, and lookups work again by themselves when Redis is back.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init outage
RPORT=16393 KPORT=15074

idm_redis redis $RPORT || { tap_fail "redis-server starts" "see $logs"; exit 1; }
export IWG_REDIS_ADDR=127.0.0.1:$RPORT
$IDCTL add web ann sip:ann@ims.test >"$logs/idctl.log" 2>&1 &&
	$IDCTL add web bob sip:bob@ims.test >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl adds ann and bob" 0 $?
# a cache TTL of 1 s: the outage outlasts it, so ann is served stale
idm_kamailio kam $KPORT "modparam(\"iwg_idmap\", \"redis_addr\", \"127.0.0.1:$RPORT\")" 1 ||
	{ tap_fail "kamailio starts" "see $logs"; exit 1; }
idm_check "ann is found while Redis runs" $KPORT 200 'X-Idm-Stale: 0' ann

idm_kill "$REDIS_PID"
tap_check "redis is stopped" eval "! redis-cli -p $RPORT ping"
wait_until 5 eval "! idm_probe $KPORT 200 'X-Idm-Stale: 0' ann"
idm_check "ann (cached) keeps working during the outage, served stale" $KPORT 200 \
	'X-Idm-Stale: 1' ann
start=$(date +%s%N)
idm_check "bob (not cached) gets 503 during the outage" $KPORT 503 'X-Idm-Rc: -5' bob
echo "# 503 for an uncached user in about $((($(date +%s%N) - start) / 1000000)) ms including SIPp start-up"
idm_check "bob gets 503 again (backoff, no waiting on Redis)" $KPORT 503 'X-Idm-Rc: -5' bob

idm_redis redis $RPORT || { tap_fail "redis-server restarts" "see $logs"; exit 1; }
$IDCTL add web bob sip:bob@ims.test >>"$logs/idctl.log" 2>&1
if wait_until 15 idm_probe $KPORT 200 'X-Idm-Uri: sip:bob@ims.test' bob; then
	tap_ok "after Redis returns, bob is found again without a restart"
else
	tap_fail "after Redis returns, bob is found again without a restart" "logs $logs/kam.log"
fi
tap_done
