/*
 * iwg_webrtc: SDP fixes around rtpengine 10.5 (DESIGN.md section 6).
 * Pure C: no Kamailio header.
 *
 * - webrtc_sdp_clean() drops lines that must not cross to the other side:
 *   toward the IMS the browser's a=msid, a=ssrc, a=ssrc-group,
 *   a=msid-semantic and a=extmap-allow-mixed; toward the browser the IMS's
 *   precondition lines a=curr, a=des, a=conf and the RTCP bandwidth lines
 *   b=RS and b=RR.
 * - webrtc_sdp_te_map() / webrtc_sdp_te_restore(): rtpengine drops an
 *   answer's telephone-event when its payload type differs from the offered
 *   one ("Not adding stray answer codec"). te_map() records the offered
 *   telephone-event payload type per clock rate, te_restore() renumbers the
 *   answer back to it before rtpengine reads the answer.
 */
#ifndef WEBRTC_SDP_H
#define WEBRTC_SDP_H

#include <stddef.h>

#define WEBRTC_SDP_TO_IMS	  1
#define WEBRTC_SDP_TO_BROWSER 2

/* longest telephone-event map string ("16000:98,8000:101,...") */
#define WEBRTC_TE_MAP_MAX 128

/* webrtc_sdp_clean: copies the SDP in (len bytes) to out (outsz bytes)
 * without the lines selected by mask (WEBRTC_SDP_TO_*). Line ends are kept
 * as they are. Returns the output length (NUL-terminated), or -1 when out is
 * too small. *removed (may be NULL) gets the number of lines dropped. */
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

#endif
