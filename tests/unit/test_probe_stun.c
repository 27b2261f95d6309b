/*
 * Unit tests of iwg-probe's STUN codec (tools/probe/probe_stun.c):
 * RFC 5769 test vectors, build/parse round trips, integrity and
 * fingerprint checks, malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "../../tools/probe/probe_stun.h"

/* RFC 5769 2.1: sample request, password "VOkJxbRl1RmTxUk/WvJxBt" */
static const uint8_t rfc5769_req[] = {
		0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
		0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10,
		0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c,
		0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
		0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
		0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76,
		0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
		0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
		0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};

/* RFC 5769 2.2: sample IPv4 response, mapped 192.0.2.1:32853 */
static const uint8_t rfc5769_resp[] = {
		0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
		0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
		0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
		0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
		0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
		0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
		0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

static const char rfc_pwd[] = "VOkJxbRl1RmTxUk/WvJxBt";

static void test_crc32_check_value(void **state)
{
	(void)state;
	assert_int_equal(probe_stun_crc32((const uint8_t *)"123456789", 9),
					 0xcbf43926u);
}

static void test_rfc5769_request(void **state)
{
	probe_stun_msg m;

	(void)state;
	assert_int_equal(probe_stun_parse(rfc5769_req, sizeof(rfc5769_req), &m), 0);
	assert_int_equal(m.type, PROBE_STUN_BINDING_REQ);
	assert_int_equal(m.username_len, 9);
	assert_memory_equal(m.username, "evtj:h6vY", 9);
	assert_true(m.has_priority);
	assert_int_equal(m.priority, 0x6e0001ff);
	assert_true(m.has_controlled);
	assert_true(m.tiebreaker == 0x932ff9b151263b36ULL);
	assert_true(m.fingerprint_off > 0);
	assert_true(probe_stun_check_integrity(rfc5769_req, &m, rfc_pwd,
										   strlen(rfc_pwd)));
	assert_false(probe_stun_check_integrity(rfc5769_req, &m, "wrong", 5));
}

static void test_rfc5769_response(void **state)
{
	probe_stun_msg m;
	struct sockaddr_in *sin = (struct sockaddr_in *)&m.mapped;

	(void)state;
	assert_int_equal(probe_stun_parse(rfc5769_resp, sizeof(rfc5769_resp), &m),
					 0);
	assert_int_equal(m.type, PROBE_STUN_BINDING_OK);
	assert_true(m.has_xor_mapped);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 32853);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc0000201);
	assert_true(probe_stun_check_integrity(rfc5769_resp, &m, rfc_pwd,
										   strlen(rfc_pwd)));
}

static void test_build_parse_request(void **state)
{
	uint8_t buf[512], txid[12];
	probe_stun_builder b;
	probe_stun_msg m;
	long n;

	(void)state;
	memset(txid, 7, sizeof(txid));
	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_REQ, txid);
	probe_stun_add(&b, PROBE_STUN_A_USERNAME, "abc:defg", 8);
	probe_stun_add_u32(&b, PROBE_STUN_A_PRIORITY, 1853824767u);
	probe_stun_add_u64(&b, PROBE_STUN_A_ICE_CONTROLLING, 0x0102030405060708ULL);
	probe_stun_add(&b, PROBE_STUN_A_USE_CANDIDATE, NULL, 0);
	probe_stun_add_integrity(&b, "secretpwd", 9);
	probe_stun_add_fingerprint(&b);
	n = probe_stun_finish(&b);
	assert_true(n > 20);
	assert_true(probe_stun_is_stun(buf, (size_t)n));
	assert_int_equal(probe_stun_parse(buf, (size_t)n, &m), 0);
	assert_memory_equal(m.txid, txid, 12);
	assert_memory_equal(m.username, "abc:defg", 8);
	assert_int_equal(m.priority, 1853824767u);
	assert_true(m.has_controlling && m.use_candidate);
	assert_true(m.tiebreaker == 0x0102030405060708ULL);
	assert_true(probe_stun_check_integrity(buf, &m, "secretpwd", 9));
	/* any flipped bit breaks the fingerprint */
	buf[25] ^= 1;
	assert_int_equal(probe_stun_parse(buf, (size_t)n, &m), -1);
}

