/*
 * hdrmed_msg.h - a SIP message's header section as the iwg_hdrmed engine
 * sees it (pure C, no Kamailio headers).
 *
 * hdrmed_msg_parse() reads the start line and the header lines of a SIP
 * message held in a caller buffer (which must outlive the hdrmed_msg). Each
 * header keeps its raw range in that buffer; the engine marks headers
 * deleted, modified or new, and the result is either printed as a whole
 * message (hdrmed_msg_print) or applied as edits by the caller (the Kamailio
 * glue turns them into lumps).
 *
 * Parsing is length-based (NUL bytes in values are kept), accepts CRLF or
 * LF line ends and folded (continuation) lines, and refuses a missing or
 * malformed start line, a header line without a colon or with a name that
 * is not a token, and more than HDRMED_MAX_HDRS headers.
 */
#ifndef IWG_HDRMED_MSG_H
#define IWG_HDRMED_MSG_H

#include <stddef.h>

#define HDRMED_MAX_HDRS 512

enum hdrmed_hstate {
	HDRMED_H_KEEP = 0, /* unchanged: raw bytes are reused */
	HDRMED_H_DEL,	   /* removed */
	HDRMED_H_MOD,	   /* name or value changed: rendered anew */
	HDRMED_H_NEW,	   /* added by the engine, after the last header */
};

struct hdrmed_hdr {
	const char *name; /* as written (or owned_name) */
	int name_len;
	const char *value; /* trimmed value (or owned_value) */
	int value_len;
	int off; /* raw range in the message buffer, CRLF included; */
	int len; /* -1/0 for new headers */
	int state;
	unsigned key;	   /* hdrmed_name_key() of the name */
	char *owned_name;  /* malloc'd when renamed or new, else NULL */
	char *owned_value; /* malloc'd when the value changed, else NULL */
};

struct hdrmed_msg {
	const char *buf;
	int len;
	int is_request;
	const char *method; /* request method, or CSeq method of a reply */
	int method_len;
	int status;	  /* reply status code, 0 for requests */
	int hdrs_end; /* offset just after the last header line */
	struct hdrmed_hdr *h;
	int n;
	int cap;
};

/*
 * Parse BUF[0..LEN) into M (zeroed by this call). Returns 0, or -1 with a
 * reason in ERR (always NUL-terminated) and M left empty. M references BUF;
 * release M with hdrmed_msg_free() in both cases.
 */
int hdrmed_msg_parse(struct hdrmed_msg *m, const char *buf, int len, char *err,
					 size_t errlen);

/* free what the engine allocated in M (not the buffer) */
void hdrmed_msg_free(struct hdrmed_msg *m);

/* the full header name for a compact form ("f" -> "From"), or NULL */
const char *hdrmed_compact_name(const char *name, int len);

/* 1 when two header names denote the same header (case, compact forms) */
int hdrmed_name_eq(const char *a, int alen, const char *b, int blen);

/* a key of a header name that equal names (hdrmed_name_eq) share: from the
 * full name (compact forms expanded) ignoring case; unequal names may share
 * it, so it only rules names out */
unsigned hdrmed_name_key(const char *name, int len);

/* the index of the first live header named NAME at or after FROM, or -1 */
int hdrmed_msg_find(const struct hdrmed_msg *m, const char *name, int nlen,
					int from);

/* replace the value of H (copied); returns 0 or -1 on allocation failure */
int hdrmed_hdr_set_value(struct hdrmed_hdr *h, const char *v, int vlen);

/* rename H (copied); returns 0 or -1 on allocation failure */
int hdrmed_hdr_set_name(struct hdrmed_hdr *h, const char *n, int nlen);

/* append a new header (name and value copied); returns it or NULL when out
 * of memory or when the message already holds HDRMED_MAX_HDRS headers. The
 * pointer is valid until the next hdrmed_msg_add(). */
struct hdrmed_hdr *hdrmed_msg_add(struct hdrmed_msg *m, const char *name,
								  int nlen, const char *value, int vlen);

/* 1 when the message has edits (any header not HDRMED_H_KEEP) */
int hdrmed_msg_changed(const struct hdrmed_msg *m);

/*
 * The whole message with the edits applied, malloc'd and NUL-terminated
 * (length in *OUTLEN); NULL on allocation failure. Modified and new headers
 * are rendered "Name: value\r\n".
 */
char *hdrmed_msg_print(const struct hdrmed_msg *m, int *outlen);

#endif
