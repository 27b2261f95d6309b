/*
 * Unit tests of iwg-probe's SRTP and DTLS-SRTP layers
 * (tools/probe/probe_srtp.c, probe_dtls.c): round trips against a
 * libsrtp2 session set up independently, authentication and replay
 * failures, and a complete in-memory DTLS-SRTP handshake between two
 * probe endpoints whose exported keys then carry SRTP both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <srtp2/srtp.h>

#include "../../tools/probe/probe_dtls.h"
#include "../../tools/probe/probe_rtp.h"
#include "../../tools/probe/probe_srtp.h"

#define KS (PROBE_SRTP_KEY + PROBE_SRTP_SALT)

static size_t make_rtp(uint8_t *buf, uint16_t seq)
{
	probe_rtp_write_hdr(buf, 0, 8, seq, 160u * seq, 0x11223344);
	probe_rtp_payload(buf + PROBE_RTP_HDR, 160, 0xabcdef01, seq);
	return PROBE_RTP_HDR + 160;
}

/* an independent libsrtp2 receiver keyed with key_salt */
static srtp_t raw_receiver(const uint8_t *key_salt)
{
	srtp_policy_t p;
	uint8_t k[KS];
	srtp_t s = NULL;

	memset(&p, 0, sizeof(p));
	memcpy(k, key_salt, KS);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	p.ssrc.type = ssrc_any_inbound;
	p.key = k;
	p.window_size = 128;
	assert_int_equal(srtp_create(&s, &p), srtp_err_status_ok);
	return s;
}

static void test_protect_against_libsrtp2(void **state)
{
	uint8_t material[PROBE_SRTP_MATERIAL], cli[KS], pkt[256], orig[256];
	probe_srtp s;
	srtp_t raw;
	size_t len;
	int il;
	uint16_t seq;

	(void)state;
	for (il = 0; il < PROBE_SRTP_MATERIAL; il++)
		material[il] = (uint8_t)(il * 7 + 3);
	/* client write key = material[0..16) + client salt material[32..46) */
	memcpy(cli, material, PROBE_SRTP_KEY);
	memcpy(cli + PROBE_SRTP_KEY, material + 2 * PROBE_SRTP_KEY,
		   PROBE_SRTP_SALT);
	assert_int_equal(probe_srtp_init(&s, material, 1), 0);
	raw = raw_receiver(cli);
	for (seq = 100; seq < 110; seq++) {
		len = make_rtp(pkt, seq);
		memcpy(orig, pkt, len);
		assert_int_equal(probe_srtp_protect(&s, pkt, &len), 0);
		assert_int_equal(len, PROBE_RTP_HDR + 160 + 10);
		assert_memory_not_equal(pkt + PROBE_RTP_HDR, orig + PROBE_RTP_HDR, 16);
		il = (int)len;
		assert_int_equal(srtp_unprotect(raw, pkt, &il), srtp_err_status_ok);
		assert_int_equal(il, PROBE_RTP_HDR + 160);
		assert_memory_equal(pkt, orig, (size_t)il);
	}
	srtp_dealloc(raw);
	probe_srtp_free(&s);
}

static void test_unprotect_from_libsrtp2(void **state)
{
	uint8_t material[PROBE_SRTP_MATERIAL], srv[KS], pkt[256], orig[256];
	srtp_policy_t p;
	probe_srtp s;
	srtp_t raw = NULL;
	size_t len;
	int il;

	(void)state;
	memset(material, 0x5a, sizeof(material));
	material[PROBE_SRTP_KEY] = 1; /* server key differs from client key */
	memcpy(srv, material + PROBE_SRTP_KEY, PROBE_SRTP_KEY);
	memcpy(srv + PROBE_SRTP_KEY,
		   material + 2 * PROBE_SRTP_KEY + PROBE_SRTP_SALT, PROBE_SRTP_SALT);
	memset(&p, 0, sizeof(p));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
	p.ssrc.type = ssrc_any_outbound;
	p.key = srv;
	assert_int_equal(srtp_create(&raw, &p), srtp_err_status_ok);
	/* the DTLS client receives what the server protects */
	assert_int_equal(probe_srtp_init(&s, material, 1), 0);
	len = make_rtp(pkt, 7);
	memcpy(orig, pkt, len);
	il = (int)len;
	assert_int_equal(srtp_protect(raw, pkt, &il), srtp_err_status_ok);
	len = (size_t)il;
	assert_int_equal(probe_srtp_unprotect(&s, pkt, &len), 0);
	assert_int_equal(len, PROBE_RTP_HDR + 160);
	assert_memory_equal(pkt, orig, len);
	srtp_dealloc(raw);
	probe_srtp_free(&s);
}

static void test_tamper_replay_rtcp(void **state)
{
	uint8_t material[PROBE_SRTP_MATERIAL], pkt[256], copy[256];
	probe_srtp cli, srv;
	size_t len, clen;

	(void)state;
	memset(material, 0x33, sizeof(material));
	assert_int_equal(probe_srtp_init(&cli, material, 1), 0);
	assert_int_equal(probe_srtp_init(&srv, material, 0), 0);
	len = make_rtp(pkt, 1);
	assert_int_equal(probe_srtp_protect(&cli, pkt, &len), 0);
	memcpy(copy, pkt, len);
	clen = len;
	pkt[20] ^= 0x01; /* flip a payload bit */
	assert_int_equal(probe_srtp_unprotect(&srv, pkt, &len), -1);
	len = clen;
	memcpy(pkt, copy, len);
	assert_int_equal(probe_srtp_unprotect(&srv, pkt, &len), 0);
	/* the same packet again is a replay */
	len = clen;
	memcpy(pkt, copy, len);
	assert_int_equal(probe_srtp_unprotect(&srv, pkt, &len), -1);
	/* RTCP receiver report, both directions */
	{
		static const uint8_t rr[] = {0x80, 201,	 0x00, 0x01,
									 0x11, 0x22, 0x33, 0x44};
		memcpy(pkt, rr, sizeof(rr));
		len = sizeof(rr);
		assert_int_equal(probe_srtp_protect_rtcp(&srv, pkt, &len), 0);
		assert_true(len == sizeof(rr) + 4 + 10);
		assert_int_equal(probe_srtp_unprotect_rtcp(&cli, pkt, &len), 0);
		assert_int_equal(len, sizeof(rr));
		assert_memory_equal(pkt, rr, sizeof(rr));
	}
	probe_srtp_free(&cli);
	probe_srtp_free(&srv);
}

