/*
 * test_verto_throttle.c - back-off for failed Verto logins
 * (modules/iwg_verto/verto_throttle.c): the limits per login and per
 * address, the doubling wait and its cap, refused attempts not counted,
 * a success resetting the login (not the address), forgetting, and the
 * fixed table size that never drops a throttled key.
 * Time is passed in: nothing sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_throttle.h"

#define BACKOFF 1000
#define LOCKOUT 300000

static verto_throttle *mk(unsigned login_fails, unsigned ip_fails,
						  unsigned max_entries)
{
	verto_throttle_cfg c = {.login_fails = login_fails,
							.ip_fails = ip_fails,
							.backoff_ms = BACKOFF,
							.lockout_ms = LOCKOUT,
							.max_entries = max_entries,
							.seed = {1, 2}};
	verto_throttle *t = verto_throttle_new(&c);

	assert_non_null(t);
	return t;
}

/* n failures of login from addr at time now */
static void fail_n(verto_throttle *t, const char *addr, const char *login,
				   unsigned n, uint64_t now)
{
	while (n--)
		verto_throttle_fail(t, addr, login, now);
}

static void login_allowed_below_its_limit(void **state)
{
	verto_throttle *t = mk(5, 30, 0);

	(void)state;
	fail_n(t, "10.0.0.1", "alice", 4, 100);
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "alice", 100), 0);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "alice", 100), 4);
	verto_throttle_free(t);
}

static void login_waits_backoff_at_its_limit(void **state)
{
	verto_throttle *t = mk(5, 30, 0);

	(void)state;
	fail_n(t, "10.0.0.1", "alice", 5, 100);
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "alice", 100),
					 BACKOFF);
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "alice", 600),
					 BACKOFF - 500);
	assert_int_equal(
			verto_throttle_check(t, "10.0.0.1", "alice", 100 + BACKOFF), 0);
	/* the same login from another address waits too */
	assert_int_equal(verto_throttle_check(t, "10.0.0.2", "alice", 100),
					 BACKOFF);
	/* another login from that address does not */
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "bob", 100), 0);
	verto_throttle_free(t);
}

static void wait_doubles_with_each_further_failure(void **state)
{
	verto_throttle *t = mk(5, 30, 0);
	uint64_t now = 0;
	unsigned i;

	(void)state;
	fail_n(t, NULL, "alice", 5, now);
	for (i = 1; i <= 4; i++) {
		now += verto_throttle_check(t, NULL, "alice", now);
		assert_int_equal(verto_throttle_check(t, NULL, "alice", now), 0);
		verto_throttle_fail(t, NULL, "alice", now);
		assert_int_equal(verto_throttle_check(t, NULL, "alice", now),
						 (uint64_t)BACKOFF << i);
	}
	verto_throttle_free(t);
}

static void wait_is_capped_at_lockout(void **state)
{
	verto_throttle *t = mk(5, 30, 0);

	(void)state;
	/* 5 + 9: 1000 * 2^9 = 512 s > 300 s */
	fail_n(t, NULL, "alice", 14, 1000);
	assert_int_equal(verto_throttle_check(t, NULL, "alice", 1000), LOCKOUT);
	/* far more failures: still the cap, no overflow */
	fail_n(t, NULL, "alice", 200, 1000);
	assert_int_equal(verto_throttle_check(t, NULL, "alice", 1000), LOCKOUT);
	assert_int_equal(verto_throttle_check(t, NULL, "alice", 1000 + LOCKOUT - 1),
					 1);
	assert_int_equal(verto_throttle_check(t, NULL, "alice", 1000 + LOCKOUT), 0);
	verto_throttle_free(t);
}

static void refused_attempts_neither_count_nor_extend(void **state)
{
	verto_throttle *t = mk(5, 30, 0);
	uint64_t now;

	(void)state;
	fail_n(t, "10.0.0.1", "alice", 5, 0);
	/* the glue only checks while throttled: many refused attempts */
	for (now = 0; now < BACKOFF; now += 10)
		assert_true(verto_throttle_check(t, "10.0.0.1", "alice", now) > 0);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "alice", now), 5);
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "alice", BACKOFF), 0);
	verto_throttle_free(t);
}

