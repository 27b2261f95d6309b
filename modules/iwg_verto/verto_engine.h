/*
 * verto_engine.h - the Verto side of iwg_verto: WebSocket connections,
 * sessions (login, sessid, resume), calls (verto_call.h state machine) and
 * the JSON-RPC dispatch; side effects go through a table of operations
 * (verto_ops) that the Kamailio glue implements with tm and rtpengine, and
 * that the unit tests and fuzzers implement with recorders.
 *
 * Pure C (json-c). Single-threaded: one engine lives in the WebSocket
 * process; SIP workers reach it through the glue's event queue.
 * Connections, sessions (by sessid, by login) and calls (by callID, by SIP
 * Call-ID) are found through hash indexes; the tick walks only what has a
 * deadline. The glue may set call->sip_callid only from within ops.sip,
 * ops.media or ops.media_start (the engine re-indexes it after each), or
 * tell the engine at once with verto_engine_sip_moved().
 *
 * Protocol facts followed here: docs/verto-protocol.md (sections 2-9).
 */
#ifndef IWG_VERTO_ENGINE_H
#define IWG_VERTO_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "verto_budget.h"
#include "verto_call.h"
#include "verto_jsonrpc.h"

struct json_object;

typedef uint64_t verto_conn_id; /* 0 is never a connection */

#define VERTO_SESSID_LEN	 36	 /* UUID text */
#define VERTO_ID_MAX		 128 /* callID, login */
#define VERTO_DEST_MAX		 128 /* destination_number */
#define VERTO_SDP_MAX		 (64 * 1024)
#define VERTO_SIPID_MAX		 128 /* SIP Call-ID and tags we keep */
#define VERTO_MAX_RING		 8	 /* sessions one incoming call rings */
#define VERTO_CONN_QUEUE_MAX 64	 /* frames held while a login is pending */
/* a request (or a frame held behind a login) still waiting this long is
 * answered -32002 by verto_engine_tick (the protocol allows 10 s) */
#define VERTO_ANSWER_DEADLINE_MS 8000

/* what a login resolved to */
typedef struct verto_identity {
	char login[VERTO_ID_MAX + 1]; /* PaaS login as the client gave it */
	char sip_uri[257];			  /* mapped SIP identity (From, PAI) */
	char display[129];			  /* display name, may be empty */
	char tenant[65];			  /* PaaS context for SIP headers: */
	char queue[65];				  /*   from the identity mapping */
	char agent_id[65];
	char language[17]; /*   (language, priority: routing rules; */
	char priority[2];  /*   did: the caller's number on trunks) */
	char did[17];
	char customer[129]; /*   userVariables.customer_id */
} verto_identity;

typedef struct verto_session verto_session;
typedef struct verto_call verto_call;

struct verto_session {
	verto_session *next;
	char sessid[VERTO_SESSID_LEN + 1];
	verto_identity ident;
	verto_conn_id conn;	  /* 0: detached */
	uint64_t detached_at; /* engine time (ms) of the detach */
	unsigned ncalls;
	unsigned taken_over : 1; /* another node's, taken over here */
};

/* media operations (ops->media kind) */
enum verto_media_kind {
	VERTO_MEDIA_OFFER_TO_SIP = 1,	/* browser offer -> SIP offer */
	VERTO_MEDIA_ANSWER_TO_BROWSER,	/* SIP answer -> browser answer */
	VERTO_MEDIA_OFFER_TO_BROWSER,	/* SIP offer -> browser offer */
	VERTO_MEDIA_ANSWER_TO_SIP,		/* browser answer -> SIP answer */
	VERTO_MEDIA_REOFFER_TO_BROWSER, /* fresh offer (ICE/DTLS restart) */
};

/* SIP operations (ops->sip what) */
enum verto_sip_op {
	VERTO_SIP_INVITE = 1, /* sdp: the offer; fills call->sip_callid */
	VERTO_SIP_CANCEL,
	VERTO_SIP_BYE,
	VERTO_SIP_REPLY,		  /* code; sdp with 200 */
	VERTO_SIP_REINVITE,		  /* call->fsm.held tells sendonly/sendrecv */
	VERTO_SIP_DTMF,			  /* text: the digits */
	VERTO_SIP_REFER,		  /* text: the destination */
	VERTO_SIP_REFER_REPLACES, /* text: SIP Call-ID of the call replaced */
	/* a message of the browser for the contact center: SIP INFO
	 * application/vnd.iwg.cc+json in the call's dialog; sdp: the JSON
	 * body, text: its event (the browser gets {"iwg":"cc-result"} when the
	 * final reply comes). Not a step of the call: a failure is answered to
	 * the request and the call goes on. Returns 0 when sent, else one of: */
	VERTO_SIP_CC_INFO,
};

