#!/usr/bin/env bash
# RFC 4475 torture messages against the running gateway.
set -uo pipefail
top=${IWG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/stack.sh"
corpus=$top/tests/corpus/rfc4475

stack_init rfc4475
stack_start || { tap_fail "gateway stack starts" "see $IWG_LOGDIR"; exit 1; }
if [ ! -f "$corpus/INDEX.tsv" ]; then
	tap_fail "RFC 4475 corpus present" "no INDEX.tsv in $corpus"
	exit 1
fi

ping_gateway() {
	sipp "$IWG_SIP_ADDR" -sf "$top/tests/integration/gateway/sipp/options-ping.xml" \
		-i 127.0.0.1 -p 15061 -cp 18881 -m 1 -timeout 5s -timeout_error \
		-nostdin >>"$IWG_LOGDIR/sipp-ping.log" 2>&1 </dev/null
}
stat() {
	$IWG_KAMCMD stats.get_statistics "$1" 2>/dev/null |
		sed -n "s/.*$1 = \([0-9]*\).*/\1/p"
}

tap_check "gateway answers OPTIONS before the torture" ping_gateway
while IFS=$'\t' read -r section file; do
	case $section in '#'* | '') continue ;; esac
	# one datagram per message, bytes exactly as stored
	cat "$corpus/$file" >/dev/udp/127.0.0.1/5060
	if ping_gateway; then
		tap_ok "gateway alive after $file (RFC 4475 $section)"
	else
		tap_fail "gateway alive after $file (RFC 4475 $section)" \
			"no 200 to OPTIONS after sending $file; logs: $IWG_LOGDIR/kamailio.log, $IWG_LOGDIR/sipp-ping.log"
	fi
done <"$corpus/INDEX.tsv"

tap_eq "no torture request was relayed (core:fwd_requests)" 0 "$(stat fwd_requests)"
tap_eq "no torture reply was relayed (core:fwd_replies)" 0 "$(stat fwd_replies)"
tap_done
