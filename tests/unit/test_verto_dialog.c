/*
 * test_verto_dialog.c - the SIP dialog core of iwg_verto
 * (modules/iwg_verto/verto_dialog.c): tag checks, CSeq order, glare, the
 * ACK's SDP, the 481/487/488/491/500 choices, remote target and tags of
 * replies, hang-up and CANCEL timing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_dialog.h"

/* a call the contact center placed to us, answered: their tag "cc", ours
 * "me", their INVITE had CSeq 10 */
static void answered_inbound(verto_dialog *d)
{
	verto_dialog_init(d, 1);
	assert_int_equal(verto_dialog_set_ltag(d, "me"), 0);
	assert_int_equal(verto_dialog_set_rtag(d, "cc"), 0);
	verto_dialog_uas_start(d, 10, "sip:agent@10.0.0.1");
	verto_dialog_replied(d, 200);
}

/* a request of the dialog with the right tags, in an active, idle call */
static verto_dlg_req req(verto_dlg_method m, uint32_t cseq)
{
	verto_dlg_req r;

	memset(&r, 0, sizeof(r));
	r.method = m;
	r.cseq = cseq;
	r.has_cseq = 1;
	r.ftag = "cc";
	r.ttag = "me";
	r.has_call = 1;
	r.state = VCS_ACTIVE;
	return r;
}

static verto_dlg_out ask(verto_dialog *d, const verto_dlg_req *r)
{
	verto_dlg_out o;

	verto_dialog_request(d, r, &o);
	return o;
}

static void assert_reply(const verto_dlg_out *o, int code)
{
	assert_true(o->acts & VDA_REPLY);
	assert_int_equal(o->code, code);
}

static void tags_set_once(void **state)
{
	verto_dialog d;

	(void)state;
	verto_dialog_init(&d, 0);
	assert_int_equal(verto_dialog_set_ltag(&d, ""), -1);
	assert_int_equal(verto_dialog_set_ltag(&d, NULL), -1);
	assert_int_equal(verto_dialog_set_ltag(&d, "a1"), 0);
	assert_int_equal(verto_dialog_set_ltag(&d, "a1"), 0);
	assert_int_equal(verto_dialog_set_ltag(&d, "b2"), -1);
	assert_string_equal(d.ltag, "a1");
	char big[VERTO_DLG_TAG_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(verto_dialog_set_rtag(&d, big), -1);
	assert_string_equal(d.rtag, "");
}

static void tags_must_match_the_dialog(void **state)
{
	verto_dialog d;

	(void)state;
	answered_inbound(&d);
	assert_true(verto_dialog_tags_match(&d, VDM_BYE, "cc", "me"));
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, "cc", "xx"));
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, "xx", "me"));
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, "cc", NULL));
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, NULL, "me"));
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, "me", "cc"));
	/* a CANCEL without To tag: only of their initial INVITE, while it is
	 * not answered */
	assert_false(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", NULL));
	assert_true(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", "me"));
	verto_dialog_init(&d, 1);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_set_rtag(&d, "cc");
	verto_dialog_uas_start(&d, 10, NULL);
	assert_true(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", NULL));
	assert_true(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", ""));
	assert_false(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", "xx"));
	assert_false(verto_dialog_tags_match(&d, VDM_CANCEL, "xx", NULL));
	/* we called: no CANCEL of theirs is without To tag */
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_set_rtag(&d, "cc");
	assert_false(verto_dialog_tags_match(&d, VDM_CANCEL, "cc", NULL));
	/* an empty dialog tag matches nothing */
	verto_dialog_init(&d, 0);
	assert_false(verto_dialog_tags_match(&d, VDM_BYE, "", ""));
	assert_false(verto_dialog_tags_match(&d, VDM_CANCEL, "", NULL));
}

static void forged_requests_get_481_and_change_nothing(void **state)
{
	static const verto_dlg_method ms[] = {VDM_INVITE, VDM_UPDATE, VDM_BYE,
										  VDM_NOTIFY, VDM_INFO};
	verto_dialog d, before;
	verto_dlg_req r;
	verto_dlg_out o;
	size_t i;

	(void)state;
	answered_inbound(&d);
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		r = req(ms[i], 50);
		r.ttag = "forged";
		r.has_sdp = 1;
		r.contact = "sip:evil@10.9.9.9";
		before = d;
		assert_int_equal(verto_dialog_request(&d, &r, &o), -1);
		assert_int_equal(o.acts, VDA_REFUSED | VDA_REPLY);
		assert_int_equal(o.code, 481);
		assert_int_equal(d.refused, before.refused + 1);
		assert_int_equal(d.rseq, before.rseq);
		assert_string_equal(d.target, before.target);
		assert_string_equal(d.rtag, before.rtag);
		assert_string_equal(d.ltag, before.ltag);
		assert_int_equal(d.peer_reply, before.peer_reply);
		assert_int_equal(d.ack_sdp, before.ack_sdp);
		/* wrong From tag */
		r.ttag = "me";
		r.ftag = "other";
		assert_int_equal(verto_dialog_request(&d, &r, &o), -1);
		assert_int_equal(o.code, 481);
		assert_string_equal(d.target, "sip:agent@10.0.0.1");
		assert_int_equal(d.rseq, 10);
	}
	/* ACK and CANCEL: not answered here, dropped */
	r = req(VDM_ACK, 10);
	r.ftag = "x";
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_REFUSED | VDA_DROP);
	r = req(VDM_CANCEL, 60);
	r.ttag = NULL;
	r.ftag = "x";
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_REFUSED | VDA_DROP);
	assert_int_equal(d.refused, 12);
}

static void no_call_gets_481(void **state)
{
	verto_dlg_req r = req(VDM_BYE, 11);
	verto_dlg_out o;
	verto_dialog d;

	(void)state;
	o = ask(NULL, &r);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 481);
	r.method = VDM_ACK;
	assert_int_equal(ask(NULL, &r).acts, VDA_DROP);
	r.method = VDM_CANCEL;
	assert_int_equal(ask(NULL, &r).acts, VDA_DROP);
	/* the glue is there but the engine's call is gone */
	answered_inbound(&d);
	r = req(VDM_INVITE, 11);
	r.has_call = 0;
	o = ask(&d, &r);
	assert_reply(&o, 481);
	r.method = VDM_ACK;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
}

