/*
 * verto_proc.h - the iwg_verto WebSocket process, forked by child_init of
 * the main process (rank PROC_RPC). verto_proc_run builds, in that
 * process: the job pools and each thread's clients (its identity store
 * connection, its rtpengine client unless it only checks logins), the
 * login throttle (verto_throttle.h), the engine (verto_engine.h) with the
 * SIP side (verto_sip.h), the session store (verto_ha.h) and the
 * WebSocket endpoint (verto_ws.h); then it runs the libwebsockets loop for
 * ever: frames to the engine, the SIP workers' events and the jobs'
 * results handled in the loop, a tick for timers. Logins: verto_login.h.
 * Reverse lookups of calls from SIP (which PaaS user a SIP identity is)
 * are jobs of the pool.
 *
 * Kamailio side (logs, cfg_update); never returns: a failure to set up
 * ends the process with LM_CRIT.
 */
#ifndef IWG_VERTO_PROC_H
#define IWG_VERTO_PROC_H

#include <stdint.h>

#include "verto_ident.h"
#include "verto_rtp.h"

/* the most threads of the pool (workers) and of the login lane */
#define VERTO_WORKERS_MAX 64

/* the module's parameters the process uses (README section 3), checked
 * by mod_init; strings borrowed for the life of the process */
typedef struct verto_proc_cfg {
	/* the WebSocket endpoint */
	char *listen;	  /* listen: NULL (none) when wss_listen is set */
	char *wss_listen; /* wss_listen: NULL or "" none */
	char *tls_cert, *tls_key;
	int max_frame, ping_interval, max_conns_per_ip, max_pending_bytes;
	/* the engine */
	int max_sessions, grace, ring_timeout, sessions_per_login;
	int login_timeout, max_logins_pending, max_logins_per_ip;
	/* the pool (workers threads + an ordered lane) and the login lane */
	int workers, max_jobs, auth_workers;
	/* the throttle of failed logins (throttle_*) */
	int login_fails, ip_fails, backoff, lockout;
	/* rtpengine: address, timeout, the NG flags of each media step
	 * (malloc'd by mod_init from the media profiles) */
	char *rtpengine;
	int ng_timeout;
	char *prof_flags[VERTO_RTP_STEPS];
	/* session store: on/off, this node's id (node_id, else contact), the
	 * keys' prefix */
	int session_store;
	const char *ha_node;
	char *session_prefix;
	/* identity store, namespace, realm and tokens of the logins */
	verto_ident_cfg ident;
} verto_proc_cfg;

/* run the WebSocket process with cfg (kept); never returns */
__attribute__((noreturn)) void verto_proc_run(const verto_proc_cfg *cfg);

/* CLOCK_MONOTONIC in ms, the loop's clock */
uint64_t verto_proc_now_ms(void);

#endif
