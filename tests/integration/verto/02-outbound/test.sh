#!/usr/bin/env bash
# iwg_verto outbound calls end to end: Verto JSON-RPC from Chromium with a
# real RTCPeerConnection, rtpengine, SIPp as the contact center (183 then
# 200, BYE either way, 486, transfers blind, refused and attended, the
# contact center's re-INVITEs and UPDATE, also overlapping while
# rtpengine is stopped). Run inside a private network
# namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/02-outbound/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/02-outbound
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_stack_start verto-02-outbound || exit 1
verto_node "$here/outbound.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp" \
	"$(cat "$IWG_RUN/rtpengine.pid")"
# a call from the contact center that it then re-INVITEs (connected line)
verto_node "$here/inbound-reinvite.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp"
# what went toward the contact center: audio only, plain RTP, no WebRTC
inv=$(awk '/INVITE sip:5000@/{p=1} p{print} /^m=audio/{if(p) n++} p&&/^$/{if(n)exit}' \
	"$IWG_LOGDIR/sipp-browser-bye-messages.log" 2>/dev/null | head -80)
if grep -q '^m=audio [0-9]* RTP/AVP ' <<<"$inv" && ! grep -qE '^m=video|a=ice-|a=fingerprint|a=candidate' <<<"$inv"; then
	tap_ok "the INVITE's SDP is audio-only plain RTP (no video, ICE or DTLS)"
else
	tap_fail "the INVITE's SDP is audio-only plain RTP (no video, ICE or DTLS)" \
		"see $IWG_LOGDIR/sipp-browser-bye-messages.log"
fi
if grep -q '^X-PaaS-Customer-Id: C-42' <<<"$inv" && grep -q '^X-PaaS-Queue: sales' <<<"$inv"; then
	tap_ok "the INVITE carries the PaaS context headers chosen in the cfg"
else
	tap_fail "the INVITE carries the PaaS context headers chosen in the cfg" \
		"see $IWG_LOGDIR/sipp-browser-bye-messages.log"
fi
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
