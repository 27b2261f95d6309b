/*
 * test_verto_sipid.c - connected line from P-Asserted-Identity and the
 * Refer-To of an attended transfer (modules/iwg_verto/verto_sipid.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_sipid.h"

static int pai(const char *v, char *name, char *number)
{
	return verto_pai_parse(v, strlen(v), name, 129, number, 65);
}

static void pai_quoted_token_and_bare(void **state)
{
	char name[129], num[65];

	(void)state;
	assert_int_equal(pai("\"Agent Smith\" <sip:2001@cc.example>", name, num),
					 0);
	assert_string_equal(name, "Agent Smith");
	assert_string_equal(num, "2001");
	/* escapes inside the quotes, user parameters and URI parameters */
	assert_int_equal(pai("\"A \\\"B\\\" C\" <sip:+3312;npdi@cc.example;user="
						 "phone>;x=1",
						 name, num),
					 0);
	assert_string_equal(name, "A \"B\" C");
	assert_string_equal(num, "+3312");
	assert_int_equal(
			pai("Supervisor Jones <sips:3001@cc.example:5061>", name, num), 0);
	assert_string_equal(name, "Supervisor Jones");
	assert_string_equal(num, "3001");
	assert_int_equal(pai("sip:4001@cc.example", name, num), 0);
	assert_string_equal(name, "");
	assert_string_equal(num, "4001");
}

static void pai_sip_preferred_over_tel(void **state)
{
	char name[129], num[65];

	(void)state;
	assert_int_equal(
			pai("<tel:+15551234;cpc=ord>, \"Desk\" <sip:55@cc.example>", name,
				num),
			0);
	assert_string_equal(num, "55");
	assert_string_equal(name, "Desk");
	/* tel only; the display of the other entry if the chosen one has none */
	assert_int_equal(pai("\"Bob\" <tel:+15551234;cpc=ord>", name, num), 0);
	assert_string_equal(num, "+15551234");
	assert_string_equal(name, "Bob");
	assert_int_equal(pai("\"Bob\" <tel:+1555>, <sip:77@h>", name, num), 0);
	assert_string_equal(num, "77");
	assert_string_equal(name, "Bob");
}

static void pai_refuses_bad_values(void **state)
{
	char name[129], num[65];
	char big[300];

	(void)state;
	assert_int_equal(pai("", name, num), -1);
	assert_int_equal(pai("\"unterminated <sip:1@h>", name, num), -1);
	assert_int_equal(pai("\"x\" <sip:1@h", name, num), -1);
	assert_int_equal(pai("<sip:cc.example>", name, num), -1); /* no user */
	assert_int_equal(pai("<mailto:a@b>", name, num), -1);
	assert_int_equal(pai("\"a\x01\" <sip:1@h>", name, num), -1);
	assert_string_equal(name, "");
	assert_string_equal(num, "");
	memset(big, '7', sizeof(big));
	memcpy(big, "<sip:", 5);
	strcpy(big + sizeof(big) - 6, "@h>");
	assert_int_equal(pai(big, name, num), -1); /* number too long */
	assert_int_equal(verto_pai_parse("<sip:1@h>", 9, name, 129, num, 1), -1);
}

static void cline_decision(void **state)
{
	(void)state;
	assert_int_equal(verto_cline_changed("5000", "5000", "Agent", "2001"), 1);
	assert_int_equal(verto_cline_changed("Agent", "2001", "Agent", "2001"), 0);
	/* an empty name is the number on both sides */
	assert_int_equal(verto_cline_changed("", "2001", "", "2001"), 0);
	assert_int_equal(verto_cline_changed(NULL, "2001", "2001", "2001"), 0);
	assert_int_equal(verto_cline_changed("", "2001", "Agent", "2001"), 1);
	assert_int_equal(verto_cline_changed("Agent", "2001", "Agent B", "2001"),
					 1);
	/* nothing to show */
	assert_int_equal(verto_cline_changed("Agent", "2001", "X", ""), 0);
	assert_int_equal(verto_cline_changed(NULL, NULL, "X", "1"), 1);
}

static void refer_to_with_replaces(void **state)
{
	char b[256];

	(void)state;
	assert_int_equal(verto_refer_replaces("sip:agent@127.0.0.1:5090;transport="
										  "udp",
										  "1-42@127.0.0.1", "42cc2", "a;b=c", b,
										  sizeof(b)),
					 0);
	assert_string_equal(b, "<sip:agent@127.0.0.1:5090;transport=udp?Replaces="
						   "1-42%40127.0.0.1%3Bto-tag%3D42cc2%3Bfrom-tag%3Da%"
						   "3Bb%3Dc>");
	/* space, percent, quote, non-ASCII are escaped */
	assert_int_equal(verto_refer_replaces("sip:b@h", "x y%\"\xc3", "t", "f", b,
										  sizeof(b)),
					 0);
	assert_string_equal(
			b, "<sip:b@h?Replaces=x%20y%25%22%C3%3Bto-tag%3Dt%3Bfrom-tag%3Df>");
	assert_int_equal(
			verto_refer_replaces("tel:+1", "c", "t", "f", b, sizeof(b)), -1);
	assert_int_equal(
			verto_refer_replaces("sip:b@h?X=1", "c", "t", "f", b, sizeof(b)),
			-1);
	assert_int_equal(
			verto_refer_replaces("sip:b@h>", "c", "t", "f", b, sizeof(b)), -1);
	assert_int_equal(
			verto_refer_replaces("sip:b@h", "", "t", "f", b, sizeof(b)), -1);
	assert_int_equal(verto_refer_replaces("sip:b@h", "c", "t", "f", b, 20), -1);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(pai_quoted_token_and_bare),
			cmocka_unit_test(pai_sip_preferred_over_tel),
			cmocka_unit_test(pai_refuses_bad_values),
			cmocka_unit_test(cline_decision),
			cmocka_unit_test(refer_to_with_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
