/*
 * test_webrtc_auth.c - iwg_webrtc: the auth-done Authorization header of a
 * web-credential REGISTER (modules/iwg_webrtc/webrtc_auth.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_auth.h"

#define S(x) x, strlen(x)

/* TS 24.371 A.3.2 / TS 33.203 trusted node authentication: no challenge
 * response, the auth-done marker */
static void test_value(void **state)
{
	char out[WEBRTC_AUTH_VALUE_MAX];
	const char *want = "Digest username=\"ann.priv@ims.test\", "
					   "realm=\"ims.test\", uri=\"sip:ims.test\", nonce=\"\", "
					   "response=\"\", integrity-protected=\"auth-done\"";
	int n;

	(void)state;
	n = webrtc_auth_done_value(S("ann.priv@ims.test"), S("ims.test"),
							   S("sip:ims.test"), out, sizeof(out));
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
	/* exactly the room it needs (with the NUL) */
	assert_int_equal(webrtc_auth_done_value(S("ann.priv@ims.test"),
											S("ims.test"), S("sip:ims.test"),
											out, strlen(want) + 1),
					 n);
	assert_int_equal(webrtc_auth_done_value(S("ann.priv@ims.test"),
											S("ims.test"), S("sip:ims.test"),
											out, strlen(want)),
					 WEBRTC_AUTH_NO_ROOM);
	assert_string_equal(out, "");
}

/* nothing that would need escaping, or could end the header, gets in */
static void test_refused(void **state)
{
	char out[WEBRTC_AUTH_VALUE_MAX], big[WEBRTC_AUTH_URI_MAX + 2];
	const char *bad_impi[] = {"", "a\"b", "a\\b", "a b", "a\r\nX: y", "\x7f"};
	const char *bad_realm[] = {"",	   "ims test", "ims.test\"",
							   ".ims", "a/b",	   "[::1]"};
	const char *bad_uri[] = {"", "noscheme", "sip:a\"b", "sip:a b",
							 "sip:x\r\nVia: z"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_impi) / sizeof(bad_impi[0]); i++)
		assert_int_equal(webrtc_auth_done_value(S(bad_impi[i]), S("ims.test"),
												S("sip:ims.test"), out,
												sizeof(out)),
						 WEBRTC_AUTH_BAD_IMPI);
	for (i = 0; i < sizeof(bad_realm) / sizeof(bad_realm[0]); i++)
		assert_int_equal(webrtc_auth_done_value(S("a@b"), S(bad_realm[i]),
												S("sip:ims.test"), out,
												sizeof(out)),
						 WEBRTC_AUTH_BAD_REALM);
	for (i = 0; i < sizeof(bad_uri) / sizeof(bad_uri[0]); i++)
		assert_int_equal(webrtc_auth_done_value(S("a@b"), S("ims.test"),
												S(bad_uri[i]), out,
												sizeof(out)),
						 WEBRTC_AUTH_BAD_URI);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "sip:", 4);
	assert_int_equal(webrtc_auth_done_value(S("a@b"), S("ims.test"), S(big),
											out, sizeof(out)),
					 WEBRTC_AUTH_BAD_URI);
	assert_int_equal(webrtc_auth_done_value(NULL, 0, S("ims.test"),
											S("sip:ims.test"), out,
											sizeof(out)),
					 WEBRTC_AUTH_BAD_IMPI);
	assert_string_equal(webrtc_auth_rc_str(WEBRTC_AUTH_BAD_REALM), "bad realm");
}

static void test_realm_of(void **state)
{
	const char *h;
	size_t n;

	(void)state;
	assert_int_equal(webrtc_auth_realm_of(S("sip:ims.test"), &h, &n), 0);
	assert_int_equal(n, 8);
	assert_memory_equal(h, "ims.test", 8);
	assert_int_equal(
			webrtc_auth_realm_of(S("SIPS:u:pw@Home.Test:5061;lr?x=y"), &h, &n),
			0);
	assert_int_equal(n, 9);
	assert_memory_equal(h, "Home.Test", 9);
	assert_int_equal(webrtc_auth_realm_of(S("sip:[::1]:5060"), &h, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(webrtc_auth_realm_of(S("tel:+1212"), &h, &n), -1);
	assert_int_equal(webrtc_auth_realm_of(S("sip:"), &h, &n), -1);
	assert_int_equal(webrtc_auth_realm_of(S("sip:u@;x"), &h, &n), -1);
	assert_int_equal(webrtc_auth_realm_of(S("sip:[::1"), &h, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_value),
			cmocka_unit_test(test_refused),
			cmocka_unit_test(test_realm_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
