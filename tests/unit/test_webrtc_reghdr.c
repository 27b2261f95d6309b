/*
 * test_webrtc_reghdr.c - iwg_webrtc: the header values of a browser's
 * REGISTER and of the de-REGISTER of a closed WebSocket
 * (modules/iwg_webrtc/webrtc_reghdr.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_auth.h"
#include "../../modules/iwg_webrtc/webrtc_reghdr.h"

#define S(x) x, strlen(x)

static const uint8_t key[] = "0123456789abcdef0123456789abcdef-test-key";

static webrtc_flow_t flow4(void)
{
	webrtc_flow_t f;

	memset(&f, 0, sizeof(f));
	f.proto = 5;
	f.conid = 42;
	f.port = 50123;
	f.af = 4;
	f.addr[0] = 127;
	f.addr[3] = 1;
	return f;
}

/* RFC 3327 / RFC 5626: <sip:TOKEN@host;lr;ob>, the token names the flow */
static void test_path_names_the_flow(void **state)
{
	webrtc_flow_t f = flow4(), back;
	char out[WEBRTC_REGHDR_PATH_MAX];
	const char *suffix = "@pcscf.test:5060;lr;ob>";
	const char *at;
	int n;

	(void)state;
	n = webrtc_reghdr_path(&f, key, sizeof(key) - 1, S("pcscf.test:5060"), out,
						   sizeof(out));
	assert_true(n > 0);
	assert_int_equal(n, (int)strlen(out));
	assert_memory_equal(out, "<sip:", 5);
	at = strchr(out, '@');
	assert_non_null(at);
	assert_string_equal(at, suffix);
	assert_int_equal(webrtc_flow_decode(out + 5, (size_t)(at - out - 5), key,
										sizeof(key) - 1, &back),
					 WEBRTC_FLOW_OK);
	assert_int_equal(webrtc_flow_same_peer(&f, &back), 1);
	/* exactly the room it needs, then one byte short */
	assert_int_equal(webrtc_reghdr_path(&f, key, sizeof(key) - 1,
										S("pcscf.test:5060"), out,
										(size_t)n + 1),
					 n);
	assert_int_equal(webrtc_reghdr_path(&f, key, sizeof(key) - 1,
										S("pcscf.test:5060"), out, (size_t)n),
					 -1);
}

static void test_path_refuses_bad_flow_or_key(void **state)
{
	webrtc_flow_t f = flow4();
	char out[WEBRTC_REGHDR_PATH_MAX];

	(void)state;
	assert_int_equal(
			webrtc_reghdr_path(&f, key, 0, S("p.test"), out, sizeof(out)), -1);
	assert_string_equal(out, "");
	f.af = 5;
	assert_int_equal(webrtc_reghdr_path(&f, key, sizeof(key) - 1, S("p.test"),
										out, sizeof(out)),
					 -1);
}

/* Supported: path and outbound must both be named; only the missing ones
 * are added */
static void test_supported_adds_what_is_missing(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(webrtc_reghdr_supported(0, out, sizeof(out)),
					 (int)strlen("Supported: path, outbound\r\n"));
	assert_string_equal(out, "Supported: path, outbound\r\n");
	webrtc_reghdr_supported(WEBRTC_REGHDR_HAS_PATH, out, sizeof(out));
	assert_string_equal(out, "Supported: outbound\r\n");
	webrtc_reghdr_supported(WEBRTC_REGHDR_HAS_OUTBOUND, out, sizeof(out));
	assert_string_equal(out, "Supported: path\r\n");
	assert_int_equal(webrtc_reghdr_supported(WEBRTC_REGHDR_HAS_PATH |
													 WEBRTC_REGHDR_HAS_OUTBOUND,
											 out, sizeof(out)),
					 0);
	assert_string_equal(out, "");
	assert_int_equal(webrtc_reghdr_supported(0, out, 10), -1);
}

/* TS 24.229 5.1.1.2: without a realm, the home domain of the Request-URI */
static void test_auth_realm_defaults_to_request_uri_host(void **state)
{
	char out[WEBRTC_AUTH_VALUE_MAX], want[WEBRTC_AUTH_VALUE_MAX];
	int n;

	(void)state;
	n = webrtc_reghdr_auth(S("ann@ims.test"), NULL, 0, S("sip:ims.test:5060"),
						   out, sizeof(out));
	assert_true(n > 0);
	webrtc_auth_done_value(S("ann@ims.test"), S("ims.test"),
						   S("sip:ims.test:5060"), want, sizeof(want));
	assert_string_equal(out, want);
	/* an empty realm is no realm */
	assert_int_equal(webrtc_reghdr_auth(S("ann@ims.test"), "", 0,
										S("sip:ims.test:5060"), out,
										sizeof(out)),
					 n);
	assert_string_equal(out, want);
	/* a realm given wins over the Request-URI */
	assert_true(webrtc_reghdr_auth(S("ann@ims.test"), S("home.test"),
								   S("sip:ims.test"), out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "realm=\"home.test\""));
}

