#!/usr/bin/env bash
# The identity store on a real Redis Cluster (three masters): iwg-idctl,
# iwg-admind and Kamailio's iwg_idmap, a DID unique across namespaces, and
# a namespace's slot moved to another master while Kamailio looks up.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$top/tests/integration/admind/lib.sh"
idm_init cluster
trap 'admind_stop; stack_stop' EXIT
P1=17101 P2=17102 P3=17103 KPORT=15081 AP=18188
U=http://127.0.0.1:$AP

for p in $P1 $P2 $P3; do
	idm_redis "c$p" $p --cluster-enabled yes --cluster-node-timeout 2000 \
		--cluster-config-file "$run/c$p/nodes.conf" ||
		{ tap_fail "redis-server $p starts in cluster mode" "see $logs"; exit 1; }
done
redis-cli --cluster create 127.0.0.1:$P1 127.0.0.1:$P2 127.0.0.1:$P3 \
	--cluster-yes >"$logs/create.log" 2>&1
cluster_ok() {
	local p
	for p in $P1 $P2 $P3; do
		redis-cli -p $p cluster info | grep >/dev/null '^cluster_state:ok' || return 1
	done
}
wait_until 20 cluster_ok
tap_eq "a cluster of three masters is up (log $logs/create.log)" 0 $?

export IWG_REDIS_ADDR=cluster:127.0.0.1:$P1,127.0.0.1:$P2
R="redis-cli -c -p $P1"
# owner KEY: the port of the master serving KEY's slot
owner() {
	local s p
	s=$(redis-cli -p $P1 cluster keyslot "$1")
	for p in $P1 $P2 $P3; do
		redis-cli -p $p cluster nodes | awk -v s="$s" '
			$3 ~ /myself/ { for (i = 9; i <= NF; i++) { n = split($i, r, "-")
				if ((n == 2 && s >= r[1] && s <= r[2]) || (n == 1 && s == r[1]))
					f = 1 } } END { exit !f }' && { echo $p; return; }
	done
}

# namespaces web, cc and ims hash to three different masters; ann's DID
# entry to yet another slot than web
cat >"$run/ids.csv" <<'CSV'
ns,key,sip_uri,did,queue
web,ann,sip:ann@ims.test,+33100000002,sales
web,bob,sip:bob@ims.test,,
web,cat,sip:cat@ims.test,,
cc,agent1,sip:agent1@cc.test,+33100000001,
ims,u1,sip:u1@ims.test,,
CSV
$IDCTL import "$run/ids.csv" >"$logs/import.log" 2>&1
tap_eq "iwg-idctl imports mappings of three namespaces (log $logs/import.log)" 0 $?
masters=$(for k in 'iwg:idm:map:{web}:ann' 'iwg:idm:map:{cc}:agent1' \
	'iwg:idm:map:{ims}:u1'; do owner "$k"; done | sort -u | wc -l)
tap_eq "those namespaces live on three different masters" 3 "$masters"
tap_eq "a mapping and its URI entry share the namespace's slot" \
	"$(redis-cli -p $P1 cluster keyslot 'iwg:idm:map:{web}:ann')" \
	"$(redis-cli -p $P1 cluster keyslot 'iwg:idm:rev:{web}:sip:ann@ims.test')"
tap_check "the DID entry lives on another master than its mapping" \
	test "$(owner 'iwg:idm:did:+33100000002')" != "$(owner 'iwg:idm:map:{web}:ann')"
tap_eq "the DID entry names its mapping (and its claim's token)" "web:ann" \
	"$($R get 'iwg:idm:did:+33100000002' | cut -d' ' -f1)"
tap_eq "list walks every master" "cc	agent1 ims	u1 web	ann web	bob web	cat" \
	"$($IDCTL list | sort | paste -sd ' ')"
tap_eq "reverse-did finds the mapping across slots" "ann" \
	"$($IDCTL -f jsonl reverse-did +33100000002 2>&1 | jq -r .key)"

out=$($IDCTL add ims u2 sip:u2@ims.test did=+33100000002 2>&1)
tap_eq "a DID held in another namespace is refused (exit 3)" 3 $?
tap_like "and the refusal names the holder" "ann" "$out"
tap_eq "nothing of the refused mapping was written" 0 \
	"$($R exists 'iwg:idm:map:{ims}:u2')"
$IDCTL set web bob sip:bob@ims.test did=+33100000003 >"$logs/set.log" 2>&1 &&
	$IDCTL set web bob sip:bob@ims.test did=+33100000004 >>"$logs/set.log" 2>&1
tap_eq "a DID moves with its mapping (log $logs/set.log)" "web:bob 0" \
	"$($R get 'iwg:idm:did:+33100000004' | cut -d' ' -f1) $($R exists 'iwg:idm:did:+33100000003')"

