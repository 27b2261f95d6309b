/*
 * verto_ha.h - Verto sessions that outlive their node (Kamailio glue,
 * WebSocket process): the state of each session with an answered call
 * (verto_state.h) is written to Redis, beside the identities, with its
 * owner (this node), and kept there while the session lives.
 *
 * Keys (one hash tag per session, so one Redis Cluster slot):
 *   <prefix>{<sessid>}        the state text, TTL ttl_ms
 *   <prefix>{<sessid>}:owner  the node that owns the session, TTL ttl_ms
 * Writes and deletes are conditional (one Lua script each, both keys
 * declared): they happen only while the owner is this node or nobody, so
 * a node that lost a session (another node took it over) never writes it
 * again; when a write finds another owner, the session is dropped here
 * without SIP or media (verto_engine_drop).
 *
 * What triggers a write: verto_ha_touch() after a change that matters
 * (an answer, a request sent or taken in the dialog: CSeq, target, hold,
 * the end of a call); verto_ha_flush() writes what was touched, and every
 * refresh_ms every session with an answered call again (the TTL). Writes
 * go to the one-thread lane (in order with rtpengine's fire-and-forget
 * requests); nothing waits for them.
 */
#ifndef IWG_VERTO_HA_H
#define IWG_VERTO_HA_H

#include <stdint.h>

#include "verto_engine.h"
#include "verto_jobs.h"
#include "verto_state.h"

struct verto_worker;

typedef struct verto_ha_cfg {
	const char *node;	 /* this node's id (node_id; default: contact) */
	const char *prefix;	 /* key prefix, e.g. "iwg:verto:" */
	uint64_t ttl_ms;	 /* the keys' TTL */
	uint64_t refresh_ms; /* every session written again this often */
} verto_ha_cfg;

/* WebSocket process, before the loop: cfg is copied (its strings must
 * stay); lane runs the writes (its workers are verto_worker). 0 or -1. */
int verto_ha_init(const verto_ha_cfg *cfg, verto_engine *e, verto_jobs *lane);

/* 1 when session state is written (verto_ha_init done) */
int verto_ha_on(void);

/* the session's state changed: written at the next verto_ha_flush. NULL
 * and sessions without sessid are ignored. */
void verto_ha_touch(const verto_session *s);

/* tick: write what was touched; every refresh_ms, every session */
void verto_ha_flush(uint64_t now_ms);

/* counters for RPC: writes done, failed, sessions found lost; logins
 * that took a session over, and those that found its node alive */
typedef struct verto_ha_stats {
	uint64_t writes, deletes, failures, lost;
	uint64_t taken, alive;
} verto_ha_stats;
const verto_ha_stats *verto_ha_stats_get(void);

/*
 * Liveness: every VERTO_HA_BEAT_MS the node sets its node key
 * (verto_state_node_key) with a TTL of VERTO_HA_BEAT_TTL_MS (from
 * verto_ha_flush, on the lane). A node whose key lapsed is dead for the
 * take-over.
 */
#define VERTO_HA_BEAT_MS	 1000
#define VERTO_HA_BEAT_TTL_MS 3000

/*
 * Login lane worker thread (w: its Redis client): a login of `login` with
 * a sessid this node does not hold. Reads the session's owner and state;
 * decides with verto_state_claim and, when another node owns it, that
 * node's liveness (verto_state_claim_live), waiting up to
 * VERTO_HA_BEAT_TTL_MS + 500 ms for a node key that is still there to
 * lapse (a node that just died); then takes the owner key over atomically
 * (a Lua compare-and-set: only from the owner it read). Returns
 * VERTO_CLAIM_TAKE with *st filled (its SDPs malloc'd: verto_state_clear)
 * and the owner key now this node's (a state this node itself wrote and
 * no longer holds, after a restart, is VERTO_CLAIM_TAKE too); otherwise
 * NONE (nothing stored, unreadable, Redis failed, or another node took it
 * first), REFUSE (another user's) or ALIVE, with st empty; why[whysz] says
 * why for the log. Thread-safe (reads only the settings).
 */
verto_claim verto_ha_claim(struct verto_worker *w, const char *sessid,
						   const char *login, verto_state *st, char *why,
						   size_t whysz);

/* loop: count a claim's outcome (RPC), once the session was built */
void verto_ha_claimed(verto_claim c);

#endif