/* ops.sip VERTO_SIP_CC_INFO could not send: no early (1xx with To tag) or
 * confirmed dialog with the contact center yet; too many INFOs of the call
 * wait for their final reply; -1: another failure (tm) */
#define VERTO_SIP_CC_NO_DIALOG (-2)
#define VERTO_SIP_CC_BUSY	   (-3)

struct verto_call {
	verto_call *next;
	char call_id[VERTO_ID_MAX + 1];		  /* Verto callID, the key */
	char sip_callid[VERTO_SIPID_MAX + 1]; /* SIP Call-ID */
	/* rtpengine's call-id when it is not sip_callid ("": it is): a call
	 * the contact center transferred keeps its first dialog's (glue) */
	char media_callid[VERTO_SIPID_MAX + 1];
	verto_session *sess;				 /* owner; NULL while ringing */
	verto_session *ring[VERTO_MAX_RING]; /* incoming: sessions offered */
	unsigned nring;
	verto_call_fsm fsm;
	struct json_object *pending_id; /* deferred request (hold) */
	char *dest;						/* destination / callee number */
	char *caller_name;
	char *caller_number;
	/* routing context the browser gave with the call
	 * (dialogParams.userVariables queue, language, page); NULL: none */
	char *ctx_queue;
	char *ctx_language;
	char *ctx_page;
	char *browser_sdp;	/* last SDP we gave the browser */
	char *disp_name;	/* connected line last sent (verto.display), */
	char *disp_number;	/*   NULL: as in verto.invite */
	char *agent_name;	/* last {"iwg":"agent"} sent, */
	char *agent_number; /*   NULL: none yet */
	uint64_t grace_end; /* engine time (ms) the detach grace ends */
	uint64_t ring_end;	/* incoming: engine time (ms) ringing stops */
	void *glue;			/* the glue's per-call state */
	/* the engine's own (queued events, indexes) follows, private */
};

/* ops.auth_start / ops.media_start: the glue cannot take it now */
#define VERTO_START_BUSY (-2)
/* ops.auth_start: failed logins of this source address or login name are
 * being throttled; the login is answered -32001 "LOGIN THROTTLED" at once,
 * the password is not checked */
#define VERTO_START_THROTTLED (-3)

typedef struct verto_ops {
	void *ctx;
	/* queue a text frame to a connection; 0 or -1 */
	int (*send)(void *ctx, verto_conn_id conn, const char *buf, size_t len);
	/* close a connection once what was queued is sent */
	void (*close)(void *ctx, verto_conn_id conn);
	/* check a login: 0 with *id filled, or VERTO_ERR_AUTH_FAILED */
	int (*auth)(void *ctx, const char *login, const char *passwd,
				struct json_object *user_vars, verto_identity *id);
	/*
	 * optional: start checking a login without waiting; 0 when started
	 * (the glue then calls verto_engine_auth_done(conn, ...) exactly
	 * once, later, from the engine's thread, also after the connection
	 * closed: until then the login counts in cfg.max_logins_pending),
	 * -1 when it cannot start (the engine then uses auth),
	 * VERTO_START_BUSY when the glue is too busy to take it (the login is
	 * answered -32002 "SERVER BUSY", cause NORMAL_TEMPORARY_FAILURE, at
	 * once), VERTO_START_THROTTLED (answered -32001 "LOGIN THROTTLED" at
	 * once; the connection stays). NULL: auth only.
	 */
	int (*auth_start)(void *ctx, verto_conn_id conn, const char *login,
					  const char *passwd, struct json_object *user_vars);
	/* run in_sdp through the media relay; 0 with *out (malloc'd) or -1 */
	int (*media)(void *ctx, verto_call *call, int kind, const char *in_sdp,
				 char **out);
	/*
	 * optional: start the same media step without waiting; 0 when started
	 * (the glue then calls verto_engine_media_done(call, ...) exactly once,
	 * later, from the engine's thread, unless the engine is freed), -1 when
	 * it cannot start and nothing changed (the engine then uses media),
	 * VERTO_START_BUSY when it was refused (too busy) or failed: the step
	 * fails at once (the call ends, NORMAL_TEMPORARY_FAILURE). NULL: media
	 * only.
	 */
	int (*media_start)(void *ctx, verto_call *call, int kind,
					   const char *in_sdp);
	void (*media_delete)(void *ctx, verto_call *call);
	/* SIP side; 0 or -1 (the engine then ends the call) */
	int (*sip)(void *ctx, verto_call *call, int what, int code, const char *sdp,
			   const char *text);
	/* the call is being freed: release call->glue */
	void (*call_freed)(void *ctx, verto_call *call);
	/* n random bytes; NULL: getrandom() */
	int (*random)(void *ctx, void *buf, size_t n);
} verto_ops;

