#!/usr/bin/env bash
# The shipped media profile variants toward SIP peers, each with a real call
# of iwg-probe (Opus or PCMA over DTLS-SRTP, as a browser) through the
# gateway to a peer that speaks one codec:
#   - a PCMU-only peer (browser-offer-to-sip-g711), a G.722-only peer
#     (browser-offer-to-sip-wideband) and an AMR-NB-only peer (the IMS voice
#     codecs of ims-profiles.conf): the peer is offered the variant's list,
#     rtpengine's NG query shows Opus on the browser leg and the peer's
#     codec on the SIP leg, and the probe's tone comes back through the
#     transcoders (SIPp echoes the RTP); the PCMU and G.722 peers once more
#     with headless Chromium (JsSIP) calling: audio both ways in its
#     getStats (browser-call.mjs);
#   - an SDES-SRTP peer (browser-offer-to-sip-sdes; a Node peer that
#     decrypts with the offer's a=crypto key and echoes with its own): the
#     SIP leg is RTP/SAVP with one AES_CM_128_HMAC_SHA1_80 crypto line, the
#     browser leg stays DTLS-SRTP, every packet authenticates at the peer and
#     every echoed PCMA frame comes back byte for byte.
# The cfg runs with MP_BROWSER_OFFER given on the command line (--substdef,
# which site.cfg's default gives way to) as "test-offer", a profile of the
# run's copy of the profile file that points at the variant under test and
# is switched with media.reload between calls. The default profile's flags
# are checked unchanged.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

profiles=
probe_before_start() {
	profiles=$IWG_RUN/media-profiles.conf
	mkdir -p "$IWG_RUN"
	{
		cat "$top/rtpengine-ext/profiles/media-profiles.conf"
		# the IMS voice codecs as shipped (AMR-WB, AMR, PCMA, telephone-event)
		awk '/^\[ims-voice-codecs\]/ { p = 1; print; next } /^\[/ { p = 0 } p' \
			"$top/rtpengine-ext/profiles/ims-profiles.conf"
		printf '[offer-to-ims-codecs]\n@to-sip-rtp codec-mask-all @ims-voice-codecs @keep-opus\n'
		printf '[test-offer]\n@browser-offer-to-sip-g711\n'
	} >"$profiles"
	IWG_PROFILES=$profiles
	IWG_KAM_EXTRA=(--substdef='!MP_BROWSER_OFFER!test-offer!g')
}
probe_test_start integration-probe-04-media-profiles
scenario=$here/../sipp/codec-uas.xml

default_flags="ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off replace-origin replace-session-connection codec-mask-all codec-transcode-PCMA codec-transcode-telephone-event codec-accept-opus codec-accept-telephone-event"
out=$($IWG_KAMCMD media.show browser-offer-to-sip 2>&1)
if grep -qE "flags: $default_flags\$" <<<"$out"; then
	tap_ok "the default offer toward SIP is unchanged (PCMA, telephone-event, plain RTP)"
else
	tap_fail "the default offer toward SIP is unchanged (PCMA, telephone-event, plain RTP)" "$out"
fi

# use_variant PROFILE: test-offer points at PROFILE from the next call on
use_variant() {
	sed -i "/^\[test-offer\]/,\$d" "$profiles"
	printf '[test-offer]\n@%s\n' "$1" >>"$profiles"
	if $IWG_KAMCMD media.reload >"$logs/reload-$1.log" 2>&1 &&
		$IWG_KAMCMD media.show test-offer 2>/dev/null | grep >/dev/null "$2"; then
		tap_ok "media.reload: test-offer is now $1"
	else
		tap_fail "media.reload: test-offer is now $1" "$(cat "$logs/reload-$1.log")"
	fi
}

# leg_codec CALLID PROTO: the codec rtpengine saw on the leg using PROTO
leg_codec() {
	"$IWG_NG_BIN" query "$1" 2>/dev/null | jq -r --arg p "$2" \
		'[.tags[].medias[] | select(.protocol == $p) | .codec // empty] | first // ""'
}

