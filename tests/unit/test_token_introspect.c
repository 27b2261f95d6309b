/* Unit tests: RFC 7662 introspection answers (lib/token/token_introspect.c)
 * and the verdict cache (token_cache.c). The HTTPS client itself is tested
 * against a real endpoint in tests/integration/idmap/07-introspection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "token/token_cache.h"
#include "token/token_introspect.h"

#define NOW 1700000000L

static tok_status_t parse(const char *body, const char *aud, const char *iss,
						  tok_claims_t *c)
{
	tok_opts_t o = {aud, iss, 30, NOW, 0};
	return tok_introspect_parse(body, strlen(body), &o, c);
}

static void test_active_and_inactive(void **state)
{
	tok_claims_t c;
	(void)state;
	assert_int_equal(
			parse("{\"active\":true,\"sub\":\"user-1\",\"exp\":"
				  "1700000600,\"aud\":[\"x\",\"iwg\"],\"iss\":\"paas\","
				  "\"scope\":\"sip\"}",
				  "iwg", "paas", &c),
			TOK_OK);
	assert_string_equal(c.sub, "user-1");
	assert_int_equal(c.exp, 1700000600);
	/* exp is optional in an introspection answer */
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\"}", NULL, NULL, &c),
					 TOK_OK);
	assert_int_equal(parse("{\"active\":false}", NULL, NULL, &c), TOK_INACTIVE);
	assert_int_equal(parse("{\"active\":false,\"sub\":\"u\"}", NULL, NULL, &c),
					 TOK_INACTIVE);
}

static void test_claims_rules_apply(void **state)
{
	tok_claims_t c;
	(void)state;
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"exp\":1699999000}",
						   NULL, NULL, &c),
					 TOK_EXPIRED);
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"nbf\":1700001000}",
						   NULL, NULL, &c),
					 TOK_NOT_YET_VALID);
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"aud\":\"other\"}",
						   "iwg", NULL, &c),
					 TOK_BAD_AUDIENCE);
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\"}", NULL, "paas", &c),
					 TOK_BAD_ISSUER);
	assert_int_equal(parse("{\"active\":true}", NULL, NULL, &c), TOK_MALFORMED);
	assert_int_equal(
			parse("{\"active\":true,\"sub\":\"a\\u0000b\"}", NULL, NULL, &c),
			TOK_MALFORMED);
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"exp\":\"soon\"}",
						   NULL, NULL, &c),
					 TOK_MALFORMED);
	assert_int_equal(
			parse("{\"active\":true,\"sub\":\"u\",\"exp\":1700000600.5}", NULL,
				  NULL, &c),
			TOK_OK);
	/* times out of range (found by fuzz_token_introspect: overflow) */
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"exp\":"
						   "17000555555555555555555555}",
						   NULL, NULL, &c),
					 TOK_MALFORMED);
	assert_int_equal(
			parse("{\"active\":true,\"sub\":\"u\",\"nbf\":-1}", NULL, NULL, &c),
			TOK_MALFORMED);
	assert_int_equal(parse("{\"active\":true,\"sub\":\"u\",\"iat\":1e300}",
						   NULL, NULL, &c),
					 TOK_MALFORMED);
}

static void test_unusable_answers(void **state)
{
	static const char *bad[] = {"",
								"null",
								"[]",
								"{\"active\":\"true\"}",
								"{\"sub\":\"u\"}",
								"{\"active\":1}",
								"{\"active\":true,\"sub\":\"u\"} trailing",
								"<html>",
								"{\"active\":tru"};
	tok_claims_t c;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], NULL, NULL, &c), TOK_UNAVAILABLE);
		assert_true(c.detail[0] != '\0');
	}
}

