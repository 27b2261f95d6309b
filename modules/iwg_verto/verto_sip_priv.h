/*
 * verto_sip_priv.h - what the SIP glue (verto_sip.c) shares with the
 * glue of the contact center's transfers (verto_xfer.c) and of the
 * take-over of another node's sessions (verto_takeover.c), and nobody else:
 * the per-dialog glue record (vsip), the module's SIP state, and the
 * helpers both use. WebSocket process only, like everything they do.
 *
 * A vsip is one SIP dialog iwg_verto takes part in:
 * - the dialog of a Verto call (call set, call->glue is it);
 * - the new dialog of a transfer being set up (leg: owner is the key of
 *   the call's record; owner 0 once the call or the transfer is gone: it
 *   then ends alone, CANCEL or BYE);
 * - a dialog the call left for another one (d.retired: the final NOTIFY,
 *   then BYE; their BYE ends it too).
 * Records are found by key (callback tokens) or by Call-ID (requests).
 */
#ifndef IWG_VERTO_SIP_PRIV_H
#define IWG_VERTO_SIP_PRIV_H

#include <stdint.h>

#include "core/parser/msg_parser.h"
#include "modules/tm/tm_load.h"

#include "verto_dialog.h"
#include "verto_engine.h"
#include "verto_jobs.h"
#include "verto_rtp.h"
#include "verto_sip.h"

/* INFOs of one call toward the contact center awaiting their reply */
#define VS_CC_WAIT 8

/* callback kinds of the transfers' requests (beside enum verto_sip_op) */
enum {
	VS_XFER_INVITE = 0x40, /* the INVITE of a transfer's new leg */
	VS_XFER_NOTIFY,		   /* a NOTIFY of transfer progress */
	VS_XFER_BYE,		   /* the BYE that ends a leg or a retired dialog */
};

struct vxfer;

typedef struct vsip {
	struct vsip *next;
	uint32_t key;
	verto_call *call;
	dlg_t *dlg;
	/* our INVITE's early dialog (the first 1xx with a To tag), for the
	 * INFOs sent before the 2xx: tm leaves dlg as it was until then */
	dlg_t *early;
	unsigned inv_idx, inv_label; /* our INVITE, for CANCEL; or theirs */
	/* their re-INVITE being answered by a media step (peer_tx): the
	 * transaction a CANCEL of it must match */
	unsigned peer_idx, peer_label, peer_tx : 1;
	unsigned in_set : 1; /* the Call-ID is in the shared set */
	verto_dialog d;		 /* tags, CSeq, target, flags: decisions */
	char callid[VERTO_SIPID_MAX + 1];
	char *offer;	/* the browser's offer (to align the answer) */
	char *sip_sdp;	/* our last SDP toward SIP (re-INVITEs) */
	char *peer_sdp; /* the contact center's last SDP (re-attach offers) */
	char *brow_sdp; /* the browser's last SDP, audio only (re-INVITEs) */
	char *ack_next; /* an ACK's SDP that came while the call was busy */
	/* call from SIP while its user is looked up: what the offer needs */
	char *inv_sdp;
	char inv_name[129], inv_number[129];
	/* the connected line of the 2xx to our INVITE, told to the browser
	 * once the call is free (after verto.answer) */
	unsigned cl_pending : 1;
	char cl_name[129], cl_number[129];
	/* the browser's messages to the contact center (INFO) awaiting their
	 * final reply: the event of each, by the sequence in its token */
	struct {
		unsigned seq; /* 0: free */
		char *event;
	} cc_wait[VS_CC_WAIT];
	unsigned cc_seq;
	/* rtpengine ids when they are not this dialog's own (a call moved by
	 * a transfer keeps the rtpengine call and the browser's leg of its
	 * first dialog; the peer's leg is the new one's): "" = the Call-ID,
	 * local tag, remote tag (verto_vsip_mcid, _mbtag, _mptag) */
	char m_cid[VERTO_SIPID_MAX + 1];
	char m_btag[VERTO_DLG_TAG_MAX + 1], m_ptag[VERTO_DLG_TAG_MAX + 1];
	/* transfers (verto_xfer.c): the contact center's transfer of this
	 * call (NULL: none); a leg's owner (see above); a retired dialog
	 * sends its BYE once its final NOTIFY has a reply */
	struct vxfer *xfer;
	uint32_t owner;
	unsigned xleg : 1, bye_after_notify : 1;
	/* a call taken over from another node (verto_takeover.c): once the
	 * browser answered the re-attach offer, a re-INVITE from this node
	 * (tk_reinvite: due; tk_answer: out, its 2xx's SDP goes to
	 * rtpengine) moves the contact center's requests here */
	unsigned takeover : 1, tk_reinvite : 1, tk_answer : 1;
	/* its route set passes this node: not stored (verto_ha.c), logged */
	unsigned ha_local : 1;
	/* the take-over's re-INVITE sent again after 491 (or 500 with
	 * Retry-After): how many times so far */
	unsigned tk_tries : 2;
} vsip;

/* ------------------------------------------------ verto_sip.c: state */

extern struct tm_binds verto_tmb;
extern verto_sip_cfg verto_vscfg;
extern verto_engine *verto_vseng;
extern verto_rtp *verto_vsrtp;	 /* the loop's own NG client */
extern verto_jobs *verto_vspool; /* media steps; NULL: in the loop */

/* ------------------------------------------------ verto_sip.c: records */

