#!/usr/bin/env bash
# iwg_verto recovery after a lost WebSocket: calls from the contact center
# (SIPp) re-attached with the real @signalwire/js SDK in Chromium (also
# while held), a client that never comes back (grace expiry: BYE toward
# SIP, rtpengine session deleted, no re-attach for a late login) and an
# unanswered call toward SIP cancelled at once (raw Verto). The grace is
# 3 s here. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/04-recovery/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/04-recovery
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_need_sdk || exit 1
VERTO_GRACE=3
verto_stack_start verto-04-recovery || exit 1
verto_node "$here/recovery.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" \
	"$VERTO_GRACE" "$IWG_NG_BIN" "$IWG_NG_ADDR"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
