/*
 * verto_login.c - the logins of the iwg_verto WebSocket process
 * (verto_login.h): a job of the login lane per login, its result back in
 * the loop, the throttle's bookkeeping, and the sessions of other nodes
 * taken over or waited for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"

#include <json-c/json.h>

#include "verto_ha.h"
#include "verto_ident.h"
#include "verto_index.h"
#include "verto_login.h"
#include "verto_proc.h"
#include "verto_rpc.h"
#include "verto_sip.h"
#include "verto_state.h"
#include "verto_takeover.h"
#include "verto_ws.h"

static verto_login_cfg L;

void verto_login_attach(const verto_login_cfg *cfg)
{
	L = *cfg;
}

/* a string member of userVariables, or NULL */
static const char *uvar(struct json_object *uvars, const char *key)
{
	struct json_object *v;

	if (!uvars || !json_object_object_get_ex(uvars, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* a login checked by a worker (malloc'd; passwd wiped before free) */
typedef struct auth_job {
	verto_job job;
	verto_conn_id conn;
	char login[VERTO_ID_MAX + 1];
	char addr[64]; /* the connection's source address, "" if unknown */
	char *passwd, *token;
	char customer[129];
	int rc; /* VERTO_IDENT_* */
	verto_identity ident;
	char why[160];
	/* a sessid this node does not hold: the session may be another
	 * node's to take over (verto_ha_claim); st is then malloc'd */
	char sessid[VERTO_SESSID_LEN + 1];
	verto_state *st;
	verto_claim claim;
	char cwhy[160];
	/* the owner lived: the claim is asked again (verto_login_tick) until
	 * claim_until, the job waiting in claims_waiting meanwhile (no thread
	 * held); retry: only the claim runs (the login was checked) */
	int retry;
	uint64_t claim_until, next_at;
	verto_link wait;
} auth_job;

/* logins whose claim waits for an owner's node key to lapse: at most one
 * per sessid, at most claims_max (max_logins_pending / 2) */
static verto_link claims_waiting = {&claims_waiting, &claims_waiting};
static unsigned claims_n;

static void auth_run(verto_job *j, void *worker)
{
	auth_job *a = (auth_job *)j;
	verto_worker *w = worker;

	if (!w || !w->idn) {
		a->rc = VERTO_IDENT_STORE;
		snprintf(a->why, sizeof(a->why), "no identity store client");
		return;
	}
	if (!a->retry)
		a->rc = verto_ident_login(w->idn, a->login, a->passwd, a->token,
								  (int64_t)time(NULL), &a->ident, a->why,
								  sizeof(a->why));
	if (a->rc == VERTO_IDENT_OK && a->sessid[0] &&
		(a->st || (a->st = malloc(sizeof(*a->st)))))
		a->claim = verto_ha_claim(w->idn, a->sessid, a->ident.login, a->st,
								  a->cwhy, sizeof(a->cwhy));
}

static void auth_job_free(auth_job *a)
{
	verto_state_clear(a->st);
	free(a->st);
	if (a->passwd) {
		explicit_bzero(a->passwd, strlen(a->passwd));
		free(a->passwd);
	}
	if (a->token) {
		explicit_bzero(a->token, strlen(a->token));
		free(a->token);
	}
	free(a);
}

/* a decided login ends its attempt in the throttle: a refusal is a
 * failure (a mapping stored invalid too: nothing was proved, and an
 * attempt must not cost Redis a read and the log an error unthrottled),
 * a success clears its login's count, an identity store failure counts
 * for nothing */
static void auth_throttle(const auth_job *a)
{
	int locked;

	if (!L.thr)
		return;
	if (a->rc == VERTO_IDENT_OK) {
		/* only for the name it proved: a token of one user sent with
		 * another's login name must not clear that name's failures */
		if (strcmp(a->ident.login, a->login) == 0)
			verto_throttle_success(L.thr, a->addr, a->login);
		else
			verto_throttle_abandon(L.thr, a->addr, a->login);
		return;
	}
	if (a->rc != VERTO_IDENT_REFUSED && a->rc != VERTO_IDENT_INVALID) {
		verto_throttle_abandon(L.thr, a->addr, a->login);
		return;
	}
	locked = verto_throttle_fail(L.thr, a->addr, a->login, verto_proc_now_ms());
	if (locked & (1 << VERTO_THR_LOGIN))
		LM_NOTICE("verto logins of '%.3s...' throttled after %d failures "
				  "(last from %s)\n",
				  a->login, L.login_fails, a->addr[0] ? a->addr : "?");
	if (locked & (1 << VERTO_THR_ADDR))
		LM_NOTICE("verto logins from %s throttled after %d failures\n", a->addr,
				  L.ip_fails);
	/* a lock shows in verto.throttled at once (at most 5 times a second:
	 * a snapshot lists every session) */
	if (locked) {
		static uint64_t forced;
		uint64_t now = verto_proc_now_ms();

		if (now - forced >= 200) {
			forced = now;
			verto_rpc_publish(L.eng, now, 1);
		}
	}
}

/* a login with a sessid this node did not hold: another node's session
 * claimed for it is rebuilt here before the engine resumes it */
static void auth_takeover(auth_job *a)
{
	if (!a->sessid[0] || a->claim == VERTO_CLAIM_NONE) {
		if (a->cwhy[0])
			LM_INFO("verto session %.8s...: nothing to take over (%s)\n",
					a->sessid, a->cwhy);
		return;
	}
	if (a->claim != VERTO_CLAIM_TAKE) {
		/* the login goes on with a new session */
		LM_NOTICE("verto session %.8s... not taken over (%s): %s\n", a->sessid,
				  verto_claim_name(a->claim), a->cwhy);
		verto_ha_claimed(a->claim);
		return;
	}
	/* a session that came meanwhile (another login) is left alone */
	if (verto_engine_session(L.eng, a->sessid) ||
		verto_takeover_adopt(L.eng, a->st, &a->ident) < 0)
		return;
	verto_ha_claimed(a->claim);
}

/* 1 when the claim of a (its owner alive) is to be asked again later: a
 * node that just died keeps its key up to VERTO_HA_BEAT_TTL_MS. The login
 * waits without holding a thread of the login lane: a timed retry. */
static int claim_wait(auth_job *a)
{
	uint64_t now = verto_proc_now_ms();
	unsigned max = L.max_pending / 2;
	verto_link *l;

	if (a->rc != VERTO_IDENT_OK || a->claim != VERTO_CLAIM_ALIVE)
		return 0;
	if (!a->retry) {
		if (claims_n >= (max ? max : 1)) {
			LM_NOTICE("verto session %.8s...: %u logins already wait for "
					  "their session's node: not waited for\n",
					  a->sessid, claims_n);
			return 0;
		}
		for (l = claims_waiting.next; l != &claims_waiting; l = l->next)
			if (strcmp(verto_container(l, auth_job, wait)->sessid, a->sessid) ==
				0) {
				LM_NOTICE("verto session %.8s...: another login waits for "
						  "it already: not waited for\n",
						  a->sessid);
				return 0;
			}
		a->claim_until = now + VERTO_HA_CLAIM_WAIT_MS;
		/* checked: not kept while the login waits */
		if (a->passwd)
			explicit_bzero(a->passwd, strlen(a->passwd));
		if (a->token)
			explicit_bzero(a->token, strlen(a->token));
	} else if (now >= a->claim_until) {
		return 0;
	}
	a->next_at = now + VERTO_HA_CLAIM_RETRY_MS;
	verto_list_add_tail(&claims_waiting, &a->wait);
	claims_n++;
	return 1;
}

static void auth_done(verto_job *j, int cancelled);

/* the waiting claims that are due go to the login lane again, while
 * its queue has fewer jobs than threads (logins first); a login whose
 * connection closed meanwhile ends there */
void verto_login_tick(uint64_t now)
{
	verto_link *l, *next;

	for (l = claims_waiting.next; l != &claims_waiting; l = next) {
		auth_job *a = verto_container(l, auth_job, wait);

		next = l->next;
		if (a->next_at > now)
			continue;
		if (verto_engine_login_sessid(L.eng, a->conn) &&
			verto_jobs_queued(L.lane) >= L.lane_threads)
			continue;
		verto_list_del(l);
		claims_n--;
		a->retry = 1;
		verto_state_clear(a->st);
		if (!verto_engine_login_sessid(L.eng, a->conn) ||
			verto_jobs_submit(L.lane, &a->job)) {
			/* decided as it stands: a new session (or nobody to tell) */
			a->claim_until = 0;
			auth_done(&a->job, 0);
		}
	}
}

static void auth_done(verto_job *j, int cancelled)
{
	auth_job *a = (auth_job *)j;
	int rc = VERTO_ERR_AUTH_FAILED;

	if (!cancelled && claim_wait(a))
		return;
	if (!cancelled) {
		auth_throttle(a);
		/* the client is told "authentication failed" either way: whether
		 * a login exists is not its business */
		if (a->rc == VERTO_IDENT_INVALID) {
			LM_ERR("verto login '%.3s...' refused: %s\n", a->login, a->why);
		} else if (a->rc != VERTO_IDENT_OK) {
			LM_INFO("verto login '%.3s...' refused: %s\n", a->login, a->why);
		} else {
			memcpy(a->ident.customer, a->customer, sizeof(a->customer));
			rc = 0;
			auth_takeover(a);
		}
		/* before the engine goes on: it may close the connection */
		verto_ws_trust(L.ws, a->conn, rc == 0);
		if (verto_engine_auth_done(L.eng, a->conn, rc, &a->ident))
			LM_DBG("verto login '%.3s...' decided after its connection "
				   "closed\n",
				   a->login);
	}
	auth_job_free(a);
}

int verto_login_start(void *ctx, verto_conn_id conn, const char *login,
					  const char *passwd, struct json_object *uvars)
{
	const char *customer = uvar(uvars, "customer_id");
	const char *token = uvar(uvars, "token");
	const char *sessid;
	char addr[sizeof(((auth_job *)0)->addr)];
	auth_job *a;

	(void)ctx;
	verto_ws_peer(L.ws, conn, addr, sizeof(addr));
	/* nothing is prepared for a login the full lane would refuse */
	if (verto_jobs_full(L.lane))
		return VERTO_START_BUSY;
	/* refused while throttled: not checked, not a failure; else counted
	 * in flight until auth_done */
	if (L.thr && verto_throttle_begin(L.thr, addr, login, verto_proc_now_ms()))
		return VERTO_START_THROTTLED;
	/* one address may not take the whole login lane (max_logins_pending):
	 * beyond its share, SERVER BUSY (the client may retry) */
	if (L.thr && addr[0] &&
		verto_throttle_inflight(L.thr, VERTO_THR_ADDR, addr) > L.max_per_ip) {
		verto_throttle_abandon(L.thr, addr, login);
		return VERTO_START_BUSY;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		verto_throttle_abandon(L.thr, addr, login);
		return -1;
	}
	a->job.run = auth_run;
	a->job.done = auth_done;
	a->conn = conn;
	/* a sessid not held here: maybe a session to take over */
	if (verto_ha_on() && (sessid = verto_engine_login_sessid(L.eng, conn)) &&
		!verto_engine_session(L.eng, sessid))
		snprintf(a->sessid, sizeof(a->sessid), "%s", sessid);
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->addr, sizeof(a->addr), "%s", addr);
	a->passwd = strdup(passwd);
	a->token = token ? strdup(token) : NULL;
	if (customer && strlen(customer) < sizeof(a->customer) &&
		strcspn(customer, "\r\n") == strlen(customer))
		snprintf(a->customer, sizeof(a->customer), "%s", customer);
	if (!a->passwd || (token && !a->token)) {
		verto_throttle_abandon(L.thr, a->addr, a->login);
		auth_job_free(a);
		return -1;
	}
	if (verto_jobs_submit(L.lane, &a->job)) {
		/* never checked in the loop: the engine answers at once */
		verto_throttle_abandon(L.thr, a->addr, a->login);
		auth_job_free(a);
		return VERTO_START_BUSY;
	}
	return 0;
}
