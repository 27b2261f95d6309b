/*
 * sdp_line.h - the lines and words of an SDP body (RFC 8866 5: "<type>=
 * <value>" lines ended by CRLF; LF alone, and CR alone, are taken as line
 * ends too): the one iterator of iwg's SDP editors and parsers
 * (iwg_webrtc's webrtc_sdp.c, iwg_verto's verto_sdp.c, iwg-probe's
 * probe_sdp.c). Pure C, no allocation: a line points into the text it
 * came from and is valid while that text is.
 */
#ifndef IWG_SDP_LINE_H
#define IWG_SDP_LINE_H

#include <stddef.h>

typedef struct sdp_line {
	const char *s; /* first byte of the line */
	size_t len;	   /* bytes without the line end */
	size_t full;   /* bytes with the line end (CRLF, LF or CR; a last
					* line without one has full == len, at least 1) */
} sdp_line;

/*
 * The line at text[*pos] (the text is len bytes, no NUL needed): 1 with
 * *l set and *pos moved past the line and its end; 0 when *pos >= len.
 * An empty line (two line ends in a row) is returned as a line of len 0.
 */
int sdp_line_next(const char *text, size_t len, size_t *pos, sdp_line *l);

/* 1 when l begins with prefix (NUL-terminated), else 0 */
int sdp_line_starts(const sdp_line *l, const char *prefix);

/* 1 when l is the attribute name: "a=<name>" alone or "a=<name>:...",
 * else 0 (so "a=ssrc" is not "a=ssrc-group:...") */
int sdp_line_is_attr(const sdp_line *l, const char *name);

/*
 * The space-separated words of l from byte from on (runs of spaces are
 * one separator): at most max of them, each as its offset in the line
 * (off[i]) and length (wlen[i]). Returns how many were stored.
 */
int sdp_line_words(const sdp_line *l, size_t from, size_t *off, size_t *wlen,
				   int max);

#endif
