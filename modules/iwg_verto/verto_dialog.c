/*
 * verto_dialog.c - the SIP dialog of one iwg_verto call: every reply code
 * and every dialog update is decided here. Contracts in verto_dialog.h.
 */
#include <stdio.h>
#include <string.h>

#include "verto_dialog.h"

static const char *const method_names[VDM_COUNT] = {
		[VDM_INVITE] = "re-INVITE", [VDM_UPDATE] = "UPDATE",
		[VDM_BYE] = "BYE",			[VDM_CANCEL] = "CANCEL",
		[VDM_NOTIFY] = "NOTIFY",	[VDM_INFO] = "INFO",
		[VDM_ACK] = "ACK",			[VDM_REFER] = "REFER",
		[VDM_OTHER] = "request",
};
_Static_assert(sizeof(method_names) / sizeof(method_names[0]) == VDM_COUNT,
			   "method_names must name every verto_dlg_method");

const char *verto_dialog_method_name(verto_dlg_method m)
{
	return (unsigned)m < VDM_COUNT ? method_names[m] : "request";
}

void verto_dialog_init(verto_dialog *d, int inbound)
{
	memset(d, 0, sizeof(*d));
	d->inbound = inbound ? 1 : 0;
}

static int set_tag(char *dst, const char *tag)
{
	size_t n = tag ? strlen(tag) : 0;

	if (!n || n > VERTO_DLG_TAG_MAX)
		return -1;
	if (dst[0])
		return strcmp(dst, tag) == 0 ? 0 : -1;
	memcpy(dst, tag, n + 1);
	return 0;
}

int verto_dialog_set_ltag(verto_dialog *d, const char *tag)
{
	return set_tag(d->ltag, tag);
}

int verto_dialog_set_rtag(verto_dialog *d, const char *tag)
{
	return set_tag(d->rtag, tag);
}

static void set_target(verto_dialog *d, const char *contact)
{
	size_t n = contact ? strlen(contact) : 0;

	/* a target that does not fit is not taken (the old one stays) */
	if (n && n <= VERTO_DLG_TARGET_MAX)
		memcpy(d->target, contact, n + 1);
}

void verto_dialog_uas_start(verto_dialog *d, uint32_t cseq, const char *contact)
{
	d->rseq = cseq;
	d->rseq_set = 1;
	set_target(d, contact);
}

/* they called and their INVITE has no 2xx yet: its CANCEL (or a BYE on
 * its early dialog) may still end the call */
static int ringing_in(const verto_dialog *d)
{
	return d->inbound && !d->confirmed;
}

static int tag_is(const char *mine, const char *theirs)
{
	return mine[0] && theirs && strcmp(mine, theirs) == 0;
}

int verto_dialog_tags_match(const verto_dialog *d, verto_dlg_method m,
							const char *ftag, const char *ttag)
{
	if (!tag_is(d->rtag, ftag))
		return 0;
	/* RFC 3261 9.1: a CANCEL carries the To of the request it cancels;
	 * that of their initial INVITE had no tag (and only that one, while
	 * it is not answered) */
	if (m == VDM_CANCEL && (!ttag || !ttag[0]))
		return ringing_in(d);
	return tag_is(d->ltag, ttag);
}

static void reply(verto_dlg_out *out, int code)
{
	out->acts |= VDA_REPLY;
	out->code = code;
}

static void retry(verto_dlg_out *out)
{
	reply(out, 500);
	out->acts |= VDA_RETRY_AFTER;
}

/* a request that is not answered by the glue here: an ACK, or a CANCEL
 * (the SIP worker answered it, it matched a transaction there) */
static int unanswered(verto_dlg_method m)
{
	return m == VDM_ACK || m == VDM_CANCEL;
}