/* a new record in the list (key set, call c may be NULL); NULL when out
 * of memory */
vsip *verto_vsip_new(verto_call *c);
/* unlink and free it (its Call-ID leaves the shared set, a transfer of
 * it is dropped without a word: verto_xfer_abandon first) */
void verto_vsip_free(vsip *g);
/* by key, or NULL */
vsip *verto_vsip_find(uint32_t key);

/* the rtpengine call-id, the browser's leg tag, the peer's leg tag */
const char *verto_vsip_mcid(const vsip *g);
const char *verto_vsip_mbtag(const vsip *g);
const char *verto_vsip_mptag(const vsip *g);

/* ------------------------------------------------ verto_sip.c: helpers */

/* the contact center's answer sdp to the offer of g's browser leg toward
 * its leg, to rtpengine on the lane (in order; the result only logged);
 * 0, or -1 when it cannot be queued */
int verto_sip_ng_answer(vsip *g, const char *sdp);
/* a re-INVITE in g's dialog with its last SDP toward SIP (version moved
 * on; sendonly when held, else sendrecv) and our Contact; 0 or -1 */
int verto_sip_reinvite(vsip *g, int held);

/* 32 random hex digits into buf[sz >= 33]; 0 or -1 */
int verto_sip_random_hex(char *buf, size_t sz);
/* a Call-ID of ours (random @ our Contact's host); 0 or -1 */
int verto_sip_new_callid(char *buf, size_t sz);

/*
 * Send a request with tm in dlg (a new dialog's INVITE too): its replies
 * come back as VERTO_EV_REPLY with token (0: none); ids (may be NULL):
 * the transaction's, for a CANCEL. cur: the call $verto() shows in
 * event_route[tm:local-request], xfer: what $verto(xfer) shows (NULL:
 * $null). 0 or -1 (logged).
 */
int verto_sip_send(vsip *g, dlg_t *dlg, verto_call *cur, const char *xfer,
				   const char *method, const char *hdrs, const char *body,
				   uint64_t token, unsigned *idx, unsigned *label);
/* the token of a request of g of kind what (enum verto_sip_op, VS_XFER_*) */
uint64_t verto_sip_token(const vsip *g, int what);

/*
 * The final reply to a server transaction a worker created (idx, label):
 * code with reason (NULL: the usual phrase), body (SDP) or NULL, extra
 * header lines or NULL; our tag from g's dialog when g has one. 0 or -1.
 */
int verto_sip_reply(vsip *g, unsigned idx, unsigned label, int code,
					const char *reason, const char *body, const char *extra);

/* NUL-terminated copy of m's body (malloc'd), or NULL */
char *verto_sip_body(sip_msg_t *m);
/* the To tag / first Contact URI of m into buf ("" when none) */
void verto_sip_totag(sip_msg_t *m, char *buf, size_t sz);
void verto_sip_contact(sip_msg_t *m, char *buf, size_t sz);
/* the reason phrase of a reply (static buffer) */
const char *verto_sip_reason(sip_msg_t *m);
/* the connected line of m (P-Asserted-Identity, else Remote-Party-ID):
 * 0 with name and number, or -1 */
int verto_sip_pai(sip_msg_t *m, const char *call_id, char *name, size_t namesz,
				  char *number, size_t numsz);
/* tell the browser the connected line (verto.display, agent event) */
void verto_sip_display(verto_call *c, const char *name, const char *number);
/* rtpengine block/unblock media from the leg tagged tag (the lane, in
 * order; else at once); 0 or -1 */
int verto_sip_block(vsip *g, const char *tag, int block);

/* ------------------------------------------------ verto_takeover.c */

/* the re-INVITE of a taken-over call (g->tk_reinvite), now that the call
 * is free: with g->sip_sdp (our last SDP toward the contact center,
 * version one higher) and this node's Contact */
void verto_takeover_reinvite(vsip *g);
/* the final reply (code, its SDP or NULL; m the reply, NULL for a local
 * one) to that re-INVITE: the SDP to rtpengine; after 491, or 500 with
 * Retry-After, the re-INVITE is sent again later (RFC 3261 14.1: 2.1-4 s
 * when this side made the Call-ID, else 0-2 s; at most 3 times,
 * verto_takeover_tick); 1 when the dialog is gone (481, 408: the call
 * ends), else 0 */
int verto_takeover_reply(vsip *g, int code, const char *sdp, sip_msg_t *m);

/* ------------------------------------------------ verto_xfer.c */

/* the contact center's REFER in g's dialog, in order (VDA_E_REFER): 202
 * and the transfer starts, or the refusal; the reply is sent here */
void verto_xfer_refer(vsip *g, unsigned tindex, unsigned tlabel, sip_msg_t *m);
/* a reply to a transfer's request (token kind VS_XFER_*) of record v */
void verto_xfer_reply(vsip *v, int what, int code, sip_msg_t *m);
/* their BYE of g's dialog (answered 200) while g's transfer runs: 1 when
 * the transfer took it (the call goes on), 0 when the engine should */
int verto_xfer_old_bye(vsip *g);
/* a retired dialog's end (their BYE, answered): the record goes */
void verto_xfer_retired_end(vsip *v);
/* g's call is going (its glue is freed next): a transfer running ends,
 * its new leg is cancelled or hung up on its own */
void verto_xfer_abandon(vsip *g);
/* free g's transfer state without a word (no SIP, no media) */
void verto_xfer_free(vsip *g);

#endif