# iwg-admind: the plain 'redis' address of one node finds the cluster; the
# node given is not the master of the audit stream (iwg:audit, a key of
# admind's own), whose XADD and XREVRANGE must follow the slot map
admind_keys
ADMIND_OUT=$run/admind.out ADMIND_LOG=$logs/admind.log
AUDM=$(owner iwg:audit)
for p in $P1 $P2 $P3; do [ $p != "$AUDM" ] && APLAIN=$p && break; done
tap_check "the audit stream's master ($AUDM) is not the node admind is given" \
	test -n "$AUDM" -a "$APLAIN" != "$AUDM"
admind_conf "$run/admind.conf" $AP "redis = 127.0.0.1:$APLAIN" \
	"rate_limit_key = 0" "rate_limit_addr = 0" "threads = 2"
admind_start "$run/admind.conf" "$ADMIND_LOG" "$U" ||
	{ tap_fail "iwg-admind starts" "log $ADMIND_LOG"; exit 1; }
api POST $U/api/v1/identities "$KEY_ID" \
	'{"ns":"cc","key":"agent2","sip_uri":"sip:agent2@cc.test","did":"+33100000005"}'
api_is "admind creates a mapping in the cluster" 201
api GET $U/api/v1/identities/cc/agent2 "$KEY_ID"
api_is "admind reads it back" 200
tap_eq "with its DID" "+33100000005" "$(jqb .did)"
api POST $U/api/v1/identities "$KEY_ID" \
	'{"ns":"web","key":"dup","sip_uri":"sip:dup@ims.test","did":"+33100000005"}'
api_err "admind refuses a DID held in another namespace" 409 conflict did
api DELETE $U/api/v1/identities/cc/agent2 "$KEY_ID"
api_is "admind deletes it" 204
tap_eq "and its DID entry is gone" 0 "$($R exists 'iwg:idm:did:+33100000005')"
api GET "$U/api/v1/audit?per_page=10" "$KEY_ID"
api_is "admind reads its audit log on the cluster" 200
tap_eq "which holds its writes, newest first (the refused one is not a write)" \
	"identity.delete cc/agent2 204,identity.create cc/agent2 201" \
	"$(jqb '[.items[]|"\(.action) \(.target) \(.status)"]|join(",")')"
tap_eq "on the master of the stream's slot" 2 "$(redis-cli -p "$AUDM" xlen iwg:audit)"

# the seed list form of 'redis' ($IWG_REDIS_ADDR, cluster:...), and the
# settings it excludes
ALOG2=$logs/admind-seeds.log AP2=18189
admind_conf "$run/admind2.conf" $AP2 "rate_limit_key = 0" "rate_limit_addr = 0" \
	"threads = 2"
admind_start "$run/admind2.conf" "$ALOG2" "http://127.0.0.1:$AP2" ||
	{ tap_fail "iwg-admind starts with redis = cluster:SEEDS" "log $ALOG2"; exit 1; }
api GET "http://127.0.0.1:$AP2/readyz"
tap_eq "with redis = cluster:SEEDS, readyz shows the cluster up" \
	"up cluster of seeds 127.0.0.1:$P1,127.0.0.1:$P2" \
	"$(jqb '.dependencies[]|select(.name=="redis")|"\(.status) \(.target)"')"
api GET "http://127.0.0.1:$AP2/api/v1/audit?per_page=1" "$KEY_ID"
tap_eq "and it reads the same audit log" "identity.delete cc/agent2" \
	"$(jqb '.items[0]|"\(.action) \(.target)"')"
admind_conf_error() { # DESC MESSAGE LINE...: iwg-admind -t refuses the lines
	local d=$1 m=$2 out
	shift 2
	admind_conf "$run/bad.conf" $AP2 "$@"
	out=$("$ADMIND_BIN" -t -c "$run/bad.conf" 2>&1)
	if [ $? = 1 ]; then tap_like "$d" "$m" "$out"; else
		tap_fail "$d" "iwg-admind -t accepted it: $out"; fi
}
admind_conf_error "a seed without port is refused" \
	"redis: '127.0.0.1' is not HOST:PORT" "redis = cluster:127.0.0.1:$P1, 127.0.0.1"
admind_conf_error "an empty seed list is refused" \
	"redis: 'cluster:' lists no seed" "redis = cluster: "
admind_conf_error "seeds and sentinels together are refused" \
	"exclude each other" "redis_sentinels = 127.0.0.1:26379"

# Kamailio: lookups, and a change notice through any master
idm_kamailio kam $KPORT "modparam(\"iwg_idmap\", \"redis_addr\", \"cluster:127.0.0.1:$P2,127.0.0.1:$P1\")" ||
	{ tap_fail "kamailio with iwg_idmap starts" "see $logs"; exit 1; }
idm_check "Kamailio finds a mapping in the cluster" $KPORT 200 \
	'X-Idm-Queue: sales' ann
$IDCTL disable web ann >>"$logs/set.log" 2>&1
idm_wait_check() { # DESC ARGS...: the probe passes within 5 s
	local d=$1
	shift
	if wait_until 5 idm_probe "$@"; then tap_ok "$d"; else
		tap_fail "$d" "SIPp log $logs/sipp-$_idm_cp.log; kamailio log $logs/kam.log"
	fi
}
idm_wait_check "the change notice reaches Kamailio (disabled: -3)" $KPORT 403 \
	'X-Idm-Rc: -3' ann

