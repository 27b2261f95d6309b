/*
 * probe_sip.c - SIP message parse and build (see probe_sip.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probe_buf.h"
#include "probe_sip.h"

int probe_str_eq(probe_str s, const char *c)
{
	return s.s && strlen(c) == s.len && !memcmp(s.s, c, s.len);
}

static int perr(char *err, size_t errsz, int line, const char *why)
{
	if (errsz)
		snprintf(err, errsz, "line %d: %s", line, why);
	return -1;
}

static probe_str trim(const char *s, const char *e)
{
	probe_str r;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	r.s = s;
	r.len = (size_t)(e - s);
	return r;
}

/* the value of parameter name (e.g. "tag") in the header parameters of a
 * name-addr / addr-spec value, i.e. after the '>' if there is one */
static probe_str header_param(probe_str v, const char *name)
{
	probe_str r = {NULL, 0};
	const char *p = v.s, *end = v.s + v.len, *gt;
	size_t nl = strlen(name);

	gt = memchr(p, '>', v.len);
	if (gt)
		p = gt + 1;
	while ((p = memchr(p, ';', (size_t)(end - p)))) {
		p++;
		while (p < end && *p == ' ')
			p++;
		if ((size_t)(end - p) > nl && !strncasecmp(p, name, nl) &&
			p[nl] == '=') {
			const char *s = p + nl + 1, *e = s;
			while (e < end && *e != ';' && *e != ' ' && *e != ',')
				e++;
			r.s = s;
			r.len = (size_t)(e - s);
			return r;
		}
	}
	return r;
}

static probe_str uri_of(probe_str v)
{
	const char *lt = memchr(v.s, '<', v.len), *gt;
	const char *end = v.s + v.len, *e;

	if (lt) {
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			return (probe_str){NULL, 0};
		return (probe_str){lt + 1, (size_t)(gt - lt - 1)};
	}
	e = v.s;
	while (e < end && *e != ';' && *e != ',' && *e != ' ')
		e++;
	return (probe_str){v.s, (size_t)(e - v.s)};
}

/* split a header value at commas outside <> and quotes */
static int split_list(probe_str v, probe_str *out, size_t *n, size_t max)
{
	const char *p = v.s, *end = v.s + v.len, *start = v.s;
	int in_angle = 0, in_quote = 0;

	for (; p <= end; p++) {
		if (p == end || (*p == ',' && !in_angle && !in_quote)) {
			probe_str t = trim(start, p);
			if (t.len) {
				if (*n == max)
					return -1;
				out[(*n)++] = t;
			}
			start = p + 1;
			continue;
		}
		if (*p == '"')
			in_quote = !in_quote;
		else if (!in_quote && *p == '<')
			in_angle = 1;
		else if (!in_quote && *p == '>')
			in_angle = 0;
	}
	return 0;
}

static int name_is(probe_str n, const char *full, char compact)
{
	if (compact && n.len == 1 && tolower((unsigned char)n.s[0]) == compact)
		return 1;
	return n.len == strlen(full) && !strncasecmp(n.s, full, n.len);
}

static int parse_start(const char *p, const char *le, probe_sip_msg *m)
{
	const char *sp1, *sp2;

	sp1 = memchr(p, ' ', (size_t)(le - p));
	if (!sp1)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(le - sp1 - 1));
	if (!sp2)
		return -1;
	if (sp1 - p == 7 && !memcmp(p, "SIP/2.0", 7)) {
		int i, st = 0;
		if (sp2 - sp1 != 4)
			return -1;
		for (i = 1; i <= 3; i++) {
			if (!isdigit((unsigned char)sp1[i]))
				return -1;
			st = st * 10 + (sp1[i] - '0');
		}
		if (st < 100 || st > 699)
			return -1;
		m->status = st;
		m->reason = trim(sp2 + 1, le);
		return 0;
	}
	if (le - sp2 - 1 != 7 || memcmp(sp2 + 1, "SIP/2.0", 7) || sp1 == p ||
		sp2 == sp1 + 1)
		return -1;
	m->is_request = 1;
	m->method = (probe_str){p, (size_t)(sp1 - p)};
	m->ruri = (probe_str){sp1 + 1, (size_t)(sp2 - sp1 - 1)};
	return 0;
}

static int parse_cseq(probe_str v, probe_sip_msg *m)
{
	const char *p = v.s, *end = v.s + v.len;
	unsigned long n = 0;

	if (p == end || !isdigit((unsigned char)*p))
		return -1;
	while (p < end && isdigit((unsigned char)*p)) {
		if (n > 0xffffffffUL / 10)
			return -1;
		n = n * 10 + (unsigned long)(*p++ - '0');
	}
	m->cseq = n;
	m->cseq_method = trim(p, end);
	return m->cseq_method.len ? 0 : -1;
}