/* the ACK of our 2xx to a re-INVITE without SDP */
static void on_ack(verto_dialog *d, const verto_dlg_req *r, verto_dlg_out *out)
{
	if (!d->ack_sdp || (d->ack_cseq && r->has_cseq && r->cseq != d->ack_cseq)) {
		/* no offer of ours is out, or the ACK of another reply (a 491
		 * or a 500) */
		out->acts |= VDA_DROP;
		return;
	}
	d->ack_sdp = 0;
	if (!r->has_sdp) {
		out->acts |= VDA_ACK_NO_SDP | VDA_DROP;
	} else if (r->busy) {
		/* after the running step: no media request from here */
		d->ack_kept = 1;
		out->acts |= VDA_ACK_KEEP;
	} else {
		out->acts |= VDA_ACK_MEDIA;
	}
}

/* their re-INVITE or UPDATE, in order and with the right tags */
static void on_modify(verto_dialog *d, const verto_dlg_req *r,
					  verto_dlg_out *out)
{
	int invite = r->method == VDM_INVITE;
	int offer = r->has_sdp || invite; /* needs the media side */

	if (r->state != VCS_ACTIVE) {
		/* a 2xx to a re-INVITE without SDP must carry an offer: not
		 * before the call is answered (e.g. a 2xx that crossed our
		 * CANCEL) nor after */
		reply(out, r->has_sdp ? 488 : invite ? 491 : 200);
	} else if (offer && (r->hold_pending || d->ack_sdp)) {
		reply(out, 491); /* our own offer is out: glare */
	} else if (offer && r->busy && d->peer_reply) {
		/* their earlier re-INVITE/UPDATE is still being answered */
		retry(out);
	} else if (offer && (r->busy || r->transferring)) {
		/* the call waits for a media step, or its transfer moves the
		 * media */
		reply(out, 491);
	} else if (r->has_sdp) {
		out->acts |= VDA_TARGET | VDA_MEDIA;
	} else if (invite) {
		out->acts |= VDA_TARGET | VDA_OFFER;
	} else {
		out->acts |= VDA_TARGET;
		reply(out, 200);
	}
	if ((out->acts & VDA_REPLY) && out->code < 300)
		out->acts |= VDA_CLINE;
	if ((out->acts & VDA_TARGET) && r->contact)
		set_target(d, r->contact);
}

/*
 * An INFO in one of the early dialogs a later 1xx replaced, in a call we
 * placed that is not answered yet (e.g. from the entry point the router
 * failed over from): taken as in the current early dialog, in that
 * dialog's own CSeq order. 1 when it was such an INFO (out filled).
 */
static int older_early_info(verto_dialog *d, const verto_dlg_req *r,
							verto_dlg_out *out)
{
	verto_dlg_early *e = NULL;
	unsigned i;

	if (r->method != VDM_INFO || d->inbound || d->confirmed || d->retired ||
		!r->has_call || !tag_is(d->ltag, r->ttag))
		return 0;
	for (i = 0; i < VERTO_DLG_EARLY_MAX && !e; i++)
		if (tag_is(d->older[i].tag, r->ftag))
			e = &d->older[i];
	if (!e)
		return 0;
	if (r->has_cseq && e->rseq_set && r->cseq <= e->rseq) {
		out->acts |= VDA_OUT_OF_ORDER; /* answered, not acted on */
	} else {
		if (r->has_cseq) {
			e->rseq = r->cseq;
			e->rseq_set = 1;
		}
		out->acts |= VDA_E_INFO;
	}
	reply(out, 200);
	return 1;
}

