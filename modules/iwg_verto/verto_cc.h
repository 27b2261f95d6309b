/*
 * verto_cc.h - the contact-center events of iwg_verto calls, as a pure
 * core: what a provisional reply to our INVITE, an INFO from the contact
 * center, and a browser's verto.info message for the contact center mean,
 * and the "msg" objects of the verto.info requests toward the browser
 * ({"iwg":"queue"|"agent"|"cc"|"dtmf"|"cc-result", ...}).
 *
 * Pure C (json-c), no Kamailio header: verto_sip.c finds the headers and
 * the body, asks here and performs the decision (the reply, verto.info
 * through the engine, the SIP INFO). Nothing here keeps state.
 *
 * Text that goes to the browser is valid UTF-8 without control characters
 * (a WebSocket text frame with invalid UTF-8 would make the browser close
 * the connection): JSON bodies are parsed with UTF-8 validation, SIP texts
 * are checked with verto_cc_text_ok().
 */
#ifndef IWG_VERTO_CC_H
#define IWG_VERTO_CC_H

#include <stddef.h>

struct json_object;

/* JSON bodies both ways (INFO from and toward the contact center) */
#define VERTO_CC_BODY_MAX 4096
/* nesting of those bodies */
#define VERTO_CC_DEPTH_MAX 8
#define VERTO_CC_MENU_MAX  64
/* dtmf-relay and dtmf bodies longer than this are refused (400) */
#define VERTO_CC_DTMF_BODY_MAX 512
/* verto.info msg.to of the browser's messages for the contact center */
#define VERTO_CC_TO			 "iwg-cc"
#define VERTO_CC_CTYPE_JSON	 "application/vnd.iwg.cc+json"
#define VERTO_CC_CTYPE_RELAY "application/dtmf-relay"
#define VERTO_CC_CTYPE_DTMF	 "application/dtmf"
/* the Accept header value of a 415 to an INFO */
#define VERTO_CC_ACCEPT \
	VERTO_CC_CTYPE_JSON ", " VERTO_CC_CTYPE_RELAY ", " VERTO_CC_CTYPE_DTMF

/* a piece of a SIP message: s[0..len), not NUL-terminated; s NULL: absent */
typedef struct verto_cc_text {
	const char *s;
	size_t len;
} verto_cc_text;

/* 1 when s[0..len) is valid UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF) without control characters (C0, DEL), else 0 */
int verto_cc_text_ok(const char *s, size_t len);

/* 1 when s[0..len) is an RFC 3261 token of 1..max bytes, else 0 */
int verto_cc_token_ok(const char *s, size_t len, size_t max);

/* ------------------------------------------------------ provisional replies */

/* what a provisional reply to our INVITE carries (the header names are the
 * module's parameters queue_position_header, ...) */
typedef struct verto_cc_prov {
	int code;
	verto_cc_text reason;	/* the reason phrase */
	verto_cc_text position; /* the first header of each, or absent */
	verto_cc_text wait;
	verto_cc_text menu;
} verto_cc_prov;

/* values present but not usable (left out of the event; logged by the glue) */
enum verto_cc_bad {
	VERTO_CC_BAD_POSITION = 1 << 0,
	VERTO_CC_BAD_WAIT = 1 << 1,
	VERTO_CC_BAD_MENU = 1 << 2,
	VERTO_CC_BAD_REASON = 1 << 3, /* replaced by the code's usual phrase */
};

/*
 * The queue event of a provisional reply (180..199):
 * {"iwg":"queue","code":C,"reason":R[,"position":N][,"wait":N][,"menu":M]}.
 * position and wait: decimal integers 0..2147483647 (white space around
 * them allowed); menu: a token of at most VERTO_CC_MENU_MAX bytes; a value
 * that is not usable is left out and flagged in *bad (may be NULL). The
 * reason phrase when it is printable UTF-8, else the code's usual one
 * ("Queued" for 182, "Ringing", "Call Is Being Forwarded", "Session
 * Progress", else ""). Returns the msg (a new object, the caller owns it)
 * when the reply is a 182 or carries at least one usable value; NULL when
 * there is nothing to tell (also for a code outside 180..199 and when out
 * of memory).
 */
struct json_object *verto_cc_queue_msg(const verto_cc_prov *p, unsigned *bad);

/* ------------------------------------------------ INFO from the contact center
 */