static void cseq_order(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	/* equal or lower: out of order */
	r = req(VDM_INVITE, 10);
	r.has_sdp = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_OUT_OF_ORDER | VDA_REPLY | VDA_RETRY_AFTER);
	assert_int_equal(o.code, 500);
	r.method = VDM_UPDATE;
	r.cseq = 3;
	o = ask(&d, &r);
	assert_int_equal(o.code, 500);
	assert_true(o.acts & VDA_RETRY_AFTER);
	r.method = VDM_NOTIFY;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_OUT_OF_ORDER | VDA_REPLY);
	assert_int_equal(o.code, 200);
	r.method = VDM_INFO;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_OUT_OF_ORDER | VDA_REPLY);
	assert_int_equal(d.rseq, 10);
	/* a BYE out of order still ends the call, CSeq unchanged */
	r.method = VDM_BYE;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_OUT_OF_ORDER);
	assert_true(o.acts & VDA_E_BYE);
	assert_false(o.acts & VDA_DLG_UPDATE);
	assert_int_equal(o.code, 200);
	assert_int_equal(d.rseq, 10);
	/* in order: taken */
	r = req(VDM_INFO, 11);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_INFO);
	assert_int_equal(d.rseq, 11);
	/* no CSeq to compare: answered, nothing taken */
	r = req(VDM_INFO, 0);
	r.has_cseq = 0;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_REPLY | VDA_E_INFO);
	assert_int_equal(d.rseq, 11);
	/* a call we placed: no remote CSeq before their first request */
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_reply(&d, VDO_INVITE, 200, "cc", "sip:a@h", 1, 1);
	r = req(VDM_INFO, 1);
	o = ask(&d, &r);
	assert_true(o.acts & VDA_DLG_UPDATE);
	assert_int_equal(d.rseq, 1);
	assert_true(d.rseq_set);
}

static void other_methods(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	/* a NOTIFY before any REFER of ours: answered, not passed on */
	r = req(VDM_NOTIFY, 11);
	r.event_refer = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY);
	assert_int_equal(o.code, 200);
	verto_dialog_refer_sent(&d);
	/* after it: transfer progress, with Event: refer only */
	r = req(VDM_NOTIFY, 12);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY);
	r = req(VDM_NOTIFY, 13);
	r.event_refer = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_TRANSFER);
	assert_int_equal(o.code, 200);
	r = req(VDM_OTHER, 14);
	o = ask(&d, &r);
	assert_int_equal(o.code, 405);
	r = req(VDM_OTHER, 14);
	o = ask(&d, &r);
	assert_int_equal(o.code, 405); /* out of order too */
	r = req(VDM_BYE, 15);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_BYE);
	/* CANCEL: no CSeq check, no reply here (the worker answered it);
	 * their INVITE is answered: nothing to cancel */
	r = req(VDM_CANCEL, 1);
	r.cancels = VDC_INITIAL;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DROP);
	assert_int_equal(d.rseq, 15);
}

