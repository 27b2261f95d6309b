/*
 * fuzz_idmap_pai.c - libFuzzer target for the P-Asserted-Identity line of
 * idmap_assert() (modules/iwg_idmap/idmap_pai.c): input = one byte giving
 * the display name's length, the display name, then the URI. A built line
 * has CR LF only at its end, reads back (quoted-string unescaped) as the
 * display name and URI it was given, and fits the documented room (to
 * the byte, but for display name bytes that need no backslash); a
 * refusal happens exactly for the values the contract refuses (the URI
 * check is lib/sip's sip_hdr_uri_safe, held against the model uri_ok
 * here), and one byte less room is always refused. The builder and
 * sip_hdr_quote write into buffers of exactly the size they are given,
 * for sizes around the one needed, so ASan sees a byte written past it.
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

/* how many of the len bytes at s a quoted-string holds as quoted-pairs */
static size_t escaped(const char *s, size_t len)
{
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		n += c == '"' || c == '\\' || (c < 0x20 && c != '\t') || c == 0x7f;
	}
	return n;
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

/* the values under test: display name and URI */
typedef struct {
	const char *d, *u;
	size_t dlen, ulen;
} input_t;

static int build_line(const input_t *in, char *out, size_t outsz)
{
	char err[128];

	return idmap_pai_build(in->d, in->dlen, in->u, in->ulen, out, outsz, err,
						   sizeof(err));
}

static int quote_display(const input_t *in, char *out, size_t outsz)
{
	return sip_hdr_quote(in->d, in->dlen, out, outsz);
}

/* every size up to this is tried around the needed one, else 0 and the
 * three sizes next to it (every size of a long line costs too much) */
#define EVERY_SIZE_MAX 256

static size_t next_size(size_t sz, size_t need)
{
	return need > EVERY_SIZE_MAX && sz == 0 ? need - 1 : sz + 1;
}

/* fn into a buffer of exactly sz bytes (malloc(sz): ASan reports any byte
 * written past it) for each size around need, the text's length with its
 * NUL: a smaller one is refused with no_room and "" in out, a bigger one
 * gives want (need bytes) */
static void check_room(int (*fn)(const input_t *, char *, size_t),
					   const input_t *in, const char *want, size_t need,
					   int no_room)
{
	size_t sz;
	char *buf;
	int n;

	for (sz = 0; sz <= need + 1; sz = next_size(sz, need)) {
		if (!(buf = malloc(sz)) && sz > 0)
			return;
		n = fn(in, buf, sz);
		if (sz < need ? n != no_room || (sz > 0 && buf[0] != '\0')
					  : n != (int)need - 1 || memcmp(buf, want, need) != 0)
			abort();
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in;
	size_t room;
	char *line = NULL, *back = NULL, *q = NULL, err[128];
	int n, want;

	if (size < 1)
		return 0;
	in.dlen = data[0] < size - 1 ? data[0] : size - 1;
	in.d = (const char *)data + 1;
	in.u = in.d + in.dlen;
	in.ulen = size - 1 - in.dlen;
	room = IDMAP_PAI_SIZE(in.dlen, in.ulen);
	line = malloc(room);
	back = malloc(in.dlen + 1);
	q = malloc(SIP_HDR_QUOTED_SIZE(in.dlen));
	if (!line || !back || !q)
		goto out;
	n = idmap_pai_build(in.d, in.dlen, in.u, in.ulen, line, room, err,
						sizeof(err));
	want = !uri_ok(in.u, in.ulen) ? IDMAP_PAI_BAD_URI
		   : memchr(in.d, '\r', in.dlen) || memchr(in.d, '\n', in.dlen) ||
						   memchr(in.d, '\0', in.dlen)
				   ? IDMAP_PAI_BAD_DISPLAY
				   : 0;
	if (want) {
		if (n != want || line[0] != '\0' ||
			strncmp(err, n == IDMAP_PAI_BAD_URI ? "sip_uri " : "display_name ",
					n == IDMAP_PAI_BAD_URI ? 8 : 13) != 0)
			abort();
		goto out;
	}
	/* the documented room is exact but for the display name's bytes that
	 * need no backslash */
	if (n <= 0 || room - ((size_t)n + 1) != in.dlen - escaped(in.d, in.dlen))
		abort();
	check_line(line, n, in.d, in.dlen, in.u, in.ulen, back);
	/* without room for the NUL it is refused, never cut; nothing is
	 * written past the room given */
	check_room(build_line, &in, line, (size_t)n + 1, IDMAP_PAI_NO_ROOM);
	/* the quoted display name is the one in the line, and so is its room */
	n = sip_hdr_quote(in.d, in.dlen, q, SIP_HDR_QUOTED_SIZE(in.dlen));
	if (n < 2 || (in.dlen > 0 && memcmp(q, line + strlen(PREFIX), n) != 0))
		abort();
	check_room(quote_display, &in, q, (size_t)n + 1, SIP_HDR_NO_ROOM);
out:
	free(line);
	free(back);
	free(q);
	return 0;
}
