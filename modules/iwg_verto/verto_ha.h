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
 * The owner is "<node_id>#<incarnation>", the incarnation random per
 * start of the WebSocket process: a node that restarts with its id is
 * another owner, and its old sessions' owner is dead (verto_state.h).
 *
 * What triggers a write: verto_ha_touch() after a change that matters
 * (an answer, a request sent or taken in the dialog: CSeq, target, hold,
 * the end of a call); verto_ha_flush() writes what was touched, and every
 * refresh_ms every session with an answered call again (the TTL). Writes
 * go to a lane of their own (one thread, its own Redis connection, a
 * bounded queue, at most one write per session queued or running: a
 * session touched meanwhile is written after it, with its state of then;
 * after a failure no write is queued for a back-off of 100 ms doubling up
 * to refresh_ms). The node key (liveness) is set from another thread of
 * its own, so neither rtpengine's lane nor a backlog of writes delays it.
 * Nothing in the loop waits for Redis.
 */
#ifndef IWG_VERTO_HA_H
#define IWG_VERTO_HA_H

#include <stdint.h>

#include "verto_engine.h"
#include "verto_ident.h"
#include "verto_jobs.h"
#include "verto_state.h"

typedef struct verto_ha_cfg {
	const char *node;	 /* this node's id (node_id; default: contact) */
	const char *prefix;	 /* key prefix, e.g. "iwg:verto:" */
	uint64_t ttl_ms;	 /* the keys' TTL */
	uint64_t refresh_ms; /* every session written again this often */
} verto_ha_cfg;

/*
 * The settings' check (mod_init, before any fork): the node key, an owner
 * value and the session keys of node and prefix must be buildable. 0, or
 * -1 with err[errsz] naming the setting (node_id or contact, or
 * session_prefix).
 */
int verto_ha_check(const char *node, const char *prefix, char *err,
				   size_t errsz);

/*
 * WebSocket process, before the loop: cfg is copied (its strings must
 * stay); the two threads (writes, node key) start, each with its own
 * identity-store client made from icfg; wake is called from them when a
 * job finished (verto_ha_drain then). A random incarnation is drawn. 0, or
 * -1 with err[errsz].
 */
int verto_ha_init(const verto_ha_cfg *cfg, verto_engine *e,
				  const verto_ident_cfg *icfg, void (*wake)(void *), char *err,
				  size_t errsz);

/* loop: the finished writes and node-key sets (their results) */
void verto_ha_drain(void);

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
	uint64_t beat_failures; /* node key not set */
} verto_ha_stats;
const verto_ha_stats *verto_ha_stats_get(void);

/*
 * Liveness: every VERTO_HA_BEAT_MS the node sets its node key
 * (verto_state_node_key) to its incarnation with a TTL of
 * VERTO_HA_BEAT_TTL_MS (from verto_ha_flush, on its own thread; a set
 * still running when the next is due is not doubled). A session's owner
 * is dead for the take-over when its node key lapsed or holds another
 * incarnation.
 */
#define VERTO_HA_BEAT_MS	 1000
#define VERTO_HA_BEAT_TTL_MS 3000

/*
 * Login lane worker thread (idn: its identity-store client): a login of
 * `login` with a sessid this node does not hold. Reads the session's owner
 * and state once (never waits); decides with verto_state_claim and, when
 * another owner holds it, that owner's liveness (verto_state_owner_alive;
 * a node key that cannot be built counts as alive); a state naming another
 * sessid is not taken. Then takes the owner key over atomically (a Lua
 * compare-and-set: only from the owner it read). Returns VERTO_CLAIM_TAKE
 * with *st filled (its SDPs malloc'd: verto_state_clear) and the owner key
 * now this node's (a state this node wrote in an earlier incarnation is
 * VERTO_CLAIM_TAKE too); VERTO_CLAIM_ALIVE when the owner lives (the
 * caller may ask again later: a node that just died keeps its key up to
 * VERTO_HA_BEAT_TTL_MS); otherwise NONE (nothing stored, unreadable,
 * Redis failed, or another node took it first) or REFUSE (another
 * user's), with st empty; why[whysz] says why for the log. Thread-safe
 * (reads only the settings).
 */
verto_claim verto_ha_claim(verto_ident *idn, const char *sessid,
						   const char *login, verto_state *st, char *why,
						   size_t whysz);

/* how long a login may wait for an owner's node key to lapse (ms): its
 * claim is asked again every VERTO_HA_CLAIM_RETRY_MS meanwhile */
#define VERTO_HA_CLAIM_WAIT_MS	(VERTO_HA_BEAT_TTL_MS + 500)
#define VERTO_HA_CLAIM_RETRY_MS 250

/* loop: count a claim's outcome (RPC), once the session was built */
void verto_ha_claimed(verto_claim c);

#endif
