#!/usr/bin/env bash
# The combined preset (kamcfg/combined): SIP-over-WebSocket browsers and
# Verto PaaS clients in one Kamailio instance. JsSIP in headless Chromium
# registers (digest) and calls the SIP peer and is called by it (the
# skeleton's checks: getStats, rtpengine); the real SignalWire SDK in
# headless Chromium calls the contact center and is called by it (the Verto
# e2e checks); a SIP-over-WebSocket client reaches the contact center by the
# routing rule (IWG_CC_ROUTE) and a PaaS user is reachable from the SIP peer
# (combined.test.mjs). The SIP peer is on 127.0.0.1:5094, the contact
# center on 127.0.0.1:5090. Inside the private network namespace of
# tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/combined
. "$top/tests/lib/tap.sh"
. "$top/scripts/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_need_sdk || exit 1
VERTO_PRESET=combined
VERTO_KAM_EXTRA=(-A 'IWG_CC_URI="sip:127.0.0.1:5090"' -A 'IWG_PEER_URI="sip:127.0.0.1:5094"')
verto_stack_start e2e-combined || exit 1
tap_ok "combined stack starts (SIP over WebSocket and Verto in one Kamailio)"

# JsSIP: the skeleton's two calls, with the SIP peer on 5094
out=$IWG_LOGDIR/skeleton-tap.txt
(cd "$top" && IWG_PEER_ADDR=127.0.0.1:5094 node --test --test-reporter=tap \
	"$top/tests/e2e/skeleton/skeleton.test.mjs") >"$out" 2>&1
grep -E '^(not )?ok ' "$out" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&JsSIP (combined): /' >"$out.lines"
while IFS= read -r l; do
	case $l in
	"not ok"*) tap_fail "${l#not ok * - }" "see $out" ;;
	*) tap_ok "${l#ok * - }" ;;
	esac
done <"$out.lines"

# the SignalWire SDK: the Verto e2e checks, in the same instance
verto_node "$top/tests/e2e/verto/sdk.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp"

# the routing between both worlds
NODE_OPTIONS="--experimental-websocket --no-warnings" verto_node "$here/combined.mjs"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
