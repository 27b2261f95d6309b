/*
 * verto_rtp.h - rtpengine for iwg_verto calls, over NG (lib/ng), with the
 * flag sets of named media profiles (verto_ngflags.h).
 *
 * Tags: the browser's leg of a call is tagged with the SIP From-tag of our
 * side of the dialog (local tag), the contact center's leg with its tag.
 *
 * Pure C: no Kamailio header. One client per thread (the WebSocket loop's
 * and each job-pool worker's, verto_jobs.h); blocking requests (timeout
 * and retries of lib/ng).
 */
#ifndef IWG_VERTO_RTP_H
#define IWG_VERTO_RTP_H

#include <stddef.h>

#include "ng/ng_client.h"

/* what a request does: picks the profile */
enum verto_rtp_step {
	VERTO_RTP_BROWSER_OFFER = 0, /* offer from the browser toward SIP */
	VERTO_RTP_SIP_ANSWER,		 /* answer from SIP toward the browser */
	VERTO_RTP_SIP_OFFER,		 /* offer from SIP toward the browser */
	VERTO_RTP_BROWSER_ANSWER,	 /* answer from the browser toward SIP */
	VERTO_RTP_SIP_REOFFER,		 /* re-INVITE (hold) offer toward SIP */
	VERTO_RTP_STEPS
};

typedef struct verto_rtp {
	ng_client *ng;
	char *flags[VERTO_RTP_STEPS]; /* malloc'd flag strings */
	char errstr[160];			  /* why the last call failed */
} verto_rtp;

/*
 * A client for addr ("host:port") with the flag string of each step
 * (checked; flags[i] may be NULL or ""). NULL with err on a bad address,
 * bad flags or out of memory.
 */
verto_rtp *verto_rtp_new(const char *addr, const char *const *flags,
						 int timeout_ms, char *err, size_t errsz);
void verto_rtp_free(verto_rtp *r);

/*
 * offer (from_tag = the offerer's tag) or answer (to_tag = the answerer's)
 * of sdp for call_id; *out is the rewritten SDP (malloc'd). 0, or -1 with
 * r->errstr.
 */
int verto_rtp_offer(verto_rtp *r, int step, const char *call_id,
					const char *from_tag, const char *sdp, char **out);
/*
 * offer inside an established call: from_tag re-offers sdp toward to_tag
 * (the other leg of the existing call-id/tags, e.g. a fresh offer toward
 * the browser from the contact center's last SDP). As verto_rtp_offer.
 */
int verto_rtp_reoffer(verto_rtp *r, int step, const char *call_id,
					  const char *from_tag, const char *to_tag, const char *sdp,
					  char **out);
int verto_rtp_answer(verto_rtp *r, int step, const char *call_id,
					 const char *from_tag, const char *to_tag, const char *sdp,
					 char **out);

/* delete the call's media; 0 or -1 */
int verto_rtp_delete(verto_rtp *r, const char *call_id);

/*
 * Inject one DTMF digit as RFC 4733 events into the media that the party
 * tagged from_tag sends (toward the other party). 0 or -1.
 */
int verto_rtp_dtmf(verto_rtp *r, const char *call_id, const char *from_tag,
				   char digit, int duration_ms);

/*
 * Stop (block 1) or restart (block 0) the media that the party tagged
 * from_tag sends (rtpengine "block media" / "unblock media"). 0 or -1.
 */
int verto_rtp_block(verto_rtp *r, const char *call_id, const char *from_tag,
					int block);

#endif
