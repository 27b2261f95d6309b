/*
 * sdp_line.c - lines and words of an SDP body. Contracts in sdp_line.h.
 */
#include <string.h>

#include "sdp_line.h"

int sdp_line_next(const char *text, size_t len, size_t *pos, sdp_line *l)
{
	size_t p = *pos, e;

	if (p >= len)
		return 0;
	for (e = p; e < len && text[e] != '\n' && text[e] != '\r'; e++)
		;
	l->s = text + p;
	l->len = e - p;
	if (e < len && text[e] == '\r')
		e++;
	if (e < len && text[e] == '\n')
		e++;
	l->full = e - p;
	*pos = e;
	return 1;
}

int sdp_line_starts(const sdp_line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->s, prefix, n) == 0;
}

int sdp_line_is_attr(const sdp_line *l, const char *name)
{
	size_t n = strlen(name);

	return l->len >= n + 2 && memcmp(l->s, "a=", 2) == 0 &&
		   memcmp(l->s + 2, name, n) == 0 &&
		   (l->len == n + 2 || l->s[n + 2] == ':');
}

int sdp_line_words(const sdp_line *l, size_t from, size_t *off, size_t *wlen,
				   int max)
{
	size_t p = from;
	int n = 0;

	while (p < l->len && n < max) {
		while (p < l->len && l->s[p] == ' ')
			p++;
		if (p >= l->len)
			break;
		off[n] = p;
		while (p < l->len && l->s[p] != ' ')
			p++;
		wlen[n] = p - off[n];
		n++;
	}
	return n;
}
