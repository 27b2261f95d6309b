/*
 * verto_engine.c - the Verto engine's life, output helpers, lookups and
 * call records. The other parts: verto_session.c (connections, login,
 * sessions), verto_request.c (JSON-RPC methods, SIP entries),
 * verto_step.c (the call state machine's actions, queued media steps).
 * Contracts in verto_engine.h. Memory: malloc; the engine owns sessions,
 * calls and connection records, the glue owns call->glue (released in
 * ops.call_freed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "verto_engine_priv.h"

/* ---------------------------------------------------------------- output */

void verto_engine_send_str(verto_engine *e, verto_conn_id conn, char *s,
						   size_t n)
{
	if (s && conn)
		e->ops.send(e->ops.ctx, conn, s, n);
	free(s);
}

void verto_engine_reply_result(verto_engine *e, verto_conn_id conn,
							   json_object *id, json_object *result)
{
	size_t n = 0;
	char *s = verto_jsonrpc_result(id, result, &n);
	verto_engine_send_str(e, conn, s, n);
}

void verto_engine_reply_error(verto_engine *e, verto_conn_id conn,
							  json_object *id, int code, const char *msg,
							  json_object *extra)
{
	size_t n = 0;
	char *s = verto_jsonrpc_error(id, code, msg, extra, &n);
	verto_engine_send_str(e, conn, s, n);
}

void verto_engine_reply_call_error(verto_engine *e, verto_conn_id conn,
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
	verto_engine_reply_error(e, conn, id, VERTO_ERR_CALL, msg, x);
}

void verto_engine_send_request(verto_engine *e, verto_conn_id conn,
							   const char *method, json_object *params)
{
	size_t n = 0;
	char *s;

	if (!conn) {
		json_object_put(params);
		return;
	}
	s = verto_jsonrpc_request(++e->next_id, method, params, &n);
	verto_engine_send_str(e, conn, s, n);
}

void verto_engine_jadd(json_object *o, const char *k, const char *v)
{
	if (o && v)
		json_object_object_add(o, k, json_object_new_string(v));
}

const char *verto_engine_jstr(json_object *o, const char *key, size_t max)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
		!json_object_is_type(v, json_type_string) ||
		(size_t)json_object_get_string_len(v) > max)
		return NULL;
	return json_object_get_string(v);
}

json_object *verto_engine_jobj(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
		!json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

int verto_engine_token_ok(const char *s, const char *punct)
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

int verto_engine_sdp_ok(const char *sdp)
{
	return sdp && strncmp(sdp, "v=0", 3) == 0;
}

void verto_engine_set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
}

/* ---------------------------------------------------------------- ids */

static int rand_bytes(verto_engine *e, void *buf, size_t n)
{
	if (e->ops.random)
		return e->ops.random(e->ops.ctx, buf, n);
	return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -1;
}

int verto_engine_make_uuid(verto_engine *e, char *out)
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

/* ---------------------------------------------------------------- lookup */

uint64_t verto_engine_str_hash(const verto_engine *e, const char *s)
{
	return verto_siphash(s, strlen(s), e->seed);
}

conn_rec *verto_engine_find_conn(verto_engine *e, verto_conn_id id)
{
	verto_hnode *n = verto_hindex_find(&e->conns, verto_hash_u64(id, e->seed));

	for (; n; n = verto_hindex_next(n)) {
		conn_rec *k = verto_container(n, conn_rec, hn);
		if (k->id == id)
			return k;
	}
	return NULL;
}

verto_session *verto_engine_find_session(verto_engine *e, const char *sessid)
{
	verto_hnode *n =
			verto_hindex_find(&e->by_sessid, verto_engine_str_hash(e, sessid));

	for (; n; n = verto_hindex_next(n)) {
		sess_priv *s = verto_container(n, sess_priv, hn);
		if (strcmp(s->pub.sessid, sessid) == 0)
			return &s->pub;
	}
	return NULL;
}

verto_call *verto_engine_find_call(verto_engine *e, const char *call_id)
{
	verto_hnode *n =
			verto_hindex_find(&e->by_callid, verto_engine_str_hash(e, call_id));

	for (; n; n = verto_hindex_next(n)) {
		call_priv *c = verto_container(n, call_priv, hn_id);
		if (strcmp(c->pub.call_id, call_id) == 0)
			return &c->pub;
	}
	return NULL;
}

verto_call *verto_engine_find_sip(verto_engine *e, const char *sip_callid)
{
	verto_hnode *n;

	if (!sip_callid || !*sip_callid)
		return NULL;
	n = verto_hindex_find(&e->by_sip, verto_engine_str_hash(e, sip_callid));
	for (; n; n = verto_hindex_next(n)) {
		call_priv *c = verto_container(n, call_priv, hn_sip);
		if (strcmp(c->sip_key, sip_callid) == 0)
			return &c->pub;
	}
	return NULL;
}

int verto_engine_call_busy(const verto_call *call)
{
	return CP(call)->busy;
}

void verto_engine_sip_moved(verto_engine *e, verto_call *call)
{
	verto_engine_call_sync_sip(e, call);
}

/* ---------------------------------------------------------------- rings */

int verto_engine_ring_index(const verto_call *c, const verto_session *s)
{
	unsigned i;

	for (i = 0; i < c->nring; i++)
		if (c->ring[i] == s)
			return (int)i;
	return -1;
}

