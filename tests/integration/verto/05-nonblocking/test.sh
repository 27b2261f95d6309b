#!/usr/bin/env bash
# iwg_verto's blocking work (identity store lookups, rtpengine requests)
# runs in its job pool, not in the WebSocket loop: while one connection's
# login waits on a paused Redis, or a call's rtpengine offer on a stopped
# rtpengine, other connections are answered (raw Verto frames,
# nonblocking.mjs; SIPp as the contact center).
# Logins in flight are bounded (max_logins_pending 16 here, 8 per address):
# the logins beyond the bound are refused at once and another address
# still gets its login checked (bound.mjs); login_timeout is 30 s
# so the connections outlive the paused store. Only ordering is asserted,
# never durations.
# Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/05-nonblocking/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/05-nonblocking
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

VERTO_MAX_JOBS=16
VERTO_MAX_LOGINS_PENDING=16
VERTO_MAX_LOGINS_PER_IP=8
VERTO_LOGIN_TIMEOUT=30
verto_stack_start verto-05-nonblocking || exit 1
verto_node "$here/nonblocking.mjs" "$VERTO_URL" "$IWG_REDIS_PORT" \
	"$(cat "$IWG_RUN/rtpengine.pid")" "$top/tests/integration/verto/sipp"
verto_node "$here/bound.mjs" "$VERTO_URL" "$IWG_REDIS_PORT"
tap_check "rtpengine running again after SIGSTOP/SIGCONT" \
	kill -0 "$(cat "$IWG_RUN/rtpengine.pid")"
tap_check "redis answers after the pause" redis-cli -p "$IWG_REDIS_PORT" ping
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
