/*
 * verto_ha.c - Verto sessions written to Redis so that another node can
 * take them over (contracts in verto_ha.h; the text in verto_state.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "core/dprint.h"
#include "core/parser/parse_rr.h"

#include "verto_ha.h"
#include "verto_ident.h"
#include "verto_sip.h"
#include "verto_sip_priv.h"
#include "verto_state.h"

/* sessions touched between two flushes; more: all are written */
#define HA_DIRTY_MAX 256

static verto_ha_cfg ha_cfg;
static verto_engine *ha_eng;
static verto_jobs *ha_lane;
static int ha_ready;
static char ha_dirty[HA_DIRTY_MAX][VERTO_SESSID_LEN + 1];
static unsigned ha_ndirty;
static int ha_all;
static uint64_t ha_next_refresh;
static uint64_t ha_next_beat;
static verto_ha_stats ha_st;

/* KEYS[1] state, KEYS[2] owner; ARGV node, text ("" = delete), ttl ms.
 * 1 done, 0 another node owns the session */
static const char ha_script[] =
		"local o = redis.call('GET', KEYS[2])\n"
		"if o and o ~= ARGV[1] then return 0 end\n"
		"if ARGV[2] == '' then redis.call('DEL', KEYS[1], KEYS[2]) return 1 "
		"end\n"
		"redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])\n"
		"redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
		"return 1\n";

/* KEYS[1] owner, KEYS[2] state; ARGV the owner read, this node, ttl ms.
 * 1 taken, 0 the owner changed meanwhile */
static const char ha_take_script[] =
		"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
		"redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
		"redis.call('PEXPIRE', KEYS[2], ARGV[3])\n"
		"return 1\n";

typedef struct ha_job {
	verto_job job;
	char sessid[VERTO_SESSID_LEN + 1];
	char key[2][VERTO_SESSID_LEN + 128];
	char *text; /* NULL: delete */
	int rc;		/* 1 written, 0 another node's, -1 failed */
	char why[160];
} ha_job;

int verto_ha_init(const verto_ha_cfg *cfg, verto_engine *e, verto_jobs *lane)
{
	if (!cfg->node || !cfg->node[0] || !cfg->prefix || !lane || !cfg->ttl_ms ||
		!cfg->refresh_ms)
		return -1;
	ha_cfg = *cfg;
	ha_eng = e;
	ha_lane = lane;
	ha_ready = 1;
	return 0;
}

int verto_ha_on(void)
{
	return ha_ready;
}

const verto_ha_stats *verto_ha_stats_get(void)
{
	return &ha_st;
}

void verto_ha_touch(const verto_session *s)
{
	unsigned i;

	if (!ha_ready || !s || !s->sessid[0] || ha_all)
		return;
	for (i = 0; i < ha_ndirty; i++)
		if (strcmp(ha_dirty[i], s->sessid) == 0)
			return;
	if (ha_ndirty == HA_DIRTY_MAX) {
		ha_all = 1;
		return;
	}
	memcpy(ha_dirty[ha_ndirty++], s->sessid, sizeof(ha_dirty[0]));
}

/* --------------------------------------------------------------- lane */

static void ha_run(verto_job *j, void *worker)
{
	ha_job *h = (ha_job *)j;
	verto_worker *w = worker;
	struct redisContext *r;
	redisReply *rep;
	char ttl[24];

	h->rc = -1;
	if (!w || !w->idn) {
		snprintf(h->why, sizeof(h->why), "no Redis client");
		return;
	}
	if (!(r = verto_ident_redis(w->idn, h->why, sizeof(h->why))))
		return;
	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ha_cfg.ttl_ms);
	rep = redisCommand(r, "EVAL %s 2 %s %s %s %s %s", ha_script, h->key[0],
					   h->key[1], ha_cfg.node, h->text ? h->text : "", ttl);
	if (!rep || rep->type != REDIS_REPLY_INTEGER) {
		snprintf(h->why, sizeof(h->why), "%s",
				 rep && rep->type == REDIS_REPLY_ERROR ? rep->str
				 : r->err							   ? r->errstr
													   : "unexpected reply");
		if (rep)
			freeReplyObject(rep);
		verto_ident_redis_drop(w->idn);
		return;
	}
	h->rc = rep->integer ? 1 : 0;
	freeReplyObject(rep);
}

