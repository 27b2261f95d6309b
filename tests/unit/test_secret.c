/*
 * test_secret.c - refusal of empty, short and placeholder secrets
 * (lib/secret/secret.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "secret/secret.h"

/* 64 hex characters, as openssl rand -hex 32 makes them */
static const char good[] =
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/* secret_check on a NUL-terminated string; the reason in why */
static int check(const char *s, char *why, size_t whysz)
{
	return secret_check(s, strlen(s), why, whysz);
}

static void assert_refused_with(const char *s, const char *reason)
{
	char why[128] = "";

	if (check(s, why, sizeof(why)) != -1)
		fail_msg("secret \"%s\" was accepted, expected \"%s\"", s, reason);
	if (strstr(why, reason) == NULL)
		fail_msg("secret \"%s\": reason \"%s\" lacks \"%s\"", s, why, reason);
}

static void test_random_secret_is_accepted(void **state)
{
	char why[64] = "untouched";

	(void)state;
	assert_int_equal(check(good, why, sizeof(why)), 0);
	assert_string_equal(why, "untouched");
	assert_int_equal(secret_check(good, strlen(good), NULL, 0), 0);
}

static void test_unset_and_empty_are_refused(void **state)
{
	char why[64];

	(void)state;
	assert_int_equal(secret_check(NULL, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "is not set");
	assert_refused_with("", "is empty");
	/* len 0 on a non-empty buffer is empty too */
	assert_int_equal(secret_check(good, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "is empty");
}

static void test_length_boundary_31_32(void **state)
{
	char s[SECRET_MIN_LEN + 1], why[64];

	(void)state;
	memcpy(s, good, SECRET_MIN_LEN);
	s[SECRET_MIN_LEN] = '\0';
	assert_int_equal(SECRET_MIN_LEN, 32);
	assert_int_equal(check(s, why, sizeof(why)), 0);
	s[SECRET_MIN_LEN - 1] = '\0';
	assert_int_equal(check(s, why, sizeof(why)), -1);
	assert_string_equal(why, "is 31 characters long, shorter than 32");
	/* len, not the NUL, decides */
	assert_int_equal(secret_check(good, 31, why, sizeof(why)), -1);
	assert_int_equal(secret_check(good, 32, why, sizeof(why)), 0);
}

static void test_placeholders_are_refused_in_any_case(void **state)
{
	(void)state;
	assert_refused_with("change-me",
						"is a placeholder (contains \"change-me\")");
	assert_refused_with("CHANGEME-to-a-random-value-of-32-chars",
						"contains \"changeme\"");
	assert_refused_with("please_Change_Me_0123456789abcdef0123",
						"contains \"change_me\"");
	assert_refused_with("0123456789abcdef0123456789PlaceHolder",
						"contains \"placeholder\"");
	assert_refused_with("an-Example-secret-0123456789abcdef01",
						"contains \"example\"");
	/* at the very end of the buffer */
	assert_refused_with("0123456789abcdef0123456789abcdef-change-me",
						"contains \"change-me\"");
}

static void test_one_repeated_character_is_refused(void **state)
{
	char s[65];

	(void)state;
	memset(s, 'x', 64);
	s[64] = '\0';
	assert_refused_with(s, "is a placeholder (one character repeated)");
	memset(s, '0', 64);
	assert_refused_with(s, "one character repeated");
	/* one different character makes it another matter */
	s[10] = '1';
	assert_int_equal(check(s, NULL, 0), 0);
}

static void test_reason_is_cut_to_whysz(void **state)
{
	char why[8];

	(void)state;
	memset(why, 'Z', sizeof(why));
	assert_int_equal(check("short", why, 4), -1);
	assert_string_equal(why, "is ");
	assert_int_equal(why[4], 'Z');
	/* nothing written with whysz 0 */
	assert_int_equal(check("short", why, 0), -1);
	assert_int_equal(why[4], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_random_secret_is_accepted),
			cmocka_unit_test(test_unset_and_empty_are_refused),
			cmocka_unit_test(test_length_boundary_31_32),
			cmocka_unit_test(test_placeholders_are_refused_in_any_case),
			cmocka_unit_test(test_one_repeated_character_is_refused),
			cmocka_unit_test(test_reason_is_cut_to_whysz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