# codec_call NAME PT RTPMAP ATTR SIP_CODEC OFFER_RE [chromium]: a call to a
# SIPp peer answering only RTPMAP; its offer must match OFFER_RE (m= line).
# The caller is iwg-probe (its tone must come back), or with "chromium"
# headless Chromium with JsSIP (browser-call.mjs: audio both ways)
codec_call() {
	local name=$1 pt=$2 rtpmap=$3 attr=$4 want=$5 offer_re=$6 browser=${7:-} cid rc
	(cd "$logs" && exec sipp -sf "$scenario" -i 127.0.0.1 -p 5090 -mp 40000 \
		-rtp_echo -cp 8894 -m 1 -nostdin -timeout 30 -key pt "$pt" \
		-key rtpmap "$rtpmap" -key attr "$attr" -trace_msg -trace_err \
		-message_file "sipp-$name.log" -error_file "sipp-$name-errors.log") \
		>"$logs/sipp-$name.out" 2>&1 &
	sipp_pid=$!
	wait_until 10 udp_bound 5090 || true
	if [ "$browser" = chromium ]; then
		node "$here/browser-call.mjs" "$logs" "$name" >"$logs/$name.json" 2>"$logs/$name.err" &
	else
		"${probe[@]}" --ws "$IWG_WS_URL" --codec opus --to echo --echo --duration 2 \
			--max-loss 5 --timeout 10 >"$logs/probe-$name.json" 2>"$logs/probe-$name.err" &
	fi
	probe_pid=$!
	ng_call_check "$name: rtpengine has opus on the browser leg, $want on the SIP leg" \
		'[ "$(leg_codec "$cid" RTP/AVP)" = "$want" ] && [ "$(leg_codec "$cid" UDP/TLS/RTP/SAVPF)" = opus/48000/2 ]'
	wait "$probe_pid"
	rc=$?
	probe_pid=
	if [ "$browser" = chromium ]; then
		tap_eq "$name: Chromium's call ends well (see $logs/$name.json, $name.err, browser-$name.log)" 0 "$rc"
		jq_ok "$name: Chromium sends Opus over DTLS-SRTP and gets the echo back through Opus->$want->Opus" \
			'.result == "ok" and .stats.dtlsState == "connected" and (.stats.audioCodec | test("opus"; "i"))
			 and .stats.outboundPackets >= 50 and .stats.inboundPackets >= 50' "$logs/$name.json"
	else
		tap_eq "$name: probe exits 0 (see $logs/probe-$name.json, probe-$name.err)" 0 "$rc"
		tone_echo_ok "$name: the tone comes back through Opus->$want->Opus" "$logs/probe-$name.json"
	fi
	sipp_finished "$name: SIPp's call completed (sipp-$name.out, sipp-$name-errors.log)"
	# no "tr | grep -q" under pipefail: grep -q leaves at the match and tr,
	# still flushing a log over 4 kB, dies of SIGPIPE (the pipeline fails)
	if grep -Eq "$offer_re" <(tr -d '\r' <"$logs/sipp-$name.log"); then
		tap_ok "$name: the peer was offered what the profile lists ($offer_re)"
	else
		tap_fail "$name: the peer was offered what the profile lists ($offer_re)" \
			"$(grep -m1 '^m=audio' "$logs/sipp-$name.log")"
	fi
}

# --- a PCMU-only peer: PCMA and PCMU offered, PCMU answered ---------------
codec_call pcmu 0 "0 PCMU/8000" "a=ptime:20" PCMU/8000 '^m=audio [0-9]+ RTP/AVP 8 0 [0-9 ]+$'
codec_call pcmu-chromium 0 "0 PCMU/8000" "a=ptime:20" PCMU/8000 '^m=audio [0-9]+ RTP/AVP 8 0 [0-9 ]+$' chromium

# --- a G.722-only peer: G.722 first, then G.711 ---------------------------
use_variant browser-offer-to-sip-wideband G722
codec_call g722 9 "9 G722/8000" "a=ptime:20" G722/8000 '^m=audio [0-9]+ RTP/AVP 9 8 0 [0-9 ]+$'
codec_call g722-chromium 9 "9 G722/8000" "a=ptime:20" G722/8000 '^m=audio [0-9]+ RTP/AVP 9 8 0 [0-9 ]+$' chromium

