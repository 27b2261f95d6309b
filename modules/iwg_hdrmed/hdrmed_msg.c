/*
 * hdrmed_msg.c - parse and print a SIP message's header section (pure C).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdrmed_buf.h"
#include "hdrmed_msg.h"

static const struct {
	char c;
	const char *full;
} compact[] = {
		{'a', "Accept-Contact"},
		{'b', "Referred-By"},
		{'c', "Content-Type"},
		{'d', "Request-Disposition"},
		{'e', "Content-Encoding"},
		{'f', "From"},
		{'i', "Call-ID"},
		{'j', "Reject-Contact"},
		{'k', "Supported"},
		{'l', "Content-Length"},
		{'m', "Contact"},
		{'n', "Identity-Info"},
		{'o', "Event"},
		{'r', "Refer-To"},
		{'s', "Subject"},
		{'t', "To"},
		{'u', "Allow-Events"},
		{'v', "Via"},
		{'x', "Session-Expires"},
		{'y', "Identity"},
};

const char *hdrmed_compact_name(const char *name, int len)
{
	size_t i;
	char c;

	if (len != 1)
		return NULL;
	c = (name[0] >= 'A' && name[0] <= 'Z') ? (char)(name[0] + 32) : name[0];
	for (i = 0; i < sizeof(compact) / sizeof(compact[0]); i++)
		if (compact[i].c == c)
			return compact[i].full;
	return NULL;
}

int hdrmed_name_eq(const char *a, int alen, const char *b, int blen)
{
	const char *full;

	if (hdrmed_ci_eq(a, alen, b, blen))
		return 1;
	if ((full = hdrmed_compact_name(a, alen)) != NULL) {
		a = full;
		alen = (int)strlen(full);
	}
	if ((full = hdrmed_compact_name(b, blen)) != NULL) {
		b = full;
		blen = (int)strlen(full);
	}
	return hdrmed_ci_eq(a, alen, b, blen);
}

unsigned hdrmed_name_key(const char *name, int len)
{
	const char *full = hdrmed_compact_name(name, len);
	unsigned first, last;

	if (full) {
		name = full;
		len = (int)strlen(full);
	}
	if (len <= 0)
		return 0;
	/* length and the outer characters: O(1), and few names share them */
	first = (unsigned char)name[0] | 0x20u;
	last = (unsigned char)name[len - 1] | 0x20u;
	return ((unsigned)len << 16) | (first << 8) | last;
}

/* end of the line starting at P (offset of its terminator) */
static int line_end(const char *buf, int len, int p)
{
	const char *nl = p < len ? memchr(buf + p, '\n', len - p) : NULL;

	return nl ? (int)(nl - buf) : (p < len ? len : p);
}

/* offset just after the terminator of the line ending at E */
static int line_next(int len, int e)
{
	return e < len ? e + 1 : len;
}

