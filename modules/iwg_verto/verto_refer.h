/*
 * verto_refer.h - a transfer the contact center asks of a Verto call, as a
 * pure core: a REFER (RFC 3515) in the browser's dialog whose Refer-To
 * names the new party (an agent, with Replaces of RFC 3891 for an
 * attended transfer; a conference URI; a queue), and what iwg_verto does
 * for the browser, its transferee: accept it (202) or refuse it with a
 * reason, call the new party with the browser's media, report progress
 * to the transferor in NOTIFYs (message/sipfrag), move the Verto call to
 * the new dialog when it answers, end the old one, or fall back to the
 * old one when the new call fails.
 *
 * Pure C: no Kamailio header, no allocation. verto_xfer.c (glue) reads the
 * headers, asks here and performs the decisions (tm, rtpengine, engine).
 *
 * Parsing (fuzzed by fuzz_verto_refer):
 * - Refer-To = name-addr / addr-spec *(;generic-param) (RFC 3515 2.1):
 *   the target is a sip: or sips: URI with a host; its only embedded
 *   header honoured is Replaces (%-escaped, RFC 3261 19.1.1), which must
 *   be "callid;to-tag=T;from-tag=F" with an optional early-only flag
 *   (RFC 3891 6.1); other embedded headers are counted and left out (RFC
 *   3261 19.1.5 lets a UA choose which to honour); a method URI parameter
 *   other than INVITE is refused;
 * - Referred-By (RFC 3892) is passed on only when it is a printable
 *   name-addr / addr-spec with a sip, sips or tel URI.
 */
#ifndef IWG_VERTO_REFER_H
#define IWG_VERTO_REFER_H

#include <stddef.h>

#include "verto_call.h"

#define VERTO_REFER_URI_MAX	   255 /* the target URI, without headers */
#define VERTO_REFER_CALLID_MAX 128
#define VERTO_REFER_TAG_MAX	   127
#define VERTO_REFER_BY_MAX	   255 /* a Referred-By value passed on */
/* the Replaces header value we build: callid, two tags, the flag */
#define VERTO_REFER_REPLACES_MAX \
	(VERTO_REFER_CALLID_MAX + 2 * VERTO_REFER_TAG_MAX + 40)

/* why a Refer-To value was refused */
typedef enum verto_refer_err {
	VRE_OK = 0,
	VRE_EMPTY,	   /* no value */
	VRE_SYNTAX,	   /* not a name-addr / addr-spec (quotes, <>) */
	VRE_CHARS,	   /* a control character, space or non-ASCII in the URI */
	VRE_SCHEME,	   /* not a sip: or sips: URI */
	VRE_HOST,	   /* no host, or not a host name or address */
	VRE_TOO_LONG,  /* the URI or a part does not fit */
	VRE_ESCAPE,	   /* a bad %-escape in an embedded header */
	VRE_REPLACES,  /* Replaces is not callid;to-tag=..;from-tag=.. */
	VRE_DUPLICATE, /* Replaces twice */
	VRE_METHOD,	   /* method= other than INVITE */
	VRE_COUNT
} verto_refer_err;

/* a Refer-To value, parsed */
typedef struct verto_refer_to {
	char uri[VERTO_REFER_URI_MAX + 1]; /* the target: scheme..params */
	int has_replaces;
	char callid[VERTO_REFER_CALLID_MAX + 1]; /* Replaces, unescaped */
	char to_tag[VERTO_REFER_TAG_MAX + 1];
	char from_tag[VERTO_REFER_TAG_MAX + 1];
	int early_only;
	unsigned ignored; /* embedded headers other than Replaces (left out) */
} verto_refer_to;

/*
 * Parse a Refer-To header value v[0..len) (not NUL-terminated) into *out.
 * VRE_OK, or the reason it is refused (out is then zeroed).
 */
verto_refer_err verto_refer_to_parse(const char *v, size_t len,
									 verto_refer_to *out);

/* the reason phrase of a 400 for e ("Bad Refer-To (...)"); static */
const char *verto_refer_err_text(verto_refer_err e);

/*
 * The Replaces header value of the INVITE to the target, rebuilt from the
 * parsed parts: "callid;to-tag=T;from-tag=F[;early-only]" into buf[sz].
 * 0, or -1 (buf "") when r has no Replaces or it does not fit.
 */
int verto_refer_replaces_hdr(const verto_refer_to *r, char *buf, size_t sz);

/*
 * A Referred-By value v[0..len): 0 with the value (white space around it
 * removed) in out[sz], or -1 (out "") when it is empty, longer than
 * VERTO_REFER_BY_MAX, holds a control character, has unbalanced quotes
 * or angle brackets, or names no sip, sips or tel URI.
 */
int verto_referred_by_check(const char *v, size_t len, char *out, size_t sz);

/* ---------------------------------------------------------- accept */

/* what the call and its dialog look like when a REFER comes */
typedef struct verto_refer_req {
	int allowed;   /* transfers are enabled (modparam transfer) */
	int confirmed; /* the dialog has its 2xx */
	verto_call_state state;
	int n_referto;			 /* Refer-To headers in the REFER */
	verto_refer_err referto; /* the parse result of the only one */
	int referby_bad;		 /* a Referred-By is there and not usable */
	int transferring;		 /* a transfer of the call is running */
	int busy;				 /* a media step or our hold re-INVITE is running */
	int has_media; /* the browser's SDP is known (to offer it again) */
} verto_refer_req;

typedef struct verto_refer_reply {
	int code;			/* 202, or the refusal */
	const char *reason; /* its reason phrase (static) */
} verto_refer_reply;

