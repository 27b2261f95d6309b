#!/usr/bin/env bash
# The contact-center router (kamcfg/edge/cc.cfg) with Verto calls: failover,
# routing rules, probing, the failover timeout, the loop listener's
# refusal, late 200s of the entry point failed over from (two ACKed and
# hung up, three ignored), the early
# dialog of the one failed over to; then what RPC shows of it (dispatcher targets, recorded
# failures, rule hits). Run inside a private network namespace, e.g.
#   unshare --net bash -c 'ip link set lo up; tests/integration/verto/13-cc-routing/test.sh'
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
here=$top/tests/integration/verto/13-cc-routing
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
. "$top/tests/integration/verto/lib.sh"

VERTO_KAM_EXTRA=(-A "IWG_CC_LIST=\"$here/cc.list\"" -A "IWG_CC_RULES=\"$here/cc-routing.rules\""
	-A IWG_CC_ALG=8 -A IWG_CC_PING_INTERVAL=1 -A IWG_CC_FAILOVER_TIMEOUT=1 -A IWG_FR_TIMER=2000
	-A IWG_HDRMED_DISCOVERY=1)
verto_stack_start verto-13-cc-routing || exit 1

# "FLAGS" of a dispatcher target in set SET (kamcmd dispatcher.list)
ds_flags() {
	$IWG_KAMCMD dispatcher.list | awk -v set="$1" -v uri="$2" '
		/ID:/ { cur = $2 }
		/URI:/ { hit = (cur == set && $2 == uri) }
		hit && /FLAGS:/ { print $2; exit }'
}
ds_down() { [[ $(ds_flags "$1" "$2") == I* ]]; }

if wait_until 10 ds_down 3 sip:127.0.0.1:5093; then
	tap_ok "a target that never answers OPTIONS is marked down by probing"
else
	tap_fail "a target that never answers OPTIONS is marked down by probing" \
		"flags '$(ds_flags 3 sip:127.0.0.1:5093)'; $($IWG_KAMCMD dispatcher.list 2>&1 | head -40)"
fi

verto_node "$here/routing.mjs" "$VERTO_URL" "$top/tests/integration/verto/sipp"

flags=$(ds_flags 1 sip:127.0.0.1:5090)
if [[ $flags == I* ]]; then
	tap_ok "the target that answered 503 is shown down (dispatcher.list)"
else
	tap_fail "the target that answered 503 is shown down (dispatcher.list)" "flags '$flags'"
fi
peer() { $IWG_KAMCMD htable.get peerfail "$1" 2>/dev/null | awk '/value:/ { print $2 }'; }
got="$(peer 'sip:127.0.0.1:5090::count') $(peer 'sip:127.0.0.1:5090::last')"
if [[ $got == "1 503" ]]; then
	tap_ok "the 503 is recorded once for the REST API (htable peerfail), the next call skipped it"
else
	tap_fail "the 503 is recorded once for the REST API (htable peerfail), the next call skipped it" "got '$got'"
fi
got="$(peer 'sip:127.0.0.1:5095::count') $(peer 'sip:127.0.0.1:5095::last')"
if [[ $got == "1 408" ]]; then
	tap_ok "the silent target's timeout is recorded as 408"
else
	tap_fail "the silent target's timeout is recorded as 408" "got '$got'"
fi
if [ -z "$(peer 'sip:127.0.0.1:5093::count')" ]; then
	tap_ok "the probed-dead target failed no call (skipped, not tried)"
else
	tap_fail "the probed-dead target failed no call (skipped, not tried)" "count $(peer 'sip:127.0.0.1:5093::count')"
fi
# the late 200s of the entry point failed over from (routing.mjs 8): two
# ACKed, hung up and counted (counters are published about once a second),
# three ignored
verto_stat() { $IWG_KAMCMD stats.get_statistics verto: 2>&1 | sed -n "s/.*verto:$1 = \\([0-9]*\\).*/\\1/p"; }
other_2xx_is() { [ "$(verto_stat other_2xx)" = "$1" ]; }
if wait_until 5 other_2xx_is 2 && [ "$(verto_stat other_2xx_ignored)" = 3 ]; then
	tap_ok "two late 200s of other dialogs are ACKed and hung up, three ignored (stats verto:other_2xx 2, other_2xx_ignored 3)"
else
	tap_fail "two late 200s of other dialogs are ACKed and hung up, three ignored (stats verto:other_2xx 2, other_2xx_ignored 3)" \
		"got '$(verto_stat other_2xx)' and '$(verto_stat other_2xx_ignored)'; $($IWG_KAMCMD stats.get_statistics verto: 2>&1 | head -40)"
fi
rules=$($IWG_KAMCMD ccroute.list 2>&1)
if grep -A8 'billing-fr' <<<"$rules" | grep >/dev/null -E 'hits:[[:space:]]*1$'; then
	tap_ok "ccroute.list shows the billing rule's hit"
else
	tap_fail "ccroute.list shows the billing rule's hit" "$(grep -A9 billing-fr <<<"$rules")"
fi
# header mediation of what the contact center sends ([in] rules) and the
# discovery of headers no RFC knows
disc=$($IWG_KAMCMD hdrmed.discovered contact-center 2>&1)
if grep -A8 'X-Acd-Trace' <<<"$disc" | grep >/dev/null -E 'unknown: *1'; then
	tap_ok "discovery: X-Acd-Trace from the contact center is listed as unknown (hdrmed.discovered)"
else
	tap_fail "discovery: X-Acd-Trace from the contact center is listed as unknown (hdrmed.discovered)" "$(head -60 <<<"$disc")"
fi
stats=$($IWG_KAMCMD hdrmed.stats contact-center 2>&1)
if grep -B3 -A3 'remove X-Genesys-CallUUID' <<<"$stats" | grep >/dev/null -E 'hits: *[1-9]'; then
	tap_ok "the [in] rule removing X-Genesys-CallUUID acted on the contact center's replies (hdrmed.stats)"
else
	tap_fail "the [in] rule removing X-Genesys-CallUUID acted on the contact center's replies (hdrmed.stats)" \
		"$(grep -B3 -A3 'X-Genesys' <<<"$stats")"
fi
tap_check "kamailio still running (log: $IWG_LOGDIR/kamailio.log)" \
	kill -0 "$(cat "$IWG_RUN/kamailio.pid")"
tap_done
