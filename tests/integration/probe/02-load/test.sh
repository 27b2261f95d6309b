#!/usr/bin/env bash
# iwg-probe load mode through the whole gateway: 10 calls ramped at 20
# calls/s, 2 s of media each, all to the SIPp echo peer. The summary line
# must account for every call (completed, none failed, echoes intact) and
# SIPp must have completed as many calls. Correctness only: the figures of
# capacity belong to make bench (tests/bench/probe/).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
probe_test_start integration-probe-02-load

calls=10

(cd "$logs" && exec sipp -sf "$here/../sipp/echo-uas.xml" -i 127.0.0.1 \
	-p 5090 -mp 40000 -rtp_echo -cp 8893 -m "$calls" -nostdin -timeout 60 \
	-trace_err -error_file sipp-errors.log) >"$logs/sipp.log" 2>&1 &
sipp_pid=$!
wait_until 10 udp_bound 5090 || tap_fail "SIPp echo peer listens" "see $logs/sipp.log"

"${probe[@]}" --ws "$IWG_WS_URL" --calls "$calls" --rate 20 --duration 2 --echo \
	--per-call >"$logs/probe.jsonl" 2>"$logs/probe.err"
tap_eq "probe load run exits 0 (see $logs/probe.jsonl, probe.err)" 0 "$?"
tail -1 "$logs/probe.jsonl" >"$logs/summary.json"
if jq -e --argjson n "$calls" '.mode == "load" and .calls == $n and
	.completed == $n and .failed == 0 and .passed == $n and
	.echo_mismatch == 0 and .peak_concurrent > 1 and .sent > 0' \
	"$logs/summary.json" >/dev/null 2>&1; then
	tap_ok "summary: $calls calls completed, none failed, echoes intact, calls overlapped"
else
	tap_fail "summary: $calls calls completed, none failed, echoes intact, calls overlapped" \
		"summary: $(cat "$logs/summary.json")"
fi
per_call=$(grep -c '"call":' "$logs/probe.jsonl")
tap_eq "one JSON line per call" "$calls" "$per_call"
ids=$(jq -r 'select(.call_id) | .call_id' "$logs/probe.jsonl" | sort -u | wc -l)
tap_eq "every call had its own Call-ID" "$calls" "$ids"

sipp_finished "SIPp completed all $calls calls (exit 0; $logs/sipp.log)"
tap_done
