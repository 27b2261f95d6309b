/*
 * verto_proc.c - the iwg_verto WebSocket process (verto_proc.h): its
 * set-up, the engine's callbacks, the loop's callbacks, the worker
 * threads' clients and the reverse lookups of calls from SIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/dprint.h"
#include "core/cfg/cfg_struct.h"

#include "verto_ha.h"
#include "verto_ident.h"
#include "verto_ipc.h"
#include "verto_jobs.h"
#include "verto_login.h"
#include "verto_proc.h"
#include "verto_rpc.h"
#include "verto_rtp.h"
#include "verto_sip.h"
#include "verto_takeover.h"
#include "verto_throttle.h"
#include "verto_ws.h"

static const verto_proc_cfg *vp; /* the module's, read-only */

/* the process's state */
static verto_engine *verto_eng = NULL;
static verto_ws *verto_endpoint = NULL;
static verto_jobs *verto_pool = NULL;	 /* reverse lookups, media steps */
static verto_jobs *verto_lane = NULL;	 /* fire-and-forget NG, in order */
static verto_jobs *verto_auth = NULL;	 /* logins only */
static verto_budget verto_mem;			 /* partial and held frames */
static verto_throttle *verto_thr = NULL; /* failed logins */

uint64_t verto_proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int op_send(void *ctx, verto_conn_id conn, const char *buf, size_t len)
{
	(void)ctx;
	return verto_ws_send(verto_endpoint, conn, buf, len);
}

/* a logged-in connection closes normally (punt, kick); one that never
 * logged in is closed by a limit (login deadline, frames held too long):
 * 1008 policy violation */
static void op_close(void *ctx, verto_conn_id conn)
{
	(void)ctx;
	verto_ws_close_code(verto_endpoint, conn,
						verto_ws_trusted(verto_endpoint, conn) ? 1000 : 1008);
}

static void worker_free(void *p)
{
	verto_worker *w = p;

	if (!w)
		return;
	verto_ident_free(w->idn);
	verto_rtp_free(w->rtp);
	free(w);
}

/* a worker thread's own clients (verto_sip.h), made before the threads
 * start (the Redis connection opens on first use, in the thread): its
 * identity store client, and an rtpengine client unless it only checks
 * logins (with_rtp 0); NULL with err */
static verto_worker *worker_make(int with_rtp, char *err, size_t errsz)
{
	verto_worker *w = calloc(1, sizeof(*w));

	if (!w || !(w->idn = verto_ident_new(&vp->ident))) {
		snprintf(err, errsz, "out of memory");
		worker_free(w);
		return NULL;
	}
	if (!with_rtp)
		return w;
	w->rtp = verto_rtp_new(vp->rtpengine, (const char *const *)vp->prof_flags,
						   vp->ng_timeout, err, errsz);
	if (!w->rtp) {
		worker_free(w);
		return NULL;
	}
	return w;
}

/* in worker thread index: its clients, made by worker_make (arg: the
 * array of them) */
static void *worker_new(void *arg, unsigned index)
{
	return ((verto_worker **)arg)[index];
}

/* sessions are written again (their TTL) every third of the grace, at
 * least every second and at most every 10 s */
static uint64_t ha_refresh_ms(void)
{
	uint64_t r = (uint64_t)vp->grace * 1000 / 3;

	return r < 1000 ? 1000 : r > 10000 ? 10000 : r;
}

/* ---------------------------------------------------------------- loop */

static void ws_open(void *ctx, uint64_t id)
{
	(void)ctx;
	if (verto_engine_conn_open(verto_eng, id))
		verto_ws_close(verto_endpoint, id);
}

static void ws_text(void *ctx, uint64_t id, const char *buf, size_t len)
{
	(void)ctx;
	/* -1: the frame could not be kept (already answered): close, a
	 * policy violation (too many frames, the memory budget) */
	if (verto_engine_frame(verto_eng, id, buf, len))
		verto_ws_close_code(verto_endpoint, id, 1008);
}

static void ws_close(void *ctx, uint64_t id)
{
	(void)ctx;
	verto_engine_conn_close(verto_eng, id);
}

static void ws_fd_ready(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	verto_sip_events();
	verto_jobs_drain(verto_auth);
	verto_jobs_drain(verto_pool);
	verto_jobs_drain(verto_lane);
	verto_ha_drain();
}

static void ws_tick(void *ctx)
{
	uint64_t now = verto_proc_now_ms();

	(void)ctx;
	cfg_update();
	verto_sip_events();
	verto_jobs_drain(verto_auth);
	verto_jobs_drain(verto_pool);
	verto_jobs_drain(verto_lane);
	verto_ha_drain();
	verto_engine_tick(verto_eng, now);
	verto_ha_flush(now);
	verto_login_tick(now);
	verto_takeover_tick();
	verto_rpc_jobs(verto_jobs_queued(verto_pool),
				   verto_jobs_refused(verto_pool));
	verto_rpc_publish(verto_eng, now, 0);
}