static void modify_outcomes(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	/* with SDP in an idle active call: to rtpengine, target refreshed */
	r = req(VDM_INVITE, 11);
	r.has_sdp = 1;
	r.contact = "sip:agent@10.0.0.2";
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_TARGET | VDA_MEDIA);
	assert_string_equal(d.target, "sip:agent@10.0.0.2");
	/* re-INVITE without SDP: our offer */
	r = req(VDM_INVITE, 12);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_TARGET | VDA_OFFER);
	/* UPDATE without SDP: 200 */
	r = req(VDM_UPDATE, 13);
	o = ask(&d, &r);
	assert_int_equal(o.acts,
					 VDA_DLG_UPDATE | VDA_TARGET | VDA_REPLY | VDA_CLINE);
	assert_int_equal(o.code, 200);
	/* not active: 488 with SDP, 491 re-INVITE without, 200 UPDATE */
	r = req(VDM_UPDATE, 14);
	r.state = VCS_IN_RINGING;
	r.has_sdp = 1;
	r.contact = "sip:moved@h";
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY);
	assert_int_equal(o.code, 488);
	assert_string_equal(d.target, "sip:agent@10.0.0.2"); /* not taken */
	r = req(VDM_INVITE, 15);
	r.state = VCS_CANCELLING;
	o = ask(&d, &r);
	assert_int_equal(o.code, 491);
	r = req(VDM_UPDATE, 16);
	r.state = VCS_OUT_EARLY;
	o = ask(&d, &r);
	assert_int_equal(o.code, 200);
	assert_true(o.acts & VDA_CLINE);
	/* glare: our hold re-INVITE is out */
	r = req(VDM_INVITE, 17);
	r.hold_pending = 1;
	r.has_sdp = 1;
	o = ask(&d, &r);
	assert_int_equal(o.code, 491);
	assert_false(o.acts & (VDA_CLINE | VDA_TARGET));
	/* an UPDATE without SDP while our offer is out is fine */
	r = req(VDM_UPDATE, 18);
	r.hold_pending = 1;
	o = ask(&d, &r);
	assert_int_equal(o.code, 200);
	/* the call waits for a media step: 491 */
	r = req(VDM_UPDATE, 19);
	r.busy = 1;
	r.has_sdp = 1;
	o = ask(&d, &r);
	assert_int_equal(o.code, 491);
	assert_false(o.acts & VDA_RETRY_AFTER);
}

static void their_earlier_request_still_answered(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	r = req(VDM_INVITE, 11);
	r.has_sdp = 1;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_MEDIA);
	verto_dialog_media(&d, 1, VDMS_STARTED, &o);
	assert_int_equal(o.acts, 0);
	assert_true(d.peer_reply && d.peer_invite && !d.peer_cancel);
	/* another re-INVITE meanwhile: 500 with Retry-After */
	r = req(VDM_INVITE, 12);
	r.busy = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_RETRY_AFTER);
	assert_int_equal(o.code, 500);
	/* done: 200 with the connected line */
	assert_int_equal(verto_dialog_media_done(&d, 1, &o), 0);
	assert_int_equal(o.acts, VDA_REPLY | VDA_CLINE);
	assert_int_equal(o.code, 200);
	assert_false(d.peer_reply);
	/* nothing pending any more */
	assert_int_equal(verto_dialog_media_done(&d, 1, &o), -1);
	assert_int_equal(o.acts, VDA_DROP);
	/* failed: 488 */
	verto_dialog_media(&d, 0, VDMS_STARTED, &o);
	verto_dialog_media_done(&d, 0, &o);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 488);
}

