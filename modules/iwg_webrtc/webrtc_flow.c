/*
 * iwg_webrtc: flow tokens, see webrtc_flow.h. Pure C (OpenSSL libcrypto).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "webrtc_flow.h"

static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* base64url without padding; returns the output length or -1 */
static int b64url_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;
	uint32_t v;

	if ((len * 4 + 2) / 3 + 1 > outsz)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
	}
	out[o] = '\0';
	return (int)o;
}

/* strict base64url decode (no padding, unused bits zero); returns the
 * output length or -1 */
static int b64url_decode(const char *in, size_t len, uint8_t *out, size_t outsz)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0, v;

	if (len % 4 == 1 || (len * 3) / 4 > outsz)
		return -1;
	for (i = 0; i < len; i++) {
		v = b64url_val((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (int)o;
}

static size_t flow_pack(const webrtc_flow_t *f, uint8_t *b)
{
	size_t alen = f->af == 6 ? 16 : 4;

	b[0] = WEBRTC_FLOW_VERSION;
	b[1] = f->proto;
	b[2] = (uint8_t)(f->conid >> 24);
	b[3] = (uint8_t)(f->conid >> 16);
	b[4] = (uint8_t)(f->conid >> 8);
	b[5] = (uint8_t)f->conid;
	b[6] = (uint8_t)(f->port >> 8);
	b[7] = (uint8_t)f->port;
	b[8] = f->af;
	memcpy(b + 9, f->addr, alen);
	return 9 + alen;
}

static int flow_mac(const uint8_t *key, size_t keylen, const uint8_t *data,
					size_t len, uint8_t *mac)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	unsigned int flen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, full, &flen) == NULL ||
		flen < WEBRTC_FLOW_MAC_LEN)
		return -1;
	memcpy(mac, full, WEBRTC_FLOW_MAC_LEN);
	return 0;
}

int webrtc_flow_key_ok(size_t keylen)
{
	return keylen >= WEBRTC_FLOW_KEY_MIN;
}

int webrtc_flow_encode(const webrtc_flow_t *f, const uint8_t *key,
					   size_t keylen, char *out, size_t outsz)
{
	uint8_t bin[WEBRTC_FLOW_BIN_MAX];
	size_t n;

	if (f == NULL || key == NULL || keylen == 0 || (f->af != 4 && f->af != 6))
		return -1;
	n = flow_pack(f, bin);
	if (flow_mac(key, keylen, bin, n, bin + n) < 0)
		return -1;
	return b64url_encode(bin, n + WEBRTC_FLOW_MAC_LEN, out, outsz);
}

webrtc_flow_rc_t webrtc_flow_decode(const char *tok, size_t len,
									const uint8_t *key, size_t keylen,
									webrtc_flow_t *f)
{
	uint8_t bin[WEBRTC_FLOW_BIN_MAX + 3];
	uint8_t mac[WEBRTC_FLOW_MAC_LEN];
	size_t alen;
	int n;

	if (tok == NULL || f == NULL || len > WEBRTC_FLOW_TOKEN_MAX)
		return WEBRTC_FLOW_MALFORMED;
	n = b64url_decode(tok, len, bin, sizeof(bin));
	if (n < 9 || bin[0] != WEBRTC_FLOW_VERSION)
		return WEBRTC_FLOW_MALFORMED;
	if (bin[8] != 4 && bin[8] != 6)
		return WEBRTC_FLOW_MALFORMED;
	alen = bin[8] == 6 ? 16 : 4;
	if ((size_t)n != 9 + alen + WEBRTC_FLOW_MAC_LEN)
		return WEBRTC_FLOW_MALFORMED;
	if (key == NULL || keylen == 0 ||
		flow_mac(key, keylen, bin, 9 + alen, mac) < 0)
		return WEBRTC_FLOW_FORGED;
	if (CRYPTO_memcmp(mac, bin + 9 + alen, WEBRTC_FLOW_MAC_LEN) != 0)
		return WEBRTC_FLOW_FORGED;
	memset(f, 0, sizeof(*f));
	f->proto = bin[1];
	f->conid = ((uint32_t)bin[2] << 24) | ((uint32_t)bin[3] << 16) |
			   ((uint32_t)bin[4] << 8) | bin[5];
	f->port = (uint16_t)((bin[6] << 8) | bin[7]);
	f->af = bin[8];
	memcpy(f->addr, bin + 9, alen);
	return WEBRTC_FLOW_OK;
}

int webrtc_flow_same_peer(const webrtc_flow_t *a, const webrtc_flow_t *b)
{
	return a->proto == b->proto && a->conid == b->conid && a->port == b->port &&
		   a->af == b->af && memcmp(a->addr, b->addr, a->af == 6 ? 16 : 4) == 0;
}
