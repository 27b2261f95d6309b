#!/usr/bin/env bash
# Invalidation over Redis pub/sub reaches a second Kamailio instance: both
# cache ann for an hour, an admin disables ann, both refuse ann.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init invalidation
RPORT=16392 K1=15072 K2=15073

idm_redis redis $RPORT || { tap_fail "redis-server starts" "see $logs"; exit 1; }
export IWG_REDIS_ADDR=127.0.0.1:$RPORT
$IDCTL add web ann sip:ann@ims.test >"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl adds ann" 0 $?
params="modparam(\"iwg_idmap\", \"redis_addr\", \"127.0.0.1:$RPORT\")"
idm_kamailio kam1 $K1 "$params" 3600 && K1CMD=$KAMCMD &&
	idm_kamailio kam2 $K2 "$params" 3600 && K2CMD=$KAMCMD ||
	{ tap_fail "two kamailio instances start" "see $logs"; exit 1; }
wait_until 10 grep -q "listening for identity changes" "$logs/kam1.log" &&
	wait_until 10 grep -q "listening for identity changes" "$logs/kam2.log"
tap_eq "both invalidation listeners subscribe (logs $logs/kam1.log, kam2.log)" 0 $?

idm_check "instance 1 finds ann (and caches her)" $K1 200 'X-Idm-Uri: sip:ann@ims.test' ann
idm_check "instance 2 finds ann (and caches her)" $K2 200 'X-Idm-Uri: sip:ann@ims.test' ann
idm_check "instance 2 answers ann again" $K2 200 'X-Idm-Uri: sip:ann@ims.test' ann

start=$(date +%s%N)
$IDCTL disable web ann >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl disables ann" 0 $?
# the cache TTL is an hour: only the invalidation can make this pass
if wait_until 10 idm_probe $K2 403 'X-Idm-Rc: -3' ann; then
	ms=$((($(date +%s%N) - start) / 1000000))
	tap_ok "instance 2 refuses ann after the change"
	echo "# the change reached instance 2 in about ${ms} ms (poll included)"
else
	tap_fail "instance 2 refuses ann after the change" "still accepted; logs $logs/kam2.log"
fi
idm_check "instance 1 refuses ann too" $K1 403 'X-Idm-Rc: -3' ann
inv=$($K2CMD idmap.cache_stats | sed -n 's/^\s*invalidations: //p')
[ "${inv:-0}" -ge 1 ]
tap_eq "instance 2 counted the invalidation (idmap.cache_stats)" 0 $?
$IDCTL enable web ann >>"$logs/idctl.log" 2>&1
wait_until 10 idm_probe $K1 200 'X-Idm-Uri: sip:ann@ims.test' ann
tap_eq "re-enabling ann reaches instance 1" 0 $?
tap_done
