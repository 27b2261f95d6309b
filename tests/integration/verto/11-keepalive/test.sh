#!/usr/bin/env bash
# iwg_verto's keep-alive (keepalive.mjs): with a 2 s ping interval, a
# logged-in client that answers pings stays open, one that does not is
# closed after it was pinged. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/11-keepalive/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/11-keepalive
. "$top/tests/lib/tap.sh"
. "$top/scripts/stack.sh"
. "$top/tests/integration/verto/lib.sh"

VERTO_KAM_EXTRA=(-A IWG_VERTO_PING_INTERVAL=2)
verto_stack_start verto-11-keepalive || exit 1
verto_node "$here/keepalive.mjs" "$VERTO_URL"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