int verto_dialog_request(verto_dialog *d, const verto_dlg_req *r,
						 verto_dlg_out *out)
{
	verto_dlg_method m = r->method;

	memset(out, 0, sizeof(*out));
	if ((unsigned)m >= VDM_COUNT)
		m = VDM_OTHER;
	if (!d) {
		/* no call has that Call-ID (any more) */
		if (unanswered(m))
			out->acts |= VDA_DROP;
		else
			reply(out, 481);
		return 0;
	}
	if (older_early_info(d, r, out))
		return 0;
	if (!verto_dialog_tags_match(d, m, r->ftag, r->ttag)) {
		/* not a request of this dialog: nothing changes */
		d->refused++;
		out->acts |= VDA_REFUSED;
		if (m == VDM_ACK || m == VDM_CANCEL)
			out->acts |= VDA_DROP;
		else
			reply(out, 481);
		return -1;
	}
	if (d->lookup) {
		/* their INVITE has no final reply yet: only its CANCEL counts */
		if (m == VDM_CANCEL && r->cancels == VDC_INITIAL)
			out->acts |= VDA_LOOKUP_CANCEL;
		else if (unanswered(m))
			out->acts |= VDA_DROP;
		else
			reply(out, 481);
		return 0;
	}
	if (d->retired) {
		/* the call went on in another dialog: only this one's end */
		if (m == VDM_BYE)
			out->acts |= VDA_RETIRED_END;
		if (unanswered(m))
			out->acts |= VDA_DROP;
		else
			reply(out, m == VDM_BYE ? 200 : 481);
		return 0;
	}
	if (!r->has_call) {
		if (unanswered(m))
			out->acts |= VDA_DROP;
		else
			reply(out, 481);
		return 0;
	}
	if (m == VDM_ACK) {
		on_ack(d, r, out);
		return 0;
	}
	if (m == VDM_CANCEL) {
		/* of the re-INVITE being answered, or of their initial INVITE */
		if (r->cancels == VDC_PEER && d->peer_reply && d->peer_invite)
			d->peer_cancel = 1;
		else if (r->cancels == VDC_INITIAL && ringing_in(d))
			out->acts |= VDA_E_CANCEL;
		else
			out->acts |= VDA_DROP;
		return 0;
	}
	if (r->has_cseq && d->rseq_set && r->cseq <= d->rseq) {
		/* RFC 3261 12.2.2: out of order (or a retransmission that tm
		 * did not absorb) */
		out->acts |= VDA_OUT_OF_ORDER;
		if (m == VDM_INVITE || m == VDM_UPDATE || m == VDM_REFER) {
			retry(out);
			return 0;
		}
		if (m != VDM_BYE) {
			/* NOTIFY, INFO: answered, not acted on */
			reply(out, m == VDM_OTHER ? 405 : 200);
			return 0;
		}
		/* a BYE still ends the call */
	} else if (r->has_cseq) {
		d->rseq = r->cseq;
		d->rseq_set = 1;
		out->acts |= VDA_DLG_UPDATE;
	}
	switch (m) {
	case VDM_INVITE:
	case VDM_UPDATE:
		on_modify(d, r, out);
		break;
	case VDM_BYE:
		/* a re-INVITE/UPDATE being answered gets 487 */
		if (d->peer_reply)
			d->peer_cancel = 1;
		/* on the early dialog of their unanswered INVITE it ends the
		 * call as a CANCEL does: the INVITE gets 487 (RFC 3261 15.1.2) */
		out->acts |= ringing_in(d) ? VDA_E_CANCEL : VDA_E_BYE;
		reply(out, 200);
		break;
	case VDM_NOTIFY:
		if (d->refer_sent && r->event_refer)
			out->acts |= VDA_E_TRANSFER;
		reply(out, 200);
		break;
	case VDM_INFO:
		/* the glue reads the body: 200, 400 or 415 */
		out->acts |= VDA_E_INFO;
		reply(out, 200);
		break;
	case VDM_REFER:
		/* the transfer core decides (verto_refer_decide) */
		d->refers++;
		out->acts |= VDA_E_REFER;
		reply(out, 202);
		break;
	default:
		reply(out, 405);
		break;
	}
	return 0;
}

