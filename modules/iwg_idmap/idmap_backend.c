/*
 * idmap_backend.c - cache, then Redis, with backoff and stale service.
 */
#include "idmap_backend.h"

#include <string.h>
#include <time.h>

int64_t idmap_backend_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void idmap_backend_init(idmap_backend_t *b, const ids_conf_t *conf,
						const idmap_backend_opts_t *opts, idmap_cache_t *cache)
{
	memset(b, 0, sizeof(*b));
	b->conf = *conf;
	b->opts = *opts;
	if (b->opts.retry_min_ms <= 0)
		b->opts.retry_min_ms = 100;
	if (b->opts.retry_max_ms < b->opts.retry_min_ms)
		b->opts.retry_max_ms = b->opts.retry_min_ms;
	b->cache = cache;
}

void idmap_backend_close(idmap_backend_t *b)
{
	ids_free(b->ctx);
	b->ctx = NULL;
}

/* a failure: drop the connection and wait before the next attempt */
static void idmap_backend_failed(idmap_backend_t *b, int64_t now_ms)
{
	idmap_backend_close(b);
	b->redis_errors++;
	b->backoff_ms = b->backoff_ms ? b->backoff_ms * 2 : b->opts.retry_min_ms;
	if (b->backoff_ms > b->opts.retry_max_ms)
		b->backoff_ms = b->opts.retry_max_ms;
	b->next_try_ms = now_ms + b->backoff_ms;
}

int idmap_backend_connect(idmap_backend_t *b, int64_t now_ms)
{
	if (b->ctx)
		return 0;
	if (now_ms < b->next_try_ms)
		return -1;
	b->ctx = ids_connect(&b->conf);
	if (!b->ctx || b->ctx->err) {
		idmap_backend_failed(b, idmap_backend_now_ms());
		return -1;
	}
	b->backoff_ms = 0;
	return 0;
}

/* a lookup's answer rc other than IDS_OK and IDS_ERR_NOTFOUND that is no
 * failure of Redis: IDB_BADARG, IDB_INVALID (b->invalid filled), or -1 */
static int idmap_backend_refused(idmap_backend_t *b, int rc)
{
	if (rc == IDS_ERR_ARG)
		return IDB_BADARG;
	if (rc != IDS_ERR_CORRUPT)
		return -1;
	b->invalid = b->ctx->corrupt;
	return IDB_INVALID;
}

/* answer from a stale entry, or unavailable */
static idmap_backend_result_t
idmap_backend_fallback(idmap_backend_t *b, idmap_cache_kind_t kind,
					   const char *ns, const char *key, int64_t now_ms,
					   ids_record_t *out, int *stale)
{
	int neg = 0;
	if (b->cache &&
		idmap_cache_get(b->cache, kind, ns, key, now_ms, b->opts.max_stale_ms,
						1, out, &neg) != IDC_MISS) {
		*stale = 1;
		return neg ? IDB_NOTFOUND : IDB_FOUND;
	}
	return IDB_UNAVAILABLE;
}

/*
 * The mapping of ns holding the DID did, straight from Redis: no cache (the
 * change notices name no DIDs, so a cached DID could outlive its move to
 * another user), so nothing to serve while Redis is down. A DID of another
 * namespace is absent for ns.
 */
static idmap_backend_result_t
idmap_backend_lookup_did(idmap_backend_t *b, const char *ns, const char *did,
						 int64_t now_ms, ids_record_t *out)
{
	int rc;

	if (idmap_backend_connect(b, now_ms) < 0)
		return IDB_UNAVAILABLE;
	b->redis_lookups++;
	rc = ids_reverse_did(b->ctx, did, out);
	if (rc == IDS_OK)
		return strcmp(out->ns, ns) == 0 ? IDB_FOUND : IDB_NOTFOUND;
	if (rc == IDS_ERR_NOTFOUND)
		return IDB_NOTFOUND;
	if ((rc = idmap_backend_refused(b, rc)) >= 0)
		return (idmap_backend_result_t)rc;
	idmap_backend_failed(b, now_ms);
	return IDB_UNAVAILABLE;
}

idmap_backend_result_t idmap_backend_lookup(idmap_backend_t *b, int reverse,
											const char *ns, const char *key,
											int64_t now_ms, ids_record_t *out,
											int *stale)
{
	char norm[IDS_URI_MAX + 1];
	idmap_cache_kind_t kind = reverse ? IDC_REV : IDC_FWD;
	int neg = 0, rc;

	*stale = 0;
	if (!*ns || strlen(ns) > IDS_NS_MAX || !*key)
		return IDB_BADARG;
	if (reverse && strncmp(key, "tel:", 4) == 0)
		return idmap_backend_lookup_did(b, ns, key + 4, now_ms, out);
	if (reverse) {
		if (ids_uri_norm(key, strlen(key), norm, sizeof(norm)) < 0)
			return IDB_BADARG;
		key = norm;
	} else if (strlen(key) > IDS_KEY_MAX) {
		return IDB_BADARG;
	}
	if (b->cache &&
		idmap_cache_get(b->cache, kind, ns, key, now_ms, b->opts.max_stale_ms,
						0, out, &neg) == IDC_FRESH)
		return neg ? IDB_NOTFOUND : IDB_FOUND;
	if (idmap_backend_connect(b, now_ms) < 0)
		return idmap_backend_fallback(b, kind, ns, key, now_ms, out, stale);
	b->redis_lookups++;
	rc = reverse ? ids_reverse(b->ctx, ns, key, out)
				 : ids_get(b->ctx, ns, key, out);
	if (rc == IDS_OK) {
		if (b->cache)
			idmap_cache_put(b->cache, kind, ns, key, out, now_ms,
							b->opts.ttl_ms);
		return IDB_FOUND;
	}
	if (rc == IDS_ERR_NOTFOUND) {
		if (b->cache && b->opts.neg_ttl_ms > 0)
			idmap_cache_put(b->cache, kind, ns, key, NULL, now_ms,
							b->opts.neg_ttl_ms);
		return IDB_NOTFOUND;
	}
	/* a mapping stored invalid is no outage: nothing cached, no backoff */
	if ((rc = idmap_backend_refused(b, rc)) >= 0)
		return (idmap_backend_result_t)rc;
	idmap_backend_failed(b, now_ms);
	return idmap_backend_fallback(b, kind, ns, key, now_ms, out, stale);
}
