#!/usr/bin/env bash
# Sentinel failover under identity writes. Three sentinels watch a master
# and its replica; iwg-idctl and iwg-admind (both asking the sentinels,
# both waiting for one replica with Redis WAIT) write in a loop while the
# master is killed (SIGKILL, by PID). The replica is promoted; until the old
# master is back as its replica no write can be acknowledged (WAIT 1 finds
# no replica), after that writes are acknowledged again. At the end every
# write that was acknowledged (exit 0, HTTP 2xx) must be on the new master,
# and every other one must have failed with one of the documented errors.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$top/tests/integration/admind/lib.sh"
idm_init sentinel-writes
trap 'admind_stop; stack_stop' EXIT
M=16410 S=16411 SP1=26410 SP2=26411 SP3=26412 AP=18210
U=http://127.0.0.1:$AP
WAIT_MS=300

idm_master_replica $M $S || exit 1
for i in 1 2 3; do
	p=$((SP1 + i - 1))
	idm_sentinel sentinel$i $p $M 2 500 ||
		{ tap_fail "sentinel$i starts" "see $logs/sentinel$i.log"; exit 1; }
done
# a failover needs the replica known and a majority of sentinels that know
# each other (they meet through the master's hello channel)
sentinels_ready() {
	local p
	redis-cli -p $S info replication | grep >/dev/null master_link_status:up || return 1
	for p in $SP1 $SP2 $SP3; do
		[ "$(redis-cli -p $p sentinel sentinels mymaster | grep -c '^name$')" -eq 2 ] || return 1
		redis-cli -p $p sentinel replicas mymaster | grep >/dev/null -x $S || return 1
	done
}
if wait_until 20 sentinels_ready; then
	tap_ok "three sentinels know each other, the master and its replica"
else
	tap_fail "three sentinels know each other, the master and its replica" "logs $logs/sentinel*.log"
	exit 1
fi

SENTINELS=127.0.0.1:$SP1,127.0.0.1:$SP2,127.0.0.1:$SP3
IDC="$IDCTL -s $SENTINELS -m mymaster -t 500 -w 1 --wait-timeout $WAIT_MS"
admind_keys
ADMIND_OUT=$run/admind.out ADMIND_LOG=$logs/admind.log
admind_conf "$run/admind.conf" $AP "redis = 127.0.0.1:1" "rate_limit_key = 0" \
	"rate_limit_addr = 0" "redis_sentinels = $SENTINELS" \
	"redis_sentinel_master = mymaster" "redis_timeout_ms = 500" \
	"redis_wait_replicas = 1" "redis_wait_timeout_ms = $WAIT_MS" \
	"threads = 2"
admind_start "$run/admind.conf" "$ADMIND_LOG" "$U" ||
	{ tap_fail "iwg-admind starts" "log $ADMIND_LOG"; exit 1; }
api GET $U/readyz
tap_eq "admind reaches Redis through the sentinels (the unused 'redis' points nowhere)" \
	"up master mymaster of sentinels $SENTINELS" \
	"$(jqb '.dependencies[]|select(.kind=="redis")|.status+" "+.target')"

