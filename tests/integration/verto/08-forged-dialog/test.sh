#!/usr/bin/env bash
# Forged in-dialog requests for a Verto call (wrong From or To tag, or from
# outside IWG_CC_PEERS) get 481 or are refused and change nothing; the
# genuine BYE still ends the call. Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/08-forged-dialog/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/08-forged-dialog
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-08-forged-dialog || exit 1
export IWG_RPC_KEY
verto_node "$here/forged.mjs" "$VERTO_URL" "$here/cc-forged.xml"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
