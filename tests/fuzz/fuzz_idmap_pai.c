/*
 * fuzz_idmap_pai.c - libFuzzer target for the P-Asserted-Identity line of
 * idmap_assert() (modules/iwg_idmap/idmap_pai.c): input = one byte giving
 * the display name's length, the display name, then the URI. A built line
 * has CR LF only at its end, reads back (quoted-string unescaped) as the
 * display name and URI it was given, and fits the documented room; a
 * refusal happens exactly for the values the contract refuses (the URI
 * check is lib/sip's sip_hdr_uri_safe, held against the model uri_ok
 * here), and one byte less room is always refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_idmap/idmap_pai.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX "P-Asserted-Identity: "

/* 1 when the URI may stand between '<' and '>' (the contract's model) */
static int uri_ok(const char *u, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f ||
			strchr("<>\"", u[i]))
			return 0;
	return len > 0;
}

/* the quoted-string at *p read back into out; 0, or -1 when it is not one
 * (RFC 3261 25.1: qdtext or quoted-pair up to the closing quote) */
static int unquote(const char **p, char *out, size_t *n)
{
	const unsigned char *s = (const unsigned char *)*p;

	if (*s++ != '"')
		return -1;
	*n = 0;
	for (; *s != '"'; s++) {
		if (*s == '\\') {
			s++;
			if (*s == '\0' || *s == '\r' || *s == '\n')
				return -1;
		} else if (*s == '\0' || (*s < 0x20 && *s != '\t') || *s == 0x7f) {
			return -1;
		}
		out[(*n)++] = (char)*s;
	}
	*p = (const char *)s + 1;
	return 0;
}

static void check_line(const char *out, int n, const char *d, size_t dlen,
					   const char *u, size_t ulen, char *back)
{
	const char *p = out + strlen(PREFIX);
	size_t bn;

	/* one header line: its only CR and LF are its end */
	if ((size_t)n != strlen(out) || strcspn(out, "\r\n") != (size_t)n - 2 ||
		memcmp(out + n - 2, "\r\n", 2) != 0 ||
		strncmp(out, PREFIX, strlen(PREFIX)) != 0)
		abort();
	if (dlen > 0) {
		if (unquote(&p, back, &bn) < 0 || bn != dlen ||
			memcmp(back, d, dlen) != 0 || *p++ != ' ')
			abort();
	}
	if (*p++ != '<' || memcmp(p, u, ulen) != 0 || strcmp(p + ulen, ">\r\n"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d, *u;
	size_t dlen, ulen, room;
	char *line, *back, err[128];
	int n, want;

	if (size < 1)
		return 0;
	dlen = data[0] < size - 1 ? data[0] : size - 1;
	d = (const char *)data + 1;
	u = d + dlen;
	ulen = size - 1 - dlen;
	room = IDMAP_PAI_SIZE(dlen, ulen);
	line = malloc(room);
	back = malloc(dlen + 1);
	if (!line || !back)
		goto out;
	n = idmap_pai_build(d, dlen, u, ulen, line, room, err, sizeof(err));
	want = !uri_ok(u, ulen) ? IDMAP_PAI_BAD_URI
		   : memchr(d, '\r', dlen) || memchr(d, '\n', dlen) ||
						   memchr(d, '\0', dlen)
				   ? IDMAP_PAI_BAD_DISPLAY
				   : 0;
	if (want) {
		if (n != want || line[0] != '\0' ||
			strncmp(err, n == IDMAP_PAI_BAD_URI ? "sip_uri " : "display_name ",
					n == IDMAP_PAI_BAD_URI ? 8 : 13) != 0)
			abort();
		goto out;
	}
	if (n <= 0 || (size_t)n >= room)
		abort();
	check_line(line, n, d, dlen, u, ulen, back);
	/* without room for the NUL it is refused, never cut */
	if (idmap_pai_build(d, dlen, u, ulen, line, (size_t)n, err, sizeof(err)) !=
				IDMAP_PAI_NO_ROOM ||
		line[0] != '\0')
		abort();
out:
	free(line);
	free(back);
	return 0;
}
