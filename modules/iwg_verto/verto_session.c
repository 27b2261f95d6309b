/*
 * verto_session.c - the Verto engine's connections and sessions: login
 * (synchronous or through ops.auth_start, frames held meanwhile against
 * the byte budget), sessid, resume and re-attach, punt, the sessions of
 * one login (max_sessions_per_login), the login deadline, logins in
 * flight (max_logins_pending), and detached sessions' expiry.
 * Contracts in verto_engine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "verto_engine_priv.h"

#define MSG_LATE	"LOGIN STILL CHECKED, TRY AGAIN"
#define MSG_TIMEOUT "LOGIN TIMEOUT"

/* ---------------------------------------------------------------- groups */

login_group *verto_engine_find_group(verto_engine *e, const char *login)
{
	verto_hnode *n =
			verto_hindex_find(&e->logins, verto_engine_str_hash(e, login));

	for (; n; n = verto_hindex_next(n)) {
		login_group *g = verto_container(n, login_group, hn);
		if (strcmp(g->login, login) == 0)
			return g;
	}
	return NULL;
}

/* s joins its login's group (made when it is the first); 0 or -1 */
static int group_join(verto_engine *e, sess_priv *s)
{
	login_group *g = verto_engine_find_group(e, s->pub.ident.login);

	if (!g) {
		if (!(g = calloc(1, sizeof(*g))))
			return -1;
		snprintf(g->login, sizeof(g->login), "%s", s->pub.ident.login);
		verto_list_init(&g->sessions);
		if (verto_hindex_add(&e->logins, &g->hn,
							 verto_engine_str_hash(e, g->login))) {
			free(g);
			return -1;
		}
	}
	verto_list_add_tail(&g->sessions, &s->glink);
	g->n++;
	s->grp = g;
	return 0;
}

/* s leaves its group (freed when it was the last) */
static void group_leave(verto_engine *e, sess_priv *s)
{
	login_group *g = s->grp;

	if (!g)
		return;
	verto_list_del(&s->glink);
	s->grp = NULL;
	if (--g->n == 0) {
		verto_hindex_del(&e->logins, &g->hn);
		free(g);
	}
}

/* ---------------------------------------------------------------- sessions */

/* a new session of ident, indexed, with sessid (NULL: a fresh one; it
 * must not be in use); NULL on failure */
static verto_session *session_new(verto_engine *e, const verto_identity *ident,
								  const char *sessid)
{
	sess_priv *s = calloc(1, sizeof(*s));
	verto_session *pub;
	int tries = 0;

	if (!s)
		return NULL;
	pub = &s->pub;
	if (sessid)
		snprintf(pub->sessid, sizeof(pub->sessid), "%s", sessid);
	while (!sessid) {
		if (verto_engine_make_uuid(e, pub->sessid) || ++tries > 4)
			goto err;
		if (!verto_engine_find_session(e, pub->sessid))
			break;
	}
	pub->ident = *ident;
	verto_list_init(&s->calls);
	if (verto_hindex_add(&e->by_sessid, &s->hn,
						 verto_engine_str_hash(e, pub->sessid)))
		goto err;
	s->indexed = 1;
	if (group_join(e, s)) {
		verto_hindex_del(&e->by_sessid, &s->hn);
		goto err;
	}
	pub->next = e->sessions;
	if (pub->next)
		SP(pub->next)->pprev = &pub->next;
	e->sessions = pub;
	s->pprev = &e->sessions;
	e->nsessions++;
	return pub;
err:
	free(s);
	return NULL;
}

/* s can no longer be found (by sessid, by login); it stays, detached,
 * until its calls are over */
static void session_unindex(verto_engine *e, verto_session *pub)
{
	sess_priv *s = SP(pub);

	if (s->indexed)
		verto_hindex_del(&e->by_sessid, &s->hn);
	s->indexed = 0;
	group_leave(e, s);
}

/* a session without calls goes */
static void session_free(verto_engine *e, verto_session *pub)
{
	sess_priv *s = SP(pub);
	conn_rec *k = pub->conn ? verto_engine_find_conn(e, pub->conn) : NULL;

	if (k && k->sess == pub)
		k->sess = NULL;
	session_unindex(e, pub);
	verto_list_del(&s->dlink);
	*s->pprev = pub->next;
	if (pub->next)
		SP(pub->next)->pprev = s->pprev;
	e->nsessions--;
	free(s);
}

