/*
 * verto_engine.c - sessions, calls and JSON-RPC dispatch of iwg_verto.
 * Contracts in verto_engine.h. Memory: malloc; the engine owns sessions,
 * calls and connection records, the glue owns call->glue (released in
 * ops.call_freed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "verto_engine.h"
#include "verto_sipid.h"

/* a frame that arrived while the connection's login was pending */
typedef struct held_frame {
	struct held_frame *next;
	uint64_t at; /* engine time (ms) it arrived */
	size_t len;
	char buf[];
} held_frame;

typedef struct conn_rec {
	struct conn_rec *next;
	verto_conn_id id;
	verto_session *sess;
	/* a login waiting for ops.auth_start's completion */
	unsigned pending : 1;
	unsigned closing : 1; /* closed for frames held too long */
	struct json_object *pend_id, *pend_params; /* references held */
	held_frame *held, **held_tail;			   /* in arrival order */
	unsigned nheld;
	/* verto.clientReady waits for the re-attach offers still running */
	unsigned ready_wait;
	struct json_object *ready_list; /* callIDs re-attached */
} conn_rec;

struct verto_engine {
	verto_ops ops;
	verto_engine_cfg cfg;
	conn_rec *conns;
	verto_session *sessions;
	unsigned nsessions;
	verto_call *calls;
	uint64_t now;
	long next_id;
	verto_stats st;
};

/* what an action run needs to know about its trigger */
typedef struct act_ctx {
	verto_call_event ev;
	verto_call_state prev;
	verto_conn_id conn;		/* requester, 0 when SIP-triggered */
	struct json_object *id; /* request id */
	const char *in_sdp;		/* SDP carried by the event */
	const char *text;		/* digits or transfer destination */
	const char *action;		/* verto.modify action for the result */
	int replaces;			/* transfer: text is the other call's Call-ID */
	int counted;			/* WS_BACK: conn's clientReady waits for it */
} act_ctx;

/* an act_ctx kept while the call's media step runs (all copies) */
typedef struct verto_held_step {
	struct verto_held_step *next;
	verto_call_out out; /* the running step: its decided actions */
	int kind;			/* the running step: its media kind */
	verto_call_event ev;
	verto_call_state prev;
	int code; /* a queued event: its SIP status */
	verto_conn_id conn;
	struct json_object *id; /* reference held */
	char *in_sdp, *text, *action;
	int replaces;
	uint64_t at;		  /* engine time (ms) it was queued or started */
	unsigned counted : 1; /* WS_BACK: a ready_wait of conn stands for it */
	unsigned late : 1;	  /* its setup request was answered -32002 */
} verto_held_step;

static void call_free(verto_engine *e, verto_call *c);
static void ready_step_done(verto_engine *e, verto_conn_id conn);
static void reply_call_error(verto_engine *e, verto_conn_id conn,
							 json_object *id, const char *msg,
							 verto_cause cause);

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

/* drop the call's running step and queued events; with e, requests that
 * waited get an error (the call is gone) */
static void call_drop_held(verto_engine *e, verto_call *c)
{
	verto_held_step *h;

	if (e && c->step && c->step->counted)
		ready_step_done(e, c->step->conn);
	held_free(c->step);
	c->step = NULL;
	c->busy = 0;
	while ((h = c->queued)) {
		c->queued = h->next;
		if (e && h->conn && verto_call_event_is_request(h->ev))
			reply_call_error(e, h->conn, h->id, "CALL DOES NOT EXIST",
							 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		if (e && h->counted)
			ready_step_done(e, h->conn);
		held_free(h);
	}
	c->q_tail = NULL;
}

/* ---------------------------------------------------------------- output */

static void send_str(verto_engine *e, verto_conn_id conn, char *s, size_t n)
{
	if (s && conn)
		e->ops.send(e->ops.ctx, conn, s, n);
	free(s);
}

static void reply_result(verto_engine *e, verto_conn_id conn, json_object *id,
						 json_object *result)
{
	size_t n = 0;
	char *s = verto_rpc_result(id, result, &n);
	send_str(e, conn, s, n);
}

static void reply_error(verto_engine *e, verto_conn_id conn, json_object *id,
						int code, const char *msg, json_object *extra)
{
	size_t n = 0;
	char *s = verto_rpc_error(id, code, msg, extra, &n);
	send_str(e, conn, s, n);
}

/* -32002 CALL ERROR with cause and causeCode */
static void reply_call_error(verto_engine *e, verto_conn_id conn,
							 json_object *id, const char *msg,
							 verto_cause cause)
{
	json_object *x = json_object_new_object();

	if (x) {
		json_object_object_add(x, "cause",
							   json_object_new_string(verto_cause_name(cause)));
		json_object_object_add(x, "causeCode",
							   json_object_new_int(verto_cause_code(cause)));
	}
	reply_error(e, conn, id, VERTO_ERR_CALL, msg, x);
}

static void send_request(verto_engine *e, verto_conn_id conn,
						 const char *method, json_object *params)
{
	size_t n = 0;
	char *s;

	if (!conn) {
		json_object_put(params);
		return;
	}
	s = verto_rpc_request(++e->next_id, method, params, &n);
	send_str(e, conn, s, n);
}

static void jadd(json_object *o, const char *k, const char *v)
{
	if (o && v)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* a string member no longer than max bytes, or NULL */
static const char *jstr(json_object *o, const char *key, size_t max)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
		!json_object_is_type(v, json_type_string) ||
		(size_t)json_object_get_string_len(v) > max)
		return NULL;
	return json_object_get_string(v);
}

static json_object *jobj(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
		!json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

/* non-empty, only [A-Za-z0-9] and the given punctuation */
static int token_ok(const char *s, const char *punct)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			  (*s >= 'A' && *s <= 'Z') || strchr(punct, *s)))
			return 0;
	}
	return 1;
}

static int sdp_ok(const char *sdp)
{
	return sdp && strncmp(sdp, "v=0", 3) == 0;
}

/* ---------------------------------------------------------------- lookup */

