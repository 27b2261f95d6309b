/*
 * hdrmed_buf.h - growable byte buffer and small string helpers for the
 * iwg_hdrmed pure core (no Kamailio headers).
 *
 * A hdrmed_buf owns its malloc'd bytes; hdrmed_buf_free() releases them.
 * After an allocation failure the buffer is marked failed and every later
 * append is a no-op, so callers check hdrmed_buf.err once at the end.
 */
#ifndef IWG_HDRMED_BUF_H
#define IWG_HDRMED_BUF_H

#include <stddef.h>

struct hdrmed_buf {
	char *s;
	int len;
	int cap;
	int err;
};

/* append LEN bytes of S; keeps s NUL-terminated when non-NULL */
void hdrmed_buf_add(struct hdrmed_buf *b, const char *s, int len);
/* append one byte */
void hdrmed_buf_addc(struct hdrmed_buf *b, char c);
/* release the bytes; the buffer is empty and reusable afterwards */
void hdrmed_buf_free(struct hdrmed_buf *b);
/* hand the bytes to the caller (malloc'd, NUL-terminated, may be NULL when
 * nothing was appended); the buffer is empty afterwards */
char *hdrmed_buf_take(struct hdrmed_buf *b);

/* 1 when the two byte ranges are equal ignoring ASCII case */
int hdrmed_ci_eq(const char *a, int alen, const char *b, int blen);
/* 1 when C is an RFC 3261 token character */
int hdrmed_is_token_char(char c);
/* 1 when S[0..LEN) is a non-empty RFC 3261 token */
int hdrmed_is_token(const char *s, int len);
/* malloc'd NUL-terminated copy of S[0..LEN), NULL on allocation failure */
char *hdrmed_strndup(const char *s, int len);

#endif
