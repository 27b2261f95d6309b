/*
 * probe_buf.c - bounded text buffer (see probe_buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe_buf.h"

void probe_buf_init(probe_buf *b, char *out, size_t sz)
{
	b->p = out;
	b->sz = sz;
	b->len = 0;
	b->err = sz == 0;
	if (sz)
		out[0] = 0;
}

void probe_buf_put(probe_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->sz - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->sz - b->len) {
		b->err = 1;
		return;
	}
	b->len += (size_t)n;
}

void probe_buf_mem(probe_buf *b, const void *data, size_t len)
{
	if (b->err || b->sz - b->len <= len) {
		b->err = 1;
		return;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
}

long probe_buf_finish(const probe_buf *b)
{
	return b->err ? -1 : (long)b->len;
}
