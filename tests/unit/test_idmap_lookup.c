/*
 * test_idmap_lookup.c - the decisions of iwg_idmap's glue: return codes of
 * lookups and tokens, argument copies, the key a log shows, the "Bearer "
 * scheme, $idm() names and idmap.lookup faults
 * (modules/iwg_idmap/idmap_lookup.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_idmap/idmap_lookup.h"

#define NOW 1800000000LL

static void test_found_mapping_code_follows_its_usability(void **state)
{
	ids_record_t r;

	(void)state;
	ids_record_init(&r);
	assert_int_equal(idmap_lookup_rc(IDB_FOUND, &r, NOW), IDMAP_RC_OK);
	r.not_after = NOW + 1;
	assert_int_equal(idmap_lookup_rc(IDB_FOUND, &r, NOW), IDMAP_RC_OK);
	r.not_after = NOW - 1;
	assert_int_equal(idmap_lookup_rc(IDB_FOUND, &r, NOW), IDMAP_RC_EXPIRED);
	r.enabled = 0;
	assert_int_equal(idmap_lookup_rc(IDB_FOUND, &r, NOW), IDMAP_RC_DISABLED);
}

static void test_backend_failures_map_to_their_codes(void **state)
{
	(void)state;
	/* the record is not read when nothing was found */
	assert_int_equal(idmap_lookup_rc(IDB_NOTFOUND, NULL, NOW),
					 IDMAP_RC_NOTFOUND);
	assert_int_equal(idmap_lookup_rc(IDB_UNAVAILABLE, NULL, NOW),
					 IDMAP_RC_UNAVAILABLE);
	assert_int_equal(idmap_lookup_rc(IDB_BADARG, NULL, NOW), IDMAP_RC_ERROR);
	/* a stored mapping that fails validation: the cfg's error code */
	assert_int_equal(idmap_lookup_rc(IDB_INVALID, NULL, NOW), IDMAP_RC_ERROR);
	assert_int_equal(idmap_lookup_rc((idmap_backend_result_t)42, NULL, NOW),
					 IDMAP_RC_ERROR);
	/* the codes the README documents */
	assert_int_equal(IDMAP_RC_OK, 1);
	assert_int_equal(IDMAP_RC_ERROR, -1);
	assert_int_equal(IDMAP_RC_NOTFOUND, -2);
	assert_int_equal(IDMAP_RC_DISABLED, -3);
	assert_int_equal(IDMAP_RC_EXPIRED, -4);
	assert_int_equal(IDMAP_RC_UNAVAILABLE, -5);
}

