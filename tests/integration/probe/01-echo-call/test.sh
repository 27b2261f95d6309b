#!/usr/bin/env bash
# iwg-probe through the whole gateway: the probe calls a user that is not
# registered, so Kamailio routes the call to the SIP peer on 127.0.0.1:5090,
# a SIPp UAS that echoes RTP. Checked from three sides:
#   - the probe: exit status and its JSON line (ICE, DTLS-SRTP, every echoed
#     payload equal to the one sent, loss within 0.5 %);
#   - rtpengine: an NG query during the call shows DTLS-SRTP with a verified
#     fingerprint on the browser leg and packets on both legs;
#   - SIPp: all three calls (ws, wss with REGISTER, ws with Opus that the
#     gateway transcodes to PCMA) completed, with the probe's Call-IDs in
#     its trace.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
probe_test_start integration-probe-01-echo-call
scenario=$here/../sipp/echo-uas.xml

(cd "$logs" && exec sipp -sf "$scenario" -i 127.0.0.1 -p 5090 -mp 40000 \
	-rtp_echo -cp 8892 -m 3 -nostdin -timeout 60 -trace_msg -trace_err \
	-trace_stat -fd 1 -message_file sipp-messages.log \
	-error_file sipp-errors.log -stf sipp-stats.csv) >"$logs/sipp.log" 2>&1 &
sipp_pid=$!
if wait_until 10 udp_bound 5090; then
	tap_ok "SIPp echo peer listens on 5090"
else
	tap_fail "SIPp echo peer listens on 5090" "see $logs/sipp.log"
fi

# stream_packets CALLID PROTO: packets rtpengine counted on the RTP stream
# of the leg using PROTO
stream_packets() {
	"$IWG_NG_BIN" query "$1" 2>/dev/null | jq -r --arg p "$2" \
		'[.tags[].medias[] | select(.protocol == $p) | .streams[0].stats.packets] | max // 0'
}

# --- call 1: ws://, no registration, rtpengine queried mid-call ---------
"${probe[@]}" --ws "$IWG_WS_URL" --to echo --echo --duration 3 --timeout 10 \
	>"$logs/probe-ws.json" 2>"$logs/probe-ws.err" &
probe_pid=$!
ng_call_check "rtpengine counts packets on the DTLS-SRTP leg and the RTP leg" \
	'[ "$(stream_packets "$cid" UDP/TLS/RTP/SAVPF)" -gt 0 ] && [ "$(stream_packets "$cid" RTP/AVP)" -gt 0 ]'
"$IWG_NG_BIN" query "$cid" >"$logs/ng-query.json" 2>&1
jq_ok "browser leg: DTLS-SRTP AES_CM_128_HMAC_SHA1_80, fingerprint verified, ICE" \
	'[.tags[].medias[] | select(.protocol == "UDP/TLS/RTP/SAVPF") | .streams[0]
	  | select(."crypto suite" == "AES_CM_128_HMAC_SHA1_80")
	  | select(.flags | index("DTLS fingerprint verified"))
	  | select(.flags | index("ICE"))] | length == 1' "$logs/ng-query.json"
wait "$probe_pid"
rc=$?
probe_pid=
tap_eq "probe over ws exits 0 (see $logs/probe-ws.json, probe-ws.err)" 0 "$rc"
jq_ok "probe over ws: call ok, ICE and DTLS done, every echoed payload matches" \
	'.result == "ok" and .sip_status == 200 and .dtls_ms >= 0 and .sent > 0
	 and .echo_match > 0 and .echo_mismatch == 0 and .srtp_errors == 0
	 and .loss_pct <= 0.5' "$logs/probe-ws.json"
tap_eq "the call rtpengine saw is the probe's call" \
	"$(jq -r .call_id "$logs/probe-ws.json" 2>/dev/null)" "$cid"

# --- call 2: wss:// with REGISTER first ---------------------------------
"${probe[@]}" --ws "$IWG_WSS_URL" --register --to echo --echo --duration 2 \
	--timeout 10 >"$logs/probe-wss.json" 2>"$logs/probe-wss.err"
tap_eq "probe over wss with REGISTER exits 0 (see $logs/probe-wss.json)" 0 "$?"
jq_ok "probe over wss: every echoed payload matches" \
	'.result == "ok" and .echo_match > 0 and .echo_mismatch == 0' \
	"$logs/probe-wss.json"

# --- call 3: Opus, as a browser sends: the gateway transcodes to PCMA ----
# (browser-offer-to-sip), so the bytes that return are rtpengine's own
# encoding; the probe decodes them and checks its tone. The transcoders
# swallow about 2 frames of a call, hence the loss limit.
"${probe[@]}" --ws "$IWG_WS_URL" --codec opus --to echo --echo --duration 2 \
	--max-loss 5 --timeout 10 >"$logs/probe-opus.json" 2>"$logs/probe-opus.err"
tap_eq "probe with Opus exits 0 (see $logs/probe-opus.json)" 0 "$?"
tone_echo_ok "probe with Opus: its tone comes back through Opus->PCMA->Opus" \
	"$logs/probe-opus.json"

# --- the SIP peer's side -------------------------------------------------
sipp_finished "SIPp completed the three calls (exit 0; $logs/sipp.log, sipp-errors.log)"
for f in probe-ws probe-wss probe-opus; do
	sipp_got_call "$f"
done

# --- a failure is reported, not hidden ------------------------------------
probe_fails "an unreachable gateway gives exit 1 and a reason" connect \
	probe-refused.json --ws ws://127.0.0.1:1 --timeout 2

tap_done
