/*
 * hdrmed_buf.c - growable byte buffer and string helpers (pure C).
 */
#include <stdlib.h>
#include <string.h>

#include "hdrmed_buf.h"

void hdrmed_buf_add(struct hdrmed_buf *b, const char *s, int len)
{
	char *n;
	int cap;

	if (b->err || len < 0)
		return;
	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap *= 2;
		n = realloc(b->s, cap);
		if (!n) {
			b->err = 1;
			return;
		}
		b->s = n;
		b->cap = cap;
	}
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void hdrmed_buf_addc(struct hdrmed_buf *b, char c)
{
	hdrmed_buf_add(b, &c, 1);
}

void hdrmed_buf_free(struct hdrmed_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

char *hdrmed_buf_take(struct hdrmed_buf *b)
{
	char *s = b->s;

	memset(b, 0, sizeof(*b));
	return s;
}

static char lc(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

int hdrmed_ci_eq(const char *a, int alen, const char *b, int blen)
{
	int i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

int hdrmed_is_token_char(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '-':
	case '.':
	case '!':
	case '%':
	case '*':
	case '_':
	case '+':
	case '`':
	case '\'':
	case '~':
		return 1;
	}
	return 0;
}

int hdrmed_is_token(const char *s, int len)
{
	int i;

	if (len <= 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!hdrmed_is_token_char(s[i]))
			return 0;
	return 1;
}

char *hdrmed_strndup(const char *s, int len)
{
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}