/* the decimal number (at most 9 digits) at p, or -1 */
static long number_at(const char *p, const char *end)
{
	long n = 0;
	int d = 0;

	for (; p < end && isdigit((unsigned char)*p) && d < 9; p++, d++)
		n = n * 10 + (*p - '0');
	return d ? n : -1;
}

static void min_expires(probe_sip_msg *m, long n)
{
	if (n >= 0 && (m->expires < 0 || n < m->expires))
		m->expires = n;
}

/* every ;expires= parameter of the Contact value v (outside <> and quotes) */
static void contact_expires(probe_str v, probe_sip_msg *m)
{
	const char *p = v.s, *end = v.s + v.len;
	int in_quote = 0, in_angle = 0;

	for (; p < end; p++) {
		if (*p == '"')
			in_quote = !in_quote;
		else if (in_quote)
			continue;
		else if (*p == '<')
			in_angle = 1;
		else if (*p == '>')
			in_angle = 0;
		else if (!in_angle && *p == ';' && end - p > 9 &&
				 !strncasecmp(p + 1, "expires=", 8))
			min_expires(m, number_at(p + 9, end));
	}
}

static int parse_header(probe_str name, probe_str v, probe_sip_msg *m)
{
	if (name_is(name, "Via", 'v')) {
		if (m->nvia == PROBE_SIP_MAX_VIA)
			return -1;
		m->via[m->nvia++] = v;
	} else if (name_is(name, "Record-Route", 0)) {
		return split_list(v, m->rr, &m->nrr, PROBE_SIP_MAX_RR);
	} else if (name_is(name, "From", 'f')) {
		m->from = v;
		m->from_tag = header_param(v, "tag");
	} else if (name_is(name, "To", 't')) {
		m->to = v;
		m->to_tag = header_param(v, "tag");
	} else if (name_is(name, "Call-ID", 'i')) {
		m->call_id = v;
	} else if (name_is(name, "CSeq", 0)) {
		return parse_cseq(v, m);
	} else if (name_is(name, "Expires", 0)) {
		min_expires(m, number_at(v.s, v.s + v.len));
	} else if (name_is(name, "Contact", 'm')) {
		contact_expires(v, m);
		if (!m->contact_uri.s) {
			m->contact_uri = uri_of(v);
			if (!m->contact_uri.s)
				return -1;
		}
	} else if (name_is(name, "WWW-Authenticate", 0)) {
		if (m->nwww_auth < PROBE_SIP_MAX_AUTH)
			m->www_auth[m->nwww_auth++] = v;
	} else if (name_is(name, "Proxy-Authenticate", 0)) {
		if (m->nproxy_auth < PROBE_SIP_MAX_AUTH)
			m->proxy_auth[m->nproxy_auth++] = v;
	} else if (name_is(name, "Content-Type", 'c')) {
		m->content_type = v;
	} else if (name_is(name, "Content-Length", 'l')) {
		long n = 0;
		size_t i;
		if (!v.len || v.len > 9)
			return -1;
		for (i = 0; i < v.len; i++) {
			if (!isdigit((unsigned char)v.s[i]))
				return -1;
			n = n * 10 + (v.s[i] - '0');
		}
		m->content_length = n;
	}
	return 0;
}

int probe_sip_parse(const char *buf, size_t len, probe_sip_msg *m, char *err,
					size_t errsz)
{
	const char *p = buf, *end = buf + len;
	int line = 0;

	memset(m, 0, sizeof(*m));
	m->content_length = -1;
	m->expires = -1;
	if (errsz)
		err[0] = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le;
		if (!eol)
			return perr(err, errsz, line + 1, "header line without end");
		le = eol;
		if (le > p && le[-1] == '\r')
			le--;
		line++;
		if (memchr(p, 0, (size_t)(le - p)))
			return perr(err, errsz, line, "NUL byte");
		if (line == 1) {
			if (parse_start(p, le, m) < 0)
				return perr(err, errsz, line, "bad start line");
		} else if (le == p) {
			p = eol + 1;
			break; /* end of headers */
		} else {
			const char *col = memchr(p, ':', (size_t)(le - p));
			probe_str name;
			if (!col)
				return perr(err, errsz, line, "header without colon");
			name = trim(p, col);
			if (!name.len)
				return perr(err, errsz, line, "empty header name");
			if (parse_header(name, trim(col + 1, le), m) < 0)
				return perr(err, errsz, line, "bad or too many header values");
		}
		p = eol + 1;
		if (p == end)
			return perr(err, errsz, line, "no empty line after the headers");
	}
	if (line == 0)
		return perr(err, errsz, 1, "empty message");
	m->body.s = p;
	m->body.len = (size_t)(end - p);
	if (m->content_length >= 0) {
		if ((size_t)m->content_length > m->body.len)
			return perr(err, errsz, line, "Content-Length beyond the body");
		m->body.len = (size_t)m->content_length;
	}
	if (!m->nvia || !m->from.s || !m->to.s || !m->call_id.s ||
		!m->cseq_method.s)
		return perr(err, errsz, line,
					"missing one of Via, From, To, Call-ID, CSeq");
	if (m->is_request && !probe_str_eq(m->method, "ACK") &&
		(m->cseq_method.len != m->method.len ||
		 memcmp(m->cseq_method.s, m->method.s, m->method.len)))
		return perr(err, errsz, line, "CSeq method differs from the method");
	return 0;
}

