/*
 * Unit tests of iwg-probe's Call-ID table (tools/probe/probe_route.c),
 * which hands each SIP message on a shared WebSocket to its call: finds,
 * misses, removal and reuse of slots, its bound, and a long churn of calls
 * coming and going as in a load run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_route.h"

static void test_find_and_miss(void **state)
{
	probe_route r;
	int a, b;

	(void)state;
	assert_int_equal(probe_route_init(&r, 4), 0);
	assert_int_equal(probe_route_add(&r, "abc", 3, &a), 0);
	assert_int_equal(probe_route_add(&r, "abd", 3, &b), 0);
	assert_ptr_equal(probe_route_find(&r, "abc", 3), &a);
	assert_ptr_equal(probe_route_find(&r, "abd", 3), &b);
	/* a prefix or a longer key is another Call-ID */
	assert_null(probe_route_find(&r, "ab", 2));
	assert_null(probe_route_find(&r, "abcd", 4));
	assert_null(probe_route_find(&r, "", 0));
	probe_route_free(&r);
}

static void test_duplicate_and_bound(void **state)
{
	probe_route r;
	char keys[8][4] = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
	int v, i = 2;

	(void)state;
	assert_int_equal(probe_route_init(&r, 2), 0);
	assert_int_equal(probe_route_add(&r, keys[0], 2, &v), 0);
	assert_int_equal(probe_route_add(&r, keys[0], 2, &v), -2);
	assert_int_equal(probe_route_add(&r, keys[1], 2, &v), 0);
	/* made for 2 live entries, its capacity allows a few more, but never
	 * past half full */
	while (i < 8 && probe_route_add(&r, keys[i], 2, &v) == 0) {
		assert_true(2 * r.used <= r.cap);
		i++;
	}
	assert_true(i < 8);
	assert_int_equal(probe_route_add(&r, keys[i], 2, &v), -1);
	assert_true(2 * (r.used + 1) > r.cap);
	probe_route_free(&r);
}

static void test_delete_and_reuse(void **state)
{
	probe_route r;
	int a, b;

	(void)state;
	assert_int_equal(probe_route_init(&r, 4), 0);
	assert_int_equal(probe_route_add(&r, "one", 3, &a), 0);
	assert_int_equal(probe_route_del(&r, "one", 3), 0);
	assert_int_equal(probe_route_del(&r, "one", 3), -1);
	assert_null(probe_route_find(&r, "one", 3));
	assert_int_equal(probe_route_add(&r, "one", 3, &b), 0);
	assert_ptr_equal(probe_route_find(&r, "one", 3), &b);
	assert_int_equal(r.used, 1);
	probe_route_free(&r);
}

/* 10,000 calls through a table made for 16 at once: every live call is
 * found, every ended one is not, and the removed slots do not fill it */
static void test_churn(void **state)
{
	static char keys[10000][16];
	probe_route r;
	int i, j;

	(void)state;
	assert_int_equal(probe_route_init(&r, 16), 0);
	for (i = 0; i < 10000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "c%d", i);
		assert_int_equal(probe_route_add(&r, keys[i], strlen(keys[i]), keys[i]),
						 0);
		if (i >= 15) {
			j = i - 15;
			assert_int_equal(probe_route_del(&r, keys[j], strlen(keys[j])), 0);
			assert_null(probe_route_find(&r, keys[j], strlen(keys[j])));
		}
		for (j = i > 14 ? i - 14 : 0; j <= i; j++)
			assert_ptr_equal(probe_route_find(&r, keys[j], strlen(keys[j])),
							 keys[j]);
	}
	assert_int_equal(r.used, 15);
	probe_route_free(&r);
}

static void test_empty_table(void **state)
{
	probe_route r;
	int v;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_null(probe_route_find(&r, "x", 1));
	assert_int_equal(probe_route_add(&r, "x", 1, &v), -1);
	assert_int_equal(probe_route_del(&r, "x", 1), -1);
	assert_int_equal(probe_route_wait(&r, &v), -1);
	assert_null(probe_route_take(&r));
}

/* answering calls wait for an INVITE: the oldest is handed the first
 * unknown Call-ID, one that gave up leaves the queue, the queue is bounded */
static void test_waiting_queue(void **state)
{
	probe_route r;
	int a, b, c, d;

	(void)state;
	assert_int_equal(probe_route_init(&r, 3), 0);
	assert_null(probe_route_take(&r));
	assert_int_equal(probe_route_wait(&r, &a), 0);
	assert_int_equal(probe_route_wait(&r, &b), 0);
	assert_int_equal(probe_route_wait(&r, &c), 0);
	assert_int_equal(probe_route_wait(&r, &d), -1);
	assert_int_equal(probe_route_unwait(&r, &b), 0);
	assert_int_equal(probe_route_unwait(&r, &b), -1);
	assert_int_equal(probe_route_wait(&r, &d), 0);
	assert_ptr_equal(probe_route_take(&r), &a);
	assert_ptr_equal(probe_route_take(&r), &c);
	assert_ptr_equal(probe_route_take(&r), &d);
	assert_null(probe_route_take(&r));
	assert_int_equal(r.nwaiting, 0);
	/* the table beside it is untouched */
	assert_int_equal(probe_route_add(&r, "one", 3, &a), 0);
	assert_null(probe_route_take(&r));
	probe_route_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_find_and_miss),
			cmocka_unit_test(test_duplicate_and_bound),
			cmocka_unit_test(test_delete_and_reuse),
			cmocka_unit_test(test_churn),
			cmocka_unit_test(test_empty_table),
			cmocka_unit_test(test_waiting_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
