/*
 * idmap_cache.h - the per-node cache of identity mappings: a hash table
 * with LRU eviction at a size bound, a TTL per entry, negative entries
 * (mapping known absent), and "stale" marks from invalidation notices.
 *
 * Pure C: memory and locking come from the caller (Kamailio passes
 * shm_malloc and a gen_lock_t; tests pass malloc and nothing), and so does
 * the time (milliseconds of a monotonic clock), which keeps it testable.
 * Every function takes the lock itself; none expects it held.
 */
#ifndef IWG_IDMAP_CACHE_H
#define IWG_IDMAP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "idstore/idstore_record.h"

typedef enum idmap_cache_kind {
	IDC_FWD = 0, /* (ns, key) */
	IDC_REV = 1, /* (ns, normalised sip_uri) */
} idmap_cache_kind_t;

/* what idmap_cache_get found */
typedef enum idmap_cache_state {
	IDC_MISS = 0,  /* nothing usable */
	IDC_FRESH = 1, /* within its TTL and not invalidated */
	IDC_STALE = 2, /* expired or invalidated, but younger than max_stale */
} idmap_cache_state_t;

typedef struct idmap_cache_stats {
	uint64_t entries, max_entries;
	uint64_t hits, neg_hits, stale_hits, misses;
	uint64_t inserts, evictions, invalidations, flushes;
} idmap_cache_stats_t;

typedef struct idmap_cache_ops {
	void *(*alloc)(size_t);
	void (*free)(void *);
	void (*lock)(void *); /* NULL: no locking (one thread) */
	void (*unlock)(void *);
	void *lock_arg;
} idmap_cache_ops_t;

typedef struct idc idmap_cache_t;

/*
 * Create a cache of at most max_entries entries. The cache and its entries
 * are allocated with ops->alloc. Returns NULL when out of memory or
 * max_entries is 0.
 */
idmap_cache_t *idmap_cache_new(size_t max_entries,
							   const idmap_cache_ops_t *ops);

/* Free every entry and the cache (no other process may use it then). */
void idmap_cache_destroy(idmap_cache_t *c);

/*
 * Look (kind, ns, key) up at time now_ms. A fresh or stale positive entry
 * is copied to *out with *negative = 0; a negative entry sets
 * *negative = 1. Entries older than max_stale_ms are removed and reported
 * as IDC_MISS; a stale entry is only returned when allow_stale is set (the
 * caller cannot reach Redis), and counted as a stale hit then.
 */
idmap_cache_state_t idmap_cache_get(idmap_cache_t *c, idmap_cache_kind_t kind,
									const char *ns, const char *key,
									int64_t now_ms, int64_t max_stale_ms,
									int allow_stale, ids_record_t *out,
									int *negative);

/*
 * Store (kind, ns, key) -> rec, or a negative entry when rec is NULL, valid
 * for ttl_ms from now_ms; replaces an existing entry, evicts the least
 * recently used one when full. Returns 0, or -1 when out of memory or the
 * key is too long (the cache is then unchanged).
 */
int idmap_cache_put(idmap_cache_t *c, idmap_cache_kind_t kind, const char *ns,
					const char *key, const ids_record_t *rec, int64_t now_ms,
					int64_t ttl_ms);

/* Mark (kind, ns, key) stale. Returns 1 when an entry was marked. */
int idmap_cache_invalidate(idmap_cache_t *c, idmap_cache_kind_t kind,
						   const char *ns, size_t ns_len, const char *key,
						   size_t key_len);

/* Mark every entry stale (notices may have been missed). */
void idmap_cache_invalidate_all(idmap_cache_t *c);

/* Remove every entry. */
void idmap_cache_flush(idmap_cache_t *c);

/* Copy the counters. */
void idmap_cache_get_stats(idmap_cache_t *c, idmap_cache_stats_t *st);

#endif
