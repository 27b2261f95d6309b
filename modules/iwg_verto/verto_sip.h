/*
 * verto_sip.h - the SIP and media side of iwg_verto (Kamailio glue): the
 * verto_ops operations that send SIP through tm and media requests to
 * rtpengine, the handling of SIP events in the WebSocket process, and the
 * worker-side entry points of the cfg functions.
 *
 * Process model: verto_sip_ops_*() and verto_sip_events() run in the
 * "iwg_verto WebSocket" process only (it owns every tm dialog, rtpengine
 * tag and call); verto_sip_request() runs in SIP workers and only ships
 * events there (verto_ipc.h).
 */
#ifndef IWG_VERTO_SIP_H
#define IWG_VERTO_SIP_H

#include <stdint.h>

#include "core/parser/msg_parser.h"

#include "verto_engine.h"
#include "verto_jobs.h"
#include "verto_rtp.h"

/* DTMF modes (modparam dtmf_mode) */
enum { VERTO_DTMF_RTPENGINE = 0, VERTO_DTMF_INFO = 1 };

typedef struct verto_sip_cfg {
	str cc_uri;	 /* where calls go: "sip:host:port", the user is added */
	str contact; /* our Contact URI */
	int dtmf_mode;
	int dtmf_duration; /* ms per digit */
	int add_pai;	   /* INVITE carries P-Asserted-Identity (else the cfg) */
	/* the next hop of initial INVITEs (and their CANCEL) when not empty:
	 * the edge's own contact-center router (dispatcher, failover); later
	 * requests go to the dialog's remote target */
	str proxy;
	struct socket_info *proxy_sock; /* sent from this listener; NULL: any */
	/* the headers of the contact center's provisional replies read for
	 * the queue event (verto_cc.h): queue position, queue wait, IVR menu;
	 * an empty name is not read */
	str queue_hdr[3];
	/* the contact center may transfer calls (REFER): else 403 */
	int transfer;
	/* the listener our Contact names: transfers' INVITEs leave from it
	 * (NULL: tm chooses) */
	struct socket_info *sip_sock;
} verto_sip_cfg;

/* mod_init: bind tm and sl; cfg is kept (its strings must stay). 0/-1. */
int verto_sip_init(const verto_sip_cfg *cfg);

/*
 * WebSocket process: start finding the PaaS user (mapping key, = session
 * login) whose SIP identity is uri, for the INVITE whose glue key is key,
 * without waiting: 0 when started (verto_sip_lookup_done(key, ...) then
 * follows exactly once, later, in this process's loop thread), -1 when it
 * cannot start (e.g. the job queue is full: the INVITE gets 503 with
 * Retry-After; the lookup never runs in the loop).
 */
typedef int (*verto_sip_lookup_f)(const char *uri, uint32_t key);

/*
 * WebSocket process: the lookup started for key is decided: found 0 with
 * user, 1 when no user has that identity, -1 when the identity store
 * cannot tell. The INVITE is offered (or answered 404/503); nothing
 * happens when it was cancelled meanwhile.
 */
void verto_sip_lookup_done(uint32_t key, int found, const char *user);

/* what a job-pool worker thread owns (made before the threads start;
 * the Redis connection opens on first use, in the thread) */
struct verto_ident;
typedef struct verto_worker {
	struct verto_ident *idn; /* its own Redis connection */
	verto_rtp *rtp;			 /* its own NG client (socket) */
} verto_worker;

/*
 * WebSocket process: the engine, the loop's rtpengine client (used when
 * there is no pool; a full pool refuses instead), the user lookup, the
 * job pool for media steps and the one-thread lane for fire-and-forget NG
 * requests (delete, play DTMF, block media: in order, results only
 * logged); pool and lane may be NULL (everything then runs in the loop).
 */
void verto_sip_attach(verto_engine *e, verto_rtp *r, verto_sip_lookup_f look,
					  verto_jobs *pool, verto_jobs *lane);

/* verto_ops operations (WebSocket process); contracts in verto_engine.h */
int verto_sip_op(void *ctx, verto_call *call, int what, int code,
				 const char *sdp, const char *text);
int verto_sip_media(void *ctx, verto_call *call, int kind, const char *in,
					char **out);
int verto_sip_media_start(void *ctx, verto_call *call, int kind,
						  const char *in);
void verto_sip_media_delete(void *ctx, verto_call *call);
void verto_sip_call_freed(void *ctx, verto_call *call);

/* WebSocket process: handle every queued SIP event */
void verto_sip_events(void);

/*
 * SIP worker, REQUEST_ROUTE: a request in an iwg_verto dialog (BYE,
 * CANCEL, NOTIFY, INFO, UPDATE, re-INVITE, ACK). Answers it (ACK: nothing)
 * and ships it to the WebSocket process. Returns 1 when the request was
 * ours, -1 when its Call-ID is not an iwg_verto call (the cfg goes on).
 */
int verto_sip_request(sip_msg_t *msg);

/*
 * SIP worker: 1 when msg is a request whose Call-ID is that of a Verto
 * call or a transfer's leg iwg_verto takes part in (the lookup
 * verto_sip_request() starts with), else -1. Nothing is parsed beyond the
 * Call-ID, nothing is answered or queued.
 */
int verto_sip_known(sip_msg_t *msg);

/*
 * SIP worker, REQUEST_ROUTE: an initial INVITE toward the PaaS user whose
 * SIP identity is uri (the To URI when uri is NULL). Creates the server
 * transaction (a retransmission is absorbed), answers 100 and ships the
 * INVITE to the WebSocket process, which finds the user through the
 * identity store's reverse index and offers the call to the user's live
 * sessions (verto_engine_sip_invite); every final reply comes from there.
 * Returns 1 when the INVITE was taken (the script should exit), -1 when it
 * is not an initial INVITE or cannot be taken (an error reply was sent
 * when possible).
 */
int verto_sip_invite(sip_msg_t *msg, const str *uri);

/*
 * WebSocket process: how many requests for Verto calls were refused
 * because their From/To tags are not the dialog's (481, or an ACK or
 * CANCEL not acted on) since start; the "dialog_refused" statistic.
 */
unsigned long verto_sip_refused(void);

/*
 * WebSocket process: how many 2xx to our INVITEs came from another dialog
 * than the call's (another branch answered too, e.g. an entry point the
 * router failed over from, late) and were ACKed and hung up since start;
 * the "other_2xx" statistic.
 */
unsigned long verto_sip_other_2xx(void);

/* The call whose SIP request is being built in this process (for
 * $verto(...) in event_route[tm:local-request]), or NULL. */
verto_call *verto_sip_current(void);

/* While that request is the INVITE of a transfer's new leg: "replaces"
 * (attended, with Replaces) or "refer" (blind, conference); else NULL
 * ($verto(xfer)). */
const char *verto_sip_current_xfer(void);

/* 1 while this process sends a request of iwg_verto's own (every request
 * it makes, also one of no current call: the ACK and BYE of another
 * dialog's 2xx after the call ended, the BYE of a transfer's leg whose
 * call is gone), else 0 ($verto(own) in event_route[tm:local-request]). */
int verto_sip_current_own(void);

#endif
