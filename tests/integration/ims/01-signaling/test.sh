#!/usr/bin/env bash
# IMS gateway signaling (kamcfg/ims): registration relay with Path flow
# tokens, Service-Route / P-Asserted-Identity, MT through Path, bad input,
# de-REGISTER on WebSocket close. SIPp plays the S-CSCF; the WebSocket
# client is Node (ims.test.mjs). Run inside a private network namespace.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
name=integration-ims-signaling

bail() {
	echo "not ok 1 - IMS gateway signaling suite could not run"
	echo "# $1"
	exit 1
}

[ -x "$top/build/modules/iwg_webrtc.so" ] || [ -f "${IWG_BUILD:-$top/build}/modules/iwg_webrtc.so" ] \
	|| bail "iwg_webrtc.so not built: run make"
IWG_CFG=$top/kamcfg/ims/kamailio.cfg
IWG_PROFILES=$top/rtpengine-ext/profiles/ims-profiles.conf
. "$top/scripts/stack.sh"
stack_init "$name"
"$top/sql/create-sqlite.sh" "$IWG_RUN/iwg.sqlite" || bail "cannot create $IWG_RUN/iwg.sqlite"
IWG_KAM_EXTRA=(-A "IWG_DB_URL=\"sqlite://$IWG_RUN/iwg.sqlite\""
	-A 'IWG_IMS_CORE="sip:127.0.0.1:6060"'
	-A 'IWG_FLOW_KEY="iwg-test-flow-key-0123456789"')
stack_start || bail "the IMS gateway stack did not start: see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"

cd "$top" || exit 1
node --experimental-websocket --no-warnings --test --test-reporter=tap \
	"$top/tests/integration/ims/01-signaling/ims.test.mjs"
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
