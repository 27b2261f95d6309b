/*
 * verto_ha.c - Verto sessions written to Redis so that another node can
 * take them over (contracts in verto_ha.h; the text in verto_state.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "core/dprint.h"
#include "core/forward.h"
#include "core/parser/parse_rr.h"
#include "core/parser/parse_uri.h"

#include "verto_ha.h"
#include "verto_index.h"
#include "verto_sip.h"
#include "verto_sip_priv.h"
#include "verto_state.h"

/* sessions touched between two flushes; more: all are written */
#define HA_DIRTY_MAX 256
/* writes queued on the lane and not started */
#define HA_QUEUE_MAX 4096
/* back-off after a failed write: from HA_BACKOFF_MS doubling up to the
 * refresh period */
#define HA_BACKOFF_MS 100
/* a failure streak is logged at its start and then this often */
#define HA_LOG_EVERY_MS 30000

#define HA_KEY_MAX (VERTO_STATE_PREFIX_MAX + VERTO_STATE_NODE_MAX + 16)

static verto_ha_cfg ha_cfg;
static verto_engine *ha_eng;
static verto_jobs *ha_lane;	 /* writes */
static verto_jobs *ha_blane; /* the node key */
static verto_ident *ha_idn[2];
static int ha_ready;
static char ha_inc[VERTO_STATE_INC_LEN + 1];
static char ha_owner[VERTO_STATE_OWNER_MAX + 1];
static char ha_node_key[HA_KEY_MAX];
static char ha_dirty[HA_DIRTY_MAX][VERTO_SESSID_LEN + 1];
static unsigned ha_ndirty;
static int ha_all;
static uint64_t ha_next_refresh;
static uint64_t ha_next_beat;
static int ha_beat_busy;
static verto_ha_stats ha_st;
/* sessions with a write queued or running (ha_job.hn), by sessid */
static verto_hindex ha_busy;
static uint64_t ha_seed[2];
/* failures in a row, writes and node key: back-off and log */
static unsigned ha_wfails, ha_bfails;
static uint64_t ha_backoff_until, ha_wlogged, ha_blogged, ha_now;

/* KEYS[1] state, KEYS[2] owner; ARGV owner (node#incarnation), text (""
 * = delete), ttl ms. 1 done; the owner seen when another one owns the
 * session */
static const char ha_script[] =
		"local o = redis.call('GET', KEYS[2])\n"
		"if o and o ~= ARGV[1] then return o end\n"
		"if ARGV[2] == '' then redis.call('DEL', KEYS[1], KEYS[2]) return 1 "
		"end\n"
		"redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])\n"
		"redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
		"return 1\n";

/* KEYS[1] owner, KEYS[2] state; ARGV the owner read, this owner, ttl ms.
 * 1 taken, 0 the owner changed meanwhile */
static const char ha_take_script[] =
		"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
		"redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
		"redis.call('PEXPIRE', KEYS[2], ARGV[3])\n"
		"return 1\n";

typedef struct ha_job {
	verto_job job;
	verto_hnode hn; /* in ha_busy */
	char sessid[VERTO_SESSID_LEN + 1];
	char key[2][HA_KEY_MAX];
	char *text; /* NULL: delete */
	int rc;		/* 1 written, 0 another owner's, -1 failed */
	char owner[VERTO_STATE_OWNER_MAX + 1]; /* rc 0: the owner seen */
	char why[160];
} ha_job;

static uint64_t sessid_hash(const char *sessid)
{
	return verto_siphash(sessid, strlen(sessid), ha_seed);
}

/* the job writing sessid, NULL when none is queued or running */
static ha_job *ha_busy_find(const char *sessid)
{
	verto_hnode *n;

	for (n = verto_hindex_find(&ha_busy, sessid_hash(sessid)); n;
		 n = verto_hindex_next(n)) {
		ha_job *h = verto_container(n, ha_job, hn);
		if (strcmp(h->sessid, sessid) == 0)
			return h;
	}
	return NULL;
}

