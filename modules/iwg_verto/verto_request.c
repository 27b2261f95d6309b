/*
 * verto_request.c - the Verto engine's entries for what comes in: the
 * JSON-RPC methods of a logged-in client (verto.invite, answer, attach,
 * bye, modify, info, subscribe) and the SIP side's events, INVITEs,
 * transfer progress and connected line. Contracts in verto_engine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "verto_cc.h"
#include "verto_engine_priv.h"
#include "verto_sipid.h"

/* dialogParams.callID, else params.callID */
static const char *param_call_id(json_object *params)
{
	const char *id = verto_engine_jstr(
			verto_engine_jobj(params, "dialogParams"), "callID", VERTO_ID_MAX);

	if (!id)
		id = verto_engine_jstr(params, "callID", VERTO_ID_MAX);
	return verto_engine_token_ok(id, "-_.@:") ? id : NULL;
}

/* may this session act on the call? */
static int call_owned(const verto_call *c, const verto_session *s)
{
	return c->sess == s || (c->fsm.state == VCS_IN_RINGING &&
							verto_engine_ring_index(c, s) >= 0);
}

/* one routing-context member of dialogParams.userVariables: 1 absent or
 * empty (*out NULL), 0 usable (*out set), -1 present and unusable (not a
 * string, too long, or characters outside the allowed set) */
static int call_ctx_member(json_object *uv, const char *key, size_t max,
						   const char *punct, const char **out)
{
	json_object *v;
	const char *s;

	*out = NULL;
	if (!uv || !json_object_object_get_ex(uv, key, &v) ||
		json_object_is_type(v, json_type_null))
		return 1;
	s = verto_engine_jstr(uv, key, max);
	if (!s)
		return -1;
	if (!*s)
		return 1;
	if (!verto_engine_token_ok(s, punct))
		return -1;
	*out = s;
	return 0;
}

/* the call's routing context from dialogParams.userVariables (the
 * contact center's rules read it as $verto(queue), $verto(language),
 * $verto(page)); 0 with v[0..2] set (NULL: none), or -1 with the name of
 * the unusable member in *bad */
static int call_ctx(json_object *dp, const char *v[3], const char **bad)
{
	json_object *uv = verto_engine_jobj(dp, "userVariables");

	*bad = "queue";
	if (call_ctx_member(uv, "queue", 64, "._-", &v[0]) < 0)
		return -1;
	*bad = "language";
	if (call_ctx_member(uv, "language", 64, "-_", &v[1]) < 0)
		return -1;
	/* a URL without spaces, quotes or CR/LF */
	*bad = "page";
	if (call_ctx_member(uv, "page", 256, ":/?#[]@!$&()*+,;=%._~-", &v[2]) < 0)
		return -1;
	*bad = NULL;
	return 0;
}