void verto_engine_session_detach(verto_engine *e, verto_session *pub)
{
	sess_priv *s = SP(pub);
	verto_link *l, *next;
	int i;

	pub->conn = 0;
	pub->detached_at = e->now;
	verto_list_del(&s->dlink);
	verto_list_add_tail(&e->detached, &s->dlink);
	/* its calls lose the WebSocket (each feed frees at most that call) */
	for (l = s->calls.next; l != &s->calls; l = next) {
		act_ctx ax = {.ev = VCE_WS_LOST};
		next = l->next;
		verto_engine_feed(e, &verto_container(l, call_priv, slink)->pub, &ax,
						  0);
	}
	/* the calls ringing it (all of them are on e->timed) */
	for (l = e->timed.next; s->nrung && l != &e->timed; l = next) {
		verto_call *c = &verto_container(l, call_priv, tlink)->pub;
		act_ctx ax = {.ev = VCE_WS_LOST};
		next = l->next;
		if ((i = verto_engine_ring_index(c, pub)) < 0)
			continue;
		verto_engine_ring_remove(c, (unsigned)i);
		if (c->nring == 0 && !c->sess)
			verto_engine_feed(e, c, &ax, 0);
	}
}

static void punt(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = verto_engine_find_conn(e, conn);

	verto_engine_send_request(e, conn, "verto.punt", json_object_new_object());
	e->ops.close(e->ops.ctx, conn);
	if (k)
		k->sess = NULL;
}

static void bind(verto_engine *e, conn_rec *k, verto_session *s)
{
	k->sess = s;
	k->logged = 1;
	verto_list_del(&k->due);
	s->conn = k->id;
	s->detached_at = 0;
	verto_list_del(&SP(s)->dlink);
	(void)e;
}

/* ---------------------------------------------------------------- per login */

/* an answered call (or one whose step runs: it may become one) */
static int has_answered(const verto_session *pub)
{
	const verto_link *l;

	for (l = SP(pub)->calls.next; l != &SP(pub)->calls; l = l->next) {
		const call_priv *c = verto_container(l, call_priv, slink);
		if (c->pub.fsm.state == VCS_ACTIVE || c->busy)
			return 1;
	}
	return 0;
}

/* the session goes to make room for a newer one of its login */
static void evict(verto_engine *e, verto_session *s)
{
	e->st.sessions_evicted++;
	if (s->conn) {
		punt(e, s->conn);
		verto_engine_session_detach(e, s);
	}
	if (s->ncalls)
		session_unindex(e, s); /* freed once its calls are over */
	else
		session_free(e, s);
}

/*
 * room for one more session of login (max_sessions_per_login): the oldest
 * detached session without calls goes, else the oldest without answered
 * calls (punted). 0, or -1 when every session has answered calls.
 */
static int make_room(verto_engine *e, const char *login)
{
	login_group *g = verto_engine_find_group(e, login);
	verto_link *l;

	if (!g || g->n < e->cfg.max_sessions_per_login)
		return 0;
	for (l = g->sessions.next; l != &g->sessions; l = l->next) {
		verto_session *s = &verto_container(l, sess_priv, glink)->pub;
		if (!s->conn && !s->ncalls) {
			evict(e, s);
			return 0;
		}
	}
	for (l = g->sessions.next; l != &g->sessions; l = l->next) {
		verto_session *s = &verto_container(l, sess_priv, glink)->pub;
		if (!has_answered(s)) {
			evict(e, s);
			return 0;
		}
	}
	return -1;
}

/* ---------------------------------------------------------------- login */

/*
 * after a login on an existing session: re-attach its calls. A busy call
 * gets WS_BACK queued after what waits (its WS_LOST first), so it runs in
 * order; clientReady waits for every WS_BACK that did not finish here
 * (queued, or its fresh offer running): each is counted in ready_wait
 */
static json_object *resume_calls(verto_engine *e, verto_session *s, conn_rec *k)
{
	json_object *list = json_object_new_array();
	verto_link *l, *next;

	for (l = SP(s)->calls.next; l != &SP(s)->calls; l = next) {
		verto_call *c = &verto_container(l, call_priv, slink)->pub;
		act_ctx ax = {.ev = VCE_WS_BACK, .conn = k->id, .counted = 1};
		char cid[VERTO_ID_MAX + 1];
		int was_busy = CP(c)->busy; /* then WS_BACK waits in its queue */
		next = l->next;
		if (!verto_engine_detached_after_queue(c))
			continue;
		memcpy(cid, c->call_id, sizeof(cid));
		/* feed may end the call (no fresh offer): list survivors only */
		if (verto_engine_feed(e, c, &ax, 0) ||
			!(c = verto_engine_find_call(e, cid)))
			continue;
		if (was_busy || (CP(c)->busy && CP(c)->step && CP(c)->step->counted))
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
		if (cid && verto_engine_find_call(e, cid))
			json_object_array_add(live, json_object_new_string(cid));
	}
	json_object_object_add(ready, "reattached_sessions", live);
	verto_engine_send_request(e, conn, "verto.clientReady", ready);
}