/* the PaaS user of a SIP identity, found by a worker (verto_sip_lookup_f) */
typedef struct user_job {
	verto_job job;
	uint32_t key; /* the INVITE's glue key */
	char uri[VERTO_IPC_KEY_MAX + 1];
	int rc; /* VERTO_IDENT_* */
	char user[VERTO_ID_MAX + 1];
	char why[160];
} user_job;

static void user_run(verto_job *j, void *worker)
{
	user_job *u = (user_job *)j;
	verto_worker *w = worker;

	if (!w || !w->idn) {
		u->rc = VERTO_IDENT_STORE;
		snprintf(u->why, sizeof(u->why), "no identity store client");
		return;
	}
	u->rc = verto_ident_reverse(w->idn, u->uri, (int64_t)time(NULL), u->user,
								sizeof(u->user), u->why, sizeof(u->why));
}

static void user_done(verto_job *j, int cancelled)
{
	user_job *u = (user_job *)j;
	int found = -1; /* VERTO_IDENT_STORE: 503 */

	if (!cancelled) {
		if (u->rc == VERTO_IDENT_INVALID)
			LM_ERR("no PaaS user for %s: %s\n", u->uri, u->why);
		else if (u->rc != VERTO_IDENT_OK)
			LM_INFO("no PaaS user for %s: %s\n", u->uri, u->why);
		if (u->rc == VERTO_IDENT_OK)
			found = 0;
		/* a mapping stored invalid reaches nobody, like none (404): the
		 * store answered, it is not down */
		else if (u->rc == VERTO_IDENT_REFUSED || u->rc == VERTO_IDENT_INVALID)
			found = 1;
		verto_sip_lookup_done(u->key, found, u->user);
	}
	free(u);
}

static int user_of(const char *uri, uint32_t key)
{
	user_job *u = calloc(1, sizeof(*u));

	if (!u)
		return -1;
	u->job.run = user_run;
	u->job.done = user_done;
	u->key = key;
	snprintf(u->uri, sizeof(u->uri), "%s", uri);
	if (verto_jobs_submit(verto_pool, &u->job)) {
		free(u);
		return -1; /* 503 with Retry-After, never looked up in the loop */
	}
	return 0;
}

