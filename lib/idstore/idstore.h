/*
 * idstore.h - identity mappings in Redis: connection (standalone,
 * Sentinel or Redis Cluster), scripted writes, lookups, listing, bulk
 * import, upgrade of old key names.
 *
 * The write of a mapping is one Lua script run by Redis (atomic): the
 * mapping hash and its URI reverse entry never disagree, and the script
 * publishes the change notice on IDS_CHANNEL in the same step. The DID
 * entry, unique across namespaces, lives in another Cluster slot: it is
 * claimed before that script and released after it (a DID the mapping no
 * longer holds, or one claimed for a write that was refused), each step
 * atomic on its own; each claim writes its own token, which the mapping
 * keeps, and a release changes the entry only when it still holds the
 * token it names, so a writer never releases a later writer's claim of the
 * same mapping. A client stopped between two steps leaves at most a
 * DID entry naming a mapping that does not hold that DID: lookups ignore
 * it (ids_reverse_did), and it keeps the DID reserved for that mapping
 * until that mapping is written again or deleted (docs/identity.md, "Redis
 * Cluster"). Key names: idstore_schema.h.
 *
 * Redis Cluster: conf.addr "cluster:host:port,host:port,..." lists seed
 * nodes; a plain "host:port" that turns out to be a Cluster node is a seed
 * too. The slot map comes from CLUSTER SLOTS; a connection per master is
 * opened on demand; MOVED refreshes the map and retries, ASK retries once
 * at the target after ASKING (only when the target is a master of the
 * map: the password is never sent to an address a reply names, see
 * docs/identity.md "Redis Cluster"); a master that stopped answering makes the
 * next command refresh the map (from the other masters or the seeds), so a
 * promoted replica is found; at most a few redirects per command. A write
 * whose connection broke is not retried (it may have been applied):
 * IDS_ERR_IO, and the context stays usable in Cluster mode.
 *
 * Pure C on hiredis (no Kamailio). A context is one blocking connection,
 * not thread-safe. Errors hiredis-style: functions return IDS_OK (0) or an
 * IDS_ERR_* code, which is also left in ctx->err with detail in
 * ctx->errstr. After IDS_ERR_IO or IDS_ERR_PROTO the connection is broken:
 * free the context and connect again (with Sentinels, that asks them for
 * the master anew). The other errors leave it usable.
 *
 * What is read back is checked as a write checks it: anything with write
 * access to Redis (another client, an older tool) may have stored a
 * mapping or a reverse entry that fails validation. Such data is
 * IDS_ERR_CORRUPT, about that one mapping or entry: the reply was read
 * whole, the connection stays usable, and the other mappings are served
 * as before. A caller must not take it for a broken connection (a backoff
 * or a reconnect would let one bad record stop every lookup) nor for the
 * caller's own bad input. ctx->corrupt names the stored field that failed
 * and why, never its value; a write (ids_put, ids_del) replaces or removes
 * such a mapping.
 *
 * Redis versions: the tests run on Redis 7.0 (Debian 12's redis-server,
 * 7.0.15), the version supported. Redis 6.0 and later are expected to work
 * (the commands used are Redis 5's but for the replies of a script error,
 * whose Redis 6 form, "ERR Error running script ...: WRONGTYPE ...", is
 * recognised too); they are not tested. Redis Cluster: every key a script
 * touches is in the one slot it was routed by (idstore_scripts.h).
 *
 * Durability: a write acknowledged by the master alone can be lost when the
 * master dies before a replica has it (a Sentinel failover promotes the
 * replica). With conf.wait_replicas > 0 every write (ids_put, ids_del,
 * ids_set_enabled, ids_import) is followed by Redis WAIT: IDS_OK then means
 * that many replicas had it; IDS_ERR_NOT_REPLICATED means the write was made
 * on the master but fewer replicas acknowledged it in time, so it may or may
 * not survive a failover (docs/identity.md, "Acknowledged writes").
 */
#ifndef IWG_IDSTORE_H
#define IWG_IDSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "idstore/idstore_record.h"
#include "idstore/idstore_schema.h"