/* E without a trailing CR */
static int strip_cr(const char *buf, int s, int e)
{
	return (e > s && buf[e - 1] == '\r') ? e - 1 : e;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_start(struct hdrmed_msg *m, int e, char *err, size_t errlen)
{
	const char *b = m->buf;
	int i = 0;

	if (e == 0) {
		snprintf(err, errlen, "empty start line");
		return -1;
	}
	if (e >= 8 && memcmp(b, "SIP/2.0 ", 8) == 0) {
		if (e < 11 || b[8] < '1' || b[8] > '6' || b[9] < '0' || b[9] > '9' ||
			b[10] < '0' || b[10] > '9' || (e > 11 && b[11] != ' ')) {
			snprintf(err, errlen, "bad status line");
			return -1;
		}
		m->status = (b[8] - '0') * 100 + (b[9] - '0') * 10 + (b[10] - '0');
		return 0;
	}
	while (i < e && hdrmed_is_token_char(b[i]))
		i++;
	if (i == 0 || i >= e || b[i] != ' ') {
		snprintf(err, errlen, "bad request line");
		return -1;
	}
	m->is_request = 1;
	m->method = b;
	m->method_len = i;
	return 0;
}

static int grow(struct hdrmed_msg *m)
{
	struct hdrmed_hdr *n;
	int cap;

	if (m->n < m->cap)
		return 0;
	if (m->n >= HDRMED_MAX_HDRS)
		return -1;
	cap = m->cap ? m->cap * 2 : 32;
	if (cap > HDRMED_MAX_HDRS)
		cap = HDRMED_MAX_HDRS;
	n = realloc(m->h, cap * sizeof(*n));
	if (!n)
		return -1;
	m->h = n;
	m->cap = cap;
	return 0;
}

/* a reply's method is the second token of its CSeq */
static void reply_method(struct hdrmed_msg *m)
{
	int i = hdrmed_msg_find(m, "CSeq", 4, 0), p, s;
	const char *v;

	if (i < 0)
		return;
	v = m->h[i].value;
	p = 0;
	while (p < m->h[i].value_len && !is_ws(v[p]))
		p++;
	while (p < m->h[i].value_len && is_ws(v[p]))
		p++;
	s = p;
	while (p < m->h[i].value_len && hdrmed_is_token_char(v[p]))
		p++;
	if (p > s) {
		m->method = v + s;
		m->method_len = p - s;
	}
}

int hdrmed_msg_parse(struct hdrmed_msg *m, const char *buf, int len, char *err,
					 size_t errlen)
{
	int p, e, ce, ns, vs, ve, lineno = 1;
	const char *colon;
	struct hdrmed_hdr *h;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	if (len <= 0) {
		snprintf(err, errlen, "empty message");
		return -1;
	}
	e = line_end(buf, len, 0);
	if (parse_start(m, strip_cr(buf, 0, e), err, errlen) < 0)
		goto err;
	p = line_next(len, e);
	m->hdrs_end = p;
	while (p < len) {
		lineno++;
		e = line_end(buf, len, p);
		ce = strip_cr(buf, p, e);
		if (ce == p)
			break; /* the empty line */
		if (is_ws(buf[p])) {
			snprintf(err, errlen, "line %d: continuation without a header",
					 lineno);
			goto err;
		}
		colon = memchr(buf + p, ':', ce - p);
		ns = colon ? (int)(colon - buf) : ce;
		if (ns >= ce) {
			snprintf(err, errlen, "line %d: header without a colon", lineno);
			goto err;
		}
		vs = ns + 1;
		while (ns > p && is_ws(buf[ns - 1]))
			ns--;
		if (!hdrmed_is_token(buf + p, ns - p)) {
			snprintf(err, errlen, "line %d: header name is not a token",
					 lineno);
			goto err;
		}
		if (grow(m) < 0) {
			snprintf(err, errlen, "more than %d headers", HDRMED_MAX_HDRS);
			goto err;
		}
		h = &m->h[m->n++];
		memset(h, 0, sizeof(*h));
		h->name = buf + p;
		h->name_len = ns - p;
		h->key = hdrmed_name_key(h->name, h->name_len);
		ve = ce;
		e = line_next(len, e);
		/* folded lines belong to this header */
		while (e < len && is_ws(buf[e])) {
			lineno++;
			ce = line_end(buf, len, e);
			ve = strip_cr(buf, e, ce);
			e = line_next(len, ce);
		}
		while (vs < ve &&
			   (is_ws(buf[vs]) || buf[vs] == '\r' || buf[vs] == '\n'))
			vs++;
		while (ve > vs && (is_ws(buf[ve - 1]) || buf[ve - 1] == '\r' ||
						   buf[ve - 1] == '\n'))
			ve--;
		h->value = buf + vs;
		h->value_len = ve - vs;
		h->off = p;
		h->len = e - p;
		p = e;
		m->hdrs_end = p;
	}
	if (!m->is_request)
		reply_method(m);
	return 0;
err:
	free(m->h);
	memset(m, 0, sizeof(*m));
	return -1;
}

void hdrmed_msg_free(struct hdrmed_msg *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		free(m->h[i].owned_name);
		free(m->h[i].owned_value);
	}
	free(m->h);
	memset(m, 0, sizeof(*m));
}

