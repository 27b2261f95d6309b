/*
 * verto_jsonrpc.h - JSON-RPC 2.0 envelope of the Verto protocol: parse one
 * WebSocket text frame, build results, errors and server requests.
 *
 * Pure C (json-c, no Kamailio headers). Wire facts: docs/verto-protocol.md
 * section 2. A frame holds exactly one JSON object (the client never sends
 * batches). The server echoes a request's "id" exactly; a result is always an
 * object; a server request always carries "params".
 */
#ifndef IWG_VERTO_JSONRPC_H
#define IWG_VERTO_JSONRPC_H

#include <stddef.h>

struct json_object;

/* error codes, as FreeSWITCH's mod_verto and the SDK use them */
enum verto_jsonrpc_code {
	VERTO_ERR_AUTH_REQUIRED = -32000, /* "Authentication Required" */
	VERTO_ERR_AUTH_FAILED = -32001,	  /* "Authentication Failure" */
	VERTO_ERR_CALL = -32002,		  /* call or session error */
	VERTO_ERR_PARSE = -32700,		  /* not JSON */
	VERTO_ERR_INVALID = -32600,		  /* JSON, but not a valid request */
	VERTO_ERR_METHOD = -32601,		  /* unknown method */
	VERTO_ERR_PARAMS = -32602,		  /* bad or missing params */
};

#define VERTO_JSONRPC_DEFAULT_MAX_LEN	(256 * 1024)
#define VERTO_JSONRPC_DEFAULT_MAX_DEPTH 16
/* longest method name accepted */
#define VERTO_JSONRPC_MAX_METHOD 64

typedef struct verto_jsonrpc_limits {
	size_t max_len;		/* bytes per frame; 0: default */
	unsigned max_depth; /* JSON nesting; 0: default */
} verto_jsonrpc_limits;

typedef enum verto_jsonrpc_kind {
	VERTO_JSONRPC_REQUEST = 1, /* method (+ id unless a notification) */
	VERTO_JSONRPC_RESULT,	   /* response with "result" */
	VERTO_JSONRPC_ERROR,	   /* response with "error" */
} verto_jsonrpc_kind;

/*
 * A parsed frame. root owns everything; id, params, result and error point
 * into it. Free with verto_jsonrpc_msg_clear().
 */
typedef struct verto_jsonrpc_msg {
	verto_jsonrpc_kind kind;
	struct json_object *root;
	struct json_object *id;		/* NULL: absent (notification) */
	const char *method;			/* REQUEST */
	struct json_object *params; /* REQUEST: an object, never NULL */
	struct json_object *result; /* RESULT: any value */
	int err_code;				/* ERROR */
	const char *err_message;	/* ERROR, "" when absent */
} verto_jsonrpc_msg;

/*
 * Parse the frame buf[0..len) (need not be NUL-terminated).
 *
 * Returns 0 and fills *m (caller frees with verto_jsonrpc_msg_clear()), or a
 * verto_jsonrpc_code (negative) with *m cleared except m->id, which holds a new
 * reference to the request's id when one could be read (so the error reply
 * can echo it; still free with verto_jsonrpc_msg_clear()). errstr (may be NULL,
 * size errsz) receives a short reason such as "frame too large".
 *
 * Accepted: one JSON object, UTF-8, within the limits, "jsonrpc":"2.0"
 * (a missing "jsonrpc" is tolerated), with "method" (string) or "result" or
 * "error". Request "params" must be an object when present; a missing one
 * becomes an empty object. "id" must be a string, a number or null.
 */
int verto_jsonrpc_parse(const char *buf, size_t len,
						const verto_jsonrpc_limits *lim, verto_jsonrpc_msg *m,
						char *errstr, size_t errsz);

/*
 * Parse buf[0..len) as one JSON value of any type (not an envelope): the
 * same checks as verto_jsonrpc_parse (no NUL, UTF-8, strict JSON, nesting at
 * most max_depth, only white space after the value, at most max_len bytes;
 * 0 for either limit: the default). Returns 0 with *out (the caller owns
 * it), or a verto_jsonrpc_code (negative) with *out NULL and errstr (may be
 * NULL) holding a short reason.
 */
int verto_jsonrpc_parse_value(const char *buf, size_t len, size_t max_len,
							  unsigned max_depth, struct json_object **out,
							  char *errstr, size_t errsz);

/* Release what a parse left in m (any state) and zero it. NULL is fine. */
void verto_jsonrpc_msg_clear(verto_jsonrpc_msg *m);

/*
 * Builders. Each returns a NUL-terminated malloc'd string (free() it) with
 * its length in *len (may be NULL), or NULL when out of memory.
 *
 * verto_jsonrpc_result: {"jsonrpc":"2.0","id":<id>,"result":<result>}. id may
 * be NULL (written as null); result is consumed (its reference is taken
 * over, also on failure); NULL result becomes {}.
 *
 * verto_jsonrpc_error: {"jsonrpc":"2.0","id":<id>,"error":{"code":<code>,
 * "message":<message>, ...extra}}. extra (consumed, may be NULL) is an
 * object whose members are added to "error" (e.g. cause, causeCode).
 *
 * verto_jsonrpc_request: {"jsonrpc":"2.0","id":<id>,"method":<method>,
 * "params":<params>}; params consumed, NULL becomes {}.
 */
char *verto_jsonrpc_result(struct json_object *id, struct json_object *result,
						   size_t *len);
char *verto_jsonrpc_error(struct json_object *id, int code, const char *message,
						  struct json_object *extra, size_t *len);
char *verto_jsonrpc_request(long id, const char *method,
							struct json_object *params, size_t *len);

/* Serialise any JSON value compactly, without escaping '/'; same contract
 * as the builders. obj is not consumed. */
char *verto_jsonrpc_dump(struct json_object *obj, size_t *len);

/* The standard message of an error code, e.g. "Authentication Required". */
const char *verto_jsonrpc_code_message(int code);

#endif
