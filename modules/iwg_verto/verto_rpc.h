/*
 * verto_rpc.h - RPC commands (verto.sessions, verto.calls, verto.kick,
 * verto.throttled, verto.limits) and statistics (Kamailio counters, group
 * "verto") of iwg_verto.
 *
 * The engine lives in the "iwg_verto WebSocket" process while RPC
 * commands run in whichever process serves the RPC transport (ctl,
 * jsonrpcs over HTTP in a SIP worker). So the WebSocket process publishes
 * a snapshot of its sessions and calls as JSON text in shared memory about
 * once a second (verto_rpc_publish); the listing commands read the latest
 * snapshot (up to a second old). verto.kick goes the other way through the
 * event queue (verto_ipc.h) and takes effect at the process's next loop.
 *
 * Kamailio glue (shm, lock, rpc, counters); json-c for the snapshot.
 */
#ifndef IWG_VERTO_RPC_H
#define IWG_VERTO_RPC_H

#include <stdint.h>

#include "core/rpc.h"

#include "verto_budget.h"
#include "verto_engine.h"
#include "verto_jobs.h"
#include "verto_throttle.h"
#include "verto_ws.h"

/* mod_init: the snapshot slot and the counters. 0 or -1. */
int verto_rpc_init(void);

/* mod_destroy */
void verto_rpc_destroy(void);

/* WebSocket process: publish the snapshot and move the counters when a
 * second has passed since the last publication (or force != 0). */
void verto_rpc_publish(verto_engine *e, uint64_t now_ms, int force);

/* WebSocket process: the job queue's depth and refusals so far, for the
 * next publication (gauge jobs_queued, counter jobs_refused) */
void verto_rpc_jobs(uint64_t queued, uint64_t refused);

/* any process after the fork (a SIP worker's tm callback): one more 2xx
 * to our INVITEs ignored (counter other_2xx_ignored, moved at once) */
void verto_rpc_other_2xx_ignored(void);

/* WebSocket process, once: where the next publications read the
 * endpoint's counters, the memory budget, the login throttle and the
 * login lane (any may be NULL; all must outlive the publications) */
void verto_rpc_sources(verto_ws *ws, const verto_budget *budget,
					   verto_throttle *thr, verto_jobs *auth);

/* the commands, for the module exports */
extern rpc_export_t verto_rpc_cmds[];

#endif
