/*
 * Unit tests of iwg-probe's Call-ID table (tools/probe/probe_route.c),
 * which hands each SIP message on a shared WebSocket to its call: finds,
 * misses, removal and reuse of slots, its bound, and a long churn of calls
 * coming and going as in a load run; and where a message on the shared
 * WebSocket goes (tools/probe/probe_dispatch.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_dispatch.h"
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
	/* made for 2 live entries: a third is refused, one removed makes room */
	assert_int_equal(probe_route_add(&r, keys[i], 2, &v), -1);
	assert_int_equal(r.used, 2);
	assert_true(2 * r.used <= r.cap);
	assert_int_equal(probe_route_del(&r, keys[0], 2), 0);
	assert_int_equal(probe_route_add(&r, keys[i], 2, &v), 0);
	assert_int_equal(probe_route_add(&r, keys[i + 1], 2, &v), -1);
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

/* the message text with method/status line start, Call-ID cid and To tag */
static probe_dispatch way(probe_route *r, const char *start, const char *cid,
						  const char *to_tag, void **call)
{
	static char buf[1024];
	probe_sip_msg m;
	char err[128], meth[16] = "";

	if (strncmp(start, "SIP/", 4))
		sscanf(start, "%15s", meth);
	snprintf(buf, sizeof(buf),
			 "%s\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\n"
			 "From: <sip:a@t>;tag=f\r\nTo: <sip:b@t>%s%s\r\n"
			 "Call-ID: %s\r\nCSeq: 1 %s\r\n\r\n",
			 start, to_tag ? ";tag=" : "", to_tag ? to_tag : "", cid,
			 meth[0] ? meth : "INVITE");
	assert_int_equal(probe_sip_parse(buf, strlen(buf), &m, err, sizeof(err)),
					 0);
	return probe_dispatch_msg(r, &m, "own", call);
}

/* on a shared connection: a routed Call-ID goes to its call; the line's
 * own Call-ID is no dialog (481 to a BYE on it); a new INVITE goes to a
 * waiting call, else is busy; the rest of no call: 481, or dropped */
static void test_dispatch(void **state)
{
	probe_route r;
	void *v;
	int a, w;

	(void)state;
	assert_int_equal(probe_route_init(&r, 4), 0);
	assert_int_equal(probe_route_add(&r, "c1", 2, &a), 0);
	assert_int_equal(way(&r, "BYE sip:x SIP/2.0", "c1", "t", &v),
					 PROBE_DISPATCH_CALL);
	assert_ptr_equal(v, &a);
	assert_int_equal(way(&r, "SIP/2.0 200 OK", "c1", "t", &v),
					 PROBE_DISPATCH_CALL);
	assert_int_equal(way(&r, "SIP/2.0 200 OK", "own", "t", &v),
					 PROBE_DISPATCH_LINE);
	assert_null(v);
	assert_int_equal(way(&r, "BYE sip:x SIP/2.0", "own", "t", &v),
					 PROBE_DISPATCH_481);
	assert_int_equal(way(&r, "INVITE sip:x SIP/2.0", "own", NULL, &v),
					 PROBE_DISPATCH_481);
	assert_int_equal(way(&r, "ACK sip:x SIP/2.0", "own", "t", &v),
					 PROBE_DISPATCH_DROP);
	assert_int_equal(way(&r, "INVITE sip:x SIP/2.0", "new", NULL, &v),
					 PROBE_DISPATCH_BUSY);
	assert_int_equal(probe_route_wait(&r, &w), 0);
	assert_int_equal(way(&r, "INVITE sip:x SIP/2.0", "new", NULL, &v),
					 PROBE_DISPATCH_TAKE);
	assert_int_equal(r.nwaiting, 1); /* the caller takes it */
	assert_int_equal(way(&r, "INVITE sip:x SIP/2.0", "new", "t", &v),
					 PROBE_DISPATCH_481);
	assert_int_equal(way(&r, "BYE sip:x SIP/2.0", "gone", "t", &v),
					 PROBE_DISPATCH_481);
	assert_int_equal(way(&r, "ACK sip:x SIP/2.0", "gone", "t", &v),
					 PROBE_DISPATCH_DROP);
	assert_int_equal(way(&r, "SIP/2.0 180 Ringing", "gone", "t", &v),
					 PROBE_DISPATCH_DROP);
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
			cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
