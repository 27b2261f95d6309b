/*
 * sbuf.c - growable text buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

void sbuf_init(sbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void sbuf_free(sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

/* make room for need more bytes plus the NUL; 0 or -1 */
static int sbuf_reserve(sbuf *b, size_t need)
{
	size_t cap;
	char *n;

	if (b->oom)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	n = realloc(b->s, cap);
	if (!n) {
		b->oom = 1;
		return -1;
	}
	b->s = n;
	b->cap = cap;
	return 0;
}

void sbuf_add(sbuf *b, const char *s, size_t len)
{
	if (sbuf_reserve(b, len) < 0)
		return;
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void sbuf_puts(sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sbuf_reserve(b, 64) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (sbuf_reserve(b, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

int sbuf_ok(const sbuf *b)
{
	return !b->oom;
}

char *sbuf_steal(sbuf *b, size_t *len)
{
	char *s;

	if (b->oom) {
		sbuf_free(b);
		return NULL;
	}
	if (!b->s)
		sbuf_add(b, "", 0);
	if (b->oom) {
		sbuf_free(b);
		return NULL;
	}
	s = b->s;
	if (len)
		*len = b->len;
	sbuf_init(b);
	return s;
}