static void bye_or_cancel_meanwhile_gives_487(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	verto_dialog_media(&d, 1, VDMS_STARTED, &o);
	/* a CANCEL matched to another transaction (one the sender made
	 * with our Call-ID) changes nothing */
	r = req(VDM_CANCEL, 11);
	r.busy = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DROP);
	assert_false(d.peer_cancel);
	r.cancels = VDC_INITIAL;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DROP);
	assert_false(d.peer_cancel);
	/* that of the re-INVITE being answered: its answer becomes 487 */
	r.cancels = VDC_PEER;
	o = ask(&d, &r);
	assert_false(o.acts & VDA_E_CANCEL);
	assert_true(d.peer_cancel);
	verto_dialog_media_done(&d, 1, &o);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 487);
	/* a CANCEL does not end an UPDATE (not an INVITE); a BYE does */
	verto_dialog_media(&d, 0, VDMS_STARTED, &o);
	r = req(VDM_CANCEL, 12);
	r.cancels = VDC_PEER;
	ask(&d, &r);
	assert_false(d.peer_cancel);
	r = req(VDM_BYE, 12);
	o = ask(&d, &r);
	assert_true(o.acts & VDA_E_BYE);
	assert_true(d.peer_cancel);
	verto_dialog_media_done(&d, 1, &o);
	assert_int_equal(o.code, 487);
	/* a BYE with nothing pending sets nothing */
	r = req(VDM_BYE, 13);
	ask(&d, &r);
	assert_false(d.peer_cancel);
}

static void media_in_the_loop(void **state)
{
	verto_dialog d;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	verto_dialog_media(&d, 1, VDMS_OK, &o);
	assert_int_equal(o.acts, VDA_REPLY | VDA_CLINE);
	assert_int_equal(o.code, 200);
	verto_dialog_media(&d, 1, VDMS_FAILED, &o);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 488);
	verto_dialog_media(&d, 0, VDMS_FULL, &o);
	assert_int_equal(o.acts, VDA_REPLY | VDA_RETRY_AFTER);
	assert_int_equal(o.code, 500);
	assert_false(d.peer_reply);
}

static void offer_in_2xx_and_the_ack(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	verto_dialog_offer(&d, 0, 11, 1, &o);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 500);
	assert_false(d.ack_sdp);
	/* an ACK with nothing outstanding: dropped */
	r = req(VDM_ACK, 11);
	r.has_sdp = 1;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	verto_dialog_offer(&d, 1, 11, 1, &o);
	assert_int_equal(o.acts, VDA_REPLY | VDA_CLINE);
	assert_int_equal(o.code, 200);
	assert_true(d.ack_sdp);
	/* a re-INVITE while our offer is out: glare */
	r = req(VDM_INVITE, 12);
	assert_int_equal(ask(&d, &r).code, 491);
	/* the ACK of that 491 (CSeq 12): not ours */
	r = req(VDM_ACK, 12);
	r.has_sdp = 1;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	assert_true(d.ack_sdp);
	/* the ACK of our 200: its SDP to rtpengine */
	r = req(VDM_ACK, 11);
	r.has_sdp = 1;
	assert_int_equal(ask(&d, &r).acts, VDA_ACK_MEDIA);
	assert_false(d.ack_sdp);
	/* a second ACK: dropped */
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	/* busy call: kept for later */
	verto_dialog_offer(&d, 1, 13, 1, &o);
	r = req(VDM_ACK, 13);
	r.has_sdp = 1;
	r.busy = 1;
	assert_int_equal(ask(&d, &r).acts, VDA_ACK_KEEP);
	assert_true(d.ack_kept);
	assert_int_equal(verto_dialog_ack_release(&d, 1), 0);
	assert_int_equal(verto_dialog_ack_release(&d, 0), 1);
	assert_int_equal(verto_dialog_ack_release(&d, 0), 0);
	/* without SDP: warned, the offer is over */
	verto_dialog_offer(&d, 1, 14, 1, &o);
	r = req(VDM_ACK, 14);
	assert_int_equal(ask(&d, &r).acts, VDA_ACK_NO_SDP | VDA_DROP);
	assert_false(d.ack_sdp);
	/* unknown CSeq of the offer: any ACK answers */
	verto_dialog_offer(&d, 1, 0, 0, &o);
	r = req(VDM_ACK, 99);
	r.has_sdp = 1;
	assert_int_equal(ask(&d, &r).acts, VDA_ACK_MEDIA);
}