# the slot of namespace web moves from its master to another one
S=$(redis-cli -p $P1 cluster keyslot web)
SRC=$(owner 'iwg:idm:map:{web}:ann')
for p in $P1 $P2 $P3; do [ $p != "$SRC" ] && DST=$p && break; done
SRC_ID=$(redis-cli -p "$SRC" cluster myid) DST_ID=$(redis-cli -p "$DST" cluster myid)
redis-cli -p "$DST" cluster setslot "$S" importing "$SRC_ID" >"$logs/move.log"
redis-cli -p "$SRC" cluster setslot "$S" migrating "$DST_ID" >>"$logs/move.log"
keys=$(redis-cli -p "$SRC" cluster getkeysinslot "$S" 100)
# shellcheck disable=SC2086
redis-cli -p "$SRC" migrate 127.0.0.1 "$DST" "" 0 5000 keys $keys >>"$logs/move.log"
idm_check "during the move Kamailio follows ASK to the importing master" \
	$KPORT 200 'X-Idm-Uri: sip:bob@ims.test' bob
for p in $P1 $P2 $P3; do
	redis-cli -p $p cluster setslot "$S" node "$DST_ID" >>"$logs/move.log"
done
tap_eq "the slot of web is served by another master now (log $logs/move.log)" \
	"$DST" "$(owner 'iwg:idm:map:{web}:cat')"
idm_check "after the move Kamailio follows MOVED" $KPORT 200 \
	'X-Idm-Uri: sip:cat@ims.test' cat
api PUT $U/api/v1/identities/web/cat "$KEY_ID" \
	'{"sip_uri":"sip:cat@ims.test","queue":"moved"}'
api_is "admind, whose slot map is out of date, writes after MOVED" 200
tap_eq "the write is on the new master" moved \
	"$(redis-cli -p "$DST" hget 'iwg:idm:map:{web}:cat' queue)"
api GET "http://127.0.0.1:$AP2/api/v1/audit?per_page=1" "$KEY_ID"
tap_eq "that write is audited too" "identity.replace web/cat 200" \
	"$(jqb '.items[0]|"\(.action) \(.target) \(.status)"')"
tap_eq "no MOVED reached either admind's log ($ADMIND_LOG, $ALOG2)" 0 \
	"$(cat "$ADMIND_LOG" "$ALOG2" | grep -c MOVED)"
idm_wait_check "and its notice reaches Kamailio" $KPORT 200 \
	'X-Idm-Queue: moved' cat

# ids_eval: a caller's script (verto's session writes) goes to the master of
# KEYS[1]'s slot, found from one seed that does not serve it
for t in s1 s2 s3 s4 s5 s6 s7 s8; do
	EM=$(owner "app:{$t}:a")
	[ -n "$EM" ] && [ "$EM" != $P1 ] && break
done
IWG_IDS_CLUSTER=127.0.0.1:$P1 IWG_IDS_EVAL_TAG=$t \
	"$build/tests/unit/test_idstore_redis" >"$logs/eval.log" 2>&1
tap_eq "ids_eval runs a script on keys of another master's slot ($EM, log $logs/eval.log)" \
	0 $?
tap_eq "its writes are on that master" "3 4" \
	"$(redis-cli -p "$EM" strlen "app:{$t}:a") $(redis-cli -p "$EM" strlen "app:{$t}:b")"

# iwg-idctl migrate on the cluster: a key of an older version moved; an old
# URI entry naming another key than the new entry is left and reported
$R hset 'iwg:idm:map:mig:m1' sip_uri sip:m1@ims.test enabled 1 not_after 0 \
	_rev_uri sip:m1@ims.test >/dev/null
$R set 'iwg:idm:rev:mig:sip:m1@ims.test' m1 >/dev/null
$R set 'iwg:idm:rev:web:sip:ann@ims.test' zed >/dev/null
$IDCTL migrate >"$logs/migrate.out" 2>"$logs/migrate.err"
tap_eq "migrate ends with status 3 when it leaves a conflict (log $logs/migrate.err)" \
	3 $?
tap_like "and names the old key and both holders" \
	"iwg:idm:rev:web:sip:ann@ims.test left in place (not moved to iwg:idm:rev:{web}:sip:ann@ims.test): held by key 'zed' under the old name, by 'ann' under the new one" \
	"$(cat "$logs/migrate.err")"
tap_like "it counts what it did" "2 key(s) renamed, 0 old key(s) dropped (their new name existed), 1 old URI entry left in conflict" \
	"$(cat "$logs/migrate.out")"
tap_eq "the old mapping is found under its new name" "sip:m1@ims.test" \
	"$($IDCTL -f jsonl reverse mig sip:m1@ims.test 2>&1 | jq -r .sip_uri)"
tap_eq "the conflicting entry is still there, the new one unchanged" "zed ann" \
	"$($R get 'iwg:idm:rev:web:sip:ann@ims.test') $($R get 'iwg:idm:rev:{web}:sip:ann@ims.test')"
tap_done
