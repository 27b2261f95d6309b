/*
 * verto_rpc.c - RPC commands and counters of iwg_verto. Design in
 * verto_rpc.h.
 *
 * Memory: the snapshot is one shm string replaced under the lock by the
 * WebSocket process; a reader copies it to pkg under the lock and parses
 * the copy (json-c, malloc) outside of it.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/counters.h"
#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"

#include "verto_ha.h"
#include "verto_ipc.h"
#include "verto_rpc.h"
#include "verto_sip.h"

#define SNAP_MAX	  (4 * 1024 * 1024) /* larger listings are cut */
#define THROTTLED_MAX 1000				/* throttled keys published */

typedef struct snap_slot {
	gen_lock_t lock;
	char *json; /* shm, NUL-terminated; NULL before the first publication */
} snap_slot;

static snap_slot *snap = NULL;

/* counters: engine statistics (moved by deltas) and gauges */
enum {
	VC_FRAMES_IN,
	VC_FRAMES_BAD,
	VC_LOGINS_OK,
	VC_LOGINS_FAILED,
	VC_CALLS_OUT,
	VC_CALLS_IN,
	VC_CALLS_ANSWERED,
	VC_CALLS_FAILED,
	VC_RESUMES,
	VC_REATTACHED,
	VC_SESSIONS,	/* gauge: sessions kept */
	VC_CALLS,		/* gauge: calls in progress */
	VC_JOBS_QUEUED, /* gauge: jobs waiting for a worker */
	VC_JOBS_REFUSED,
	VC_CONNS_REFUSED_IP,
	VC_LOGIN_TIMEOUTS,
	VC_MEMORY_REFUSED,
	VC_LOGINS_BUSY,
	VC_LOGINS_THROTTLED,
	VC_SESSIONS_EVICTED,
	VC_SESSIONS_REFUSED,
	VC_DIALOG_REFUSED,
	VC_OTHER_2XX,
	VC_OTHER_2XX_IGNORED, /* moved where it happens: any SIP worker */
	VC_PENDING_BYTES,	  /* gauge: bytes held in partial and held frames */
	VC_SESSIONS_TAKEN,	  /* sessions of another node taken over here */
	VC_TAKEOVERS_ALIVE,	  /* take-overs not done: the owner node lives */
	VC_SESSIONS_LOST,	  /* sessions another node took over */
	VC_STATE_WRITES,	  /* session states written to Redis */
	VC_STATE_FAILURES,	  /* ... not written (Redis failed) */
	VC_NODE_KEY_FAILURES, /* the node key not set */
	VC_COUNT
};

static const struct {
	const char *name, *doc;
} vc_def[VC_COUNT] = {
		[VC_FRAMES_IN] = {"frames_in", "Verto JSON-RPC messages received"},
		[VC_FRAMES_BAD] = {"frames_bad", "messages refused (bad JSON-RPC)"},
		[VC_LOGINS_OK] = {"logins_ok", "accepted logins"},
		[VC_LOGINS_FAILED] = {"logins_failed", "refused logins"},
		[VC_CALLS_OUT] = {"calls_out", "calls from browsers"},
		[VC_CALLS_IN] = {"calls_in", "calls toward browsers"},
		[VC_CALLS_ANSWERED] = {"calls_answered", "calls answered"},
		[VC_CALLS_FAILED] = {"calls_failed", "calls ended by a failure"},
		[VC_RESUMES] = {"resumes", "sessions resumed with their sessid"},
		[VC_REATTACHED] = {"reattached", "calls re-attached after a loss"},
		[VC_SESSIONS] = {"sessions", "sessions kept (live or detached)"},
		[VC_CALLS] = {"calls", "calls in progress"},
		[VC_JOBS_QUEUED] = {"jobs_queued", "jobs waiting for a worker"},
		[VC_JOBS_REFUSED] = {"jobs_refused",
							 "jobs refused by the full queue (max_jobs)"},
		[VC_CONNS_REFUSED_IP] = {"conns_refused_ip",
								 "connections closed at accept "
								 "(max_conns_per_ip)"},
		[VC_LOGIN_TIMEOUTS] = {"login_timeouts",
							   "connections closed without a login in "
							   "login_timeout"},
		[VC_MEMORY_REFUSED] = {"memory_refused",
							   "connections closed: max_pending_bytes "
							   "reached"},
		[VC_LOGINS_BUSY] = {"logins_busy",
							"logins answered SERVER BUSY "
							"(max_logins_pending, max_logins_per_ip)"},
		[VC_LOGINS_THROTTLED] = {"logins_throttled",
								 "logins answered LOGIN THROTTLED"},
		[VC_SESSIONS_EVICTED] = {"sessions_evicted",
								 "sessions ended by a newer one of the "
								 "same login (max_sessions_per_login)"},
		[VC_SESSIONS_REFUSED] = {"sessions_refused",
								 "logins refused: max_sessions_per_login"},
		[VC_DIALOG_REFUSED] = {"dialog_refused",
							   "in-dialog SIP requests refused (tags, "
							   "source)"},
		[VC_OTHER_2XX] = {"other_2xx",
						  "2xx of other dialogs to our INVITEs (another "
						  "branch), ACKed and hung up"},
		[VC_OTHER_2XX_IGNORED] = {"other_2xx_ignored",
								  "2xx to our INVITEs ignored: beyond the "
								  "limit of other dialogs, or without the "
								  "INVITE's Call-ID and From tag"},
		[VC_PENDING_BYTES] = {"pending_bytes",
							  "bytes held in partial messages and frames "
							  "behind logins"},
		[VC_SESSIONS_TAKEN] = {"sessions_taken",
							   "sessions of a dead node taken over here"},
		[VC_TAKEOVERS_ALIVE] = {"takeovers_alive",
								"logins with a sessid of a live node's "
								"session: not taken over"},
		[VC_SESSIONS_LOST] = {"sessions_lost",
							  "sessions another node took over: dropped "
							  "here without SIP or media"},
		[VC_STATE_WRITES] = {"state_writes",
							 "session states written to Redis (and "
							 "deleted)"},
		[VC_STATE_FAILURES] = {"state_failures",
							   "session state writes that failed"},
		[VC_NODE_KEY_FAILURES] = {"node_key_failures",
								  "sets of this node's liveness key that "
								  "failed or were late"},
};
/* every counter has a name (a new one cannot be left out) */
_Static_assert(sizeof(vc_def) / sizeof(vc_def[0]) == VC_COUNT,
			   "vc_def covers the counters");

