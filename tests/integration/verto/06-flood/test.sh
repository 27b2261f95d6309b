#!/usr/bin/env bash
# iwg_verto under a connection flood (flood.mjs): about 2,800 idle and
# slow-writing WebSocket connections from 127.0.0.2..9, reconnecting as they
# are closed, while the @signalwire/js SDK in Chromium logs in, calls the
# contact center and answers a call from it (SIPp). Small limits here:
# 200 connections per address, a 3 s login deadline, 4 MiB of partial
# frames in all. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/06-flood/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/06-flood
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

max_per_ip=200
pending=4194304
# Kamailio and the clients hold thousands of sockets
VERTO_NOFILE=$(ulimit -Hn)
[ "$VERTO_NOFILE" = unlimited ] && VERTO_NOFILE=65536
VERTO_RING_TIMEOUT=15
VERTO_KAM_EXTRA=(-A "IWG_VERTO_MAX_CONNS_PER_IP=$max_per_ip" -A IWG_VERTO_LOGIN_TIMEOUT=3
	-A "IWG_VERTO_MAX_PENDING_BYTES=$pending")
verto_need_sdk || exit 1
verto_stack_start verto-06-flood || exit 1
ws_pid=$(verto_ws_pid)
if [ -z "$ws_pid" ]; then
	tap_fail "the iwg_verto WebSocket process is listed by core.psx" "see $IWG_LOGDIR/kamailio.log"
	exit 1
fi
echo "# open-file limit $(ulimit -n); iwg_verto WebSocket process $ws_pid"
verto_node "$here/flood.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" \
	"$ws_pid" "$max_per_ip" "$pending"
tap_check "the iwg_verto WebSocket process is still the same one (no restart)" \
	kill -0 "$ws_pid"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
