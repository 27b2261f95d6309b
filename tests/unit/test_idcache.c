/* Unit tests: the identity cache of iwg_idmap (TTL, negative entries,
 * eviction, stale marks, change notices) and the backend's behaviour when
 * Redis cannot be reached (fail fast, serve stale). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_idmap/idmap_backend.h"
#include "../../modules/iwg_idmap/idmap_cache.h"
#include "../../modules/iwg_idmap/idmap_inval.h"

static idmap_cache_t *mk(size_t n)
{
	idmap_cache_ops_t ops = {malloc, free, NULL, NULL, NULL};
	idmap_cache_t *c = idmap_cache_new(n, &ops);
	assert_non_null(c);
	return c;
}

static void rec(ids_record_t *r, const char *key, const char *uri)
{
	ids_record_init(r);
	strcpy(r->ns, "web");
	strcpy(r->key, key);
	strcpy(r->sip_uri, uri);
	strcpy(r->display_name, "Ann Example");
	strcpy(r->queue, "sales");
	r->not_after = 1900000000;
}

static void test_hit_until_ttl(void **state)
{
	idmap_cache_t *c = mk(10);
	ids_record_t r, out;
	int neg = -1;
	(void)state;
	rec(&r, "ann", "sip:ann@x");
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "ann", 0, 1000, 0, &out, &neg),
			IDC_MISS);
	assert_int_equal(idmap_cache_put(c, IDC_FWD, "web", "ann", &r, 1000, 500),
					 0);
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "ann", 1499, 10000, 0,
									 &out, &neg),
					 IDC_FRESH);
	assert_int_equal(neg, 0);
	assert_memory_equal(&r, &out, sizeof(r));
	/* expired: a miss for a caller that can reach Redis ... */
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "ann", 1500, 10000, 0,
									 &out, &neg),
					 IDC_MISS);
	/* ... stale for one that cannot, until max_stale */
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "ann", 5000, 10000, 1,
									 &out, &neg),
					 IDC_STALE);
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "ann", 11001, 10000, 1,
									 &out, &neg),
					 IDC_MISS);
	/* and then gone */
	{
		idmap_cache_stats_t st;
		idmap_cache_get_stats(c, &st);
		assert_int_equal(st.entries, 0);
		assert_int_equal(st.hits, 1);
		assert_int_equal(st.stale_hits, 1);
	}
	/* forward and reverse entries are distinct */
	idmap_cache_put(c, IDC_REV, "web", "ann", &r, 0, 500);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "ann", 1, 1000, 0, &out, &neg),
			IDC_MISS);
	idmap_cache_destroy(c);
}

static void test_negative_entries(void **state)
{
	idmap_cache_t *c = mk(10);
	ids_record_t out;
	int neg = 0;
	idmap_cache_stats_t st;
	(void)state;
	assert_int_equal(idmap_cache_put(c, IDC_FWD, "web", "nobody", NULL, 0, 100),
					 0);
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "nobody", 50, 1000, 0,
									 &out, &neg),
					 IDC_FRESH);
	assert_int_equal(neg, 1);
	assert_int_equal(idmap_cache_get(c, IDC_FWD, "web", "nobody", 100, 1000, 0,
									 &out, &neg),
					 IDC_MISS);
	idmap_cache_get_stats(c, &st);
	assert_int_equal(st.neg_hits, 1);
	idmap_cache_destroy(c);
}

static void test_eviction_keeps_recently_used(void **state)
{
	idmap_cache_t *c = mk(3);
	ids_record_t r, out;
	int neg;
	idmap_cache_stats_t st;
	(void)state;
	rec(&r, "a", "sip:a@x");
	idmap_cache_put(c, IDC_FWD, "web", "a", &r, 0, 1000);
	idmap_cache_put(c, IDC_FWD, "web", "b", &r, 0, 1000);
	idmap_cache_put(c, IDC_FWD, "web", "c", &r, 0, 1000);
	/* touch a: b is now the least recently used */
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "a", 1, 1000, 0, &out, &neg),
			IDC_FRESH);
	idmap_cache_put(c, IDC_FWD, "web", "d", &r, 2, 1000);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "b", 3, 1000, 0, &out, &neg),
			IDC_MISS);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "a", 3, 1000, 0, &out, &neg),
			IDC_FRESH);
	idmap_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.evictions, 1);
	/* replacing an entry does not grow the cache */
	idmap_cache_put(c, IDC_FWD, "web", "a", &r, 4, 1000);
	idmap_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 3);
	idmap_cache_flush(c);
	idmap_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	idmap_cache_destroy(c);
}

