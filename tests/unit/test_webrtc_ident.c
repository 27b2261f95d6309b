/*
 * test_webrtc_ident.c - iwg_webrtc P-Associated-URI parsing and the
 * asserted-identity choice (modules/iwg_webrtc/webrtc_ident.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_ident.h"

#define S(x) x, strlen(x)

static int span_is(const webrtc_span_t *sp, const char *want)
{
	return sp->len == strlen(want) && memcmp(sp->s, want, sp->len) == 0;
}

/* TS 24.229 / RFC 3455 style P-Associated-URI */
static void test_pau_parse(void **state)
{
	webrtc_span_t u[WEBRTC_PAU_MAX];
	int n = 0;
	const char *h = "\"Alice\" <sip:alice@ims.test;user=phone>, "
					"<tel:+1-212-555-0101>,sip:alice2@ims.test;x=y , "
					"\"a, <b>\" <sips:a@B.test>";

	(void)state;
	assert_int_equal(webrtc_addr_list_parse(S(h), u, WEBRTC_PAU_MAX, &n), 0);
	assert_int_equal(n, 4);
	assert_true(span_is(&u[0], "sip:alice@ims.test;user=phone"));
	assert_true(span_is(&u[1], "tel:+1-212-555-0101"));
	assert_true(span_is(&u[2], "sip:alice2@ims.test"));
	assert_true(span_is(&u[3], "sips:a@B.test"));
	/* a second header appends */
	assert_int_equal(
			webrtc_addr_list_parse(S("<sip:x@y>"), u, WEBRTC_PAU_MAX, &n), 0);
	assert_int_equal(n, 5);
}

static void test_elems(void **state)
{
	webrtc_span_t e[4];
	int n = 0;
	(void)state;
	assert_int_equal(
			webrtc_addr_list_elems(S(" <sip:orig@scscf.ims.test:6060;lr>"
									 " ,<sip:x@y;lr>"),
								   e, 4, &n),
			0);
	assert_int_equal(n, 2);
	assert_true(span_is(&e[0], "<sip:orig@scscf.ims.test:6060;lr>"));
	assert_true(span_is(&e[1], "<sip:x@y;lr>"));
}

static void test_pau_bad(void **state)
{
	webrtc_span_t u[2];
	int n;
	const char *bad[] = {"<sip:a@b",
						 "\"open <sip:a@b>",
						 "<>",
						 "<nocolon>",
						 "sip:a@b junk",
						 "<sip:a@b>>",
						 "<<sip:a@b>>",
						 "sip:a@b, <sip:c@d>, "
						 "<sip:e@f>"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 0;
		assert_int_equal(webrtc_addr_list_parse(S(bad[i]), u, 2, &n), -1);
	}
	n = 0;
	assert_int_equal(webrtc_addr_list_parse(S(" , "), u, 2, &n), 0);
	assert_int_equal(n, 0);
}

static void test_uri_equal(void **state)
{
	(void)state;
	assert_true(webrtc_uri_equal(S("sip:alice@IMS.test;user=phone"),
								 S("SIP:alice@ims.test")));
	assert_false(
			webrtc_uri_equal(S("sip:Alice@ims.test"), S("sip:alice@ims.test")));
	assert_false(webrtc_uri_equal(S("sip:alice@ims.test"),
								  S("sips:alice@ims.test")));
	assert_false(webrtc_uri_equal(S("sip:alice@ims.test"),
								  S("sip:alice@ims.test.evil")));
	assert_true(webrtc_uri_equal(S("tel:+1-212-555-0101"),
								 S("tel:+12125550101;x=1")));
	assert_false(
			webrtc_uri_equal(S("tel:+12125550101"), S("tel:+12125550102")));
	assert_false(webrtc_uri_equal(S("nocolon"), S("nocolon")));
	assert_true(webrtc_uri_equal(S("sip:ims.test"), S("sip:IMS.test")));
	assert_false(webrtc_uri_equal(S("sip:a@ims.test"), S("sip:ims.test")));
}

static void test_choose(void **state)
{
	webrtc_span_t u[WEBRTC_PAU_MAX];
	int n = 0;
	const char *h = "<sip:alice@ims.test>, <tel:+12125550101>";

	(void)state;
	assert_int_equal(webrtc_addr_list_parse(S(h), u, WEBRTC_PAU_MAX, &n), 0);
	assert_int_equal(webrtc_ident_choose(u, n, NULL, 0), 0);
	assert_int_equal(webrtc_ident_choose(u, n, S("tel:+1-212-555-0101")), 1);
	assert_int_equal(webrtc_ident_choose(u, n, S("sip:alice@ims.test")), 0);
	assert_int_equal(webrtc_ident_choose(u, n, S("sip:mallory@ims.test")), -1);
	assert_int_equal(webrtc_ident_choose(u, 0, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_pau_parse), cmocka_unit_test(test_elems),
			cmocka_unit_test(test_pau_bad),	  cmocka_unit_test(test_uri_equal),
			cmocka_unit_test(test_choose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
