#!/usr/bin/env bash
# Walking skeleton, browser side: starts the local stack (tests/lib/stack.sh),
# then runs skeleton.test.mjs (headless Chromium + JsSIP, SIPp peers) with the
# TAP reporter. Exit status: node's. Run it inside a private network namespace
# (make test does), e.g. unshare --net bash -c 'ip link set lo up; tests/e2e/skeleton/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
tests=("browser calls SIP UAS through gateway (Opus->PCMA, DTLS-SRTP)"
	"SIP UAC calls registered browser through gateway")

# bail: every test fails with WHY (TAP), exit 1
bail() {
	echo "1..${#tests[@]}"
	local i=0 t
	for t in "${tests[@]}"; do
		i=$((i + 1))
		printf 'not ok %d - %s\n# %s\n' "$i" "$t" "$1"
	done
	exit 1
}

[ -d "$top/node_modules/jssip" ] && [ -d "$top/node_modules/playwright-core" ] \
	|| bail "node_modules missing: run scripts/deps.sh (npm ci)"
. "$top/tests/lib/stack.sh"
stack_init skeleton
stack_start || bail "the gateway stack did not start: see $IWG_LOGDIR (kamailio.log, rtpengine.log, redis.log)"

cd "$top" || exit 1
node --test --test-reporter=tap "$top/tests/e2e/skeleton/skeleton.test.mjs"
rc=$?
echo "# logs: $IWG_LOGDIR"
exit $rc
