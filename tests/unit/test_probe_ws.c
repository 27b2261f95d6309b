/*
 * Unit tests of iwg-probe's WebSocket client framing
 * (tools/probe/probe_ws.c): handshake request and accept check,
 * masked client frames, server frame decoding and its refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_ws.h"

/* RFC 6455 section 1.3 example */
#define KEY	   "dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static void test_accept_value(void **state)
{
	char out[29];

	(void)state;
	assert_int_equal(probe_ws_accept_value(KEY, out), 0);
	assert_string_equal(out, ACCEPT);
}

static void test_handshake_request(void **state)
{
	char buf[512];
	long n;

	(void)state;
	n = probe_ws_handshake_request(buf, sizeof(buf), "127.0.0.1:8080", "/", KEY,
								   "sip");
	assert_true(n > 0);
	assert_non_null(strstr(buf, "GET / HTTP/1.1\r\n"));
	assert_non_null(strstr(buf, "Sec-WebSocket-Key: " KEY "\r\n"));
	assert_non_null(strstr(buf, "Sec-WebSocket-Protocol: sip\r\n"));
	assert_non_null(strstr(buf, "Sec-WebSocket-Version: 13\r\n"));
	assert_int_equal(strcmp(buf + n - 4, "\r\n\r\n"), 0);
	assert_int_equal(probe_ws_handshake_request(buf, 40, "127.0.0.1:8080", "/",
												KEY, "sip"),
					 -1);
}

static void test_handshake_check(void **state)
{
	static const char ok[] = "HTTP/1.1 101 Switching Protocols\r\n"
							 "upgrade: WebSocket\r\n"
							 "Connection: keep-alive, Upgrade\r\n"
							 "Sec-WebSocket-Accept: " ACCEPT "\r\n"
							 "Sec-WebSocket-Protocol: sip\r\n"
							 "\r\n"
							 "\x81\x00";
	static const char refused[] = "HTTP/1.1 403 Forbidden\r\n"
								  "Content-Length: 0\r\n\r\n";
	char err[128], bad[512];
	long n;

	(void)state;
	n = probe_ws_handshake_check(ok, sizeof(ok) - 1, KEY, "sip", err, 128);
	assert_int_equal(n, (long)sizeof(ok) - 1 - 2); /* frame bytes stay */
	assert_int_equal(probe_ws_handshake_check(ok, 40, KEY, "sip", err, 128), 0);
	assert_int_equal(probe_ws_handshake_check(refused, sizeof(refused) - 1, KEY,
											  "sip", err, 128),
					 -1);
	assert_non_null(strstr(err, "403 Forbidden"));
	/* wrong accept key */
	assert_int_equal(probe_ws_handshake_check(ok, sizeof(ok) - 1,
											  "AAAAAAAAAAAAAAAAAAAAAA==", "sip",
											  err, 128),
					 -1);
	assert_non_null(strstr(err, "Accept"));
	/* subprotocol not granted */
	snprintf(bad, sizeof(bad), "%s", ok);
	*strstr(bad, "Sec-WebSocket-Protocol") = 'X';
	assert_int_equal(
			probe_ws_handshake_check(bad, strlen(bad), KEY, "sip", err, 128),
			-1);
	assert_non_null(strstr(err, "subprotocol"));
}

static void test_encode_masked(void **state)
{
	static const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	uint8_t out[70000], big[66000];
	long n;
	size_t i;

	(void)state;
	/* RFC 6455 5.7: masked "Hello" */
	n = probe_ws_frame_encode(PROBE_WS_OP_TEXT, "Hello", 5, mask, out, 64);
	assert_int_equal(n, 11);
	{
		static const uint8_t expect[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
										 0x7f, 0x9f, 0x4d, 0x51, 0x58};
		assert_memory_equal(out, expect, sizeof(expect));
	}
	memset(big, 'a', sizeof(big));
	n = probe_ws_frame_encode(PROBE_WS_OP_TEXT, big, 200, mask, out, 300);
	assert_int_equal(n, 2 + 2 + 4 + 200);
	assert_int_equal(out[1], 0x80 | 126);
	n = probe_ws_frame_encode(PROBE_WS_OP_BIN, big, sizeof(big), mask, out,
							  sizeof(out));
	assert_int_equal(n, 2 + 8 + 4 + (long)sizeof(big));
	assert_int_equal(out[1], 0x80 | 127);
	for (i = 0; i < 4; i++)
		assert_int_equal(out[10 + i], mask[i]);
	assert_int_equal(
			probe_ws_frame_encode(PROBE_WS_OP_TEXT, big, 200, mask, out, 100),
			-1);
}

static void test_decode(void **state)
{
	uint8_t buf[300];
	probe_ws_frame f;

	(void)state;
	/* unmasked "Hello" from a server */
	memcpy(buf, "\x81\x05Hello", 7);
	assert_int_equal(probe_ws_frame_decode(buf, 7, 1000, &f), 7);
	assert_true(f.fin);
	assert_int_equal(f.opcode, PROBE_WS_OP_TEXT);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.payload, "Hello", 5);
	assert_int_equal(probe_ws_frame_decode(buf, 4, 1000, &f), 0);
	assert_int_equal(probe_ws_frame_decode(buf, 1, 1000, &f), 0);
	/* 16-bit length */
	buf[0] = 0x82;
	buf[1] = 126;
	buf[2] = 0;
	buf[3] = 200;
	assert_int_equal(probe_ws_frame_decode(buf, 100, 1000, &f), 0);
	assert_int_equal(probe_ws_frame_decode(buf, 204, 1000, &f), 204);
	assert_int_equal(probe_ws_frame_decode(buf, 204, 100, &f), -1);
	/* non-minimal 16-bit length */
	buf[3] = 5;
	assert_int_equal(probe_ws_frame_decode(buf, 204, 1000, &f), -1);
	/* masked frames from a server are refused */
	memcpy(buf, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
	assert_int_equal(probe_ws_frame_decode(buf, 11, 1000, &f), -1);
	/* reserved bits, unknown opcode, fragmented ping, long ping */
	memcpy(buf, "\xc1\x00", 2);
	assert_int_equal(probe_ws_frame_decode(buf, 2, 1000, &f), -1);
	memcpy(buf, "\x83\x00", 2);
	assert_int_equal(probe_ws_frame_decode(buf, 2, 1000, &f), -1);
	memcpy(buf, "\x09\x00", 2);
	assert_int_equal(probe_ws_frame_decode(buf, 2, 1000, &f), -1);
	buf[0] = 0x89;
	buf[1] = 126;
	buf[2] = 0;
	buf[3] = 126;
	assert_int_equal(probe_ws_frame_decode(buf, 200, 1000, &f), -1);
	/* a ping with payload */
	memcpy(buf, "\x89\x02hi", 4);
	assert_int_equal(probe_ws_frame_decode(buf, 4, 1000, &f), 4);
	assert_int_equal(f.opcode, PROBE_WS_OP_PING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_accept_value),
			cmocka_unit_test(test_handshake_request),
			cmocka_unit_test(test_handshake_check),
			cmocka_unit_test(test_encode_masked),
			cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests_name("probe_ws", tests, NULL, NULL);
}
