/*
 * probe_rtp.c - RTP header, test payload, A-law and statistics (see
 * probe_rtp.h).
 */
#include <math.h>
#include <string.h>

#include "probe_rtp.h"

int probe_rtp_is_rtp_or_rtcp(const uint8_t *buf, size_t len)
{
	return len >= 4 && buf[0] >= 128 && buf[0] <= 191;
}

int probe_rtp_is_rtcp(const uint8_t *buf, size_t len)
{
	return probe_rtp_is_rtp_or_rtcp(buf, len) && buf[1] >= 192 && buf[1] <= 223;
}

void probe_rtp_write_hdr(uint8_t *buf, int marker, int pt, uint16_t seq,
						 uint32_t ts, uint32_t ssrc)
{
	buf[0] = 0x80;
	buf[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
}

static uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
		   ((uint32_t)p[2] << 8) | p[3];
}

int probe_rtp_parse(const uint8_t *buf, size_t len, probe_rtp_hdr *h)
{
	size_t hl, pad = 0;

	if (len < PROBE_RTP_HDR || (buf[0] >> 6) != 2)
		return -1;
	hl = PROBE_RTP_HDR + 4u * (buf[0] & 0x0f);
	if (hl > len)
		return -1;
	if (buf[0] & 0x10) {
		size_t xl;
		if (len - hl < 4)
			return -1;
		xl = 4u + 4u * (((size_t)buf[hl + 2] << 8) | buf[hl + 3]);
		if (xl > len - hl)
			return -1;
		hl += xl;
	}
	if (buf[0] & 0x20) {
		pad = buf[len - 1];
		if (pad == 0 || pad > len - hl)
			return -1;
	}
	h->marker = buf[1] >> 7;
	h->pt = buf[1] & 0x7f;
	h->seq = (uint16_t)((buf[2] << 8) | buf[3]);
	h->ts = rd32(buf + 4);
	h->ssrc = rd32(buf + 8);
	h->hdr_len = hl;
	h->payload_len = len - hl - pad;
	return 0;
}

uint8_t probe_alaw_encode(int16_t pcm)
{
	int sign, exp, mant, v = pcm;
	uint8_t a;

	sign = v >= 0 ? 0x80 : 0;
	if (v < 0)
		v = -v - 1;
	v >>= 3; /* 13-bit magnitude */
	if (v > 0xfff)
		v = 0xfff;
	if (v < 32) {
		exp = 0;
		mant = v >> 1;
	} else {
		exp = 1;
		while (v >= (32 << exp) && exp < 7)
			exp++;
		mant = (v >> exp) & 0x0f;
	}
	a = (uint8_t)(sign | (exp << 4) | mant);
	return a ^ 0x55;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void probe_rtp_payload(uint8_t *out, size_t len, uint32_t key, uint32_t idx)
{
	size_t i;

	if (len < 8)
		return;
	put32(out, idx);
	put32(out + 4, key);
	for (i = 8; i < len; i++) {
		/* 1 kHz at 8 kHz: 8 samples a period; phase from idx and i */
		double ph = (double)((idx * len + i) % 8) * (M_PI / 4.0);
		out[i] = probe_alaw_encode((int16_t)(8000.0 * sin(ph)));
	}
}

int probe_rtp_payload_match(const uint8_t *payload, size_t len, uint32_t key,
							uint32_t *idx)
{
	uint8_t expect[1500];
	uint32_t i;

	if (len < 8 || len > sizeof(expect))
		return 0;
	i = rd32(payload);
	if (idx)
		*idx = i;
	if (rd32(payload + 4) != key)
		return 0;
	probe_rtp_payload(expect, len, key, i);
	return memcmp(expect, payload, len) == 0;
}

void probe_rtp_stats_add(probe_rtp_stats *s, uint16_t seq, uint32_t ts,
						 int64_t arrival_ts)
{
	int32_t transit, d;

	if (!s->started) {
		s->started = 1;
		s->base_seq = s->ext_max = seq;
	} else {
		uint16_t max16 = (uint16_t)s->ext_max;
		int16_t delta = (int16_t)(seq - max16);
		if (delta > 0)
			s->ext_max += (uint32_t)delta;
	}
	s->received++;
	/* modulo 2^32, like the timestamps */
	transit = (int32_t)((uint32_t)arrival_ts - ts);
	if (s->have_transit) {
		d = (int32_t)((uint32_t)transit - (uint32_t)s->last_transit);
		if (d < 0)
			d = d == INT32_MIN ? INT32_MAX : -d;
		s->jitter += ((double)d - s->jitter) / 16.0;
	}
	s->last_transit = transit;
	s->have_transit = 1;
}

uint64_t probe_rtp_stats_expected(const probe_rtp_stats *s)
{
	return s->started ? (uint64_t)(s->ext_max - s->base_seq) + 1 : 0;
}