static void call_being_looked_up(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	verto_dialog_init(&d, 1);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_set_rtag(&d, "cc");
	verto_dialog_uas_start(&d, 1, NULL);
	d.lookup = 1;
	r = req(VDM_CANCEL, 1);
	r.ttag = NULL;
	r.has_call = 0;
	/* matched to a transaction the sender made itself: nothing */
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	r.cancels = VDC_INITIAL;
	assert_int_equal(ask(&d, &r).acts, VDA_LOOKUP_CANCEL);
	r.ftag = "zz"; /* a forged CANCEL cancels nothing */
	assert_int_equal(ask(&d, &r).acts, VDA_REFUSED | VDA_DROP);
	r = req(VDM_BYE, 2);
	r.has_call = 0;
	assert_int_equal(ask(&d, &r).code, 481);
	r.method = VDM_ACK;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	/* offered to the browser, not answered: their CANCEL ends it, one
	 * matched to another transaction does not */
	d.lookup = 0;
	r = req(VDM_CANCEL, 1);
	r.ttag = NULL;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	r.cancels = VDC_PEER;
	assert_int_equal(ask(&d, &r).acts, VDA_DROP);
	r.cancels = VDC_INITIAL;
	assert_int_equal(ask(&d, &r).acts, VDA_E_CANCEL);
	/* a BYE on its early dialog ends it the same way (the INVITE 487) */
	r = req(VDM_BYE, 2);
	o = ask(&d, &r);
	assert_true(o.acts & VDA_E_CANCEL);
	assert_false(o.acts & VDA_E_BYE);
	assert_reply(&o, 200);
}