int verto_dialog_media(verto_dialog *d, int is_invite, verto_dlg_media how,
					   verto_dlg_out *out)
{
	memset(out, 0, sizeof(*out));
	switch (how) {
	case VDMS_STARTED:
		d->peer_reply = 1;
		d->peer_invite = is_invite ? 1 : 0;
		d->peer_cancel = 0;
		break;
	case VDMS_FULL:
		retry(out);
		break;
	case VDMS_OK:
		reply(out, 200);
		out->acts |= VDA_CLINE;
		break;
	default:
		reply(out, 488); /* rtpengine failed: the call stays */
		break;
	}
	return 0;
}

int verto_dialog_media_done(verto_dialog *d, int ok, verto_dlg_out *out)
{
	memset(out, 0, sizeof(*out));
	if (!d->peer_reply) {
		out->acts |= VDA_DROP;
		return -1;
	}
	if (d->peer_cancel)
		reply(out, 487); /* a BYE or CANCEL came meanwhile */
	else if (ok)
		reply(out, 200);
	else
		reply(out, 488);
	if (out->code < 300)
		out->acts |= VDA_CLINE;
	d->peer_reply = d->peer_invite = d->peer_cancel = 0;
	return 0;
}

int verto_dialog_offer(verto_dialog *d, int ok, uint32_t cseq, int has_cseq,
					   verto_dlg_out *out)
{
	memset(out, 0, sizeof(*out));
	if (!ok) {
		reply(out, 500);
		return 0;
	}
	d->ack_sdp = 1;
	d->ack_cseq = has_cseq ? cseq : 0;
	reply(out, 200);
	out->acts |= VDA_CLINE;
	return 0;
}

int verto_dialog_ack_release(verto_dialog *d, int busy)
{
	if (!d->ack_kept || busy)
		return 0;
	d->ack_kept = 0;
	return 1;
}

/*
 * Our INVITE's dialog with them moves to the one tagged tag (a 1xx of
 * another early dialog, or the 2xx): the remote tag and its CSeq become
 * that dialog's (where it was if it is an earlier early dialog, else
 * none yet); the dialog it replaces goes first into older (the oldest
 * drops out). 1 when the tag changed.
 */
static int remote_moves(verto_dialog *d, const char *tag)
{
	verto_dlg_early list[VERTO_DLG_EARLY_MAX + 1];
	unsigned i, n = 0;

	if (strcmp(d->rtag, tag) == 0)
		return 0;
	if (d->rtag[0]) {
		memcpy(list[0].tag, d->rtag, sizeof(list[0].tag));
		list[0].rseq = d->rseq;
		list[0].rseq_set = d->rseq_set;
		n = 1;
	}
	d->rseq = 0;
	d->rseq_set = 0;
	for (i = 0; i < VERTO_DLG_EARLY_MAX; i++) {
		if (!d->older[i].tag[0])
			continue;
		if (strcmp(d->older[i].tag, tag) == 0) {
			d->rseq = d->older[i].rseq;
			d->rseq_set = d->older[i].rseq_set;
		} else {
			list[n++] = d->older[i];
		}
	}
	memset(d->older, 0, sizeof(d->older));
	memcpy(d->older, list,
		   (n < VERTO_DLG_EARLY_MAX ? n : VERTO_DLG_EARLY_MAX) *
				   sizeof(list[0]));
	memcpy(d->rtag, tag, strlen(tag) + 1);
	return 1;
}

