/*
 * verto_engine_priv.h - what the parts of the Verto engine share and
 * nobody else sees: the engine itself, connection records, the private
 * side of sessions and calls (their indexes and the call's queue of
 * events waiting for a media step), and the functions one part calls in
 * another.
 *
 *   verto_engine.c   life, output helpers, lookups, calls' records, tick
 *   verto_session.c  connections, login, sessions (sessid, resume, punt,
 *                    per-login cap), login deadline, logins in flight
 *   verto_request.c  JSON-RPC dispatch and method handlers, SIP entries
 *   verto_step.c     feeding the call state machine, queued media steps,
 *                    events held while a call is busy, call timers
 *
 * Only these files and the engine's own tests include it.
 */
#ifndef IWG_VERTO_ENGINE_PRIV_H
#define IWG_VERTO_ENGINE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "verto_engine.h"
#include "verto_index.h"

struct json_object;

/* a frame that arrived while the connection's login was pending */
typedef struct held_frame {
	struct held_frame *next;
	uint64_t at; /* engine time (ms) it arrived */
	size_t len;
	char buf[];
} held_frame;

typedef struct conn_rec {
	verto_hnode hn;	 /* e->conns (open) or e->zombies (closed) */
	verto_link due;	 /* e->login_due: never logged in, by open time */
	verto_link pend; /* e->pending: a login pending, not closing */
	verto_conn_id id;
	verto_session *sess;
	uint64_t opened_at; /* engine time (ms) of conn_open */
	/* a login waiting for ops.auth_start's completion */
	unsigned pending : 1;
	unsigned closing : 1; /* ops.close called: nothing more is handled */
	unsigned logged : 1;  /* a login succeeded once */
	const char *closing_msg;
	struct json_object *pend_id, *pend_params; /* references held */
	held_frame *held, **held_tail;			   /* in arrival order */
	unsigned nheld;
	/* verto.clientReady waits for the re-attach offers still running */
	unsigned ready_wait;
	struct json_object *ready_list; /* callIDs re-attached */
} conn_rec;

/* the sessions of one login (for max_sessions_per_login) */
typedef struct login_group {
	verto_hnode hn;		 /* e->logins */
	verto_link sessions; /* sess_priv.glink, oldest first */
	unsigned n;
	char login[VERTO_ID_MAX + 1];
} login_group;

typedef struct sess_priv {
	verto_session pub;	   /* first: a verto_session * is a sess_priv * */
	verto_session **pprev; /* where e->sessions points to it */
	verto_hnode hn;		   /* e->by_sessid, while indexed */
	unsigned indexed : 1;  /* 0: evicted, waits for its calls to end */
	login_group *grp;	   /* NULL once evicted */
	verto_link glink;	   /* grp->sessions */
	verto_link dlink;	   /* e->detached: no connection, by detach time */
	verto_link calls;	   /* call_priv.slink: the calls it owns */
	unsigned nrung;		   /* ringing calls offered to it */
} sess_priv;

/* what an action run needs to know about its trigger */
typedef struct act_ctx {
	verto_call_event ev;
	verto_call_state prev;
	verto_conn_id conn;		/* requester, 0 when SIP-triggered */
	struct json_object *id; /* request id */
	const char *in_sdp;		/* SDP carried by the event */
	const char *text;		/* digits or transfer destination */
	const char *action;		/* verto.modify action for the result */
	int replaces;			/* transfer: text is the other call's Call-ID */
	int counted;			/* WS_BACK: conn's clientReady waits for it */
} act_ctx;

/* an act_ctx kept while the call's media step runs (all copies) */
typedef struct verto_held_step {
	struct verto_held_step *next;
	verto_call_out out; /* the running step: its decided actions */
	int kind;			/* the running step: its media kind */
	verto_call_event ev;
	verto_call_state prev;
	int code; /* a queued event: its SIP status */
	verto_conn_id conn;
	struct json_object *id; /* reference held */
	char *in_sdp, *text, *action;
	int replaces;
	uint64_t at;		  /* engine time (ms) it was queued or started */
	unsigned counted : 1; /* WS_BACK: a ready_wait of conn stands for it */
	unsigned late : 1;	  /* its setup request was answered -32002 */
} verto_held_step;

typedef struct call_priv {
	verto_call pub;		/* first: a verto_call * is a call_priv * */
	verto_call **pprev; /* where e->calls points to it */
	verto_hnode hn_id;	/* e->by_callid */
	verto_hnode hn_sip; /* e->by_sip, while sip_key is not empty */
	char sip_key[VERTO_SIPID_MAX + 1]; /* pub.sip_callid as indexed */
	verto_link slink;				   /* the owner's calls */
	verto_link blink;				   /* e->busy_calls */
	verto_link tlink;				   /* e->timed: ringing or in grace */
	/* a media step (ops.media_start, then step is set) or the glue's own
	 * work (verto_engine_call_wait) is running: the step's remaining
	 * actions and every later event of the call wait for it */
	unsigned busy : 1;
	verto_held_step *step;	  /* the step that waits */
	verto_held_step *queued;  /* events that came meanwhile */
	verto_held_step **q_tail; /*   in arrival order */
} call_priv;

#define SP(s) ((sess_priv *)(s))
#define CP(c) ((call_priv *)(c))

