/*
 * ng_client.h - rtpengine NG control protocol client over UDP.
 *
 * Wire format, both directions: "<cookie> <bencoded dictionary>". A reply
 * carries the cookie of its request. Every request gets a fresh cookie;
 * retransmissions reuse it, so rtpengine answers a retransmitted command
 * from its cookie cache instead of executing it twice.
 *
 * Pure C (no Kamailio headers); blocking; one request at a time per client.
 * A client is not thread-safe; use one per thread or process.
 */
#ifndef IWG_NG_CLIENT_H
#define IWG_NG_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ng/bencode.h"

#define NG_DEFAULT_HOST		  "127.0.0.1"
#define NG_DEFAULT_PORT		  2223
#define NG_DEFAULT_TIMEOUT_MS 1000
#define NG_DEFAULT_RETRIES	  2
/* largest UDP payload */
#define NG_MAX_MSG 65535

/* error codes (return values and ng_client.err) */
enum {
	NG_OK = 0,
	NG_ERR_ARG = 1,		/* bad argument (address, empty command) */
	NG_ERR_IO = 2,		/* socket error */
	NG_ERR_TIMEOUT = 3, /* no matching reply after all retries */
	NG_ERR_PROTO = 4,	/* reply unparsable or without "result" */
	NG_ERR_REMOTE = 5,	/* rtpengine answered result "error"/"load limit" */
	NG_ERR_OOM = 6,
};

typedef struct ng_client {
	int err;		  /* last error, NG_OK after a successful request */
	char errstr[128]; /* human-readable detail of err */
	int timeout_ms;	  /* wait per attempt */
	int retries;	  /* retransmissions after the first send */
	/* private */
	int fd_;
	struct sockaddr_storage addr_;
	socklen_t addrlen_;
	uint64_t seq_;
	uint32_t salt_;
	char *rx_;
	char peer_[80];
} ng_client;

/*
 * Parse "host:port", "[v6addr]:port", "host" (default port), "port"
 * (default host) or a bare IPv6 address into host (NUL-terminated, size
 * hostsz) and *port. Returns 0, or -1 when malformed or too long.
 */
int ng_parse_hostport(const char *s, char *host, size_t hostsz,
					  unsigned short *port);

/*
 * Create a client for host (numeric IPv4/IPv6 or a name) and port.
 * timeout_ms <= 0 and retries < 0 select the defaults.
 *
 * Returns NULL only when out of memory. Otherwise check c->err: a client
 * whose creation failed (bad address, socket error) must only be freed.
 * Free with ng_client_free().
 */
ng_client *ng_client_new(const char *host, unsigned short port, int timeout_ms,
						 int retries);

/* Close the socket and free the client. NULL is allowed. */
void ng_client_free(ng_client *c);

/*
 * Send the bencoded dictionary body[0..len) and wait for the reply with
 * the same cookie: up to timeout_ms per attempt, 1 + retries attempts.
 * Replies with other cookies (late answers to earlier requests) are
 * skipped.
 *
 * Returns NG_OK and stores the decoded reply in *reply when rtpengine's
 * "result" is not an error. Returns NG_ERR_REMOTE, also storing *reply,
 * when it is "error" or "load limit" (errstr holds the "error-reason").
 * Other errors leave *reply NULL. The caller frees *reply with
 * bencode_doc_free(); reply->root is always a dictionary.
 *
 * Errors are per request: the client stays usable after any of them
 * (UDP has no connection state to lose).
 */
int ng_request(ng_client *c, const void *body, size_t len, bencode_doc **reply);

/* ng_request() with the finished contents of an encoder buffer. */
int ng_request_buf(ng_client *c, const bencode_buf *b, bencode_doc **reply);

/*
 * Command helpers; same returns and ownership as ng_request().
 * ng_ping() returns NG_ERR_PROTO unless the result is "pong".
 * from_tag may be NULL (whole call); limit < 0 omits "limit".
 */
int ng_ping(ng_client *c, bencode_doc **reply);
int ng_query(ng_client *c, const char *call_id, const char *from_tag,
			 bencode_doc **reply);
int ng_list(ng_client *c, long limit, bencode_doc **reply);
int ng_statistics(ng_client *c, bencode_doc **reply);
int ng_delete(ng_client *c, const char *call_id, const char *from_tag,
			  bencode_doc **reply);

/*
 * Framing helpers (pure, for tests and servers).
 *
 * ng_msg_split: split msg[0..len) at the first space into the cookie and
 * the body. Returns 0 with pointers into msg, or -1 when there is no space
 * or the cookie is empty.
 */
int ng_msg_split(const char *msg, size_t len, const char **cookie,
				 size_t *cookie_len, const char **body, size_t *body_len);

/*
 * ng_msg_build: write "<cookie> <body>" into out[0..outsz). The cookie must
 * be non-empty and hold no space. Returns the message length, or -1 when
 * the cookie is invalid or the message does not fit.
 */
long ng_msg_build(char *out, size_t outsz, const char *cookie, const void *body,
				  size_t len);

/* Name of an NG_* error code, e.g. "timeout". */
const char *ng_strerror(int err);

#endif
