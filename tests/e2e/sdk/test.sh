#!/usr/bin/env bash
# iwg.js, the SDK for web developers, end to end: real headless Chromium
# loading build/web/sdk/iwg.js (the classic bundle) from a page of the
# suite, against the gateway stack (tests/lib/stack.sh: Redis, rtpengine,
# Kamailio) with SIPp peers. Kamailio is restarted by the suite for each
# credential kind (kamailio.sh: token, ephemeral, digest). TAP output.
# Run it inside a private network namespace: tests/run.sh e2e/sdk
# (IWG_SDK_ONLY=REGEX runs only the tests whose names match).
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/sdk

bail() {
	echo "1..1"
	echo "not ok 1 - iwg.js suite could not start"
	echo "# $1"
	exit 1
}

[ -d "$top/node_modules/jssip" ] && [ -d "$top/node_modules/playwright-core" ] \
	&& [ -d "$top/node_modules/typescript" ] \
	|| bail "node_modules missing: run scripts/deps.sh (npm ci)"
. "$top/tests/lib/stack.sh"
[ -x "$IWG_BUILD/bin/iwg-idctl" ] && [ -f "$IWG_BUILD/modules/iwg_idmap.so" ] \
	|| bail "iwg-idctl or iwg_idmap.so not built: run make"
# the bundle the suite loads: make web builds it; a stale one is rebuilt
if [ ! -f "$IWG_BUILD/web/sdk/iwg.js" ] || [ -n "$(find "$top/web/iwg-js" -newer "$IWG_BUILD/web/sdk/iwg.js" -type f)" ]; then
	mkdir -p "$IWG_BUILD/web/sdk"
	node "$top/web/iwg-js/build.mjs" "$IWG_BUILD/web/sdk" || bail "iwg.js does not build (node web/iwg-js/build.mjs)"
fi

stack_init sdk
# Kamailio is the suite's (kamailio.sh); stop it too when this script ends
sdk_stop() {
	local f=$IWG_RUN/kamailio-sdk.pid
	[ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && stack_kill "$(cat "$f")"
	stack_stop
}
trap sdk_stop EXIT

stack_start_redis && stack_start_rtpengine && stack_tls_cert && stack_db \
	&& stack_kamailio_args \
	|| bail "the stack did not start: see $IWG_LOGDIR (redis.log, rtpengine.log)"
export IWG_KAMCMD="kamcmd -s unix:$IWG_RUN/kamailio_ctl"

# the web-token issuer's key pair (ES256) and the users' mappings
mkdir -p "$IWG_RUN/keys"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$IWG_RUN/keys/es256.key" \
	2>>"$IWG_LOGDIR/openssl.log" \
	&& openssl pkey -in "$IWG_RUN/keys/es256.key" -pubout -out "$IWG_RUN/keys/es256.pub" \
		2>>"$IWG_LOGDIR/openssl.log" \
	|| bail "openssl cannot make a P-256 key (log $IWG_LOGDIR/openssl.log)"
idctl() { "$IWG_BUILD/bin/iwg-idctl" -r "$IWG_REDIS_ADDR" "$@" >>"$IWG_LOGDIR/idctl.log" 2>&1; }
idctl add web ann sip:ann@iwg.test "display_name=Ann Example" \
	&& idctl add web dan sip:dan@iwg.test enabled=0 \
	|| bail "iwg-idctl could not add the mappings (log $IWG_LOGDIR/idctl.log)"

cd "$top" || exit 1
only=()
[ -n "${IWG_SDK_ONLY:-}" ] && only=(--test-name-pattern="$IWG_SDK_ONLY")
node --test --test-reporter=tap "${only[@]}" "$here/sdk.test.mjs"
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
