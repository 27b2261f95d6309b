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
} verto_sip_cfg;

/* mod_init: bind tm and sl; cfg is kept (its strings must stay). 0/-1. */
int verto_sip_init(const verto_sip_cfg *cfg);

/* WebSocket process: the engine and rtpengine client to use */
void verto_sip_attach(verto_engine *e, verto_rtp *r);

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

/* The call whose SIP request is being built in this process (for
 * $verto(...) in event_route[tm:local-request]), or NULL. */
verto_call *verto_sip_current(void);

#endif