static void replies_to_our_invite(void **state)
{
	verto_dialog d;
	unsigned a;

	(void)state;
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	/* the browser hangs up before any 1xx: CANCEL later */
	assert_int_equal(verto_dialog_hangup(&d), VDH_CANCEL_LATER);
	assert_true(d.cancel_pending);
	a = verto_dialog_reply(&d, VDO_INVITE, 100, NULL, NULL, 1, 0);
	assert_int_equal(a, VDR_SEND_CANCEL);
	assert_false(d.cancel_pending);
	assert_true(d.got_1xx);
	/* after a 1xx: CANCEL now; BYE once confirmed */
	assert_int_equal(verto_dialog_cancel(&d), VDH_CANCEL);
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	assert_int_equal(verto_dialog_reply(&d, VDO_INVITE, 100, NULL, NULL, 1, 0),
					 0);
	assert_int_equal(verto_dialog_reply(&d, VDO_INVITE, 180, NULL, NULL, 0, 0),
					 0); /* local, no message */
	a = verto_dialog_reply(&d, VDO_INVITE, 180, "early1", NULL, 1, 0);
	assert_int_equal(a, VDR_EARLY_DLG | VDR_E_PROGRESS);
	assert_string_equal(d.rtag, "early1");
	/* the same early dialog again: nothing new */
	a = verto_dialog_reply(&d, VDO_INVITE, 180, "early1", NULL, 1, 0);
	assert_int_equal(a, VDR_E_PROGRESS);
	/* a second early dialog (the entry point failed over to): the latest
	 * 1xx's is the call's, the first is kept */
	a = verto_dialog_reply(&d, VDO_INVITE, 183, "early2", NULL, 1, 1);
	assert_int_equal(a, VDR_EARLY_DLG | VDR_E_EARLY);
	assert_string_equal(d.rtag, "early2");
	assert_string_equal(d.older[0].tag, "early1");
	/* a 100 with a tag does not count */
	a = verto_dialog_reply(&d, VDO_INVITE, 100, "trying", NULL, 1, 0);
	assert_int_equal(a, 0);
	assert_string_equal(d.rtag, "early2");
	/* the 2xx's tag is the dialog's; the early dialogs end */
	a = verto_dialog_reply(&d, VDO_INVITE, 200, "final", "sip:cc@10.0.0.3", 1,
						   1);
	assert_int_equal(a, VDR_CONFIRM_DLG | VDR_E_ANSWER);
	assert_string_equal(d.rtag, "final");
	assert_string_equal(d.target, "sip:cc@10.0.0.3");
	assert_string_equal(d.older[0].tag, "");
	assert_true(d.confirmed);
	assert_int_equal(verto_dialog_hangup(&d), VDH_BYE);
	/* another branch's 2xx: ACK and BYE it, the call's dialog stays */
	a = verto_dialog_reply(&d, VDO_INVITE, 200, "fork2", "sip:x@y", 1, 1);
	assert_int_equal(a, VDR_OTHER_2XX);
	assert_string_equal(d.rtag, "final");
	assert_string_equal(d.target, "sip:cc@10.0.0.3");
	/* so is an early dialog's, once another 2xx confirmed the call */
	a = verto_dialog_reply(&d, VDO_INVITE, 200, "early1", NULL, 1, 0);
	assert_int_equal(a, VDR_OTHER_2XX);
	/* the dialog's own 2xx again, or one without a usable tag: logged */
	a = verto_dialog_reply(&d, VDO_INVITE, 200, "final", "sip:x@y", 1, 1);
	assert_int_equal(a, VDR_LOG);
	a = verto_dialog_reply(&d, VDO_INVITE, 200, NULL, "sip:x@y", 1, 1);
	assert_int_equal(a, VDR_LOG);
	assert_string_equal(d.rtag, "final");
	/* a late 1xx changes nothing */
	a = verto_dialog_reply(&d, VDO_INVITE, 183, "early3", NULL, 1, 1);
	assert_false(a & VDR_EARLY_DLG);
	assert_string_equal(d.rtag, "final");
	/* failure */
	verto_dialog_init(&d, 0);
	a = verto_dialog_reply(&d, VDO_INVITE, 486, "t", NULL, 1, 0);
	assert_int_equal(a, VDR_E_FAILURE);
	assert_string_equal(d.rtag, "");
	/* a too long tag is not taken */
	char big[VERTO_DLG_TAG_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	verto_dialog_reply(&d, VDO_INVITE, 180, big, NULL, 1, 0);
	assert_string_equal(d.rtag, "");
	/* an inbound call is hung up with BYE */
	verto_dialog_init(&d, 1);
	assert_int_equal(verto_dialog_hangup(&d), VDH_BYE);
}

static void replies_to_our_other_requests(void **state)
{
	verto_dialog d;

	(void)state;
	answered_inbound(&d);
	assert_int_equal(
			verto_dialog_reply(&d, VDO_REINVITE, 100, NULL, NULL, 1, 0), 0);
	assert_int_equal(verto_dialog_reply(&d, VDO_REINVITE, 200, "me",
										"sip:agent@10.0.0.7", 1, 1),
					 VDR_TARGET_DLG | VDR_E_REINVITE_OK);
	assert_string_equal(d.target, "sip:agent@10.0.0.7");
	assert_int_equal(
			verto_dialog_reply(&d, VDO_REINVITE, 408, NULL, NULL, 0, 0),
			VDR_E_REINVITE_FAIL);
	assert_int_equal(verto_dialog_reply(&d, VDO_REFER, 202, NULL, NULL, 1, 0),
					 VDR_LOG);
	assert_int_equal(verto_dialog_reply(&d, VDO_REFER, 403, NULL, NULL, 1, 0),
					 VDR_TRANSFER_FAIL | VDR_LOG);
	assert_int_equal(verto_dialog_reply(&d, VDO_REFER, 408, NULL, NULL, 0, 0),
					 VDR_LOG);
	assert_int_equal(verto_dialog_reply(&d, VDO_OTHER, 200, NULL, NULL, 1, 0),
					 VDR_LOG);
	/* tags of the dialog never move with replies */
	assert_string_equal(d.rtag, "cc");
	assert_string_equal(d.ltag, "me");
}

/* our INFO (contact-center messages): in an early or confirmed dialog */
static void info_allowed_once_the_dialog_is_early(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	/* we called: nothing before a 1xx with a To tag */
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	assert_false(verto_dialog_info_ok(&d));
	verto_dialog_reply(&d, VDO_INVITE, 100, NULL, NULL, 1, 0);
	assert_false(verto_dialog_info_ok(&d)); /* no To tag yet */
	verto_dialog_reply(&d, VDO_INVITE, 182, "cc", "sip:q@h", 1, 0);
	assert_true(verto_dialog_info_ok(&d)); /* early: queued */
	/* their INFO in the early dialog is passed on too */
	r = req(VDM_INFO, 1);
	r.state = VCS_OUT_CALLING;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_E_INFO);
	assert_reply(&o, 200);
	verto_dialog_reply(&d, VDO_INVITE, 200, "cc", "sip:a@h", 1, 1);
	assert_true(verto_dialog_info_ok(&d));
	/* a 1xx without To tag makes no early dialog */
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_reply(&d, VDO_INVITE, 180, NULL, NULL, 1, 0);
	assert_false(verto_dialog_info_ok(&d));
	/* they called: only once we answered */
	verto_dialog_init(&d, 1);
	verto_dialog_set_ltag(&d, "me");
	verto_dialog_set_rtag(&d, "cc");
	verto_dialog_uas_start(&d, 10, NULL);
	assert_false(verto_dialog_info_ok(&d));
	verto_dialog_replied(&d, 200);
	assert_true(verto_dialog_info_ok(&d));
	/* a call from SIP whose user is looked up: never */
	d.lookup = 1;
	assert_false(verto_dialog_info_ok(&d));
}

/* a call we placed rings at entry point A (early dialog "a"), the router
 * fails over to B (early dialog "b"): B's is the call's early dialog, each
 * early dialog's INFOs are taken in its own CSeq order until the 2xx */
