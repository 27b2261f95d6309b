/*
 * idmap_inval.h - the invalidation listener: a dedicated process subscribed
 * to the change notices of lib/idstore, marking cache entries stale. After
 * a reconnect it marks everything stale (notices may have been missed).
 * Pure C (lib/idstore + the cache).
 */
#ifndef IWG_IDMAP_INVAL_H
#define IWG_IDMAP_INVAL_H

#include "idmap_cache.h"
#include "idstore/idstore.h"

/* Apply one notice msg[0..len) to the cache. Returns entries marked. */
int idmap_inval_apply(idmap_cache_t *cache, const char *msg, size_t len);

/*
 * Listen until *stop becomes non-zero (checked at least every 500 ms):
 * connect (Sentinel-aware), subscribe, apply notices, reconnect with
 * backoff up to retry_max_ms. log(level, text) reports connection changes
 * (level 0 info, 1 error); may be NULL.
 */
void idmap_inval_run(const ids_conf_t *conf, idmap_cache_t *cache,
					 int retry_max_ms, volatile int *stop,
					 void (*log)(int level, const char *text));

#endif