static conn_rec *find_conn(verto_engine *e, verto_conn_id id)
{
	conn_rec *c;

	for (c = e->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static verto_session *find_session(verto_engine *e, const char *sessid)
{
	verto_session *s;

	for (s = e->sessions; s; s = s->next)
		if (strcmp(s->sessid, sessid) == 0)
			return s;
	return NULL;
}

static verto_call *find_call(verto_engine *e, const char *call_id)
{
	verto_call *c;

	for (c = e->calls; c; c = c->next)
		if (strcmp(c->call_id, call_id) == 0)
			return c;
	return NULL;
}

int verto_engine_call_busy(const verto_call *call)
{
	return call->busy;
}

verto_call *verto_engine_find_sip(verto_engine *e, const char *sip_callid)
{
	verto_call *c;

	for (c = e->calls; c; c = c->next)
		if (strcmp(c->sip_callid, sip_callid) == 0)
			return c;
	return NULL;
}

static int ring_index(const verto_call *c, const verto_session *s)
{
	unsigned i;

	for (i = 0; i < c->nring; i++)
		if (c->ring[i] == s)
			return (int)i;
	return -1;
}

static void ring_remove(verto_call *c, unsigned i)
{
	c->ring[i] = c->ring[--c->nring];
	c->ring[c->nring] = NULL;
}

/* may this session act on the call? */
static int call_owned(const verto_call *c, const verto_session *s)
{
	return c->sess == s ||
		   (c->fsm.state == VCS_IN_RINGING && ring_index(c, s) >= 0);
}

/* ---------------------------------------------------------------- ids */

static int rand_bytes(verto_engine *e, void *buf, size_t n)
{
	if (e->ops.random)
		return e->ops.random(e->ops.ctx, buf, n);
	return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -1;
}

/* a v4 UUID in out[37]; 0 or -1 */
static int make_uuid(verto_engine *e, char *out)
{
	unsigned char b[16];

	if (rand_bytes(e, b, sizeof(b)))
		return -1;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, VERTO_SESSID_LEN + 1,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
			 b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

/* ---------------------------------------------------------------- calls */

static verto_call *call_new(verto_engine *e, const char *call_id,
							verto_session *owner)
{
	verto_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	c->sess = owner;
	if (owner)
		owner->ncalls++;
	c->next = e->calls;
	e->calls = c;
	return c;
}

static void call_free(verto_engine *e, verto_call *c)
{
	verto_call **pp;

	for (pp = &e->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (e->ops.call_freed)
		e->ops.call_freed(e->ops.ctx, c);
	if (c->sess && c->sess->ncalls)
		c->sess->ncalls--;
	call_drop_held(e, c);
	json_object_put(c->pending_id);
	free(c->dest);
	free(c->caller_name);
	free(c->caller_number);
	free(c->browser_sdp);
	free(c->disp_name);
	free(c->disp_number);
	free(c);
}

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
}

/* the params a browser-bound call request starts with */
static json_object *call_params(const verto_call *c)
{
	json_object *p = json_object_new_object();

	jadd(p, "callID", c->call_id);
	return p;
}

/* caller/callee fields of verto.invite and verto.attach */
static void add_party(json_object *p, const verto_call *c, verto_session *s)
{
	const char *login = s ? s->ident.login : "";
	int out = c->fsm.outbound;

	jadd(p, "caller_id_name",
		 out ? (s && s->ident.display[0] ? s->ident.display : login)
			 : (c->caller_name ? c->caller_name : ""));
	jadd(p, "caller_id_number",
		 out ? login : (c->caller_number ? c->caller_number : ""));
	jadd(p, "callee_id_name", out ? (c->dest ? c->dest : "") : login);
	jadd(p, "callee_id_number", out ? (c->dest ? c->dest : "") : login);
	jadd(p, "display_direction", out ? "inbound" : "outbound");
}

static void send_bye(verto_engine *e, verto_call *c, verto_session *s,
					 verto_cause cause)
{
	json_object *p;

	if (!s || !s->conn)
		return;
	p = call_params(c);
	json_object_object_add(p, "causeCode",
						   json_object_new_int(verto_cause_code(cause)));
	jadd(p, "cause", verto_cause_name(cause));
	send_request(e, s->conn, "verto.bye", p);
}

int verto_engine_transfer_status(verto_engine *e, verto_call *c, int code,
								 const char *reason)
{
	json_object *p, *m;

	if (!c || !c->sess || !c->sess->conn || code < 100 || code > 699)
		return -1;
	p = call_params(c);
	m = json_object_new_object();
	jadd(m, "type", "transfer");
	json_object_object_add(m, "status", json_object_new_int(code));
	jadd(m, "reason", reason ? reason : "");
	json_object_object_add(m, "final", json_object_new_boolean(code >= 200));
	json_object_object_add(p, "msg", m);
	send_request(e, c->sess->conn, "verto.info", p);
	return 0;
}

int verto_engine_display(verto_engine *e, verto_call *c, const char *name,
						 const char *number)
{
	const char *ln = c->disp_number, *la = c->disp_name;
	json_object *p;

	if (!ln) {
		/* what verto.invite told: the callee (outbound), the caller */
		ln = c->fsm.outbound ? c->dest : c->caller_number;
		la = c->fsm.outbound ? c->dest : c->caller_name;
	}
	if (!verto_cline_changed(la, ln, name, number))
		return 1;
	if (!c->sess || !c->sess->conn || c->fsm.state != VCS_ACTIVE)
		return -1;
	p = call_params(c);
	jadd(p, "display_name", name && *name ? name : number);
	jadd(p, "display_number", number);
	jadd(p, "display_direction", c->fsm.outbound ? "inbound" : "outbound");
	send_request(e, c->sess->conn, "verto.display", p);
	set_str(&c->disp_name, name && *name ? name : number);
	set_str(&c->disp_number, number);
	return 0;
}

static json_object *result_for(verto_engine *e, const verto_call *c,
							   const act_ctx *ax)
{
	json_object *r = json_object_new_object();

	(void)e;
	switch (ax->ev) {
	case VCE_V_INVITE:
		jadd(r, "message", "CALL CREATED");
		jadd(r, "callID", c->call_id);
		break;
	case VCE_V_BYE:
		jadd(r, "message", "CALL ENDED");
		jadd(r, "callID", c->call_id);
		json_object_object_add(r, "causeCode", json_object_new_int(16));
		jadd(r, "cause", "NORMAL_CLEARING");
		break;
	case VCE_V_HOLD:
	case VCE_V_UNHOLD:
	case VCE_V_TOGGLEHOLD:
	case VCE_S_REINVITE_OK:
		jadd(r, "callID", c->call_id);
		jadd(r, "action",
			 ax->action ? ax->action : (c->fsm.held ? "hold" : "unhold"));
		jadd(r, "holdState", c->fsm.held ? "held" : "active");
		break;
	case VCE_V_DTMF:
		jadd(r, "message", "SENT");
		break;
	case VCE_V_TRANSFER:
		jadd(r, "message", "CALL TRANSFERRED");
		break;
	default:
		break;
	}
	if (c->sess)
		jadd(r, "sessid", c->sess->sessid);
	return r;
}

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
			e->ops.sip(e->ops.ctx, c, VERTO_SIP_REPLY,
					   verto_cause_to_sip(cause), NULL, NULL);
		break;
	case VCS_IN_RINGING:
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_REPLY, verto_cause_to_sip(cause),
				   NULL, NULL);
		break;
	case VCS_OUT_CALLING:
	case VCS_OUT_EARLY:
		e->ops.sip(e->ops.ctx, c,
				   ax->ev == VCE_S_ANSWER ? VERTO_SIP_BYE : VERTO_SIP_CANCEL, 0,
				   NULL, NULL);
		break;
	default:
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_BYE, 0, NULL, NULL);
		break;
	}
	e->ops.media_delete(e->ops.ctx, c);
	if (ax->conn && verto_call_event_is_request(ax->ev))
		reply_call_error(e, ax->conn, ax->id, "CALL ERROR", cause);
	if (ax->prev != VCS_IDLE) {
		if (c->sess)
			send_bye(e, c, c->sess, cause);
		for (i = 0; i < c->nring; i++)
			send_bye(e, c, c->ring[i], cause);
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
	verto_held_step *h;
	int rc;

	if (!e->ops.media_start || !(h = held_new(ax, 0)))
		return 0;
	h->out = *o;
	h->kind = kind;
	h->at = e->now;
	c->step = h;
	c->busy = 1;
	rc = e->ops.media_start(e->ops.ctx, c, kind, in);
	if (rc == 0)
		return 1;
	c->step = NULL;
	c->busy = 0;
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
		if (rc == 0 &&
			(e->ops.media(e->ops.ctx, c, kind, ax->in_sdp, &sdp) || !sdp)) {
			free(sdp);
			call_abort(e, c, ax, VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
			call_free(e, c);
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
		call_free(e, c);
		return;
	}
	after_media(e, c, o, ax, sdp, kind);
}

/* the actions after the media step (sdp: its result, taken over) */
static void after_media(verto_engine *e, verto_call *c, const verto_call_out *o,
						const act_ctx *ax, char *sdp, int kind)
{
	unsigned a = o->acts, i;

	if (sdp && (kind == VERTO_MEDIA_OFFER_TO_BROWSER ||
				kind == VERTO_MEDIA_ANSWER_TO_BROWSER))
		set_str(&c->browser_sdp, sdp);
	if ((a & VCA_S_INVITE) &&
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_INVITE, 0, sdp, NULL)) {
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		goto out;
	}
	if (a & VCA_S_CANCEL)
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_CANCEL, 0, NULL, NULL);
	if (a & VCA_S_BYE)
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_BYE, 0, NULL, NULL);
	if ((a & VCA_S_REPLY) &&
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_REPLY, o->sip_code,
				   o->sip_code == 200 ? sdp : NULL, NULL) &&
		o->sip_code == 200) {
		call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		goto out;
	}
	if ((a & VCA_S_REINVITE) &&
		e->ops.sip(e->ops.ctx, c, VERTO_SIP_REINVITE, 0, NULL, NULL)) {
		c->fsm.held = !c->fsm.held;
		c->fsm.hold_pending = 0;
		a = (a & ~VCA_DEFER) | VCA_V_ERROR;
	}
	if (((a & VCA_S_DTMF) &&
		 e->ops.sip(e->ops.ctx, c, VERTO_SIP_DTMF, 0, NULL, ax->text)) ||
		((a & VCA_S_REFER) &&
		 e->ops.sip(e->ops.ctx, c,
					ax->replaces ? VERTO_SIP_REFER_REPLACES : VERTO_SIP_REFER,
					0, NULL, ax->text)))
		a = (a & ~VCA_V_RESULT) | VCA_V_ERROR;

	if (a & VCA_DEFER) {
		json_object_put(c->pending_id);
		c->pending_id = json_object_get(ax->id);
	}
	/* the reply to the request (or to the deferred one) */
	if (a & (VCA_V_RESULT | VCA_V_ERROR)) {
		verto_conn_id to = ax->conn;
		json_object *id = ax->id;
		if (!verto_call_event_is_request(ax->ev) && c->pending_id) {
			to = c->sess ? c->sess->conn : 0;
			id = c->pending_id;
		}
		if (to && (a & VCA_V_RESULT))
			reply_result(e, to, id, result_for(e, c, ax));
		else if (to)
			reply_call_error(e, to, id, "CALL ERROR",
							 o->cause ? o->cause
									  : VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		if (id == c->pending_id) {
			json_object_put(c->pending_id);
			c->pending_id = NULL;
		}
	}
	if ((a & VCA_V_MEDIA) && c->sess) {
		json_object *p = call_params(c);
		jadd(p, "sdp", sdp);
		send_request(e, c->sess->conn, "verto.media", p);
	}
	if ((a & VCA_V_ANSWER) && c->sess) {
		json_object *p = call_params(c);
		if (ax->prev == VCS_OUT_CALLING)
			jadd(p, "sdp", sdp);
		send_request(e, c->sess->conn, "verto.answer", p);
		e->st.calls_answered++;
	}
	if (a & VCA_V_INVITE) {
		for (i = 0; i < c->nring; i++) {
			json_object *p = call_params(c);
			jadd(p, "sdp", sdp);
			add_party(p, c, c->ring[i]);
			send_request(e, c->ring[i]->conn, "verto.invite", p);
		}
	}
	if (a & VCA_V_BYE) {
		if (c->sess)
			send_bye(e, c, c->sess, o->cause);
		for (i = 0; i < c->nring; i++)
			send_bye(e, c, c->ring[i], o->cause);
	}
	if (a & VCA_V_ATTACH) {
		char *fresh = NULL;
		if (kind == VERTO_MEDIA_REOFFER_TO_BROWSER) {
			fresh = sdp; /* from the media step that ran */
			sdp = NULL;
		} else if (e->ops.media(e->ops.ctx, c, VERTO_MEDIA_REOFFER_TO_BROWSER,
								c->browser_sdp, &fresh) ||
				   !fresh) {
			free(fresh);
			call_abort(e, c, ax, VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			goto out;
		}
		set_str(&c->browser_sdp, fresh);
		json_object *p = call_params(c);
		jadd(p, "sdp", fresh);
		add_party(p, c, c->sess);
		send_request(e, c->sess ? c->sess->conn : 0, "verto.attach", p);
		free(fresh);
		e->st.reattached++;
	}
	if (a & VCA_M_DELETE)
		e->ops.media_delete(e->ops.ctx, c);
	if (a & VCA_TIMER)
		c->grace_end = e->now + e->cfg.grace_ms;
out:
	free(sdp);
	if (c->fsm.state == VCS_DONE)
		call_free(e, c);
}

/* feed ev to the call and run what it decides; may free c */
static int feed(verto_engine *e, verto_call *c, act_ctx *ax, int code)
{
	verto_call_out o;
	verto_held_step *h;
	int rc;

	if (c->busy) {
		/* after the running media step, in order */
		if (!(h = held_new(ax, code))) {
			if (ax->conn && verto_call_event_is_request(ax->ev))
				reply_call_error(e, ax->conn, ax->id, "Out of memory",
								 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return -1;
		}
		h->at = e->now;
		if (!c->queued)
			c->q_tail = &c->queued;
		*c->q_tail = h;
		c->q_tail = &h->next;
		return 0;
	}
	ax->prev = c->fsm.state;
	rc = verto_call_step(&c->fsm, ax->ev, ax->in_sdp != NULL, code, &o);
	if (rc && !o.acts)
		return rc;
	if (rc) {
		/* refused request: answer it, nothing else */
		if (ax->conn)
			reply_call_error(e, ax->conn, ax->id, "CALL ERROR", o.cause);
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

	while ((c = find_call(e, cid)) && !c->busy && (h = c->queued)) {
		c->queued = h->next;
		held_ax(h, &ax);
		feed(e, c, &ax, h->code);
		/* a counted WS_BACK is done unless its fresh offer now runs */
		if (h->counted && !((c = find_call(e, cid)) && c->busy && c->step &&
							c->step->counted))
			ready_step_done(e, h->conn);
		held_free(h);
	}
}

int verto_engine_call_wait(verto_engine *e, verto_call *c)
{
	(void)e;
	if (c->busy)
		return -1;
	c->busy = 1;
	return 0;
}

void verto_engine_call_resume(verto_engine *e, verto_call *c)
{
	char cid[VERTO_ID_MAX + 1];

	if (!c->busy || c->step)
		return; /* not waiting for the glue */
	c->busy = 0;
	memcpy(cid, c->call_id, sizeof(cid));
	drain_call(e, cid);
}

int verto_engine_media_done(verto_engine *e, verto_call *c, int rc, char *sdp)
{
	char cid[VERTO_ID_MAX + 1];
	verto_held_step *h = c ? c->step : NULL;
	act_ctx ax;

	if (!c || !c->busy || !h) {
		free(sdp);
		return -1;
	}
	c->step = NULL;
	c->busy = 0;
	memcpy(cid, c->call_id, sizeof(cid));
	held_ax(h, &ax);
	if (rc || !sdp || h->late) {
		/* late: the browser was told the call failed, so it does */
		free(sdp);
		call_abort(e, c, &ax,
				   h->kind == VERTO_MEDIA_REOFFER_TO_BROWSER || h->late
						   ? VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE
						   : VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		call_free(e, c);
	} else {
		after_media(e, c, &h->out, &ax, sdp, h->kind);
	}
	if (h->counted)
		ready_step_done(e, h->conn);
	held_free(h);
	drain_call(e, cid);
	return 0;
}

/* ---------------------------------------------------------------- sessions */

static void session_free(verto_engine *e, verto_session *s)
{
	verto_session **pp;
	conn_rec *k;

	for (pp = &e->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			e->nsessions--;
			break;
		}
	}
	for (k = e->conns; k; k = k->next)
		if (k->sess == s)
			k->sess = NULL;
	free(s);
}

/* the session lost its connection: calls react (may free calls) */
static void session_detach(verto_engine *e, verto_session *s)
{
	verto_call *c, *next;
	int i;

	s->conn = 0;
	s->detached_at = e->now;
	for (c = e->calls; c; c = next) {
		act_ctx ax = {.ev = VCE_WS_LOST};
		next = c->next;
		if (c->sess == s) {
			feed(e, c, &ax, 0);
		} else if ((i = ring_index(c, s)) >= 0) {
			ring_remove(c, (unsigned)i);
			if (c->nring == 0 && !c->sess)
				feed(e, c, &ax, 0);
		}
	}
}

static void punt(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = find_conn(e, conn);

	send_request(e, conn, "verto.punt", json_object_new_object());
	e->ops.close(e->ops.ctx, conn);
	if (k)
		k->sess = NULL;
}

static void bind(conn_rec *k, verto_session *s)
{
	k->sess = s;
	s->conn = k->id;
}

/*
 * is the call detached once its queued events have run? A busy call's
 * WS_LOST may still wait in its queue (fsm.detached is still 0 then)
 */
static int detached_after_queue(const verto_call *c)
{
	const verto_held_step *h;
	int last = 0;

	for (h = c->queued; h; h = h->next)
		if (h->ev == VCE_WS_LOST || h->ev == VCE_WS_BACK)
			last = h->ev;
	if (last)
		return last == VCE_WS_LOST;
	return c->fsm.detached && c->fsm.state == VCS_ACTIVE;
}

/*
 * after a login on an existing session: re-attach its calls. A busy call
 * gets WS_BACK queued after what waits (its WS_LOST first), so it runs in
 * order; clientReady waits for every WS_BACK that did not finish here
 * (queued, or its fresh offer running): each is counted in ready_wait
 */
static json_object *resume_calls(verto_engine *e, verto_session *s, conn_rec *k)
{
	json_object *list = json_object_new_array();
	verto_call *c, *next;

	for (c = e->calls; c; c = next) {
		act_ctx ax = {.ev = VCE_WS_BACK, .conn = k->id, .counted = 1};
		char cid[VERTO_ID_MAX + 1];
		int was_busy = c->busy; /* then WS_BACK waits in its queue */
		next = c->next;
		if (c->sess != s || !detached_after_queue(c))
			continue;
		memcpy(cid, c->call_id, sizeof(cid));
		/* feed may end the call (no fresh offer): list survivors only */
		if (feed(e, c, &ax, 0) || !(c = find_call(e, cid)))
			continue;
		if (was_busy || (c->busy && c->step && c->step->counted))
			k->ready_wait++; /* queued, or its fresh offer runs */
		if (list)
			json_object_array_add(list, json_object_new_string(cid));
	}
	return list;
}

/* verto.clientReady with the calls of list still there */
static void send_ready(verto_engine *e, verto_conn_id conn, json_object *list)
{
	json_object *ready = json_object_new_object(), *live;
	size_t i, n = list ? json_object_array_length(list) : 0;

	live = json_object_new_array();
	for (i = 0; i < n && live; i++) {
		const char *cid =
				json_object_get_string(json_object_array_get_idx(list, i));
		if (cid && find_call(e, cid))
			json_object_array_add(live, json_object_new_string(cid));
	}
	json_object_object_add(ready, "reattached_sessions", live);
	send_request(e, conn, "verto.clientReady", ready);
}

/* one re-attach offer of conn's login is done: clientReady after the last */
static void ready_step_done(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = find_conn(e, conn);
	json_object *list;

	if (!k || !k->ready_wait || --k->ready_wait)
		return;
	list = k->ready_list;
	k->ready_list = NULL;
	send_ready(e, conn, list);
	json_object_put(list);
}

/* the login of k with id and params is decided (rc 0: ident is valid) */
static void login_finish(verto_engine *e, conn_rec *k, json_object *id,
						 json_object *params, int rc,
						 const verto_identity *identp)
{
	const char *sessid = jstr(params, "sessid", VERTO_SESSID_LEN);
	verto_identity ident = *identp;
	verto_session *s = NULL;
	json_object *r, *list;
	int resumed = 0;

	if (rc) {
		e->st.logins_failed++;
		reply_error(e, k->id, id, VERTO_ERR_AUTH_FAILED, NULL, NULL);
		return;
	}
	e->st.logins_ok++;
	if (sessid)
		s = find_session(e, sessid);
	if (!s && k->sess)
		s = k->sess; /* login again on the same connection */
	if (s && strcmp(s->ident.login, ident.login) != 0)
		s = NULL; /* never take over another user's session */
	if (k->sess && k->sess != s)
		session_detach(e, k->sess);
	if (s) {
		if (s->conn && s->conn != k->id)
			punt(e, s->conn); /* the session moved to this connection */
		resumed = s->detached_at != 0 || s->conn != k->id;
		s->ident = ident;
		e->st.resumes += resumed;
	} else {
		if (e->nsessions >= e->cfg.max_sessions) {
			reply_call_error(e, k->id, id, "Too many sessions",
							 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
		s = calloc(1, sizeof(*s));
		if (!s || make_uuid(e, s->sessid)) {
			free(s);
			reply_call_error(e, k->id, id, "Session error",
							 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
		s->ident = ident;
		s->next = e->sessions;
		e->sessions = s;
		e->nsessions++;
	}
	bind(k, s);
	s->detached_at = 0;
	r = json_object_new_object();
	jadd(r, "message", "logged in");
	jadd(r, "sessid", s->sessid);
	reply_result(e, k->id, id, r);
	/* after the result: verto.attach per live call, then clientReady
	 * (once the fresh offers still running are done) */
	list = resumed ? resume_calls(e, s, k) : json_object_new_array();
	if (k->ready_wait) {
		json_object_put(k->ready_list);
		k->ready_list = list;
		return;
	}
	send_ready(e, k->id, list);
	json_object_put(list);
}

static void do_login(verto_engine *e, conn_rec *k, json_object *id,
					 json_object *params)
{
	const char *login = jstr(params, "login", VERTO_ID_MAX);
	const char *passwd = jstr(params, "passwd", 1024);
	json_object *uv = jobj(params, "userVariables");
	verto_identity ident;
	int rc;

	if (!login || !*login) {
		/* the sessid-only first login of a reconnect (section 3) */
		reply_error(e, k->id, id, VERTO_ERR_AUTH_REQUIRED, NULL, NULL);
		return;
	}
	if (e->ops.auth_start) {
		k->pending = 1;
		k->pend_id = json_object_get(id);
		k->pend_params = json_object_get(params);
		rc = e->ops.auth_start(e->ops.ctx, k->id, login, passwd ? passwd : "",
							   uv);
		if (rc == 0)
			return; /* verto_engine_auth_done() goes on */
		k->pending = 0;
		json_object_put(k->pend_id);
		json_object_put(k->pend_params);
		k->pend_id = k->pend_params = NULL;
		if (rc == VERTO_START_BUSY) {
			/* not a wrong password: the client may try again later */
			e->st.logins_failed++;
			reply_call_error(e, k->id, id, "SERVER BUSY",
							 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
	}
	memset(&ident, 0, sizeof(ident));
	rc = e->ops.auth ? e->ops.auth(e->ops.ctx, login, passwd ? passwd : "", uv,
								   &ident)
					 : VERTO_ERR_AUTH_FAILED;
	login_finish(e, k, id, params, rc, &ident);
}

/* ---------------------------------------------------------------- requests */

/* dialogParams.callID, else params.callID */
static const char *param_call_id(json_object *params)
{
	const char *id = jstr(jobj(params, "dialogParams"), "callID", VERTO_ID_MAX);

	if (!id)
		id = jstr(params, "callID", VERTO_ID_MAX);
	return token_ok(id, "-_.@:") ? id : NULL;
}

static void do_invite(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	json_object *dp = jobj(params, "dialogParams");
	const char *call_id = param_call_id(params);
	const char *sdp = jstr(params, "sdp", VERTO_SDP_MAX);
	const char *dest = jstr(dp, "destination_number", VERTO_DEST_MAX);
	act_ctx ax = {.ev = VCE_V_INVITE, .conn = k->id, .id = id};
	verto_call *c;

	if (!dp || !call_id) {
		reply_error(e, k->id, id, VERTO_ERR_PARAMS, "Missing callID", NULL);
		return;
	}
	if (!token_ok(dest, "+*#._-@")) {
		reply_call_error(e, k->id, id, "Invalid destination",
						 VERTO_CAUSE_INVALID_NUMBER_FORMAT);
		return;
	}
	if (!sdp_ok(sdp)) {
		reply_call_error(e, k->id, id, "Invalid SDP",
						 VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		return;
	}
	if (find_call(e, call_id)) {
		reply_call_error(e, k->id, id, "Call exists",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	if (k->sess->ncalls >= e->cfg.max_calls) {
		reply_call_error(e, k->id, id, "Too many calls",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	c = call_new(e, call_id, k->sess);
	if (!c) {
		reply_call_error(e, k->id, id, "Out of memory",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	set_str(&c->dest, dest);
	set_str(&c->caller_name, jstr(dp, "caller_id_name", VERTO_ID_MAX));
	set_str(&c->caller_number, jstr(dp, "caller_id_number", VERTO_ID_MAX));
	e->st.calls_out++;
	ax.in_sdp = sdp;
	feed(e, c, &ax, 0);
}

/* the call a request names, owned by the requester; else answers and NULL */
static verto_call *req_call(verto_engine *e, conn_rec *k, json_object *id,
							json_object *params)
{
	const char *call_id = param_call_id(params);
	verto_call *c = call_id ? find_call(e, call_id) : NULL;

	if (!c || !call_owned(c, k->sess)) {
		reply_call_error(e, k->id, id, "CALL DOES NOT EXIST",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return NULL;
	}
	return c;
}

/* verto.answer to our verto.invite, or verto.attach answering a re-attach */
static void do_answer(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	const char *sdp = jstr(params, "sdp", VERTO_SDP_MAX);
	act_ctx ax = {.ev = VCE_V_ANSWER, .conn = k->id, .id = id, .in_sdp = sdp};
	verto_call *c = req_call(e, k, id, params);
	unsigned i;

	if (!c)
		return;
	if (!sdp_ok(sdp)) {
		reply_call_error(e, k->id, id, "Invalid SDP",
						 VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		return;
	}
	if (c->fsm.state == VCS_IN_RINGING) {
		/* first answer wins; the other sessions stop ringing */
		for (i = 0; i < c->nring; i++)
			if (c->ring[i] != k->sess)
				send_bye(e, c, c->ring[i], VERTO_CAUSE_LOSE_RACE);
		c->nring = 0;
		c->sess = k->sess;
		c->sess->ncalls++;
	} else if (c->sess != k->sess) {
		reply_call_error(e, k->id, id, "CALL DOES NOT EXIST",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	feed(e, c, &ax, 0);
}

static void do_bye(verto_engine *e, conn_rec *k, json_object *id,
				   json_object *params)
{
	act_ctx ax = {.ev = VCE_V_BYE, .conn = k->id, .id = id};
	verto_call *c = req_call(e, k, id, params);
	int i;

	if (!c)
		return;
	if (c->fsm.state == VCS_IN_RINGING && c->nring > 1) {
		/* one of several sessions declines: the others keep ringing */
		if ((i = ring_index(c, k->sess)) >= 0)
			ring_remove(c, (unsigned)i);
		reply_result(e, k->id, id, result_for(e, c, &ax));
		return;
	}
	feed(e, c, &ax, 0);
}

/*
 * attended transfer: the SIP Call-ID of the call replaceCallID names (an
 * answered call of the same session, not c itself); else answers -32002
 * and NULL
 */
static const char *replace_target(verto_engine *e, conn_rec *k, json_object *id,
								  json_object *params, const verto_call *c)
{
	const char *other = jstr(params, "replaceCallID", VERTO_ID_MAX);
	verto_call *o = token_ok(other, "-_.@:") ? find_call(e, other) : NULL;
	const char *why = NULL;

	if (!other)
		why = "Missing replaceCallID";
	else if (strcmp(other, c->call_id) == 0)
		why = "replaceCallID is the call itself";
	else if (!o || o->sess != k->sess)
		why = "replaceCallID: no such call in this session";
	else if (o->fsm.state != VCS_ACTIVE || !o->sip_callid[0])
		why = "replaceCallID: that call is not answered";
	if (why) {
		reply_call_error(e, k->id, id, why,
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return NULL;
	}
	return o->sip_callid;
}

static void do_modify(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	const char *action = jstr(params, "action", 32);
	act_ctx ax = {.conn = k->id, .id = id, .action = action};
	verto_call *c;

	if (!action) {
		reply_error(e, k->id, id, VERTO_ERR_PARAMS, "Missing action", NULL);
		return;
	}
	if (strcmp(action, "hold") == 0)
		ax.ev = VCE_V_HOLD;
	else if (strcmp(action, "unhold") == 0)
		ax.ev = VCE_V_UNHOLD;
	else if (strcmp(action, "toggleHold") == 0)
		ax.ev = VCE_V_TOGGLEHOLD;
	else if (strcmp(action, "transfer") == 0)
		ax.ev = VCE_V_TRANSFER;
	else if (strcmp(action, "replace") == 0) {
		ax.ev = VCE_V_TRANSFER;
		ax.replaces = 1;
	} else {
		reply_call_error(e, k->id, id, "Unsupported action",
						 VERTO_CAUSE_SERVICE_NOT_IMPLEMENTED);
		return;
	}
	if (!(c = req_call(e, k, id, params)))
		return;
	if (ax.replaces) {
		if (!(ax.text = replace_target(e, k, id, params, c)))
			return;
	} else if (ax.ev == VCE_V_TRANSFER) {
		ax.text = jstr(params, "destination", VERTO_DEST_MAX);
		if (!token_ok(ax.text, "+*#._-@")) {
			reply_call_error(e, k->id, id, "Invalid destination",
							 VERTO_CAUSE_INVALID_NUMBER_FORMAT);
			return;
		}
	}
	feed(e, c, &ax, 0);
}

static int dtmf_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!strchr("0123456789*#ABCDabcd", *s))
			return 0;
	return 1;
}

static void do_info(verto_engine *e, conn_rec *k, json_object *id,
					json_object *params)
{
	json_object *v;
	act_ctx ax = {.ev = VCE_V_DTMF, .conn = k->id, .id = id};
	verto_call *c;

	if (!json_object_object_get_ex(params, "dtmf", &v)) {
		/* chat messages (msg) are not relayed */
		reply_result(e, k->id, id, NULL);
		return;
	}
	ax.text = jstr(params, "dtmf", 64);
	if (!dtmf_ok(ax.text)) {
		reply_call_error(e, k->id, id, "Invalid DTMF",
						 VERTO_CAUSE_INVALID_NUMBER_FORMAT);
		return;
	}
	if ((c = req_call(e, k, id, params)))
		feed(e, c, &ax, 0);
}

/* subscriptions are for conferences: every channel is refused */
static void do_subscribe(verto_engine *e, conn_rec *k, json_object *id,
						 json_object *params, const char *key)
{
	json_object *r = json_object_new_object(), *ch;

	if (json_object_object_get_ex(params, "eventChannel", &ch))
		json_object_object_add(r, key, json_object_get(ch));
	jadd(r, "sessid", k->sess->sessid);
	reply_result(e, k->id, id, r);
}

/* a login is pending on k: keep a copy of the frame; 0 or -1 (too many) */
static int hold_frame(verto_engine *e, conn_rec *k, const char *buf, size_t len)
{
	held_frame *h;

	if (k->nheld >= VERTO_CONN_QUEUE_MAX || !(h = malloc(sizeof(*h) + len)))
		return -1;
	h->next = NULL;
	h->at = e->now;
	h->len = len;
	memcpy(h->buf, buf, len);
	if (!k->held)
		k->held_tail = &k->held;
	*k->held_tail = h;
	k->held_tail = &h->next;
	k->nheld++;
	return 0;
}

static held_frame *unhold_frame(conn_rec *k)
{
	held_frame *h = k->held;

	if (h) {
		k->held = h->next;
		k->nheld--;
	}
	return h;
}

/* what a connection record holds besides itself */
static void conn_clear(conn_rec *k)
{
	held_frame *h;

	while ((h = unhold_frame(k)))
		free(h);
	json_object_put(k->pend_id);
	json_object_put(k->pend_params);
	k->pend_id = k->pend_params = NULL;
	k->pending = 0;
	json_object_put(k->ready_list);
	k->ready_list = NULL;
	k->ready_wait = 0;
}

static int frame_now(verto_engine *e, conn_rec *k, const char *buf, size_t len);

/* answer a frame that will not be handled: error code/msg (-32002 with
 * cause NORMAL_TEMPORARY_FAILURE for VERTO_ERR_CALL) to its id, if it is
 * a request with an id; other frames get nothing */
static void refuse_frame(verto_engine *e, verto_conn_id conn, const char *buf,
						 size_t len, int code, const char *msg)
{
	verto_rpc_msg m;
	char why[96];
	int rc = verto_rpc_parse(buf, len, &e->cfg.limits, &m, why, sizeof(why));

	e->st.frames_in++;
	e->st.frames_bad++;
	if (rc || m.kind == VERTO_RPC_REQUEST) {
		if (code == VERTO_ERR_CALL)
			reply_call_error(e, conn, m.id, msg,
							 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		else
			reply_error(e, conn, m.id, code, msg, NULL);
	}
	verto_rpc_msg_clear(&m);
}

int verto_engine_frame(verto_engine *e, verto_conn_id conn, const char *buf,
					   size_t len)
{
	conn_rec *k = find_conn(e, conn);

	if (!k)
		return -1;
	if (k->closing) {
		/* being closed: nothing more is handled */
		refuse_frame(e, conn, buf, len, VERTO_ERR_CALL,
					 "LOGIN STILL CHECKED, TRY AGAIN");
		return 0;
	}
	if (k->pending) {
		if (hold_frame(e, k, buf, len) == 0)
			return 0;
		refuse_frame(e, conn, buf, len, VERTO_ERR_INVALID,
					 "too many frames while the login is checked");
		return -1;
	}
	return frame_now(e, k, buf, len);
}

int verto_engine_auth_done(verto_engine *e, verto_conn_id conn, int rc,
						   const verto_identity *id)
{
	conn_rec *k = find_conn(e, conn);
	json_object *rid, *params;
	verto_identity none;
	held_frame *h;

	if (!k || !k->pending)
		return -1;
	rid = k->pend_id;
	params = k->pend_params;
	k->pend_id = k->pend_params = NULL;
	k->pending = 0;
	if (!id) {
		memset(&none, 0, sizeof(none));
		id = &none;
		rc = rc ? rc : VERTO_ERR_AUTH_FAILED;
	}
	login_finish(e, k, rid, params, rc, id);
	json_object_put(rid);
	json_object_put(params);
	/* the frames that waited, in order, until another login waits */
	while ((k = find_conn(e, conn)) && !k->pending && (h = unhold_frame(k))) {
		frame_now(e, k, h->buf, h->len);
		free(h);
	}
	return 0;
}

static int frame_now(verto_engine *e, conn_rec *k, const char *buf, size_t len)
{
	verto_conn_id conn = k->id;
	verto_rpc_msg m;
	char why[96];
	const char *meth;
	int rc;

	e->st.frames_in++;
	rc = verto_rpc_parse(buf, len, &e->cfg.limits, &m, why, sizeof(why));
	if (rc) {
		e->st.frames_bad++;
		reply_error(e, conn, m.id, rc, why, NULL);
		verto_rpc_msg_clear(&m);
		return 0;
	}
	if (m.kind != VERTO_RPC_REQUEST) {
		verto_rpc_msg_clear(&m); /* the client's acks */
		return 0;
	}
	meth = m.method;
	if (strcmp(meth, "login") == 0) {
		do_login(e, k, m.id, m.params);
	} else if (!k->sess) {
		reply_error(e, conn, m.id, VERTO_ERR_AUTH_REQUIRED, NULL, NULL);
	} else if (strcmp(meth, "verto.invite") == 0) {
		do_invite(e, k, m.id, m.params);
	} else if (strcmp(meth, "verto.answer") == 0 ||
			   strcmp(meth, "verto.attach") == 0) {
		do_answer(e, k, m.id, m.params);
	} else if (strcmp(meth, "verto.bye") == 0) {
		do_bye(e, k, m.id, m.params);
	} else if (strcmp(meth, "verto.modify") == 0) {
		do_modify(e, k, m.id, m.params);
	} else if (strcmp(meth, "verto.info") == 0) {
		do_info(e, k, m.id, m.params);
	} else if (strcmp(meth, "verto.subscribe") == 0) {
		do_subscribe(e, k, m.id, m.params, "unauthorizedChannels");
	} else if (strcmp(meth, "verto.unsubscribe") == 0) {
		do_subscribe(e, k, m.id, m.params, "notSubscribedChannels");
	} else if (strcmp(meth, "verto.broadcast") == 0) {
		reply_result(e, conn, m.id, NULL);
	} else {
		e->st.frames_bad++;
		reply_error(e, conn, m.id, VERTO_ERR_METHOD, NULL, NULL);
	}
	verto_rpc_msg_clear(&m);
	return 0;
}

/* ---------------------------------------------------------------- SIP side */

int verto_engine_sip_event(verto_engine *e, verto_call *c, verto_call_event ev,
						   int code, const char *sdp)
{
	act_ctx ax = {.ev = ev, .in_sdp = sdp};

	if (ev < VCE_S_PROGRESS || ev >= VCE_COUNT)
		return -1;
	if (ev == VCE_S_ANSWER && sdp && !sdp_ok(sdp))
		ax.in_sdp = NULL;
	return feed(e, c, &ax, code);
}

verto_call *verto_engine_sip_invite(verto_engine *e, const char *sip_callid,
									const char *login, const char *caller_name,
									const char *caller_number, const char *sdp,
									void *glue, int *status)
{
	verto_session *s;
	verto_call *c;
	char cid[VERTO_SESSID_LEN + 1];
	act_ctx ax = {.ev = VCE_S_INVITE, .in_sdp = sdp};

	*status = 480;
	if (!sdp_ok(sdp)) {
		*status = 488;
		return NULL;
	}
	if (strlen(sip_callid) > VERTO_SIPID_MAX || make_uuid(e, cid)) {
		*status = 500;
		return NULL;
	}
	for (s = e->sessions; s; s = s->next)
		if (s->conn && strcmp(s->ident.login, login) == 0)
			break;
	if (!s)
		return NULL;
	c = call_new(e, cid, NULL);
	if (!c) {
		*status = 503;
		return NULL;
	}
	for (; s && c->nring < VERTO_MAX_RING; s = s->next)
		if (s->conn && strcmp(s->ident.login, login) == 0)
			c->ring[c->nring++] = s;
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", sip_callid);
	set_str(&c->caller_name, caller_name);
	set_str(&c->caller_number, caller_number);
	set_str(&c->dest, login);
	c->glue = glue;
	c->ring_end = e->now + e->cfg.ring_ms;
	e->st.calls_in++;
	feed(e, c, &ax, 0);
	if (!find_call(e, cid)) {
		*status = 0; /* already answered by call_abort */
		return NULL;
	}
	return c;
}

/* ---------------------------------------------------------------- life */

verto_engine *verto_engine_new(const verto_ops *ops,
							   const verto_engine_cfg *cfg)
{
	verto_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ops = *ops;
	if (cfg)
		e->cfg = *cfg;
	if (!e->cfg.max_sessions)
		e->cfg.max_sessions = 10000;
	if (!e->cfg.max_calls)
		e->cfg.max_calls = 8;
	if (!e->cfg.grace_ms)
		e->cfg.grace_ms = 30000;
	if (!e->cfg.session_keep_ms)
		e->cfg.session_keep_ms = e->cfg.grace_ms;
	if (!e->cfg.ring_ms)
		e->cfg.ring_ms = 60000;
	return e;
}

void verto_engine_free(verto_engine *e)
{
	if (!e)
		return;
	while (e->calls) {
		verto_call *c = e->calls;
		e->calls = c->next;
		if (e->ops.call_freed)
			e->ops.call_freed(e->ops.ctx, c);
		call_drop_held(NULL, c);
		json_object_put(c->pending_id);
		free(c->dest);
		free(c->caller_name);
		free(c->caller_number);
		free(c->browser_sdp);
		free(c->disp_name);
		free(c->disp_number);
		free(c);
	}
	while (e->sessions) {
		verto_session *s = e->sessions;
		e->sessions = s->next;
		free(s);
	}
	while (e->conns) {
		conn_rec *k = e->conns;
		e->conns = k->next;
		conn_clear(k);
		free(k);
	}
	free(e);
}

int verto_engine_conn_open(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k;

	if (!conn || find_conn(e, conn))
		return -1;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -1;
	k->id = conn;
	k->next = e->conns;
	e->conns = k;
	return 0;
}

void verto_engine_conn_close(verto_engine *e, verto_conn_id conn)
{
	conn_rec **pp, *k;

	for (pp = &e->conns; (k = *pp); pp = &k->next) {
		if (k->id == conn) {
			*pp = k->next;
			if (k->sess && k->sess->conn == conn)
				session_detach(e, k->sess);
			conn_clear(k);
			free(k);
			return;
		}
	}
}

/*
 * requests of c waiting since before `old`: answered now (-32002
 * NORMAL_TEMPORARY_FAILURE). Queued ones stay queued and run later, without
 * a second answer. The running step's request: one that sets the call up
 * (verto.invite, verto.answer) makes the call fail when the step ends; in
 * an answered call (the answer to verto.attach) the step goes on.
 */
static void late_requests(verto_engine *e, verto_call *c, uint64_t old)
{
	verto_held_step *h = c->step;

	if (h && h->conn && verto_call_event_is_request(h->ev) && h->at <= old) {
		reply_call_error(e, h->conn, h->id, "CALL ERROR",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		json_object_put(h->id);
		h->id = NULL;
		h->conn = 0;
		h->late = h->prev != VCS_ACTIVE;
	}
	for (h = c->queued; h; h = h->next) {
		if (!h->conn || !verto_call_event_is_request(h->ev) || h->at > old)
			continue;
		reply_call_error(e, h->conn, h->id, "CALL BUSY, TRY AGAIN",
						 VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		json_object_put(h->id);
		h->id = NULL;
		h->conn = 0;
	}
}

/* a connection whose frames wait behind a login since before `old`: they
 * are answered -32002 and the connection is closed */
static void late_frames(verto_engine *e, uint64_t old)
{
	held_frame *h;
	conn_rec *k;

	for (k = e->conns; k; k = k->next) {
		if (!k->pending || !k->held || k->held->at > old || k->closing)
			continue;
		while ((h = unhold_frame(k))) {
			refuse_frame(e, k->id, h->buf, h->len, VERTO_ERR_CALL,
						 "LOGIN STILL CHECKED, TRY AGAIN");
			free(h);
		}
		k->closing = 1;
		e->ops.close(e->ops.ctx, k->id);
	}
}

void verto_engine_tick(verto_engine *e, uint64_t now_ms)
{
	uint64_t old = now_ms > VERTO_ANSWER_DEADLINE_MS
						   ? now_ms - VERTO_ANSWER_DEADLINE_MS
						   : 0;
	verto_call *c, *cn;
	verto_session *s, *sn;

	e->now = now_ms;
	if (now_ms >= VERTO_ANSWER_DEADLINE_MS) {
		for (c = e->calls; c; c = c->next)
			late_requests(e, c, old);
		late_frames(e, old);
	}
	for (c = e->calls; c; c = cn) {
		act_ctx ax = {.ev = VCE_GRACE_OVER};
		cn = c->next;
		if (c->busy)
			continue; /* looked at again after its media step */
		if (c->fsm.detached && c->fsm.state == VCS_ACTIVE &&
			c->grace_end <= now_ms)
			feed(e, c, &ax, 0);
		else if (c->fsm.state == VCS_IN_RINGING && c->ring_end <= now_ms) {
			ax.ev = VCE_RING_TIMEOUT;
			feed(e, c, &ax, 0);
		}
	}
	for (s = e->sessions; s; s = sn) {
		sn = s->next;
		if (!s->conn && !s->ncalls &&
			now_ms - s->detached_at >= e->cfg.session_keep_ms)
			session_free(e, s);
	}
}

int verto_engine_kick(verto_engine *e, const char *sessid)
{
	verto_session *s = find_session(e, sessid);

	if (!s)
		return -1;
	if (s->conn) {
		verto_conn_id conn = s->conn;
		punt(e, conn);
		session_detach(e, s);
	}
	return 0;
}

verto_session *verto_engine_sessions(verto_engine *e)
{
	return e->sessions;
}

verto_call *verto_engine_calls(verto_engine *e)
{
	return e->calls;
}

const verto_stats *verto_engine_stats(verto_engine *e)
{
	return &e->st;
}
