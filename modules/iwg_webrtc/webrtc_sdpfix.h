/*
 * iwg_webrtc: what webrtc_sdp_fix() and webrtc_te_reoffer() decide, each
 * as one call over the SDP edits of webrtc_sdp.h: the direction named by
 * the script, the cleaning then the telephone-event renumbering of a body,
 * and the browser offer to give rtpengine again when the IMS answer
 * renumbers telephone-event (DTMF, see webrtc_sdp.h). Pure C: no Kamailio
 * header; nothing allocates, the caller gives the buffers.
 */
#ifndef IWG_WEBRTC_SDPFIX_H
#define IWG_WEBRTC_SDPFIX_H

#include <stddef.h>

typedef enum webrtc_sdpfix_rc {
	WEBRTC_SDPFIX_NO_ROOM = -1,	 /* an output buffer is too small */
	WEBRTC_SDPFIX_BAD_MAP = -2,	 /* a telephone-event map is malformed */
	WEBRTC_SDPFIX_NOT_ADDED = -3 /* the offer cannot take telephone-event
								  * at the answer's numbers (taken, or no
								  * audio section) */
} webrtc_sdpfix_rc_t;

/* room for the output of webrtc_sdpfix_body() for a body of len bytes */
#define WEBRTC_SDPFIX_BODY_SIZE(len) ((len) + 256)
/* room for the output of webrtc_sdpfix_reoffer() for an offer of len
 * bytes */
#define WEBRTC_SDPFIX_REOFFER_SIZE(len) ((len) + 64 * 8)

/* webrtc_sdpfix_dir: the WEBRTC_SDP_TO_* mask named by dir (len bytes, not
 * NUL-terminated): "ims" or "browser", in any case. -1 for anything else. */
int webrtc_sdpfix_dir(const char *dir, size_t len);

/* webrtc_sdpfix_body: the SDP body (len bytes) cleaned for mask
 * (webrtc_sdp_clean()) and then, when map is given (maplen > 0), with
 * telephone-event renumbered back to the offered payload types of map
 * (webrtc_sdp_te_restore()), into out. out and tmp are outsz bytes each
 * (WEBRTC_SDPFIX_BODY_SIZE(len) is enough); tmp is scratch, used only with
 * a map. *removed gets the lines dropped or rewritten, *changed the payload
 * types renumbered. Returns the length of out (NUL-terminated),
 * WEBRTC_SDPFIX_NO_ROOM when cleaning does not fit, WEBRTC_SDPFIX_BAD_MAP
 * when map is malformed (or the renumbered body does not fit). */
int webrtc_sdpfix_body(const char *body, size_t len, int mask, const char *map,
					   size_t maplen, char *out, char *tmp, size_t outsz,
					   int *removed, int *changed);

/* webrtc_sdpfix_reoffer: given the SDP answer of the IMS (alen bytes), the
 * telephone-event map omap of what rtpengine offered toward the IMS
 * (webrtc_sdp_te_map() format) and the browser's SDP offer (olen bytes):
 * when the answer numbers telephone-event differently for a clock rate of
 * omap, writes into out (outsz bytes, NUL-terminated;
 * WEBRTC_SDPFIX_REOFFER_SIZE(olen) is enough) the offer with
 * telephone-event added at the answer's numbers (webrtc_te_inject()) and
 * into chg (chgsz bytes, WEBRTC_TE_MAP_MAX is enough) the renumbered
 * entries ("rate:pt,..."). Returns the length of out (> 0); 0 when there
 * is nothing to do (no telephone-event in the answer, empty omap, nothing
 * renumbered); WEBRTC_SDPFIX_BAD_MAP when omap is malformed;
 * WEBRTC_SDPFIX_NOT_ADDED when the offer cannot take them (or out is
 * short). chg is set from the first non-negative outcome on. */
int webrtc_sdpfix_reoffer(const char *answer, size_t alen, const char *omap,
						  size_t omaplen, const char *offer, size_t olen,
						  char *out, size_t outsz, char *chg, size_t chgsz);

#endif
