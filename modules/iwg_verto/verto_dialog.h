/*
 * verto_dialog.h - the SIP dialog of one iwg_verto call, as a pure core:
 * events in (a request from the contact center, a reply to one of our
 * requests, a request we send, the end of a media step), decisions out
 * (the reply code, Retry-After, drop, what the glue does next).
 *
 * Pure C, no I/O, no Kamailio header: verto_sip.c parses the messages,
 * fills the event, asks here, and only performs the decision (tm calls,
 * rtpengine jobs, engine events). Everything that decides 200, 481, 487,
 * 488, 491 or 500 for a Verto call is in this file:
 *
 * - tags (RFC 3261 12.2.2): every request of the dialog carries From-tag =
 *   the remote tag and To-tag = our local tag (a CANCEL of an initial
 *   INVITE: no To-tag). A request that does not is refused with 481 (an
 *   ACK is dropped) and changes nothing;
 * - CSeq order: a request whose CSeq is not above the last one of the
 *   remote side is out of order (re-INVITE/UPDATE: 500 with Retry-After;
 *   NOTIFY/INFO: answered 200 and not acted on; BYE: still ends the call);
 * - glare (RFC 3261 14.2, RFC 3311 5.2): a re-INVITE or an UPDATE with SDP
 *   gets 491 while our own offer is out (our re-INVITE, or our offer in a
 *   2xx whose ACK has not come) or while the call waits for other media
 *   work; 500 with Retry-After while their earlier one is still being
 *   answered;
 * - the ACK's SDP answers the offer we sent in a 2xx to a re-INVITE
 *   without SDP (used now, or kept until the call is free);
 * - a CANCEL acts only on the transaction it matched in tm: their initial
 *   INVITE before it is answered (the only CANCEL without a To tag), or
 *   their re-INVITE being answered; any other is dropped (a CANCEL matched
 *   to a transaction the sender made itself must not end a call);
 * - a NOTIFY is transfer progress only with Event: refer after a REFER of
 *   ours (else answered 200 and not passed on);
 * - a REFER in order goes to the transfer core (VDA_E_REFER, which
 *   decides 202 or the refusal); out of order it gets 500 with
 *   Retry-After; while the contact center's transfer of the call runs, a
 *   re-INVITE or UPDATE with SDP gets 491;
 * - a retired dialog (the call moved to another one by a transfer) takes
 *   only their BYE (200, VDA_RETIRED_END); anything else gets 481;
 * - an INFO in order is passed on (VDA_E_INFO, also in an early dialog:
 *   queued calls are early); out of order it is answered 200 and dropped;
 * - a BYE or a CANCEL that comes while a re-INVITE of theirs is being
 *   answered turns that answer into 487;
 * - the remote target (Contact) is refreshed by the 2xx to our INVITE or
 *   re-INVITE, and by their re-INVITE or UPDATE when it is taken.
 *
 * - early dialogs of a call we placed (RFC 3261 12.1, 13.2.2.4): the remote
 *   tag is that of the latest 1xx with a To tag (after a failover by the
 *   router, the new entry point's), and the 2xx's once answered; the early
 *   dialogs a later 1xx replaced are kept (VERTO_DLG_EARLY_MAX) so that
 *   their INFOs are still taken, each in its own CSeq order, until the 2xx;
 * - a 2xx to our INVITE with another To tag than the dialog's, once it is
 *   confirmed (another branch answered too, e.g. an entry point the router
 *   failed over from, late), is ACKed and ended with BYE by the glue
 *   (VDR_OTHER_2XX); the call stays on its dialog.
 *
 * Invariants (fuzz_verto_dialog checks them): a tag once set never changes
 * (the remote tag of a call we placed may still move with a 1xx to another
 * early dialog and with the 2xx, never after the 2xx); the remote CSeq never
 * goes backwards within one remote dialog (it starts anew, or where it was,
 * when the remote tag moves); each request gets exactly one final answer,
 * now or when its media step ends (VDA_MEDIA), except an ACK (never
 * answered) and a CANCEL (answered by the SIP worker: it matched a
 * transaction there).
 */
