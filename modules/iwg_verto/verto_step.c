/*
 * verto_step.c - the Verto engine's calls in motion: feeding the call
 * state machine (verto_call.c), running the actions it decides in their
 * fixed order, media steps that run without waiting (ops.media_start),
 * the call's events held meanwhile, and the call timers (grace, ringing,
 * answer deadline of held requests). Contracts in verto_engine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "verto_engine_priv.h"

/* ---------------------------------------------------------------- busy */

static void set_busy(verto_engine *e, verto_call *c, int busy)
{
	call_priv *p = CP(c);

	p->busy = busy != 0;
	if (busy && !verto_list_on(&p->blink))
		verto_list_add_tail(&e->busy_calls, &p->blink);
	else if (!busy)
		verto_list_del(&p->blink);
}

/* ops.sip, then the call's SIP Call-ID re-indexed (the glue may set it) */
static int op_sip(verto_engine *e, verto_call *c, int what, int code,
				  const char *sdp, const char *text)
{
	int rc = e->ops.sip(e->ops.ctx, c, what, code, sdp, text);

	verto_engine_call_sync_sip(e, c);
	return rc;
}

static int op_media(verto_engine *e, verto_call *c, int kind, const char *in,
					char **out)
{
	int rc = e->ops.media(e->ops.ctx, c, kind, in, out);

	verto_engine_call_sync_sip(e, c);
	return rc;
}

/* ---------------------------------------------------------------- held */

static char *dup_or_null(const char *s, int *bad)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*bad = 1;
	return d;
}

static void held_free(verto_held_step *h)
{
	if (!h)
		return;
	json_object_put(h->id);
	free(h->in_sdp);
	free(h->text);
	free(h->action);
	free(h);
}

/* a copy of ax (and code); NULL when out of memory */
static verto_held_step *held_new(const act_ctx *ax, int code)
{
	verto_held_step *h = calloc(1, sizeof(*h));
	int bad = 0;

	if (!h)
		return NULL;
	h->ev = ax->ev;
	h->prev = ax->prev;
	h->code = code;
	h->conn = ax->conn;
	h->id = json_object_get(ax->id);
	h->in_sdp = dup_or_null(ax->in_sdp, &bad);
	h->text = dup_or_null(ax->text, &bad);
	h->action = dup_or_null(ax->action, &bad);
	h->replaces = ax->replaces;
	h->counted = ax->counted != 0;
	if (bad) {
		held_free(h);
		return NULL;
	}
	return h;
}

/* the act_ctx a held copy stands for (pointers into h) */
static void held_ax(const verto_held_step *h, act_ctx *ax)
{
	memset(ax, 0, sizeof(*ax));
	ax->ev = h->ev;
	ax->prev = h->prev;
	ax->conn = h->conn;
	ax->id = h->id;
	ax->in_sdp = h->in_sdp;
	ax->text = h->text;
	ax->action = h->action;
	ax->replaces = h->replaces;
	ax->counted = h->counted;
}