int verto_ha_check(const char *node, const char *prefix, char *err,
				   size_t errsz)
{
	static const char sample[] = "00000000-0000-4000-8000-000000000000";
	char k[HA_KEY_MAX], o[VERTO_STATE_OWNER_MAX + 1];

	if (strlen(prefix) > VERTO_STATE_PREFIX_MAX ||
		verto_state_key(prefix, sample, 1, k, sizeof(k))) {
		snprintf(err, errsz,
				 "session_prefix: at most %d bytes, no braces (the session "
				 "keys' hash tag)",
				 VERTO_STATE_PREFIX_MAX);
		return -1;
	}
	if (strlen(node) > VERTO_STATE_NODE_MAX || strpbrk(node, " \r\n") ||
		verto_state_node_key(prefix, node, k, sizeof(k)) ||
		verto_state_owner(node, "0123456789abcdef", o, sizeof(o))) {
		snprintf(err, errsz,
				 "node_id (or contact when node_id is not set): '%.40s' must "
				 "be 1..%d bytes without braces or spaces (the node key "
				 "iwg:verto:node:{<node_id>})",
				 node, VERTO_STATE_NODE_MAX);
		return -1;
	}
	return 0;
}

static void *ha_worker_new(void *arg, unsigned index)
{
	(void)index;
	return arg;
}

int verto_ha_init(const verto_ha_cfg *cfg, verto_engine *e,
				  const verto_ident_cfg *icfg, void (*wake)(void *), char *err,
				  size_t errsz)
{
	verto_jobs_cfg j = {.workers = 1, .wake = wake};
	unsigned char rnd[VERTO_STATE_INC_LEN / 2];
	unsigned i;

	if (!cfg->node || !cfg->prefix || !cfg->ttl_ms || !cfg->refresh_ms ||
		verto_ha_check(cfg->node, cfg->prefix, err, errsz))
		return -1;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
		getrandom(ha_seed, sizeof(ha_seed), 0) != (ssize_t)sizeof(ha_seed)) {
		snprintf(err, errsz, "no random bytes for the incarnation");
		return -1;
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(ha_inc + 2 * i, 3, "%02x", rnd[i]);
	ha_cfg = *cfg;
	if (verto_state_owner(cfg->node, ha_inc, ha_owner, sizeof(ha_owner)) ||
		verto_state_node_key(cfg->prefix, cfg->node, ha_node_key,
							 sizeof(ha_node_key))) {
		snprintf(err, errsz, "node key");
		return -1;
	}
	verto_hindex_init(&ha_busy);
	for (i = 0; i < 2; i++) {
		if (!(ha_idn[i] = verto_ident_new(icfg))) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		j.arg = ha_idn[i];
		j.worker_new = ha_worker_new;
		j.max_jobs = i == 0 ? HA_QUEUE_MAX : 1;
		if (!(*(i == 0 ? &ha_lane : &ha_blane) =
					  verto_jobs_new(&j, err, errsz)))
			return -1;
	}
	ha_eng = e;
	ha_ready = 1;
	LM_INFO("verto sessions stored in Redis as node %s, incarnation %s\n",
			cfg->node, ha_inc);
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

static void dirty_add(const char *sessid)
{
	unsigned i;

	if (ha_all)
		return;
	for (i = 0; i < ha_ndirty; i++)
		if (strcmp(ha_dirty[i], sessid) == 0)
			return;
	if (ha_ndirty == HA_DIRTY_MAX) {
		ha_all = 1;
		return;
	}
	snprintf(ha_dirty[ha_ndirty++], sizeof(ha_dirty[0]), "%s", sessid);
}

void verto_ha_touch(const verto_session *s)
{
	if (ha_ready && s && s->sessid[0])
		dirty_add(s->sessid);
}

void verto_ha_drain(void)
{
	if (!ha_ready)
		return;
	verto_jobs_drain(ha_lane);
	verto_jobs_drain(ha_blane);
}

/* a failure streak: 1 when it is to be logged now (its first, then every
 * HA_LOG_EVERY_MS) */
static int streak_log(unsigned fails, uint64_t *logged)
{
	if (fails == 1 || ha_now - *logged >= HA_LOG_EVERY_MS) {
		*logged = ha_now;
		return 1;
	}
	return 0;
}

/* --------------------------------------------------------------- lane */

static const char *reply_why(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply";
}

static void ha_run(verto_job *j, void *worker)
{
	ha_job *h = (ha_job *)j;
	char ttl[24];
	const char *keys[2] = {h->key[0], h->key[1]};
	const char *args[3] = {ha_owner, h->text ? h->text : "", ttl};
	redisReply *rep;

	h->rc = -1;
	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ha_cfg.ttl_ms);
	if (!(rep = verto_ident_eval(worker, ha_script, 2, keys, 3, args, h->why,
								 sizeof(h->why))))
		return;
	if (rep->type == REDIS_REPLY_INTEGER && rep->integer == 1) {
		h->rc = 1;
	} else if (rep->type == REDIS_REPLY_STRING) {
		h->rc = 0;
		snprintf(h->owner, sizeof(h->owner), "%s", rep->str);
	} else {
		snprintf(h->why, sizeof(h->why), "%s", reply_why(rep));
	}
	freeReplyObject(rep);
}

