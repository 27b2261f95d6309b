/* Benchmark of iwg_idmap lookups, side by side in one run: a cache hit, a
 * cache miss answered by Redis (idmap_backend_lookup: HGETALL + cache insert),
 * and a raw Redis GET round trip on the same server. Usage: bench_idmap
 * HOST:PORT */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "../../../modules/iwg_idmap/idmap_backend.h"

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static void lk(void *a)
{
	pthread_mutex_lock(a);
}
static void ulk(void *a)
{
	pthread_mutex_unlock(a);
}

int main(int argc, char **argv)
{
	idmap_cache_ops_t ops = {malloc, free, lk, ulk, &mtx};
	idmap_cache_t *c = idmap_cache_new(10000, &ops);
	ids_conf_t cf;
	ids_ctx_t *ctx;
	idmap_backend_t b;
	idmap_backend_opts_t o = {0, 0, 0, 100,
							  1000}; /* TTL 0: every lookup misses */
	ids_record_t r, out;
	redisContext *rc;
	char key[64];
	int i, neg, stale, n_hit = 1000000, n_net = 20000;
	int64_t t0;
	double hit_us, miss_us, get_us;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_idmap HOST PORT\n");
		return 1;
	}
	ids_conf_init(&cf);
	snprintf(cf.addr, sizeof(cf.addr), "%s:%s", argv[1], argv[2]);
	ctx = ids_connect(&cf);
	if (!ctx || ctx->err) {
		fprintf(stderr, "bench: %s\n", ctx ? ctx->errstr : "oom");
		return 1;
	}
	ids_record_init(&r);
	strcpy(r.ns, "bench");
	strcpy(r.display_name, "Bench User");
	strcpy(r.queue, "sales");
	for (i = 0; i < 10000; i++) {
		snprintf(r.key, sizeof(r.key), "user-%d", i);
		snprintf(r.sip_uri, sizeof(r.sip_uri), "sip:user-%d@ims.test", i);
		if (i < 100 && ids_put(ctx, &r, IDS_PUT_UPSERT, NULL) != IDS_OK) {
			fprintf(stderr, "bench: put: %s\n", ctx->errstr);
			return 1;
		}
		idmap_cache_put(c, IDC_FWD, "bench", r.key, &r, 0, 1LL << 60);
	}
	t0 = idmap_backend_now_ms();
	for (i = 0; i < n_hit; i++) {
		snprintf(key, sizeof(key), "user-%d", i % 10000);
		if (idmap_cache_get(c, IDC_FWD, "bench", key, 1, 1LL << 60, 0, &out,
							&neg) != IDC_FRESH)
			return 2;
	}
	hit_us = (double)(idmap_backend_now_ms() - t0) * 1000.0 / n_hit;

	rc = redisConnect(argv[1], atoi(argv[2]));
	redisReply *x = redisCommand(rc, "SET bench:raw somevalue");
	freeReplyObject(x);
	idmap_cache_t *c2 = idmap_cache_new(10000, &ops);
	idmap_backend_init(&b, &cf, &o, c2);
	/* interleave the two network measurements in blocks to share noise */
	int64_t t_get = 0, t_miss = 0;
	for (int blk = 0; blk < 10; blk++) {
		t0 = idmap_backend_now_ms();
		for (i = 0; i < n_net / 10; i++) {
			x = redisCommand(rc, "GET bench:raw");
			freeReplyObject(x);
		}
		t_get += idmap_backend_now_ms() - t0;
		t0 = idmap_backend_now_ms();
		for (i = 0; i < n_net / 10; i++) {
			snprintf(key, sizeof(key), "user-%d", i % 100);
			if (idmap_backend_lookup(&b, 0, "bench", key,
									 idmap_backend_now_ms(), &out,
									 &stale) != IDB_FOUND)
				return 3;
		}
		t_miss += idmap_backend_now_ms() - t0;
	}
	get_us = (double)t_get * 1000.0 / n_net;
	miss_us = (double)t_miss * 1000.0 / n_net;
	printf("idmap cache hit:            %8.3f us  (target <= 2 us)\n", hit_us);
	printf("redis GET round trip:       %8.2f us\n", get_us);
	printf("idmap miss (HGETALL+cache): %8.2f us  = %.2fx GET (target <= "
		   "1.3x)\n",
		   miss_us, miss_us / get_us);
	redisFree(rc);
	idmap_backend_close(&b);
	ids_free(ctx);
	idmap_cache_destroy(c);
	idmap_cache_destroy(c2);
	return 0;
}