static void early_dialogs_after_failover(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;
	unsigned a;

	(void)state;
	verto_dialog_init(&d, 0);
	verto_dialog_set_ltag(&d, "me");
	a = verto_dialog_reply(&d, VDO_INVITE, 180, "a", "sip:a@h", 1, 0);
	assert_true(a & VDR_EARLY_DLG);
	r = req(VDM_INFO, 7);
	r.ftag = "a";
	r.state = VCS_OUT_CALLING;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_INFO);
	a = verto_dialog_reply(&d, VDO_INVITE, 182, "b", "sip:b@h", 1, 0);
	assert_int_equal(a, VDR_EARLY_DLG | VDR_E_PROGRESS);
	assert_string_equal(d.rtag, "b");
	assert_true(verto_dialog_info_ok(&d));
	/* B's CSeq space is its own: 1 is in order */
	r.ftag = "b";
	r.cseq = 1;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_INFO);
	assert_int_equal(d.rseq, 1);
	/* A's early dialog still takes INFO, in A's order, without touching
	 * the call's dialog (no tm update) */
	r.ftag = "a";
	r.cseq = 8;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_REPLY | VDA_E_INFO);
	assert_reply(&o, 200);
	assert_int_equal(d.older[0].rseq, 8);
	assert_int_equal(d.rseq, 1);
	o = ask(&d, &r); /* out of order there: 200, dropped */
	assert_int_equal(o.acts, VDA_OUT_OF_ORDER | VDA_REPLY);
	/* ... but nothing else: a BYE or UPDATE there is not the dialog's */
	r.method = VDM_UPDATE;
	r.cseq = 9;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
	assert_reply(&o, 481);
	/* nor an INFO with another To tag than ours */
	r.method = VDM_INFO;
	r.ttag = "other";
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
	r.ttag = "me";
	/* A's 1xx again: A's dialog is the call's again, where its CSeq was */
	a = verto_dialog_reply(&d, VDO_INVITE, 180, "a", "sip:a@h", 1, 0);
	assert_true(a & VDR_EARLY_DLG);
	assert_string_equal(d.rtag, "a");
	assert_int_equal(d.rseq, 8);
	assert_string_equal(d.older[0].tag, "b");
	assert_string_equal(d.older[1].tag, "");
	/* at most VERTO_DLG_EARLY_MAX earlier ones are kept, the oldest go */
	verto_dialog_reply(&d, VDO_INVITE, 180, "c", NULL, 1, 0);
	verto_dialog_reply(&d, VDO_INVITE, 180, "d", NULL, 1, 0);
	verto_dialog_reply(&d, VDO_INVITE, 180, "e", NULL, 1, 0);
	assert_string_equal(d.rtag, "e");
	assert_string_equal(d.older[0].tag, "d");
	assert_string_equal(d.older[1].tag, "c");
	assert_string_equal(d.older[2].tag, "a");
	r.ftag = "b";
	r.cseq = 2;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
	/* the 2xx of an earlier early dialog confirms that one, its CSeq
	 * where it was; no early dialog is left */
	a = verto_dialog_reply(&d, VDO_INVITE, 200, "a", "sip:a@h", 1, 1);
	assert_int_equal(a, VDR_CONFIRM_DLG | VDR_E_ANSWER);
	assert_string_equal(d.rtag, "a");
	assert_int_equal(d.rseq, 8);
	r.ftag = "d";
	r.cseq = 1;
	r.state = VCS_ACTIVE;
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
	/* a call from SIP has no such early dialogs */
	answered_inbound(&d);
	memcpy(d.older[0].tag, "x", 2);
	r.ftag = "x";
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
}

/* the contact center's REFER: to the transfer core in order, 500 out of
 * order; offers meanwhile 491; a retired dialog takes only its BYE */
/* tm reports every 2xx with a new To tag to our INVITE: the first ones
 * with our ids are taken (the call's answer and VERTO_DLG_OTHER_2XX_MAX
 * other dialogs), later ones and foreign ones never; each refusal kind is
 * logged once per transaction */
