/*
 * iwg_webrtc: SDP fixes around rtpengine 10.5 (see docs/architecture.md).
 * Pure C: no Kamailio header.
 *
 * - webrtc_sdp_clean() drops lines that must not cross to the other side:
 *   toward the IMS the browser's a=msid, a=ssrc, a=ssrc-group,
 *   a=msid-semantic and a=extmap-allow-mixed; toward the browser the IMS's
 *   precondition lines a=curr, a=des, a=conf and the RTCP bandwidth lines
 *   b=RS and b=RR.
 *   Toward the IMS it also makes the transport per media: rtpengine's
 *   transport flag applies to every m= line, so a profile that asks for
 *   RTP/AVPF (for video, GSMA IR.94) makes the audio RTP/AVPF too. Audio
 *   toward the IMS is always RTP/AVP (GSMA IR.92): an audio m= line in
 *   RTP/AVPF is written as RTP/AVP and loses its a=rtcp-fb lines; a video
 *   m= line in RTP/AVPF keeps its feedback (nack, nack pli, ccm fir, ...)
 *   without the browser-only goog-remb and transport-cc.
 * - webrtc_sdp_te_map() / webrtc_sdp_te_restore(): rtpengine drops an
 *   answer's telephone-event when its payload type differs from the offered
 *   one ("Not adding stray answer codec"). te_map() records the offered
 *   telephone-event payload type per clock rate, te_restore() renumbers the
 *   answer back to it before rtpengine reads the answer.
 * - webrtc_sdp_h264_only(): video toward the IMS is H.264 with
 *   packetization-mode=1 only (TS 26.114, GSMA IR.94); rtpengine 10.5 has
 *   no flag that drops a payload type by its fmtp.
 */
#ifndef IWG_WEBRTC_SDP_H
#define IWG_WEBRTC_SDP_H

#include <stddef.h>

#define WEBRTC_SDP_TO_IMS	  1
#define WEBRTC_SDP_TO_BROWSER 2

/* longest telephone-event map string ("16000:98,8000:101,...") */
#define WEBRTC_TE_MAP_MAX 128

/* webrtc_sdp_clean: copies the SDP in (len bytes) to out (outsz bytes)
 * without the lines selected by mask (WEBRTC_SDP_TO_*); with
 * WEBRTC_SDP_TO_IMS, audio m= lines in RTP/AVPF become RTP/AVP and the
 * per-media feedback lines are tidied (see above). Line ends are kept as
 * they are; the output is never longer than the input. Returns the output
 * length (NUL-terminated), or -1 when out is too small. *removed (may be
 * NULL) gets the number of lines dropped or rewritten. */
int webrtc_sdp_clean(const char *in, size_t len, int mask, char *out,
					 size_t outsz, int *removed);

/* webrtc_sdp_te_map: writes "rate:pt[,rate:pt...]" for the telephone-event
 * payload types of the first audio m= section of sdp into out (outsz bytes,
 * NUL-terminated). Returns the length (0: no telephone-event), or -1 when
 * out is too small. */
int webrtc_sdp_te_map(const char *sdp, size_t len, char *out, size_t outsz);

/* webrtc_sdp_te_restore: copies the answer sdp to out, renumbering in the
 * first audio m= section each telephone-event payload type whose clock rate
 * is in map (as written by webrtc_sdp_te_map) to the mapped number: in the
 * m= format list and in a=rtpmap, a=fmtp and a=rtcp-fb. A payload type is
 * left alone when the target number is already used by another format of
 * that section. Returns the output length, or -1 when out is too small or
 * map is malformed; *changed (may be NULL) gets the number of payload types
 * renumbered. */
int webrtc_sdp_te_restore(const char *sdp, size_t len, const char *map,
						  size_t maplen, char *out, size_t outsz, int *changed);

/* Telephone-event payload types renumbered by the IMS answer:
 * rtpengine 10.5 keeps only the answer codecs whose payload type it offered
 * ("Not adding stray answer codec"), so an IMS answer with telephone-event
 * at 101 where 98 was offered loses DTMF. Restoring 98 in the answer keeps
 * DTMF alive in rtpengine but makes it send events with 98, a number the
 * IMS did not ask for. The fix used by kamcfg/ims: before the answer, offer
 * rtpengine the browser's SDP again with telephone-event also at the IMS's
 * numbers (webrtc_te_inject); rtpengine keeps an offered telephone-event's
 * payload type toward the far side ("codec-transcode-telephone-event"), so
 * the answer's 101 is then an offered one, and events toward the IMS carry
 * 101.
 *
 * Maps are "rate:pt[,rate:pt...]" as written by webrtc_sdp_te_map().
 */

/* webrtc_te_changed: writes to out (outsz bytes, NUL-terminated) the
 * entries of the answer map whose clock rate is in the offer map with
 * another payload type, and whose payload type is not offered for anything
 * else. Returns the length (0: nothing renumbered), or -1 when a map is
 * malformed or out is too small. */
int webrtc_te_changed(const char *offer, size_t olen, const char *answer,
					  size_t alen, char *out, size_t outsz);

/* webrtc_te_inject: copies sdp to out adding, in the first audio m=
 * section, telephone-event at each "rate:pt" of map: pt appended to the m=
 * line, "a=rtpmap:pt telephone-event/rate" and "a=fmtp:pt 0-15" appended at
 * the end of the section. An entry whose payload type the section already
 * has is skipped. Line ends follow the SDP's first line. Returns the output
 * length, or -1 when map is malformed, there is no audio section or out is
 * too small; *added (may be NULL) gets the number of entries added. */
int webrtc_te_inject(const char *sdp, size_t len, const char *map,
					 size_t maplen, char *out, size_t outsz, int *added);

/* webrtc_sdp_h264_only: copies sdp to out keeping, in every RTP m=video
 * section, only the H.264 formats with packetization-mode=1 in their
 * a=fmtp (RFC 6184: without it the mode is 0). Every other format (VP8,
 * VP9, AV1, H.264 mode 0, rtx, red, ulpfec, flexfec) leaves the m= line
 * together with its a=rtpmap, a=fmtp and a=rtcp-fb lines; a=rtcp-fb:* and
 * the other lines stay. When no format is left the stream is disabled:
 * port 0 and the first format only (RFC 3264 section 8.2). Other sections
 * are copied as they are. The output is never longer than the input.
 * Returns the output length (NUL-terminated), or -1 when out is too small;
 * *removed (may be NULL) gets the number of formats dropped. */
int webrtc_sdp_h264_only(const char *sdp, size_t len, char *out, size_t outsz,
						 int *removed);

#endif