typedef struct verto_engine_cfg {
	verto_jsonrpc_limits limits;
	unsigned max_sessions;	  /* 0: 10000 */
	unsigned max_calls;		  /* per session; 0: 8 */
	uint64_t grace_ms;		  /* detached answered calls kept; 0: 30000 */
	uint64_t session_keep_ms; /* detached session without calls; 0: grace */
	uint64_t ring_ms;		  /* incoming call unanswered: 480; 0: 60000 */
	/*
	 * sessions of one login; 0: 8. A login that would make one more (no
	 * sessid that resumes one, and not a login again on the same
	 * connection): the oldest detached session of the login without calls
	 * goes; else the oldest session (detached or not) without an answered
	 * call (nor one whose media step runs) goes: its client gets
	 * verto.punt and its connection is closed, its unanswered calls end as
	 * on a WebSocket loss (stats.sessions_evicted); else, when every
	 * session of the login has an answered call, the new login is refused
	 * -32002 "TOO MANY SESSIONS" (stats.sessions_refused). An evicted
	 * session can no longer be resumed.
	 */
	unsigned max_sessions_per_login;
	/* a connection without a successful login this long after it opened
	 * is closed (ops.close; stats.login_timeouts), a login in flight
	 * included; frames are no help; 0: 10000 */
	uint64_t login_timeout_ms;
	/* logins waiting for ops.auth_start's completion, all connections
	 * (a closed connection's login counts until it is decided); more are
	 * answered -32002 SERVER BUSY (stats.logins_busy); 0: 256 */
	unsigned max_logins_pending;
	/* the bytes of frames held behind pending logins are taken from it
	 * (given back when handled or dropped); a frame it refuses is
	 * answered -32600 with its id and verto_engine_frame returns -1
	 * (stats.frames_over_budget); NULL: no bound */
	verto_budget *budget;
} verto_engine_cfg;

typedef struct verto_stats {
	uint64_t frames_in, frames_bad, logins_ok, logins_failed;
	uint64_t calls_out, calls_in, calls_answered, calls_failed;
	uint64_t resumes, reattached;
	uint64_t login_timeouts;	 /* connections closed without a login */
	uint64_t logins_busy;		 /* refused: max_logins_pending or BUSY */
	uint64_t logins_throttled;	 /* refused: VERTO_START_THROTTLED */
	uint64_t sessions_evicted;	 /* max_sessions_per_login: oldest gone */
	uint64_t sessions_refused;	 /* max_sessions_per_login: new refused */
	uint64_t frames_over_budget; /* held frames refused by cfg.budget */
	uint64_t sessions_lost;		 /* verto_engine_drop: another node's */
	uint64_t sessions_taken;	 /* verto_engine_adopt: taken over here */
} verto_stats;

typedef struct verto_engine verto_engine;

/* New engine; ops is copied. NULL when out of memory. */
verto_engine *verto_engine_new(const verto_ops *ops,
							   const verto_engine_cfg *cfg);

/* Free everything without running any operation. NULL is fine. */
void verto_engine_free(verto_engine *e);

/* A WebSocket connection opened / closed (no frame will follow). */
int verto_engine_conn_open(verto_engine *e, verto_conn_id conn);
void verto_engine_conn_close(verto_engine *e, verto_conn_id conn);

/*
 * One text frame from a connection. Every request gets exactly one result
 * or error (now, or later for a deferred hold). While a login of the
 * connection is pending (ops.auth_start), the frame is copied and queued
 * (at most VERTO_CONN_QUEUE_MAX, its bytes taken from cfg.budget) and
 * handled after the login's completion. Returns 0, or -1 when the caller
 * must close the connection: the queue was full or the budget refused the
 * frame (the frame, if a request, got -32600 with its id) or the
 * connection is unknown. A connection closed by the engine (login
 * deadline, frames held too long) gets -32002 for each further request.
 */
int verto_engine_frame(verto_engine *e, verto_conn_id conn, const char *buf,
					   size_t len);

