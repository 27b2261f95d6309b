#!/usr/bin/env bash
# make bench, capacity: memory per idle SIP-over-WebSocket connection on one
# gateway node at 1,000 and 10,000 connections, ws then wss (wsmem.mjs), from
# Kamailio's own statistics.
#
# 10,000 connections need more than the defaults, set here:
#   shm      -m BENCH_WSMEM_SHM MB (3072): about 84 KiB a ws connection and
#            134 KiB a wss one (docs/scaling.md), 1.3 GB for 10,000 over wss
#   TCP      tcp_max_connections and tls_max_connections BENCH_WSMEM_MAX_CONN
#            (16384) in this bench's cfg (Kamailio's default: 2048 each)
#   files    the soft open-file limit raised to the hard one (20,000 on the development
#            VM, which a container cannot raise), inherited by Kamailio
#            (its TCP main process holds every connection) and by the load
#            client; at least 10,500 are needed
# The node is the gateway preset as shipped (kamcfg/gateway/site.cfg,
# kamcfg/edge) with time-limited credentials (WITH_AUTH_EPHEMERAL: no
# subscriber rows to load for 20,000 users).
#
# Output: figures on stdout, JSON in $IWG_BUILD/bench/capacity-memory.json.
set -uo pipefail
. "$(dirname "$0")/lib.sh" "$0" "$@"
out=$IWG_BUILD/bench/capacity-memory.json
maxconn=${BENCH_WSMEM_MAX_CONN:-16384}
export IWG_KAM_SHM=${BENCH_WSMEM_SHM:-3072}

[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 10500 ] ||
	echo "bench capacity memory: only $(ulimit -n) open files: 10,000 connections will fail" >&2
stack_init bench-capacity-memory
logs=$IWG_LOGDIR
fail() { echo "bench capacity memory: $1 (logs: $logs)" >&2; exit 1; }

stack_node_cfg "$IWG_RUN/cfg" gateway 127.0.0.1 5065 "tcp_max_connections=$maxconn" \
	"tls_max_connections=$maxconn" || fail "cannot write the bench cfg"
export IWG_CFG=$IWG_RUN/cfg/kamailio.cfg
IWG_KAM_EXTRA=(-A WITH_AUTH_EPHEMERAL)
stack_start || fail "the gateway stack did not start"
echo "bench capacity memory: Kamailio -m $IWG_KAM_SHM, tcp/tls_max_connections $maxconn," \
	"open files $(ulimit -n)" >&2
rm -f "$out"
node "$here/wsmem.mjs" "$out" 2>"$logs/wsmem.err" || {
	tail -5 "$logs/wsmem.err" >&2
	fail "the memory measurement failed"
}