static void address_throttled_after_its_own_limit(void **state)
{
	verto_throttle *t = mk(5, 30, 0);
	char login[32];
	unsigned i;

	(void)state;
	/* 29 different logins, each failing once: no login is throttled */
	for (i = 0; i < 29; i++) {
		snprintf(login, sizeof(login), "user%u", i);
		verto_throttle_fail(t, "10.0.0.9", login, 50);
	}
	assert_int_equal(verto_throttle_check(t, "10.0.0.9", "new", 50), 0);
	verto_throttle_fail(t, "10.0.0.9", "user29", 50);
	assert_int_equal(verto_throttle_check(t, "10.0.0.9", "new", 50), BACKOFF);
	/* another address with a login never failed is fine */
	assert_int_equal(verto_throttle_check(t, "10.0.0.8", "new", 50), 0);
	/* the address alone */
	assert_int_equal(verto_throttle_check(t, "10.0.0.9", NULL, 50), BACKOFF);
	verto_throttle_free(t);
}

static void success_resets_the_login_not_the_address(void **state)
{
	verto_throttle *t = mk(5, 6, 0);

	(void)state;
	fail_n(t, "10.0.0.1", "alice", 5, 0);
	verto_throttle_fail(t, "10.0.0.1", "bob", 0);
	assert_true(verto_throttle_check(t, "10.0.0.1", NULL, 0) > 0);
	assert_true(verto_throttle_check(t, NULL, "alice", 0) > 0);
	/* the wait passed; alice logs in: her count starts over */
	verto_throttle_success(t, "10.0.0.1", "alice");
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "alice", 0), 0);
	/* the address's stays (one valid account must not clear a spray) */
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_ADDR, "10.0.0.1", 0), 6);
	assert_true(verto_throttle_check(t, "10.0.0.1", NULL, 0) > 0);
	/* it starts over at its first failure after a lockout without one */
	verto_throttle_fail(t, "10.0.0.1", "carol", LOCKOUT + 10);
	assert_int_equal(
			verto_throttle_fails(t, VERTO_THR_ADDR, "10.0.0.1", LOCKOUT + 10),
			1);
	assert_int_equal(verto_throttle_check(t, "10.0.0.1", "alice", LOCKOUT + 10),
					 0);
	/* alice's count started over: four failures do not throttle */
	fail_n(t, "10.0.0.2", "alice", 4, LOCKOUT + 20);
	assert_int_equal(verto_throttle_check(t, "10.0.0.2", "alice", LOCKOUT + 20),
					 0);
	/* another login's count is its own */
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "bob", 10), 1);
	verto_throttle_free(t);
}

static void full_table_keeps_throttled_keys(void **state)
{
	verto_throttle *t = mk(2, 1000, 4);
	const char *names[] = {"a", "b", "c"};
	unsigned i;

	(void)state;
	fail_n(t, NULL, "victim", 2, 0); /* throttled for BACKOFF */
	for (i = 0; i < 3; i++)
		verto_throttle_fail(t, NULL, names[i], 1);
	/* full: a new name takes the place of the oldest key not throttled */
	verto_throttle_fail(t, NULL, "new", 2);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "victim", 2), 2);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "a", 2), 0);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_LOGIN), 4);
	/* every key throttled: a new name may not begin (nor clear a lock) */
	verto_throttle_fail(t, NULL, "b", 3);
	verto_throttle_fail(t, NULL, "c", 3);
	verto_throttle_fail(t, NULL, "new", 3);
	assert_int_equal(verto_throttle_begin(t, "10.9.9.9", "other", 4), BACKOFF);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "other", 4), 0);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "victim", 4), 2);
	/* the address's attempt was given back: nothing in flight there */
	assert_int_equal(verto_throttle_count(t, VERTO_THR_ADDR), 0);
	/* once the waits have passed, keys may go again */
	assert_int_equal(verto_throttle_begin(t, "10.9.9.9", "other", LOCKOUT), 0);
	verto_throttle_free(t);
}

static void fail_reports_a_key_locked_once(void **state)
{
	verto_throttle *t = mk(2, 3, 0);

	(void)state;
	assert_int_equal(verto_throttle_fail(t, "a", "x", 0), 0);
	assert_int_equal(verto_throttle_fail(t, "a", "x", 0), 1 << VERTO_THR_LOGIN);
	assert_int_equal(verto_throttle_fail(t, "a", "x", 0), 1 << VERTO_THR_ADDR);
	assert_int_equal(verto_throttle_fail(t, "a", "x", 0), 0);
	verto_throttle_free(t);
}