/*
 * Accept the REFER (202 Accepted) or refuse it, in this order: 403
 * "Transfer Not Allowed" (allowed 0); 403 "Dialog Not Confirmed" (not
 * answered, or not active); 400 "Missing Refer-To" / "Multiple Refer-To"
 * / the Refer-To's error (verto_refer_err_text); 400 "Bad Referred-By";
 * 491 "Transfer In Progress"; 491 "Request Pending" (busy); 488 "No Media
 * To Transfer". Returns 1 when accepted, else 0; out is filled.
 */
int verto_refer_decide(const verto_refer_req *r, verto_refer_reply *out);

/* ---------------------------------------------------------- transfer */

typedef enum verto_xfer_state {
	VXS_IDLE = 0,
	VXS_OFFER,	  /* rtpengine: the browser's media offered to a new leg */
	VXS_INVITING, /* the INVITE to the target is out */
	VXS_ANSWER,	  /* its 2xx came: rtpengine takes the answer */
	VXS_REVERT,	  /* it failed: the browser's media back to the old leg */
	VXS_DONE,	  /* over: the glue drops the transfer */
	VXS_COUNT
} verto_xfer_state;

typedef enum verto_xfer_event {
	VXE_START = 0,	 /* the REFER was accepted (202 sent) */
	VXE_OFFER_OK,	 /* rtpengine made the new leg's offer */
	VXE_OFFER_FAIL,	 /* ... or could not */
	VXE_INVITE_FAIL, /* the INVITE could not be sent */
	VXE_PROVISIONAL, /* a 1xx to the INVITE */
	VXE_ANSWERED,	 /* a 2xx with SDP */
	VXE_REJECTED,	 /* a 3xx-6xx, a timeout, or a 2xx without SDP */
	VXE_ANSWER_OK,	 /* rtpengine took the 2xx's SDP */
	VXE_ANSWER_FAIL, /* ... or refused it */
	VXE_REVERT_DONE, /* the media is back on the old leg (or tried) */
	VXE_OLD_BYE,	 /* the transferor ended the old dialog meanwhile */
	VXE_HANGUP,		 /* the call ends on the browser's side */
	VXE_COUNT
} verto_xfer_event;

/* what the glue does, in this bit order */
enum verto_xfer_action {
	VXA_NOTIFY = 1 << 0,	   /* NOTIFY in the old dialog: sipfrag of
								* out.code/out.reason (final when >= 200:
								* the subscription is terminated) */
	VXA_MEDIA_OFFER = 1 << 1,  /* rtpengine: offer for the new leg */
	VXA_INVITE = 1 << 2,	   /* the INVITE with that offer */
	VXA_MEDIA_ANSWER = 1 << 3, /* rtpengine: the 2xx's SDP as answer */
	VXA_SWITCH = 1 << 4,	   /* the Verto call moves to the new dialog */
	VXA_BYE_OLD = 1 << 5,	   /* BYE in the old dialog once the final
								* NOTIFY has its reply */
	VXA_MEDIA_REVERT = 1 << 6, /* rtpengine: back to the old leg */
	VXA_BYE_NEW = 1 << 7,	   /* BYE in the new dialog (answered) */
	VXA_CANCEL_NEW = 1 << 8,   /* CANCEL the INVITE (or after its 1xx;
								* a 2xx that crosses it gets a BYE) */
	VXA_END_CALL = 1 << 9,	   /* no dialog is left: the call ends
								* (verto.bye NORMAL_CLEARING) */
	VXA_FREE = 1 << 10,		   /* the transfer is over */
};

typedef struct verto_xfer {
	verto_xfer_state state;
	unsigned old_gone : 1;	 /* the old dialog ended (their BYE) */
	unsigned final_sent : 1; /* a final NOTIFY went */
	unsigned switched : 1;	 /* the call moved to the new dialog */
} verto_xfer;

typedef struct verto_xfer_out {
	unsigned acts;		/* enum verto_xfer_action */
	int code;			/* VXA_NOTIFY: the sipfrag status */
	const char *reason; /* its reason phrase (static or the event's) */
} verto_xfer_out;

/* a transfer about to start */
void verto_xfer_init(verto_xfer *x);

/*
 * Feed one event; code/reason: the status of VXE_PROVISIONAL and
 * VXE_REJECTED (reason may be NULL: the usual phrase). Returns 0 with
 * out filled (acts may be 0), or -1 when the event does not fit the
 * state (out empty, nothing changes).
 *
 * Invariants (fuzz_verto_refer checks them): at most one final NOTIFY and
 * one SWITCH; no NOTIFY once the old dialog is gone or after the final
 * one; SWITCH only after ANSWER_OK; every path ends in VXS_DONE with
 * VXA_FREE exactly once; END_CALL only when the old dialog is gone and
 * the new one failed.
 */
int verto_xfer_step(verto_xfer *x, verto_xfer_event ev, int code,
					const char *reason, verto_xfer_out *out);

const char *verto_xfer_state_name(verto_xfer_state s);
const char *verto_xfer_event_name(verto_xfer_event e);

/* the usual reason phrase of a status ("Trying", "OK", "Busy Here", ...;
 * "Unknown" for others); static */
const char *verto_refer_status_text(int code);

/*
 * The message/sipfrag body of a NOTIFY: "SIP/2.0 <code> <reason>\r\n"
 * into buf[sz]; reason NULL or not printable ASCII: the usual phrase.
 * 0, or -1 (code outside 100..699, or it does not fit).
 */
int verto_refer_sipfrag(int code, const char *reason, char *buf, size_t sz);

#endif
