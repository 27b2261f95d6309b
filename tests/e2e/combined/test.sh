#!/usr/bin/env bash
# The combined preset (kamcfg/combined): SIP-over-WebSocket browsers and
# Verto PaaS clients in one Kamailio instance. JsSIP in headless Chromium
# registers (digest) and calls the SIP peer and is called by it (the
# skeleton's checks: getStats, rtpengine); the real SignalWire SDK in
# headless Chromium calls the contact center and is called by it (the Verto
# e2e checks); a SIP-over-WebSocket client reaches the contact center by the
# routing rule (IWG_CC_ROUTE) and a PaaS user is reachable from the SIP peer
# (combined.mjs). With WITH_PSTN and WITH_STIR (the trunks of 14-pstn):
# a SIP-over-WebSocket user calls a national number through a trunk with
# its mapping's DID, and a carrier's call to that DID rings it
# (combined.mjs). The SIP peer is on 127.0.0.1:5094, the contact center on
# 127.0.0.1:5090, the trunks on 5097 and 5098. Inside the private network
# namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/combined
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_need_sdk || exit 1
VERTO_PRESET=combined
keys=$IWG_BUILD/test-runs/e2e-combined-keys
verto_stir_keys "$keys" || { tap_done; exit 1; }
verto_pstn_extra "$keys"
VERTO_KAM_EXTRA=(-A 'IWG_CC_URI="sip:127.0.0.1:5090"' -A 'IWG_PEER_URI="sip:127.0.0.1:5094"'
	"${VERTO_PSTN_EXTRA[@]}")
verto_stack_start e2e-combined || exit 1
tap_ok "combined stack starts (SIP over WebSocket and Verto in one Kamailio)"
# the SIP user alice's identity mapping holds a DID; bob's holds none
for m in "alice sip:alice@$IWG_DOMAIN did=+33123456789" "bob sip:bob@$IWG_DOMAIN"; do
	# shellcheck disable=SC2086 # the words of $m are the arguments
	"$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" set web $m >>"$IWG_LOGDIR/idctl.log" 2>&1 ||
		tap_fail "web mapping $m" "iwg-idctl failed: $(tail -3 "$IWG_LOGDIR/idctl.log")"
done
verto_trunk_register

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
NODE_OPTIONS="--experimental-websocket --no-warnings" verto_node "$here/combined.mjs" \
	"$top/tests/integration/verto/sipp" "$keys"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
