#!/usr/bin/env bash
# iwg-probe in answer mode (SIP -> browser): the probe registers as alice
# over ws:// and waits; a SIPp phone calls alice over UDP with PCMA. The
# gateway's sip-offer-to-browser profile offers the browser Opus only, so
# the probe must answer Opus; rtpengine transcodes Opus <-> PCMA and SIPp
# echoes the RTP, so the probe hears its own tone back. Checked from both
# ends: the probe's JSON (Opus, ICE, DTLS-SRTP, tone echo) and SIPp's trace
# (PCMA answer, the same Call-ID, the browser's BYE answered).
# Then three calls to one registered connection (--one-connection).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
probe_test_start integration-probe-03-answer

# transcoders swallow about 2 frames of a call (start and hang-up), 1.3 %
# of a 3 s call: loss up to 5 % passes here, correctness is the echo
"${probe[@]}" --ws "$IWG_WS_URL" --answer --from alice --echo --duration 3 \
	--max-loss 5 --timeout 20 >"$logs/probe.json" 2>"$logs/probe.err" &
probe_pid=$!
if wait_until 10 eval "$IWG_KAMCMD ul.lookup location alice | grep >/dev/null 'alice.*invalid'"; then
	tap_ok "the probe registered alice over ws://"
else
	tap_fail "the probe registered alice over ws://" \
		"no contact for alice: $($IWG_KAMCMD ul.lookup location alice 2>&1 | head -5) ($logs/probe.err, kamailio.log)"
fi

(cd "$logs" && exec sipp -sf "$here/uac.xml" 127.0.0.1:5060 -s alice \
	-i 127.0.0.1 -p 5061 -mp 40000 -rtp_echo -m 1 -cp 8897 -nostdin \
	-timeout 60 -trace_msg -trace_err -message_file sipp-messages.log \
	-error_file sipp-errors.log) >"$logs/sipp.log" 2>&1 &
sipp_pid=$!

wait "$probe_pid"
rc=$?
probe_pid=
tap_eq "probe in answer mode exits 0 (see $logs/probe.json, probe.err)" 0 "$rc"
jq_ok "the probe answered with Opus, the gateway's only offer to browsers" \
	'.codec == "opus" and .result == "ok"' "$logs/probe.json"
jq_ok "ICE and DTLS-SRTP came up, no SRTP errors" \
	'.ice_ms >= 0 and .dtls_ms >= 0 and .srtp_errors == 0' "$logs/probe.json"
tone_echo_ok "its tone came back through Opus->PCMA->Opus (echo check)" \
	"$logs/probe.json"

sipp_finished "SIPp's call completed: 200, ACK, the browser's BYE answered (exit 0; $logs/sipp.log, sipp-errors.log)"

# the 200 OK SIPp received: rtpengine turned the probe's Opus answer into PCMA
ok200=$(awk '/^SIP\/2.0 200 OK/ { grab = 1 } grab { print } grab && /^a=sendrecv|^a=rtcp/ { exit }' \
	"$logs/sipp-messages.log" 2>/dev/null)
if grep -q 'PCMA/8000' <<<"$ok200" && ! grep -qi 'opus' <<<"$ok200"; then
	tap_ok "SIPp got a PCMA answer (rtpengine transcodes the browser's Opus)"
else
	tap_fail "SIPp got a PCMA answer (rtpengine transcodes the browser's Opus)" \
		"200 OK seen by SIPp: $(head -c 1200 <<<"$ok200") ($logs/sipp-messages.log)"
fi
id=$(jq -r .call_id "$logs/probe.json" 2>/dev/null)
if [ -n "$id" ] && grep -q "Call-ID: $id" "$logs/sipp-messages.log" 2>/dev/null; then
	tap_ok "the probe's call is SIPp's call ($id)"
else
	tap_fail "the probe's call is SIPp's call" "Call-ID '$id' not in $logs/sipp-messages.log"
fi

# --- three calls to one registered WebSocket, as a browser tab takes them -
# --one-connection --answer: one REGISTER, one contact, the INVITEs handed
# to the waiting calls by Call-ID on the shared connection
"${probe[@]}" --ws "$IWG_WS_URL" --answer --one-connection --from bob \
	--calls 3 --rate 10 --echo --duration 2 --max-loss 5 --timeout 20 \
	>"$logs/probe-line.json" 2>"$logs/probe-line.err" &
probe_pid=$!
wait_until 10 eval "$IWG_KAMCMD ul.lookup location bob | grep >/dev/null 'bob.*invalid'" ||
	tap_fail "the line registered bob" "$(cat "$logs/probe-line.err")"
(cd "$logs" && exec sipp -sf "$here/uac.xml" 127.0.0.1:5060 -s bob \
	-i 127.0.0.1 -p 5061 -mp 40000 -rtp_echo -m 3 -l 3 -r 3 -cp 8897 \
	-nostdin -timeout 60 -trace_msg -trace_err \
	-message_file sipp-line-messages.log -error_file sipp-line-errors.log) \
	>"$logs/sipp-line.log" 2>&1 &
sipp_pid=$!
# while the calls run, bob has one contact: every call rides one connection
calls_up() { [ "$(grep -c '^ACK ' "$logs/sipp-line-messages.log" 2>/dev/null)" -ge 3 ]; }
wait_until 20 calls_up
tap_eq "three calls up at once, one contact for bob (one connection)" 1 \
	"$($IWG_KAMCMD ul.lookup location bob 2>/dev/null | grep -c 'Contact:')"
wait "$probe_pid"
rc=$?
probe_pid=
tap_eq "the one-connection answer probe exits 0 (see $logs/probe-line.json, probe-line.err)" 0 "$rc"
# passed: each call's tone came back (echo check, within the transcoders'
# allowance of mismatched frames) under --max-loss
jq_ok "its summary: 3 calls completed and passed the echo check, no unparsable SIP" \
	'.completed == 3 and .failed == 0 and .passed == 3 and .unparsable_sip == 0' \
	"$logs/probe-line.json"
sipp_finished "SIPp's three calls completed ($logs/sipp-line.log, sipp-line-errors.log)"
tap_eq "SIPp's three INVITEs were three dialogs" 3 \
	"$(grep -E '^Call-ID:' "$logs/sipp-line-messages.log" | sort -u | wc -l)"

# --- a failure is reported: nobody calls ---------------------------------
probe_fails "an answer probe nobody calls gives exit 1 and a timeout reason" \
	timeout probe-nocall.json --ws "$IWG_WS_URL" --answer --from bob --timeout 1

tap_done
