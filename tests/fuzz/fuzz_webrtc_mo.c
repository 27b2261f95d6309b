/*
 * fuzz_webrtc_mo.c - the asserted identity and the preloaded Service-Route
 * of a browser's initial request: input = flags byte, then the
 * P-Associated-URI set, the AOR, the P-Preferred-Identity and the
 * Service-Route separated by newlines (bit 0 of the flags: ppi_fallback,
 * bit 1: no P-Preferred-Identity). The identity that may be asserted is
 * held against the contract's model here (pai_ok), not lib/sip's check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_mo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the next newline-separated field of [*p, end) */
static size_t field(const char **p, const char *end, const char **f)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);

	*f = *p;
	*p = nl ? nl + 1 : end;
	return n;
}

/* 1 when the identity may stand between '<' and '>' (the contract's
 * model: not empty, visible ASCII, no '<', '>' or '"') */
static int pai_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || memchr(s, '<', len) || memchr(s, '>', len) ||
		memchr(s, '"', len))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* 1 when out is exactly "P-Asserted-Identity: <ID>\r\n" of n bytes */
static int pai_line(const char *out, int n, webrtc_span_t id)
{
	static const char pre[] = "P-Asserted-Identity: <";
	size_t pl = sizeof(pre) - 1;

	return n > 0 && (size_t)n == pl + id.len + 3 && strlen(out) == (size_t)n &&
		   memcmp(out, pre, pl) == 0 && memcmp(out + pl, id.s, id.len) == 0 &&
		   strcmp(out + pl + id.len, ">\r\n") == 0;
}

/* 1 when span s lies inside [b, b + len) */
static int inside(webrtc_span_t s, const char *b, size_t len)
{
	return s.s >= b && s.s + s.len <= b + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *pau, *aor, *ppi, *sr;
	size_t pl, al, ppl, sl, room;
	webrtc_span_t id, hop;
	char *out;
	int flags, rc, n;

	if (size < 1)
		return 0;
	flags = data[0];
	pl = field(&p, end, &pau);
	al = field(&p, end, &aor);
	ppl = field(&p, end, &ppi);
	sl = field(&p, end, &sr);
	rc = webrtc_mo_identity(pau, pl, aor, al, (flags & 2) ? NULL : ppi, ppl,
							flags & 1, &id);
	if (rc == WEBRTC_MO_OK) {
		if (!inside(id, pau, pl) && !(id.s == aor && id.len == al))
			abort();
		room = WEBRTC_MO_PAI_SIZE(id.len);
		out = malloc(room);
		if (out == NULL)
			return 0;
		n = webrtc_mo_pai(id, out, room);
		/* refused exactly when the identity cannot stand in "<...>";
		 * else the one header line asserting it, in the room documented */
		if (pai_ok(id.s, id.len) ? !pai_line(out, n, id) || (size_t)n >= room
								 : n != WEBRTC_MO_BAD_VALUE)
			abort();
		free(out);
	} else if (rc != WEBRTC_MO_BAD_PPI && rc != WEBRTC_MO_FOREIGN_PPI) {
		abort();
	} else if ((flags & 2) || (rc == WEBRTC_MO_FOREIGN_PPI && (flags & 1))) {
		/* without a P-Preferred-Identity, or with the fallback, there is
		 * always an identity */
		abort();
	}
	room = WEBRTC_MO_ROUTE_SIZE(sl);
	out = malloc(room);
	if (out == NULL)
		return 0;
	n = webrtc_mo_route(sr, sl, out, room, &hop);
	if (n > 0) {
		/* the documented room is enough; a Route line with a next hop */
		if ((size_t)n != strlen(out) || (size_t)n >= room ||
			strncmp(out, "Route: ", 7) != 0 ||
			memcmp(out + n - 2, "\r\n", 2) != 0 ||
			strcspn(out, "\r\n") != (size_t)n - 2 || hop.len == 0 ||
			!inside(hop, sr, sl))
			abort();
	} else if (n == 0) {
		if (hop.len != 0 || out[0] != '\0')
			abort();
	} else if (n != WEBRTC_MO_BAD_SROUTE) {
		abort();
	}
	free(out);
	return 0;
}
