/*
 * backend.h - clients for the monitored services: Kamailio JSON-RPC over
 * HTTP (libcurl), Redis (hiredis) and rtpengine NG (lib/ng).
 *
 * Connections are per worker thread (thread-local), opened on first use and
 * dropped after an error, so a service that comes back is used again
 * without a restart. Every call is bounded by the configured timeout.
 */
#ifndef IWG_ADMIND_BACKEND_H
#define IWG_ADMIND_BACKEND_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "conf.h"
#include "idstore/idstore.h"
#include "ng/ng_client.h"

struct json_object;

typedef struct backend_err {
	int down;	  /* 1: service unreachable/timeout; 0: it answered an error */
	int rpc_code; /* JSON-RPC fault code, 0 when not a fault */
	char rpc_msg[400]; /* JSON-RPC fault message as sent */
	char msg[200];
} backend_err;

/* Once per process before threads start / at exit. */
int backend_global_init(void);
void backend_global_cleanup(void);

/*
 * Call JSON-RPC method on a Kamailio node with params (a JSON array as
 * text, or NULL for none). Returns 0 with the "result" member in *result
 * (caller releases it with json_object_put()), or -1 with e set; a
 * JSON-RPC fault (whatever the HTTP status it came with) sets e->rpc_code
 * and e->rpc_msg. The request carries X-IWG-RPC-Key when c has a
 * kamailio_rpc_key; an HTTP 403 is Kamailio refusing that key (or its
 * absence), reported as such in e->msg whatever the body. *secs
 * (may be NULL) receives the round-trip time.
 */
int backend_rpc_call(const conf_settings *c, const conf_kamailio *node,
					 const char *method, const char *params,
					 struct json_object **result, backend_err *e, double *secs);

/*
 * 1 when e is Kamailio's answer to a method no loaded module exports
 * (jsonrpcs: fault 500 "Method Not Found", or the standard -32601).
 */
int backend_rpc_no_method(const backend_err *e);

/*
 * Run one Redis command (argv form, binary safe; argvlen may be NULL for
 * NUL-terminated arguments) on this thread's connection, made through
 * lib/idstore: with the Sentinels when configured (a lost connection or a
 * master turned replica (READONLY) is dropped and made again once, which
 * asks them anew); on a Redis Cluster to the master serving the key
 * argv[1] (ids_command(); MOVED and ASK followed; a command of argc 1 to
 * any node). Returns the reply (free with freeReplyObject()) or NULL with
 * e set: e->down when Redis is unreachable, else an error reply's text.
 * A command whose connection broke is sent once more on a new one, so a
 * write may be applied twice (the audit log's XADD: a duplicate entry).
 */
redisReply *backend_redis_command(const conf_settings *c, int argc,
								  const char **argv, const size_t *argvlen,
								  backend_err *e);

/* The lib/idstore settings of c: address, Cluster seeds or Sentinels,
 * password, timeouts (redis_timeout_ms), WAIT after writes. */
void backend_redis_ids_conf(const conf_settings *c, ids_conf_t *ic);

/* Where Redis is, for messages: "HOST:PORT", "cluster of seeds LIST" or
 * "master NAME of sentinels LIST" (truncated to size). */
void backend_redis_target(const conf_settings *c, char *buf, size_t size);

/*
 * A new NG client for node with the configured timeout (1 retry), or NULL
 * with e set. Free with ng_client_free().
 */
ng_client *backend_ng_open(const conf_settings *c, const conf_rtpengine *node,
						   backend_err *e);

/* Set e from an NG client's last error (down for timeouts and I/O). */
void backend_ng_error(const ng_client *ng, backend_err *e);

/*
 * {"node", "status": "ok" (e NULL), "unavailable" (e->down) or "error",
 * "message"?: e->msg} of one node a listing asked: a new object.
 */
struct json_object *backend_source_json(const char *node, const backend_err *e);

#endif
