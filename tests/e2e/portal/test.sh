#!/usr/bin/env bash
# Developer portal (web/portal) as iwg-admind serves it: starts the gateway
# stack with time-limited credentials (Kamailio WITH_AUTH_EPHEMERAL,
# iwg-admind credential_kind ephemeral) and iwg-admind serving build/web
# (make web), then runs *.test.mjs here (headless Chromium, SIPp) with the
# TAP reporter. When the stack does not start, the tests that need it fail
# with the reason and the others still run. Run it inside a private network
# namespace: tests/run.sh e2e/portal
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$top/tests/e2e/portal

[ -d "$top/node_modules/playwright-core" ] && [ -d "$top/node_modules/typescript" ] || {
	echo "1..1"
	echo "not ok 1 - portal suite"
	echo "# node_modules missing: run scripts/deps.sh (npm ci)"
	exit 1
}
. "$top/tests/lib/stack.sh"
stack_init portal
export IWG_STACK_ERROR=""
for f in portal/index.html portal/rest.html portal/sdk.html sdk/iwg.js sdk/iwg.mjs; do
	[ -s "$IWG_BUILD/web/$f" ] || IWG_STACK_ERROR="$IWG_BUILD/web/$f missing: run make web"
done
if [ -z "$IWG_STACK_ERROR" ]; then
	IWG_KAM_EXTRA=(-A WITH_AUTH_EPHEMERAL)
	export IWG_ADMIND_CREDENTIAL=ephemeral
	if ! stack_start; then
		IWG_STACK_ERROR="the gateway stack did not start: see $IWG_LOGDIR (kamailio.log, rtpengine.log, redis.log)"
	elif ! stack_start_admind; then
		IWG_STACK_ERROR="iwg-admind did not start: see $IWG_LOGDIR/admind.log"
	fi
fi
export IWG_ADMIN_URL=http://127.0.0.1:8088

cd "$top" || exit 1
node --test --test-reporter=tap --test-concurrency=1 "$here"/*.test.mjs
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