void verto_engine_call_drop_held(verto_engine *e, verto_call *c)
{
	call_priv *p = CP(c);
	verto_held_step *h;

	if (e && p->step && p->step->counted)
		verto_engine_ready_step_done(e, p->step->conn);
	held_free(p->step);
	p->step = NULL;
	p->busy = 0;
	if (e)
		verto_list_del(&p->blink);
	while ((h = p->queued)) {
		p->queued = h->next;
		if (e && h->conn && verto_call_event_is_request(h->ev))
			verto_engine_reply_call_error(e, h->conn, h->id,
										  "CALL DOES NOT EXIST",
										  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		if (e && h->counted)
			verto_engine_ready_step_done(e, h->conn);
		held_free(h);
	}
	p->q_tail = NULL;
}

int verto_engine_detached_after_queue(const verto_call *c)
{
	const verto_held_step *h;
	int last = 0;

	for (h = CP(c)->queued; h; h = h->next)
		if (h->ev == VCE_WS_LOST || h->ev == VCE_WS_BACK)
			last = h->ev;
	if (last)
		return last == VCE_WS_LOST;
	return c->fsm.detached && c->fsm.state == VCS_ACTIVE;
}

/* ---------------------------------------------------------------- output */

json_object *verto_engine_call_params(const verto_call *c)
{
	json_object *p = json_object_new_object();

	verto_engine_jadd(p, "callID", c->call_id);
	return p;
}

void verto_engine_add_party(json_object *p, const verto_call *c,
							verto_session *s)
{
	const char *login = s ? s->ident.login : "";
	int out = c->fsm.outbound;

	verto_engine_jadd(
			p, "caller_id_name",
			out ? (s && s->ident.display[0] ? s->ident.display : login)
				: (c->caller_name ? c->caller_name : ""));
	verto_engine_jadd(p, "caller_id_number",
					  out ? login : (c->caller_number ? c->caller_number : ""));
	verto_engine_jadd(p, "callee_id_name",
					  out ? (c->dest ? c->dest : "") : login);
	verto_engine_jadd(p, "callee_id_number",
					  out ? (c->dest ? c->dest : "") : login);
	verto_engine_jadd(p, "display_direction", out ? "inbound" : "outbound");
}

void verto_engine_send_bye(verto_engine *e, verto_call *c, verto_session *s,
						   verto_cause cause)
{
	json_object *p;

	if (!s || !s->conn)
		return;
	p = verto_engine_call_params(c);
	json_object_object_add(p, "causeCode",
						   json_object_new_int(verto_cause_code(cause)));
	verto_engine_jadd(p, "cause", verto_cause_name(cause));
	verto_engine_send_request(e, s->conn, "verto.bye", p);
}

json_object *verto_engine_result_for(const verto_call *c, const act_ctx *ax)
{
	json_object *r = json_object_new_object();

	switch (ax->ev) {
	case VCE_V_INVITE:
		verto_engine_jadd(r, "message", "CALL CREATED");
		verto_engine_jadd(r, "callID", c->call_id);
		break;
	case VCE_V_BYE:
		verto_engine_jadd(r, "message", "CALL ENDED");
		verto_engine_jadd(r, "callID", c->call_id);
		json_object_object_add(r, "causeCode", json_object_new_int(16));
		verto_engine_jadd(r, "cause", "NORMAL_CLEARING");
		break;
	case VCE_V_HOLD:
	case VCE_V_UNHOLD:
	case VCE_V_TOGGLEHOLD:
	case VCE_S_REINVITE_OK:
		verto_engine_jadd(r, "callID", c->call_id);
		verto_engine_jadd(r, "action",
						  ax->action ? ax->action
									 : (c->fsm.held ? "hold" : "unhold"));
		verto_engine_jadd(r, "holdState", c->fsm.held ? "held" : "active");
		break;
	case VCE_V_DTMF:
		verto_engine_jadd(r, "message", "SENT");
		break;
	case VCE_V_TRANSFER:
		verto_engine_jadd(r, "message", "CALL TRANSFERRED");
		break;
	default:
		break;
	}
	if (c->sess)
		verto_engine_jadd(r, "sessid", c->sess->sessid);
	return r;
}

/* ---------------------------------------------------------------- actions */

static int media_kind(const act_ctx *ax, int offer)
{
	if (offer)
		return ax->ev == VCE_V_INVITE ? VERTO_MEDIA_OFFER_TO_SIP
									  : VERTO_MEDIA_OFFER_TO_BROWSER;
	return ax->ev == VCE_V_ANSWER ? VERTO_MEDIA_ANSWER_TO_SIP
								  : VERTO_MEDIA_ANSWER_TO_BROWSER;
}

/* a media or SIP step failed: end the call on every side */
static void call_abort(verto_engine *e, verto_call *c, const act_ctx *ax,
					   verto_cause cause)
{
	unsigned i;

	switch (ax->prev) {
	case VCS_IDLE:
		if (!c->fsm.outbound)
			op_sip(e, c, VERTO_SIP_REPLY, verto_cause_to_sip(cause), NULL,
				   NULL);
		break;
	case VCS_IN_RINGING:
		op_sip(e, c, VERTO_SIP_REPLY, verto_cause_to_sip(cause), NULL, NULL);
		break;
	case VCS_OUT_CALLING:
	case VCS_OUT_EARLY:
		op_sip(e, c, ax->ev == VCE_S_ANSWER ? VERTO_SIP_BYE : VERTO_SIP_CANCEL,
			   0, NULL, NULL);
		break;
	default:
		op_sip(e, c, VERTO_SIP_BYE, 0, NULL, NULL);
		break;
	}
	e->ops.media_delete(e->ops.ctx, c);
	if (ax->conn && verto_call_event_is_request(ax->ev))
		verto_engine_reply_call_error(e, ax->conn, ax->id, "CALL ERROR", cause);
	if (ax->prev != VCS_IDLE) {
		if (c->sess)
			verto_engine_send_bye(e, c, c->sess, cause);
		for (i = 0; i < c->nring; i++)
			verto_engine_send_bye(e, c, c->ring[i], cause);
	}
	c->fsm.state = VCS_DONE;
	e->st.calls_failed++;
}

static void after_media(verto_engine *e, verto_call *c, const verto_call_out *o,
						const act_ctx *ax, char *sdp, int kind);

/* the media step of a step, without waiting: 1 when started (the call is
 * busy until verto_engine_media_done), 0 when it must run here, -1 when
 * the glue refused it (VERTO_START_BUSY: the step fails) */
static int media_async(verto_engine *e, verto_call *c, const verto_call_out *o,
					   const act_ctx *ax, int kind, const char *in)
{
	call_priv *p = CP(c);
	verto_held_step *h;
	int rc;

	if (!e->ops.media_start || !(h = held_new(ax, 0)))
		return 0;
	h->out = *o;
	h->kind = kind;
	h->at = e->now;
	p->step = h;
	set_busy(e, c, 1);
	rc = e->ops.media_start(e->ops.ctx, c, kind, in);
	verto_engine_call_sync_sip(e, c);
	if (rc == 0)
		return 1;
	p->step = NULL;
	set_busy(e, c, 0);
	held_free(h);
	return rc == VERTO_START_BUSY ? -1 : 0;
}

/* run the actions of one step in their fixed order; may free c */
static void run(verto_engine *e, verto_call *c, const verto_call_out *o,
				const act_ctx *ax)
{
	char *sdp = NULL;
	int kind = 0, rc = 0;

	if (o->acts & (VCA_M_OFFER | VCA_M_ANSWER)) {
		kind = media_kind(ax, o->acts & VCA_M_OFFER);
		rc = media_async(e, c, o, ax, kind, ax->in_sdp);
		if (rc > 0)
			return; /* verto_engine_media_done goes on */
		if (rc == 0 && (op_media(e, c, kind, ax->in_sdp, &sdp) || !sdp)) {
			free(sdp);
			call_abort(e, c, ax, VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
			verto_engine_call_free(e, c);
			return;
		}
	} else if ((o->acts & VCA_V_ATTACH) && c->browser_sdp) {
		rc = media_async(e, c, o, ax, VERTO_MEDIA_REOFFER_TO_BROWSER,
						 c->browser_sdp);
		if (rc > 0)
			return; /* the fresh offer: verto_engine_media_done goes on */
	}
	if (rc < 0) {
		/* refused by a busy glue: no step in the loop, the call fails */
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		verto_engine_call_free(e, c);
		return;
	}
	after_media(e, c, o, ax, sdp, kind);
}

/* the reply to the request (or to the deferred one) */
static void reply_step(verto_engine *e, verto_call *c, const verto_call_out *o,
					   const act_ctx *ax, unsigned a)
{
	verto_conn_id to = ax->conn;
	json_object *id = ax->id;

	if (!verto_call_event_is_request(ax->ev) && c->pending_id) {
		to = c->sess ? c->sess->conn : 0;
		id = c->pending_id;
	}
	if (to && (a & VCA_V_RESULT))
		verto_engine_reply_result(e, to, id, verto_engine_result_for(c, ax));
	else if (to)
		verto_engine_reply_call_error(
				e, to, id, "CALL ERROR",
				o->cause ? o->cause : VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
	if (id == c->pending_id) {
		json_object_put(c->pending_id);
		c->pending_id = NULL;
	}
}

/* verto.attach with a fresh offer (sdp: the step's, taken over); 0 or -1
 * (the call failed) */
static int send_attach(verto_engine *e, verto_call *c, const act_ctx *ax,
					   char *fresh)
{
	json_object *p;

	if (!fresh && (op_media(e, c, VERTO_MEDIA_REOFFER_TO_BROWSER,
							c->browser_sdp, &fresh) ||
				   !fresh)) {
		free(fresh);
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return -1;
	}
	verto_engine_set_str(&c->browser_sdp, fresh);
	p = verto_engine_call_params(c);
	verto_engine_jadd(p, "sdp", fresh);
	verto_engine_add_party(p, c, c->sess);
	verto_engine_send_request(e, c->sess ? c->sess->conn : 0, "verto.attach",
							  p);
	free(fresh);
	e->st.reattached++;
	return 0;
}

/* the actions after the media step (sdp: its result, taken over) */
static void after_media(verto_engine *e, verto_call *c, const verto_call_out *o,
						const act_ctx *ax, char *sdp, int kind)
{
	unsigned a = o->acts, i;

	if (sdp && (kind == VERTO_MEDIA_OFFER_TO_BROWSER ||
				kind == VERTO_MEDIA_ANSWER_TO_BROWSER))
		verto_engine_set_str(&c->browser_sdp, sdp);
	if ((a & VCA_S_INVITE) && op_sip(e, c, VERTO_SIP_INVITE, 0, sdp, NULL)) {
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		goto out;
	}
	if (a & VCA_S_CANCEL)
		op_sip(e, c, VERTO_SIP_CANCEL, 0, NULL, NULL);
	if (a & VCA_S_BYE)
		op_sip(e, c, VERTO_SIP_BYE, 0, NULL, NULL);
	if ((a & VCA_S_REPLY) &&
		op_sip(e, c, VERTO_SIP_REPLY, o->sip_code,
			   o->sip_code == 200 ? sdp : NULL, NULL) &&
		o->sip_code == 200) {
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		goto out;
	}
	if ((a & VCA_S_REINVITE) &&
		op_sip(e, c, VERTO_SIP_REINVITE, 0, NULL, NULL)) {
		c->fsm.held = !c->fsm.held;
		c->fsm.hold_pending = 0;
		a = (a & ~VCA_DEFER) | VCA_V_ERROR;
	}
	if (((a & VCA_S_DTMF) && op_sip(e, c, VERTO_SIP_DTMF, 0, NULL, ax->text)) ||
		((a & VCA_S_REFER) &&
		 op_sip(e, c, ax->replaces ? VERTO_SIP_REFER_REPLACES : VERTO_SIP_REFER,
				0, NULL, ax->text)))
		a = (a & ~VCA_V_RESULT) | VCA_V_ERROR;

	if (a & VCA_DEFER) {
		json_object_put(c->pending_id);
		c->pending_id = json_object_get(ax->id);
	}
	if (a & (VCA_V_RESULT | VCA_V_ERROR))
		reply_step(e, c, o, ax, a);
	if ((a & VCA_V_MEDIA) && c->sess) {
		json_object *p = verto_engine_call_params(c);
		verto_engine_jadd(p, "sdp", sdp);
		verto_engine_send_request(e, c->sess->conn, "verto.media", p);
	}
	if ((a & VCA_V_ANSWER) && c->sess) {
		json_object *p = verto_engine_call_params(c);
		if (ax->prev == VCS_OUT_CALLING)
			verto_engine_jadd(p, "sdp", sdp);
		verto_engine_send_request(e, c->sess->conn, "verto.answer", p);
		e->st.calls_answered++;
	}
	if (a & VCA_V_INVITE) {
		for (i = 0; i < c->nring; i++) {
			json_object *p = verto_engine_call_params(c);
			verto_engine_jadd(p, "sdp", sdp);
			verto_engine_add_party(p, c, c->ring[i]);
			verto_engine_send_request(e, c->ring[i]->conn, "verto.invite", p);
		}
	}
	if (a & VCA_V_BYE) {
		if (c->sess)
			verto_engine_send_bye(e, c, c->sess, o->cause);
		for (i = 0; i < c->nring; i++)
			verto_engine_send_bye(e, c, c->ring[i], o->cause);
	}
	if (a & VCA_V_ATTACH) {
		char *fresh = NULL;
		if (kind == VERTO_MEDIA_REOFFER_TO_BROWSER) {
			fresh = sdp; /* from the media step that ran */
			sdp = NULL;
		}
		if (send_attach(e, c, ax, fresh))
			goto out;
	}
	if (a & VCA_M_DELETE)
		e->ops.media_delete(e->ops.ctx, c);
	if (a & VCA_TIMER) {
		c->grace_end = e->now + e->cfg.grace_ms;
		if (!verto_list_on(&CP(c)->tlink))
			verto_list_add_tail(&e->timed, &CP(c)->tlink);
	}
out:
	free(sdp);
	if (c->fsm.state == VCS_DONE)
		verto_engine_call_free(e, c);
}

/* ---------------------------------------------------------------- feed */

int verto_engine_feed(verto_engine *e, verto_call *c, act_ctx *ax, int code)
{
	call_priv *p = CP(c);
	verto_call_out o;
	verto_held_step *h;
	int rc;

	if (p->busy) {
		/* after the running media step, in order */
		if (!(h = held_new(ax, code))) {
			if (ax->conn && verto_call_event_is_request(ax->ev))
				verto_engine_reply_call_error(
						e, ax->conn, ax->id, "Out of memory",
						VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return -1;
		}
		h->at = e->now;
		if (!p->queued)
			p->q_tail = &p->queued;
		*p->q_tail = h;
		p->q_tail = &h->next;
		return 0;
	}
	ax->prev = c->fsm.state;
	rc = verto_call_step(&c->fsm, ax->ev, ax->in_sdp != NULL, code, &o);
	if (rc && !o.acts)
		return rc;
	if (rc) {
		/* refused request: answer it, nothing else */
		if (ax->conn)
			verto_engine_reply_call_error(e, ax->conn, ax->id, "CALL ERROR",
										  o.cause);
		return rc;
	}
	run(e, c, &o, ax);
	return 0;
}

/* the events that waited for the call, in order, until one waits again */
static void drain_call(verto_engine *e, const char *cid)
{
	verto_held_step *h;
	verto_call *c;
	act_ctx ax;

	while ((c = verto_engine_find_call(e, cid)) && !CP(c)->busy &&
		   (h = CP(c)->queued)) {
		CP(c)->queued = h->next;
		held_ax(h, &ax);
		verto_engine_feed(e, c, &ax, h->code);
		/* a counted WS_BACK is done unless its fresh offer now runs */
		if (h->counted && !((c = verto_engine_find_call(e, cid)) &&
							CP(c)->busy && CP(c)->step && CP(c)->step->counted))
			verto_engine_ready_step_done(e, h->conn);
		held_free(h);
	}
}

int verto_engine_call_wait(verto_engine *e, verto_call *c)
{
	if (CP(c)->busy)
		return -1;
	set_busy(e, c, 1);
	return 0;
}

void verto_engine_call_resume(verto_engine *e, verto_call *c)
{
	char cid[VERTO_ID_MAX + 1];

	if (!CP(c)->busy || CP(c)->step)
		return; /* not waiting for the glue */
	verto_engine_call_sync_sip(e, c);
	set_busy(e, c, 0);
	memcpy(cid, c->call_id, sizeof(cid));
	drain_call(e, cid);
}

int verto_engine_media_done(verto_engine *e, verto_call *c, int rc, char *sdp)
{
	char cid[VERTO_ID_MAX + 1];
	verto_held_step *h = c ? CP(c)->step : NULL;
	act_ctx ax;

	if (!c || !CP(c)->busy || !h) {
		free(sdp);
		return -1;
	}
	verto_engine_call_sync_sip(e, c);
	CP(c)->step = NULL;
	set_busy(e, c, 0);
	memcpy(cid, c->call_id, sizeof(cid));
	held_ax(h, &ax);
	if (rc || !sdp || h->late) {
		/* late: the browser was told the call failed, so it does */
		free(sdp);
		call_abort(e, c, &ax,
				   h->kind == VERTO_MEDIA_REOFFER_TO_BROWSER || h->late
						   ? VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE
						   : VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		verto_engine_call_free(e, c);
	} else {
		after_media(e, c, &h->out, &ax, sdp, h->kind);
	}
	if (h->counted)
		verto_engine_ready_step_done(e, h->conn);
	held_free(h);
	drain_call(e, cid);
	return 0;
}

/* ---------------------------------------------------------------- timers */

/*
 * requests of c waiting since before `old`: answered now (-32002
 * NORMAL_TEMPORARY_FAILURE). Queued ones stay queued and run later, without
 * a second answer. The running step's request: one that sets the call up
 * (verto.invite, verto.answer) makes the call fail when the step ends; in
 * an answered call (the answer to verto.attach) the step goes on.
 */
static void late_requests(verto_engine *e, verto_call *c, uint64_t old)
{
	verto_held_step *h = CP(c)->step;

	if (h && h->conn && verto_call_event_is_request(h->ev) && h->at <= old) {
		verto_engine_reply_call_error(e, h->conn, h->id, "CALL ERROR",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		json_object_put(h->id);
		h->id = NULL;
		h->conn = 0;
		h->late = h->prev != VCS_ACTIVE;
	}
	for (h = CP(c)->queued; h; h = h->next) {
		if (!h->conn || !verto_call_event_is_request(h->ev) || h->at > old)
			continue;
		verto_engine_reply_call_error(e, h->conn, h->id, "CALL BUSY, TRY AGAIN",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		json_object_put(h->id);
		h->id = NULL;
		h->conn = 0;
	}
}

/* the calls with a ring or grace deadline (e->timed): the ones due are
 * fed their timeout; a busy one is looked at again after its step; one
 * that waits for neither (answered, re-attached) leaves the list */
static void call_timers(verto_engine *e, uint64_t now)
{
	verto_link *l, *next;

	for (l = e->timed.next; l != &e->timed; l = next) {
		call_priv *p = verto_container(l, call_priv, tlink);
		verto_call *c = &p->pub;
		act_ctx ax = {.ev = VCE_GRACE_OVER};
		next = l->next;
		if (p->busy)
			continue;
		if (c->fsm.state == VCS_IN_RINGING) {
			if (c->ring_end > now)
				continue;
			ax.ev = VCE_RING_TIMEOUT;
		} else if (c->fsm.detached && c->fsm.state == VCS_ACTIVE) {
			if (c->grace_end > now)
				continue;
		} else {
			verto_list_del(l);
			continue;
		}
		verto_engine_feed(e, c, &ax, 0); /* may free c (only c) */
	}
}

void verto_engine_calls_tick(verto_engine *e, uint64_t now)
{
	verto_link *l;

	if (now >= VERTO_ANSWER_DEADLINE_MS) {
		for (l = e->busy_calls.next; l != &e->busy_calls; l = l->next)
			late_requests(e, &verto_container(l, call_priv, blink)->pub,
						  now - VERTO_ANSWER_DEADLINE_MS);
	}
	call_timers(e, now);
}
