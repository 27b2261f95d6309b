/*
 * test_admind_series.c - iwg-admind dashboard series: the ring (oldest
 * first, bounded), rates from cumulative counters (per node, restarts and
 * unknown values left out), and the Kamailio statistics line parser.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../admin/src/series.h"

static series_sample sample(int64_t t, double calls0, double fails0,
							double calls1, double fails1)
{
	series_sample x;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.mono = (double)t - 1000; /* monotonic clock, another origin */
	x.registrations = 3;
	x.calls_active = 1;
	x.nodes_up = 2;
	x.nodes_total = 3;
	x.n_nodes = 2;
	x.calls_total[0] = calls0;
	x.failures_total[0] = fails0;
	x.calls_total[1] = calls1;
	x.failures_total[1] = fails1;
	return x;
}

static void ring_keeps_the_newest_oldest_first(void **state)
{
	series *s = series_new(3);
	series_point p[8];
	series_sample x;
	int64_t t;

	(void)state;
	assert_null(series_new(1));
	assert_non_null(s);
	assert_int_equal(series_copy(s, p, 8), 0);
	for (t = 100; t < 105; t++) {
		x = sample(t, 0, 0, 0, 0);
		series_add(s, &x);
	}
	assert_int_equal(series_copy(s, p, 8), 3);
	assert_int_equal(p[0].t, 102);
	assert_int_equal(p[1].t, 103);
	assert_int_equal(p[2].t, 104);
	assert_int_equal(p[2].nodes_up, 2);
	assert_int_equal(p[2].nodes_total, 3);
	/* a smaller buffer gets the newest points, still oldest first */
	assert_int_equal(series_copy(s, p, 2), 2);
	assert_int_equal(p[0].t, 103);
	assert_int_equal(p[1].t, 104);
	series_free(s);
	series_free(NULL);
}

static void rates_from_counter_deltas(void **state)
{
	series *s = series_new(10);
	series_point p[10];
	series_sample x;

	(void)state;
	x = sample(100, 10, 2, 5, 0);
	series_add(s, &x);
	x = sample(110, 20, 4, 15, 1); /* +10 +10 calls, +2 +1 failures in 10 s */
	series_add(s, &x);
	x = sample(120, 3, 0, 25, 1); /* node 0 restarted: only node 1 counts */
	series_add(s, &x);
	x = sample(130, NAN, NAN, NAN, NAN); /* nothing read */
	series_add(s, &x);
	x = sample(140, 13, 1, 35, 3); /* against an unread sample: unknown */
	series_add(s, &x);
	assert_int_equal(series_copy(s, p, 10), 5);
	assert_true(isnan(p[0].calls_per_second)); /* first: no previous */
	assert_true(isnan(p[0].failures_per_second));
	assert_true(fabs(p[1].calls_per_second - 2.0) < 1e-9);
	assert_true(fabs(p[1].failures_per_second - 0.3) < 1e-9);
	assert_true(fabs(p[2].calls_per_second - 1.0) < 1e-9);
	assert_true(fabs(p[2].failures_per_second - 0.0) < 1e-9);
	assert_true(isnan(p[3].calls_per_second));
	assert_true(isnan(p[4].calls_per_second));
	assert_true(fabs(p[4].registrations - 3) < 1e-9);
	series_free(s);
}

static void rate_edge_cases(void **state)
{
	double a[2] = {1, 2}, b[2] = {3, 2};

	(void)state;
	assert_true(fabs(series_rate(a, b, 2, 2.0) - 1.0) < 1e-9);
	assert_true(isnan(series_rate(a, b, 2, 0)));
	assert_true(isnan(series_rate(a, b, 2, -1)));
	assert_true(isnan(series_rate(a, b, 0, 1)));
	assert_true(isnan(series_rate(a, b, 2, NAN)));
	assert_true(fabs(series_rate(b, a, 2, 1.0) - 0.0) < 1e-9); /* one reset */
}

/* a node list that changed length between samples: the common nodes */
static void node_count_change(void **state)
{
	series *s = series_new(4);
	series_point p[4];
	series_sample x;

	(void)state;
	x = sample(100, 10, 0, 10, 0);
	series_add(s, &x);
	x = sample(101, 11, 0, 99, 0);
	x.n_nodes = 1;
	series_add(s, &x);
	assert_int_equal(series_copy(s, p, 4), 2);
	assert_true(fabs(p[1].calls_per_second - 1.0) < 1e-9);
	series_free(s);
}

static void kamailio_stat_lines(void **state)
{
	char name[32];
	double v;

	(void)state;
	assert_int_equal(series_kstat_parse("usrloc:registered_users = 3", name,
										sizeof(name), &v),
					 0);
	assert_string_equal(name, "usrloc:registered_users");
	assert_true(v == 3);
	assert_int_equal(
			series_kstat_parse("core:rcv_replies_4xx_invite = 12345678901",
							   name, sizeof(name), &v),
			0);
	assert_true(v == 12345678901.0);
	assert_int_equal(series_kstat_parse("core:x = -1", name, sizeof(name), &v),
					 0);
	assert_int_equal(series_kstat_parse("nogroup = 3", name, sizeof(name), &v),
					 -1);
	assert_int_equal(series_kstat_parse("a:b = ", name, sizeof(name), &v), -1);
	assert_int_equal(series_kstat_parse("a:b = 3x", name, sizeof(name), &v),
					 -1);
	assert_int_equal(series_kstat_parse("a:b = nan", name, sizeof(name), &v),
					 -1);
	assert_int_equal(series_kstat_parse("a:b = inf", name, sizeof(name), &v),
					 -1);
	assert_int_equal(series_kstat_parse("a:b=3", name, sizeof(name), &v), -1);
	assert_int_equal(series_kstat_parse(" = 3", name, sizeof(name), &v), -1);
	assert_int_equal(series_kstat_parse("", name, sizeof(name), &v), -1);
	assert_int_equal(series_kstat_parse("group:a_very_long_statistic_name = 1",
										name, sizeof(name), &v),
					 -1);
}

/* the contacts of each usrloc domain, not its users nor other groups */
static void usrloc_contacts_statistics(void **state)
{
	static const char *const yes[] = {"usrloc:location_contacts",
									  "usrloc:location-contacts",
									  "usrloc:aliases_contacts"};
	static const char *const no[] = {
			"usrloc:registered_users",	"usrloc:location_users",
			"usrloc:location_expires",	"usrloc:contacts",
			"usrloc:_contacts",			"usrloc:locationcontacts",
			"dialog:location_contacts", "usrloc:location_contacts_x"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!series_kstat_is_contacts(yes[i]))
			fail_msg("'%s' counts contacts", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (series_kstat_is_contacts(no[i]))
			fail_msg("'%s' does not count contacts", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(ring_keeps_the_newest_oldest_first),
			cmocka_unit_test(rates_from_counter_deltas),
			cmocka_unit_test(rate_edge_cases),
			cmocka_unit_test(node_count_change),
			cmocka_unit_test(kamailio_stat_lines),
			cmocka_unit_test(usrloc_contacts_statistics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
