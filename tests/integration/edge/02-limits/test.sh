#!/usr/bin/env bash
# Abuse limits of the access edge, gateway preset with its default limits
# (limits.test.mjs). Inside the private network namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
stack_init edge-limits
if ! stack_start; then
	tap_fail "gateway stack starts" "see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"
	tap_done
	exit 1
fi
cd "$top" && node --experimental-websocket --no-warnings --test --test-reporter=tap \
	"$top/tests/integration/edge/02-limits/limits.test.mjs"
