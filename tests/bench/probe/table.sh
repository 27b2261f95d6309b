#!/usr/bin/env bash
# make bench, iwg-probe part: print one table of every probe figure from
# the JSON that media.sh and signaling.sh wrote under $IWG_BUILD/bench/
# (a part that did not run shows as "not measured"). docs/benchmarks.md
# says how to read it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
dir=${IWG_BUILD:-$top/build}/bench
media=$dir/probe-media.json
sig=$dir/probe-signaling.json

# row FIGURE VALUE NOTE
row() { printf '%-56s %8s  %s\n' "$1" "$2" "$3"; }

echo "iwg-probe benchmarks ($(nproc) CPUs; JSON in $dir)"
row "figure" "value" "note"
row "--------------------------------------------------------" "--------" "----"
if [ -s "$media" ]; then
	jq -r '.paths[] | [
		"media: DTLS-SRTP calls under 0.5 % loss, \(.path)",
		(.max_calls_under_0_5pct_loss | tostring),
		"\(.browser_codec) <-> \(.sip_codec); lowest failure: \(if .first_fail
			then "\(.first_fail.calls) calls, \(.first_fail.excess_loss_pct * 100 | round / 100) % lost"
			else "none" end); rtpengine CPU \(if .last_pass
			then "\(.last_pass.rtpengine_cpu_s) s" else "-" end) at the pass"] | @tsv' "$media"
	jq -r '["media: DTLS-SRTP setups per second",
		(.dtls_setup.setups_per_s | tostring),
		"\(.dtls_setup.completed)/\(.dtls_setup.calls) calls, DTLS p50 \(.dtls_setup.dtls_ms.p50) ms"] | @tsv' "$media"
else
	printf '%s\t%s\t%s\n' "media" "-" "not measured ($media missing)"
fi | while IFS=$'\t' read -r f v n; do row "$f" "$v" "$n"; done

if [ -s "$sig" ]; then
	jq -r '. as $d | ["stock-udp", "iwg-udp-to-wss-1conn", "iwg-ws", "iwg-wss",
		"iwg-wss-resumed", "iwg-wss-1conn", "webrtc-wss", "webrtc-wss-1conn"][]
	| . as $k | $d.configs[$k] // empty | [
		"signaling: Kamailio CPU ms per call, \($k)",
		(.ms_per_call * 1000 | round / 1000 | tostring),
		"spread \(.ms_per_call_spread * 100 | round) %; \([[["kam/UAS", .kam_over_uas, .kam_over_uas_spread],
			["kam/UAC", .kam_over_uac, .kam_over_uac_spread]][]
			| select(.[1] > 0) | "\(.[0]) \(.[1] * 100 | round / 100) (\(.[2] * 100 | round) %)"] | join(", ")); failed \(.failed_calls)"]
	| @tsv' "$sig"
	jq -r '(.ratios | to_entries[] | [
		"signaling: \(.key | sub("_over_"; " / ") | gsub("_"; " ")), normalised",
		(.value.normalised * 100 | round / 100 | tostring),
		"raw \(.value.raw * 100 | round / 100); normalised by \(.value.by | sub("kam_over_"; "kam/"))"]),
	  (.reconnect | ["signaling: wss reconnect, Kamailio CPU ms per connection",
		"\(.full_ms_per_connection * 1000 | round / 1000)",
		"full handshake (iwg-wss - iwg-wss-1conn); resumed \(.resumed_ms_per_connection * 1000 | round / 1000) ms, resumed/full \(.resumed_over_full.normalised * 100 | round / 100) normalised (raw \(.resumed_over_full.raw * 100 | round / 100)); \(.resumed_connections) connections resumed"]),
	  (.callgrind // empty | ["signaling: instructions per call, iwg / stock WebRTC",
		"\(.iwg_over_webrtc * 1000 | round / 1000)",
		"\(.iwg_instructions_per_call / 1e6 * 100 | round / 100) M against \(.webrtc_instructions_per_call / 1e6 * 100 | round / 100) M (callgrind, \(.calls) calls, \(.transport))"]),
	  (.callgrind.reconnect // empty | ["signaling: instructions per wss reconnect, resumed / full",
		"\(.resumed_over_full * 1000 | round / 1000)",
		"\(.resumed_instructions_per_connection / 1e6 * 100 | round / 100) M against \(.full_instructions_per_connection / 1e6 * 100 | round / 100) M per connection (callgrind, the gateway)"]),
	  ["signaling: calls per configuration and round", (.calls | tostring),
	   "at \(.rate_cps)/s, \(.rounds) rounds alternating"] | @tsv' "$sig"
else
	printf '%s\t%s\t%s\n' "signaling" "-" "not measured ($sig missing)"
fi | while IFS=$'\t' read -r f v n; do row "$f" "$v" "$n"; done