# one line per write: TIME_US OP KEY RESULT [ERROR]
now_us() { echo "${EPOCHREALTIME/./}"; }
idctl_writer() {
	local i=0 rc
	while [ ! -e "$run/stop" ]; do
		i=$((i + 1))
		$IDC set t c$i sip:c$i@iwg.test 2>>"$logs/idctl.err"
		rc=$?
		echo "$(now_us) put c$i $rc" >>"$run/ops"
		if [ $((i % 3)) -eq 0 ]; then
			$IDC disable t c$((i - 1)) 2>>"$logs/idctl.err"
			rc=$?
			echo "$(now_us) dis c$((i - 1)) $rc" >>"$run/ops"
		fi
		if [ $((i % 5)) -eq 0 ]; then
			printf 'ns,key,sip_uri\nt,b%d.1,sip:b%d.1@iwg.test\nt,b%d.2,sip:b%d.2@iwg.test\n' \
				$i $i $i $i >"$run/imp.csv"
			$IDC import "$run/imp.csv" >/dev/null 2>>"$logs/idctl.err"
			rc=$?
			echo "$(now_us) imp b$i.1 $rc" >>"$run/ops"
			echo "$(now_us) imp b$i.2 $rc" >>"$run/ops"
		fi
	done
}
admind_req() { # METHOD PATH [BODY]: "CODE ERROR"
	local args=(-s -m 5 -o "$run/w.out" -w '%{http_code}' -X "$1"
		-H "Authorization: Bearer $KEY_ID")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	: >"$run/w.out"
	echo "$(curl "${args[@]}" "$U$2") $(jq -r '.error // "-"' <"$run/w.out" 2>/dev/null || echo -)"
	grep -q not_replicated "$run/w.out" && cp "$run/w.out" "$run/not_replicated.json"
}
admind_writer() {
	local i=0
	while [ ! -e "$run/stop" ]; do
		i=$((i + 1))
		echo "$(now_us) post a$i $(admind_req POST /api/v1/identities \
			"{\"ns\":\"t\",\"key\":\"a$i\",\"sip_uri\":\"sip:a$i@iwg.test\"}")" >>"$run/ops"
		if [ $((i % 4)) -eq 0 ]; then
			echo "$(now_us) del a$((i - 2)) $(admind_req DELETE /api/v1/identities/t/a$((i - 2)))" >>"$run/ops"
		fi
	done
}
# acked [FROM_US [TO_US]]: writes acknowledged (exit 0, HTTP 2xx) in a
# time range
ACK='($4 == "0" || $4 ~ /^2[0-9][0-9]$/)'
acked() {
	awk -v a="${1:-0}" -v b="${2:-9e18}" '$1 >= a && $1 < b && '"$ACK" "$run/ops" | wc -l
}
# refused_nr SINCE_US OP: writes of OP refused as not replicated since then
refused_nr() {
	awk -v t="$1" -v op="$2" '$1 >= t && $2 == op && ($4 == "5" || $5 == "not_replicated")' \
		"$run/ops" | wc -l
}

: >"$run/ops"
idctl_writer &
WRITER1=$!
stack_adopt idctl-writer "$WRITER1"
admind_writer &
WRITER2=$!
stack_adopt admind-writer "$WRITER2"
both_acked() { # N SINCE_US: both writers had N writes acknowledged since
	[ "$(awk -v t="$2" '$1 >= t && $4 == "0"' "$run/ops" | wc -l)" -ge "$1" ] &&
		[ "$(awk -v t="$2" '$1 >= t && $4 ~ /^2[0-9][0-9]$/' "$run/ops" | wc -l)" -ge "$1" ]
}
if wait_until 20 both_acked 10 0; then
	tap_ok "iwg-idctl and iwg-admind writes are acknowledged by the replica"
else
	tap_fail "iwg-idctl and iwg-admind writes are acknowledged by the replica" \
		"ops: $(tail -5 "$run/ops"); logs $logs/idctl.err $ADMIND_LOG"
fi

t_kill=$(now_us)
kill -KILL "$MASTER_PID"
if wait_until 30 eval "redis-cli -p $SP1 sentinel get-master-addr-by-name mymaster | grep >/dev/null -x $S"; then
	t_promoted=$(now_us)
	tap_ok "the sentinels promote the replica"
else
	t_promoted=$(now_us)
	tap_fail "the sentinels promote the replica" "logs $logs/sentinel*.log"
fi
# the new master has no replica yet: WAIT 1 cannot be satisfied, so the
# writes that reach it are refused as not replicated (never acknowledged)
if wait_until 20 eval '[ "$(refused_nr $t_kill put)" -ge 1 ] && [ "$(refused_nr $t_kill post)" -ge 1 ]'; then
	tap_ok "with no replica left, writes reach the new master but are refused as not replicated"
else
	tap_fail "with no replica left, writes reach the new master but are refused as not replicated" \
		"ops since the kill: $(awk -v t=$t_kill '$1 >= t' "$run/ops" | tail -8)"
fi
t_restart=$(now_us)
tap_eq "no write was acknowledged between the promotion and a replica's return" \
	0 "$(acked "$t_promoted" "$t_restart")"

# the old master comes back as the new master's replica: writes are
# acknowledged again
idm_redis oldmaster $M --replicaof 127.0.0.1 $S "${IDM_NODELAY[@]}" ||
	tap_fail "the old master restarts as a replica" "log $logs/oldmaster.log"
if wait_until 20 both_acked 5 "$t_restart"; then
	tap_ok "with a replica back, both writers are acknowledged again"
