#!/usr/bin/env bash
# The access edge of the contact-center preset (cc.test.mjs), on the Verto
# stack of tests/integration/verto/lib.sh. Inside the private network
# namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"
# the ring-cap test sends 5 INVITEs within one ring timeout
VERTO_RING_TIMEOUT=60 verto_stack_start edge-contact-center || { tap_done; exit 1; }
tap_ok "contact-center stack starts"
cd "$top" && node --experimental-websocket --no-warnings --test --test-reporter=tap \
	"$top/tests/integration/edge/03-contact-center/cc.test.mjs"