static counter_handle_t vc_h[VC_COUNT];
static uint64_t vc_last[VC_COUNT]; /* WebSocket process: published values */
static uint64_t snap_last_ms = 0;
static uint64_t jobs_queued, jobs_refused; /* verto_rpc_jobs */
/* verto_rpc_sources (WebSocket process) */
static verto_ws *src_ws;
static const verto_budget *src_budget;
static verto_throttle *src_thr;
static verto_jobs *src_auth;

void verto_rpc_sources(verto_ws *ws, const verto_budget *budget,
					   verto_throttle *thr, verto_jobs *auth)
{
	src_ws = ws;
	src_budget = budget;
	src_thr = thr;
	src_auth = auth;
}

void verto_rpc_other_2xx_ignored(void)
{
	/* not in publish_counters' values: it stays 0 there, never moved */
	counter_inc(vc_h[VC_OTHER_2XX_IGNORED]);
}

void verto_rpc_jobs(uint64_t queued, uint64_t refused)
{
	jobs_queued = queued;
	jobs_refused = refused;
}

int verto_rpc_init(void)
{
	int i;

	snap = shm_malloc(sizeof(*snap));
	if (!snap) {
		SHM_MEM_ERROR;
		return -1;
	}
	memset(snap, 0, sizeof(*snap));
	if (!lock_init(&snap->lock)) {
		LM_ERR("cannot init the snapshot lock\n");
		return -1;
	}
	for (i = 0; i < VC_COUNT; i++) {
		if (counter_register(&vc_h[i], "verto", vc_def[i].name, 0, 0, 0,
							 vc_def[i].doc, 0) < 0) {
			LM_ERR("cannot register counter verto.%s\n", vc_def[i].name);
			return -1;
		}
	}
	return 0;
}

void verto_rpc_destroy(void)
{
	if (!snap)
		return;
	if (snap->json)
		shm_free(snap->json);
	lock_destroy(&snap->lock);
	shm_free(snap);
	snap = NULL;
}

/* ---------------------------------------------------------------- publish */