enum {
	IDS_OK = 0,
	IDS_ERR_ARG = 1,	  /* bad argument or configuration */
	IDS_ERR_IO = 2,		  /* connect, timeout or socket error */
	IDS_ERR_PROTO = 3,	  /* unexpected reply from Redis */
	IDS_ERR_NOTFOUND = 4, /* no such mapping */
	IDS_ERR_EXISTS = 5,	  /* create of a mapping that exists */
	IDS_ERR_CONFLICT = 6, /* sip_uri or did already held by another key */
	IDS_ERR_INVALID = 7,  /* record failed validation */
	IDS_ERR_OOM = 8,
	IDS_ERR_REMOTE = 9, /* Redis answered an error */
	/* written on the master, fewer than conf.wait_replicas replicas
	 * acknowledged it within conf.wait_timeout_ms (errstr: how many); the
	 * connection stays usable */
	IDS_ERR_NOT_REPLICATED = 10,
	/* a stored mapping or reverse entry failed validation on read (or a
	 * key of the schema holds another Redis type): ctx->corrupt says
	 * which field and why; the connection stays usable */
	IDS_ERR_CORRUPT = 11,
};

#define IDS_DEFAULT_TIMEOUT_MS		200
#define IDS_DEFAULT_WAIT_TIMEOUT_MS 500
#define IDS_ADDR_MAX				256

/* where and how to connect */
typedef struct ids_conf {
	/* "host:port", "host" (port 6379), "unix:/path", or
	 * "cluster:host:port,host:port,..." (Redis Cluster seeds); used when
	 * sentinels is empty */
	char addr[IDS_ADDR_MAX];
	/* "host:port,host:port,..." of Redis Sentinels; when set, the master
	 * of sentinel_master is asked for and connected to */
	char sentinels[IDS_ADDR_MAX];
	char sentinel_master[64];
	char password[128]; /* AUTH when not empty */
	int db;				/* SELECT when > 0 */
	int connect_timeout_ms;
	int cmd_timeout_ms;
	/* after each write, WAIT for this many replicas (0: do not wait) ... */
	int wait_replicas;
	/* ... at most this long (> 0; the command timeout is extended by it
	 * for the WAIT) */
	int wait_timeout_ms;
} ids_conf_t;

typedef struct ids_ctx {
	int err;
	char errstr[128];
	/* after IDS_ERR_CORRUPT (unset otherwise): field, the stored field of
	 * the mapping that failed ("key" for a URI entry naming a key that is
	 * not one; "" when the mapping or entry as a whole is unusable: another
	 * Redis type, a malformed DID entry), and msg, why (never the value);
	 * line is 0 */
	ids_error_t corrupt;
	char peer[IDS_ADDR_MAX]; /* the server connected to, "host:port" */
	/* private */
	void *rc_; /* the one connection, or the Cluster's "any node" one */
	void *cl_; /* Cluster state (idstore_conn.c), NULL otherwise */
	ids_conf_t conf_;
} ids_ctx_t;

/* Fill conf with the defaults: 127.0.0.1:6379, 200 ms timeouts, no WAIT
 * (wait_replicas 0, wait_timeout_ms 500). */
void ids_conf_init(ids_conf_t *conf);

/*
 * Connect (asking the Sentinels first when configured, trying each in
 * turn, and checking that the server reached is a master). Returns NULL
 * only when out of memory; otherwise check ctx->err: a context that failed
 * to connect must only be freed (IDS_ERR_ARG also for wait_replicas < 0 or
 * wait_replicas > 0 with wait_timeout_ms <= 0). Free with ids_free().
 *
 * A server that answers READONLY (a master demoted to replica while we
 * were connected) fails the call with IDS_ERR_IO and the connection is
 * closed, so the caller connects again and reaches the new master.
 */
ids_ctx_t *ids_connect(const ids_conf_t *conf);

/* Close and free. NULL is allowed. */
void ids_free(ids_ctx_t *ctx);

/*
 * The hiredis connection of ctx (a redisContext *), for callers that run
 * their own commands beside the identity store's on the same server (the
 * admin daemon's audit log). Borrowed: valid until ids_free(ctx) or the
 * next ids_* call in Cluster mode; NULL when not connected. Leave it idle
 * (every reply read) before the next ids_* call; when it fails, free ctx.
 * In Cluster mode it is the connection to one master, which answers MOVED
 * for keys of other masters' slots: use ids_command() there.
 */
struct redisContext *ids_redis(ids_ctx_t *ctx);