void verto_proc_run(const verto_proc_cfg *cfg)
{
	int has_wss = cfg->wss_listen && *cfg->wss_listen;
	verto_ops ops = {.send = op_send,
					 .close = op_close,
					 .auth_start = verto_login_start,
					 .media = verto_sip_media,
					 .media_start = verto_sip_media_start,
					 .media_delete = verto_sip_media_delete,
					 .sip = verto_sip_op,
					 .call_freed = verto_sip_call_freed};
	verto_engine_cfg ecfg = {
			.limits = {.max_len = (size_t)cfg->max_frame},
			.max_sessions = (unsigned)cfg->max_sessions,
			.grace_ms = (uint64_t)cfg->grace * 1000,
			.ring_ms = (uint64_t)cfg->ring_timeout * 1000,
			.max_sessions_per_login = (unsigned)cfg->sessions_per_login,
			.login_timeout_ms = (uint64_t)cfg->login_timeout * 1000,
			.max_logins_pending = (unsigned)cfg->max_logins_pending,
			.budget = &verto_mem,
	};
	verto_ws_cfg wcfg = {
			.ws_addr = cfg->listen,
			.wss_addr = cfg->wss_listen,
			.tls_cert = cfg->tls_cert,
			.tls_key = cfg->tls_key,
			.max_msg = (size_t)cfg->max_frame,
			.ping_secs = (unsigned)cfg->ping_interval,
			.max_conns_per_ip = (unsigned)cfg->max_conns_per_ip,
			.budget = &verto_mem,
	};
	verto_throttle_cfg tcfg = {
			.login_fails = (unsigned)cfg->login_fails,
			.ip_fails = (unsigned)cfg->ip_fails,
			.backoff_ms = (uint64_t)cfg->backoff,
			.lockout_ms = (uint64_t)cfg->lockout * 1000,
	};
	verto_ws_cb cb = {.open = ws_open,
					  .text = ws_text,
					  .close = ws_close,
					  .fd_ready = ws_fd_ready,
					  .tick = ws_tick};
	verto_jobs_cfg jcfg = {.workers = (unsigned)cfg->workers,
						   .max_jobs = (unsigned)cfg->max_jobs,
						   .worker_new = worker_new,
						   .worker_free = worker_free,
						   .wake = verto_ipc_wake};
	/* the pool's workers, the lane's, then the login lane's */
	static verto_worker *made[2 * VERTO_WORKERS_MAX + 1];
	verto_login_cfg lcfg = {
			.lane_threads = (unsigned)cfg->auth_workers,
			.max_pending = (unsigned)cfg->max_logins_pending,
			.max_per_ip = (unsigned)cfg->max_logins_per_ip,
			.login_fails = (unsigned)cfg->login_fails,
			.ip_fails = (unsigned)cfg->ip_fails,
	};
	verto_rtp *rtp;
	char err[256];
	int i;

	vp = cfg;
	for (i = 0; i <= cfg->workers + cfg->auth_workers; i++) {
		if (!(made[i] = worker_make(i <= cfg->workers, err, sizeof(err)))) {
			LM_CRIT("verto process: worker clients: %s\n", err);
			_exit(-1);
		}
	}
	jcfg.arg = made;
	verto_pool = verto_jobs_new(&jcfg, err, sizeof(err));
	/* the lane: one thread, no bound (only calls that exist feed it, and
	 * what it sends must not be dropped) */
	jcfg.workers = 1;
	jcfg.max_jobs = 0;
	jcfg.arg = made + cfg->workers;
	if (verto_pool)
		verto_lane = verto_jobs_new(&jcfg, err, sizeof(err));
	/* the login lane: its own threads and Redis connections, its queue
	 * bounded like the logins in flight */
	jcfg.workers = (unsigned)cfg->auth_workers;
	jcfg.max_jobs = (unsigned)cfg->max_logins_pending;
	jcfg.arg = made + cfg->workers + 1;
	if (verto_lane)
		verto_auth = verto_jobs_new(&jcfg, err, sizeof(err));
	if (!verto_pool || !verto_lane || !verto_auth) {
		LM_CRIT("verto process: job pool: %s\n", err);
		_exit(-1);
	}
	verto_mem.limit = (size_t)cfg->max_pending_bytes;
	if (getrandom(tcfg.seed, sizeof(tcfg.seed), 0) != sizeof(tcfg.seed)) {
		LM_CRIT("verto process: no random bytes for the login throttle\n");
		_exit(-1);
	}
	verto_thr = verto_throttle_new(&tcfg);
	if (!verto_thr) {
		LM_CRIT("verto process: login throttle: out of memory\n");
		_exit(-1);
	}
	rtp = verto_rtp_new(cfg->rtpengine, (const char *const *)cfg->prof_flags,
						cfg->ng_timeout, err, sizeof(err));
	verto_eng = verto_engine_new(&ops, &ecfg);
	if (!rtp || !verto_eng) {
		LM_CRIT("verto process: %s\n", rtp ? "out of memory" : err);
		_exit(-1);
	}
	verto_sip_attach(verto_eng, rtp, user_of, verto_pool, verto_lane);
	if (cfg->session_store) {
		verto_ha_cfg hcfg = {
				.node = cfg->ha_node,
				.prefix = cfg->session_prefix,
				.refresh_ms = ha_refresh_ms(),
		};
		/* a dead node's state outlives it by the grace and one refresh */
		hcfg.ttl_ms = (uint64_t)cfg->grace * 1000 + 2 * hcfg.refresh_ms;
		if (verto_ha_init(&hcfg, verto_eng, &cfg->ident, verto_ipc_wake, err,
						  sizeof(err))) {
			LM_CRIT("verto process: session store: %s\n", err);
			_exit(-1);
		}
	}
	verto_engine_tick(verto_eng, verto_proc_now_ms());
	verto_endpoint = verto_ws_new(&wcfg, &cb, err, sizeof(err));
	if (!verto_endpoint) {
		LM_CRIT("verto WebSocket endpoint: %s\n", err);
		_exit(-1);
	}
	lcfg.eng = verto_eng;
	lcfg.ws = verto_endpoint;
	lcfg.thr = verto_thr;
	lcfg.lane = verto_auth;
	verto_login_attach(&lcfg);
	verto_rpc_sources(verto_endpoint, &verto_mem, verto_thr, verto_auth);
	if (verto_ws_watch_fd(verto_endpoint, verto_ipc_fd())) {
		LM_CRIT("verto WebSocket endpoint: cannot watch the event pipe\n");
		_exit(-1);
	}
	LM_INFO("verto WebSocket endpoint on ws %s%s%s\n",
			cfg->listen ? cfg->listen : "-", has_wss ? ", wss " : "",
			has_wss ? cfg->wss_listen : "");
	for (;;) {
		if (verto_ws_service(verto_endpoint) < 0) {
			LM_CRIT("verto WebSocket loop failed\n");
			_exit(-1);
		}
	}
}
