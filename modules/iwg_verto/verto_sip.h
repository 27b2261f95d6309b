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

#include "core/parser/msg_parser.h"

#include "verto_engine.h"
#include "verto_rtp.h"

/* DTMF modes (modparam dtmf_mode) */
enum { VERTO_DTMF_RTPENGINE = 0, VERTO_DTMF_INFO = 1 };

typedef struct verto_sip_cfg {
	str cc_uri;	 /* where calls go: "sip:host:port", the user is added */
	str contact; /* our Contact URI */
	int dtmf_mode;
	int dtmf_duration; /* ms per digit */
	int add_pai;	   /* INVITE carries P-Asserted-Identity (else the cfg) */
} verto_sip_cfg;

/* mod_init: bind tm and sl; cfg is kept (its strings must stay). 0/-1. */
int verto_sip_init(const verto_sip_cfg *cfg);

/*
 * WebSocket process: the PaaS user (mapping key, = session login) whose
 * SIP identity is uri: 0 with key[keysz] filled, 1 when there is none,
 * -1 when the identity store cannot tell.
 */
typedef int (*verto_sip_lookup_f)(const char *uri, char *key, size_t keysz);

/* WebSocket process: the engine, rtpengine client and user lookup to use */
void verto_sip_attach(verto_engine *e, verto_rtp *r, verto_sip_lookup_f look);

/* verto_ops operations (WebSocket process); contracts in verto_engine.h */
int verto_sip_op(void *ctx, verto_call *call, int what, int code,
				 const char *sdp, const char *text);
int verto_sip_media(void *ctx, verto_call *call, int kind, const char *in,
					char **out);
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

/* The call whose SIP request is being built in this process (for
 * $verto(...) in event_route[tm:local-request]), or NULL. */
verto_call *verto_sip_current(void);

#endif
