#!/usr/bin/env bash
# The real @signalwire/js 1.5.0 Verto client end to end: the contact-center
# stack (kamcfg/contact-center: iwg_verto, rtpengine, Redis with a PaaS user
# provisioned by iwg-idctl), the SDK bundled from node_modules by esbuild and
# run unmodified in headless Chromium, SIPp as the agent the browser calls
# (an IVR among them) and as the contact center calling the browser
# (sdk.mjs). Run inside a private network namespace (make test does), e.g.
#   unshare --net bash -c 'ip link set lo up; tests/e2e/verto/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/verto
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

verto_need_sdk || exit 1
verto_stack_start e2e-verto || exit 1
# the SDK over wss (the other verto suites use ws)
if ! wait_until 10 tcp_open 127.0.0.1 8445; then
	tap_fail "verto endpoint listens on wss 127.0.0.1:8445" "see $IWG_LOGDIR/kamailio.log"
	exit 1
fi
verto_node "$here/sdk.mjs" "$VERTO_WSS_URL" "$top/tests/integration/verto/sipp"
# the contact-center extension @iwg/verto-cc on the SDK
verto_node "$here/cc.mjs" "$VERTO_WSS_URL" "$top/tests/integration/verto/sipp"
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
echo "# logs: $IWG_LOGDIR"
tap_done
