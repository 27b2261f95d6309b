/*
 * Unit tests of iwg-probe's RTP helpers (tools/probe/probe_rtp.c):
 * header coding, the tagged echo payload, A-law, loss and jitter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_rtp.h"

static void test_header_roundtrip(void **state)
{
	uint8_t buf[64];
	probe_rtp_hdr h;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	probe_rtp_write_hdr(buf, 1, 8, 0xfffe, 0x80000001u, 0xdeadbeef);
	assert_int_equal(probe_rtp_parse(buf, 12 + 20, &h), 0);
	assert_int_equal(h.marker, 1);
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.seq, 0xfffe);
	assert_true(h.ts == 0x80000001u);
	assert_true(h.ssrc == 0xdeadbeef);
	assert_int_equal(h.hdr_len, 12);
	assert_int_equal(h.payload_len, 20);
	assert_true(probe_rtp_is_rtp_or_rtcp(buf, 32));
	assert_false(probe_rtp_is_rtcp(buf, 32));
}

static void test_parse_csrc_ext_padding(void **state)
{
	uint8_t buf[64];
	probe_rtp_hdr h;

	(void)state;
	memset(buf, 0, sizeof(buf));
	probe_rtp_write_hdr(buf, 0, 0, 1, 2, 3);
	buf[0] = 0x80 | 0x20 | 0x10 | 0x01; /* padding, extension, one CSRC */
	/* extension header at 16: profile, length 1 word */
	buf[18] = 0;
	buf[19] = 1;
	buf[39] = 4; /* 4 padding bytes at the end of a 40-byte packet */
	assert_int_equal(probe_rtp_parse(buf, 40, &h), 0);
	assert_int_equal(h.hdr_len, 12 + 4 + 8);
	assert_int_equal(h.payload_len, 40 - 24 - 4);
	buf[39] = 30; /* padding longer than the payload */
	assert_int_equal(probe_rtp_parse(buf, 40, &h), -1);
	buf[0] = 0x40; /* version 1 */
	assert_int_equal(probe_rtp_parse(buf, 40, &h), -1);
	assert_int_equal(probe_rtp_parse(buf, 11, &h), -1);
	buf[0] = 0x8f; /* 15 CSRCs do not fit */
	assert_int_equal(probe_rtp_parse(buf, 40, &h), -1);
}

static void test_rtcp_demux(void **state)
{
	uint8_t sr[8] = {0x80, 200, 0, 1, 0, 0, 0, 1};

	(void)state;
	assert_true(probe_rtp_is_rtcp(sr, sizeof(sr)));
	sr[0] = 0x16; /* DTLS handshake record */
	assert_false(probe_rtp_is_rtp_or_rtcp(sr, sizeof(sr)));
}

static void test_payload_match(void **state)
{
	uint8_t a[160], b[160];
	uint32_t idx = 0;

	(void)state;
	probe_rtp_payload(a, sizeof(a), 0x1234, 77);
	probe_rtp_payload(b, sizeof(b), 0x1234, 78);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_true(probe_rtp_payload_match(a, sizeof(a), 0x1234, &idx));
	assert_int_equal(idx, 77);
	assert_false(probe_rtp_payload_match(a, sizeof(a), 0x9999, NULL));
	a[100] ^= 1;
	assert_false(probe_rtp_payload_match(a, sizeof(a), 0x1234, NULL));
	assert_false(probe_rtp_payload_match(a, 4, 0x1234, NULL));
}

static void test_alaw(void **state)
{
	(void)state;
	/* G.711 A-law: +0 -> 0xd5, -1 -> 0x55, full scale -> 0xaa / 0x2a */
	assert_int_equal(probe_alaw_encode(0), 0xd5);
	assert_int_equal(probe_alaw_encode(-1), 0x55);
	assert_int_equal(probe_alaw_encode(32767), 0xaa);
	assert_int_equal(probe_alaw_encode(-32768), 0x2a);
}

static void test_stats_loss_wrap(void **state)
{
	probe_rtp_stats s;
	uint16_t seq;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(probe_rtp_stats_expected(&s), 0);
	/* 65530 .. 65535, 0 .. 9 with 3 and 5 missing: 16 expected, 14 got */
	for (i = 0; i < 16; i++) {
		seq = (uint16_t)(65530 + i);
		if (seq == 3 || seq == 5)
			continue;
		probe_rtp_stats_add(&s, seq, 160u * (uint32_t)i, 160 * i);
	}
	assert_int_equal(probe_rtp_stats_expected(&s), 16);
	assert_int_equal(s.received, 14);
	/* constant transit time: no jitter */
	assert_true(s.jitter == 0.0);
	/* a late packet of the past does not move the highest sequence */
	probe_rtp_stats_add(&s, 65531, 0, 0);
	assert_int_equal(probe_rtp_stats_expected(&s), 16);
}

static void test_stats_jitter(void **state)
{
	probe_rtp_stats s;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	/* arrivals alternate 0 and 80 units late: |D| = 80 each time */
	for (i = 0; i < 200; i++)
		probe_rtp_stats_add(&s, (uint16_t)i, 160u * (uint32_t)i,
							160 * i + (i % 2) * 80);
	assert_true(s.jitter > 75.0 && s.jitter <= 80.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_header_roundtrip),
			cmocka_unit_test(test_parse_csrc_ext_padding),
			cmocka_unit_test(test_rtcp_demux),
			cmocka_unit_test(test_payload_match),
			cmocka_unit_test(test_alaw),
			cmocka_unit_test(test_stats_loss_wrap),
			cmocka_unit_test(test_stats_jitter),
	};
	return cmocka_run_group_tests_name("probe_rtp", tests, NULL, NULL);
}
