/*
 * test_admind_cluster.c - iwg-admind cluster view: totals over the nodes
 * that are up only (a down or degraded node named in not_counted, never
 * counted as 0), unknown figures as null, last_seen kept for a node that
 * stopped answering, no view before the first sample.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/cluster.h"

#define T0 1767225600.0 /* 2026-01-01T00:00:00Z */

static cluster_node kam(const char *name, cluster_state st, double regs,
						double calls)
{
	cluster_node n;

	cluster_node_init(&n, CLUSTER_KAMAILIO, name, "http://127.0.0.1/RPC");
	n.state = st;
	n.registrations = regs;
	n.calls_active = calls;
	if (st != CLUSTER_UP)
		snprintf(n.reason, sizeof(n.reason), "%s: connection refused", name);
	return n;
}

static cluster_node rtp(const char *name, cluster_state st, double sessions)
{
	cluster_node n;

	cluster_node_init(&n, CLUSTER_RTPENGINE, name, "127.0.0.1:2223");
	n.state = st;
	n.sessions = sessions;
	return n;
}

/* jq-like path a.b of j as JSON text ("null" when null or missing) */
static const char *at(struct json_object *j, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(j, a, &v))
		return "missing";
	if (b && !json_object_object_get_ex(v, b, &v))
		return "missing";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void test_no_view_before_first_sample(void **state)
{
	cluster *c = cluster_new();

	(void)state;
	assert_non_null(c);
	assert_null(cluster_json(c, T0, 10));
	cluster_free(c);
}

static void test_totals_over_nodes_up(void **state)
{
	cluster *c = cluster_new();
	cluster_node v[4];
	struct json_object *j, *n;

	(void)state;
	v[0] = kam("kam1", CLUSTER_UP, 2, 1);
	v[1] = kam("kam2", CLUSTER_UP, 1, 0);
	v[2] = kam("kam3", CLUSTER_UP, NAN, NAN); /* no usrloc, no dialog */
	v[3] = rtp("rtp1", CLUSTER_UP, 1);
	assert_int_equal(cluster_put(c, v, 4, T0), 0);
	j = cluster_json(c, T0 + 0.5, 10);
	assert_non_null(j);
	assert_string_equal(at(j, "sampled_at", NULL), "\"2026-01-01T00:00:00Z\"");
	assert_string_equal(at(j, "age_seconds", NULL), "0.500");
	assert_string_equal(at(j, "totals", "registrations"), "3");
	assert_string_equal(at(j, "totals", "calls_active"), "1");
	assert_string_equal(at(j, "totals", "media_sessions"), "1");
	assert_string_equal(at(j, "totals", "complete"), "true");
	assert_string_equal(at(j, "totals", "not_counted"), "[]");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 2);
	assert_string_equal(at(n, "registrations", NULL), "null");
	assert_string_equal(at(n, "reason", NULL), "null");
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:00Z\"");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 3);
	assert_string_equal(at(n, "kind", NULL), "\"rtpengine\"");
	assert_string_equal(at(n, "sessions", NULL), "1");
	assert_string_equal(at(n, "registrations", NULL), "missing");
	json_object_put(j);
	cluster_free(c);
}

static void test_down_and_degraded_not_counted(void **state)
{
	cluster *c = cluster_new();
	cluster_node v[3];
	struct json_object *j, *n;

	(void)state;
	v[0] = kam("kam1", CLUSTER_UP, 2, 1);
	v[1] = kam("kam2", CLUSTER_UP, 5, 3);
	v[2] = rtp("rtp1", CLUSTER_UP, 4);
	assert_int_equal(cluster_put(c, v, 3, T0), 0);
	/* 20 s later kam2 is down, rtp1 answers its ping but not statistics */
	v[1] = kam("kam2", CLUSTER_DOWN, NAN, NAN);
	v[2] = rtp("rtp1", CLUSTER_DEGRADED, NAN);
	assert_int_equal(cluster_put(c, v, 3, T0 + 20), 0);
	j = cluster_json(c, T0 + 21, 10);
	assert_string_equal(at(j, "totals", "registrations"), "2");
	assert_string_equal(at(j, "totals", "calls_active"), "1");
	assert_string_equal(at(j, "totals", "media_sessions"), "null");
	assert_string_equal(at(j, "totals", "complete"), "false");
	assert_string_equal(at(j, "totals", "not_counted"), "[\"kam2\",\"rtp1\"]");
	assert_string_equal(at(j, "totals", "nodes_up"), "1");
	assert_string_equal(at(j, "totals", "nodes_degraded"), "1");
	assert_string_equal(at(j, "totals", "nodes_down"), "1");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 1);
	assert_string_equal(at(n, "state", NULL), "\"down\"");
	assert_string_equal(at(n, "reason", NULL), "\"kam2: connection refused\"");
	assert_string_equal(at(n, "registrations", NULL), "null");
	/* last seen: the sample it last answered, not the newest */
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:00Z\"");
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 2);
	assert_string_equal(at(n, "state", NULL), "\"degraded\"");
	assert_string_equal(at(n, "last_seen", NULL), "\"2026-01-01T00:00:20Z\"");
	json_object_put(j);
	cluster_free(c);
}

static void test_never_seen_is_null(void **state)
{
	cluster *c = cluster_new();
	cluster_node v = kam("kam9", CLUSTER_DOWN, NAN, NAN);
	struct json_object *j, *n;

	(void)state;
	assert_int_equal(cluster_put(c, &v, 1, T0), 0);
	j = cluster_json(c, T0, 10);
	n = json_object_array_get_idx(json_object_object_get(j, "nodes"), 0);
	assert_string_equal(at(n, "last_seen", NULL), "null");
	assert_string_equal(at(j, "totals", "registrations"), "null");
	assert_string_equal(at(j, "totals", "not_counted"), "[\"kam9\"]");
	json_object_put(j);
	cluster_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_no_view_before_first_sample),
			cmocka_unit_test(test_totals_over_nodes_up),
			cmocka_unit_test(test_down_and_degraded_not_counted),
			cmocka_unit_test(test_never_seen_is_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
