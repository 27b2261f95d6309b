#!/usr/bin/env bash
# hdrmed.reload under load loses no message and switches rules atomically;
# a bad rule file is refused with file:line and the old rules keep working;
# hdrmed.check validates without loading.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
hd_init reload
prof=$top/kamcfg/hdrmed
live=$run/live.rules

# live.rules VERSION: the profile adds X-Rules: VERSION to replies
write_rules() {
	printf '# reload test, version %s\n[in]\nadd X-Rules %s\n' "$1" "$1" >"$live.tmp" &&
		mv "$live.tmp" "$live"
}
write_rules v1
hd_kamailio "live=$live" "ims-volte=$prof/ims-volte.rules" \
	"contact-center=$prof/contact-center.rules" ||
	{ tap_fail "kamailio with profile live starts" "see $logs"; exit 1; }

hd_uas uas uas-options.xml
# 600 OPTIONS at 200/s while the rules are reloaded again and again
hd_uac uac-load uac-options.xml -m 600 -r 200 -l 100 -trace_logs \
	-log_file "$logs/uac-load.versions" &
uac=$!
reloads=0 bad_reloads=0
while kill -0 "$uac" 2>/dev/null; do
	write_rules "v$((reloads % 2 + 1))"
	if $KAMCMD hdrmed.reload live >>"$logs/reloads.log" 2>&1; then
		reloads=$((reloads + 1))
	else
		bad_reloads=$((bad_reloads + 1))
	fi
done
wait "$uac"
rc=$?
if [ "$rc" = 0 ] && [ "$reloads" -ge 2 ] && [ "$bad_reloads" = 0 ]; then
	tap_ok "600 OPTIONS during $reloads reloads: every one answered and mediated"
else
	tap_fail "600 OPTIONS during reloads: every one answered and mediated" \
		"sipp exit $rc (log $logs/uac-load.log, $logs/uac-load.err), $reloads reloads, $bad_reloads failed ($logs/reloads.log), kamailio log $logs/kamailio.log"
fi
seen=$(grep -o 'rules=v[0-9]*' "$logs/uac-load.versions" | sort | uniq -c | tr '\n' ' ')
if grep -q 'rules=v1' "$logs/uac-load.versions" && grep -q 'rules=v2' "$logs/uac-load.versions"; then
	tap_ok "replies were mediated by both rule versions during the load ($seen)"
else
	tap_fail "replies were mediated by both rule versions during the load" \
		"seen: $seen (log $logs/uac-load.versions)"
fi

write_rules v7
$KAMCMD hdrmed.reload live >/dev/null 2>&1
printf 'add X-Ok 1\nadd X-Broken\n' >"$live"
out=$($KAMCMD hdrmed.reload live 2>&1)
if grep -q "live.rules:2: add takes HEADER VALUE" <<<"$out"; then
	tap_ok "a bad reload is refused with file:line and the reason"
else
	tap_fail "a bad reload is refused with file:line and the reason" "kamcmd said: $out"
fi
hd_uac uac-after uac-options.xml -m 20 -r 100 -trace_logs -log_file "$logs/uac-after.versions"
rc=$?
n=$(grep -c 'rules=v7' "$logs/uac-after.versions")
if [ "$rc" = 0 ] && [ "$n" = 20 ]; then
	tap_ok "after the bad reload the previous rules still mediate every message"
else
	tap_fail "after the bad reload the previous rules still mediate every message" \
		"sipp exit $rc, $n of 20 replies had X-Rules: v7 ($logs/uac-after.versions)"
fi

out=$($KAMCMD hdrmed.check "$live" 2>&1)
tap_check "hdrmed.check reports file:line of a bad file" grep -q "live.rules:2: add takes" <<<"$out"
out=$($KAMCMD hdrmed.check "$prof/ims-volte.rules" 2>&1)
tap_check "hdrmed.check accepts a shipped profile without loading it" grep -q "rules:" <<<"$out"
out=$($KAMCMD hdrmed.reload nosuch 2>&1)
tap_check "hdrmed.reload of an unknown profile is a clear error" grep -q "no profile nosuch" <<<"$out"
tap_done
