#!/usr/bin/env bash
# iwg_verto WebSocket endpoint: the contact-center cfg with the full stack,
# raw Verto JSON-RPC frames from Chromium's WebSocket (endpoint.mjs).
# Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/01-endpoint/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/01-endpoint
. "$top/tests/lib/tap.sh"
. "$top/scripts/stack.sh"

stack_init verto-01-endpoint
creds=$IWG_RUN/verto-users.conf
printf '1008@cc.example 1234 sip:1008@cc.example Web User\n' >"$creds"
IWG_CFG=$top/kamcfg/contact-center/kamailio.cfg
IWG_KAM_EXTRA=(-A "IWG_VERTO_CREDENTIALS=\"$creds\"")

if ! stack_start; then
	tap_fail "contact-center stack starts" "see $IWG_LOGDIR (kamailio.log)"
	exit 1
fi
if wait_until 10 tcp_open 127.0.0.1 8082; then
	tap_ok "verto endpoint listens on ws 127.0.0.1:8082"
else
	tap_fail "verto endpoint listens on ws 127.0.0.1:8082" \
		"no listener; see $IWG_LOGDIR/kamailio.log"
	exit 1
fi
if [ ! -d "$top/node_modules/playwright-core" ]; then
	tap_fail "browser checks" "node_modules/playwright-core missing: run scripts/deps.sh"
	exit 1
fi
out=$IWG_LOGDIR/endpoint-tap.txt
node "$here/endpoint.mjs" ws://127.0.0.1:8082/verto-ws "$_tap_n" "$IWG_LOGDIR" >"$out" 2>"$IWG_LOGDIR/endpoint-node.log"
rc=$?
cat "$out"
_tap_n=$((_tap_n + $(grep -cE '^(ok|not ok) ' "$out")))
[ "$rc" -eq 0 ] || [ "$(grep -c '^not ok ' "$out")" -gt 0 ] \
	|| tap_fail "browser checks ran" "node exited $rc; see $IWG_LOGDIR/endpoint-node.log"
tap_check "kamailio still running after the bad input (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
[ "$rc" -eq 0 ] && tap_done
