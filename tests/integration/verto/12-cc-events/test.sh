#!/usr/bin/env bash
# iwg_verto contact-center events end to end: raw Verto JSON-RPC from
# Chromium, SIPp as the contact center (sipp/cc-events.xml): queue, agent,
# cc, dtmf and cc-result events, INFO both ways, 400/415 to bad INFOs,
# DTMF toward the contact center as SIP INFO (dtmf_mode=info). Run inside a
# private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/12-cc-events/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/12-cc-events
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

# DTMF toward the contact center as SIP INFO application/dtmf-relay
VERTO_KAM_EXTRA=(-A 'IWG_VERTO_DTMF="info"')
verto_stack_start verto-12-cc-events || exit 1
verto_node "$here/events.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp"
log=$IWG_LOGDIR/kamailio.log
if grep -q 'queue event (182) sent to the browser' "$log" &&
	grep -q 'INFO from the contact center: 415 (unsupported Content-Type)' "$log"; then
	tap_ok "kamailio.log tells the queue event and the refused INFO"
else
	tap_fail "kamailio.log tells the queue event and the refused INFO" "see $log"
fi
tap_check "kamailio still running (log: $log)" kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