typedef enum verto_cc_kind {
	VERTO_CC_NONE = 0,	 /* no body */
	VERTO_CC_JSON,		 /* application/vnd.iwg.cc+json */
	VERTO_CC_DTMF_RELAY, /* application/dtmf-relay */
	VERTO_CC_DTMF,		 /* application/dtmf */
	VERTO_CC_OTHER,		 /* anything else, or a body without type */
} verto_cc_kind;

/* the kind of a Content-Type value (case-insensitive, parameters and white
 * space ignored); an absent one (s NULL or only white space) is NONE */
verto_cc_kind verto_cc_content_kind(verto_cc_text ctype);

/*
 * An application/dtmf-relay body ("Signal=5\r\nDuration=160\r\n": lines
 * key=value, keys case-insensitive, white space around, LF or CRLF; the
 * first Signal counts) or, with relay 0, an application/dtmf body (the
 * signal alone, white space around). A signal is one of 0-9 * # A-D
 * (a-d too), or an RFC 4733 event code 10-15 (10 *, 11 #, 12-15 A-D).
 * Duration: 1..60000 ms, else (absent, or not such a number)
 * default_ms. Returns 0 with *digit (upper case) and *duration, or -1
 * (no valid signal, or a body longer than VERTO_CC_DTMF_BODY_MAX).
 */
int verto_cc_dtmf_parse(const char *body, size_t len, int relay, int default_ms,
						char *digit, int *duration);

/*
 * A contact-center JSON body text[0..len): a JSON object (UTF-8, at most
 * VERTO_CC_BODY_MAX bytes, nesting at most VERTO_CC_DEPTH_MAX) with a
 * non-empty string member "event". Returns 0 with *obj (the caller owns
 * it) and *event (inside *obj), or -1 with *why (a static reason).
 */
int verto_cc_json_body(const char *text, size_t len, struct json_object **obj,
					   const char **event, const char **why);

/* what an INFO from the contact center gets */
typedef struct verto_cc_info_out {
	int code;				 /* 200, 400 (bad body), 415 (send Accept) */
	verto_cc_kind kind;		 /* by its Content-Type */
	struct json_object *msg; /* 200: the msg for the browser (the caller
							  * owns it), NULL when none (no body) */
	const char *why;		 /* 400/415: static reason for the log */
	char digit;				 /* dtmf kinds: the signal */
	int duration;			 /*   and its duration (ms) */
} verto_cc_info_out;

/*
 * An INFO from the contact center in a call, by its Content-Type and body:
 * - vnd.iwg.cc+json: a body as verto_cc_json_body wants gives 200 and
 *   {"iwg":"cc", ...its members (an "iwg" member of its own left out)};
 *   else 400;
 * - dtmf-relay, dtmf: a signal gives 200 and {"iwg":"dtmf","digits":"5",
 *   "duration":160}; else 400;
 * - no body (and no type, or any type): 200, no msg (nothing to tell);
 * - a body of another type, or without a type: 415.
 * Returns 0 (out filled; out->msg NULL also when out of memory).
 */
int verto_cc_info(verto_cc_text ctype, verto_cc_text body, int default_ms,
				  verto_cc_info_out *out);

/* ---------------------------------------------- the browser's messages */

/*
 * A browser's verto.info params.msg (the SDK's call.message(to, body)):
 * 1 when it is not for the contact center (not an object, or "to" is not
 * VERTO_CC_TO): the caller goes on as before; 0 when it is and "body" is
 * usable: a JSON text (string) of an object as verto_cc_json_body wants,
 * or such an object itself; then *body is the object re-serialised by
 * json-c (malloc'd, at most VERTO_CC_BODY_MAX bytes) and *event its event
 * (malloc'd) and *why NULL; -1 with *why (a static message for the
 * JSON-RPC error) when it is for the contact center and not usable (or
 * out of memory).
 */
int verto_cc_client_msg(struct json_object *msg, char **body, char **event,
						const char **why);

/* ------------------------------------------------------------ other msgs */

/* {"iwg":"agent","name":N,"number":U}: name the display name, the number
 * when it has none or it is not printable UTF-8; NULL when the number is
 * empty or not printable UTF-8 (nothing to tell), or out of memory */
struct json_object *verto_cc_agent_msg(const char *name, const char *number);

/* {"iwg":"cc-result","event":E,"code":C} (the final reply to the INFO the
 * browser had sent); NULL when out of memory */
struct json_object *verto_cc_result_msg(const char *event, int code);

#endif
