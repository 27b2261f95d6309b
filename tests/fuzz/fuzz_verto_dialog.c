/*
 * fuzz_verto_dialog.c - libFuzzer target for iwg_verto's SIP dialog core
 * (modules/iwg_verto/verto_dialog.c). The input is a sequence of events
 * against one dialog (requests of the contact center with any method,
 * CSeq and tags, replies to our requests, hang-ups, the ends of media
 * steps), driven the way verto_sip.c drives it. Invariants, each checked
 * after every event (abort() on a violation):
 *
 * - every request gets exactly one decision: a reply now, or a media step
 *   or our offer whose outcome then gives exactly one reply; an ACK or a
 *   CANCEL never gets a reply here;
 * - reply codes are among 200 405 481 487 488 491 500; Retry-After only
 *   with 500;
 * - a request is refused (481, or an ACK/CANCEL dropped) exactly when its
 *   tags are not the dialog's (nor, for an INFO before the 2xx to our
 *   INVITE, those of an early dialog a later 1xx replaced), and a refused
 *   request changes nothing;
 * - the remote CSeq never goes backwards within one remote dialog (that of
 *   an earlier early dialog neither);
 * - our tag never changes once set; the remote tag never changes once set
 *   except by a 1xx (not 100) or the first 2xx to our INVITE, and never
 *   after that 2xx; a later 2xx with another tag is VDR_OTHER_2XX, and
 *   only that;
 * - the remote target only changes with a taken re-INVITE/UPDATE or a 2xx;
 * - an INFO's body is read (VDA_E_INFO) only for an INFO in order, answered
 *   200 unless the body says otherwise; our INFO may go only in an early
 *   or confirmed dialog.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_dialog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct rd {
	const uint8_t *p;
	size_t n;
} rd;

static unsigned get(rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const char *const tags[] = {"cc", "me", "x", "", NULL, "early"};
static const char *const contacts[] = {NULL, "sip:a@10.0.0.1",
									   "sip:b@10.0.0.2"};

static int code_ok(int c)
{
	return c == 200 || c == 202 || c == 405 || c == 481 || c == 487 ||
		   c == 488 || c == 491 || c == 500;
}

static int same_str(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* the decision's reply is well formed; returns whether there is one */
static int check_reply(const verto_dlg_out *o)
{
	if (!(o->acts & VDA_REPLY)) {
		if (o->acts & VDA_RETRY_AFTER)
			abort();
		return 0;
	}
	if (!code_ok(o->code))
		abort();
	if ((o->acts & VDA_RETRY_AFTER) && o->code != 500)
		abort();
	return 1;
}

/* f is the tag of an early dialog a later 1xx replaced: its INFOs count */
static int older_ok(const verto_dialog *d, verto_dlg_method m, const char *f,
					const char *t, int has_call)
{
	unsigned i;

	if (m != VDM_INFO || d->inbound || d->confirmed || d->retired ||
		!has_call || !f || !d->ltag[0] || !t || strcmp(t, d->ltag))
		return 0;
	for (i = 0; i < VERTO_DLG_EARLY_MAX; i++)
		if (d->older[i].tag[0] && strcmp(f, d->older[i].tag) == 0)
			return 1;
	return 0;
}

