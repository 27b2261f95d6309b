/*
 * probe_sip.h - the SIP a user agent over WebSocket needs: parse one
 * complete message (one WebSocket message carries exactly one) and write
 * requests and responses.
 *
 * Pure C; no global state.
 */
#ifndef IWG_PROBE_SIP_H
#define IWG_PROBE_SIP_H

#include <stddef.h>

#define PROBE_SIP_MAX_VIA  16
#define PROBE_SIP_MAX_RR   16
#define PROBE_SIP_MAX_AUTH 4 /* challenges kept per header name */

typedef struct probe_str {
	const char *s;
	size_t len;
} probe_str;

/*
 * A parsed message. Every probe_str points into the parsed buffer.
 * Absent headers have s == NULL.
 */
typedef struct probe_sip_msg {
	int is_request;
	probe_str method, ruri; /* requests */
	int status;				/* responses */
	probe_str reason;
	probe_str via[PROBE_SIP_MAX_VIA]; /* each Via header line's value */
	size_t nvia;
	probe_str rr[PROBE_SIP_MAX_RR]; /* Record-Route entries, in order */
	size_t nrr;
	probe_str from, to, from_tag, to_tag, call_id;
	unsigned long cseq;
	probe_str cseq_method;
	probe_str contact_uri; /* URI of the first Contact */
	probe_str content_type;
	/* WWW-Authenticate and Proxy-Authenticate values; more than
	 * PROBE_SIP_MAX_AUTH of one name are ignored */
	probe_str www_auth[PROBE_SIP_MAX_AUTH], proxy_auth[PROBE_SIP_MAX_AUTH];
	size_t nwww_auth, nproxy_auth;
	/* the smallest of the Expires header and every Contact's expires
	 * parameter (seconds), -1 when none is there */
	long expires;
	long content_length; /* -1 when absent */
	probe_str body;
} probe_sip_msg;

/*
 * Parse the message buf[0..len). Returns 0, or -1 with "line N: why" in
 * err[0..errsz) when malformed: bad start line, header without colon,
 * missing Via/From/To/Call-ID/CSeq, CSeq method not matching a request's
 * method, Content-Length larger than the body, too many Via or
 * Record-Route entries.
 */
int probe_sip_parse(const char *buf, size_t len, probe_sip_msg *m, char *err,
					size_t errsz);

/* 1 when s equals the NUL-terminated c (case-sensitive), else 0 */
int probe_str_eq(probe_str s, const char *c);

/* A request to write. */
typedef struct probe_sip_req {
	const char *method;
	const char *ruri;
	const char *transport; /* Via transport: "WS", "WSS", "UDP" */
	const char *via_host;  /* "abc.invalid" or "ip:port" */
	const char *branch;	   /* without the z9hG4bK prefix */
	const char *from;	   /* URI */
	const char *from_tag;
	const char *to;		/* URI */
	const char *to_tag; /* NULL outside a dialog */
	const char *call_id;
	unsigned long cseq;
	const char *contact; /* full Contact value, NULL for none */
	const probe_str *route;
	size_t nroute;
	const char *extra; /* extra header lines, each ending CRLF, or NULL */
	const char *content_type;
	const char *body; /* NULL for none */
	size_t body_len;
} probe_sip_req;

/* Write r into out[0..outsz). Returns the length, or -1 if it does not fit. */
long probe_sip_build_request(const probe_sip_req *r, char *out, size_t outsz);

/*
 * Write a response to the parsed request req: its Via lines, From, To (with
 * to_tag added when the To has no tag and to_tag is not NULL), Call-ID,
 * CSeq, and the Record-Route entries for 2xx to dialog-forming requests.
 * contact and body may be NULL. Returns the length or -1.
 */
long probe_sip_build_response(const probe_sip_msg *req, int code,
							  const char *reason, const char *to_tag,
							  const char *contact, const char *content_type,
							  const char *body, size_t body_len, char *out,
							  size_t outsz);

#endif