void verto_engine_ready_step_done(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = verto_engine_find_conn(e, conn);
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
	const char *sessid = verto_engine_jstr(params, "sessid", VERTO_SESSID_LEN);
	verto_identity ident = *identp;
	verto_session *s = NULL;
	json_object *r, *list;
	int resumed = 0;

	if (rc) {
		e->st.logins_failed++;
		verto_engine_reply_error(e, k->id, id, VERTO_ERR_AUTH_FAILED, NULL,
								 NULL);
		return;
	}
	e->st.logins_ok++;
	if (sessid)
		s = verto_engine_find_session(e, sessid);
	if (!s && k->sess)
		s = k->sess; /* login again on the same connection */
	if (s && strcmp(s->ident.login, ident.login) != 0)
		s = NULL; /* never take over another user's session */
	if (k->sess && k->sess != s) {
		verto_engine_session_detach(e, k->sess);
		k->sess = NULL;
	}
	if (s) {
		if (s->conn && s->conn != k->id)
			punt(e, s->conn); /* the session moved to this connection */
		resumed = s->detached_at != 0 || s->conn != k->id;
		s->ident = ident;
		e->st.resumes += resumed;
	} else {
		if (make_room(e, ident.login)) {
			e->st.sessions_refused++;
			verto_engine_reply_call_error(e, k->id, id, "TOO MANY SESSIONS",
										  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
		if (e->nsessions >= e->cfg.max_sessions) {
			verto_engine_reply_call_error(e, k->id, id, "Too many sessions",
										  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
		if (!(s = session_new(e, &ident, NULL))) {
			verto_engine_reply_call_error(e, k->id, id, "Session error",
										  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
			return;
		}
	}
	bind(e, k, s);
	r = json_object_new_object();
	verto_engine_jadd(r, "message", "logged in");
	verto_engine_jadd(r, "sessid", s->sessid);
	verto_engine_reply_result(e, k->id, id, r);
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

/* a login refused before it was checked: -32002 SERVER BUSY */
static void login_busy(verto_engine *e, conn_rec *k, json_object *id)
{
	/* not a wrong password: the client may try again later */
	e->st.logins_failed++;
	e->st.logins_busy++;
	verto_engine_reply_call_error(e, k->id, id, "SERVER BUSY",
								  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
}

void verto_engine_do_login(verto_engine *e, conn_rec *k, json_object *id,
						   json_object *params)
{
	const char *login = verto_engine_jstr(params, "login", VERTO_ID_MAX);
	const char *passwd = verto_engine_jstr(params, "passwd", 1024);
	json_object *uv = verto_engine_jobj(params, "userVariables");
	verto_identity ident;
	int rc;

	if (!login || !*login) {
		/* the sessid-only first login of a reconnect (section 3) */
		verto_engine_reply_error(e, k->id, id, VERTO_ERR_AUTH_REQUIRED, NULL,
								 NULL);
		return;
	}
	if (e->ops.auth_start) {
		if (e->logins_pending >= e->cfg.max_logins_pending) {
			login_busy(e, k, id);
			return;
		}
		k->pending = 1;
		k->pend_id = json_object_get(id);
		k->pend_params = json_object_get(params);
		rc = e->ops.auth_start(e->ops.ctx, k->id, login, passwd ? passwd : "",
							   uv);
		if (rc == 0) {
			e->logins_pending++;
			verto_list_add_tail(&e->pending, &k->pend);
			return; /* verto_engine_auth_done() goes on */
		}
		k->pending = 0;
		json_object_put(k->pend_id);
		json_object_put(k->pend_params);
		k->pend_id = k->pend_params = NULL;
		if (rc == VERTO_START_BUSY) {
			login_busy(e, k, id);
			return;
		}
		if (rc == VERTO_START_THROTTLED) {
			e->st.logins_throttled++;
			verto_engine_reply_error(e, k->id, id, VERTO_ERR_AUTH_FAILED,
									 "LOGIN THROTTLED", NULL);
			return;
		}
	}
	memset(&ident, 0, sizeof(ident));
	rc = e->ops.auth ? e->ops.auth(e->ops.ctx, login, passwd ? passwd : "", uv,
								   &ident)
					 : VERTO_ERR_AUTH_FAILED;
	login_finish(e, k, id, params, rc, &ident);
}

/* ---------------------------------------------------------------- frames */

/* a login is pending on k: keep a copy of the frame; 0, -1 (too many) or
 * -2 (the budget refused its bytes) */
static int hold_frame(verto_engine *e, conn_rec *k, const char *buf, size_t len)
{
	held_frame *h;

	if (k->nheld >= VERTO_CONN_QUEUE_MAX)
		return -1;
	if (verto_budget_take(e->cfg.budget, len))
		return -2;
	if (!(h = malloc(sizeof(*h) + len))) {
		verto_budget_give(e->cfg.budget, len);
		return -1;
	}
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

/* the oldest held frame, taken out (its bytes given back); free() it */
static held_frame *unhold_frame(verto_engine *e, conn_rec *k)
{
	held_frame *h = k->held;

	if (h) {
		k->held = h->next;
		k->nheld--;
		verto_budget_give(e->cfg.budget, h->len);
	}
	return h;
}

/* what a connection record holds besides itself */
static void conn_clear(verto_engine *e, conn_rec *k)
{
	held_frame *h;

	while ((h = unhold_frame(e, k)))
		free(h);
	json_object_put(k->pend_id);
	json_object_put(k->pend_params);
	k->pend_id = k->pend_params = NULL;
	json_object_put(k->ready_list);
	k->ready_list = NULL;
	k->ready_wait = 0;
	verto_list_del(&k->due);
	verto_list_del(&k->pend);
}

/* answer a frame that will not be handled: error code/msg (-32002 with
 * cause NORMAL_TEMPORARY_FAILURE for VERTO_ERR_CALL) to its id, if it is
 * a request with an id; other frames get nothing */
static void refuse_frame(verto_engine *e, verto_conn_id conn, const char *buf,
						 size_t len, int code, const char *msg)
{
	verto_jsonrpc_msg m;
	char why[96];
	int rc =
			verto_jsonrpc_parse(buf, len, &e->cfg.limits, &m, why, sizeof(why));

	e->st.frames_in++;
	e->st.frames_bad++;
	if (rc || m.kind == VERTO_JSONRPC_REQUEST) {
		if (code == VERTO_ERR_CALL)
			verto_engine_reply_call_error(e, conn, m.id, msg,
										  VERTO_CAUSE_NORMAL_TEMPORARY_FAILURE);
		else
			verto_engine_reply_error(e, conn, m.id, code, msg, NULL);
	}
	verto_jsonrpc_msg_clear(&m);
}

/* close k (ops.close): its held frames' requests are answered -32002 msg,
 * later frames too; a login in flight is dropped when decided */
static void conn_shut(verto_engine *e, conn_rec *k, const char *msg)
{
	held_frame *h;

	while ((h = unhold_frame(e, k))) {
		refuse_frame(e, k->id, h->buf, h->len, VERTO_ERR_CALL, msg);
		free(h);
	}
	k->closing = 1;
	k->closing_msg = msg;
	verto_list_del(&k->due);
	verto_list_del(&k->pend);
	e->ops.close(e->ops.ctx, k->id);
}

int verto_engine_frame(verto_engine *e, verto_conn_id conn, const char *buf,
					   size_t len)
{
	conn_rec *k = verto_engine_find_conn(e, conn);
	int rc;

	if (!k)
		return -1;
	if (k->closing) {
		/* being closed: nothing more is handled */
		refuse_frame(e, conn, buf, len, VERTO_ERR_CALL, k->closing_msg);
		return 0;
	}
	if (k->pending) {
		if ((rc = hold_frame(e, k, buf, len)) == 0)
			return 0;
		if (rc == -2)
			e->st.frames_over_budget++;
		refuse_frame(e, conn, buf, len, VERTO_ERR_INVALID,
					 rc == -2 ? "too much held while logins are checked"
							  : "too many frames while the login is checked");
		return -1;
	}
	return verto_engine_frame_now(e, k, buf, len);
}

/* a closed connection's login decided: it no longer counts */
static int zombie_done(verto_engine *e, verto_conn_id conn)
{
	verto_hnode *n =
			verto_hindex_find(&e->zombies, verto_hash_u64(conn, e->seed));

	for (; n; n = verto_hindex_next(n)) {
		conn_rec *k = verto_container(n, conn_rec, hn);
		if (k->id == conn) {
			verto_hindex_del(&e->zombies, &k->hn);
			free(k);
			e->logins_pending--;
			return 0;
		}
	}
	return -1;
}

int verto_engine_auth_done(verto_engine *e, verto_conn_id conn, int rc,
						   const verto_identity *id)
{
	conn_rec *k = verto_engine_find_conn(e, conn);
	json_object *rid, *params;
	verto_identity none;
	held_frame *h;

	if (!k || !k->pending) {
		zombie_done(e, conn);
		return -1;
	}
	rid = k->pend_id;
	params = k->pend_params;
	k->pend_id = k->pend_params = NULL;
	k->pending = 0;
	e->logins_pending--;
	verto_list_del(&k->pend);
	if (k->closing) {
		/* closed meanwhile (login deadline, frames held too long) */
		json_object_put(rid);
		json_object_put(params);
		return 0;
	}
	if (!id) {
		memset(&none, 0, sizeof(none));
		id = &none;
		rc = rc ? rc : VERTO_ERR_AUTH_FAILED;
	}
	login_finish(e, k, rid, params, rc, id);
	json_object_put(rid);
	json_object_put(params);
	/* the frames that waited, in order, until another login waits */
	while ((k = verto_engine_find_conn(e, conn)) && !k->pending &&
		   !k->closing && (h = unhold_frame(e, k))) {
		verto_engine_frame_now(e, k, h->buf, h->len);
		free(h);
	}
	return 0;
}

/* ---------------------------------------------------------------- conns */

int verto_engine_conn_open(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k;

	if (!conn || verto_engine_find_conn(e, conn))
		return -1;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -1;
	k->id = conn;
	k->opened_at = e->now;
	if (verto_hindex_add(&e->conns, &k->hn, verto_hash_u64(conn, e->seed))) {
		free(k);
		return -1;
	}
	verto_list_add_tail(&e->login_due, &k->due);
	return 0;
}

void verto_engine_conn_close(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = verto_engine_find_conn(e, conn);

	if (!k)
		return;
	verto_hindex_del(&e->conns, &k->hn);
	if (k->sess && k->sess->conn == conn)
		verto_engine_session_detach(e, k->sess);
	conn_clear(e, k);
	if (k->pending) {
		/* its login is still checked: counted until decided */
		memset(k, 0, sizeof(*k));
		k->id = conn;
		if (verto_hindex_add(&e->zombies, &k->hn,
							 verto_hash_u64(conn, e->seed)) == 0)
			return;
		e->logins_pending--; /* out of memory: forgotten */
	}
	free(k);
}

verto_session *verto_engine_session(verto_engine *e, const char *sessid)
{
	return verto_engine_find_session(e, sessid);
}

int verto_engine_drop(verto_engine *e, const char *sessid)
{
	verto_session *s = verto_engine_find_session(e, sessid);
	verto_call *c;
	verto_link *l;
	int i;

	if (!s)
		return -1;
	/* no operation runs for the calls: not verto_engine_session_detach */
	while ((l = SP(s)->calls.next) != &SP(s)->calls)
		verto_engine_call_free(e, &verto_container(l, call_priv, slink)->pub);
	for (c = e->calls; c && SP(s)->nrung; c = c->next)
		if ((i = verto_engine_ring_index(c, s)) >= 0)
			verto_engine_ring_remove(c, (unsigned)i);
	if (s->conn)
		punt(e, s->conn);
	e->st.sessions_lost++;
	session_free(e, s);
	return 0;
}

verto_session *verto_engine_adopt(verto_engine *e, const char *sessid,
								  const verto_identity *ident)
{
	verto_session *s;

	if (!sessid || !sessid[0] || strlen(sessid) > VERTO_SESSID_LEN ||
		verto_engine_find_session(e, sessid) ||
		e->nsessions >= e->cfg.max_sessions || make_room(e, ident->login) ||
		!(s = session_new(e, ident, sessid)))
		return NULL;
	/* detached now: the client's login resumes it */
	s->detached_at = e->now ? e->now : 1;
	verto_list_add_tail(&e->detached, &SP(s)->dlink);
	s->taken_over = 1;
	e->st.sessions_taken++;
	return s;
}

verto_call *verto_engine_adopt_call(verto_engine *e, verto_session *s,
									const verto_adopt_call *a, void *glue)
{
	verto_call *c;

	if (!a->call_id || !verto_engine_token_ok(a->call_id, "-_.@:") ||
		strlen(a->call_id) > VERTO_ID_MAX ||
		verto_engine_find_call(e, a->call_id) || !a->sip_callid ||
		!a->sip_callid[0] || strlen(a->sip_callid) > VERTO_SIPID_MAX ||
		verto_engine_find_sip(e, a->sip_callid) ||
		s->ncalls >= e->cfg.max_calls ||
		!(c = verto_engine_call_new(e, a->call_id, s)))
		return NULL;
	c->fsm.state = VCS_ACTIVE;
	c->fsm.outbound = a->outbound != 0;
	c->fsm.held = a->held != 0;
	c->fsm.detached = 1;
	verto_engine_set_str(&c->dest, a->dest);
	verto_engine_set_str(&c->caller_name, a->caller_name);
	verto_engine_set_str(&c->caller_number, a->caller_number);
	/* not known here: the re-attach's fresh offer comes from the contact
	 * center's SDP (ops.media REOFFER_TO_BROWSER) */
	verto_engine_set_str(&c->browser_sdp, "");
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", a->sip_callid);
	snprintf(c->media_callid, sizeof(c->media_callid), "%s",
			 a->media_callid ? a->media_callid : "");
	verto_engine_call_sync_sip(e, c);
	c->glue = glue;
	c->grace_end = e->now + e->cfg.grace_ms;
	verto_list_add_tail(&e->timed, &CP(c)->tlink);
	return c;
}

const char *verto_engine_login_sessid(verto_engine *e, verto_conn_id conn)
{
	conn_rec *k = verto_engine_find_conn(e, conn);

	return k && k->pending ? verto_engine_jstr(k->pend_params, "sessid",
											   VERTO_SESSID_LEN)
						   : NULL;
}

int verto_engine_kick(verto_engine *e, const char *sessid)
{
	verto_session *s = verto_engine_find_session(e, sessid);

	if (!s)
		return -1;
	if (s->conn) {
		punt(e, s->conn);
		verto_engine_session_detach(e, s);
	}
	return 0;
}

/* ---------------------------------------------------------------- tick */

void verto_engine_sessions_tick(verto_engine *e, uint64_t now)
{
	verto_link *l, *next;

	/* frames held behind a login since the answer deadline */
	if (now >= VERTO_ANSWER_DEADLINE_MS) {
		for (l = e->pending.next; l != &e->pending; l = next) {
			conn_rec *k = verto_container(l, conn_rec, pend);
			next = l->next;
			if (k->held && k->held->at <= now - VERTO_ANSWER_DEADLINE_MS)
				conn_shut(e, k, MSG_LATE);
		}
	}
	/* no login within login_timeout_ms of the open (oldest first) */
	for (l = e->login_due.next; l != &e->login_due; l = next) {
		conn_rec *k = verto_container(l, conn_rec, due);
		next = l->next;
		if (k->opened_at + e->cfg.login_timeout_ms > now)
			break;
		e->st.login_timeouts++;
		conn_shut(e, k, MSG_TIMEOUT);
	}
	/* detached sessions without calls after session_keep_ms (oldest
	 * first; those that still have calls wait for them) */
	for (l = e->detached.next; l != &e->detached; l = next) {
		sess_priv *s = verto_container(l, sess_priv, dlink);
		next = l->next;
		if (s->pub.detached_at + e->cfg.session_keep_ms > now)
			break;
		if (!s->pub.ncalls)
			session_free(e, &s->pub);
	}
}

void verto_engine_sessions_free_all(verto_engine *e)
{
	verto_hnode *n, *next;

	/* off the engine's lists first: their members are freed in any order */
	while (!verto_list_empty(&e->login_due))
		verto_list_del(e->login_due.next);
	while (!verto_list_empty(&e->pending))
		verto_list_del(e->pending.next);
	while (!verto_list_empty(&e->detached))
		verto_list_del(e->detached.next);
	while (e->sessions)
		session_free(e, e->sessions);
	for (n = verto_hindex_take_all(&e->conns); n; n = next) {
		conn_rec *k = verto_container(n, conn_rec, hn);
		next = n->next;
		conn_clear(e, k);
		free(k);
	}
	for (n = verto_hindex_take_all(&e->zombies); n; n = next) {
		next = n->next;
		free(verto_container(n, conn_rec, hn));
	}
}
