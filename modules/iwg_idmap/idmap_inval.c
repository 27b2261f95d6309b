/*
 * idmap_inval.c - change notices to cache invalidations.
 */
#include "idmap_inval.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

int idmap_inval_apply(idmap_cache_t *cache, const char *msg, size_t len)
{
	ids_inval_t iv;
	int i, n = 0;
	if (ids_inval_parse(msg, len, &iv) < 0 || iv.all) {
		idmap_cache_invalidate_all(cache);
		return -1;
	}
	n += idmap_cache_invalidate(cache, IDC_FWD, iv.ns, iv.ns_len, iv.key,
								iv.key_len);
	for (i = 0; i < iv.nuris; i++)
		n += idmap_cache_invalidate(cache, IDC_REV, iv.ns, iv.ns_len, iv.uri[i],
									iv.uri_len[i]);
	return n;
}

static void idmap_inval_log(void (*log)(int, const char *), int level,
							const char *what, const ids_ctx_t *ctx)
{
	char buf[300];
	if (!log)
		return;
	snprintf(buf, sizeof(buf), "%s%s%s", what, ctx ? ": " : "",
			 ctx ? (ctx->err ? ctx->errstr : ctx->peer) : "");
	log(level, buf);
}

void idmap_inval_run(const ids_conf_t *conf, idmap_cache_t *cache,
					 int retry_max_ms, volatile int *stop,
					 void (*log)(int level, const char *text))
{
	char buf[IDS_NS_MAX + IDS_KEY_MAX + 3 * IDS_URI_MAX + 16];
	int backoff = 0, ever = 0, rc;
	size_t len;
	ids_ctx_t *ctx;
	ids_conf_t cf = *conf;

	/* a subscription waits for notices without a command timeout */
	while (!*stop) {
		ctx = ids_connect(&cf);
		if (ctx && !ctx->err && ids_subscribe(ctx) == IDS_OK) {
			idmap_inval_log(log, 0, "listening for identity changes on", ctx);
			/* whatever changed while we were away is unknown */
			if (ever)
				idmap_cache_invalidate_all(cache);
			ever = 1;
			backoff = 0;
			while (!*stop) {
				rc = ids_next_notice(ctx, 500, buf, sizeof(buf), &len);
				if (rc == IDS_OK)
					idmap_inval_apply(cache, buf, len);
				else if (rc != IDS_ERR_NOTFOUND)
					break;
			}
		}
		if (!*stop)
			idmap_inval_log(log, 1, "identity change listener lost Redis", ctx);
		ids_free(ctx);
		if (*stop)
			break;
		backoff = backoff ? backoff * 2 : 100;
		if (backoff > retry_max_ms)
			backoff = retry_max_ms;
		poll(NULL, 0, backoff);
	}
}
