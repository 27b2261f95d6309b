#!/usr/bin/env bash
# iwg_verto throttles failed logins per login name and per source address
# (abuse.mjs: raw WebSocket clients bound to 127.0.0.2..5). Small limits
# here: 3 failures per name, 6 per address, back-off 500 ms doubling, at
# most 2 s. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/07-login-abuse/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/07-login-abuse
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

VERTO_KAM_EXTRA=(-A IWG_VERTO_LOGIN_FAILS=3 -A IWG_VERTO_IP_FAILS=6
	-A IWG_VERTO_BACKOFF=500 -A IWG_VERTO_LOCKOUT=2)
verto_stack_start verto-07-login-abuse || exit 1
# a second PaaS user (password 5678), never attacked
verto_provision 1010@cc.example sip:1010@cc.example 5678 "display_name=Other User" || exit 1
# a mapping written straight into Redis, as any client could, that fails
# validation (an empty sip_uri) though its ha1 matches the password 9012
redis-cli -h 127.0.0.1 -p "$IWG_REDIS_PORT" HSET 'iwg:idm:map:{paas}:1020@cc.example' \
	sip_uri '' ha1 "$(verto_ha1 1020 cc.example 9012)" >>"$IWG_LOGDIR/redis-cli.log" 2>&1
tap_eq "redis-cli writes an invalid mapping (log $IWG_LOGDIR/redis-cli.log)" 0 $?
verto_node "$here/abuse.mjs" "$VERTO_URL"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