static void ha_done(verto_job *j, int cancelled)
{
	ha_job *h = (ha_job *)j;

	if (!cancelled) {
		if (h->rc < 0) {
			ha_st.failures++;
			LM_WARN("verto session %.8s...: state not %s in Redis: %s\n",
					h->sessid, h->text ? "written" : "deleted", h->why);
		} else if (h->rc == 0) {
			/* another node took the session over: it must not act here */
			ha_st.lost++;
			LM_NOTICE("verto session %.8s... is owned by another node now: "
					  "dropped here without SIP or media\n",
					  h->sessid);
			verto_engine_drop(ha_eng, h->sessid);
		} else if (h->text) {
			ha_st.writes++;
		} else {
			ha_st.deletes++;
		}
	}
	free(h->text);
	free(h);
}

/* the node key, set every VERTO_HA_BEAT_MS (liveness) */
typedef struct beat_job {
	verto_job job;
	char key[VERTO_STATE_NODE_MAX + 64];
	char why[160];
} beat_job;

static void beat_run(verto_job *j, void *worker)
{
	beat_job *b = (beat_job *)j;
	verto_worker *w = worker;
	struct redisContext *r;
	redisReply *rep;

	if (!w || !w->idn ||
		!(r = verto_ident_redis(w->idn, b->why, sizeof(b->why))))
		return;
	rep = redisCommand(r, "SET %s 1 PX %d", b->key, VERTO_HA_BEAT_TTL_MS);
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		snprintf(b->why, sizeof(b->why), "%s",
				 rep	  ? rep->str
				 : r->err ? r->errstr
						  : "no reply");
		verto_ident_redis_drop(w->idn);
	}
	if (rep)
		freeReplyObject(rep);
}

static void beat_done(verto_job *j, int cancelled)
{
	beat_job *b = (beat_job *)j;

	if (!cancelled && b->why[0])
		LM_WARN("verto node key not set in Redis: %s\n", b->why);
	free(b);
}

static void ha_beat(void)
{
	beat_job *b = calloc(1, sizeof(*b));

	if (!b)
		return;
	b->job.run = beat_run;
	b->job.done = beat_done;
	if (verto_state_node_key(ha_cfg.prefix, ha_cfg.node, b->key,
							 sizeof(b->key)) ||
		verto_jobs_submit(ha_lane, &b->job))
		free(b);
}

/* a string reply's text, else NULL */
static const char *rstr(const redisReply *r)
{
	return r && r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* 1 when node's key exists, 0 when not, -1 on failure */
static int node_alive(struct redisContext *r, const char *node)
{
	char key[VERTO_STATE_NODE_MAX + 64];
	redisReply *rep;
	int alive;

	if (verto_state_node_key(ha_cfg.prefix, node, key, sizeof(key)))
		return 0; /* not a node id this version writes: none lives */
	if (!(rep = redisCommand(r, "EXISTS %s", key)))
		return -1;
	alive = rep->type == REDIS_REPLY_INTEGER ? rep->integer > 0 : -1;
	freeReplyObject(rep);
	return alive;
}

/* one read and decision of verto_ha_claim; -1: Redis failed */
static int claim_once(struct redisContext *r, const char **keys,
					  const char *login, verto_state *st, char *owner,
					  size_t ownsz, verto_claim *c, char *why, size_t whysz)
{
	redisReply *rep = redisCommand(r, "MGET %s %s", keys[1], keys[0]);
	const char *o, *text;
	int alive = 0;

	if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		if (rep)
			freeReplyObject(rep);
		return -1;
	}
	o = rstr(rep->element[0]);
	text = rstr(rep->element[1]);
	snprintf(owner, ownsz, "%s", o ? o : "");
	*c = VERTO_CLAIM_NONE;
	if (o && !text)
		snprintf(why, whysz, "an owner (%s) but no state", o);
	else if (o &&
			 verto_state_parse(text, rep->element[1]->len, st, why, whysz) == 0)
		*c = verto_state_claim(o, ha_cfg.node, 0, st->login, login);
	freeReplyObject(rep);
	if (*c == VERTO_CLAIM_TAKE && (alive = node_alive(r, owner)) < 0)
		return -1;
	*c = verto_state_claim_live(*c, alive);
	return 0;
}