static void test_change_notices_mark_stale(void **state)
{
	idmap_cache_t *c = mk(10);
	ids_record_t r, out;
	int neg;
	const char *m = "web ann sip:ann2@x sip:ann@x";
	(void)state;
	rec(&r, "ann", "sip:ann@x");
	idmap_cache_put(c, IDC_FWD, "web", "ann", &r, 0, 60000);
	idmap_cache_put(c, IDC_REV, "web", "sip:ann@x", &r, 0, 60000);
	idmap_cache_put(c, IDC_REV, "web", "sip:ann2@x", NULL, 0, 60000);
	idmap_cache_put(c, IDC_FWD, "web", "bob", &r, 0, 60000);
	assert_int_equal(idmap_inval_apply(c, m, strlen(m)), 3);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "ann", 1, 9e9, 0, &out, &neg),
			IDC_MISS);
	assert_int_equal(idmap_cache_get(c, IDC_REV, "web", "sip:ann2@x", 1, 9e9, 0,
									 &out, &neg),
					 IDC_MISS);
	/* still there for an outage */
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "ann", 1, 9e9, 1, &out, &neg),
			IDC_STALE);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "bob", 1, 9e9, 0, &out, &neg),
			IDC_FRESH);
	/* "*" and garbage mark everything */
	assert_int_equal(idmap_inval_apply(c, "*", 1), -1);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "bob", 1, 9e9, 0, &out, &neg),
			IDC_MISS);
	idmap_cache_put(c, IDC_FWD, "web", "bob", &r, 0, 60000);
	assert_int_equal(idmap_inval_apply(c, "  ", 2), -1);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", "bob", 1, 9e9, 0, &out, &neg),
			IDC_MISS);
	idmap_cache_destroy(c);
}

static void test_too_long_keys_are_not_cached(void **state)
{
	idmap_cache_t *c = mk(10);
	char big[IDS_URI_MAX + 10];
	ids_record_t r, out;
	int neg;
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rec(&r, "a", "sip:a@x");
	assert_int_equal(idmap_cache_put(c, IDC_FWD, "web", big, &r, 0, 1000), -1);
	assert_int_equal(
			idmap_cache_get(c, IDC_FWD, "web", big, 0, 1000, 0, &out, &neg),
			IDC_MISS);
	idmap_cache_destroy(c);
}

static void test_backend_down_fails_fast_and_serves_stale(void **state)
{
	idmap_cache_t *c = mk(10);
	idmap_backend_t b;
	ids_conf_t cf;
	idmap_backend_opts_t o = {1000, 500, 60000, 100, 1000};
	ids_record_t r, out;
	int stale;
	int64_t t0 = idmap_backend_now_ms();
	(void)state;
	ids_conf_init(&cf);
	snprintf(cf.addr, sizeof(cf.addr), "unix:/nonexistent/redis.sock");
	idmap_backend_init(&b, &cf, &o, c);
	rec(&r, "ann", "sip:ann@x");
	idmap_cache_put(c, IDC_FWD, "web", "ann", &r, t0 - 5000,
					1000); /* expired */
	assert_int_equal(
			idmap_backend_lookup(&b, 0, "web", "ann", t0, &out, &stale),
			IDB_FOUND);
	assert_int_equal(stale, 1);
	assert_string_equal(out.sip_uri, "sip:ann@x");
	assert_int_equal(
			idmap_backend_lookup(&b, 0, "web", "zed", t0, &out, &stale),
			IDB_UNAVAILABLE);
	assert_int_equal(b.redis_errors, 1); /* backing off: no second attempt */
	assert_int_equal(
			idmap_backend_lookup(&b, 1, "web", "sip:zed@x", t0, &out, &stale),
			IDB_UNAVAILABLE);
	assert_int_equal(b.redis_errors, 1);
	/* a DID is read from Redis only: even a fresh entry under its tel: URI
	 * is not an answer */
	idmap_cache_put(c, IDC_REV, "web", "tel:+33123456789", &r, t0, 1000);
	assert_int_equal(idmap_backend_lookup(&b, 1, "web", "tel:+33123456789", t0,
										  &out, &stale),
					 IDB_UNAVAILABLE);
	assert_int_equal(idmap_backend_lookup(&b, 0, "", "zed", t0, &out, &stale),
					 IDB_BADARG);
	idmap_backend_close(&b);
	idmap_cache_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_hit_until_ttl),
			cmocka_unit_test(test_negative_entries),
			cmocka_unit_test(test_eviction_keeps_recently_used),
			cmocka_unit_test(test_change_notices_mark_stale),
			cmocka_unit_test(test_too_long_keys_are_not_cached),
			cmocka_unit_test(test_backend_down_fails_fast_and_serves_stale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