void verto_engine_ring_add(verto_call *c, verto_session *s)
{
	if (c->nring < VERTO_MAX_RING) {
		c->ring[c->nring++] = s;
		SP(s)->nrung++;
	}
}

void verto_engine_ring_remove(verto_call *c, unsigned i)
{
	if (i >= c->nring)
		return;
	SP(c->ring[i])->nrung--;
	c->ring[i] = c->ring[--c->nring];
	c->ring[c->nring] = NULL;
}

void verto_engine_ring_clear(verto_call *c)
{
	while (c->nring)
		verto_engine_ring_remove(c, c->nring - 1);
}

/* ---------------------------------------------------------------- calls */

verto_call *verto_engine_call_new(verto_engine *e, const char *call_id,
								  verto_session *owner)
{
	call_priv *p = calloc(1, sizeof(*p));
	verto_call *c;

	if (!p)
		return NULL;
	c = &p->pub;
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	if (verto_hindex_add(&e->by_callid, &p->hn_id,
						 verto_engine_str_hash(e, c->call_id))) {
		free(p);
		return NULL;
	}
	c->next = e->calls;
	if (c->next)
		CP(c->next)->pprev = &c->next;
	e->calls = c;
	p->pprev = &e->calls;
	if (owner)
		verto_engine_call_own(e, c, owner);
	return c;
}

void verto_engine_call_own(verto_engine *e, verto_call *c, verto_session *s)
{
	(void)e;
	if (c->sess)
		return; /* owned once, by its first owner */
	c->sess = s;
	s->ncalls++;
	verto_list_add_head(&SP(s)->calls, &CP(c)->slink);
}

void verto_engine_call_sync_sip(verto_engine *e, verto_call *c)
{
	call_priv *p = CP(c);

	if (strcmp(p->sip_key, c->sip_callid) == 0)
		return;
	if (p->sip_key[0])
		verto_hindex_del(&e->by_sip, &p->hn_sip);
	memcpy(p->sip_key, c->sip_callid, sizeof(p->sip_key));
	p->sip_key[sizeof(p->sip_key) - 1] = '\0';
	if (p->sip_key[0] && verto_hindex_add(&e->by_sip, &p->hn_sip,
										  verto_engine_str_hash(e, p->sip_key)))
		p->sip_key[0] = '\0'; /* out of memory: not found by Call-ID */
}

/* what a call holds besides itself; e NULL: the engine is being freed */
static void call_release(verto_engine *e, verto_call *c)
{
	call_priv *p = CP(c);

	verto_engine_call_drop_held(e, c);
	if (e) { /* else the lists go with the engine, neighbours first */
		verto_list_del(&p->blink);
		verto_list_del(&p->tlink);
		verto_list_del(&p->slink);
	}
	json_object_put(c->pending_id);
	free(c->dest);
	free(c->caller_name);
	free(c->caller_number);
	free(c->ctx_queue);
	free(c->ctx_language);
	free(c->ctx_page);
	free(c->browser_sdp);
	free(c->disp_name);
	free(c->disp_number);
	free(c->agent_name);
	free(c->agent_number);
	free(p);
}

void verto_engine_call_free(verto_engine *e, verto_call *c)
{
	call_priv *p = CP(c);

	*p->pprev = c->next;
	if (c->next)
		CP(c->next)->pprev = p->pprev;
	verto_hindex_del(&e->by_callid, &p->hn_id);
	if (p->sip_key[0])
		verto_hindex_del(&e->by_sip, &p->hn_sip);
	if (e->ops.call_freed)
		e->ops.call_freed(e->ops.ctx, c);
	if (c->sess && c->sess->ncalls)
		c->sess->ncalls--;
	verto_engine_ring_clear(c);
	call_release(e, c);
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
	if (!e->cfg.max_sessions_per_login)
		e->cfg.max_sessions_per_login = 8;
	if (!e->cfg.login_timeout_ms)
		e->cfg.login_timeout_ms = 10000;
	if (!e->cfg.max_logins_pending)
		e->cfg.max_logins_pending = 256;
	if (rand_bytes(e, e->seed, sizeof(e->seed))) {
		e->seed[0] = (uint64_t)(uintptr_t)e;
		e->seed[1] = (uint64_t)(uintptr_t)&e->cfg;
	}
	verto_hindex_init(&e->conns);
	verto_hindex_init(&e->zombies);
	verto_hindex_init(&e->by_sessid);
	verto_hindex_init(&e->logins);
	verto_hindex_init(&e->by_callid);
	verto_hindex_init(&e->by_sip);
	verto_list_init(&e->login_due);
	verto_list_init(&e->pending);
	verto_list_init(&e->detached);
	verto_list_init(&e->busy_calls);
	verto_list_init(&e->timed);
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
		call_release(NULL, c);
	}
	verto_engine_sessions_free_all(e);
	verto_hindex_clear(&e->conns);
	verto_hindex_clear(&e->zombies);
	verto_hindex_clear(&e->by_sessid);
	verto_hindex_clear(&e->logins);
	verto_hindex_clear(&e->by_callid);
	verto_hindex_clear(&e->by_sip);
	free(e);
}

void verto_engine_tick(verto_engine *e, uint64_t now_ms)
{
	e->now = now_ms;
	verto_engine_calls_tick(e, now_ms);
	verto_engine_sessions_tick(e, now_ms);
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