static void test_build_parse_response_v6(void **state)
{
	uint8_t buf[256], txid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct sockaddr_in6 a, *got;
	probe_stun_builder b;
	probe_stun_msg m;
	long n;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(40000);
	inet_pton(AF_INET6, "2001:db8::1234", &a.sin6_addr);
	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_OK, txid);
	probe_stun_add_xor_addr(&b, (struct sockaddr *)&a);
	probe_stun_add_integrity(&b, "k", 1);
	n = probe_stun_finish(&b);
	assert_true(n > 0);
	assert_int_equal(probe_stun_parse(buf, (size_t)n, &m), 0);
	got = (struct sockaddr_in6 *)&m.mapped;
	assert_int_equal(got->sin6_family, AF_INET6);
	assert_int_equal(ntohs(got->sin6_port), 40000);
	assert_memory_equal(&got->sin6_addr, &a.sin6_addr, 16);
	assert_true(probe_stun_check_integrity(buf, &m, "k", 1));
	assert_int_equal(m.fingerprint_off, -1);
}

static void test_error_response(void **state)
{
	uint8_t buf[256], txid[12] = {0};
	probe_stun_builder b;
	probe_stun_msg m;
	long n;

	(void)state;
	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_ERR, txid);
	probe_stun_add_error(&b, 401, "Unauthorized");
	probe_stun_add_fingerprint(&b);
	n = probe_stun_finish(&b);
	assert_true(n > 0);
	assert_int_equal(probe_stun_parse(buf, (size_t)n, &m), 0);
	assert_int_equal(m.error_code, 401);
	assert_int_equal(m.error_reason_len, 12);
	assert_false(probe_stun_check_integrity(buf, &m, "k", 1));
}

static void test_builder_errors(void **state)
{
	uint8_t buf[64], txid[12] = {0};
	probe_stun_builder b;

	(void)state;
	probe_stun_begin(&b, buf, 32, PROBE_STUN_BINDING_REQ, txid);
	probe_stun_add(&b, PROBE_STUN_A_USERNAME, "0123456789abcdef", 16);
	assert_int_equal(probe_stun_finish(&b), -1); /* does not fit */

	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_REQ, txid);
	probe_stun_add_fingerprint(&b);
	probe_stun_add(&b, PROBE_STUN_A_USERNAME, "a:b", 3);
	assert_int_equal(probe_stun_finish(&b), -1); /* after FINGERPRINT */

	probe_stun_begin(&b, buf, sizeof(buf), PROBE_STUN_BINDING_ERR, txid);
	probe_stun_add_error(&b, 200, "no");
	assert_int_equal(probe_stun_finish(&b), -1); /* not an error class */
}

static void test_parse_rejects(void **state)
{
	uint8_t buf[128];
	probe_stun_msg m;

	(void)state;
	assert_int_equal(probe_stun_parse(rfc5769_req, 19, &m), -1);
	memcpy(buf, rfc5769_req, sizeof(rfc5769_req));
	buf[4] ^= 0xff; /* magic cookie */
	assert_int_equal(probe_stun_parse(buf, sizeof(rfc5769_req), &m), -1);
	assert_false(probe_stun_is_stun(buf, sizeof(rfc5769_req)));
	/* length field not matching the datagram */
	assert_int_equal(probe_stun_parse(rfc5769_req, sizeof(rfc5769_req) - 4, &m),
					 -1);
	/* unknown comprehension-required attribute 0x0077 */
	{
		static const uint8_t unk[] = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4,
									  0x42, 1,	  2,	3,	  4,	5,	  6,
									  7,	8,	  9,	10,	  11,	12,	  0x00,
									  0x77, 0x00, 0x04, 1,	  2,	3,	  4};
		assert_int_equal(probe_stun_parse(unk, sizeof(unk), &m), -1);
	}
	/* attribute longer than the message */
	{
		static const uint8_t lng[] = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4,
									  0x42, 1,	  2,	3,	  4,	5,	  6,
									  7,	8,	  9,	10,	  11,	12,	  0x00,
									  0x06, 0x00, 0x40, 'a',  ':',	'b',  'c'};
		assert_int_equal(probe_stun_parse(lng, sizeof(lng), &m), -1);
	}
	/* RTP is not STUN */
	buf[0] = 0x80;
	assert_false(probe_stun_is_stun(buf, 40));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_crc32_check_value),
			cmocka_unit_test(test_rfc5769_request),
			cmocka_unit_test(test_rfc5769_response),
			cmocka_unit_test(test_build_parse_request),
			cmocka_unit_test(test_build_parse_response_v6),
			cmocka_unit_test(test_error_response),
			cmocka_unit_test(test_builder_errors),
			cmocka_unit_test(test_parse_rejects),
	};
	return cmocka_run_group_tests_name("probe_stun", tests, NULL, NULL);
}