static void test_auth_errors(void **state)
{
	char out[WEBRTC_AUTH_VALUE_MAX];

	(void)state;
	/* no host in the Request-URI for the default realm */
	assert_int_equal(webrtc_reghdr_auth(S("ann@ims.test"), NULL, 0,
										S("tel:+15551234"), out, sizeof(out)),
					 WEBRTC_AUTH_BAD_URI);
	assert_string_equal(out, "");
	assert_int_equal(webrtc_reghdr_auth(S("ann\"x"), NULL, 0, S("sip:ims.test"),
										out, sizeof(out)),
					 WEBRTC_AUTH_BAD_IMPI);
	assert_int_equal(webrtc_reghdr_auth(S("ann@ims.test"), S("a b"),
										S("sip:ims.test"), out, sizeof(out)),
					 WEBRTC_AUTH_BAD_REALM);
}

/* the de-REGISTER names the binding as the IMS holds it, with expires=0 */
static void test_dereg_headers(void **state)
{
	const char *plain = "Contact: <sip:u@10.0.0.1;ob>;expires=0\r\n"
						"Path: <sip:T@p.test;lr;ob>\r\n"
						"Supported: path, outbound\r\nExpires: 0\r\n";
	const char *auth = "Digest username=\"ann\"";
	char out[256], want[256];
	size_t cl = strlen("sip:u@10.0.0.1;ob"),
		   pl = strlen("<sip:T@p.test;lr;ob>");
	int n;

	(void)state;
	n = webrtc_reghdr_dereg(S("sip:u@10.0.0.1;ob"), S("<sip:T@p.test;lr;ob>"),
							NULL, 0, out, sizeof(out));
	assert_int_equal(n, (int)strlen(plain));
	assert_string_equal(out, plain);
	/* a web-credential registration carries its auth-done value */
	n = webrtc_reghdr_dereg(S("sip:u@10.0.0.1;ob"), S("<sip:T@p.test;lr;ob>"),
							S(auth), out, sizeof(out));
	snprintf(want, sizeof(want), "%sAuthorization: %s\r\n", plain, auth);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
	/* the documented room is enough; one byte short of the output is not */
	assert_true(cl + pl + strlen(auth) + WEBRTC_REGHDR_DEREG_EXTRA >=
				(size_t)n + 1);
	assert_int_equal(webrtc_reghdr_dereg(S("sip:u@10.0.0.1;ob"),
										 S("<sip:T@p.test;lr;ob>"), S(auth),
										 out, (size_t)n),
					 -1);
	assert_int_equal(webrtc_reghdr_dereg(S("sip:u@10.0.0.1;ob"),
										 S("<sip:T@p.test;lr;ob>"), NULL, 0,
										 out, 20),
					 -1);
	/* a stored value with a CR or LF never becomes header lines */
	assert_int_equal(webrtc_reghdr_dereg(S("sip:u@h\rX: 1"),
										 S("<sip:T@p.test;lr;ob>"), NULL, 0,
										 out, sizeof(out)),
					 -1);
	assert_int_equal(webrtc_reghdr_dereg(S("sip:u@h"), S("<sip:T@p.test>"),
										 S("Digest x\nX: 1"), out, sizeof(out)),
					 -1);
}

static void test_dereg_tag(void **state)
{
	char out[WEBRTC_REGHDR_TAG_MAX];

	(void)state;
	assert_int_equal(
			webrtc_reghdr_dereg_tag(0x1a, (time_t)0x5f, out, sizeof(out)), 7);
	assert_string_equal(out, "iwg1a5f");
	assert_true(webrtc_reghdr_dereg_tag(0xffffffffu, (time_t)0x7fffffff, out,
										sizeof(out)) > 0);
	assert_int_equal(webrtc_reghdr_dereg_tag(1, 1, out, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_path_names_the_flow),
			cmocka_unit_test(test_path_refuses_bad_flow_or_key),
			cmocka_unit_test(test_supported_adds_what_is_missing),
			cmocka_unit_test(test_auth_realm_defaults_to_request_uri_host),
			cmocka_unit_test(test_auth_errors),
			cmocka_unit_test(test_dereg_headers),
			cmocka_unit_test(test_dereg_tag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