static void other_2xx_gate(void **state)
{
	uint32_t st = 0, kept;
	int i;

	(void)state;
	/* a 2xx without our Call-ID or From tag: refused, logged once, and it
	 * takes no place from the 2xx that carry them */
	assert_int_equal(verto_dialog_2xx_gate(&st, 0), VD2_FOREIGN | VD2_LOG);
	assert_int_equal(verto_dialog_2xx_gate(&st, 0), VD2_FOREIGN);
	for (i = 0; i < 1 + VERTO_DLG_OTHER_2XX_MAX; i++)
		assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_TAKE);
	assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_OVER | VD2_LOG);
	kept = st;
	/* thousands more change nothing: refused, never logged again, the
	 * state stays within its bits */
	for (i = 0; i < 5000; i++) {
		assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_OVER);
		assert_int_equal(verto_dialog_2xx_gate(&st, 0), VD2_FOREIGN);
	}
	assert_int_equal(st, kept);
	assert_true(st < (1u << VERTO_DLG_GATE_BITS));

	/* each refusal kind is logged once, whichever comes first */
	st = 0;
	for (i = 0; i < 1 + VERTO_DLG_OTHER_2XX_MAX; i++)
		assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_TAKE);
	assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_OVER | VD2_LOG);
	assert_int_equal(verto_dialog_2xx_gate(&st, 0), VD2_FOREIGN | VD2_LOG);
	assert_int_equal(verto_dialog_2xx_gate(&st, 1) & VD2_KIND, VD2_OVER);

	/* bits of the caller's word above the gate's are not the gate's */
	st = ~0u << VERTO_DLG_GATE_BITS;
	assert_int_equal(verto_dialog_2xx_gate(&st, 1), VD2_TAKE);
	assert_true(st < (1u << VERTO_DLG_GATE_BITS));
}

static void refer_and_retired_dialog(void **state)
{
	verto_dialog d;
	verto_dlg_req r;
	verto_dlg_out o;

	(void)state;
	answered_inbound(&d);
	r = req(VDM_REFER, 11);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DLG_UPDATE | VDA_REPLY | VDA_E_REFER);
	assert_int_equal(o.code, 202);
	assert_int_equal(d.refers, 1);
	r = req(VDM_REFER, 11);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_OUT_OF_ORDER | VDA_REPLY | VDA_RETRY_AFTER);
	assert_int_equal(o.code, 500);
	assert_int_equal(d.refers, 1);
	/* the transfer runs: their new SDP waits, an UPDATE without is fine */
	r = req(VDM_INVITE, 12);
	r.has_sdp = 1;
	r.transferring = 1;
	o = ask(&d, &r);
	assert_int_equal(o.code, 491);
	r = req(VDM_UPDATE, 13);
	r.transferring = 1;
	o = ask(&d, &r);
	assert_int_equal(o.code, 200);
	/* retired: a forged BYE is still refused, theirs ends it */
	d.retired = 1;
	r = req(VDM_BYE, 14);
	r.ftag = "forged";
	o = ask(&d, &r);
	assert_true(o.acts & VDA_REFUSED);
	assert_int_equal(o.code, 481);
	r = req(VDM_INFO, 14);
	r.has_call = 0;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_REPLY);
	assert_int_equal(o.code, 481);
	r = req(VDM_ACK, 14);
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_DROP);
	r = req(VDM_BYE, 15);
	r.has_call = 0;
	o = ask(&d, &r);
	assert_int_equal(o.acts, VDA_RETIRED_END | VDA_REPLY);
	assert_int_equal(o.code, 200);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(verto_dialog_method_name(VDM_INVITE), "re-INVITE");
	assert_string_equal(verto_dialog_method_name(VDM_ACK), "ACK");
	assert_string_equal(verto_dialog_method_name(VDM_REFER), "REFER");
	assert_string_equal(verto_dialog_method_name((verto_dlg_method)99),
						"request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(tags_set_once),
			cmocka_unit_test(tags_must_match_the_dialog),
			cmocka_unit_test(forged_requests_get_481_and_change_nothing),
			cmocka_unit_test(no_call_gets_481),
			cmocka_unit_test(cseq_order),
			cmocka_unit_test(other_methods),
			cmocka_unit_test(modify_outcomes),
			cmocka_unit_test(their_earlier_request_still_answered),
			cmocka_unit_test(bye_or_cancel_meanwhile_gives_487),
			cmocka_unit_test(media_in_the_loop),
			cmocka_unit_test(offer_in_2xx_and_the_ack),
			cmocka_unit_test(call_being_looked_up),
			cmocka_unit_test(replies_to_our_invite),
			cmocka_unit_test(replies_to_our_other_requests),
			cmocka_unit_test(info_allowed_once_the_dialog_is_early),
			cmocka_unit_test(early_dialogs_after_failover),
			cmocka_unit_test(other_2xx_gate),
			cmocka_unit_test(refer_and_retired_dialog),
			cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