/*
 * A SIP event for a call (VCE_S_PROGRESS ... VCE_S_REINVITE_FAIL);
 * sdp may be NULL, code is the status for replies. While the call waits
 * for a media step, the event (like the browser's requests for the call)
 * is queued and fed after it, in order.
 * Returns 0, or -1 when the event did not fit the call's state.
 */
int verto_engine_sip_event(verto_engine *e, verto_call *call,
						   verto_call_event ev, int code, const char *sdp);

/*
 * An incoming SIP INVITE for the PaaS user `login`. Creates the call
 * (call->glue = glue, sip_callid copied) and offers it to every live
 * session of the user. Returns the call, or NULL with *status set to the
 * SIP status to reply (480 when no session, 488 for a bad SDP, 503
 * when out of resources); glue is then not kept. NULL with *status 0: the
 * call failed while being offered; the reply went out through ops.sip and
 * ops.call_freed has released glue.
 */
verto_call *verto_engine_sip_invite(verto_engine *e, const char *sip_callid,
									const char *login, const char *caller_name,
									const char *caller_number, const char *sdp,
									void *glue, int *status);

/*
 * Progress of the call's blind transfer (the status line of a NOTIFY's
 * message/sipfrag, 100..699): sends verto.info {callID, msg: {type
 * "transfer", status, reason, final}} to the call's session, if it has a
 * WebSocket. Returns 0 when sent, -1 otherwise.
 */
int verto_engine_transfer_status(verto_engine *e, verto_call *call, int code,
								 const char *reason);

/*
 * The contact center's side of the call now shows as (name, number), from
 * a P-Asserted-Identity of a re-INVITE or UPDATE: when that differs from
 * what the browser was last told (verto.invite, or an earlier
 * verto.display), sends verto.display {callID, display_name,
 * display_number, display_direction} to the call's session. Returns 0 when
 * sent, 1 when nothing changed, -1 when it could not be sent (the call is
 * not answered, or its session has no WebSocket; it is tried again with
 * the next identity).
 */
int verto_engine_display(verto_engine *e, verto_call *call, const char *name,
						 const char *number);

/*
 * The contact center's side of the call shows as (name, number) (same
 * sources as verto_engine_display, and the 2xx that answers our INVITE):
 * when that differs from the last agent event sent (none at first), sends
 * verto.info {callID, msg: {"iwg":"agent","name","number"}} (name: the
 * display name, else the number) to the call's session. Returns 0 when
 * sent, 1 when nothing changed or there is nothing to tell (an empty
 * number, or one that is not printable UTF-8), -1 when it could not be
 * sent (the call is not answered, or its session has no WebSocket; tried
 * again with the next identity).
 */
int verto_engine_agent(verto_engine *e, verto_call *call, const char *name,
					   const char *number);

/*
 * A contact-center event for the browser: sends verto.info {callID, msg}
 * to the call's session when it has a WebSocket (not queued otherwise: a
 * detached browser misses it). msg (an object from verto_cc.h) is taken
 * over, also when not sent; NULL is not sent. Returns 0 when sent, -1
 * otherwise.
 */
int verto_engine_cc_event(verto_engine *e, verto_call *call,
						  struct json_object *msg);

/* 1 while the call waits for a media step or the glue's own work
 * (verto_engine_call_wait): its events are queued, not handled. */
int verto_engine_call_busy(const verto_call *call);

/* The call with this SIP Call-ID, or NULL. */
verto_call *verto_engine_find_sip(verto_engine *e, const char *sip_callid);

/*
 * Advance the clock (ms, monotonic): grace periods end here. Requests
 * queued behind a busy call for VERTO_ANSWER_DEADLINE_MS are answered
 * -32002 (cause NORMAL_TEMPORARY_FAILURE) and still run later, without a
 * second answer (a verto.bye still ends the call); a request whose own
 * media step runs that long is answered the same way, and when it set the
 * call up (verto.invite, verto.answer while ringing) the call fails as the
 * step ends (an answer to verto.attach goes on); when a connection's
 * frames have waited that long behind its pending login, its requests are
 * answered -32002 the same way, the frames are dropped and the connection
 * is closed (ops.close; later frames get -32002 too). A connection without
 * a successful login cfg.login_timeout_ms after its open is closed the
 * same way (stats.login_timeouts). Detached sessions without calls go
 * after cfg.session_keep_ms.
 */
void verto_engine_tick(verto_engine *e, uint64_t now_ms);

