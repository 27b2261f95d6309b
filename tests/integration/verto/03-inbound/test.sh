#!/usr/bin/env bash
# iwg_verto calls from the contact center to a PaaS user: SIPp as the
# contact center, two Verto sessions of the user in Chromium (first answer
# wins, CANCEL, busy, no answer, no session, unknown user), then the RPC
# commands verto.sessions, verto.calls, verto.kick. Run inside a private
# network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/03-inbound/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/03-inbound
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-03-inbound || exit 1
# a second PaaS user who never logs in (calls to it: no live session)
"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" set paas 1009@cc.example \
	sip:1009@cc.example "display_name=Idle User" \
	"ha1=$(verto_ha1 1009 cc.example 1234)" >>"$IWG_LOGDIR/idctl.log" 2>&1
verto_node "$here/inbound.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp"
verto_node "$here/rpc.mjs" "$VERTO_URL" "$IWG_RUN/kamailio_ctl"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
