#!/usr/bin/env bash
# Each shipped profile (ims-volte, ims-rcs, contact-center) mediates a call
# through kamailio: SIPp checks the mediated request and reply headers with
# regular expressions; then discovery and the hit counters are read by RPC.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
hd_init profiles
prof=$top/kamcfg/hdrmed

hd_kamailio "ims-volte=$prof/ims-volte.rules" "ims-rcs=$prof/ims-rcs.rules" \
	"contact-center=$prof/contact-center.rules" ||
	{ tap_fail "kamailio with iwg_hdrmed and the shipped profiles starts" "see $logs"; exit 1; }
tap_ok "kamailio with iwg_hdrmed and the shipped profiles starts"

# profile, what the 200 must look like on its way back to the browser (the
# UAS sent P-Charging-Vector, P-Charging-Function-Addresses and
# X-Genesys-CallUUID; the UAC logs which of them arrived)
for case in "ims-volte pcv= pcfa= genesys=X-Genesys-CallUUID:" \
	"ims-rcs pcv= pcfa= genesys=X-Genesys-CallUUID:" \
	"contact-center pcv=P-Charging-Vector: pcfa=P-Charging-Function-Addresses: genesys="; do
	set -- $case
	hd_uas "uas-$1" "uas-$1.xml" -m 1
	hd_uac "uac-$1" uac-call.xml -m 1 -key profile "$1" -trace_logs \
		-log_file "$logs/uac-$1.reply"
	uac=$?
	want="reply $2 $3 $4 end"
	[ "$uac" = 0 ] && ! grep -Fqx "$want" "$logs/uac-$1.reply" &&
		uac="the 200 OK is not mediated: want '$want' in $logs/uac-$1.reply"
	wait_until 10 eval "! kill -0 $UAS_PID"
	wait "$UAS_PID" 2>/dev/null
	uas=$?
	if [ "$uac" = 0 ] && [ "$uas" = 0 ]; then
		tap_ok "$1: request and reply headers are mediated as the profile says"
	else
		tap_fail "$1: request and reply headers are mediated as the profile says" \
			"uac exit $uac (log $logs/uac-$1.log, $logs/uac-$1.err), uas exit $uas (log $logs/uas-$1.log, $logs/uas-$1.err), kamailio log $logs/kamailio.log"
		hd_stop "$UAS_PID"
	fi
done

out=$($KAMCMD hdrmed.discovered ims-volte 2>&1)
echo "$out" >"$logs/discovered.txt"
# the X-PaaS-User header is unknown; the caller number sample is masked
if grep -A6 'header: X-PaaS-User' <<<"$out" | grep >/dev/null 'unknown: 1' &&
	grep -q 'sample: +xxxxxxxxxx' <<<"$out" &&
	grep -q 'name: +sip.instance' <<<"$out"; then
	tap_ok "hdrmed.discovered lists unknown headers, parameters and masked samples"
else
	tap_fail "hdrmed.discovered lists unknown headers, parameters and masked samples" \
		"see $logs/discovered.txt"
fi
$KAMCMD hdrmed.discovered_reset ims-volte >/dev/null 2>&1
tap_check "hdrmed.discovered_reset clears the table" \
	bash -c "! $KAMCMD hdrmed.discovered ims-volte | grep >/dev/null 'header: X-PaaS-User'"

out=$($KAMCMD hdrmed.stats ims-volte 2>&1)
echo "$out" >"$logs/stats.txt"
if grep -B2 -A1 'rule: mask-ua "iwg"' <<<"$out" | grep >/dev/null -E 'hits: [1-9]'; then
	tap_ok "hdrmed.stats counts rule hits"
else
	tap_fail "hdrmed.stats counts rule hits" "see $logs/stats.txt"
fi
tap_done
