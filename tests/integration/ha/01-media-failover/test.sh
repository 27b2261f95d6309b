#!/usr/bin/env bash
# Media failover: rtpengine nodes in pairs behind floating service
# addresses, Redis replication between the two of a pair, the gateway
# preset using both service addresses as one rtpengine set. The active
# node of a call is killed by PID mid-call; its address moves to the
# standby, which holds the call already (keyspace notifications).
#
# Two hosts are emulated by two network namespaces (hostA, hostB) joined
# to this one by veth pairs. Both hold both service addresses, 10.17.0.21
# (pair 1) and 10.17.0.22 (pair 2); a /32 route here decides which host
# gets each, as a floating IP or a BGP announcement would:
#
#   pair 1 (10.17.0.21)  rtp-a1 on hostA (active)   rtp-b1 on hostB (standby)
#   pair 2 (10.17.0.22)  rtp-b2 on hostB (active)   rtp-a2 on hostA (standby)
#
# Each node listens for NG and relays media on its pair's address only,
# writes its calls to its own Redis database and subscribes to its
# partner's; the nodes of hostA take ports from 30000-30499, those of
# hostB from 30500-30999 (a node that comes back with stale calls of its
# own never holds a port its partner hands out). The SIP side (failover.test.mjs, 127.0.0.1:5090, media on
# 10.17.9.1) and the browser (iwg-probe: ICE, DTLS-SRTP) are here.
# Runs only inside the private network namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/ha/01-media-failover
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"

# it adds addresses, links and routes: never outside a private namespace
if [ -z "${IWG_IN_NETNS:-}" ]; then
	tap_fail "runs in a private network namespace" "run it through tests/run.sh"
	tap_done
	exit 1
fi
stack_init ha-01-media-failover
hosts=()
# the hosts' namespaces (processes that only wait) go last, after stack_stop
trap 'stack_stop; stack_kill "${hosts[@]}"' EXIT

bail() {
	tap_fail "$1" "$2"
	tap_done
	exit 1
}