static void test_argument_copy_refuses_empty_and_too_long(void **state)
{
	char buf[4] = "xyz";

	(void)state;
	assert_int_equal(idmap_lookup_arg("web", 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "web");
	assert_int_equal(idmap_lookup_arg("webx", 4, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "web");
	assert_int_equal(idmap_lookup_arg("", 0, buf, sizeof(buf)), -1);
	assert_int_equal(idmap_lookup_arg("a", -1, buf, sizeof(buf)), -1);
	assert_int_equal(idmap_lookup_arg(NULL, 2, buf, sizeof(buf)), -1);
	/* only len bytes are taken */
	assert_int_equal(idmap_lookup_arg("abcdef", 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ab");
}

static void test_logs_show_three_bytes_of_a_key_and_none_of_a_uri(void **state)
{
	(void)state;
	assert_int_equal(idmap_lookup_log_len("alice", 0), 3);
	assert_int_equal(idmap_lookup_log_len("al", 0), 2);
	assert_int_equal(idmap_lookup_log_len("", 0), 0);
	assert_int_equal(idmap_lookup_log_len("sip:+33612345678@ims.test", 1), 0);
}

static void test_bearer_scheme_is_skipped(void **state)
{
	static const struct {
		const char *t;
		size_t len;
		size_t skip;
	} cases[] = {
			{"Bearer abc", 10, 7},
			{"bEARER abc", 10, 7},
			{"abc.def.ghi", 11, 0},
			/* "Bearer " alone is the token, refused later as malformed */
			{"Bearer ", 7, 0},
			{"Bearerabc", 9, 0},
			{"Basic YWxh", 10, 0},
			{NULL, 0, 0},
			/* only len bytes are looked at */
			{"Bearer abc", 6, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (idmap_lookup_bearer_skip(cases[i].t, cases[i].len) != cases[i].skip)
			fail_msg("case %zu: \"%s\" (%zu bytes) should skip %zu", i,
					 cases[i].t ? cases[i].t : "(null)", cases[i].len,
					 cases[i].skip);
}

static void test_token_status_codes(void **state)
{
	tok_status_t st;

	(void)state;
	assert_int_equal(idmap_lookup_token_rc(TOK_OK), IDMAP_RC_OK);
	assert_int_equal(idmap_lookup_token_rc(TOK_INTERNAL), IDMAP_RC_ERROR);
	/* the README's -11 (malformed) .. -21 (introspection unavailable) */
	assert_int_equal(idmap_lookup_token_rc(TOK_MALFORMED), -11);
	assert_int_equal(idmap_lookup_token_rc(TOK_UNAVAILABLE), -21);
	for (st = TOK_MALFORMED; st <= TOK_UNAVAILABLE; st++)
		assert_int_equal(idmap_lookup_token_rc(st), -10 - (int)st);
}

static void test_pv_fields_are_the_record_and_stale(void **state)
{
	char names[256];
	int f, n;

	(void)state;
	assert_int_equal(idmap_lookup_pv_field("sip_uri", 7), IDS_F_SIP_URI);
	assert_int_equal(idmap_lookup_pv_field("did", 3), IDS_F_DID);
	assert_int_equal(idmap_lookup_pv_field("stale", 5), IDMAP_PV_STALE);
	assert_int_equal(idmap_lookup_pv_field("stal", 4), -1);
	assert_int_equal(idmap_lookup_pv_field("SIP_URI", 7), -1);
	/* only len bytes are the name */
	assert_int_equal(idmap_lookup_pv_field("keyx", 3), IDS_F_KEY);
	n = idmap_lookup_pv_names(names, sizeof(names));
	assert_int_equal(n, (int)strlen(names));
	/* every record field is listed, and stale last */
	for (f = 0; f < IDS_F_COUNT; f++)
		if (!strstr(names, ids_field_name(f)))
			fail_msg("$idm() names \"%s\" lack %s", names, ids_field_name(f));
	assert_non_null(strstr(names, "sip_uri, display_name"));
	assert_string_equal(names + n - 7, ", stale");
	assert_int_equal(idmap_lookup_pv_names(names, (size_t)n), -1);
	assert_int_equal(idmap_lookup_pv_names(names, (size_t)n + 1), n);
}

static void test_rpc_faults(void **state)
{
	const char *text = NULL;

	(void)state;
	assert_int_equal(idmap_lookup_rpc_fault(IDMAP_RC_OK, IDB_FOUND, &text), 0);
	assert_int_equal(
			idmap_lookup_rpc_fault(IDMAP_RC_DISABLED, IDB_FOUND, &text), 0);
	assert_int_equal(idmap_lookup_rpc_fault(IDMAP_RC_EXPIRED, IDB_FOUND, &text),
					 0);
	assert_null(text);
	assert_int_equal(
			idmap_lookup_rpc_fault(IDMAP_RC_NOTFOUND, IDB_NOTFOUND, &text),
			404);
	assert_string_equal(text, "not found");
	assert_int_equal(idmap_lookup_rpc_fault(IDMAP_RC_UNAVAILABLE,
											IDB_UNAVAILABLE, &text),
					 503);
	assert_string_equal(text, "identity store unavailable");
	assert_int_equal(idmap_lookup_rpc_fault(IDMAP_RC_ERROR, IDB_BADARG, &text),
					 400);
	assert_string_equal(text, "bad namespace or key");
	/* the caller did nothing wrong: the stored mapping is at fault */
	assert_int_equal(idmap_lookup_rpc_fault(IDMAP_RC_ERROR, IDB_INVALID, &text),
					 409);
	assert_string_equal(text, "stored mapping failed validation");
}

/* idmap_invlog_take without the budget's count */
static long take(idmap_invlog_t *l, const char *ns, const char *key,
				 int reverse, int64_t now)
{
	unsigned long over = 12345;
	long n = idmap_invlog_take(l, ns, key, reverse, now, &over);
	if (n >= 0)
		assert_int_equal(over, 0);
	else
		assert_int_equal(over, 12345); /* untouched */
	return n;
}

/* one log line per invalid mapping per IDMAP_INVLOG_SECONDS, the lookups
 * in between counted into its next line; mappings apart, forward and
 * reverse apart; the one logged longest ago forgotten when full (within
 * the overall budget: at most IDMAP_INVLOG_BUDGET lines per interval) */
static void test_invalid_mapping_log_is_rate_limited(void **state)
{
	idmap_invlog_t l;
	char key[16];
	int i;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(take(&l, "web", "eve", 0, 1000), 0);
	assert_int_equal(take(&l, "web", "eve", 0, 1000), -1);
	assert_int_equal(take(&l, "web", "eve", 0, 1059), -1);
	/* another mapping, the same key read in reverse, another namespace */
	assert_int_equal(take(&l, "web", "zoe", 0, 1001), 0);
	assert_int_equal(take(&l, "web", "eve", 1, 1001), 0);
	assert_int_equal(take(&l, "paas", "eve", 0, 1001), 0);
	/* 6 more, logged at 1001: 10 lines in this interval */
	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(take(&l, "web", key, 0, 1001), 0);
	}
	/* the interval passed: logged, telling the 2 lookups not logged */
	assert_int_equal(take(&l, "web", "eve", 0, 1000 + IDMAP_INVLOG_SECONDS), 2);
	assert_int_equal(take(&l, "web", "eve", 0, 1001 + IDMAP_INVLOG_SECONDS),
					 -1);
	/* a clock set back logs at once */
	assert_int_equal(take(&l, "web", "zoe", 0, 900), 0);
	/* full: a new mapping takes the slot logged longest ago (zoe's, at
	 * 900), the others stay limited */
	for (i = 6; i < IDMAP_INVLOG_SLOTS - 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(take(&l, "web", key, 0, 1100), 0);
	}
	assert_int_equal(take(&l, "web", "new", 0, 1100), 0);
	assert_int_equal(take(&l, "web", "k6", 0, 1100), -1);
	assert_int_equal(take(&l, "web", "eve", 0, 1100), -1);
	assert_int_equal(take(&l, "web", "zoe", 0, 1100), 0);
}

/* more invalid mappings than are remembered, looked up in rotation: at
 * most IDMAP_INVLOG_BUDGET lines per IDMAP_INVLOG_SECONDS in all, then the
 * next line tells how many lookups went unlogged */
static void test_invalid_mapping_log_has_an_overall_budget(void **state)
{
	enum { N = IDMAP_INVLOG_SLOTS + 4 };
	idmap_invlog_t l;
	char key[16];
	unsigned long over = 0;
	int i, round, lines = 0;
	long n;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (round = 0; round < 3; round++)
		for (i = 0; i < N; i++) {
			snprintf(key, sizeof(key), "m%d", i);
			n = idmap_invlog_take(&l, "web", key, 0, 2000 + round, &over);
			assert_true(n == -1 || n == 0);
			lines += n >= 0;
		}
	assert_int_equal(lines, IDMAP_INVLOG_BUDGET);
	/* the interval passed: the next line tells every lookup the budget
	 * left unlogged, those of m10..m19 in each round (m0..m9's later
	 * lookups are limited per mapping, counted for each of them) */
	n = idmap_invlog_take(&l, "web", "m15", 0, 2000 + IDMAP_INVLOG_SECONDS,
						  &over);
	assert_int_equal(n, 0);
	assert_int_equal(over, 3 * (N - IDMAP_INVLOG_BUDGET));
	/* told once */
	n = idmap_invlog_take(&l, "web", "m16", 0, 2000 + IDMAP_INVLOG_SECONDS,
						  &over);
	assert_int_equal(n, 0);
	assert_int_equal(over, 0);
	/* m0 logged at 2000, its 2 later lookups counted for it */
	n = idmap_invlog_take(&l, "web", "m0", 0, 2000 + IDMAP_INVLOG_SECONDS,
						  &over);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_found_mapping_code_follows_its_usability),
			cmocka_unit_test(test_backend_failures_map_to_their_codes),
			cmocka_unit_test(test_argument_copy_refuses_empty_and_too_long),
			cmocka_unit_test(
					test_logs_show_three_bytes_of_a_key_and_none_of_a_uri),
			cmocka_unit_test(test_bearer_scheme_is_skipped),
			cmocka_unit_test(test_token_status_codes),
			cmocka_unit_test(test_pv_fields_are_the_record_and_stale),
			cmocka_unit_test(test_rpc_faults),
			cmocka_unit_test(test_invalid_mapping_log_is_rate_limited),
			cmocka_unit_test(test_invalid_mapping_log_has_an_overall_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