struct redisReply;

/*
 * Run one command of the caller's whose key is argv[1] (none when argc is
 * 1: any node), on the master serving that key in Cluster mode (MOVED and
 * ASK followed), on the one server otherwise. lens may be NULL (strlen).
 * Returns the reply, owned by the caller (freeReplyObject; an error reply
 * of Redis is a reply), or NULL with ctx->err set (IDS_ERR_IO: connection
 * lost, the command may have run; with one server, free ctx then).
 */
struct redisReply *ids_command(ids_ctx_t *ctx, int argc, const char **argv,
							   const size_t *lens);

/*
 * Run a Lua script of the caller's on its keys: argv[0..nkeys) are KEYS,
 * argv[nkeys..argc) ARGV (argvlen NULL: strlen). Sent as EVALSHA, then as
 * EVAL when the server does not have the script cached (script is its
 * body; its SHA1 is computed here). Routed by KEYS[1] to the master
 * serving its slot in Cluster mode (MOVED and ASK followed); every key must
 * be in that slot (share a hash tag), checked in every mode (IDS_ERR_ARG
 * otherwise, so a script tried on one server fails the same way before it
 * meets a Cluster); no key (nkeys 0): any node. No WAIT is sent.
 *
 * Returns IDS_OK with *reply set (owned by the caller: freeReplyObject),
 * whatever its type but error. An error reply (the script's
 * redis.error_reply, a runtime error, a refusal like CROSSSLOT) is
 * IDS_ERR_REMOTE with its text in ctx->errstr (truncated to 127 bytes) and
 * *reply NULL; the connection stays usable. IDS_ERR_IO: the connection was
 * lost and the script may have run (with one server, free ctx; in Cluster
 * mode the next call reconnects). *reply is NULL on every error.
 */
int ids_eval(ids_ctx_t *ctx, const char *script, int nkeys, int argc,
			 const char **argv, const size_t *argvlen,
			 struct redisReply **reply);

/* PING the server. IDS_OK or an error. */
int ids_ping(ids_ctx_t *ctx);

/* write modes of ids_put */
enum {
	IDS_PUT_CREATE = 0,	 /* fail with IDS_ERR_EXISTS if it exists */
	IDS_PUT_UPSERT = 1,	 /* create or replace */
	IDS_PUT_REPLACE = 2, /* fail with IDS_ERR_NOTFOUND if it does not */
};

/*
 * Write a mapping atomically: validate it (IDS_ERR_INVALID, detail in e if
 * not NULL), refuse a sip_uri whose reverse entry belongs to another key in
 * the namespace, or a did held by another mapping in any namespace
 * (IDS_ERR_CONFLICT: the owner in errstr, and e->field "sip_uri" or "did"
 * with e->msg when e is not NULL), replace the whole hash, move the reverse
 * entries (the URI's; the DID's, dropped when the record has no did
 * anymore), publish the change notice. Then WAIT when conf.wait_replicas
 * is set (IDS_ERR_NOT_REPLICATED: written, not known durable). A stored
 * mapping that fails validation (IDS_ERR_CORRUPT on read), or another
 * Redis type at its key, is replaced like any other (IDS_ERR_EXISTS for
 * IDS_PUT_CREATE); a stored DID field that is not a DID releases nothing.
 * A reverse entry holding another Redis type than a string names no
 * mapping but may still be named by one: the new URI's or DID's is
 * IDS_ERR_CONFLICT ("already held by an entry that is not one", nothing
 * of it shown, nothing written or deleted), except the URI entry the
 * stored hash of this mapping names (its _rev_uri is the URI written),
 * which is replaced; the old URI's or DID's is left alone. The owner named
 * in a conflict is shown only when it is a valid key ("a key that is not
 * one" otherwise: stored data is never shown unchecked).
 */
int ids_put(ids_ctx_t *ctx, const ids_record_t *r, int mode, ids_error_t *e);

/*
 * Load the mapping (ns, key) into *out. IDS_ERR_NOTFOUND when absent.
 * What is returned passed ids_record_validate(): a stored mapping that
 * does not (a field with a bad syntax, no sip_uri, not a hash) is
 * IDS_ERR_CORRUPT (ctx->corrupt, errstr "stored mapping <ns>:<key>:
 * <field> <why>"), *out then undefined. key may be any string, as a
 * listing (ids_list) finds it: a stored mapping whose key is not one (too
 * long, bytes a key may not hold) is IDS_ERR_CORRUPT, field "key", its
 * name not shown. IDS_ERR_ARG: ns holds a brace or is too long.
 */
