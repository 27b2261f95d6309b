/*
 * probe_ws.c - WebSocket client handshake and framing (see probe_ws.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "probe_ws.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

long probe_ws_handshake_request(char *out, size_t outsz, const char *host,
								const char *path, const char *key,
								const char *protocol)
{
	int n = snprintf(out, outsz,
					 "GET %s HTTP/1.1\r\n"
					 "Host: %s\r\n"
					 "Upgrade: websocket\r\n"
					 "Connection: Upgrade\r\n"
					 "Sec-WebSocket-Key: %s\r\n"
					 "Sec-WebSocket-Version: 13\r\n"
					 "Sec-WebSocket-Protocol: %s\r\n"
					 "Origin: http://%s\r\n"
					 "\r\n",
					 path, host, key, protocol, host);
	return (n < 0 || (size_t)n >= outsz) ? -1 : n;
}

int probe_ws_accept_value(const char *key, char out[29])
{
	char cat[128];
	uint8_t md[SHA_DIGEST_LENGTH];
	int n;

	n = snprintf(cat, sizeof(cat), "%s%s", key, WS_GUID);
	if (n < 0 || (size_t)n >= sizeof(cat))
		return -1;
	if (!SHA1((const unsigned char *)cat, (size_t)n, md))
		return -1;
	return EVP_EncodeBlock((unsigned char *)out, md, sizeof(md)) == 28 ? 0 : -1;
}

/* value of header name in head[0..len) (case-insensitive name), trimmed */
static int header_value(const char *head, size_t len, const char *name,
						const char **val, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = head, *end = head + len;

	/* skip the status line */
	p = memchr(p, '\n', len);
	while (p && ++p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' &&
			!strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1, *ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			*val = v;
			*vlen = (size_t)(ve - v);
			return 1;
		}
		p = eol;
	}
	return 0;
}

static int value_has_token(const char *v, size_t vl, const char *tok)
{
	size_t tl = strlen(tok), i;

	for (i = 0; i + tl <= vl; i++)
		if (!strncasecmp(v + i, tok, tl) &&
			(i == 0 || v[i - 1] == ' ' || v[i - 1] == ',') &&
			(i + tl == vl || v[i + tl] == ',' || v[i + tl] == ' '))
			return 1;
	return 0;
}

static long refuse(char *err, size_t errsz, const char *why)
{
	if (errsz)
		snprintf(err, errsz, "%s", why);
	return -1;
}

long probe_ws_handshake_check(const char *buf, size_t len, const char *key,
							  const char *protocol, char *err, size_t errsz)
{
	const char *end = NULL, *v;
	char accept[29];
	size_t i, vl, head;

	for (i = 0; i + 4 <= len; i++)
		if (!memcmp(buf + i, "\r\n\r\n", 4)) {
			end = buf + i + 4;
			break;
		}
	if (!end)
		return len > 8192 ? refuse(err, errsz, "response head over 8 kB") : 0;
	head = (size_t)(end - buf);
	if (head < 12 || memcmp(buf, "HTTP/1.1 ", 9))
		return refuse(err, errsz, "not an HTTP/1.1 response");
	if (memcmp(buf + 9, "101", 3)) {
		if (errsz) {
			const char *eol = memchr(buf, '\r', head);
			snprintf(err, errsz, "handshake refused: %.*s",
					 (int)(eol ? eol - buf : 12), buf);
		}
		return -1;
	}
	if (!header_value(buf, head, "Upgrade", &v, &vl) ||
		!value_has_token(v, vl, "websocket"))
		return refuse(err, errsz, "no Upgrade: websocket");
	if (!header_value(buf, head, "Connection", &v, &vl) ||
		!value_has_token(v, vl, "upgrade"))
		return refuse(err, errsz, "no Connection: Upgrade");
	if (probe_ws_accept_value(key, accept) < 0 ||
		!header_value(buf, head, "Sec-WebSocket-Accept", &v, &vl) || vl != 28 ||
		memcmp(v, accept, 28))
		return refuse(err, errsz, "wrong Sec-WebSocket-Accept");
	if (protocol &&
		(!header_value(buf, head, "Sec-WebSocket-Protocol", &v, &vl) ||
		 vl != strlen(protocol) || strncasecmp(v, protocol, vl)))
		return refuse(err, errsz, "server did not accept the subprotocol");
	return (long)head;
}

long probe_ws_frame_encode(int opcode, const void *payload, size_t len,
						   const uint8_t mask[4], uint8_t *out, size_t outsz)
{
	size_t h = 2, i;
	const uint8_t *src = payload;

	if (len > 65535)
		h += 8;
	else if (len > 125)
		h += 2;
	h += 4;
	if (outsz < h || outsz - h < len)
		return -1;
	out[0] = (uint8_t)(0x80 | (opcode & 0x0f));
	if (len > 65535) {
		out[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			out[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	} else if (len > 125) {
		out[1] = 0x80 | 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
	} else {
		out[1] = (uint8_t)(0x80 | len);
	}
	memcpy(out + h - 4, mask, 4);
	for (i = 0; i < len; i++)
		out[h + i] = src[i] ^ mask[i & 3];
	return (long)(h + len);
}

long probe_ws_frame_decode(const uint8_t *buf, size_t len, size_t max_len,
						   probe_ws_frame *f)
{
	size_t h = 2, i;
	uint64_t pl;
	int op;

	if (len < 2)
		return 0;
	op = buf[0] & 0x0f;
	if (buf[0] & 0x70)
		return -1; /* reserved bits without an extension */
	if (buf[1] & 0x80)
		return -1; /* servers do not mask */
	if (op != PROBE_WS_OP_CONT && op != PROBE_WS_OP_TEXT &&
		op != PROBE_WS_OP_BIN && op != PROBE_WS_OP_CLOSE &&
		op != PROBE_WS_OP_PING && op != PROBE_WS_OP_PONG)
		return -1;
	pl = buf[1] & 0x7f;
	if (pl == 126) {
		if (len < 4)
			return 0;
		pl = ((uint64_t)buf[2] << 8) | buf[3];
		if (pl < 126)
			return -1;
		h = 4;
	} else if (pl == 127) {
		if (len < 10)
			return 0;
		pl = 0;
		for (i = 0; i < 8; i++)
			pl = (pl << 8) | buf[2 + i];
		if (pl < 65536 || pl >> 63)
			return -1;
		h = 10;
	}
	if (op >= 0x8 && (!(buf[0] & 0x80) || pl > 125))
		return -1;
	if (pl > max_len)
		return -1;
	if (len - h < pl)
		return 0;
	f->fin = buf[0] >> 7;
	f->opcode = op;
	f->payload = buf + h;
	f->len = (size_t)pl;
	return (long)(h + pl);
}