static void ha_done(verto_job *j, int cancelled)
{
	ha_job *h = (ha_job *)j;

	verto_hindex_del(&ha_busy, &h->hn);
	if (!cancelled) {
		if (h->rc < 0) {
			uint64_t b = HA_BACKOFF_MS << (ha_wfails < 16 ? ha_wfails : 16);

			ha_st.failures++;
			ha_wfails++;
			ha_backoff_until =
					ha_now + (b < ha_cfg.refresh_ms ? b : ha_cfg.refresh_ms);
			if (streak_log(ha_wfails, &ha_wlogged))
				LM_WARN("verto session %.8s...: state not %s in Redis (%u "
						"failures in a row; writes wait %llu ms): %s\n",
						h->sessid, h->text ? "written" : "deleted", ha_wfails,
						(unsigned long long)(ha_backoff_until - ha_now),
						h->why);
			/* written again after the back-off, with its state of then */
			dirty_add(h->sessid);
		} else {
			if (ha_wfails)
				LM_NOTICE("verto session state written to Redis again "
						  "after %u failures\n",
						  ha_wfails);
			ha_wfails = 0;
			if (h->rc == 0) {
				/* another owner: a node that took the session over, or
				 * anyone who can write these keys (docs/verto-ha.md:
				 * the Redis ACL) */
				ha_st.lost++;
				LM_WARN("verto session %.8s... is owned by %s now, not by "
						"this node (%s): dropped here without SIP or "
						"media\n",
						h->sessid, h->owner, ha_owner);
				verto_engine_drop(ha_eng, h->sessid);
			} else if (h->text) {
				ha_st.writes++;
			} else {
				ha_st.deletes++;
			}
		}
	}
	free(h->text);
	free(h);
}

/* the node key, set every VERTO_HA_BEAT_MS (liveness) */
typedef struct beat_job {
	verto_job job;
	int ok;
	char why[160];
} beat_job;

static void beat_run(verto_job *j, void *worker)
{
	beat_job *b = (beat_job *)j;
	char ttl[16];
	const char *argv[5] = {"SET", ha_node_key, ha_inc, "PX", ttl};
	redisReply *rep;

	snprintf(ttl, sizeof(ttl), "%d", VERTO_HA_BEAT_TTL_MS);
	if (!(rep = verto_ident_command(worker, 5, argv, NULL, b->why,
									sizeof(b->why))))
		return;
	if (rep->type == REDIS_REPLY_STATUS)
		b->ok = 1;
	else
		snprintf(b->why, sizeof(b->why), "%s", reply_why(rep));
	freeReplyObject(rep);
}

