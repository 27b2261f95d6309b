/*
 * probe_stun.c - STUN binding messages for ICE (see probe_stun.h).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "probe_stun.h"

#define FP_XOR		   0x5354554eu
#define INTEGRITY_SIZE 20

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
		   ((uint32_t)p[2] << 8) | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t probe_stun_crc32(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

int probe_stun_is_stun(const uint8_t *buf, size_t len)
{
	if (len < PROBE_STUN_HDR || buf[0] > 3)
		return 0;
	if (rd32(buf + 4) != PROBE_STUN_MAGIC)
		return 0;
	return (size_t)rd16(buf + 2) + PROBE_STUN_HDR == len &&
		   (rd16(buf + 2) & 3) == 0;
}

static int parse_xor_addr(const uint8_t *v, size_t l, const uint8_t *hdr,
						  struct sockaddr_storage *ss)
{
	uint16_t port;
	size_t i;

	if (l < 4)
		return -1;
	port = rd16(v + 2) ^ (uint16_t)(PROBE_STUN_MAGIC >> 16);
	memset(ss, 0, sizeof(*ss));
	if (v[1] == 1 && l == 8) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(rd32(v + 4) ^ PROBE_STUN_MAGIC);
		return 0;
	}
	if (v[1] == 2 && l == 20) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		/* XOR with magic cookie then transaction id: header bytes 4..19 */
		for (i = 0; i < 16; i++)
			s6->sin6_addr.s6_addr[i] = v[4 + i] ^ hdr[4 + i];
		return 0;
	}
	return -1;
}

int probe_stun_parse(const uint8_t *buf, size_t len, probe_stun_msg *m)
{
	size_t off;

	if (!probe_stun_is_stun(buf, len))
		return -1;
	memset(m, 0, sizeof(*m));
	m->type = rd16(buf);
	if (m->type & 0xc000)
		return -1;
	memcpy(m->txid, buf + 8, 12);
	m->len = len;
	m->integrity_off = -1;
	m->fingerprint_off = -1;

	for (off = PROBE_STUN_HDR; off < len;) {
		uint16_t at, al;
		const uint8_t *v;

		if (len - off < 4)
			return -1;
		at = rd16(buf + off);
		al = rd16(buf + off + 2);
		if ((size_t)al > len - off - 4 || ((al + 3u) & ~3u) > len - off - 4)
			return -1;
		v = buf + off + 4;
		if (m->fingerprint_off >= 0)
			return -1; /* nothing after FINGERPRINT */
		if (m->integrity_off >= 0 && at != PROBE_STUN_A_FINGERPRINT)
			return -1; /* only FINGERPRINT after MESSAGE-INTEGRITY */
		switch (at) {
		case PROBE_STUN_A_USERNAME:
			if (al == 0 || al > 513)
				return -1;
			m->username = (const char *)v;
			m->username_len = al;
			break;
		case PROBE_STUN_A_PRIORITY:
			if (al != 4)
				return -1;
			m->has_priority = 1;
			m->priority = rd32(v);
			break;
		case PROBE_STUN_A_USE_CANDIDATE:
			if (al != 0)
				return -1;
			m->use_candidate = 1;
			break;
		case PROBE_STUN_A_ICE_CONTROLLED:
		case PROBE_STUN_A_ICE_CONTROLLING:
			if (al != 8)
				return -1;
			if (at == PROBE_STUN_A_ICE_CONTROLLING)
				m->has_controlling = 1;
			else
				m->has_controlled = 1;
			m->tiebreaker = ((uint64_t)rd32(v) << 32) | rd32(v + 4);
			break;
		case PROBE_STUN_A_XOR_MAPPED:
			if (parse_xor_addr(v, al, buf, &m->mapped) < 0)
				return -1;
			m->has_xor_mapped = 1;
			break;
		case PROBE_STUN_A_ERROR_CODE:
			if (al < 4 || v[3] > 99 || (v[2] & 7) < 3 || (v[2] & 7) > 6)
				return -1;
			m->error_code = (v[2] & 7) * 100 + v[3];
			m->error_reason = (const char *)v + 4;
			m->error_reason_len = al - 4u;
			break;
		case PROBE_STUN_A_INTEGRITY:
			if (al != INTEGRITY_SIZE)
				return -1;
			m->integrity_off = (long)off;
			break;
		case PROBE_STUN_A_FINGERPRINT:
			if (al != 4)
				return -1;
			if ((probe_stun_crc32(buf, off) ^ FP_XOR) != rd32(v))
				return -1;
			m->fingerprint_off = (long)off;
			break;
		default:
			/* comprehension-required attributes we do not know */
			if (at < 0x8000)
				return -1;
			break;
		}
		off += 4 + ((al + 3u) & ~3u);
	}
	return 0;
}

/* HMAC-SHA1 over buf[0..off) with the length field set to end after an
 * integrity attribute placed at off */
static int integrity_of(const uint8_t *buf, size_t off, const void *key,
						size_t keylen, uint8_t out[INTEGRITY_SIZE])
{
	uint8_t stackbuf[2048], *copy = stackbuf;
	unsigned int olen = 0;
	int ok;

	if (off > sizeof(stackbuf)) {
		copy = malloc(off);
		if (!copy)
			return -1;
	}
	memcpy(copy, buf, off);
	wr16(copy + 2, (uint16_t)(off + 4 + INTEGRITY_SIZE - PROBE_STUN_HDR));
	ok = HMAC(EVP_sha1(), key, (int)keylen, copy, off, out, &olen) != NULL &&
		 olen == INTEGRITY_SIZE;
	if (copy != stackbuf)
		free(copy);
	return ok ? 0 : -1;
}