static void test_url_and_shape(void **state)
{
	char err[128];
	(void)state;
	assert_int_equal(tok_introspect_check_url("https://idp.test/introspect",
											  err, sizeof(err)),
					 0);
	assert_int_equal(tok_introspect_check_url("http://idp.test/introspect", err,
											  sizeof(err)),
					 -1);
	assert_int_equal(tok_introspect_check_url("https://a b", err, sizeof(err)),
					 -1);
	assert_int_equal(tok_introspect_check_url("", err, sizeof(err)), -1);
	assert_true(tok_is_jwt("a.b.c", 5));
	assert_false(tok_is_jwt("opaque-token", 12));
	assert_false(tok_is_jwt("a.b", 3));
	assert_false(tok_is_jwt("a.b.c.d", 7));
}

static void *t_alloc(size_t n)
{
	return malloc(n);
}

static void t_nolock(void *arg)
{
	(*(int *)arg)++;
}

static int locks;
static const tok_cache_ops_t ops = {t_alloc, free, t_nolock, t_nolock, &locks};

static void test_cache_hit_ttl_and_refusals(void **state)
{
	tok_cache_t *c = tok_cache_new(64, &ops);
	tok_claims_t in, out;
	tok_status_t st;
	(void)state;
	assert_non_null(c);
	memset(&in, 0, sizeof(in));
	strcpy(in.sub, "user-1");
	in.exp = 1700000600;
	assert_int_equal(tok_cache_get(c, "tok-a", 5, 1000, &st, &out), 0);
	tok_cache_put(c, "tok-a", 5, 1000, 61000, TOK_OK, &in);
	assert_int_equal(tok_cache_get(c, "tok-a", 5, 2000, &st, &out), 1);
	assert_int_equal(st, TOK_OK);
	assert_string_equal(out.sub, "user-1");
	assert_int_equal(out.exp, 1700000600);
	/* another token is not this one */
	assert_int_equal(tok_cache_get(c, "tok-b", 5, 2000, &st, &out), 0);
	/* expiry */
	assert_int_equal(tok_cache_get(c, "tok-a", 5, 61000, &st, &out), 0);
	/* refusals are cached without claims */
	tok_cache_put(c, "tok-r", 5, 1000, 5000, TOK_INACTIVE, &in);
	assert_int_equal(tok_cache_get(c, "tok-r", 5, 1500, &st, &out), 1);
	assert_int_equal(st, TOK_INACTIVE);
	assert_string_equal(out.sub, "");
	/* nothing stored for a time in the past */
	tok_cache_put(c, "tok-p", 5, 1000, 1000, TOK_OK, &in);
	assert_int_equal(tok_cache_get(c, "tok-p", 5, 1000, &st, &out), 0);
	assert_true(locks > 0);
	tok_cache_destroy(c);
}

static void test_cache_bounded_replacement(void **state)
{
	tok_cache_t *c = tok_cache_new(1, &ops);
	tok_cache_stats_t s;
	tok_claims_t in, out;
	tok_status_t st;
	(void)state;
	memset(&in, 0, sizeof(in));
	strcpy(in.sub, "u");
	tok_cache_put(c, "one", 3, 0, 10000, TOK_OK, &in);
	tok_cache_put(c, "two", 3, 0, 10000, TOK_OK, &in);
	/* one slot: the second replaced the first */
	assert_int_equal(tok_cache_get(c, "one", 3, 1, &st, &out), 0);
	assert_int_equal(tok_cache_get(c, "two", 3, 1, &st, &out), 1);
	tok_cache_get_stats(c, &s);
	assert_int_equal(s.slots, 1);
	assert_int_equal(s.inserts, 2);
	assert_int_equal(s.replaced, 1);
	assert_int_equal(s.hits, 1);
	assert_int_equal(s.misses, 1);
	tok_cache_destroy(c);
	assert_null(tok_cache_new(0, &ops));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_active_and_inactive),
			cmocka_unit_test(test_claims_rules_apply),
			cmocka_unit_test(test_unusable_answers),
			cmocka_unit_test(test_url_and_shape),
			cmocka_unit_test(test_cache_hit_ttl_and_refusals),
			cmocka_unit_test(test_cache_bounded_replacement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
