#!/usr/bin/env bash
# The access edge of the gateway preset (kamcfg/gateway): what an
# unauthenticated or malicious peer gets (refusals, no relay), digest and
# time-limited credentials, asserted identity, a browser vanishing
# mid-call. Runs edge.test.mjs twice: digest (the preset's default), then
# WITH_AUTH_EPHEMERAL. Inside the private network namespace of tests/run.sh.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"

run_mode() {
	local mode=$1
	shift
	IWG_RUN= IWG_KAM_EXTRA=("$@")
	stack_init "edge-gateway-$mode"
	if ! stack_start; then
		tap_fail "gateway stack starts ($mode)" "see $IWG_LOGDIR (kamailio.log, kamailio-check.log)"
		return 1
	fi
	local out=$IWG_LOGDIR/edge-tap.txt
	(cd "$top" && IWG_AUTH_MODE=$mode node --experimental-websocket --no-warnings --test \
		--test-reporter=tap "$top/tests/integration/edge/01-gateway/edge.test.mjs") >"$out" 2>&1
	local rc=$?
	grep -E '^(not )?ok |^#|^ {2,}' "$out" | grep -Ev '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms)'
	# node failing without a "not ok" (e.g. it could not start) is a failure
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		tap_fail "edge.test.mjs ran ($mode)" "node exited $rc; see $out"
	fi
	stack_stop
}

run_mode digest
run_mode ephemeral -A WITH_AUTH_EPHEMERAL
tap_done