static void beat_done(verto_job *j, int cancelled)
{
	beat_job *b = (beat_job *)j;

	ha_beat_busy = 0;
	if (!cancelled && !b->ok) {
		ha_st.beat_failures++;
		ha_bfails++;
		if (streak_log(ha_bfails, &ha_blogged))
			LM_WARN("verto node key %s not set in Redis (%u failures in a "
					"row): other nodes may take this node's sessions "
					"over: %s\n",
					ha_node_key, ha_bfails, b->why);
	} else if (!cancelled) {
		if (ha_bfails)
			LM_NOTICE("verto node key %s set again after %u failures\n",
					  ha_node_key, ha_bfails);
		ha_bfails = 0;
	}
	free(b);
}

static void ha_beat(void)
{
	beat_job *b;

	/* the last one still runs (Redis slow): not doubled, counted */
	if (ha_beat_busy) {
		ha_st.beat_failures++;
		return;
	}
	if (!(b = calloc(1, sizeof(*b)))) {
		LM_ERR("verto node key: out of memory\n");
		return;
	}
	b->job.run = beat_run;
	b->job.done = beat_done;
	if (verto_jobs_submit(ha_blane, &b->job)) {
		free(b);
		return;
	}
	ha_beat_busy = 1;
}

/* a string reply's text, else NULL */
static const char *rstr(const redisReply *r)
{
	return r && r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* 1 when owner lives (its node key holds its incarnation), 0 when not, -1
 * when Redis failed. A node key that cannot be built counts as alive: a
 * session is never taken on a doubt. */
static int owner_alive(verto_ident *idn, const char *owner, char *why,
					   size_t whysz)
{
	char node[VERTO_STATE_NODE_MAX + 1], key[HA_KEY_MAX];
	const char *inc, *argv[2] = {"GET", key};
	redisReply *rep;
	int alive;

	if (verto_state_owner_split(owner, node, sizeof(node), &inc) ||
		verto_state_node_key(ha_cfg.prefix, node, key, sizeof(key))) {
		LM_WARN("verto session owner '%.60s': no node key can be built: "
				"taken as alive\n",
				owner);
		return 1;
	}
	if (!(rep = verto_ident_command(idn, 2, argv, NULL, why, whysz)))
		return -1;
	if (rep->type != REDIS_REPLY_STRING && rep->type != REDIS_REPLY_NIL) {
		snprintf(why, whysz, "node key: %s", reply_why(rep));
		alive = -1;
	} else {
		alive = verto_state_owner_alive(inc, rstr(rep));
	}
	freeReplyObject(rep);
	return alive;
}

/* read owner and state once, and decide; -1: Redis failed (why) */
static int claim_read(verto_ident *idn, const char *sessid, const char **keys,
					  const char *login, verto_state *st, char *owner,
					  size_t ownsz, verto_claim *c, char *why, size_t whysz)
{
	const char *argv[3] = {"MGET", keys[1], keys[0]};
	redisReply *rep = verto_ident_command(idn, 3, argv, NULL, why, whysz);
	const char *o, *text;
	int alive;

	if (!rep)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		snprintf(why, whysz, "%s", reply_why(rep));
		freeReplyObject(rep);
		return -1;
	}
	o = rstr(rep->element[0]);
	text = rstr(rep->element[1]);
	snprintf(owner, ownsz, "%s", o ? o : "");
	*c = VERTO_CLAIM_NONE;
	if (o && !text)
		snprintf(why, whysz, "an owner (%s) but no state", o);
	else if (o && verto_state_parse(text, rep->element[1]->len, st, why,
									whysz) == 0) {
		if (strcmp(st->sessid, sessid) != 0) {
			snprintf(why, whysz, "the stored state names another sessid");
			verto_state_clear(st);
		} else {
			*c = verto_state_claim(o, ha_owner, 0, st->login, login);
		}
	}
	freeReplyObject(rep);
	if (*c != VERTO_CLAIM_TAKE)
		return 0;
	if ((alive = owner_alive(idn, owner, why, whysz)) < 0)
		return -1;
	*c = verto_state_claim_live(*c, alive);
	return 0;
}

