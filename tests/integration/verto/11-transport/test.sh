#!/usr/bin/env bash
# iwg_verto's transport (transport.mjs): keep-alive with a 2 s ping
# interval (a logged-in client that answers pings stays open, one that does
# not is closed after it was pinged); WebSockets over HTTP/1.1 only (an
# upgrade to h2c, or ALPN h2 on wss, is refused). Run inside a private
# network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/11-transport/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/11-transport
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

VERTO_KAM_EXTRA=(-A IWG_VERTO_PING_INTERVAL=2)
verto_stack_start verto-11-transport || exit 1
verto_node "$here/transport.mjs" "$VERTO_URL" "$VERTO_WSS_URL" "$IWG_RUN/tls/cert.pem"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
