#!/usr/bin/env bash
# iwg_verto: the contact center transfers or conferences the browser's call
# (REFER with Replaces, blind REFER into a conference, refusals, a failed
# transfer that falls back) and the browser's media keeps flowing: raw
# Verto JSON-RPC from Chromium with a real RTCPeerConnection, rtpengine,
# SIPp as agents A (5090) and the targets (5091). Run inside a private
# network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/15-cc-transfer/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/15-cc-transfer
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-15-cc-transfer || exit 1
verto_node "$here/transfer.mjs" "$VERTO_URL" "$here"
log=$IWG_LOGDIR/kamailio.log
# the new leg's INVITE went straight to the target, from the network
# listener, and carried Replaces (SIPp B's message log)
inv=$(awk '/^INVITE sip:agentB@/{p=1} p{print} p&&/^$/{exit}' "$IWG_LOGDIR/sipp-xfer-b-messages.log" 2>/dev/null)
if grep -qE '^Via: SIP/2.0/UDP 127.0.0.1(:5060)?;' <<<"$inv" && ! grep -q '5069' <<<"$inv"; then
	tap_ok "the transfer's INVITE left from iwg's SIP listener, not through the router's loop"
else
	tap_fail "the transfer's INVITE left from iwg's SIP listener, not through the router's loop" \
		"see $IWG_LOGDIR/sipp-xfer-b-messages.log"
fi
tap_check "kamailio still running (log: $log)" kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
