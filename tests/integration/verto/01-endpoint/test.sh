#!/usr/bin/env bash
# iwg_verto WebSocket endpoint: the contact-center cfg with the full stack,
# raw Verto JSON-RPC frames from Chromium's WebSocket (endpoint.mjs).
# Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/01-endpoint/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/01-endpoint
. "$top/tests/lib/tap.sh"
. "$top/scripts/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-01-endpoint || exit 1
tap_ok "verto endpoint listens on ws 127.0.0.1:8082"
verto_node "$here/endpoint.mjs" "$VERTO_URL"
tap_check "kamailio still running after the bad input (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