static void do_invite(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	json_object *dp = verto_engine_jobj(params, "dialogParams");
	const char *call_id = param_call_id(params);
	const char *sdp = verto_engine_jstr(params, "sdp", VERTO_SDP_MAX);
	const char *dest =
			verto_engine_jstr(dp, "destination_number", VERTO_DEST_MAX);
	act_ctx ax = {.ev = VCE_V_INVITE, .conn = k->id, .id = id};
	const char *ctx[3], *bad;
	char why[64];
	verto_call *c;

	if (!dp || !call_id) {
		verto_engine_reply_error(e, k->id, id, VERTO_ERR_PARAMS,
								 "Missing callID", NULL);
		return;
	}
	if (!verto_engine_token_ok(dest, "+*#._-@")) {
		verto_engine_reply_call_error(e, k->id, id, "Invalid destination",
									  VERTO_CAUSE_INVALID_NUMBER_FORMAT);
		return;
	}
	if (!verto_engine_sdp_ok(sdp)) {
		verto_engine_reply_call_error(e, k->id, id, "Invalid SDP",
									  VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		return;
	}
	if (call_ctx(dp, ctx, &bad)) {
		snprintf(why, sizeof(why), "Invalid userVariables.%s", bad);
		verto_engine_reply_call_error(e, k->id, id, why,
									  VERTO_CAUSE_INVALID_NUMBER_FORMAT);
		return;
	}
	if (verto_engine_find_call(e, call_id)) {
		verto_engine_reply_call_error(e, k->id, id, "Call exists",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	if (k->sess->ncalls >= e->cfg.max_calls) {
		verto_engine_reply_call_error(e, k->id, id, "Too many calls",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	c = verto_engine_call_new(e, call_id, k->sess);
	if (!c) {
		verto_engine_reply_call_error(e, k->id, id, "Out of memory",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	verto_engine_set_str(&c->ctx_queue, ctx[0]);
	verto_engine_set_str(&c->ctx_language, ctx[1]);
	verto_engine_set_str(&c->ctx_page, ctx[2]);
	verto_engine_set_str(&c->dest, dest);
	verto_engine_set_str(&c->caller_name,
						 verto_engine_jstr(dp, "caller_id_name", VERTO_ID_MAX));
	verto_engine_set_str(
			&c->caller_number,
			verto_engine_jstr(dp, "caller_id_number", VERTO_ID_MAX));
	e->st.calls_out++;
	ax.in_sdp = sdp;
	verto_engine_feed(e, c, &ax, 0);
}

/* the call a request names, owned by the requester; else answers and NULL */
static verto_call *req_call(verto_engine *e, conn_rec *k, json_object *id,
							json_object *params)
{
	const char *call_id = param_call_id(params);
	verto_call *c = call_id ? verto_engine_find_call(e, call_id) : NULL;

	if (!c || !call_owned(c, k->sess)) {
		verto_engine_reply_call_error(e, k->id, id, "CALL DOES NOT EXIST",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return NULL;
	}
	return c;
}

/* verto.answer to our verto.invite, or verto.attach answering a re-attach */
static void do_answer(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	const char *sdp = verto_engine_jstr(params, "sdp", VERTO_SDP_MAX);
	act_ctx ax = {.ev = VCE_V_ANSWER, .conn = k->id, .id = id, .in_sdp = sdp};
	verto_call *c = req_call(e, k, id, params);
	unsigned i;

	if (!c)
		return;
	if (!verto_engine_sdp_ok(sdp)) {
		verto_engine_reply_call_error(e, k->id, id, "Invalid SDP",
									  VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
		return;
	}
	if (c->fsm.state == VCS_IN_RINGING && !c->sess) {
		/* first answer wins; the other sessions stop ringing (a second
		 * answer while the first one's step runs finds c->sess set) */
		for (i = 0; i < c->nring; i++)
			if (c->ring[i] != k->sess)
				verto_engine_send_bye(e, c, c->ring[i], VERTO_CAUSE_LOSE_RACE);
		verto_engine_ring_clear(c);
		verto_engine_call_own(e, c, k->sess);
	} else if (c->sess != k->sess) {
		verto_engine_reply_call_error(e, k->id, id, "CALL DOES NOT EXIST",
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return;
	}
	verto_engine_feed(e, c, &ax, 0);
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
		if ((i = verto_engine_ring_index(c, k->sess)) >= 0)
			verto_engine_ring_remove(c, (unsigned)i);
		verto_engine_reply_result(e, k->id, id,
								  verto_engine_result_for(c, &ax));
		return;
	}
	verto_engine_feed(e, c, &ax, 0);
}

/*
 * attended transfer: the SIP Call-ID of the call replaceCallID names (an
 * answered call of the same session, not c itself); else answers -32002
 * and NULL
 */
static const char *replace_target(verto_engine *e, conn_rec *k, json_object *id,
								  json_object *params, const verto_call *c)
{
	const char *other =
			verto_engine_jstr(params, "replaceCallID", VERTO_ID_MAX);
	verto_call *o = verto_engine_token_ok(other, "-_.@:")
							? verto_engine_find_call(e, other)
							: NULL;
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
		verto_engine_reply_call_error(e, k->id, id, why,
									  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		return NULL;
	}
	return o->sip_callid;
}

static void do_modify(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params)
{
	const char *action = verto_engine_jstr(params, "action", 32);
	act_ctx ax = {.conn = k->id, .id = id, .action = action};
	verto_call *c;

	if (!action) {
		verto_engine_reply_error(e, k->id, id, VERTO_ERR_PARAMS,
								 "Missing action", NULL);
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
		verto_engine_reply_call_error(e, k->id, id, "Unsupported action",
									  VERTO_CAUSE_SERVICE_NOT_IMPLEMENTED);
		return;
	}
	if (!(c = req_call(e, k, id, params)))
		return;
	if (ax.replaces) {
		if (!(ax.text = replace_target(e, k, id, params, c)))
			return;
	} else if (ax.ev == VCE_V_TRANSFER) {
		ax.text = verto_engine_jstr(params, "destination", VERTO_DEST_MAX);
		if (!verto_engine_token_ok(ax.text, "+*#._-@")) {
			verto_engine_reply_call_error(e, k->id, id, "Invalid destination",
										  VERTO_CAUSE_INVALID_NUMBER_FORMAT);
			return;
		}
	}
	verto_engine_feed(e, c, &ax, 0);
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

/* may the browser's messages go to the contact center in this state? (an
 * outbound call queued or ringing has an early dialog once a 1xx with a To
 * tag came; the glue checks that) */
static int cc_state_ok(const verto_call *c)
{
	switch (c->fsm.state) {
	case VCS_OUT_CALLING:
	case VCS_OUT_EARLY:
	case VCS_ACTIVE:
		return 1;
	default:
		return 0;
	}
}

/* verto.info msg for the contact center (to "iwg-cc"): SIP INFO in the
 * call's dialog; 0 when it was (answered either way), 1 when msg is not for
 * the contact center */
static int cc_message(verto_engine *e, conn_rec *k, json_object *id,
					  json_object *params, json_object *msg)
{
	const char *call_id = param_call_id(params), *why = NULL;
	char *body = NULL, *event = NULL;
	verto_call *c = NULL;
	json_object *r;
	int rc = verto_cc_client_msg(msg, &body, &event, &why);

	if (rc > 0)
		return 1;
	if (rc == 0) {
		c = call_id ? verto_engine_find_call(e, call_id) : NULL;
		if (!c || !call_owned(c, k->sess))
			why = "Unknown call (dialogParams.callID)";
		else if (!cc_state_ok(c))
			why = "Call not answered or early";
		else if ((rc = e->ops.sip(e->ops.ctx, c, VERTO_SIP_CC_INFO, 0, body,
								  event)) == VERTO_SIP_CC_NO_DIALOG)
			why = "Call not answered or early (no dialog with the contact "
				  "center yet)";
		else if (rc == VERTO_SIP_CC_BUSY)
			why = "Too many messages for the contact center awaiting "
				  "replies";
		else if (rc)
			why = "Message not sent to the contact center";
	}
	if (why) {
		verto_engine_reply_error(e, k->id, id, VERTO_ERR_PARAMS, why, NULL);
	} else {
		r = json_object_new_object();
		verto_engine_jadd(r, "message", "SENT");
		verto_engine_jadd(r, "callID", c->call_id);
		verto_engine_reply_result(e, k->id, id, r);
	}
	free(body);
	free(event);
	return 0;
}

static void do_info(verto_engine *e, conn_rec *k, json_object *id,
					json_object *params)
{
	json_object *v;
	act_ctx ax = {.ev = VCE_V_DTMF, .conn = k->id, .id = id};
	verto_call *c;

	if (!json_object_object_get_ex(params, "dtmf", &v)) {
		/* messages for the contact center; other (chat) messages are not
		 * relayed */
		if (!json_object_object_get_ex(params, "msg", &v) ||
			cc_message(e, k, id, params, v) > 0)
			verto_engine_reply_result(e, k->id, id, NULL);
		return;
	}
	ax.text = verto_engine_jstr(params, "dtmf", 64);
	if (!dtmf_ok(ax.text)) {
		verto_engine_reply_call_error(e, k->id, id, "Invalid DTMF",
									  VERTO_CAUSE_INVALID_NUMBER_FORMAT);
		return;
	}
	if ((c = req_call(e, k, id, params)))
		verto_engine_feed(e, c, &ax, 0);
}

/* subscriptions are for conferences: every channel is refused */
static void do_subscribe(verto_engine *e, conn_rec *k, json_object *id,
						 json_object *params, const char *key)
{
	json_object *r = json_object_new_object(), *ch;

	if (json_object_object_get_ex(params, "eventChannel", &ch))
		json_object_object_add(r, key, json_object_get(ch));
	verto_engine_jadd(r, "sessid", k->sess->sessid);
	verto_engine_reply_result(e, k->id, id, r);
}

int verto_engine_frame_now(verto_engine *e, conn_rec *k, const char *buf,
						   size_t len)
{
	verto_conn_id conn = k->id;
	verto_jsonrpc_msg m;
	char why[96];
	const char *meth;
	int rc;

	e->st.frames_in++;
	rc = verto_jsonrpc_parse(buf, len, &e->cfg.limits, &m, why, sizeof(why));
	if (rc) {
		e->st.frames_bad++;
		verto_engine_reply_error(e, conn, m.id, rc, why, NULL);
		verto_jsonrpc_msg_clear(&m);
		return 0;
	}
	if (m.kind != VERTO_JSONRPC_REQUEST) {
		verto_jsonrpc_msg_clear(&m); /* the client's acks */
		return 0;
	}
	meth = m.method;
	if (strcmp(meth, "login") == 0) {
		verto_engine_do_login(e, k, m.id, m.params);
	} else if (!k->sess) {
		verto_engine_reply_error(e, conn, m.id, VERTO_ERR_AUTH_REQUIRED, NULL,
								 NULL);
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
		verto_engine_reply_result(e, conn, m.id, NULL);
	} else {
		e->st.frames_bad++;
		verto_engine_reply_error(e, conn, m.id, VERTO_ERR_METHOD, NULL, NULL);
	}
	verto_jsonrpc_msg_clear(&m);
	return 0;
}

/* ---------------------------------------------------------------- SIP side */

int verto_engine_sip_event(verto_engine *e, verto_call *c, verto_call_event ev,
						   int code, const char *sdp)
{
	act_ctx ax = {.ev = ev, .in_sdp = sdp};

	if (ev < VCE_S_PROGRESS || ev >= VCE_COUNT)
		return -1;
	verto_engine_call_sync_sip(e, c);
	if (ev == VCE_S_ANSWER && sdp && !verto_engine_sdp_ok(sdp))
		ax.in_sdp = NULL;
	return verto_engine_feed(e, c, &ax, code);
}

/* the login's sessions with a WebSocket, newest first (at most
 * VERTO_MAX_RING), rung by c; with c NULL only counted */
static unsigned ring_sessions(verto_engine *e, verto_call *c, const char *login)
{
	login_group *g = verto_engine_find_group(e, login);
	verto_link *l;
	unsigned n = 0;

	if (!g)
		return 0;
	for (l = g->sessions.prev; l != &g->sessions && n < VERTO_MAX_RING;
		 l = l->prev) {
		sess_priv *s = verto_container(l, sess_priv, glink);
		if (!s->pub.conn)
			continue;
		n++;
		if (c)
			verto_engine_ring_add(c, &s->pub);
	}
	return n;
}

verto_call *verto_engine_sip_invite(verto_engine *e, const char *sip_callid,
									const char *login, const char *caller_name,
									const char *caller_number, const char *sdp,
									void *glue, int *status)
{
	verto_call *c;
	char cid[VERTO_SESSID_LEN + 1];
	act_ctx ax = {.ev = VCE_S_INVITE, .in_sdp = sdp};

	*status = 480;
	if (!verto_engine_sdp_ok(sdp)) {
		*status = 488;
		return NULL;
	}
	if (strlen(sip_callid) > VERTO_SIPID_MAX ||
		verto_engine_make_uuid(e, cid)) {
		*status = 500;
		return NULL;
	}
	if (!ring_sessions(e, NULL, login))
		return NULL;
	c = verto_engine_call_new(e, cid, NULL);
	if (!c) {
		*status = 503;
		return NULL;
	}
	ring_sessions(e, c, login);
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", sip_callid);
	verto_engine_call_sync_sip(e, c);
	verto_engine_set_str(&c->caller_name, caller_name);
	verto_engine_set_str(&c->caller_number, caller_number);
	verto_engine_set_str(&c->dest, login);
	c->glue = glue;
	c->ring_end = e->now + e->cfg.ring_ms;
	verto_list_add_tail(&e->timed, &CP(c)->tlink);
	e->st.calls_in++;
	verto_engine_feed(e, c, &ax, 0);
	if (!verto_engine_find_call(e, cid)) {
		*status = 0; /* already answered by call_abort */
		return NULL;
	}
	return c;
}

int verto_engine_transfer_status(verto_engine *e, verto_call *c, int code,
								 const char *reason)
{
	json_object *p, *m;

	if (!c || !c->sess || !c->sess->conn || code < 100 || code > 699)
		return -1;
	p = verto_engine_call_params(c);
	m = json_object_new_object();
	verto_engine_jadd(m, "type", "transfer");
	json_object_object_add(m, "status", json_object_new_int(code));
	verto_engine_jadd(m, "reason", reason ? reason : "");
	json_object_object_add(m, "final", json_object_new_boolean(code >= 200));
	json_object_object_add(p, "msg", m);
	verto_engine_send_request(e, c->sess->conn, "verto.info", p);
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
	p = verto_engine_call_params(c);
	verto_engine_jadd(p, "display_name", name && *name ? name : number);
	verto_engine_jadd(p, "display_number", number);
	verto_engine_jadd(p, "display_direction",
					  c->fsm.outbound ? "inbound" : "outbound");
	verto_engine_send_request(e, c->sess->conn, "verto.display", p);
	verto_engine_set_str(&c->disp_name, name && *name ? name : number);
	verto_engine_set_str(&c->disp_number, number);
	return 0;
}

int verto_engine_agent(verto_engine *e, verto_call *c, const char *name,
					   const char *number)
{
	json_object *m;

	if (!verto_cline_changed(c->agent_name, c->agent_number, name, number))
		return 1;
	if (!c->sess || !c->sess->conn || c->fsm.state != VCS_ACTIVE)
		return -1;
	if (!(m = verto_cc_agent_msg(name, number)))
		return 1;
	verto_engine_set_str(&c->agent_name, name && *name ? name : number);
	verto_engine_set_str(&c->agent_number, number);
	return verto_engine_cc_event(e, c, m);
}

int verto_engine_cc_event(verto_engine *e, verto_call *c, json_object *msg)
{
	json_object *p;

	if (!msg)
		return -1;
	if (!c || !c->sess || !c->sess->conn) {
		json_object_put(msg);
		return -1;
	}
	p = verto_engine_call_params(c);
	json_object_object_add(p, "msg", msg);
	verto_engine_send_request(e, c->sess->conn, "verto.info", p);
	return 0;
}
