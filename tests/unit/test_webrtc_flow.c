/*
 * test_webrtc_flow.c - iwg_webrtc flow tokens
 * (modules/iwg_webrtc/webrtc_flow.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_flow.h"

static const uint8_t key[] = "0123456789abcdef-test-key-0123456789";
#define KEYLEN (sizeof(key) - 1)

static webrtc_flow_t v4(void)
{
	webrtc_flow_t f;
	memset(&f, 0, sizeof(f));
	f.proto = 5;
	f.conid = 0x01020304;
	f.port = 54321;
	f.af = 4;
	f.addr[0] = 127;
	f.addr[3] = 1;
	return f;
}

static void test_roundtrip_v4_v6(void **state)
{
	webrtc_flow_t f = v4(), g;
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];
	int n, i;

	(void)state;
	n = webrtc_flow_encode(&f, key, KEYLEN, tok, sizeof(tok));
	assert_true(n > 0);
	assert_int_equal(n, (int)strlen(tok));
	for (i = 0; i < n; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
							   "vwxyz0123456789-_",
							   tok[i]));
	assert_int_equal(webrtc_flow_decode(tok, (size_t)n, key, KEYLEN, &g),
					 WEBRTC_FLOW_OK);
	assert_true(webrtc_flow_same_peer(&f, &g));

	f.af = 6;
	for (i = 0; i < 16; i++)
		f.addr[i] = (uint8_t)(0x20 + i);
	n = webrtc_flow_encode(&f, key, KEYLEN, tok, sizeof(tok));
	assert_true(n > 0 && n <= WEBRTC_FLOW_TOKEN_MAX);
	assert_int_equal(webrtc_flow_decode(tok, (size_t)n, key, KEYLEN, &g),
					 WEBRTC_FLOW_OK);
	assert_true(webrtc_flow_same_peer(&f, &g));
	g.port++;
	assert_false(webrtc_flow_same_peer(&f, &g));
}

static void test_forged(void **state)
{
	webrtc_flow_t f = v4(), g;
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];
	int n, i;
	static const uint8_t other[] = "another-key-of-16+bytes";

	(void)state;
	n = webrtc_flow_encode(&f, key, KEYLEN, tok, sizeof(tok));
	assert_true(n > 0);
	/* another key */
	assert_int_equal(
			webrtc_flow_decode(tok, (size_t)n, other, sizeof(other) - 1, &g),
			WEBRTC_FLOW_FORGED);
	/* each character changed: never accepted */
	for (i = 0; i < n; i++) {
		char save = tok[i];
		tok[i] = save == 'A' ? 'B' : 'A';
		assert_int_not_equal(
				webrtc_flow_decode(tok, (size_t)n, key, KEYLEN, &g),
				WEBRTC_FLOW_OK);
		tok[i] = save;
	}
	/* a changed connection id with the old MAC: forged */
	f.conid++;
	{
		char tok2[WEBRTC_FLOW_TOKEN_MAX + 1];
		int n2 = webrtc_flow_encode(&f, key, KEYLEN, tok2, sizeof(tok2));
		assert_int_equal(n2, n);
		/* splice: new header bytes, old MAC (last 14 chars = 10.5 bytes) */
		memcpy(tok2 + n - 12, tok + n - 12, 12);
		assert_int_equal(webrtc_flow_decode(tok2, (size_t)n, key, KEYLEN, &g),
						 WEBRTC_FLOW_FORGED);
	}
}

static void test_malformed(void **state)
{
	webrtc_flow_t f = v4(), g;
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];
	int n;

	(void)state;
	assert_int_equal(webrtc_flow_decode("", 0, key, KEYLEN, &g),
					 WEBRTC_FLOW_MALFORMED);
	assert_int_equal(webrtc_flow_decode("alice", 5, key, KEYLEN, &g),
					 WEBRTC_FLOW_MALFORMED);
	assert_int_equal(webrtc_flow_decode("a+b/c=", 6, key, KEYLEN, &g),
					 WEBRTC_FLOW_MALFORMED);
	n = webrtc_flow_encode(&f, key, KEYLEN, tok, sizeof(tok));
	/* truncated and extended */
	assert_int_equal(webrtc_flow_decode(tok, (size_t)n - 4, key, KEYLEN, &g),
					 WEBRTC_FLOW_MALFORMED);
	tok[n] = 'A';
	tok[n + 1] = 'A';
	assert_int_not_equal(
			webrtc_flow_decode(tok, (size_t)n + 2, key, KEYLEN, &g),
			WEBRTC_FLOW_OK);
	/* bad address family and short output buffer */
	f.af = 5;
	assert_int_equal(webrtc_flow_encode(&f, key, KEYLEN, tok, sizeof(tok)), -1);
	f.af = 4;
	assert_int_equal(webrtc_flow_encode(&f, key, KEYLEN, tok, 10), -1);
	assert_int_equal(webrtc_flow_encode(&f, key, 0, tok, sizeof(tok)), -1);
	assert_false(webrtc_flow_key_ok(8));
	assert_false(webrtc_flow_key_ok(WEBRTC_FLOW_KEY_MIN - 1));
	assert_true(webrtc_flow_key_ok(WEBRTC_FLOW_KEY_MIN));
	assert_true(webrtc_flow_key_ok(KEYLEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_roundtrip_v4_v6),
			cmocka_unit_test(test_forged),
			cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
