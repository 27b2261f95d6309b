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

/* counters for RPC: writes done, failed, sessions found lost */
typedef struct verto_ha_stats {
	uint64_t writes, deletes, failures, lost;
} verto_ha_stats;
const verto_ha_stats *verto_ha_stats_get(void);

#endif
