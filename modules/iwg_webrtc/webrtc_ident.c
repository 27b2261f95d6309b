/*
 * iwg_webrtc: identity lists, see webrtc_ident.h. Pure C.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "webrtc_ident.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && is_ws(**s))
		(*s)++;
	while (*e > *s && is_ws((*e)[-1]))
		(*e)--;
}

/* one element [s,e): finds its URI; returns 0 or -1 */
static int elem_uri(const char *s, const char *e, webrtc_span_t *uri)
{
	const char *p, *lt = NULL, *gt = NULL, *u, *ue;
	int inq = 0;

	for (p = s; p < e; p++) {
		if (inq) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				inq = 0;
		} else if (*p == '"') {
			inq = 1;
		} else if (*p == '<') {
			lt = p;
			break;
		}
	}
	if (inq)
		return -1;
	if (lt) {
		gt = memchr(lt, '>', (size_t)(e - lt));
		if (gt == NULL)
			return -1;
		u = lt + 1;
		ue = gt;
	} else {
		/* addr-spec: the URI ends at the first ';' (header parameters) */
		u = s;
		for (ue = s; ue < e && *ue != ';' && !is_ws(*ue); ue++)
			;
		if (ue < e && *ue != ';') {
			/* whitespace inside a bare URI: not an addr-spec */
			const char *q = ue;
			while (q < e && is_ws(*q))
				q++;
			if (q < e && *q != ';')
				return -1;
		}
	}
	trim(&u, &ue);
	if (ue <= u || memchr(u, ':', (size_t)(ue - u)) == NULL)
		return -1;
	uri->s = u;
	uri->len = (size_t)(ue - u);
	return 0;
}

static int list_walk(const char *s, size_t len, webrtc_span_t *out, int max,
					 int *n, int whole)
{
	const char *p = s, *end = s + len, *start = s, *es, *ee;
	int inq = 0, inb = 0;
	webrtc_span_t uri;

	if (s == NULL || n == NULL || *n < 0)
		return -1;
	for (;; p++) {
		if (p < end) {
			if (inq) {
				if (*p == '\\' && p + 1 < end)
					p++;
				else if (*p == '"')
					inq = 0;
				continue;
			}
			if (*p == '"' && !inb) {
				inq = 1;
				continue;
			}
			if (*p == '<') {
				if (inb)
					return -1;
				inb = 1;
				continue;
			}
			if (*p == '>') {
				if (!inb)
					return -1;
				inb = 0;
				continue;
			}
			if (*p != ',' || inb)
				continue;
		} else if (inq || inb) {
			return -1;
		}
		es = start;
		ee = p;
		trim(&es, &ee);
		if (ee > es) {
			if (elem_uri(es, ee, &uri) < 0)
				return -1;
			if (*n >= max)
				return -1;
			if (whole) {
				out[*n].s = es;
				out[*n].len = (size_t)(ee - es);
			} else {
				out[*n] = uri;
			}
			(*n)++;
		}
		if (p >= end)
			break;
		start = p + 1;
	}
	return 0;
}

int webrtc_addr_list_parse(const char *s, size_t len, webrtc_span_t *uris,
						   int max, int *n)
{
	return list_walk(s, len, uris, max, n, 0);
}

int webrtc_addr_list_elems(const char *s, size_t len, webrtc_span_t *elems,
						   int max, int *n)
{
	return list_walk(s, len, elems, max, n, 1);
}

/* the part of a URI that names the identity: up to ';' or '?' */
static size_t uri_core_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == ';' || s[i] == '?')
			break;
	return i;
}

static int tel_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < alen && strchr("-.()", a[i]))
			i++;
		while (j < blen && strchr("-.()", b[j]))
			j++;
		if (i == alen || j == blen)
			return i == alen && j == blen;
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[j]))
			return 0;
		i++;
		j++;
	}
}

int webrtc_uri_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ca, *cb, *ha, *hb;
	size_t sa, sb, ua, ub;

	if (a == NULL || b == NULL)
		return 0;
	ca = memchr(a, ':', alen);
	cb = memchr(b, ':', blen);
	if (ca == NULL || cb == NULL)
		return 0;
	sa = (size_t)(ca - a);
	sb = (size_t)(cb - b);
	if (sa != sb || strncasecmp(a, b, sa) != 0)
		return 0;
	a = ca + 1;
	b = cb + 1;
	alen = uri_core_len(a, alen - sa - 1);
	blen = uri_core_len(b, blen - sb - 1);
	if (sa == 3 && strncasecmp(ca - 3, "tel", 3) == 0)
		return tel_equal(a, alen, b, blen);
	ha = memchr(a, '@', alen);
	hb = memchr(b, '@', blen);
	if ((ha == NULL) != (hb == NULL))
		return 0;
	ua = ha ? (size_t)(ha - a) : 0;
	ub = hb ? (size_t)(hb - b) : 0;
	if (ua != ub || memcmp(a, b, ua) != 0)
		return 0;
	if (ha) {
		a = ha + 1;
		b = hb + 1;
		alen -= ua + 1;
		blen -= ub + 1;
	}
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

int webrtc_ident_choose(const webrtc_span_t *pau, int n, const char *ppi,
						size_t ppilen)
{
	int i;

	if (pau == NULL || n <= 0)
		return -1;
	if (ppi == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (webrtc_uri_equal(pau[i].s, pau[i].len, ppi, ppilen))
			return i;
	return -1;
}