struct verto_engine {
	verto_ops ops;
	verto_engine_cfg cfg;
	uint64_t seed[2];		/* of the hash indexes (verto_siphash) */
	verto_hindex conns;		/* conn_rec by id */
	verto_hindex zombies;	/* closed conn_rec whose login is in flight */
	verto_hindex by_sessid; /* sess_priv */
	verto_hindex logins;	/* login_group by login */
	verto_hindex by_callid; /* call_priv by Verto callID */
	verto_hindex by_sip;	/* call_priv by SIP Call-ID */
	verto_session *sessions;
	unsigned nsessions;
	verto_call *calls;
	verto_link login_due;	 /* conn_rec.due */
	verto_link pending;		 /* conn_rec.pend */
	verto_link detached;	 /* sess_priv.dlink */
	verto_link busy_calls;	 /* call_priv.blink */
	verto_link timed;		 /* call_priv.tlink */
	unsigned logins_pending; /* ops.auth_start started, not done */
	uint64_t now;
	long next_id;
	verto_stats st;
};

/* ---------------------------------------------------- verto_engine.c */

void verto_engine_send_str(verto_engine *e, verto_conn_id conn, char *s,
						   size_t n);
void verto_engine_reply_result(verto_engine *e, verto_conn_id conn,
							   struct json_object *id,
							   struct json_object *result);
void verto_engine_reply_error(verto_engine *e, verto_conn_id conn,
							  struct json_object *id, int code, const char *msg,
							  struct json_object *extra);
/* -32002 with cause and causeCode */
void verto_engine_reply_call_error(verto_engine *e, verto_conn_id conn,
								   struct json_object *id, const char *msg,
								   verto_cause cause);
/* a request toward the browser (params taken over; conn 0: dropped) */
void verto_engine_send_request(verto_engine *e, verto_conn_id conn,
							   const char *method, struct json_object *params);
void verto_engine_jadd(struct json_object *o, const char *k, const char *v);
/* a string member no longer than max bytes, or NULL */
const char *verto_engine_jstr(struct json_object *o, const char *key,
							  size_t max);
struct json_object *verto_engine_jobj(struct json_object *o, const char *key);
/* non-empty, only [A-Za-z0-9] and the given punctuation */
int verto_engine_token_ok(const char *s, const char *punct);
int verto_engine_sdp_ok(const char *sdp);
void verto_engine_set_str(char **dst, const char *src);
/* a v4 UUID in out[37]; 0 or -1 */
int verto_engine_make_uuid(verto_engine *e, char *out);
/* the index hash of a client's string key (verto_siphash, e->seed) */
uint64_t verto_engine_str_hash(const verto_engine *e, const char *s);

conn_rec *verto_engine_find_conn(verto_engine *e, verto_conn_id id);
verto_session *verto_engine_find_session(verto_engine *e, const char *sessid);
verto_call *verto_engine_find_call(verto_engine *e, const char *call_id);

/* a new call (indexed; owner may be NULL), or NULL */
verto_call *verto_engine_call_new(verto_engine *e, const char *call_id,
								  verto_session *owner);
/* the call gets its owner (it had none: a ringing call answered) */
void verto_engine_call_own(verto_engine *e, verto_call *c, verto_session *s);
/* re-index the call by SIP Call-ID when the glue changed it */
void verto_engine_call_sync_sip(verto_engine *e, verto_call *c);
/* unindex, ops.call_freed, free (queued requests answered) */
void verto_engine_call_free(verto_engine *e, verto_call *c);

int verto_engine_ring_index(const verto_call *c, const verto_session *s);
void verto_engine_ring_add(verto_call *c, verto_session *s);
void verto_engine_ring_remove(verto_call *c, unsigned i);
void verto_engine_ring_clear(verto_call *c);

/* ---------------------------------------------------- verto_session.c */

/* the sessions of a login, or NULL */
login_group *verto_engine_find_group(verto_engine *e, const char *login);
/* the login request of conn k (frame_now) */
void verto_engine_do_login(verto_engine *e, conn_rec *k, struct json_object *id,
						   struct json_object *params);
/* the session lost its connection: calls react (may free calls) */
void verto_engine_session_detach(verto_engine *e, verto_session *s);
/* one re-attach offer of conn's login is done: clientReady after the last */
void verto_engine_ready_step_done(verto_engine *e, verto_conn_id conn);
/* tick: login deadlines, frames held too long, detached sessions */
void verto_engine_sessions_tick(verto_engine *e, uint64_t now);
/* engine free: every conn, session and group (calls are gone) */
void verto_engine_sessions_free_all(verto_engine *e);

/* ---------------------------------------------------- verto_request.c */

/* one frame handled now (not held) */
int verto_engine_frame_now(verto_engine *e, conn_rec *k, const char *buf,
						   size_t len);

/* ---------------------------------------------------- verto_step.c */

/* feed ev to the call and run what it decides (or queue it while the
 * call is busy); may free c */
int verto_engine_feed(verto_engine *e, verto_call *c, act_ctx *ax, int code);
/* the result a request of the call gets */
struct json_object *verto_engine_result_for(const verto_call *c,
											const act_ctx *ax);
/* verto.bye toward a session's WebSocket */
void verto_engine_send_bye(verto_engine *e, verto_call *c, verto_session *s,
						   verto_cause cause);
/* the call's params of requests toward the browser */
struct json_object *verto_engine_call_params(const verto_call *c);
/* caller/callee fields of verto.invite and verto.attach */
void verto_engine_add_party(struct json_object *p, const verto_call *c,
							verto_session *s);
/* drop the running step and queued events; with e, requests that waited
 * get an error (the call is gone) */
void verto_engine_call_drop_held(verto_engine *e, verto_call *c);
/* the call's WS_LOST or WS_BACK that waits in its queue decides */
int verto_engine_detached_after_queue(const verto_call *c);
/* tick: late requests of busy calls, grace and ring timers */
void verto_engine_calls_tick(verto_engine *e, uint64_t now);

#endif