/* move every pending datagram from a to b; 1 if something moved */
static int pump(probe_dtls *from, probe_dtls *to)
{
	uint8_t buf[16384];
	size_t n;
	int moved = 0;

	while ((n = probe_dtls_output(from, buf, sizeof(buf))) > 0) {
		assert_int_equal(probe_dtls_input(to, buf, n), 0);
		moved = 1;
	}
	return moved;
}

static void fp_bytes(const probe_dtls_ctx *c, uint8_t out[32])
{
	const char *fp = probe_dtls_fingerprint(c);
	int i;

	assert_int_equal(strncmp(fp, "sha-256 ", 8), 0);
	assert_int_equal(strlen(fp), 8 + 32 * 3 - 1);
	for (i = 0; i < 32; i++) {
		unsigned v;
		assert_int_equal(sscanf(fp + 8 + 3 * i, "%2X", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void test_dtls_srtp_handshake(void **state)
{
	char err[160];
	probe_dtls_ctx *ca = probe_dtls_ctx_new(err, sizeof(err));
	probe_dtls_ctx *cb = probe_dtls_ctx_new(err, sizeof(err));
	uint8_t fpa[32], fpb[32], ka[PROBE_SRTP_MATERIAL], kb[PROBE_SRTP_MATERIAL];
	uint8_t pkt[256], orig[256];
	probe_dtls *a, *b;
	probe_srtp sa, sb;
	size_t len;
	int i, ra = 0, rb = 0;

	(void)state;
	assert_non_null(ca);
	assert_non_null(cb);
	fp_bytes(ca, fpa);
	fp_bytes(cb, fpb);
	a = probe_dtls_new(ca, 1, fpb, 32); /* client expects b's cert */
	b = probe_dtls_new(cb, 0, fpa, 32);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 20 && (ra != 1 || rb != 1); i++) {
		ra = probe_dtls_step(a);
		pump(a, b);
		rb = probe_dtls_step(b);
		pump(b, a);
		assert_true(ra >= 0 && rb >= 0);
	}
	assert_int_equal(ra, 1);
	assert_int_equal(rb, 1);
	assert_int_equal(probe_dtls_export(a, ka), 0);
	assert_int_equal(probe_dtls_export(b, kb), 0);
	assert_memory_equal(ka, kb, sizeof(ka));
	assert_int_equal(probe_srtp_init(&sa, ka, 1), 0);
	assert_int_equal(probe_srtp_init(&sb, kb, 0), 0);
	len = make_rtp(pkt, 9);
	memcpy(orig, pkt, len);
	assert_int_equal(probe_srtp_protect(&sa, pkt, &len), 0);
	assert_int_equal(probe_srtp_unprotect(&sb, pkt, &len), 0);
	assert_memory_equal(pkt, orig, len);
	len = make_rtp(pkt, 10);
	memcpy(orig, pkt, len);
	assert_int_equal(probe_srtp_protect(&sb, pkt, &len), 0);
	assert_int_equal(probe_srtp_unprotect(&sa, pkt, &len), 0);
	assert_memory_equal(pkt, orig, len);
	probe_srtp_free(&sa);
	probe_srtp_free(&sb);
	probe_dtls_free(a);
	probe_dtls_free(b);
	probe_dtls_ctx_free(ca);
	probe_dtls_ctx_free(cb);
}

static void test_dtls_fingerprint_mismatch(void **state)
{
	char err[160];
	probe_dtls_ctx *ca = probe_dtls_ctx_new(err, sizeof(err));
	probe_dtls_ctx *cb = probe_dtls_ctx_new(err, sizeof(err));
	uint8_t fpa[32], wrong[32];
	probe_dtls *a, *b;
	int i, ra = 0;

	(void)state;
	fp_bytes(ca, fpa);
	memset(wrong, 0x42, sizeof(wrong));
	a = probe_dtls_new(ca, 1, wrong, 32);
	b = probe_dtls_new(cb, 0, fpa, 32);
	for (i = 0; i < 20 && ra == 0; i++) {
		ra = probe_dtls_step(a);
		pump(a, b);
		probe_dtls_step(b);
		pump(b, a);
	}
	assert_int_equal(ra, -1);
	assert_non_null(strstr(probe_dtls_error(a), "fingerprint"));
	probe_dtls_free(a);
	probe_dtls_free(b);
	probe_dtls_ctx_free(ca);
	probe_dtls_ctx_free(cb);
}

static int setup(void **state)
{
	(void)state;
	return probe_srtp_global_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_protect_against_libsrtp2),
			cmocka_unit_test(test_unprotect_from_libsrtp2),
			cmocka_unit_test(test_tamper_replay_rtcp),
			cmocka_unit_test(test_dtls_srtp_handshake),
			cmocka_unit_test(test_dtls_fingerprint_mismatch),
	};
	return cmocka_run_group_tests_name("probe_srtp", tests, setup, NULL);
}