#ifndef IWG_VERTO_DIALOG_H
#define IWG_VERTO_DIALOG_H

#include <stdint.h>

#include "verto_call.h"

#define VERTO_DLG_TAG_MAX	 127
#define VERTO_DLG_TARGET_MAX 255
/* early dialogs kept besides the latest one (their INFOs, until the 2xx) */
#define VERTO_DLG_EARLY_MAX 3

typedef enum verto_dlg_method {
	VDM_INVITE = 0, /* re-INVITE (an initial INVITE never comes here) */
	VDM_UPDATE,
	VDM_BYE,
	VDM_CANCEL,
	VDM_NOTIFY,
	VDM_INFO,
	VDM_ACK,
	VDM_REFER, /* the contact center transfers the call (verto_refer.h) */
	VDM_OTHER,
	VDM_COUNT
} verto_dlg_method;

/* an early dialog of our INVITE that a later 1xx replaced */
typedef struct verto_dlg_early {
	char tag[VERTO_DLG_TAG_MAX + 1]; /* their To tag ("" unused) */
	uint32_t rseq;					 /* their last CSeq (rseq_set) */
	unsigned rseq_set : 1;
} verto_dlg_early;

typedef struct verto_dialog {
	char ltag[VERTO_DLG_TAG_MAX + 1];	   /* ours ("" not yet) */
	char rtag[VERTO_DLG_TAG_MAX + 1];	   /* theirs ("" not yet) */
	char target[VERTO_DLG_TARGET_MAX + 1]; /* remote target, "" unknown */
	uint32_t rseq;						   /* their last CSeq (rseq_set) */
	uint32_t ack_cseq; /* ack_sdp: CSeq of that re-INVITE (0 unknown) */
	unsigned rseq_set : 1;
	unsigned inbound : 1;		 /* they called: we are the UAS */
	unsigned got_1xx : 1;		 /* our INVITE got a provisional reply */
	unsigned cancel_pending : 1; /* CANCEL wanted before any 1xx */
	unsigned confirmed : 1;		 /* a 2xx to the initial INVITE */
	unsigned ack_sdp : 1;		 /* our offer went in a 2xx: the ACK answers */
	unsigned ack_kept : 1;		 /* an ACK's SDP waits for the call */
	unsigned lookup : 1;		 /* call from SIP: its user is looked up */
	unsigned reattach : 1;		 /* a verto.attach offer awaits the answer */
	/* their re-INVITE/UPDATE with SDP is answered by a media step:
	 * peer_invite: it is a re-INVITE; peer_cancel: a BYE or CANCEL came
	 * meanwhile (the answer becomes 487) */
	unsigned peer_reply : 1, peer_invite : 1, peer_cancel : 1;
	unsigned refer_sent : 1; /* we sent a REFER: its NOTIFYs are expected */
	/* the call left this dialog for another (a transfer): only its end
	 * counts now (their BYE 200, anything else 481) */
	unsigned retired : 1;
	/* a call we placed, before the 2xx: the early dialogs the latest one
	 * (rtag) replaced, the most recent first; cleared by the 2xx */
	verto_dlg_early older[VERTO_DLG_EARLY_MAX];
	unsigned refers;	   /* REFERs of theirs in order (NOTIFY id) */
	unsigned long refused; /* requests refused for their tags */
} verto_dialog;