int probe_stun_check_integrity(const uint8_t *buf, const probe_stun_msg *m,
							   const void *key, size_t keylen)
{
	uint8_t mac[INTEGRITY_SIZE];

	if (m->integrity_off < 0)
		return 0;
	if (integrity_of(buf, (size_t)m->integrity_off, key, keylen, mac) < 0)
		return 0;
	return CRYPTO_memcmp(mac, buf + m->integrity_off + 4, INTEGRITY_SIZE) == 0;
}

static void set_len(probe_stun_builder *b)
{
	wr16(b->buf + 2, (uint16_t)(b->len - PROBE_STUN_HDR));
}

void probe_stun_begin(probe_stun_builder *b, uint8_t *buf, size_t cap,
					  uint16_t type, const uint8_t txid[12])
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	if (cap < PROBE_STUN_HDR) {
		b->err = 1;
		return;
	}
	wr16(buf, type);
	wr32(buf + 4, PROBE_STUN_MAGIC);
	memcpy(buf + 8, txid, 12);
	b->len = PROBE_STUN_HDR;
	set_len(b);
}

/* reserve room for an attribute; NULL on error */
static uint8_t *attr_reserve(probe_stun_builder *b, uint16_t type, size_t len)
{
	size_t padded = (len + 3u) & ~(size_t)3u;
	uint8_t *p;

	if (b->err || len > 0xffff || b->cap - b->len < 4 + padded ||
		b->len + 4 + padded - PROBE_STUN_HDR > 0xffff) {
		b->err = 1;
		return NULL;
	}
	p = b->buf + b->len;
	wr16(p, type);
	wr16(p + 2, (uint16_t)len);
	memset(p + 4, 0, padded);
	b->len += 4 + padded;
	set_len(b);
	return p + 4;
}

void probe_stun_add(probe_stun_builder *b, uint16_t type, const void *val,
					size_t len)
{
	uint8_t *p;

	if (b->sealed) {
		b->err = 1;
		return;
	}
	p = attr_reserve(b, type, len);
	if (p && len)
		memcpy(p, val, len);
}

void probe_stun_add_u32(probe_stun_builder *b, uint16_t type, uint32_t v)
{
	uint8_t x[4];

	wr32(x, v);
	probe_stun_add(b, type, x, 4);
}

void probe_stun_add_u64(probe_stun_builder *b, uint16_t type, uint64_t v)
{
	uint8_t x[8];

	wr32(x, (uint32_t)(v >> 32));
	wr32(x + 4, (uint32_t)v);
	probe_stun_add(b, type, x, 8);
}

void probe_stun_add_xor_addr(probe_stun_builder *b, const struct sockaddr *addr)
{
	uint8_t x[20];
	size_t i;

	memset(x, 0, sizeof(x));
	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
		x[1] = 1;
		wr16(x + 2, ntohs(sin->sin_port) ^ (uint16_t)(PROBE_STUN_MAGIC >> 16));
		wr32(x + 4, ntohl(sin->sin_addr.s_addr) ^ PROBE_STUN_MAGIC);
		probe_stun_add(b, PROBE_STUN_A_XOR_MAPPED, x, 8);
	} else if (addr->sa_family == AF_INET6 && !b->err) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)addr;
		x[1] = 2;
		wr16(x + 2, ntohs(s6->sin6_port) ^ (uint16_t)(PROBE_STUN_MAGIC >> 16));
		for (i = 0; i < 16; i++)
			x[4 + i] = s6->sin6_addr.s6_addr[i] ^ b->buf[4 + i];
		probe_stun_add(b, PROBE_STUN_A_XOR_MAPPED, x, 20);
	} else {
		b->err = 1;
	}
}

void probe_stun_add_error(probe_stun_builder *b, int code, const char *reason)
{
	uint8_t x[4 + 128];
	size_t rl = strlen(reason);

	if (code < 300 || code > 699 || rl > 128) {
		b->err = 1;
		return;
	}
	x[0] = x[1] = 0;
	x[2] = (uint8_t)(code / 100);
	x[3] = (uint8_t)(code % 100);
	memcpy(x + 4, reason, rl);
	probe_stun_add(b, PROBE_STUN_A_ERROR_CODE, x, 4 + rl);
}

void probe_stun_add_integrity(probe_stun_builder *b, const void *key,
							  size_t keylen)
{
	uint8_t mac[INTEGRITY_SIZE];
	size_t off = b->len;
	uint8_t *p;

	if (b->sealed) {
		b->err = 1;
		return;
	}
	if (b->err || integrity_of(b->buf, off, key, keylen, mac) < 0) {
		b->err = 1;
		return;
	}
	p = attr_reserve(b, PROBE_STUN_A_INTEGRITY, INTEGRITY_SIZE);
	if (p)
		memcpy(p, mac, INTEGRITY_SIZE);
	b->sealed = 1;
}

void probe_stun_add_fingerprint(probe_stun_builder *b)
{
	size_t off = b->len;
	uint8_t *p;

	if (b->sealed == 2) {
		b->err = 1;
		return;
	}
	p = attr_reserve(b, PROBE_STUN_A_FINGERPRINT, 4);
	if (!p)
		return;
	wr32(p, probe_stun_crc32(b->buf, off) ^ FP_XOR);
	b->sealed = 2;
}

long probe_stun_finish(probe_stun_builder *b)
{
	return b->err ? -1 : (long)b->len;
}