static void keys_forgotten_after_forget_ms(void **state)
{
	verto_throttle_cfg c = {.login_fails = 2,
							.ip_fails = 2,
							.backoff_ms = 10,
							.lockout_ms = 100,
							.forget_ms = 5000,
							.seed = {3, 4}};
	verto_throttle *t = verto_throttle_new(&c);

	(void)state;
	assert_non_null(t);
	verto_throttle_fail(t, "a", "x", 1000);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "x", 5999), 1);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "x", 6000), 0);
	assert_int_equal(verto_throttle_check(t, "a", "x", 6000), 0);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_LOGIN), 0);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_ADDR), 0);
	/* one more failure later does not reach the limit */
	verto_throttle_fail(t, "a", "x", 7000);
	assert_int_equal(verto_throttle_check(t, "a", "x", 7000), 0);
	verto_throttle_free(t);
}

static void table_size_is_fixed_oldest_failure_evicted(void **state)
{
	verto_throttle *t = mk(3, 1000, 4);
	char login[32];
	unsigned i;

	(void)state;
	fail_n(t, NULL, "victim", 3, 0);
	/* many distinct names, all failing later */
	for (i = 0; i < 1000; i++) {
		snprintf(login, sizeof(login), "n%u", i);
		verto_throttle_fail(t, "10.1.1.1", login, 10 + i);
		assert_true(verto_throttle_count(t, VERTO_THR_LOGIN) <= 4);
		/* the victim failed again each time it may */
		if (i % 2 == 0)
			verto_throttle_fail(t, NULL, "victim", 10 + i);
	}
	/* the most recently failed key stays; the oldest went */
	assert_true(verto_throttle_fails(t, VERTO_THR_LOGIN, "victim", 2000) > 3);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "n0", 2000), 0);
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "n999", 2000), 1);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_LOGIN), 4);
	verto_throttle_free(t);
}

static void parallel_attempts_cannot_pass_the_limit(void **state)
{
	verto_throttle *t = mk(3, 30, 0);
	unsigned i;

	(void)state;
	verto_throttle_fail(t, "10.0.0.1", "alice", 0);
	/* two failures left before back-off: two attempts may run at once */
	assert_int_equal(verto_throttle_begin(t, "10.0.0.1", "alice", 1), 0);
	assert_int_equal(verto_throttle_begin(t, "10.0.0.2", "alice", 1), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(verto_throttle_begin(t, "10.0.0.3", "alice", 1),
						 BACKOFF);
	/* refused attempts were not counted */
	assert_int_equal(verto_throttle_fails(t, VERTO_THR_LOGIN, "alice", 1), 1);
	/* one ends undecided (the store failed): one more may begin */
	verto_throttle_abandon(t, "10.0.0.1", "alice");
	assert_int_equal(verto_throttle_begin(t, "10.0.0.1", "alice", 2), 0);
	/* both fail: the limit is reached, the back-off runs */
	verto_throttle_fail(t, "10.0.0.2", "alice", 3);
	verto_throttle_fail(t, "10.0.0.1", "alice", 3);
	assert_int_equal(verto_throttle_check(t, "10.0.0.9", "alice", 3), BACKOFF);
	verto_throttle_free(t);
}

static void success_keeps_other_attempts_in_flight(void **state)
{
	verto_throttle *t = mk(2, 30, 0);

	(void)state;
	assert_int_equal(verto_throttle_begin(t, "a", "alice", 0), 0);
	assert_int_equal(verto_throttle_begin(t, "b", "alice", 0), 0);
	assert_int_equal(verto_throttle_inflight(t, VERTO_THR_LOGIN, "alice"), 2);
	assert_int_equal(verto_throttle_inflight(t, VERTO_THR_ADDR, "a"), 1);
	assert_int_equal(verto_throttle_inflight(t, VERTO_THR_ADDR, "z"), 0);
	assert_true(verto_throttle_check(t, "c", "alice", 0) > 0);
	verto_throttle_success(t, "a", "alice");
	/* one still in flight, no failure: one more may begin */
	assert_int_equal(verto_throttle_begin(t, "c", "alice", 0), 0);
	assert_true(verto_throttle_check(t, "d", "alice", 0) > 0);
	verto_throttle_abandon(t, "b", "alice");
	verto_throttle_abandon(t, "c", "alice");
	/* all ended, nothing failed: nothing is kept */
	assert_int_equal(verto_throttle_count(t, VERTO_THR_LOGIN), 0);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_ADDR), 0);
	verto_throttle_free(t);
}