/* decisions: what the glue does, in this bit order */
enum verto_dlg_action {
	VDA_REFUSED = 1 << 0,		 /* tags do not match: NOTICE, count */
	VDA_OUT_OF_ORDER = 1 << 1,	 /* CSeq not above the last: NOTICE */
	VDA_DLG_UPDATE = 1 << 2,	 /* tm: the request's CSeq into the dialog */
	VDA_TARGET = 1 << 3,		 /*   ... and its Contact is the new target */
	VDA_REPLY = 1 << 4,			 /* final reply `code` now */
	VDA_RETRY_AFTER = 1 << 5,	 /*   ... with Retry-After (0-10 s) */
	VDA_MEDIA = 1 << 6,			 /* their SDP to rtpengine: then
								  * verto_dialog_media() for the answer */
	VDA_OFFER = 1 << 7,			 /* 200 with our last SDP as an offer:
								  * verto_dialog_offer() says how it went */
	VDA_ACK_MEDIA = 1 << 8,		 /* the ACK's SDP to rtpengine now */
	VDA_ACK_KEEP = 1 << 9,		 /* keep the ACK's SDP until the call is
								  * free (verto_dialog_ack_release()) */
	VDA_ACK_NO_SDP = 1 << 10,	 /* the ACK should answer and has no SDP */
	VDA_E_BYE = 1 << 11,		 /* engine: BYE from SIP */
	VDA_E_CANCEL = 1 << 12,		 /* engine: CANCEL from SIP */
	VDA_E_TRANSFER = 1 << 13,	 /* the NOTIFY's sipfrag to the browser */
	VDA_CLINE = 1 << 14,		 /* connected line (PAI) after the reply */
	VDA_LOOKUP_CANCEL = 1 << 15, /* call being looked up: 487 to its
								  * INVITE, drop the call */
	VDA_DROP = 1 << 16,			 /* nothing (more) to do */
	VDA_E_INFO = 1 << 17,		 /* an INFO in order: its body decides the
								  * reply (verto_cc_info: 200, 400, 415)
								  * and what the browser is told */
	VDA_E_REFER = 1 << 18,		 /* a REFER in order: the transfer core
								  * decides 202 or the refusal
								  * (verto_refer_decide) */
	VDA_RETIRED_END = 1 << 19,	 /* their BYE of a retired dialog: 200,
								  * the dialog's record goes */
};

/* which transaction a CANCEL matched in tm (the glue compares its hash
 * index and label with those it keeps) */
typedef enum verto_dlg_cancels {
	VDC_OTHER = 0, /* another one (e.g. one the sender made for this) */
	VDC_INITIAL,   /* their initial INVITE (a call from SIP) */
	VDC_PEER,	   /* their re-INVITE being answered by a media step */
} verto_dlg_cancels;

/* a request from the contact center in the dialog, as the glue saw it */
typedef struct verto_dlg_req {
	verto_dlg_method method;
	uint32_t cseq;
	int has_cseq;
	const char *ftag;	 /* From tag, NULL or "" when none */
	const char *ttag;	 /* To tag, NULL or "" when none */
	const char *contact; /* Contact URI, NULL when none */
	int has_sdp;
	/* the call as the engine sees it */
	int has_call; /* a Verto call has this Call-ID (else it is gone) */
	verto_call_state state;
	int busy;		  /* waits for a media step (verto_engine_call_busy) */
	int hold_pending; /* our hold/unhold re-INVITE is out */
	verto_dlg_cancels cancels; /* a CANCEL: what it matched */
	int event_refer;		   /* a NOTIFY: its Event is "refer" */
	int transferring;		   /* the contact center's transfer runs */
} verto_dlg_req;

typedef struct verto_dlg_out {
	unsigned acts; /* enum verto_dlg_action */
	int code;	   /* VDA_REPLY: the status */
} verto_dlg_out;

/* an empty dialog: we called (inbound 0) or they did (inbound 1) */
void verto_dialog_init(verto_dialog *d, int inbound);

/*
 * Our tag (From of our INVITE, To of our replies); their tag (From of their
 * INVITE). Set once: 0, or -1 when already set to another value, empty or
 * too long (nothing changes).
 */
int verto_dialog_set_ltag(verto_dialog *d, const char *tag);
int verto_dialog_set_rtag(verto_dialog *d, const char *tag);

/* their INVITE's CSeq and Contact, for a call from SIP (rseq starts here) */
void verto_dialog_uas_start(verto_dialog *d, uint32_t cseq,
							const char *contact);

