/*
 * verto_call.c - per-call state machine. Contracts in verto_call.h; the
 * mapping it implements is the table in docs/contact-center.md.
 */
#include <string.h>

#include "verto_call.h"

static const char *const state_names[] = {
		[VCS_IDLE] = "idle",	   [VCS_OUT_CALLING] = "calling",
		[VCS_OUT_EARLY] = "early", [VCS_IN_RINGING] = "ringing",
		[VCS_ACTIVE] = "active",   [VCS_CANCELLING] = "cancelling",
		[VCS_DONE] = "done",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == VCS_COUNT,
			   "state names out of step with enum verto_call_state");

static const char *const event_names[] = {
		[VCE_V_INVITE] = "verto.invite",
		[VCE_V_ANSWER] = "verto.answer",
		[VCE_V_BYE] = "verto.bye",
		[VCE_V_HOLD] = "hold",
		[VCE_V_UNHOLD] = "unhold",
		[VCE_V_TOGGLEHOLD] = "toggleHold",
		[VCE_V_DTMF] = "dtmf",
		[VCE_V_TRANSFER] = "transfer",
		[VCE_WS_LOST] = "ws-lost",
		[VCE_WS_BACK] = "ws-back",
		[VCE_GRACE_OVER] = "grace-over",
		[VCE_RING_TIMEOUT] = "ring-timeout",
		[VCE_S_INVITE] = "sip-invite",
		[VCE_S_PROGRESS] = "sip-1xx",
		[VCE_S_EARLY] = "sip-1xx-sdp",
		[VCE_S_ANSWER] = "sip-2xx",
		[VCE_S_FAILURE] = "sip-failure",
		[VCE_S_BYE] = "sip-bye",
		[VCE_S_CANCEL] = "sip-cancel",
		[VCE_S_REINVITE_OK] = "sip-reinvite-2xx",
		[VCE_S_REINVITE_FAIL] = "sip-reinvite-failure",
};
_Static_assert(sizeof(event_names) / sizeof(event_names[0]) == VCE_COUNT,
			   "event names out of step with enum verto_call_event");

const char *verto_call_state_name(verto_call_state s)
{
	return (unsigned)s < VCS_COUNT ? state_names[s] : "invalid";
}

const char *verto_call_event_name(verto_call_event e)
{
	return (unsigned)e < VCE_COUNT ? event_names[e] : "invalid";
}

int verto_call_event_is_request(verto_call_event e)
{
	return e <= VCE_V_TRANSFER;
}

/* the event is not valid now: a request gets an error, others nothing */
static int refuse(verto_call_event ev, verto_call_out *out)
{
	if (verto_call_event_is_request(ev)) {
		out->acts = VCA_V_ERROR;
		out->cause = VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE;
	}
	return -1;
}

static int done(verto_call_fsm *c, unsigned acts, verto_call_out *out)
{
	c->state = VCS_DONE;
	out->acts |= acts;
	return 0;
}

static int step_idle(verto_call_fsm *c, verto_call_event ev,
					 verto_call_out *out)
{
	switch (ev) {
	case VCE_V_INVITE:
		c->outbound = 1;
		c->state = VCS_OUT_CALLING;
		out->acts = VCA_M_OFFER | VCA_S_INVITE | VCA_V_RESULT;
		return 0;
	case VCE_S_INVITE:
		c->outbound = 0;
		c->state = VCS_IN_RINGING;
		out->acts = VCA_M_OFFER | VCA_V_INVITE;
		return 0;
	default:
		return refuse(ev, out);
	}
}

/*
 * 180 Ringing and 183 Session Progress say the user is being alerted; 181
 * (forwarded), 182 (queued) and others do not (RFC 3398 cause mapping)
 */
static int alerting(int sip_code)
{
	return sip_code == 180 || sip_code == 183;
}

/* outbound call before the answer (calling or early) */
static int step_out(verto_call_fsm *c, verto_call_event ev, int ev_sdp,
					int sip_code, verto_call_out *out)
{
	int early = c->state == VCS_OUT_EARLY;

	switch (ev) {
	case VCE_S_PROGRESS:
		c->alerted |= alerting(sip_code);
		return 0;
	case VCE_S_EARLY:
		c->alerted |= alerting(sip_code);
		if (early)
			return 0; /* the browser took the first early answer */
		c->state = VCS_OUT_EARLY;
		c->media_sent = 1;
		out->acts = VCA_M_ANSWER | VCA_V_MEDIA;
		return 0;
	case VCE_S_ANSWER:
		if (!ev_sdp && !early) {
			/* a 2xx to an offer must carry the answer */
			out->cause = VERTO_CAUSE_INCOMPATIBLE_DESTINATION;
			return done(c, VCA_S_BYE | VCA_M_DELETE | VCA_V_BYE, out);
		}
		c->state = VCS_ACTIVE;
		out->acts = (ev_sdp ? VCA_M_ANSWER : 0) | VCA_V_ANSWER;
		return 0;
	case VCE_S_FAILURE:
		/* 480/408 after ringing: Q.850 19, the user was alerted but did
		 * not answer (18 and 102 otherwise, RFC 3398) */
		if (c->alerted && (sip_code == 480 || sip_code == 408))
			out->cause = VERTO_CAUSE_NO_ANSWER;
		else
			out->cause = verto_cause_from_sip(sip_code);
		return done(c, VCA_M_DELETE | VCA_V_BYE, out);
	case VCE_V_BYE:
		c->state = VCS_CANCELLING;
		out->acts = VCA_S_CANCEL | VCA_M_DELETE | VCA_V_RESULT;
		return 0;
	case VCE_WS_LOST:
		/* unanswered calls are cancelled at once */
		c->detached = 1;
		c->state = VCS_CANCELLING;
		out->acts = VCA_S_CANCEL | VCA_M_DELETE;
		return 0;
	case VCE_V_DTMF:
		if (!early)
			return refuse(ev, out);
		out->acts = VCA_S_DTMF | VCA_V_RESULT;
		return 0;
	default:
		return refuse(ev, out);
	}
}

