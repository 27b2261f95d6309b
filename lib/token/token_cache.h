/*
 * token_cache.h - a bounded cache of token verdicts (introspection answers)
 * keyed by the SHA-256 of the token, so the token itself is never stored.
 * Direct-mapped: a fixed array of slots allocated once; a new entry
 * replaces whatever shared its slot. Entries expire at the time given when
 * they were put.
 *
 * Pure C. The memory and the lock come from the caller (Kamailio shared
 * memory and a gen_lock in the module, malloc and nothing in tests); every
 * function takes the lock itself.
 */
#ifndef IWG_TOKEN_CACHE_H
#define IWG_TOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "token/token.h"

typedef struct tok_cache_ops {
	void *(*alloc)(size_t n);
	void (*free)(void *p);
	void (*lock)(void *arg);
	void (*unlock)(void *arg);
	void *lock_arg;
} tok_cache_ops_t;

typedef struct tok_cache_stats {
	uint64_t hits, misses, inserts, replaced;
	size_t slots;
} tok_cache_stats_t;

typedef struct tok_cache tok_cache_t;

/* A cache of `slots` entries (>= 1), or NULL when out of memory. */
tok_cache_t *tok_cache_new(size_t slots, const tok_cache_ops_t *ops);

/* Free the cache and its slots. */
void tok_cache_destroy(tok_cache_t *c);

/*
 * Look token[0..len) up at monotonic time now_ms: 1 and *st (TOK_OK with
 * out->sub and the times, or a cached refusal such as TOK_INACTIVE) on a
 * hit, 0 on a miss.
 */
int tok_cache_get(tok_cache_t *c, const char *token, size_t len, int64_t now_ms,
				  tok_status_t *st, tok_claims_t *out);

/*
 * Remember the verdict st (and claims, for TOK_OK) for token[0..len) until
 * expires_ms (monotonic). Nothing is stored when expires_ms <= now_ms.
 */
void tok_cache_put(tok_cache_t *c, const char *token, size_t len,
				   int64_t now_ms, int64_t expires_ms, tok_status_t st,
				   const tok_claims_t *claims);

/* Counters since creation. */
void tok_cache_get_stats(tok_cache_t *c, tok_cache_stats_t *out);

#endif
