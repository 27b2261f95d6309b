/*
 * verto_login.h - the logins of the iwg_verto WebSocket process: each
 * verto login becomes a job of the login lane (verto_jobs.h), checked by
 * one of its threads against the identity store and the token keys
 * (verto_ident.h), after the throttle of failed logins let it in
 * (verto_throttle.h). The decision comes back in the loop: the engine is
 * told, the throttle counts it, and a login naming a session of another
 * node takes that session over (verto_ha.h, verto_takeover.h), or waits,
 * without holding a thread, while that node's key has not lapsed.
 *
 * WebSocket process only, loop thread only (the jobs' run part aside).
 */
#ifndef IWG_VERTO_LOGIN_H
#define IWG_VERTO_LOGIN_H

#include <stdint.h>

#include "verto_engine.h"
#include "verto_jobs.h"
#include "verto_throttle.h"
#include "verto_ws.h"

struct json_object;

/* what the logins use; borrowed, alive as long as the process */
typedef struct verto_login_cfg {
	verto_engine *eng;
	verto_ws *ws;
	verto_throttle *thr; /* NULL: no throttling */
	verto_jobs *lane;	 /* the login lane */
	unsigned lane_threads;
	unsigned max_pending; /* max_logins_pending (claims wait: half) */
	unsigned max_per_ip;  /* max_logins_per_ip */
	unsigned login_fails; /* throttle_login_fails, for the log */
	unsigned ip_fails;	  /* throttle_ip_fails, for the log */
} verto_login_cfg;

/* before the first login: cfg is copied */
void verto_login_attach(const verto_login_cfg *cfg);

/*
 * verto_ops.auth_start: a login of conn. 0 when a job checks it (the
 * engine is told by verto_engine_auth_done later), VERTO_START_BUSY when
 * the lane is full or the address has its share, VERTO_START_THROTTLED,
 * -1 when out of memory. passwd and the token are wiped once checked.
 */
int verto_login_start(void *ctx, verto_conn_id conn, const char *login,
					  const char *passwd, struct json_object *uvars);

/* tick: the logins waiting for another node's session that are due go to
 * the lane again */
void verto_login_tick(uint64_t now);

#endif