# --- an AMR-NB-only peer: the IMS list (AMR-WB, AMR, PCMA) ----------------
use_variant offer-to-ims-codecs AMR-WB
codec_call amr 97 "97 AMR/8000" "a=fmtp:97 mode-change-capability=2;max-red=0" \
	AMR/8000 '^m=audio [0-9]+ RTP/AVP 96 97 8 [0-9 ]+$'
if grep -q '^a=fmtp:97 mode-change-capability=2;max-red=0' "$logs/sipp-amr.log" &&
	grep -q '^a=rtpmap:96 AMR-WB/16000' "$logs/sipp-amr.log"; then
	tap_ok "amr: AMR-WB first, AMR bandwidth-efficient with the VoLTE fmtp"
else
	tap_fail "amr: AMR-WB first, AMR bandwidth-efficient with the VoLTE fmtp" \
		"$(grep -E '^a=(rtpmap|fmtp)' "$logs/sipp-amr.log" | head -8)"
fi

# --- an SDES-SRTP peer ---------------------------------------------------
use_variant browser-offer-to-sip-sdes RTP/SAVP
node "$here/srtp-peer.mjs" 5090 40010 "$logs/srtp-peer.json" >"$logs/srtp-peer.out" 2>&1 &
sipp_pid=$!
wait_until 10 udp_bound 5090 || true
"${probe[@]}" --ws "$IWG_WS_URL" --to echo --echo --duration 2 --timeout 10 \
	>"$logs/probe-sdes.json" 2>"$logs/probe-sdes.err" &
probe_pid=$!
ng_call_check "sdes: rtpengine counts packets on both legs" \
	'[ "$("$IWG_NG_BIN" query "$cid" 2>/dev/null | jq "[.tags[].medias[].streams[0].stats.packets] | min // 0")" -gt 0 ]'
"$IWG_NG_BIN" query "$cid" >"$logs/ng-sdes.json" 2>&1
jq_ok "sdes: the SIP leg is RTP/SAVP with AES_CM_128_HMAC_SHA1_80, the browser leg DTLS-SRTP" \
	'([.tags[].medias[] | select(.protocol == "RTP/SAVP") | .streams[0]
	   | select(."crypto suite" == "AES_CM_128_HMAC_SHA1_80")] | length == 1)
	 and ([.tags[].medias[] | select(.protocol == "UDP/TLS/RTP/SAVPF") | .streams[0]
	   | select(.flags | index("DTLS fingerprint verified"))] | length == 1)' \
	"$logs/ng-sdes.json"
wait "$probe_pid"
rc=$?
probe_pid=
tap_eq "sdes: probe exits 0 (see $logs/probe-sdes.json)" 0 "$rc"
jq_ok "sdes: every echoed PCMA frame came back byte for byte over DTLS-SRTP" \
	'.result == "ok" and .codec == "PCMA" and .echo_match > 0 and .echo_mismatch == 0
	 and .srtp_errors == 0' "$logs/probe-sdes.json"
wait_until 10 test -s "$logs/srtp-peer.json" || true
wait "$sipp_pid" 2>/dev/null
sipp_pid=
jq_ok "sdes: the peer was offered RTP/SAVP with one crypto line, AES_CM_128_HMAC_SHA1_80" \
	'.offer_proto == "RTP/SAVP" and (.offer_crypto | length) == 1
	 and (.offer_crypto[0] | test("^1 AES_CM_128_HMAC_SHA1_80 inline:"))' \
	"$logs/srtp-peer.json"
jq_ok "sdes: rtpengine's SRTP authenticates and decrypts with the offer's key (no plain or wrongly keyed packet)" \
	'.bye and .srtp_ok >= 50 and .auth_failed == 0 and .echoed == .srtp_ok' \
	"$logs/srtp-peer.json"

tap_done