/*
 * 1 when the request's tags are the dialog's (From = remote tag, To =
 * local tag; a CANCEL may have no To tag), else 0. Empty dialog tags
 * match nothing.
 */
int verto_dialog_tags_match(const verto_dialog *d, verto_dlg_method m,
							const char *ftag, const char *ttag);

/*
 * A request of the contact center for this dialog; d is NULL when no call
 * has the Call-ID any more. Fills out; returns 0, or -1 when the request
 * was refused for its tags (out: 481, or a dropped ACK). Updates d (CSeq,
 * target, flags) as decided.
 */
int verto_dialog_request(verto_dialog *d, const verto_dlg_req *r,
						 verto_dlg_out *out);

/* how the media step of VDA_MEDIA went */
typedef enum verto_dlg_media {
	VDMS_STARTED = 0, /* running in the pool: verto_dialog_media_done() */
	VDMS_FULL,		  /* the pool refused it */
	VDMS_OK,		  /* ran at once, our answer is ready */
	VDMS_FAILED,	  /* ran at once (or could not start) and failed */
} verto_dlg_media;

/*
 * After VDA_MEDIA for a request (is_invite: a re-INVITE, else UPDATE):
 * the answer, or none yet (STARTED: out->acts 0). 0.
 */
int verto_dialog_media(verto_dialog *d, int is_invite, verto_dlg_media how,
					   verto_dlg_out *out);

/*
 * The pool's media step for their re-INVITE/UPDATE ended (ok: our answer
 * is ready): out->code 200, 488, or 487 when a BYE or CANCEL came
 * meanwhile; VDA_CLINE with a 2xx. The pending answer is cleared. 0, or
 * -1 when no answer was pending (out: VDA_DROP).
 */
int verto_dialog_media_done(verto_dialog *d, int ok, verto_dlg_out *out);

/*
 * After VDA_OFFER: ok 1 when our offer SDP was made (200 with it, the ACK
 * of that CSeq answers), 0 when not (500). 0.
 */
int verto_dialog_offer(verto_dialog *d, int ok, uint32_t cseq, int has_cseq,
					   verto_dlg_out *out);

/*
 * The call is free again: 1 when an ACK's SDP was kept (VDA_ACK_KEEP) and
 * now goes to rtpengine (the flag is cleared), else 0. busy: still waits.
 */
int verto_dialog_ack_release(verto_dialog *d, int busy);

/* kinds of our requests whose replies come back */
typedef enum verto_dlg_ours {
	VDO_INVITE = 0, /* the initial INVITE of a call we placed */
	VDO_REINVITE,	/* our hold/unhold re-INVITE */
	VDO_REFER,
	VDO_OTHER,
} verto_dlg_ours;

/* decisions about a reply to one of our requests */
enum verto_dlg_reply_action {
	VDR_SEND_CANCEL = 1 << 0, /* the CANCEL wanted before now goes */
	VDR_EARLY_DLG = 1 << 1,	  /* a new early dialog from this 1xx: the
							   * copy for our INFOs is made from it
							   * (replacing the one of an earlier 1xx) */
	VDR_CONFIRM_DLG = 1 << 2, /* tm: confirm the dialog (2xx, target) */
	VDR_TARGET_DLG = 1 << 3,  /* tm: refresh the target (re-INVITE 2xx) */
	VDR_E_PROGRESS = 1 << 4,  /* engine: 1xx without SDP */
	VDR_E_EARLY = 1 << 5,	  /* engine: 1xx with SDP */
	VDR_E_ANSWER = 1 << 6,	  /* engine: 2xx */
	VDR_E_FAILURE = 1 << 7,	  /* engine: 3xx-6xx */
	VDR_E_REINVITE_OK = 1 << 8,
	VDR_E_REINVITE_FAIL = 1 << 9,
	VDR_TRANSFER_FAIL = 1 << 10, /* a refused REFER: status to the browser */
	VDR_LOG = 1 << 11,			 /* only logged */
	/* a 2xx to our INVITE from another dialog than the confirmed one
	 * (another branch): ACK it, then BYE (RFC 3261 13.2.2.4) */
	VDR_OTHER_2XX = 1 << 12,
};

