/*
 * test_admind_log.c - iwg-admind's log lines: the start-up form scripts
 * read, the time and level once the daemon serves, escapes, cuts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../admin/src/log.h"

static void startup_lines_are_a_commands_errors(void **state)
{
	char b[256];
	size_t n;

	(void)state;
	n = log_format(b, sizeof(b), NULL, LOG_LEVEL_ERROR,
				   "/x.conf:3: 'threads' given twice");
	assert_int_equal(n, strlen(b));
	assert_string_equal(b, "iwg-admind: /x.conf:3: 'threads' given twice\n");
	log_format(b, sizeof(b), NULL, LOG_LEVEL_WARNING, "no api_key\n");
	assert_string_equal(b, "iwg-admind: warning: no api_key\n");
}

static void serving_lines_carry_time_and_level(void **state)
{
	const struct timespec at = {86400 + 3661, 123456789};
	char b[256];

	(void)state;
	log_format(b, sizeof(b), &at, LOG_LEVEL_INFO, "signal 15, stopping\n\n");
	assert_string_equal(
			b,
			"1970-01-02T01:01:01.123Z info iwg-admind: signal 15, stopping\n");
	log_format(b, sizeof(b), &at, LOG_LEVEL_ERROR, "audit write failed: x");
	assert_string_equal(b, "1970-01-02T01:01:01.123Z error iwg-admind: audit "
						   "write failed: x\n");
	log_format(b, sizeof(b), &at, LOG_LEVEL_WARNING, "w");
	assert_string_equal(b, "1970-01-02T01:01:01.123Z warning iwg-admind: w\n");
}

static void control_characters_cannot_split_an_entry(void **state)
{
	const struct timespec at = {0, 0};
	char b[256];

	(void)state;
	log_format(b, sizeof(b), &at, LOG_LEVEL_ERROR,
			   "redis: ERR x\r\n1970-01-01T00:00:00.000Z info iwg-admind: "
			   "forged\t\x7f\n");
	assert_string_equal(b, "1970-01-01T00:00:00.000Z error iwg-admind: redis: "
						   "ERR x\\x0d\\x0a1970-01-01T00:00:00.000Z info "
						   "iwg-admind: forged\\x09\\x7f\n");
	assert_null(strchr(b, '\r'));
	assert_ptr_equal(strchr(b, '\n'), b + strlen(b) - 1);
}

static void long_text_is_cut(void **state)
{
	static char text[LOG_LINE_MAX + 100], b[LOG_LINE_MAX + 64];
	char small[8];

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	assert_int_equal(log_format(b, sizeof(b), NULL, LOG_LEVEL_ERROR, text),
					 strlen("iwg-admind: ") + LOG_LINE_MAX + 1);
	assert_int_equal(b[strlen(b) - 1], '\n');
	assert_int_equal(
			log_format(small, sizeof(small), NULL, LOG_LEVEL_ERROR, "abc"),
			sizeof(small) - 1);
	assert_string_equal(small, "iwg-adm");
	/* an escape is never cut in two */
	memset(text, '\r', sizeof(text) - 1);
	text[0] = 'a';
	log_format(b, sizeof(b), NULL, LOG_LEVEL_ERROR, text);
	assert_int_equal(strlen(b),
					 strlen("iwg-admind: a") + (LOG_LINE_MAX - 1) / 4 * 4 + 1);
	assert_string_equal(b + strlen(b) - 5, "\\x0d\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(startup_lines_are_a_commands_errors),
			cmocka_unit_test(serving_lines_carry_time_and_level),
			cmocka_unit_test(control_characters_cannot_split_an_entry),
			cmocka_unit_test(long_text_is_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
