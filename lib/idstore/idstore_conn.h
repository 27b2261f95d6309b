/*
 * idstore_conn.h - the connection layer of the identity store, private to
 * lib/idstore: one server (standalone, or the master named by Sentinels)
 * or a Redis Cluster (a connection per master, slot map, MOVED/ASK,
 * per-master WAIT), behind one way to send a command "for a slot".
 *
 * Every function sets ctx->err/errstr on failure (idstore.h). A slot of -1
 * means "any node" (PING, PUBLISH, SUBSCRIBE); without Cluster the slot is
 * ignored. Replies returned are owned by the caller (freeReplyObject).
 */
#ifndef IWG_IDSTORE_CONN_H
#define IWG_IDSTORE_CONN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "idstore/idstore.h"

/* ctx->err = err, errstr from fmt; returns err */
__attribute__((format(printf, 3, 4))) int ids_set_err(ids_ctx_t *ctx, int err,
													  const char *fmt, ...);

/* ctx->err = IDS_OK, errstr empty; returns IDS_OK */
int ids_ok(ids_ctx_t *ctx);

/*
 * Connect ctx (conf_ already copied and checked): Sentinels, a "cluster:"
 * seed list, or one address (which becomes a Cluster seed when the server
 * turns out to be a Cluster node). IDS_OK or an error.
 */
int ids_conn_open(ids_ctx_t *ctx);

/* Close every connection of ctx (it may be connected again only by a new
 * ids_connect). Safe on a context never connected. */
void ids_conn_close(ids_ctx_t *ctx);

/* 1 when ctx speaks to a Redis Cluster. */
int ids_is_cluster(const ids_ctx_t *ctx);

/*
 * Run one command for slot (its key's ids_key_slot, -1 for any node).
 * Cluster: routed by the slot map, following MOVED (map refreshed) and ASK
 * (ASKING, once), at most a few redirects; a lost connection is retried on
 * a fresh map only when write is 0 (a write may have been applied). A
 * write marks its master for the next ids_wait. Single server: READONLY
 * closes the connection (IDS_ERR_IO). NULL with ctx->err set on failure;
 * an error reply other than a redirect is returned as a reply.
 */
redisReply *ids_cmd_at(ids_ctx_t *ctx, int slot, int write, int argc,
					   const char **argv, const size_t *lens);

/* The slot of a NUL-terminated key name. */
int ids_slot_of(const char *key);

/*
 * WAIT for conf.wait_replicas replicas on every master written since the
 * last call (one server: that server). IDS_OK, IDS_ERR_NOT_REPLICATED
 * (errstr names the master and the count), or IDS_ERR_IO.
 */
int ids_wait(ids_ctx_t *ctx);

/* the command i of a batch: argv/lens point into the builder's memory,
 * valid until the next build call */
typedef struct ids_bcmd {
	int argc;
	const char **argv;
	const size_t *lens; /* NULL: strlen */
	int slot;
	int write;
} ids_bcmd_t;

/* fill c for command i; 1 to send it, 0 to skip i, -1 to stop (ctx->err) */
typedef int (*ids_bbuild_fn)(ids_ctx_t *ctx, void *arg, size_t i,
							 ids_bcmd_t *c);
/* consume the reply of command i (freed by the caller after) */
typedef void (*ids_breply_fn)(ids_ctx_t *ctx, void *arg, size_t i,
							  const redisReply *r);

/*
 * Pipelined commands 0..n-1: sent in chunks, each to its slot's master,
 * replies handed to reply in order of i (a command redirected in Cluster
 * is re-sent on its own after its chunk, so its reply comes later).
 * IDS_OK, or an I/O error (some commands may have run).
 */
int ids_batch(ids_ctx_t *ctx, size_t n, ids_bbuild_fn build,
			  ids_breply_fn reply, void *arg);

/* called by ids_scan_step with each key name found (not NUL-safe: k[len]
 * is NUL); non-zero stops the scan */
typedef int (*ids_key_fn)(ids_ctx_t *ctx, const char *k, size_t len, void *arg);

/*
 * One SCAN step with MATCH match over every master (slot -1) or the
 * master of slot. *cursor 0 starts and comes back 0 at the end; in Cluster
 * its top 8 bits number the master. IDS_OK or an error.
 */
int ids_scan_step(ids_ctx_t *ctx, int slot, const char *match, uint64_t *cursor,
				  int count, ids_key_fn fn, void *arg);

/*
 * For tests only (tests/unit/test_idstore_redis.c), NULL otherwise: called
 * between the steps of a write of a mapping with a DID, so a test can run
 * another writer's steps there: IDS_STEP_CLAIMED after the DID claim and
 * before the mapping's script (ids_put), IDS_STEP_WRITTEN after the
 * mapping's script and before the DID release (ids_put, ids_del).
 */
enum { IDS_STEP_CLAIMED = 1, IDS_STEP_WRITTEN = 2 };
extern void (*ids_step_hook)(ids_ctx_t *ctx, int step);

/* The connection of "any node" (connected on demand); NULL with err. */
redisContext *ids_conn_any(ids_ctx_t *ctx);

/*
 * 1 when the error reply r (REDIS_REPLY_ERROR) says a key holds another
 * Redis type than a command, or a script's redis.call, expects: the reply
 * starts "WRONGTYPE " (a command; a script on Redis 7), or starts "ERR
 * Error running script" and holds ": WRONGTYPE " (a script on Redis 6).
 * Nowhere else: the error replies of our scripts may carry a stored value
 * (CONFLICT <owner>), which must not pass for it. (idstore.c)
 */
int ids_reply_wrongtype(const redisReply *r);

#endif
