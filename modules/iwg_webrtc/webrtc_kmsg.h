/*
 * iwg_webrtc: what the Kamailio glue files share: the module's settings, the
 * script return codes, the tm API, and helpers over a sip_msg_t (the flow a
 * request came on, header and body edits through lumps).
 */
#ifndef IWG_WEBRTC_KMSG_H
#define IWG_WEBRTC_KMSG_H

#include "core/parser/msg_parser.h"
#include "core/str.h"
#include "modules/tm/tm_load.h"

#include "webrtc_flow.h"

/* script return codes (README.md, section 4) */
#define WRC_OK			1
#define WRC_NOOP		2
#define WRC_ERR			-1
#define WRC_BAD_INPUT	-2 /* 400: garbage Contact, no SDP ... */
#define WRC_FORBIDDEN	-3 /* 403: forged token, not registered, spoof */
#define WRC_FLOW_FAILED -4 /* 430: flow token valid, connection gone */
#define WRC_NOT_WS		-5 /* the request did not come over WS/WSS */
#define WRC_NO_TOKEN	-6 /* no flow token Route: not for this function */
/* 403: the identity of the registration cannot be asserted (it can come
 * from what the browser registered) */
#define WRC_BAD_IDENTITY -7

/* the module parameters (README.md, section 3); set by iwg_webrtc_mod.c,
 * checked in its mod_init, read-only afterwards */
typedef struct webrtc_kcfg {
	str flow_key;		/* flow-token MAC key */
	str path_host;		/* host[:port] of the Path URI */
	str ims_core;		/* where de-REGISTERs go */
	int dereg_on_close; /* 1: de-REGISTER when a flow closes */
	int ppi_fallback;	/* 1: assert the default identity for a foreign
						 * P-Preferred-Identity instead of refusing */
	int timer_interval; /* seconds between expiry sweeps */
} webrtc_kcfg_t;

extern webrtc_kcfg_t webrtc_kcfg;

/* the tm API, loaded in mod_init */
extern struct tm_binds webrtc_tmb;

/* webrtc_kmsg_flow: the flow (WebSocket connection) msg arrived on into f.
 * 0, or -1 when msg did not come over WS/WSS (f is then zeroed). */
int webrtc_kmsg_flow(sip_msg_t *msg, webrtc_flow_t *f);

/* webrtc_kmsg_path: the Path value "<sip:TOKEN@path_host;lr;ob>" of flow f
 * into buf (sz bytes, NUL-terminated). Returns its length or -1. */
int webrtc_kmsg_path(const webrtc_flow_t *f, char *buf, size_t sz);

/* webrtc_kmsg_hdr_insert: adds the header text s (len bytes, with its
 * CRLF) to msg before header before, or after the last header when before
 * is NULL. s is copied. 0 or -1. */
int webrtc_kmsg_hdr_insert(sip_msg_t *msg, struct hdr_field *before,
						   const char *s, int len);

/* webrtc_kmsg_hdr_remove: deletes header hf of msg (a lump). 0 or -1. */
int webrtc_kmsg_hdr_remove(sip_msg_t *msg, struct hdr_field *hf);

/* webrtc_kmsg_hdr_removed: 1 when a delete lump of msg already starts at
 * header hf (e.g. remove_hf_match() of the Bearer token): deleting it
 * twice would overlap. Else 0. */
int webrtc_kmsg_hdr_removed(sip_msg_t *msg, struct hdr_field *hf);

/* webrtc_kmsg_hdr_join: the trimmed bodies of the headers of msg called
 * name, joined with ", ", into out (pkg memory, NUL-terminated; the caller
 * frees it with webrtc_kmsg_str_free()). out is empty when there is none.
 * 0, or -1 when out of pkg memory. */
int webrtc_kmsg_hdr_join(sip_msg_t *msg, const char *name, str *out);

/* webrtc_kmsg_str_free: frees s->s (pkg) if set and empties s */
void webrtc_kmsg_str_free(str *s);

/* webrtc_kmsg_body: the body of msg into b (a slice of msg->buf). 0, or -1
 * when msg has no body or an empty one. */
int webrtc_kmsg_body(sip_msg_t *msg, str *b);

/* webrtc_kmsg_body_replace: replaces the body b of msg with the pkg buffer
 * nb (n bytes) through lumps; nb belongs to the lump on success, to the
 * caller on failure. 0 or -1. */
int webrtc_kmsg_body_replace(sip_msg_t *msg, str *b, char *nb, int n);

#endif
