/*
 * verto_sdp.h - the SDP edits iwg_verto makes around rtpengine for the
 * Verto client (docs/verto-protocol.md section 4):
 *
 * - the browser always offers m=audio plus m=video (recvonly, even for an
 *   audio call); the contact center gets the audio sections only
 *   (verto_sdp_audio_only), and the answer going back to the browser gets
 *   every other section of the offer back, rejected with port 0, in the
 *   offer's order and with its a=mid (verto_sdp_align), because Chrome
 *   refuses an answer whose m-lines do not match the offer's;
 * - every line ends with CRLF, the last one too (the client refuses an SDP
 *   without the final CRLF).
 *
 * Pure C: no Kamailio header. Results are malloc'd NUL-terminated strings
 * the caller frees; NULL means malformed input (no "v=" first line, a line
 * with NUL, more than VERTO_SDP_MAX_SECTIONS m-lines) or out of memory.
 */
#ifndef IWG_VERTO_SDP_H
#define IWG_VERTO_SDP_H

#include <stddef.h>

#define VERTO_SDP_MAX_SECTIONS 16

/* sdp with every line ended by CRLF */
char *verto_sdp_crlf(const char *sdp);

/*
 * sdp toward SIP without what the browser put in and rtpengine lets
 * through (DESIGN.md 6): a=msid, a=msid-semantic, a=ssrc, a=ssrc-group
 * and a=extmap-allow-mixed lines; CRLF line ends.
 */
char *verto_sdp_clean(const char *sdp);

/*
 * The offer without its non-audio m-sections and without a=group lines
 * (the groups would name removed sections). NULL also when no audio
 * section is left.
 */
char *verto_sdp_audio_only(const char *offer);

/*
 * The answer (to audio_only(offer)) with the offer's non-audio sections
 * put back, rejected: "m=<media> 0 <proto> <first format>" plus the
 * offer's a=mid line. Sections the answer lacks are rejected as well.
 */
char *verto_sdp_align(const char *offer, const char *answer);

/*
 * A new offer from sdp (our previous one) for a re-INVITE: the o= version
 * one higher, and the direction attribute of every m-section set to dir
 * ("sendonly", "sendrecv", ...): a=sendrecv/sendonly/recvonly/inactive
 * lines replaced, session-level ones dropped.
 */
char *verto_sdp_reoffer(const char *sdp, const char *dir);

/*
 * The direction of sdp's first audio section: its a=sendrecv/sendonly/
 * recvonly/inactive line, else the session-level one, else "sendrecv".
 * A static string; NULL when sdp is malformed or has no audio section.
 */
const char *verto_sdp_direction(const char *sdp);

/*
 * The direction an answer takes to an offer with offer_dir (RFC 3264
 * 6.1: sendonly -> recvonly, recvonly -> sendonly, inactive -> inactive,
 * sendrecv -> sendrecv), restricted to sending only when held (we hold
 * the call ourselves: sendrecv -> sendonly, sendonly -> inactive). An
 * unknown offer_dir counts as sendrecv. A static string.
 */
const char *verto_sdp_answer_dir(const char *offer_dir, int held);

/*
 * The next SDP of our side of a dialog whose previous SDP was prev: next
 * (or prev itself when next is NULL) with the direction of every
 * m-section set to dir (as verto_sdp_reoffer) and prev's o= line, whose
 * version is one higher only when the result differs from prev in any
 * other line (RFC 3264 8: same session, version bumped on change).
 * prev NULL: verto_sdp_reoffer(next, dir). NULL also when prev has no o=.
 */
char *verto_sdp_next(const char *prev, const char *next, const char *dir);

/*
 * 1 when a and b send media to the same places in the same way: their c=
 * and m= lines equal, in order; 0 when not; -1 when either is malformed.
 */
int verto_sdp_same_media(const char *a, const char *b);

#endif
