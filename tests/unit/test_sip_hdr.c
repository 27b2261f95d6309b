/*
 * test_sip_hdr.c - header-line safety, URIs in angle brackets and RFC 3261
 * quoted-strings (lib/sip/sip_hdr.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/sip_hdr.h"

/* sip_hdr_quote of a NUL-terminated string into out */
static int quote(const char *s, char *out, size_t outsz)
{
	return sip_hdr_quote(s, strlen(s), out, outsz);
}

static void test_value_with_cr_lf_or_nul_is_unsafe(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int safe;
	} cases[] = {
			{"sip:ann@x", 9, 1},
			{NULL, 0, 1},
			{"a\r\nVia: x", 10, 0},
			{"a\rb", 3, 0},
			{"a\nb", 3, 0},
			{"a\0b", 3, 0},
			/* only the len bytes count: a CR past them is not looked at */
			{"ab\r", 2, 1},
			/* a tab or other controls do not end a line */
			{"a\tb\x01", 4, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (sip_hdr_value_safe(cases[i].s, cases[i].len) != cases[i].safe)
			fail_msg("case %zu: safe should be %d", i, cases[i].safe);
}

static void test_uri_that_could_leave_its_angle_brackets_is_unsafe(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int safe;
	} cases[] = {
			{"sip:ann@ims.test", 16, 1},
			{"tel:+15550100;phone-context=ims.test", 36, 1},
			{"sips:a@[::1]:5061;transport=tls?subject=x%20y", 45, 1},
			/* what could assert a second identity or add parameters */
			{"sip:a@x>,<sip:b@y", 17, 0},
			{"sip:a@x>;p=1", 12, 0},
			{"sip:<a@x", 8, 0},
			{"sip:a\"@x", 8, 0},
			/* what ends the line, or is not a URI's */
			{"sip:a@x\r\nVia: x", 15, 0},
			{"sip:a@x\0", 8, 0},
			{"sip:a b@x", 9, 0},
			{"sip:a\tb@x", 9, 0},
			{"sip:\x7f@x", 7, 0},
			{"sip:z\xc3\xa9@x", 9, 0},
			{NULL, 0, 0},
			{"", 0, 0},
			/* only the len bytes count */
			{"sip:a@x>", 7, 1},
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		if (sip_hdr_uri_safe(cases[i].s, cases[i].len, &why) != cases[i].safe)
			fail_msg("case %zu: safe should be %d", i, cases[i].safe);
		/* a refusal says why, without the value; a pass leaves why alone */
		if (cases[i].safe ? why != NULL : why == NULL || strstr(why, "sip:"))
			fail_msg("case %zu: why is %s", i, why ? why : "NULL");
	}
	assert_int_equal(sip_hdr_uri_safe("sip:a@x>", 8, NULL), 0);
	why = NULL;
	assert_int_equal(sip_hdr_uri_safe("", 0, &why), 0);
	assert_string_equal(why, "is empty");
	assert_int_equal(sip_hdr_uri_safe("a\nb", 3, &why), 0);
	assert_string_equal(why, "contains a CR, LF or NUL");
}

/* value -> quoted-string */
static void assert_quoted(const char *s, const char *want)
{
	char out[64];
	int n = quote(s, out, sizeof(out));

	if (n != (int)strlen(want) || strcmp(out, want) != 0)
		fail_msg("quoting gave %d \"%s\", expected %s", n, out, want);
}

static void test_plain_name_is_quoted_as_is(void **state)
{
	(void)state;
	assert_quoted("Ann Example", "\"Ann Example\"");
	assert_quoted("", "\"\"");
	/* UTF-8 and a tab are qdtext */
	assert_quoted("Zo\xc3\xa9\tB", "\"Zo\xc3\xa9\tB\"");
}

static void test_quote_backslash_and_controls_become_quoted_pairs(void **state)
{
	(void)state;
	assert_quoted("a\"b", "\"a\\\"b\"");
	assert_quoted("C:\\x\\", "\"C:\\\\x\\\\\"");
	/* a name that tries to close the quotes and add a parameter */
	assert_quoted("x\" <sip:evil@x>;", "\"x\\\" <sip:evil@x>;\"");
	assert_quoted("\x01\x7f", "\"\\\x01\\\x7f\"");
}

static void test_cr_lf_nul_are_refused(void **state)
{
	char out[64] = "untouched";

	(void)state;
	assert_int_equal(quote("Ann\r\nVia: x", out, sizeof(out)),
					 SIP_HDR_BAD_VALUE);
	assert_string_equal(out, "");
	assert_int_equal(quote("Ann\n", out, sizeof(out)), SIP_HDR_BAD_VALUE);
	assert_int_equal(sip_hdr_quote("a\0b", 3, out, sizeof(out)),
					 SIP_HDR_BAD_VALUE);
}

/* a byte sip_hdr_quote never writes: what lies past the size given must
 * stay it */
#define SENTINEL '\xa5'

/* the buffer quote_in writes into */
#define QUOTE_OUTLEN 16

/* quote(s) into the first sz bytes of out[QUOTE_OUTLEN] filled with
 * SENTINEL, which must be left as it was past sz */
static int quote_in(const char *s, char *out, size_t sz)
{
	size_t i;
	int n;

	memset(out, SENTINEL, QUOTE_OUTLEN);
	n = quote(s, out, sz);
	for (i = sz; i < QUOTE_OUTLEN; i++)
		if (out[i] != SENTINEL)
			fail_msg("quote(\"%s\") in %zu bytes wrote byte %zu", s, sz, i);
	return n;
}

static void test_room_is_exact(void **state)
{
	char out[QUOTE_OUTLEN];
	size_t sz;

	(void)state;
	/* "abc" needs 5 bytes and the NUL */
	assert_int_equal(quote_in("abc", out, 6), 5);
	assert_memory_equal(out, "\"abc\"", 6);
	assert_int_equal(quote_in("abc", out, 5), SIP_HDR_NO_ROOM);
	assert_int_equal(out[0], '\0');
	/* "a\"" needs 5 bytes and the NUL */
	assert_int_equal(quote_in("a\"", out, 6), 5);
	assert_int_equal(quote_in("", out, 3), 2);
	/* every size short of it: refused, nothing written past it */
	for (sz = 0; sz < 6; sz++)
		assert_int_equal(quote_in("a\"", out, sz), SIP_HDR_NO_ROOM);
	for (sz = 0; sz < 3; sz++)
		assert_int_equal(quote_in("", out, sz), SIP_HDR_NO_ROOM);
	/* the documented room is always enough */
	assert_true(quote_in("\"\"\"\"", out, SIP_HDR_QUOTED_SIZE(4)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_value_with_cr_lf_or_nul_is_unsafe),
			cmocka_unit_test(
					test_uri_that_could_leave_its_angle_brackets_is_unsafe),
			cmocka_unit_test(test_plain_name_is_quoted_as_is),
			cmocka_unit_test(
					test_quote_backslash_and_controls_become_quoted_pairs),
			cmocka_unit_test(test_cr_lf_nul_are_refused),
			cmocka_unit_test(test_room_is_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