static void jadd(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void jint(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static json_object *session_obj(const verto_session *s, uint64_t now_ms)
{
	json_object *o = json_object_new_object();

	jadd(o, "sessid", s->sessid);
	jadd(o, "login", s->ident.login);
	jadd(o, "sip_uri", s->ident.sip_uri);
	jadd(o, "tenant", s->ident.tenant);
	jint(o, "connected", s->conn ? 1 : 0);
	jint(o, "detached_s",
		 s->conn || !s->detached_at
				 ? 0
				 : (int64_t)((now_ms - s->detached_at) / 1000));
	jint(o, "calls", s->ncalls);
	jint(o, "taken_over", s->taken_over);
	return o;
}

static json_object *call_obj(const verto_call *c)
{
	json_object *o = json_object_new_object();

	jadd(o, "callID", c->call_id);
	jadd(o, "direction", c->fsm.outbound ? "outbound" : "inbound");
	jadd(o, "state", verto_call_state_name(c->fsm.state));
	jadd(o, "sessid", c->sess ? c->sess->sessid : "");
	jadd(o, "login", c->sess ? c->sess->ident.login : (c->dest ? c->dest : ""));
	jadd(o, "dest", c->dest);
	jadd(o, "sip_callid", c->sip_callid);
	/* rtpengine's call-id is the SIP Call-ID (verto_rtp.h), the first
	 * dialog's for a transferred call */
	jadd(o, "rtpengine_callid",
		 c->media_callid[0] ? c->media_callid : c->sip_callid);
	jint(o, "held", c->fsm.held);
	jint(o, "detached", c->fsm.detached);
	jint(o, "ringing_sessions", c->nring);
	return o;
}

static void publish_counters(verto_engine *e)
{
	const verto_stats *st = verto_engine_stats(e);
	const verto_ha_stats *ha = verto_ha_stats_get();
	verto_ws_stats ws;
	uint64_t v[VC_COUNT] = {
			[VC_FRAMES_IN] = st->frames_in,
			[VC_FRAMES_BAD] = st->frames_bad,
			[VC_LOGINS_OK] = st->logins_ok,
			[VC_LOGINS_FAILED] = st->logins_failed,
			[VC_CALLS_OUT] = st->calls_out,
			[VC_CALLS_IN] = st->calls_in,
			[VC_CALLS_ANSWERED] = st->calls_answered,
			[VC_CALLS_FAILED] = st->calls_failed,
			[VC_RESUMES] = st->resumes,
			[VC_REATTACHED] = st->reattached,
			[VC_JOBS_QUEUED] = jobs_queued,
			[VC_JOBS_REFUSED] = jobs_refused,
			[VC_LOGIN_TIMEOUTS] = st->login_timeouts,
			[VC_MEMORY_REFUSED] = st->frames_over_budget,
			[VC_LOGINS_BUSY] = st->logins_busy,
			[VC_LOGINS_THROTTLED] = st->logins_throttled,
			[VC_SESSIONS_EVICTED] = st->sessions_evicted,
			[VC_SESSIONS_REFUSED] = st->sessions_refused,
			/* counted where on_request decides: this (WebSocket) process */
			[VC_DIALOG_REFUSED] = verto_sip_refused(),
			[VC_OTHER_2XX] = verto_sip_other_2xx(),
			[VC_PENDING_BYTES] = src_budget ? src_budget->used : 0,
			[VC_SESSIONS_TAKEN] = st->sessions_taken,
			[VC_TAKEOVERS_ALIVE] = ha->alive,
			[VC_SESSIONS_LOST] = st->sessions_lost,
			[VC_STATE_WRITES] = ha->writes + ha->deletes,
			[VC_STATE_FAILURES] = ha->failures,
			[VC_NODE_KEY_FAILURES] = ha->beat_failures,
	};
	verto_session *s;
	verto_call *c;
	int i;

	if (src_ws) {
		verto_ws_stats_get(src_ws, &ws);
		v[VC_CONNS_REFUSED_IP] = ws.conns_refused_ip;
		v[VC_MEMORY_REFUSED] += ws.memory_refused;
	}
	for (s = verto_engine_sessions(e); s; s = s->next)
		v[VC_SESSIONS]++;
	for (c = verto_engine_calls(e); c; c = c->next)
		v[VC_CALLS]++;
	for (i = 0; i < VC_COUNT; i++) {
		if (v[i] != vc_last[i])
			counter_add(vc_h[i], (int)((int64_t)v[i] - (int64_t)vc_last[i]));
		vc_last[i] = v[i];
	}
}

/* a login as shown outside the process: its first 3 characters */
static void mask_login(const char *login, char *out, size_t sz)
{
	snprintf(out, sz, "%.3s...", login);
}

static void throttled_visit(void *arg, int kind, const char *key,
							unsigned fails, uint64_t ms_left)
{
	json_object *arr = arg, *o;
	char masked[16];

	if (json_object_array_length(arr) >= THROTTLED_MAX)
		return;
	o = json_object_new_object();
	if (kind == VERTO_THR_LOGIN) {
		mask_login(key, masked, sizeof(masked));
		jadd(o, "kind", "login");
		jadd(o, "key", masked);
	} else {
		jadd(o, "kind", "address");
		jadd(o, "key", key);
	}
	jint(o, "failures", fails);
	jint(o, "seconds_left", (int64_t)((ms_left + 999) / 1000));
	json_object_array_add(arr, o);
}

/* the pre-login limits as they stand: memory budget, connections, login
 * lane */
static json_object *limits_obj(unsigned throttled)
{
	json_object *o = json_object_new_object();
	verto_ws_stats ws;

	memset(&ws, 0, sizeof(ws));
	if (src_ws)
		verto_ws_stats_get(src_ws, &ws);
	jint(o, "pending_bytes", src_budget ? (int64_t)src_budget->used : 0);
	jint(o, "pending_bytes_peak", src_budget ? (int64_t)src_budget->peak : 0);
	jint(o, "max_pending_bytes", src_budget ? (int64_t)src_budget->limit : 0);
	jint(o, "connections", ws.conns);
	jint(o, "addresses", ws.addrs);
	jint(o, "conns_refused_ip", (int64_t)ws.conns_refused_ip);
	jint(o, "logins_queued", src_auth ? verto_jobs_queued(src_auth) : 0);
	jint(o, "logins_refused_full",
		 src_auth ? (int64_t)verto_jobs_refused(src_auth) : 0);
	jint(o, "throttled_keys", throttled);
	return o;
}

void verto_rpc_publish(verto_engine *e, uint64_t now_ms, int force)
{
	json_object *root, *ss, *cs;
	const char *txt;
	char *copy, *old;
	size_t len;
	verto_session *s;
	verto_call *c;
	int cut = 0;

	if (!snap || (!force && snap_last_ms && now_ms - snap_last_ms < 1000))
		return;
	snap_last_ms = now_ms;
	publish_counters(e);
	root = json_object_new_object();
	ss = json_object_new_array();
	cs = json_object_new_array();
	json_object_object_add(root, "sessions", ss);
	json_object_object_add(root, "calls", cs);
	len = 0;
	for (s = verto_engine_sessions(e); s && !cut; s = s->next) {
		json_object_array_add(ss, session_obj(s, now_ms));
		len += 400;
		cut = len > SNAP_MAX / 2;
	}
	for (c = verto_engine_calls(e); c && !cut; c = c->next) {
		json_object_array_add(cs, call_obj(c));
		len += 600;
		cut = len > SNAP_MAX;
	}
	jint(root, "truncated", cut);
	{
		json_object *th = json_object_new_array();
		unsigned nth = 0;

		if (src_thr)
			nth = verto_throttle_list(src_thr, now_ms, throttled_visit, th);
		json_object_object_add(root, "throttled", th);
		json_object_object_add(root, "limits", limits_obj(nth));
	}
	txt = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	len = strlen(txt);
	copy = shm_malloc(len + 1);
	if (copy) {
		memcpy(copy, txt, len + 1);
		lock_get(&snap->lock);
		old = snap->json;
		snap->json = copy;
		lock_release(&snap->lock);
		if (old)
			shm_free(old);
	} else {
		SHM_MEM_ERROR;
	}
	json_object_put(root);
}

/* ---------------------------------------------------------------- read */

/* the latest snapshot, parsed; NULL (after an RPC fault) when none */
static json_object *snapshot(rpc_t *rpc, void *ctx)
{
	json_object *root;
	char *copy = NULL;
	size_t len;

	lock_get(&snap->lock);
	if (snap->json) {
		len = strlen(snap->json);
		copy = pkg_malloc(len + 1);
		if (copy)
			memcpy(copy, snap->json, len + 1);
	}
	lock_release(&snap->lock);
	if (!copy) {
		rpc->fault(ctx, 503, "No snapshot from the verto process yet");
		return NULL;
	}
	root = json_tokener_parse(copy);
	pkg_free(copy);
	if (!root)
		rpc->fault(ctx, 500, "Bad snapshot");
	return root;
}

/* one flat object of strings and integers as an RPC structure */
static void add_obj(rpc_t *rpc, void *ctx, json_object *o)
{
	void *h;

	if (rpc->add(ctx, "{", &h) < 0)
		return;
	json_object_object_foreach(o, k, v)
	{
		if (json_object_is_type(v, json_type_int))
			rpc->struct_add(h, "L", k, (long long)json_object_get_int64(v));
		else
			rpc->struct_add(h, "s", k, json_object_get_string(v));
	}
}

static void list(rpc_t *rpc, void *ctx, const char *what, const char *key,
				 const char *val)
{
	json_object *root = snapshot(rpc, ctx), *arr, *o, *v;
	size_t i, n;

	if (!root)
		return;
	if (json_object_object_get_ex(root, what, &arr)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			o = json_object_array_get_idx(arr, i);
			if (key && (!json_object_object_get_ex(o, key, &v) ||
						strcmp(json_object_get_string(v), val) != 0))
				continue;
			add_obj(rpc, ctx, o);
		}
	}
	json_object_put(root);
}

static const char *rpc_sessions_doc[] = {
		"Verto sessions: sessid, login, sip_uri, tenant, connected, "
		"detached_s, calls (snapshot, up to 1 s old). Optional login filter.",
		0};

static void rpc_sessions(rpc_t *rpc, void *ctx)
{
	str login = STR_NULL;

	if (rpc->scan(ctx, "*S", &login) < 1)
		login.len = 0;
	if (login.len) {
		char buf[VERTO_ID_MAX + 1];
		snprintf(buf, sizeof(buf), "%.*s", login.len, login.s);
		list(rpc, ctx, "sessions", "login", buf);
	} else {
		list(rpc, ctx, "sessions", NULL, NULL);
	}
}

static const char *rpc_calls_doc[] = {
		"Verto calls: callID, direction, state, sessid, login, dest, "
		"sip_callid, rtpengine_callid, held, detached, ringing_sessions "
		"(snapshot, up to 1 s old).",
		0};

static void rpc_calls(rpc_t *rpc, void *ctx)
{
	list(rpc, ctx, "calls", NULL, NULL);
}

static const char *rpc_kick_doc[] = {
		"Kick a Verto session by sessid: verto.punt to the client (it "
		"disconnects and does not reconnect), its calls end as on a "
		"WebSocket loss.",
		0};

static void rpc_kick(rpc_t *rpc, void *ctx)
{
	json_object *root, *arr, *o, *v;
	str sessid = STR_NULL;
	verto_ev *ev;
	size_t i, n;
	int found = 0;

	if (rpc->scan(ctx, "S", &sessid) < 1)
		return; /* scan sent the fault */
	if (sessid.len != VERTO_SESSID_LEN) {
		rpc->fault(ctx, 400, "A sessid is a 36-character UUID");
		return;
	}
	if (!(root = snapshot(rpc, ctx)))
		return;
	if (json_object_object_get_ex(root, "sessions", &arr)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n && !found; i++) {
			o = json_object_array_get_idx(arr, i);
			found = json_object_object_get_ex(o, "sessid", &v) &&
					strncmp(json_object_get_string(v), sessid.s, sessid.len) ==
							0;
		}
	}
	json_object_put(root);
	if (!found) {
		rpc->fault(ctx, 404, "No such session");
		return;
	}
	ev = verto_ev_new(VERTO_EV_KICK, NULL, 0);
	if (!ev) {
		rpc->fault(ctx, 500, "Out of shared memory");
		return;
	}
	memcpy(ev->key, sessid.s, sessid.len);
	ev->key[sessid.len] = '\0';
	if (verto_ipc_push(ev) < 0) {
		rpc->fault(ctx, 503, "Event queue full");
		return;
	}
	rpc->rpl_printf(ctx, "kicked %.*s", sessid.len, sessid.s);
}