static void address_in_flight_counts_only_after_a_failure(void **state)
{
	verto_throttle *t = mk(5, 3, 0);
	char login[16];
	unsigned i;

	(void)state;
	/* an office behind one address: many logins at once */
	for (i = 0; i < 10; i++) {
		snprintf(login, sizeof(login), "agent%u", i);
		assert_int_equal(verto_throttle_begin(t, "192.0.2.1", login, 0), 0);
	}
	/* once the address has failed, its attempts in flight count */
	verto_throttle_fail(t, "192.0.2.1", "agent0", 1);
	assert_int_equal(verto_throttle_check(t, "192.0.2.1", "other", 1), BACKOFF);
	for (i = 1; i < 10; i++) {
		snprintf(login, sizeof(login), "agent%u", i);
		verto_throttle_success(t, "192.0.2.1", login);
	}
	/* they ended: its one failure is below the limit */
	assert_int_equal(verto_throttle_check(t, "192.0.2.1", "other", 2), 0);
	verto_throttle_free(t);
}

typedef struct seen {
	int kind[8];
	char key[8][40];
	unsigned fails[8];
	uint64_t left[8];
	unsigned n;
} seen;

static void visit(void *arg, int kind, const char *key, unsigned fails,
				  uint64_t left)
{
	seen *s = arg;

	if (s->n >= 8)
		return;
	s->kind[s->n] = kind;
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", key);
	s->fails[s->n] = fails;
	s->left[s->n] = left;
	s->n++;
}

static void list_shows_only_throttled_keys(void **state)
{
	verto_throttle *t = mk(2, 3, 0);
	seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	fail_n(t, "10.0.0.1", "alice", 3, 0);
	verto_throttle_fail(t, "10.0.0.2", "bob", 0);
	assert_int_equal(verto_throttle_list(t, 500, visit, &s), 2);
	assert_int_equal(s.kind[0], VERTO_THR_ADDR);
	assert_string_equal(s.key[0], "10.0.0.1");
	assert_int_equal(s.fails[0], 3);
	assert_int_equal(s.left[0], 500);
	assert_int_equal(s.kind[1], VERTO_THR_LOGIN);
	assert_string_equal(s.key[1], "alice");
	assert_int_equal(s.fails[1], 3);
	/* 3 failures, limit 2: 2 * BACKOFF after the last */
	assert_int_equal(s.left[1], 2 * BACKOFF - 500);
	assert_int_equal(verto_throttle_list(t, 2 * BACKOFF, NULL, NULL), 0);
	verto_throttle_free(t);
}

static void empty_and_long_keys(void **state)
{
	verto_throttle *t = mk(1, 1, 0);
	char longkey[400], other[400];

	(void)state;
	/* no key at all: nothing kept, nothing throttled */
	assert_int_equal(verto_throttle_fail(t, "", NULL, 0), 0);
	assert_int_equal(verto_throttle_check(t, "", NULL, 0), 0);
	assert_int_equal(verto_throttle_count(t, VERTO_THR_ADDR), 0);
	/* keys beyond the maximum are cut: equal prefixes are one key */
	memset(longkey, 'a', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	memcpy(other, longkey, sizeof(other));
	other[300] = 'b';
	verto_throttle_fail(t, NULL, longkey, 0);
	assert_int_equal(verto_throttle_check(t, NULL, other, 0), BACKOFF);
	verto_throttle_free(t);
}

static void unusable_settings_refused(void **state)
{
	verto_throttle_cfg c = {.login_fails = 5,
							.ip_fails = 30,
							.backoff_ms = 1000,
							.lockout_ms = 500};

	(void)state;
	assert_null(verto_throttle_new(&c));
	c.lockout_ms = 1000;
	c.login_fails = 0;
	assert_null(verto_throttle_new(&c));
	c.login_fails = 5;
	c.backoff_ms = 0;
	assert_null(verto_throttle_new(&c));
	verto_throttle_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(login_allowed_below_its_limit),
			cmocka_unit_test(login_waits_backoff_at_its_limit),
			cmocka_unit_test(wait_doubles_with_each_further_failure),
			cmocka_unit_test(wait_is_capped_at_lockout),
			cmocka_unit_test(refused_attempts_neither_count_nor_extend),
			cmocka_unit_test(address_throttled_after_its_own_limit),
			cmocka_unit_test(success_resets_the_login_not_the_address),
			cmocka_unit_test(full_table_keeps_throttled_keys),
			cmocka_unit_test(fail_reports_a_key_locked_once),
			cmocka_unit_test(keys_forgotten_after_forget_ms),
			cmocka_unit_test(table_size_is_fixed_oldest_failure_evicted),
			cmocka_unit_test(list_shows_only_throttled_keys),
			cmocka_unit_test(parallel_attempts_cannot_pass_the_limit),
			cmocka_unit_test(success_keeps_other_attempts_in_flight),
			cmocka_unit_test(address_in_flight_counts_only_after_a_failure),
			cmocka_unit_test(empty_and_long_keys),
			cmocka_unit_test(unusable_settings_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
