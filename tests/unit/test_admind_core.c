/*
 * test_admind_core.c - iwg-admind pure parts: route matching, API key
 * handling, rate limiting, strict JSON validation, Prometheus output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/auth.h"
#include "../../admin/src/jsonv.h"
#include "../../admin/src/metrics.h"
#include "../../admin/src/ratelimit.h"
#include "../../admin/src/route.h"

static int h_dummy(admind_req *r)
{
	(void)r;
	return 0;
}

static const admind_route tab[] = {
		{"GET", "/api/v1/calls", h_dummy, 1, 0},
		{"GET", "/api/v1/calls/{call_id}", h_dummy, 1, 0},
		{"DELETE", "/api/v1/x/{a}/y/{b}", h_dummy, 1, 1},
};

static void routes_match_literals_and_params(void **state)
{
	route_params p;
	int known;

	(void)state;
	assert_int_equal(route_match("/a/b", "/a/b", &p), 1);
	assert_int_equal(route_match("/a/b", "/a/b/", &p), 0);
	assert_int_equal(route_match("/a/b", "/a", &p), 0);
	assert_int_equal(route_match("/a/{x}", "/a/", &p), 0);
	assert_int_equal(route_match("/a/{x}", "/a/42", &p), 1);
	assert_string_equal(route_param(&p, "x"), "42");
	assert_null(route_param(&p, "y"));
	assert_ptr_equal(route_find(tab, 3, "GET", "/api/v1/calls/c1", &p, &known),
					 &tab[1]);
	assert_string_equal(route_param(&p, "call_id"), "c1");
	assert_ptr_equal(route_find(tab, 3, "HEAD", "/api/v1/calls", &p, &known),
					 &tab[0]);
	assert_ptr_equal(route_find(tab, 3, "DELETE", "/api/v1/x/1/y/2", &p, NULL),
					 &tab[2]);
	assert_string_equal(route_param(&p, "b"), "2");
	assert_null(route_find(tab, 3, "POST", "/api/v1/calls", &p, &known));
	assert_int_equal(known, 1);
	assert_null(route_find(tab, 3, "GET", "/api/v1/nope", &p, &known));
	assert_int_equal(known, 0);
}

static void route_param_too_long_does_not_match(void **state)
{
	char path[600] = "/a/";

	(void)state;
	memset(path + 3, 'x', 400);
	path[403] = '\0';
	assert_int_equal(route_match("/a/{x}", path, NULL), 0);
}

static void api_keys_extract_and_lookup(void **state)
{
	admind_conf c;
	const char *k;
	size_t len;

	(void)state;
	conf_defaults(&c);
	c.n_keys = 2;
	strcpy(c.keys[0].id, "a");
	c.keys[0].role = ROLE_NOC;
	auth_hash("secret-a", 8, c.keys[0].hash);
	strcpy(c.keys[1].id, "b");
	c.keys[1].role = ROLE_ADMIN;
	auth_hash("secret-b", 8, c.keys[1].hash);

	assert_int_equal(auth_extract("Bearer secret-b", NULL, &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[1]);
	assert_int_equal(auth_extract("bearer   secret-a  ", NULL, &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[0]);
	assert_int_equal(auth_extract(NULL, "secret-a", &k, &len), 1);
	assert_ptr_equal(auth_lookup(&c, k, len), &c.keys[0]);
	assert_null(auth_lookup(&c, "secret-c", 8));
	assert_null(auth_lookup(&c, "secret-", 7));
	assert_int_equal(auth_extract(NULL, NULL, &k, &len), 0);
	assert_int_equal(auth_extract("Basic Zm9vOmJhcg==", NULL, &k, &len), -1);
	assert_int_equal(auth_extract("Bearer ", NULL, &k, &len), -1);
	assert_int_equal(auth_extract(NULL, "a b", &k, &len), -1);
}

static void hash_hex_is_sha256(void **state)
{
	char hex[65];

	(void)state;
	auth_hash_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
							 "b410ff61f20015ad");
}

static void rate_limit_buckets(void **state)
{
	ratelimit *rl = ratelimit_new(2, 3, 16), *off = ratelimit_new(0, 1, 16);
	int i;

	(void)state;
	assert_non_null(rl);
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "k", 100.0), 0);
	assert_int_equal(ratelimit_take(rl, "k", 100.0), 1);
	/* another name has its own bucket */
	assert_int_equal(ratelimit_take(rl, "other", 100.0), 0);
	/* half a second refills one token at 2/s */
	assert_int_equal(ratelimit_take(rl, "k", 100.5), 0);
	assert_int_equal(ratelimit_take(rl, "k", 100.5), 1);
	/* many names: the table reuses slots instead of failing */
	for (i = 0; i < 1000; i++) {
		char n[16];
		snprintf(n, sizeof(n), "n%d", i);
		assert_int_equal(ratelimit_take(rl, n, 200.0), 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(ratelimit_take(off, "k", 1.0), 0);
	ratelimit_free(rl);
	ratelimit_free(off);
}

static const jsonv_field fields[] = {
		{"name", JV_STRING, 1, 1, 8, "abcdefghijklmnopqrstuvwxyz", 0, 0},
		{"n", JV_INT, 0, 0, 0, NULL, 1, 10},
		{"on", JV_BOOL, 0, 0, 0, NULL, 0, 0},
		{"text", JV_STRING, 0, 0, 0, NULL, 0, 0},
};

static void expect_bad(const char *body, const char *field, const char *needle)
{
	struct json_object *o;
	jsonv_error e;

	if (jsonv_parse(body, strlen(body), fields, 4, &o, &e) == 0) {
		json_object_put(o);
		fail_msg("accepted: %s", body);
	}
	assert_null(o);
	if (strcmp(e.field, field) || !strstr(e.msg, needle))
		fail_msg("%s: got field '%s' msg '%s'", body, e.field, e.msg);
}

static void json_bodies_are_strictly_checked(void **state)
{
	struct json_object *o;
	jsonv_error e;
	const char *ok = " {\"name\":\"abc\",\"n\":3,\"on\":true,\"text\":\"é\"}\n";

	(void)state;
	assert_int_equal(jsonv_parse(ok, strlen(ok), fields, 4, &o, &e), 0);
	assert_string_equal(jsonv_str(o, "name"), "abc");
	assert_int_equal(jsonv_int(o, "n", 0), 3);
	assert_int_equal(jsonv_bool(o, "on", 0), 1);
	json_object_put(o);

	expect_bad("", "", "empty");
	expect_bad("[1]", "", "JSON object");
	expect_bad("{\"name\":\"abc\"", "", "invalid JSON");
	expect_bad("{\"name\":\"abc\"} x", "", "invalid JSON");
	expect_bad("{'name':'abc'}", "", "invalid JSON");
	expect_bad("{\"name\":\"abc\",}", "", "invalid JSON");
	expect_bad("{\"n\":3}", "name", "required");
	expect_bad("{\"name\":3}", "name", "must be a string");
	expect_bad("{\"name\":\"ABC\"}", "name", "not allowed");
	expect_bad("{\"name\":\"abcdefghi\"}", "name", "longer");
	expect_bad("{\"name\":\"\"}", "name", "shorter");
	expect_bad("{\"name\":\"a\",\"n\":\"3\"}", "n", "integer");
	expect_bad("{\"name\":\"a\",\"n\":11}", "n", "1..10");
	expect_bad("{\"name\":\"a\",\"n\":1.5}", "n", "integer");
	expect_bad("{\"name\":\"a\",\"n\":99999999999999999999}", "n", "1..10");
	expect_bad("{\"name\":\"a\",\"on\":1}", "on", "boolean");
	expect_bad("{\"name\":\"a\",\"extra\":1}", "extra", "unknown field");
	expect_bad("{\"name\":\"a\",\"text\":\"x\\u0001\"}", "text", "not allowed");
	expect_bad("{\"name\":\"a\",\"text\":\"\xff\"}", "", "invalid JSON");
	expect_bad("{\"name\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{"
			   "}}}}}}}}}",
			   "", "invalid JSON");
	assert_int_equal(jsonv_parse("{\"name\":\"a\"}\0", 14, fields, 4, &o, &e),
					 -1);

	/* json-c keeps the last of repeated names: refused by name */
	expect_bad("{\"name\":\"a\",\"name\":\"b\"}", "name", "more than once");
	expect_bad("{\"name\":\"a\",\"n\":1,\"na\\u006de\":\"b\"}", "name",
			   "more than once");
	expect_bad("{\"name\":\"a\",\"x\":{\"a\":1,\"a\":2}}", "x", "unknown");
	ok = "{\"name\":\"a\",\"text\":\"k:\\\"v\\\",\\\"name\\\":{[\"}";
	assert_int_equal(jsonv_parse(ok, strlen(ok), fields, 4, &o, &e), 0);
	assert_string_equal(jsonv_str(o, "text"), "k:\"v\",\"name\":{[");
	json_object_put(o);
}

static void prometheus_text(void **state)
{
	admind_metrics *m = metrics_new(3);
	prom_set *s = promset_new();
	sbuf b;

	(void)state;
	sbuf_init(&b);
	promset_add(s, "iwg_kamailio_", "core:rcv requests", "untyped",
				"node=\"k2\"", 7);
	promset_add(s, "iwg_", "up", "gauge", "node=\"a\"", 1);
	promset_add(s, "iwg_kamailio_", "core:rcv requests", "untyped",
				"node=\"k1\"", 0.25);
	promset_render_free(s, &b);
	assert_string_equal(b.s,
						"# TYPE iwg_kamailio_core_rcv_requests untyped\n"
						"iwg_kamailio_core_rcv_requests{node=\"k2\"} 7\n"
						"iwg_kamailio_core_rcv_requests{node=\"k1\"} 0.25\n"
						"# TYPE iwg_up gauge\n"
						"iwg_up{node=\"a\"} 1\n");
	sbuf_free(&b);

	metrics_observe(m, 0, 200, 0.0001);
	metrics_observe(m, 0, 200, 0.2);
	metrics_observe(m, -1, 404, 0.001);
	metrics_render(m, tab, &b);
	assert_non_null(strstr(b.s, "iwg_admind_requests_total{route=\"/api/v1/"
								"calls\",method=\"GET\",code=\"200\"} 2\n"));
	assert_non_null(strstr(b.s, "route=\"unmatched\",method=\"any\","
								"code=\"404\"} 1\n"));
	assert_non_null(strstr(b.s, "iwg_admind_request_duration_seconds_bucket{"
								"route=\"/api/v1/calls\",method=\"GET\","
								"le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(b.s, "le=\"+Inf\"} 2\n"));
	sbuf_free(&b);
	sbuf_init(&b);
	prom_label_value(&b, "a\"b\\c\nd");
	assert_string_equal(b.s, "a\\\"b\\\\c\\nd");
	sbuf_free(&b);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(routes_match_literals_and_params),
			cmocka_unit_test(route_param_too_long_does_not_match),
			cmocka_unit_test(api_keys_extract_and_lookup),
			cmocka_unit_test(hash_hex_is_sha256),
			cmocka_unit_test(rate_limit_buckets),
			cmocka_unit_test(json_bodies_are_strictly_checked),
			cmocka_unit_test(prometheus_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