static int tags_ok(const verto_dialog *d, verto_dlg_method m, const char *f,
				   const char *t, int has_call)
{
	if (older_ok(d, m, f, t, has_call))
		return 1;
	if (!d->rtag[0] || !f || strcmp(f, d->rtag))
		return 0;
	if (m == VDM_CANCEL && (!t || !t[0]))
		return d->inbound && !d->confirmed;
	return d->ltag[0] && t && strcmp(t, d->ltag) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd in = {data, size};
	verto_dialog d, before;
	verto_dlg_req r;
	verto_dlg_out o;
	int pending = 0; /* a request waits for its media step's answer */
	unsigned steps = 0, b;
	int rc;

	verto_dialog_init(&d, (int)(get(&in) & 1));
	if (d.inbound) {
		verto_dialog_set_ltag(&d, "me");
		verto_dialog_set_rtag(&d, "cc");
		verto_dialog_uas_start(&d, get(&in) % 8, contacts[1]);
	} else {
		verto_dialog_set_ltag(&d, "me");
	}
	while (in.n && steps++ < 256) {
		before = d;
		b = get(&in);
		switch (b % 8) {
		case 0:
		case 1:
		case 2: /* a request of the contact center */
			memset(&r, 0, sizeof(r));
			r.method = (verto_dlg_method)(get(&in) % (VDM_COUNT + 1));
			b = get(&in);
			r.has_cseq = (b & 7) != 0;
			r.cseq = d.rseq + (uint32_t)(b >> 3) - 8;
			b = get(&in);
			r.ftag = tags[b % 6];
			r.ttag = tags[(b / 6) % 6];
			b = get(&in);
			r.has_sdp = b & 1;
			r.has_call = (b & 6) != 0;
			r.hold_pending = (b >> 3) & 1;
			r.busy = pending || ((b >> 4) & 1);
			r.contact = contacts[(b >> 5) % 3];
			b = get(&in);
			r.state = (verto_call_state)(b % VCS_COUNT);
			if ((b >> 4) & 1)
				r.state = VCS_ACTIVE;
			r.cancels = (verto_dlg_cancels)((b >> 5) % 3);
			r.event_refer = (b >> 7) & 1;
			if (b & 0x40)
				verto_dialog_refer_sent(&d);
			b = get(&in);
			r.transferring = b & 1;
			/* a dialog the call left stays left */
			if ((b & 0x1e) == 0x1e)
				d.retired = before.retired = 1;
			d.lookup = before.lookup =
					d.inbound && !d.confirmed && r.state == VCS_IDLE;
			rc = verto_dialog_request(&d, &r, &o);
			if ((unsigned)r.method >= VDM_COUNT)
				r.method = VDM_OTHER;
			if ((rc < 0) != !tags_ok(&before, r.method, r.ftag, r.ttag,
									 r.has_call) ||
				(rc < 0) != !!(o.acts & VDA_REFUSED))
				abort();
			if (rc < 0 &&
				(d.rseq != before.rseq || d.rseq_set != before.rseq_set ||
				 !same_str(d.target, before.target) ||
				 d.peer_reply != before.peer_reply ||
				 d.peer_cancel != before.peer_cancel ||
				 d.ack_sdp != before.ack_sdp ||
				 d.refused != before.refused + 1))
				abort();
			/* transfer progress only after our REFER, of its package */
			if ((o.acts & VDA_E_TRANSFER) &&
				(r.method != VDM_NOTIFY || !d.refer_sent || !r.event_refer))
				abort();
			if (r.method == VDM_ACK || r.method == VDM_CANCEL) {
				if (o.acts & (VDA_REPLY | VDA_MEDIA | VDA_OFFER))
					abort();
				/* a CANCEL acts only on the transaction it matched */
				if (r.method == VDM_CANCEL &&
					(((o.acts & (VDA_E_CANCEL | VDA_LOOKUP_CANCEL)) &&
					  r.cancels != VDC_INITIAL) ||
					 (d.peer_cancel && !before.peer_cancel &&
					  r.cancels != VDC_PEER)))
					abort();
			} else {
				/* exactly one way to the answer */
				int ways = check_reply(&o) + !!(o.acts & VDA_MEDIA) +
						   !!(o.acts & VDA_OFFER);
				if (ways != 1)
					abort();
			}
			if (!(o.acts & VDA_TARGET) && !same_str(d.target, before.target))
				abort();
			/* a REFER goes to the transfer core only in order */
			if ((o.acts & VDA_E_REFER) &&
				(r.method != VDM_REFER ||
				 (o.acts & (VDA_REFUSED | VDA_OUT_OF_ORDER)) || o.code != 202))
				abort();
			/* a retired dialog: only its BYE, nothing for the call */
			if ((o.acts & VDA_RETIRED_END) &&
				(!d.retired || r.method != VDM_BYE || o.code != 200))
				abort();
			if (d.retired && rc == 0 &&
				(o.acts & (VDA_MEDIA | VDA_OFFER | VDA_E_BYE | VDA_E_CANCEL |
						   VDA_E_TRANSFER | VDA_E_INFO | VDA_E_REFER |
						   VDA_ACK_MEDIA | VDA_ACK_KEEP)))
				abort();
			/* an offer while the transfer moves the media: 491 */
			if (r.transferring && (o.acts & VDA_MEDIA))
				abort();
			/* an INFO's body is read only for an INFO taken in order */
			if ((o.acts & VDA_E_INFO) &&
				(r.method != VDM_INFO ||
				 (o.acts & (VDA_REFUSED | VDA_OUT_OF_ORDER)) || o.code != 200))
				abort();
			if (o.acts & VDA_MEDIA) {
				if (pending)
					abort(); /* the call was busy: never a second one */
				b = get(&in) % 4;
				verto_dialog_media(&d, r.method == VDM_INVITE,
								   (verto_dlg_media)b, &o);
				if (b == VDMS_STARTED) {
					if (o.acts)
						abort();
					pending = 1;
				} else if (!check_reply(&o)) {
					abort();
				}
			} else if (o.acts & VDA_OFFER) {
				verto_dialog_offer(&d, get(&in) & 1, r.cseq, r.has_cseq, &o);
				if (!check_reply(&o) || (o.code != 200 && o.code != 500))
					abort();
			}
			break;
		case 3: /* the media step ends */
			rc = verto_dialog_media_done(&d, get(&in) & 1, &o);
			if (pending) {
				if (rc || !check_reply(&o) ||
					(o.code != 200 && o.code != 487 && o.code != 488))
					abort();
				pending = 0;
			} else if (rc != -1 || o.acts != VDA_DROP) {
				abort();
			}
			break;
		case 4: { /* a reply to one of our requests */
			static const int codes[] = {100, 180, 183, 200, 202,
										403, 408, 486, 487, 603};
			verto_dlg_ours k = (verto_dlg_ours)(get(&in) % 4);
			int code = codes[get(&in) % 10];
			const char *t = tags[get(&in) % 6];

			b = get(&in);
			if (d.inbound && k == VDO_INVITE)
				k = VDO_REINVITE;
			unsigned acts =
					verto_dialog_reply(&d, k, code, t, contacts[(b >> 2) % 3],
									   b & 1, (b >> 1) & 1);
			/* the remote tag moves only with our INVITE's replies before
			 * the dialog is confirmed: a 2xx, or a tagged 1xx (not 100) */
			if (!same_str(d.rtag, before.rtag) &&
				(before.confirmed || k != VDO_INVITE || code <= 100 ||
				 code >= 300))
				abort();
			/* another dialog's 2xx once confirmed, and only then */
			if (!!(acts & VDR_OTHER_2XX) !=
				(before.confirmed && k == VDO_INVITE && code >= 200 &&
				 code < 300 && (b & 1) && t && t[0] &&
				 !same_str(t, before.rtag)))
				abort();
			/* a new early dialog only when the tag moved */
			if ((acts & VDR_EARLY_DLG) && same_str(d.rtag, before.rtag))
				abort();
			if (!same_str(d.target, before.target) &&
				(code < 200 || code >= 300))
				abort();
			break;
		}
		case 5: /* the browser hangs up, or cancels */
			if (get(&in) & 1)
				(void)verto_dialog_hangup(&d);
			else
				(void)verto_dialog_cancel(&d);
			break;
		case 6: /* a call freed from its media step; our final reply */
			(void)verto_dialog_ack_release(&d, pending);
			if (d.inbound)
				verto_dialog_replied(&d, (get(&in) & 1) ? 200 : 486);
			break;
		default: /* tags are set once */
			if (verto_dialog_set_ltag(&d, tags[get(&in) % 6]) == 0 &&
				before.ltag[0] && !same_str(d.ltag, before.ltag))
				abort();
			if (verto_dialog_set_rtag(&d, tags[get(&in) % 6]) == 0 &&
				before.rtag[0] && !same_str(d.rtag, before.rtag))
				abort();
			break;
		}
		/* after every event */
		if (!same_str(d.ltag, before.ltag) && before.ltag[0])
			abort();
		if (same_str(d.rtag, before.rtag) && before.rseq_set &&
			(!d.rseq_set || d.rseq < before.rseq))
			abort();
		for (unsigned i = 0; i < VERTO_DLG_EARLY_MAX; i++)
			for (unsigned j = 0; j < VERTO_DLG_EARLY_MAX; j++)
				if (before.older[i].tag[0] && before.older[i].rseq_set &&
					same_str(before.older[i].tag, d.older[j].tag) &&
					(!d.older[j].rseq_set ||
					 d.older[j].rseq < before.older[i].rseq))
					abort();
		if (pending != (int)d.peer_reply)
			abort();
		/* our INFO only in an early (1xx with a To tag) or confirmed
		 * dialog, never while the user of a call from SIP is looked up */
		if (verto_dialog_info_ok(&d) &&
			(!d.rtag[0] || !d.ltag[0] || d.lookup ||
			 !(d.confirmed || (!d.inbound && d.got_1xx))))
			abort();
	}
	return 0;
}