int ids_get(ids_ctx_t *ctx, const char *ns, const char *key, ids_record_t *out);

/*
 * Load the mapping whose sip_uri normalises like uri (see ids_uri_norm), in
 * one round trip. IDS_ERR_NOTFOUND when absent, and when the URI entry
 * names a mapping whose sip_uri normalises otherwise (an entry left behind
 * by a write made by something else: never another user's mapping; not
 * logged); *out is then empty (ids_record_init), nothing of the mapping
 * reached left in it; IDS_ERR_CORRUPT as for ids_get, and when the URI entry
 * names a key that is not one (too long, invalid characters: errstr then does
 * not show it).
 */
int ids_reverse(ids_ctx_t *ctx, const char *ns, const char *uri,
				ids_record_t *out);

/*
 * Load the mapping holding the DID did, in any namespace (a DID belongs to
 * at most one mapping), in two round trips (the DID entry, then the
 * mapping, which must hold did); out->ns and out->key name it.
 * did must be as stored: '+' then 6 to 15 digits, nothing removed or added
 * (IDS_ERR_ARG otherwise, errstr says why). A disabled or expired mapping
 * is returned as well: the caller checks ids_record_usable(). Returns
 * IDS_OK, IDS_ERR_NOTFOUND when no mapping holds the DID (*out then empty,
 * as after ids_record_init: nothing of a mapping the entry named),
 * IDS_ERR_CORRUPT for a DID entry that is malformed or names an invalid
 * namespace or key, or a mapping as for ids_get, or an I/O error.
 */
int ids_reverse_did(ids_ctx_t *ctx, const char *did, ids_record_t *out);

/* Delete a mapping and its reverse entries (URI and DID). IDS_ERR_NOTFOUND
 * when absent (nothing written, no WAIT); IDS_ERR_NOT_REPLICATED as for
 * ids_put. A stored mapping that fails validation is deleted too (a DID
 * field that is not a DID releases no entry), and so is a mapping key
 * holding another Redis type than a hash, or a key that is not one (key
 * as for ids_get); ids_put replaces the first two. A reverse entry is
 * deleted only when it names this mapping: one naming another key, or
 * holding another Redis type, is left as it is and the delete completes. */
int ids_del(ids_ctx_t *ctx, const char *ns, const char *key);

/* Set enabled to 0/1; the reverse entries stay. IDS_ERR_NOTFOUND when
 * absent; IDS_ERR_NOT_REPLICATED as for ids_put; IDS_ERR_CORRUPT when the
 * key holds another Redis type than a hash. */
int ids_set_enabled(ids_ctx_t *ctx, const char *ns, const char *key,
					int enabled);

/* called by ids_list for each mapping key found; non-zero stops the scan */
typedef int (*ids_list_cb)(const char *ns, const char *key, void *arg);

/*
 * One SCAN step over the mappings of namespace ns (NULL or "" = all) whose
 * key matches the glob pattern (NULL = "*"). *cursor is 0 to start and is
 * updated; the scan is complete when it comes back 0. count is SCAN's COUNT
 * hint (<= 0: 100). cb gets each (ns, key). A mapping may be reported more
 * than once across steps (SCAN semantics).
 *
 * A map key name that no (ns, key) of C strings can name, a NUL byte in
 * it or a namespace that fails validation (written by something else), is
 * unaddressable: never passed to cb (cut at the NUL, it would name another
 * mapping, or none), but added to *unaddressable when it is not NULL (one
 * name may be counted twice, as above); such a key can only be removed
 * with redis-cli DEL. A key that is not one but holds no NUL (too long,
 * bytes a key may not hold) is passed to cb: ids_get and ids_del take it.
 */
int ids_list(ids_ctx_t *ctx, const char *ns, const char *pattern,
			 uint64_t *cursor, int count, ids_list_cb cb, void *arg,
			 size_t *unaddressable);

/* 1 when v[0..len) passes the check a write makes of field f (IDS_F_NS,
 * IDS_F_KEY), else 0: only then may a name read from Redis (which may hold
 * anything, terminal escapes and bytes that are not UTF-8 included) be
 * shown */
