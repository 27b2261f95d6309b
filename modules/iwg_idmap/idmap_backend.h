/*
 * idmap_backend.h - a lookup as a worker does it: the cache first, then
 * this process's own Redis connection, with reconnect backoff while Redis
 * is unreachable (no attempt before the backoff expires, so a worker never
 * waits longer than one connect or command timeout), and stale cache
 * entries served while it is down. A stored mapping that fails validation
 * (lib/idstore's IDS_ERR_CORRUPT) is an answer about that mapping alone:
 * the connection is kept, no backoff, so every other lookup still goes to
 * Redis.
 *
 * Pure C (lib/idstore + the cache). One idmap_backend_t per process.
 */
#ifndef IWG_IDMAP_BACKEND_H
#define IWG_IDMAP_BACKEND_H

#include <stdint.h>

#include "idmap_cache.h"
#include "idstore/idstore.h"

typedef enum idmap_backend_result {
	IDB_FOUND = 0,		 /* *out holds the mapping */
	IDB_NOTFOUND = 1,	 /* Redis (or a cached negative) says absent */
	IDB_UNAVAILABLE = 2, /* Redis unreachable and nothing usable cached */
	IDB_BADARG = 3,		 /* namespace or key unusable */
	/* the stored mapping (or its URI or DID entry) failed validation:
	 * not served, not cached; b->invalid says which field and why */
	IDB_INVALID = 4,
} idmap_backend_result_t;

typedef struct idmap_backend_opts {
	int64_t ttl_ms;		  /* positive entries */
	int64_t neg_ttl_ms;	  /* negative entries (0: not cached) */
	int64_t max_stale_ms; /* serve entries this old while Redis is down */
	int retry_min_ms, retry_max_ms; /* reconnect backoff */
} idmap_backend_opts_t;

typedef struct idb {
	ids_conf_t conf;
	idmap_backend_opts_t opts;
	idmap_cache_t *cache; /* may be NULL: no caching */
	/* after IDB_INVALID: the stored field that failed ("" the mapping or
	 * entry as a whole) and why, never the value (ids_ctx_t.corrupt) */
	ids_error_t invalid;
	/* private */
	ids_ctx_t *ctx;
	int64_t next_try_ms;
	int backoff_ms;
	uint64_t redis_lookups, redis_errors; /* this process */
} idmap_backend_t;

/* Set up b (no connection yet). */
void idmap_backend_init(idmap_backend_t *b, const ids_conf_t *conf,
						const idmap_backend_opts_t *opts, idmap_cache_t *cache);

/* Connect now unless connected or backing off. 0 connected, -1 not. */
int idmap_backend_connect(idmap_backend_t *b, int64_t now_ms);

/* Drop the connection. */
void idmap_backend_close(idmap_backend_t *b);

/*
 * Look up (ns, key) (reverse = 0) or (ns, uri) (reverse = 1) at time now_ms.
 * *stale is set when the answer came from a stale cache entry. A reverse
 * uri "tel:+<E.164>" names a DID: the mapping of ns holding it, read from
 * Redis every time (never cached; IDB_UNAVAILABLE while Redis is down; a
 * DID of another namespace is IDB_NOTFOUND). IDB_INVALID when Redis holds
 * a mapping or entry that fails validation (b->invalid; *out undefined):
 * counted in redis_lookups, not in redis_errors.
 */
idmap_backend_result_t idmap_backend_lookup(idmap_backend_t *b, int reverse,
											const char *ns, const char *key,
											int64_t now_ms, ids_record_t *out,
											int *stale);

/* Milliseconds of the monotonic clock. */
int64_t idmap_backend_now_ms(void);

#endif
