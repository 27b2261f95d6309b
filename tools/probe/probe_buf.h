/*
 * probe_buf.h - append formatted text to a fixed caller buffer, with a
 * sticky error when it does not fit (used by the SDP and SIP writers).
 */
#ifndef IWG_PROBE_BUF_H
#define IWG_PROBE_BUF_H

#include <stddef.h>

typedef struct probe_buf {
	char *p;
	size_t sz, len;
	int err; /* 1 once something did not fit; further appends do nothing */
} probe_buf;

/* Start writing into out[0..sz). */
void probe_buf_init(probe_buf *b, char *out, size_t sz);

/* Append printf-style text, keeping the buffer NUL-terminated. */
void probe_buf_put(probe_buf *b, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/* Append len raw bytes (then a NUL). */
void probe_buf_mem(probe_buf *b, const void *data, size_t len);

/* The length written, or -1 after an error. */
long probe_buf_finish(const probe_buf *b);

#endif