/*
 * The login started with ops.auth_start on conn is decided: rc 0 with *id
 * filled (ok), else refused (VERTO_ERR_AUTH_FAILED). The login goes on
 * (result, clientReady, re-attach), then the frames of conn that arrived
 * meanwhile are handled in their order; when the engine closed conn
 * meanwhile, the result is dropped. Returns 0, or -1 when conn is gone
 * or has no login pending (nothing is done but the count of logins in
 * flight).
 */
int verto_engine_auth_done(verto_engine *e, verto_conn_id conn, int rc,
						   const verto_identity *id);

/*
 * The media step started with ops.media_start on call is done: rc 0 with
 * sdp (malloc'd, taken over), else failed (sdp NULL; the call ends as when
 * ops.media fails). The step's other actions run, then the events that
 * came for the call meanwhile, in order (until one starts another media
 * step). The call may be freed. Returns 0, or -1 when the call had no
 * step running (sdp is freed).
 */
int verto_engine_media_done(verto_engine *e, verto_call *call, int rc,
							char *sdp);

/*
 * The glue runs work of its own for the call without waiting (rtpengine
 * for the contact center's new SDP): until verto_engine_call_resume(),
 * the call's events queue as during a media step. call_wait: 0, or -1
 * when the call is already waiting (nothing changes). call_resume: the
 * queued events are fed in order; the call may be freed.
 */
int verto_engine_call_wait(verto_engine *e, verto_call *call);
void verto_engine_call_resume(verto_engine *e, verto_call *call);

/*
 * The call's SIP side moved to another dialog (the contact center's
 * transfer): the glue has set call->sip_callid to the new dialog's
 * Call-ID; the engine finds the call by it from now on.
 */
void verto_engine_sip_moved(verto_engine *e, verto_call *call);

/* The session with this sessid, or NULL. */
verto_session *verto_engine_session(verto_engine *e, const char *sessid);

/*
 * Another node took the session over (verto_ha.c found its claim gone):
 * its calls are freed without any operation but ops.call_freed (no BYE,
 * no rtpengine delete: they are the other node's now), its connection,
 * if any, gets verto.punt and is closed, and the session goes.
 * stats.sessions_lost counts it. 0, or -1 if unknown.
 */
int verto_engine_drop(verto_engine *e, const char *sessid);

/*
 * Take over a session another node held (its node died; verto_ha.c
 * claimed it in the store): a session with this sessid and identity,
 * detached (as if its WebSocket had just gone), so that the client's
 * login with the sessid resumes it and re-attaches its calls
 * (verto.attach). Its calls come with verto_engine_adopt_call.
 * stats.sessions_taken counts it. NULL when the sessid is in use here,
 * there is no room (max_sessions; max_sessions_per_login as for a new
 * login) or out of memory.
 */
verto_session *verto_engine_adopt(verto_engine *e, const char *sessid,
								  const verto_identity *ident);

/* an answered call of a taken-over session (strings copied; NULL: none) */
typedef struct verto_adopt_call {
	const char *call_id;	 /* Verto callID */
	int outbound;			 /* the browser placed it */
	int held;				 /* on hold toward SIP */
	const char *dest;		 /* destination / callee number */
	const char *caller_name; /* the names verto.attach shows */
	const char *caller_number;
	const char *sip_callid;	  /* its SIP dialog's Call-ID */
	const char *media_callid; /* rtpengine's when not sip_callid */
} verto_adopt_call;

/*
 * Add an answered call to session s of verto_engine_adopt: active,
 * detached (its grace runs from now: the client has that long to log in
 * again), found by callID and SIP Call-ID; glue is its glue state
 * (call->glue; ops.call_freed releases it). The call's browser SDP is
 * unknown: the fresh offer of the re-attach does not need it. Returns the
 * call, or NULL (glue not kept) when the callID or Call-ID is in use here,
 * s already has max_calls calls, or out of memory.
 */
verto_call *verto_engine_adopt_call(verto_engine *e, verto_session *s,
									const verto_adopt_call *a, void *glue);

/* The sessid of the login pending on conn (its params), or NULL: for the
 * glue's ops.auth_start, which may take over that session. */
const char *verto_engine_login_sessid(verto_engine *e, verto_conn_id conn);

/* Kick a session (verto.punt, close). 0, or -1 if unknown. */
int verto_engine_kick(verto_engine *e, const char *sessid);

/* Iteration for RPC output; the lists must not be changed meanwhile. */
verto_session *verto_engine_sessions(verto_engine *e);
verto_call *verto_engine_calls(verto_engine *e);
const verto_stats *verto_engine_stats(verto_engine *e);

#endif