static void put_body(probe_buf *o, const char *ct, const char *body, size_t len)
{
	if (body && len) {
		probe_buf_put(o, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
					  ct ? ct : "application/sdp", len);
		probe_buf_mem(o, body, len);
	} else {
		probe_buf_put(o, "Content-Length: 0\r\n\r\n");
	}
}

long probe_sip_build_request(const probe_sip_req *r, char *out, size_t outsz)
{
	probe_buf o;
	size_t i;

	probe_buf_init(&o, out, outsz);
	probe_buf_put(&o, "%s %s SIP/2.0\r\n", r->method, r->ruri);
	probe_buf_put(&o, "Via: SIP/2.0/%s %s;branch=z9hG4bK%s;rport\r\n",
				  r->transport, r->via_host, r->branch);
	probe_buf_put(&o, "Max-Forwards: 70\r\n");
	for (i = 0; i < r->nroute; i++)
		probe_buf_put(&o, "Route: %.*s\r\n", (int)r->route[i].len,
					  r->route[i].s);
	probe_buf_put(&o, "From: <%s>;tag=%s\r\n", r->from, r->from_tag);
	if (r->to_tag)
		probe_buf_put(&o, "To: <%s>;tag=%s\r\n", r->to, r->to_tag);
	else
		probe_buf_put(&o, "To: <%s>\r\n", r->to);
	probe_buf_put(&o, "Call-ID: %s\r\nCSeq: %lu %s\r\n", r->call_id, r->cseq,
				  r->method);
	if (r->contact)
		probe_buf_put(&o, "Contact: %s\r\n", r->contact);
	probe_buf_put(&o, "User-Agent: iwg-probe\r\n");
	if (r->extra)
		probe_buf_put(&o, "%s", r->extra);
	put_body(&o, r->content_type, r->body, r->body_len);
	return probe_buf_finish(&o);
}

long probe_sip_build_response(const probe_sip_msg *req, int code,
							  const char *reason, const char *to_tag,
							  const char *contact, const char *content_type,
							  const char *body, size_t body_len, char *out,
							  size_t outsz)
{
	probe_buf o;
	size_t i;

	probe_buf_init(&o, out, outsz);
	probe_buf_put(&o, "SIP/2.0 %d %s\r\n", code, reason);
	for (i = 0; i < req->nvia; i++)
		probe_buf_put(&o, "Via: %.*s\r\n", (int)req->via[i].len, req->via[i].s);
	if (code >= 200 && code < 300 && req->nrr) {
		for (i = 0; i < req->nrr; i++)
			probe_buf_put(&o, "Record-Route: %.*s\r\n", (int)req->rr[i].len,
						  req->rr[i].s);
	}
	probe_buf_put(&o, "From: %.*s\r\n", (int)req->from.len, req->from.s);
	if (!req->to_tag.s && to_tag && code > 100)
		probe_buf_put(&o, "To: %.*s;tag=%s\r\n", (int)req->to.len, req->to.s,
					  to_tag);
	else
		probe_buf_put(&o, "To: %.*s\r\n", (int)req->to.len, req->to.s);
	probe_buf_put(&o, "Call-ID: %.*s\r\nCSeq: %lu %.*s\r\n",
				  (int)req->call_id.len, req->call_id.s, req->cseq,
				  (int)req->cseq_method.len, req->cseq_method.s);
	if (contact)
		probe_buf_put(&o, "Contact: %s\r\n", contact);
	probe_buf_put(&o, "Server: iwg-probe\r\n");
	put_body(&o, content_type, body, body_len);
	return probe_buf_finish(&o);
}
