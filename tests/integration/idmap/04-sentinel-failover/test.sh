#!/usr/bin/env bash
# Sentinel failover: the master dies, the sentinel promotes the replica,
# Kamailio (iwg_idmap with sentinels) and iwg-idctl follow it.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
idm_init sentinel
M=16396 S=16397 SP=26396 KPORT=15076

command -v redis-sentinel >/dev/null ||
	{ tap_fail "redis-sentinel is installed" "apt-get install redis-sentinel (lib/idstore/packages.txt)"; exit 1; }
idm_redis master $M || { tap_fail "master starts" "see $logs"; exit 1; }
MASTER_PID=$REDIS_PID
idm_redis replica $S --replicaof 127.0.0.1 $M ||
	{ tap_fail "replica starts" "see $logs"; exit 1; }
wait_until 10 eval "redis-cli -p $S info replication | grep >/dev/null 'master_link_status:up'"
tap_eq "the replica syncs from the master" 0 $?

cat >"$run/sentinel.conf" <<CONF
port $SP
bind 127.0.0.1
dir $run
sentinel monitor mymaster 127.0.0.1 $M 1
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 10000
CONF
_stack_spawn sentinel "$logs/sentinel.log" redis-sentinel "$run/sentinel.conf" --daemonize no
wait_until 10 eval "redis-cli -p $SP sentinel replicas mymaster | grep >/dev/null $S"
tap_eq "the sentinel knows master and replica (log $logs/sentinel.log)" 0 $?

IDC="$IDCTL -s 127.0.0.1:$SP -m mymaster"
$IDC add web ann sip:ann@ims.test >"$logs/idctl.log" 2>&1 &&
	$IDC add web bob sip:bob@ims.test >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl writes through the sentinel's master" 0 $?
params="modparam(\"iwg_idmap\", \"sentinels\", \"127.0.0.1:$SP\")"
idm_kamailio kam $KPORT "$params" 1 || { tap_fail "kamailio starts" "see $logs"; exit 1; }
idm_check "ann is found through the master" $KPORT 200 'X-Idm-Uri: sip:ann@ims.test' ann
wait_until 10 eval "redis-cli -p $S exists iwg:idm:map:{web}:bob | grep >/dev/null 1"

idm_kill "$MASTER_PID"
if wait_until 30 eval "redis-cli -p $SP sentinel get-master-addr-by-name mymaster | grep >/dev/null -x $S"; then
	tap_ok "the sentinel promotes the replica"
else
	tap_fail "the sentinel promotes the replica" "log $logs/sentinel.log"
fi
if wait_until 20 idm_probe $KPORT 200 'X-Idm-Uri: sip:bob@ims.test' bob; then
	tap_ok "kamailio follows the failover: bob (never cached) is found"
else
	tap_fail "kamailio follows the failover: bob (never cached) is found" "log $logs/kam.log"
fi
$IDC add web carol sip:carol@ims.test >>"$logs/idctl.log" 2>&1
tap_eq "iwg-idctl writes to the new master" 0 $?
# every worker's first lookup after the failover may still meet its dead
# connection (then it reconnects): poll
if wait_until 10 idm_probe $KPORT 200 'X-Idm-Uri: sip:carol@ims.test' carol; then
	tap_ok "a mapping written after the failover is found"
else
	tap_fail "a mapping written after the failover is found" "log $logs/kam.log"
fi
tap_done