/*
 * A reply (code; 0 for a local timeout is given as 408 by tm) to our
 * request of kind k; totag: its To tag or NULL; contact: its Contact URI
 * or NULL; has_msg: a parsed reply (not a local one); has_sdp: it carries
 * SDP. Returns the VDR_* bits; the remote tag and target are updated.
 * Our INVITE: a 1xx (not 100) with a To tag other than the remote tag
 * makes it the call's early dialog (VDR_EARLY_DLG; the one it replaces is
 * kept in older); the first 2xx confirms the dialog with its tag (older
 * cleared); a later 2xx with another tag is VDR_OTHER_2XX, with the
 * dialog's own tag (or none) VDR_LOG.
 */
unsigned verto_dialog_reply(verto_dialog *d, verto_dlg_ours k, int code,
							const char *totag, const char *contact, int has_msg,
							int has_sdp);

/*
 * Which 2xx to one of our INVITEs the call may act on, decided where each
 * arrives (any SIP worker, before it is queued): tm matches replies to our
 * transaction by the Via branch alone and reports each 2xx with a new To
 * tag once, however many come. A 2xx that does not carry our INVITE's
 * Call-ID and From tag (ids_ok 0) is never taken (VD2_FOREIGN); of the
 * others, the first 1 + VERTO_DLG_OTHER_2XX_MAX are taken (VD2_TAKE: the
 * call's answer and at most VERTO_DLG_OTHER_2XX_MAX other dialogs, each
 * ACKed and hung up), later ones are not (VD2_OVER). VD2_LOG is added to
 * the first refusal of each kind in the transaction (it is logged once).
 * state: the transaction's, 0 before its first 2xx, updated here; it
 * never uses more than VERTO_DLG_GATE_BITS bits (the caller keeps it in
 * the spare bits of a word and updates it atomically).
 */
#define VERTO_DLG_OTHER_2XX_MAX 2
#define VERTO_DLG_GATE_BITS		6
enum verto_dlg_2xx_verdict {
	VD2_TAKE = 0,
	VD2_FOREIGN = 1,
	VD2_OVER = 2,
	VD2_KIND = 3, /* mask of the three above */
	VD2_LOG = 4,
};
unsigned verto_dialog_2xx_gate(uint32_t *state, int ids_ok);

/* what to do when the call is to be hung up toward SIP */
typedef enum verto_dlg_hangup {
	VDH_BYE = 0,	 /* the dialog is established: BYE */
	VDH_CANCEL,		 /* CANCEL our INVITE now */
	VDH_CANCEL_LATER /* no 1xx yet: CANCEL after the first one */
} verto_dlg_hangup;

/* CANCEL of our INVITE wanted (the browser hung up while calling) */
verto_dlg_hangup verto_dialog_cancel(verto_dialog *d);

/* the browser's side ends the call: BYE, or CANCEL as above */
verto_dlg_hangup verto_dialog_hangup(verto_dialog *d);

/* we sent a REFER in the dialog: NOTIFYs of its implicit subscription
 * (Event: refer) are passed on as transfer progress, and only then */
void verto_dialog_refer_sent(verto_dialog *d);

/*
 * May we send an INFO (contact-center messages) in the dialog now? 1 once
 * it is early (a 1xx with a To tag to our INVITE) or confirmed, else 0.
 * RFC 6086 allows INFO in an early dialog; it asks the UAC to wait for a
 * reliable provisional reply, which the contact centers we serve do not
 * send: they take INFO after a 18x with a To tag, and queued calls stay
 * early for minutes.
 */
int verto_dialog_info_ok(const verto_dialog *d);

/* we sent a final reply to their initial INVITE */
void verto_dialog_replied(verto_dialog *d, int code);

/* "re-INVITE", "BYE", ... for logs */
const char *verto_dialog_method_name(verto_dlg_method m);

#endif