int hdrmed_msg_find(const struct hdrmed_msg *m, const char *name, int nlen,
					int from)
{
	unsigned key = hdrmed_name_key(name, nlen);
	int i;

	for (i = from < 0 ? 0 : from; i < m->n; i++)
		if (m->h[i].key == key && m->h[i].state != HDRMED_H_DEL &&
			hdrmed_name_eq(m->h[i].name, m->h[i].name_len, name, nlen))
			return i;
	return -1;
}

int hdrmed_hdr_set_value(struct hdrmed_hdr *h, const char *v, int vlen)
{
	char *d = hdrmed_strndup(v, vlen);

	if (!d)
		return -1;
	free(h->owned_value);
	h->owned_value = d;
	h->value = d;
	h->value_len = vlen;
	if (h->state == HDRMED_H_KEEP)
		h->state = HDRMED_H_MOD;
	return 0;
}

int hdrmed_hdr_set_name(struct hdrmed_hdr *h, const char *n, int nlen)
{
	char *d = hdrmed_strndup(n, nlen);

	if (!d)
		return -1;
	free(h->owned_name);
	h->owned_name = d;
	h->name = d;
	h->name_len = nlen;
	h->key = hdrmed_name_key(d, nlen);
	if (h->state == HDRMED_H_KEEP)
		h->state = HDRMED_H_MOD;
	return 0;
}

struct hdrmed_hdr *hdrmed_msg_add(struct hdrmed_msg *m, const char *name,
								  int nlen, const char *value, int vlen)
{
	struct hdrmed_hdr *h;

	if (grow(m) < 0)
		return NULL;
	h = &m->h[m->n];
	memset(h, 0, sizeof(*h));
	h->off = -1;
	h->state = HDRMED_H_NEW;
	if (hdrmed_hdr_set_name(h, name, nlen) < 0)
		return NULL;
	if (hdrmed_hdr_set_value(h, value, vlen) < 0) {
		free(h->owned_name);
		return NULL;
	}
	m->n++;
	return h;
}

int hdrmed_msg_changed(const struct hdrmed_msg *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->h[i].state != HDRMED_H_KEEP)
			return 1;
	return 0;
}

char *hdrmed_msg_print(const struct hdrmed_msg *m, int *outlen)
{
	struct hdrmed_buf b = {0};
	const struct hdrmed_hdr *h;
	int i, first_end;
	char *s;

	first_end = m->n > 0 && m->h[0].off >= 0 ? m->h[0].off : m->hdrs_end;
	hdrmed_buf_add(&b, m->buf, first_end);
	for (i = 0; i < m->n; i++) {
		h = &m->h[i];
		if (h->state == HDRMED_H_KEEP) {
			hdrmed_buf_add(&b, m->buf + h->off, h->len);
		} else if (h->state != HDRMED_H_DEL) {
			/* end a line left unterminated (a message cut after its
			 * start line or its last header, maybe after the CR) */
			if (b.len > 0 && b.s[b.len - 1] == '\r')
				hdrmed_buf_add(&b, "\n", 1);
			else if (b.len > 0 && b.s[b.len - 1] != '\n')
				hdrmed_buf_add(&b, "\r\n", 2);
			hdrmed_buf_add(&b, h->name, h->name_len);
			hdrmed_buf_add(&b, ": ", 2);
			hdrmed_buf_add(&b, h->value, h->value_len);
			hdrmed_buf_add(&b, "\r\n", 2);
		}
	}
	hdrmed_buf_add(&b, m->buf + m->hdrs_end, m->len - m->hdrs_end);
	if (b.err) {
		hdrmed_buf_free(&b);
		return NULL;
	}
	if (!b.s)
		hdrmed_buf_add(&b, "", 0);
	*outlen = b.len;
	s = hdrmed_buf_take(&b);
	return s;
}