int ids_name_valid(ids_field_t f, const char *v, size_t len);

/*
 * Import n validated records, all or nothing as far as checks go: every
 * record is validated, duplicates (ns,key), (ns,sip_uri) or did inside the
 * set are refused, and every reverse entry is checked against Redis (a
 * sip_uri or did held by another mapping, or by an entry of another Redis
 * type as for ids_put, is a conflict) before the first
 * write.
 * Errors go to errs[0..maxerrs) with line = the index of the record + 1
 * (callers rewrite it to their file line), *nerrs says how many; nothing is
 * written when there is any. mode is an IDS_PUT_* for every record.
 * Returns IDS_OK, IDS_ERR_INVALID/CONFLICT/EXISTS (see errs), an I/O
 * error (some records may then have been written), or, once every record
 * is written, IDS_ERR_NOT_REPLICATED (one WAIT covers the whole batch).
 */
int ids_import(ids_ctx_t *ctx, const ids_record_t *recs, size_t n, int mode,
			   ids_error_t *errs, size_t maxerrs, size_t *nerrs);

/* counts of ids_upgrade_step, added to by each step */
typedef struct ids_upgrade_stats {
	size_t moved;	  /* copied under the new name, old key deleted */
	size_t kept;	  /* old key deleted, the new name had the same or
					   * (a mapping) a newer value */
	size_t conflicts; /* old URI entry left in place, reported */
} ids_upgrade_stats_t;

/* called by ids_upgrade_step for each old key left in place: its name, its
 * new name (NUL-terminated) and why, one line of text */
typedef void (*ids_upgrade_cb)(const char *old_key, const char *new_key,
							   const char *why, void *arg);

/*
 * One step of the upgrade of key names written before the Cluster hash
 * tags ("iwg:idm:map:<ns>:<key>" -> "iwg:idm:map:{<ns>}:<key>", the same
 * for "iwg:idm:rev:"; DID entries keep their names): SCAN (count hint, <=
 * 0: 100) over every master, each old key found copied under its new name
 * (DUMP/RESTORE) and then deleted. When the new name exists already
 * (written by an upgraded node): a mapping hash there is kept and the old
 * one dropped (st->kept, the same mapping's newer state); a URI entry
 * there holding the same key is kept likewise, one holding another key is
 * a conflict (two mappings would hold one URI). An old URI entry naming a
 * mapping whose new hash holds another URI (stale) is a conflict too. A
 * conflict leaves the old key in place (upgraded nodes do not read old
 * names), counts it in st->conflicts and calls cb (NULL: none).
 * *cursor is 0 to start and comes back 0 when the scan is complete.
 * Idempotent and resumable: run until the cursor is 0, and again, it finds
 * only the conflicts. IDS_OK (conflicts included), an I/O error,
 * IDS_ERR_REMOTE (a RESTORE refused), or IDS_ERR_NOT_REPLICATED as for
 * ids_put.
 */
int ids_upgrade_step(ids_ctx_t *ctx, uint64_t *cursor, int count,
					 ids_upgrade_stats_t *st, ids_upgrade_cb cb, void *arg);

/* Publish "*" so every node drops its cache. */
int ids_publish_flush(ids_ctx_t *ctx);

/* ---- change notices (for the cache invalidation process) ---- */

/* Subscribe the connection to IDS_CHANNEL. The context is then only good
 * for ids_next_notice(). In Cluster mode one node is subscribed to (a
 * PUBLISH reaches the subscribers of every node); when it dies
 * ids_next_notice() fails with IDS_ERR_IO: free and connect again, which
 * subscribes to a node that answers. */
int ids_subscribe(ids_ctx_t *ctx);

/*
 * Wait up to timeout_ms (<= 0: the command timeout) for the next change
 * notice and copy its payload into buf (NUL-terminated). Returns IDS_OK,
 * IDS_ERR_NOTFOUND when nothing arrived in time (the context stays usable),
 * or IDS_ERR_IO/PROTO.
 */
int ids_next_notice(ids_ctx_t *ctx, int timeout_ms, char *buf, size_t bufsz,
					size_t *len);

/* Name of an IDS_ERR_* code. */
const char *ids_strerror(int err);

#endif