# --- two hosts ----------------------------------------------------------
ip addr add 10.17.9.1/32 dev lo || bail "media address 10.17.9.1 on lo" "ip failed"
other_ns() { [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
# host_ns A|B: PID of the process holding that host's namespace
host_ns() { if [ "$1" = A ]; then echo "${hosts[0]}"; else echo "${hosts[1]}"; fi; }
n=0
for h in A B; do
	n=$((n + 1))
	unshare --net -- sleep 600 &
	hosts+=($!)
	ns=$!
	wait_until 5 other_ns "$ns" || bail "host$h's namespace exists" "unshare --net failed"
	if ! { ip link add "ha$h" type veth peer name "ha${h}1" &&
		ip addr add "10.17.$n.1/24" dev "ha$h" && ip link set "ha$h" up &&
		ip link set "ha${h}1" netns "$ns" &&
		nsenter -t "$ns" -n sh -c "ip link set lo up &&
			ip addr add 10.17.$n.2/24 dev ha${h}1 &&
			ip addr add 10.17.0.21/32 dev ha${h}1 &&
			ip addr add 10.17.0.22/32 dev ha${h}1 &&
			ip link set ha${h}1 up && ip route add default via 10.17.$n.1"; }; then
		bail "host$h joined by a veth pair" "ip failed"
	fi
done
# where each service address lives at first
{ ip route add 10.17.0.21/32 dev haA && ip route add 10.17.0.22/32 dev haB; } ||
	bail "routes to the service addresses" "ip failed"
tap_ok "two hosts in namespaces, service addresses 10.17.0.21 (hostA) and 10.17.0.22 (hostB)"

# --- Redis for the media nodes (keyspace notifications, a password) ------
export RTPENGINE_REDIS_AUTH_PW
RTPENGINE_REDIS_AUTH_PW=$(stack_secret media_redis) || bail "media Redis password" "openssl failed"
mkdir -p "$IWG_RUN/media-redis"
(umask 077; cat >"$IWG_RUN/media-redis/redis.conf" <<EOF
bind 10.17.9.1
port 6391
dir $IWG_RUN/media-redis
save ""
appendonly no
requirepass $RTPENGINE_REDIS_AUTH_PW
notify-keyspace-events K\$g
EOF
)
_stack_spawn media-redis "$IWG_LOGDIR/media-redis.log" redis-server "$IWG_RUN/media-redis/redis.conf"
mredis() { REDISCLI_AUTH=$RTPENGINE_REDIS_AUTH_PW redis-cli -h 10.17.9.1 -p 6391 "$@"; }
wait_until 10 mredis ping || bail "media Redis answers on 10.17.9.1:6391" "see $IWG_LOGDIR/media-redis.log"

# --- four rtpengine nodes ---------------------------------------------------
# name host service-address own-db partner-db
nodes="rtp-a1 A 10.17.0.21 1 2
rtp-b1 B 10.17.0.21 2 1
rtp-b2 B 10.17.0.22 3 4
rtp-a2 A 10.17.0.22 4 3"
# start_node NAME [LOGNAME]: start NAME as the table says; its PID in
# $IWG_RUN/nodes/NAME
start_node() {
	local h addr db sub ports=30000-30499
	read -r _ h addr db sub < <(grep "^$1 " <<<"$nodes")
	[ "$h" = A ] || ports=30500-30999
	stack_start_rtpengine_node "${2:-$1}" "$(host_ns "$h")" "$addr:2223" "$addr" "$ports" \
		--redis="10.17.9.1:6391/$db" --subscribe-keyspace="$sub" \
		--active-switchover --final-timeout=43200 || return 1
	mkdir -p "$IWG_RUN/nodes"
	echo "$STACK_NODE_PID ${2:-$1}" >"$IWG_RUN/nodes/$1"
}
for node in rtp-a1 rtp-b1 rtp-b2 rtp-a2; do
	start_node "$node" || bail "rtpengine $node starts" "see $IWG_LOGDIR/$node.log"
done
tap_ok "four rtpengine nodes answer NG pings, each in its host"

# --- Kamailio: the gateway preset with both service addresses as one set --
# (a dead address is given up on after 2 tries of 500 ms)
IWG_KAM_EXTRA=(-A 'IWG_NG_SOCK="udp:10.17.0.21:2223=1 udp:10.17.0.22:2223=1"'
	-A IWG_NG_TIMEOUT_MS=500 -A IWG_NG_RETRIES=2)
stack_start_kamailio || bail "gateway Kamailio starts with two rtpengine addresses" \
	"see $IWG_LOGDIR/kamailio.log, kamailio-check.log"
tap_ok "gateway Kamailio starts with two rtpengine addresses"

# run_case NAME: one call of failover.test.mjs (IWG_HA_CASE=NAME); then
# the node it killed comes back as its pair's standby
run_case() {
	local out=$IWG_LOGDIR/ha-$1.txt killed
	rm -f "$IWG_RUN/killed"
	(cd "$top" && IWG_HA_CASE=$1 IWG_HA_NODES="$nodes" IWG_HA_NS="${hosts[*]}" \
		IWG_PROBE="$IWG_BUILD/bin/iwg-probe" IWG_MREDIS_PORT=6391 \
		node --experimental-websocket --no-warnings --test --test-reporter=tap \
		"$here/failover.test.mjs") >"$out" 2>&1
	local rc=$?
	grep -E '^(not )?ok |^#|^ {2,}' "$out" |
		grep -Ev '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms)'
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		tap_fail "failover.test.mjs ran ($1)" "node exited $rc; see $out"
	fi
	killed=$(cat "$IWG_RUN/killed" 2>/dev/null)
	if [ -n "$killed" ]; then
		start_node "$killed" "$killed-again" ||
			tap_fail "$killed comes back as standby" "see $IWG_LOGDIR/$killed-again.log"
	fi
}

run_case dtls
run_case renegotiated
run_case transcoded
run_case pair-down
tap_done
