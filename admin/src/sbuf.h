/*
 * sbuf.h - growable text buffer for building responses (JSON, Prometheus).
 *
 * Errors are sticky: after an allocation failure every call is a no-op and
 * sbuf_ok() returns 0. The text is always NUL-terminated once anything has
 * been appended. Pure C.
 */
#ifndef IWG_ADMIND_SBUF_H
#define IWG_ADMIND_SBUF_H

#include <stddef.h>

typedef struct sbuf {
	char *s;
	size_t len;
	size_t cap;
	int oom;
} sbuf;

/* Initialise an empty buffer (no allocation). */
void sbuf_init(sbuf *b);

/* Free the text; the buffer may be initialised again. */
void sbuf_free(sbuf *b);

/* Append len bytes / a NUL-terminated string / printf-formatted text. */
void sbuf_add(sbuf *b, const char *s, size_t len);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_printf(sbuf *b, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/* 1 when no allocation failed so far, else 0. */
int sbuf_ok(const sbuf *b);

/*
 * Take the text out of the buffer: the caller frees it with free(). The
 * buffer is left empty. Returns NULL after an allocation failure (the
 * buffer is then freed) and "" (allocated) for an empty buffer.
 */
char *sbuf_steal(sbuf *b, size_t *len);

#endif