verto_claim verto_ha_claim(struct verto_worker *w, const char *sessid,
						   const char *login, verto_state *st, char *why,
						   size_t whysz)
{
	char key[2][VERTO_SESSID_LEN + 128], owner[VERTO_STATE_NODE_MAX + 1];
	const char *keys[2] = {key[0], key[1]};
	struct timespec pause = {0, 200 * 1000 * 1000};
	struct redisContext *r;
	redisReply *rep;
	verto_claim c = VERTO_CLAIM_NONE;
	char ttl[24];
	int tries, took;

	verto_state_init(st);
	why[0] = '\0';
	if (!ha_ready || !w || !w->idn ||
		verto_state_key(ha_cfg.prefix, sessid, 0, key[0], sizeof(key[0])) ||
		verto_state_key(ha_cfg.prefix, sessid, 1, key[1], sizeof(key[1])) ||
		!(r = verto_ident_redis(w->idn, why, whysz)))
		return VERTO_CLAIM_NONE;
	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ha_cfg.ttl_ms);
	/* a node key still there: its node may have just died */
	for (tries = (VERTO_HA_BEAT_TTL_MS + 500) / 200; tries >= 0; tries--) {
		verto_state_clear(st);
		if (claim_once(r, keys, login, st, owner, sizeof(owner), &c, why,
					   whysz))
			goto fail;
		if (c == VERTO_CLAIM_ALIVE && tries) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (c == VERTO_CLAIM_MINE)
			return VERTO_CLAIM_TAKE; /* ours already (this node restarted) */
		if (c != VERTO_CLAIM_TAKE)
			break;
		rep = redisCommand(r, "EVAL %s 2 %s %s %s %s %s", ha_take_script,
						   key[1], key[0], owner, ha_cfg.node, ttl);
		if (!rep || rep->type != REDIS_REPLY_INTEGER) {
			if (rep)
				freeReplyObject(rep);
			goto fail;
		}
		took = rep->integer == 1;
		freeReplyObject(rep);
		if (took) {
			snprintf(why, whysz, "taken over from %s", owner);
			return c;
		}
		snprintf(why, whysz, "another node took it first");
		c = VERTO_CLAIM_NONE;
		break;
	}
	if (c == VERTO_CLAIM_ALIVE)
		snprintf(why, whysz, "its node %s is alive", owner);
	verto_state_clear(st);
	return c;
fail:
	snprintf(why, whysz, "Redis: %s", r->err ? r->errstr : "unexpected reply");
	verto_ident_redis_drop(w->idn);
	verto_state_clear(st);
	return VERTO_CLAIM_NONE;
}

void verto_ha_claimed(verto_claim c)
{
	if (c == VERTO_CLAIM_TAKE)
		ha_st.taken++;
	else if (c == VERTO_CLAIM_ALIVE)
		ha_st.alive++;
}

/* ------------------------------------------------------------- states */

static void cpy(char *dst, size_t sz, const str *s)
{
	int n = s && s->s ? s->len : 0;

	if ((size_t)n >= sz)
		n = 0; /* too long to keep: left out (a take-over fails) */
	memcpy(dst, n ? s->s : "", (size_t)n);
	dst[n] = '\0';
}

static void cpyz(char *dst, size_t sz, const char *s)
{
	snprintf(dst, sz, "%s", s ? s : "");
}

/* the route set of d as one Route header value */
static void route_set(const dlg_t *d, char *buf, size_t sz)
{
	const rr_t *rr;
	size_t n = 0;

	buf[0] = '\0';
	for (rr = d->route_set; rr; rr = rr->next) {
		int w = snprintf(buf + n, sz - n, "%s%.*s", n ? ", " : "", rr->len,
						 rr->nameaddr.name.s);
		if (w < 0 || (size_t)w >= sz - n) {
			buf[0] = '\0'; /* too long: none (a take-over fails) */
			return;
		}
		n += (size_t)w;
	}
}

/* the state of call c into sc; 0, or -1 when it is not one to keep (not
 * answered, no confirmed dialog, a transfer running) */