static const char *rpc_throttled_doc[] = {
		"Keys whose failed Verto logins are throttled now: kind (login, "
		"address), key (a login masked), failures, seconds_left (snapshot, "
		"up to 1 s old; at most 1000).",
		0};

static void rpc_throttled(rpc_t *rpc, void *ctx)
{
	list(rpc, ctx, "throttled", NULL, NULL);
}

static const char *rpc_limits_doc[] = {
		"Pre-login limits now: pending_bytes, pending_bytes_peak, "
		"max_pending_bytes, connections, addresses, conns_refused_ip, "
		"logins_queued, logins_refused_full, throttled_keys (snapshot).",
		0};

static void rpc_limits(rpc_t *rpc, void *ctx)
{
	json_object *root = snapshot(rpc, ctx), *o;

	if (!root)
		return;
	if (json_object_object_get_ex(root, "limits", &o))
		add_obj(rpc, ctx, o);
	else
		rpc->fault(ctx, 503, "No limits in the snapshot yet");
	json_object_put(root);
}

rpc_export_t verto_rpc_cmds[] = {
		{"verto.sessions", rpc_sessions, rpc_sessions_doc, RET_ARRAY},
		{"verto.calls", rpc_calls, rpc_calls_doc, RET_ARRAY},
		{"verto.kick", rpc_kick, rpc_kick_doc, 0},
		{"verto.throttled", rpc_throttled, rpc_throttled_doc, RET_ARRAY},
		{"verto.limits", rpc_limits, rpc_limits_doc, 0},
		{0, 0, 0, 0},
};