static int step_ringing(verto_call_fsm *c, verto_call_event ev,
						verto_call_out *out)
{
	switch (ev) {
	case VCE_V_ANSWER:
		c->state = VCS_ACTIVE;
		out->acts = VCA_M_ANSWER | VCA_S_REPLY | VCA_V_RESULT;
		out->sip_code = 200;
		return 0;
	case VCE_V_BYE:
		out->sip_code = 486;
		return done(c, VCA_S_REPLY | VCA_M_DELETE | VCA_V_RESULT, out);
	case VCE_S_CANCEL:
		out->sip_code = 487;
		out->cause = VERTO_CAUSE_ORIGINATOR_CANCEL;
		return done(c, VCA_S_REPLY | VCA_M_DELETE | VCA_V_BYE, out);
	case VCE_WS_LOST:
		c->detached = 1;
		out->sip_code = 480;
		return done(c, VCA_S_REPLY | VCA_M_DELETE, out);
	case VCE_RING_TIMEOUT:
		/* nobody answered: 480, the browsers stop ringing */
		out->sip_code = 480;
		out->cause = VERTO_CAUSE_NO_ANSWER;
		return done(c, VCA_S_REPLY | VCA_M_DELETE | VCA_V_BYE, out);
	default:
		return refuse(ev, out);
	}
}

/* hold, unhold, toggleHold in an active call */
static int step_hold(verto_call_fsm *c, verto_call_event ev,
					 verto_call_out *out)
{
	int want;

	if (c->hold_pending)
		return refuse(ev, out);
	want = ev == VCE_V_HOLD ? 1 : ev == VCE_V_UNHOLD ? 0 : !c->held;
	if (want == (int)c->held) {
		out->acts = VCA_V_RESULT; /* already there */
		return 0;
	}
	c->held = want;
	c->hold_pending = 1;
	out->acts = VCA_S_REINVITE | VCA_DEFER;
	return 0;
}

static int step_active(verto_call_fsm *c, verto_call_event ev,
					   verto_call_out *out)
{
	switch (ev) {
	case VCE_V_BYE:
		return done(c, VCA_S_BYE | VCA_M_DELETE | VCA_V_RESULT, out);
	case VCE_S_BYE:
		out->cause = VERTO_CAUSE_NORMAL_CLEARING;
		return done(c, VCA_V_BYE | VCA_M_DELETE, out);
	case VCE_V_HOLD:
	case VCE_V_UNHOLD:
	case VCE_V_TOGGLEHOLD:
		return step_hold(c, ev, out);
	case VCE_S_REINVITE_OK:
		if (!c->hold_pending)
			return -1;
		c->hold_pending = 0;
		out->acts = VCA_V_RESULT;
		return 0;
	case VCE_S_REINVITE_FAIL:
		if (!c->hold_pending)
			return -1;
		c->hold_pending = 0;
		c->held = !c->held;
		out->acts = VCA_V_ERROR;
		out->cause = VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE;
		return 0;
	case VCE_V_DTMF:
		out->acts = VCA_S_DTMF | VCA_V_RESULT;
		return 0;
	case VCE_V_TRANSFER:
		out->acts = VCA_S_REFER | VCA_V_RESULT;
		return 0;
	case VCE_V_ANSWER:
		/* the browser's answer to our verto.attach */
		if (c->detached)
			return refuse(ev, out);
		out->acts = VCA_M_ANSWER | VCA_V_RESULT;
		return 0;
	case VCE_WS_LOST:
		if (c->detached)
			return 0;
		c->detached = 1;
		out->acts = VCA_TIMER;
		return 0;
	case VCE_WS_BACK:
		if (!c->detached)
			return -1;
		c->detached = 0;
		out->acts = VCA_V_ATTACH;
		return 0;
	case VCE_GRACE_OVER:
		if (!c->detached)
			return -1;
		return done(c, VCA_S_BYE | VCA_M_DELETE, out);
	case VCE_S_ANSWER:
	case VCE_S_PROGRESS:
	case VCE_S_EARLY:
		return 0; /* retransmissions, late provisionals */
	default:
		return refuse(ev, out);
	}
}

static int step_cancelling(verto_call_fsm *c, verto_call_event ev,
						   verto_call_out *out)
{
	switch (ev) {
	case VCE_S_FAILURE:
		return done(c, 0, out);
	case VCE_S_ANSWER:
		/* 2xx crossed our CANCEL: end the dialog it made */
		return done(c, VCA_S_BYE, out);
	case VCE_S_PROGRESS:
	case VCE_S_EARLY:
	case VCE_WS_LOST:
		return 0;
	default:
		return refuse(ev, out);
	}
}

int verto_call_step(verto_call_fsm *c, verto_call_event ev, int ev_sdp,
					int sip_code, verto_call_out *out)
{
	memset(out, 0, sizeof(*out));
	if ((unsigned)ev >= VCE_COUNT)
		return -1;
	switch (c->state) {
	case VCS_IDLE:
		return step_idle(c, ev, out);
	case VCS_OUT_CALLING:
	case VCS_OUT_EARLY:
		return step_out(c, ev, ev_sdp, sip_code, out);
	case VCS_IN_RINGING:
		return step_ringing(c, ev, out);
	case VCS_ACTIVE:
		return step_active(c, ev, out);
	case VCS_CANCELLING:
		return step_cancelling(c, ev, out);
	default:
		return refuse(ev, out);
	}
}