verto_claim verto_ha_claim(verto_ident *idn, const char *sessid,
						   const char *login, verto_state *st, char *why,
						   size_t whysz)
{
	char key[2][HA_KEY_MAX], owner[VERTO_STATE_OWNER_MAX + 1], ttl[24];
	const char *keys[2] = {key[1], key[0]};
	const char *args[3] = {owner, ha_owner, ttl};
	redisReply *rep;
	verto_claim c = VERTO_CLAIM_NONE;
	int took;

	verto_state_init(st);
	why[0] = '\0';
	if (!ha_ready || !idn ||
		verto_state_key(ha_cfg.prefix, sessid, 0, key[0], sizeof(key[0])) ||
		verto_state_key(ha_cfg.prefix, sessid, 1, key[1], sizeof(key[1])))
		return VERTO_CLAIM_NONE;
	{
		const char *rkeys[2] = {key[0], key[1]};
		if (claim_read(idn, sessid, rkeys, login, st, owner, sizeof(owner), &c,
					   why, whysz))
			goto fail;
	}
	if (c == VERTO_CLAIM_MINE)
		return VERTO_CLAIM_TAKE; /* ours already */
	if (c != VERTO_CLAIM_TAKE) {
		if (c == VERTO_CLAIM_ALIVE)
			snprintf(why, whysz, "its owner %s is alive", owner);
		verto_state_clear(st);
		return c;
	}
	snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)ha_cfg.ttl_ms);
	if (!(rep = verto_ident_eval(idn, ha_take_script, 2, keys, 3, args, why,
								 whysz)))
		goto fail;
	if (rep->type != REDIS_REPLY_INTEGER) {
		snprintf(why, whysz, "%s", reply_why(rep));
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
	verto_state_clear(st);
	return VERTO_CLAIM_NONE;
fail : {
	char w[160];
	snprintf(w, sizeof(w), "Redis: %s", why);
	snprintf(why, whysz, "%s", w);
}
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

/* 1 when d's route set names this node (a Record-Route of its own, e.g.
 * a trunk call through the contact-center loop): another node could not
 * follow it */
static int routes_via_self(const dlg_t *d)
{
	const rr_t *rr;
	struct sip_uri u;

	for (rr = d->route_set; rr; rr = rr->next) {
		if (parse_uri(rr->nameaddr.uri.s, rr->nameaddr.uri.len, &u) < 0)
			return 1; /* not followable either */
		if (check_self(&u.host, u.port_no ? u.port_no : SIP_PORT, 0) == 1)
			return 1;
	}
	return 0;
}

/* the state of call c into sc; 0, or -1 when it is not one to keep (not
 * answered, no confirmed dialog, a transfer running, a route set through
 * this node) */
static int call_state(verto_call *c, verto_state_call *sc)
{
	vsip *g = c->glue;
	dlg_t *d;

	if (c->fsm.state != VCS_ACTIVE || !g || !(d = g->dlg) || !g->d.confirmed ||
		g->xfer)
		return -1;
	if (routes_via_self(d)) {
		if (!g->ha_local)
			LM_INFO("call %s: its route set passes this node (a trunk "
					"call through the contact-center loop): not stored, it "
					"ends with this node\n",
					c->call_id);
		g->ha_local = 1;
		return -1;
	}
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

/* what ha_write did */
enum { HA_QUEUED = 0, HA_BUSY, HA_LATER };

/* the text of session s (NULL: none to store, delete) */
static char *state_text(const char *sessid)
{
	verto_session *s = verto_engine_session(ha_eng, sessid);
	static verto_state st;
	struct timeval tv;
	verto_call *c;
	char *text = NULL;
	unsigned i;

	if (!s)
		return NULL;
	verto_state_init(&st);
	gettimeofday(&tv, NULL);
	cpyz(st.sessid, sizeof(st.sessid), s->sessid);
	cpyz(st.login, sizeof(st.login), s->ident.login);
	cpyz(st.node, sizeof(st.node), ha_cfg.node);
	st.updated_ms = (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	for (c = verto_engine_calls(ha_eng); c && st.ncalls < VERTO_STATE_MAX_CALLS;
		 c = c->next)
		if (c->sess == s && call_state(c, &st.calls[st.ncalls]) == 0)
			st.ncalls++;
	/* no answered call: nothing another node could take over */
	if (st.ncalls && !(text = verto_state_encode(&st, NULL)))
		LM_WARN("verto session %.8s...: state not encodable\n", sessid);
	for (i = 0; i < st.ncalls; i++)
		st.calls[i].peer_sdp = st.calls[i].our_sdp = NULL;
	return text;
}

/* a job writing (or deleting) the state of session sessid: HA_QUEUED (or
 * nothing to do), HA_BUSY (a write of it is queued or running), HA_LATER
 * (back-off, the lane full, out of memory) */
static int ha_write(const char *sessid)
{
	ha_job *h;

	if (ha_busy_find(sessid))
		return HA_BUSY;
	if (ha_now < ha_backoff_until || verto_jobs_full(ha_lane) ||
		!(h = calloc(1, sizeof(*h))))
		return HA_LATER;
	h->job.run = ha_run;
	h->job.done = ha_done;
	snprintf(h->sessid, sizeof(h->sessid), "%s", sessid);
	if (verto_state_key(ha_cfg.prefix, sessid, 0, h->key[0],
						sizeof(h->key[0])) ||
		verto_state_key(ha_cfg.prefix, sessid, 1, h->key[1],
						sizeof(h->key[1]))) {
		free(h); /* not a sessid of ours (verto_ha_check) */
		return HA_QUEUED;
	}
	h->text = state_text(sessid);
	if (verto_hindex_add(&ha_busy, &h->hn, sessid_hash(sessid))) {
		free(h->text);
		free(h);
		return HA_LATER;
	}
	if (verto_jobs_submit(ha_lane, &h->job)) {
		verto_hindex_del(&ha_busy, &h->hn);
		free(h->text);
		free(h);
		return HA_LATER;
	}
	return HA_QUEUED;
}

void verto_ha_flush(uint64_t now_ms)
{
	static char dirty[HA_DIRTY_MAX][VERTO_SESSID_LEN + 1];
	verto_session *s;
	unsigned i, n;
	int all, rc;

	if (!ha_ready)
		return;
	ha_now = now_ms;
	if (now_ms >= ha_next_beat) {
		ha_next_beat = now_ms + VERTO_HA_BEAT_MS;
		ha_beat();
	}
	if (now_ms >= ha_next_refresh) {
		ha_next_refresh = now_ms + ha_cfg.refresh_ms;
		ha_all = 1;
	}
	/* what is not written now is marked again (the lists start empty) */
	all = ha_all;
	n = ha_ndirty;
	memcpy(dirty, ha_dirty, n * sizeof(dirty[0]));
	ha_ndirty = 0;
	ha_all = 0;
	if (all) {
		/* every session with a call (those without were deleted when
		 * their last call went) */
		for (s = verto_engine_sessions(ha_eng); s; s = s->next) {
			if (!s->ncalls)
				continue;
			rc = ha_write(s->sessid);
			if (rc == HA_BUSY)
				dirty_add(s->sessid); /* after the running one */
			else if (rc == HA_LATER)
				ha_all = 1;
		}
	}
	for (i = 0; i < n; i++)
		if ((!all || !(s = verto_engine_session(ha_eng, dirty[i])) ||
			 !s->ncalls) &&
			ha_write(dirty[i]) != HA_QUEUED)
			dirty_add(dirty[i]);
}