unsigned verto_dialog_reply(verto_dialog *d, verto_dlg_ours k, int code,
							const char *totag, const char *contact, int has_msg,
							int has_sdp)
{
	unsigned acts = 0;
	int tagged =
			has_msg && totag && totag[0] && strlen(totag) <= VERTO_DLG_TAG_MAX;
	int moved = 0;

	switch (k) {
	case VDO_INVITE:
		/* the remote tag: the latest early dialog's (the latest 1xx with a
		 * To tag) until the 2xx's; never after the dialog is confirmed */
		if (tagged && !d->confirmed && code > 100 && code < 300)
			moved = remote_moves(d, totag);
		if (code < 200) {
			d->got_1xx = 1;
			if (d->cancel_pending) {
				d->cancel_pending = 0;
				return VDR_SEND_CANCEL;
			}
			if (code == 100 || !has_msg)
				return 0;
			if (moved)
				acts |= VDR_EARLY_DLG;
			acts |= has_sdp ? VDR_E_EARLY : VDR_E_PROGRESS;
		} else if (code < 300) {
			if (d->confirmed)
				/* another branch's answer (RFC 3261 13.2.2.4): ACK and
				 * BYE; the dialog's own (tm absorbs its retransmissions)
				 * or one without a usable tag: logged */
				return tagged && strcmp(totag, d->rtag) != 0 ? VDR_OTHER_2XX
															 : VDR_LOG;
			d->confirmed = 1;
			/* the other early dialogs end with the INVITE transaction */
			memset(d->older, 0, sizeof(d->older));
			if (has_msg) {
				acts |= VDR_CONFIRM_DLG;
				set_target(d, contact);
			}
			acts |= VDR_E_ANSWER;
		} else {
			acts |= VDR_E_FAILURE;
		}
		return acts;
	case VDO_REINVITE:
		if (code < 200)
			return 0;
		if (code < 300) {
			if (has_msg) {
				acts |= VDR_TARGET_DLG;
				set_target(d, contact);
			}
			return acts | VDR_E_REINVITE_OK;
		}
		return VDR_E_REINVITE_FAIL;
	case VDO_REFER:
		/* a refused REFER is the transfer's final outcome */
		return code >= 300 && has_msg ? VDR_TRANSFER_FAIL | VDR_LOG : VDR_LOG;
	default:
		return VDR_LOG;
	}
}

verto_dlg_hangup verto_dialog_cancel(verto_dialog *d)
{
	if (!d->got_1xx) {
		/* RFC 3261 9.1: no CANCEL before a provisional reply */
		d->cancel_pending = 1;
		return VDH_CANCEL_LATER;
	}
	d->cancel_pending = 0;
	return VDH_CANCEL;
}

verto_dlg_hangup verto_dialog_hangup(verto_dialog *d)
{
	if (d->inbound || d->confirmed)
		return VDH_BYE;
	return verto_dialog_cancel(d);
}

void verto_dialog_refer_sent(verto_dialog *d)
{
	d->refer_sent = 1;
}

int verto_dialog_info_ok(const verto_dialog *d)
{
	if (!d->rtag[0] || !d->ltag[0] || d->lookup)
		return 0;
	if (d->inbound)
		return d->confirmed;
	return d->confirmed || (d->got_1xx && !d->cancel_pending);
}

/* the 2xx gate's state: 2xx taken (bits 0-3), refusals logged */
#define GATE_TAKEN		 0xfu
#define GATE_LOG_FOREIGN (1u << 4)
#define GATE_LOG_OVER	 (1u << 5)
_Static_assert(1 + VERTO_DLG_OTHER_2XX_MAX <= GATE_TAKEN,
			   "the taken count fits its bits");
_Static_assert(GATE_LOG_OVER < (1u << VERTO_DLG_GATE_BITS),
			   "VERTO_DLG_GATE_BITS covers the state");

unsigned verto_dialog_2xx_gate(uint32_t *state, int ids_ok)
{
	uint32_t st = *state & ((1u << VERTO_DLG_GATE_BITS) - 1);
	uint32_t logged = ids_ok ? GATE_LOG_OVER : GATE_LOG_FOREIGN;
	unsigned v;

	if (ids_ok && (st & GATE_TAKEN) < 1 + VERTO_DLG_OTHER_2XX_MAX) {
		*state = st + 1;
		return VD2_TAKE;
	}
	v = ids_ok ? VD2_OVER : VD2_FOREIGN;
	if (!(st & logged))
		v |= VD2_LOG;
	*state = st | logged;
	return v;
}

void verto_dialog_replied(verto_dialog *d, int code)
{
	if (code >= 200 && code < 300)
		d->confirmed = 1;
}