else
	tap_fail "with a replica back, both writers are acknowledged again" \
		"ops: $(tail -8 "$run/ops"); logs $logs/idctl.err $ADMIND_LOG"
fi
touch "$run/stop"
wait_until 15 eval "! kill -0 $WRITER1 2>/dev/null && ! kill -0 $WRITER2 2>/dev/null" ||
	tap_fail "the writers stop" "pids $WRITER1 $WRITER2"

# every result is a success or one of the documented refusals: iwg-idctl
# 4 (Redis unreachable) or 5 (not replicated), 2 for a disable of a
# mapping whose unacknowledged create was lost; iwg-admind 503
# unavailable or not_replicated, 404 for such a delete
odd=$(awk '!(($2 == "put" || $2 == "imp") && $4 ~ /^(0|4|5)$/) &&
	!($2 == "dis" && $4 ~ /^(0|2|4|5)$/) &&
	!($2 == "post" && ($4 == "201" || ($4 == "503" && $5 ~ /^(unavailable|not_replicated)$/))) &&
	!($2 == "del" && ($4 == "204" || $4 == "404" || ($4 == "503" && $5 ~ /^(unavailable|not_replicated)$/)))' "$run/ops")
tap_eq "every write was acknowledged or refused with a documented error" "" "$odd"
tap_check "iwg-idctl says a refused write was not acknowledged by a replica" \
	grep -q 'written on 127.0.0.1:[0-9]* but acknowledged by 0 of 1 replica(s) within '$WAIT_MS' ms' "$logs/idctl.err"
tap_check "iwg-admind answers 503 not_replicated with the reason" \
	grep -q '"error":"not_replicated".*acknowledged by 0 of 1 replica' "$run/not_replicated.json"

# every acknowledged write is on the new master: an acknowledged delete
# left nothing, an acknowledged disable left enabled=0, an acknowledged
# create or set left the mapping (unless a delete of it was tried since)
declare -A put_ok dis_ok del_ok del_try
while read -r _ op k rc _; do
	case $op in
	put | imp) [ "$rc" = 0 ] && put_ok[$k]=1 ;;
	post) [ "$rc" = 201 ] && put_ok[$k]=1 ;;
	dis) [ "$rc" = 0 ] && dis_ok[$k]=1 ;;
	del) del_try[$k]=1; [ "$rc" = 204 ] && del_ok[$k]=1 ;;
	esac
done <"$run/ops"
lost=() checked=0
for k in "${!put_ok[@]}" "${!dis_ok[@]}" "${!del_ok[@]}"; do
	h=iwg:idm:map:{t}:$k
	if [ -n "${del_ok[$k]:-}" ]; then
		[ "$(redis-cli -p $S exists "$h")" = 0 ] || lost+=("delete:$k")
	elif [ -n "${dis_ok[$k]:-}" ]; then
		[ "$(redis-cli -p $S hget "$h" enabled)" = 0 ] || lost+=("disable:$k")
	elif [ -z "${del_try[$k]:-}" ]; then
		[ "$(redis-cli -p $S hget "$h" sip_uri)" = "sip:$k@iwg.test" ] || lost+=("write:$k")
	else
		continue
	fi
	checked=$((checked + 1))
done
tap_eq "every acknowledged write is on the new master ($checked checked)" "" "${lost[*]}"
n_before=$(acked 0 "$t_kill")
n_after=$(acked "$t_restart")
tap_check "acknowledged writes were checked from before the kill ($n_before) and after ($n_after)" \
	test "$n_before" -gt 0 -a "$n_after" -gt 0 -a "$checked" -gt 0

t_first=$(awk -v t="$t_kill" '$1 >= t && ($4 == "5" || $5 == "not_replicated") {print $1; exit}' "$run/ops")
echo "# failover: promoted $(((t_promoted - t_kill) / 1000)) ms after the kill;" \
	"first write reaching the new master after $(((${t_first:-$t_kill} - t_kill) / 1000)) ms;" \
	"$(wc -l <"$run/ops") writes, $(acked) acknowledged," \
	"$(awk '$4 == "4" || $5 == "unavailable"' "$run/ops" | wc -l) unreachable," \
	"$(awk '$4 == "5" || $5 == "not_replicated"' "$run/ops" | wc -l) not replicated"
tap_done