static int call_state(verto_call *c, verto_state_call *sc)
{
	vsip *g = c->glue;
	dlg_t *d;

	if (c->fsm.state != VCS_ACTIVE || !g || !(d = g->dlg) || !g->d.confirmed ||
		g->xfer)
		return -1;
	memset(sc, 0, sizeof(*sc));
	cpyz(sc->call_id, sizeof(sc->call_id), c->call_id);
	sc->outbound = c->fsm.outbound;
	sc->held = c->fsm.held;
	cpyz(sc->dest, sizeof(sc->dest), c->dest);
	cpyz(sc->caller_name, sizeof(sc->caller_name), c->caller_name);
	cpyz(sc->caller_number, sizeof(sc->caller_number), c->caller_number);
	cpy(sc->sip_callid, sizeof(sc->sip_callid), &d->id.call_id);
	cpy(sc->ltag, sizeof(sc->ltag), &d->id.loc_tag);
	cpy(sc->rtag, sizeof(sc->rtag), &d->id.rem_tag);
	sc->lseq = d->loc_seq.value;
	sc->rseq = g->d.rseq_set ? g->d.rseq : 0;
	cpy(sc->luri, sizeof(sc->luri), &d->loc_uri);
	cpy(sc->ruri, sizeof(sc->ruri), &d->rem_uri);
	cpy(sc->target, sizeof(sc->target), &d->rem_target);
	route_set(d, sc->route, sizeof(sc->route));
	cpyz(sc->m_cid, sizeof(sc->m_cid), g->m_cid);
	cpyz(sc->m_btag, sizeof(sc->m_btag), g->m_btag);
	cpyz(sc->m_ptag, sizeof(sc->m_ptag), g->m_ptag);
	/* borrowed: the caller clears them before verto_state_clear */
	sc->peer_sdp = g->peer_sdp;
	sc->our_sdp = g->sip_sdp;
	return sc->sip_callid[0] && sc->ltag[0] && sc->rtag[0] ? 0 : -1;
}

/* a job writing (or deleting) the state of session sessid */
static void ha_write(const char *sessid)
{
	verto_session *s = verto_engine_session(ha_eng, sessid);
	static verto_state st;
	ha_job *h;
	verto_call *c;
	unsigned i;

	if (!(h = calloc(1, sizeof(*h))))
		return;
	h->job.run = ha_run;
	h->job.done = ha_done;
	snprintf(h->sessid, sizeof(h->sessid), "%s", sessid);
	if (verto_state_key(ha_cfg.prefix, sessid, 0, h->key[0],
						sizeof(h->key[0])) ||
		verto_state_key(ha_cfg.prefix, sessid, 1, h->key[1],
						sizeof(h->key[1]))) {
		free(h);
		return;
	}
	verto_state_init(&st);
	if (s) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		cpyz(st.sessid, sizeof(st.sessid), s->sessid);
		cpyz(st.login, sizeof(st.login), s->ident.login);
		cpyz(st.node, sizeof(st.node), ha_cfg.node);
		st.updated_ms = (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
		for (c = verto_engine_calls(ha_eng);
			 c && st.ncalls < VERTO_STATE_MAX_CALLS; c = c->next)
			if (c->sess == s && call_state(c, &st.calls[st.ncalls]) == 0)
				st.ncalls++;
		/* no answered call: nothing another node could take over */
		if (st.ncalls && !(h->text = verto_state_encode(&st, NULL)))
			LM_WARN("verto session %.8s...: state not encodable\n", sessid);
		for (i = 0; i < st.ncalls; i++)
			st.calls[i].peer_sdp = st.calls[i].our_sdp = NULL;
	}
	if (verto_jobs_submit(ha_lane, &h->job)) {
		ha_st.failures++;
		free(h->text);
		free(h);
	}
}

void verto_ha_flush(uint64_t now_ms)
{
	verto_session *s;
	unsigned i;

	if (!ha_ready)
		return;
	if (now_ms >= ha_next_beat) {
		ha_next_beat = now_ms + VERTO_HA_BEAT_MS;
		ha_beat();
	}
	if (now_ms >= ha_next_refresh) {
		ha_next_refresh = now_ms + ha_cfg.refresh_ms;
		ha_all = 1;
	}
	if (ha_all) {
		/* every session with a call (those without were deleted when
		 * their last call went) */
		for (s = verto_engine_sessions(ha_eng); s; s = s->next)
			if (s->ncalls)
				ha_write(s->sessid);
	}
	for (i = 0; i < ha_ndirty; i++)
		if (!ha_all || !(s = verto_engine_session(ha_eng, ha_dirty[i])) ||
			!s->ncalls)
			ha_write(ha_dirty[i]);
	ha_ndirty = 0;
	ha_all = 0;
}
