/*
 * verto_refer.c - the contact center's transfers of a Verto call: Refer-To
 * with Replaces, Referred-By, the 202-or-refusal decision, the transfer's
 * state machine, NOTIFY bodies. Contracts in verto_refer.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "verto_refer.h"

/* ---------------------------------------------------------- characters */

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		   (c >= 'A' && c <= 'Z');
}

/* RFC 3261 token */
static int token_char(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-.!%*_+`'~", c));
}

/* RFC 3261 word (Call-ID) */
static int word_char(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-.!%*_+`'~()<>:\\\"/[]?{}", c));
}

/* may stand unescaped in a SIP URI (reserved, unreserved, '%') */
static int uri_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"<>\\^`{}|", c);
}

/* s[0..n) is 1..max token characters */
static int is_token(const char *s, size_t n, size_t max)
{
	size_t i;

	if (!n || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!token_char((unsigned char)s[i]))
			return 0;
	return 1;
}

static void trim(const char **p, const char **end)
{
	while (*p < *end && is_ws(**p))
		(*p)++;
	while (*end > *p && is_ws((*end)[-1]))
		(*end)--;
}

/* a control character (HTAB allowed), DEL or NUL in s[0..n) */
static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* copy s[0..n) NUL-terminated into buf[sz]; 0 or -1 when it does not fit */
static int copy(char *buf, size_t sz, const char *s, size_t n)
{
	if (n >= sz)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* ---------------------------------------------------------- Replaces */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %-decode s[0..n) into buf[sz] (printable ASCII only); length or -1 */
static int unescape(const char *s, size_t n, char *buf, size_t sz)
{
	size_t i, o = 0;
	int hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c > 0x7e || o + 1 >= sz)
			return -1;
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return (int)o;
}

/* the Call-ID of a Replaces value: word ["@" word], 1..max */
static int callid_ok(const char *s, size_t n)
{
	size_t i, at = 0;

	if (!n || n > VERTO_REFER_CALLID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '@') {
			if (at++ || i == 0 || i + 1 == n)
				return 0;
		} else if (!word_char((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* one replaces-param p[0..n) (trimmed) into out; 0 or -1 */
static int replaces_param(const char *p, size_t n, verto_refer_to *out,
						  unsigned *seen)
{
	const char *eq = memchr(p, '=', n), *v, *ve, *ne;
	char *dst;
	unsigned bit;

	ne = eq ? eq : p + n;
	while (ne > p && is_ws(ne[-1]))
		ne--;
	if (!is_token(p, (size_t)(ne - p), 64))
		return -1;
	if (!eq) {
		if ((size_t)(ne - p) == 10 && strncasecmp(p, "early-only", 10) == 0)
			out->early_only = 1;
		return 0; /* another flag: left out */
	}
	v = eq + 1;
	ve = p + n;
	trim(&v, &ve);
	if ((size_t)(ne - p) == 6 && strncasecmp(p, "to-tag", 6) == 0) {
		dst = out->to_tag;
		bit = 1;
	} else if ((size_t)(ne - p) == 8 && strncasecmp(p, "from-tag", 8) == 0) {
		dst = out->from_tag;
		bit = 2;
	} else {
		/* a generic-param: a token or quoted value, left out */
		return ve > v ? 0 : -1;
	}
	if ((*seen & bit) || !is_token(v, (size_t)(ve - v), VERTO_REFER_TAG_MAX))
		return -1;
	*seen |= bit;
	return copy(dst, VERTO_REFER_TAG_MAX + 1, v, (size_t)(ve - v));
}

/* RFC 3891 6.1: callid *(SEMI replaces-param), both tags required */
static verto_refer_err parse_replaces(const char *s, size_t n,
									  verto_refer_to *out)
{
	const char *p = s, *end = s + n, *semi, *ce;
	unsigned seen = 0;

	semi = memchr(p, ';', n);
	ce = semi ? semi : end;
	trim(&p, &ce);
	if (!callid_ok(p, (size_t)(ce - p)))
		return VRE_REPLACES;
	copy(out->callid, sizeof(out->callid), p, (size_t)(ce - p));
	while (semi) {
		const char *ps = semi + 1, *pe;
		semi = memchr(ps, ';', (size_t)(end - ps));
		pe = semi ? semi : end;
		trim(&ps, &pe);
		if (replaces_param(ps, (size_t)(pe - ps), out, &seen))
			return VRE_REPLACES;
	}
	if (seen != 3)
		return VRE_REPLACES;
	out->has_replaces = 1;
	return VRE_OK;
}

/* ---------------------------------------------------------- Refer-To */

/* the host (and port) of a sip URI at h..end (end: ';' or the end) */
static verto_refer_err parse_hostport(const char *h, const char *end)
{
	const char *p = h;
	unsigned long port = 0;
	size_t digits = 0;

	if (p < end && *p == '[') {
		for (p++; p < end && *p != ']'; p++)
			if (!(is_alnum((unsigned char)*p) || *p == ':' || *p == '.'))
				return VRE_HOST;
		if (p >= end || p == h + 1)
			return VRE_HOST;
		p++;
	} else {
		for (; p < end && *p != ':'; p++)
			if (!(is_alnum((unsigned char)*p) || *p == '-' || *p == '.'))
				return VRE_HOST;
		if (p == h)
			return VRE_HOST;
	}
	if (p == end)
		return VRE_OK;
	if (*p != ':')
		return VRE_HOST;
	for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		port = port * 10 + (unsigned long)(*p - '0');
	if (p != end || !digits || digits > 5 || port > 65535)
		return VRE_HOST;
	return VRE_OK;
}

/* the URI parameters at p..end (each ";name[=value]"): method=INVITE only */
static verto_refer_err parse_uri_params(const char *p, const char *end)
{
	while (p < end) {
		const char *s = p + 1, *e, *eq;
		if (*p != ';')
			return VRE_SYNTAX;
		e = memchr(s, ';', (size_t)(end - s));
		if (!e)
			e = end;
		if (e == s)
			return VRE_SYNTAX;
		eq = memchr(s, '=', (size_t)(e - s));
		if (eq && eq - s == 6 && strncasecmp(s, "method", 6) == 0 &&
			!(e - eq - 1 == 6 && strncmp(eq + 1, "INVITE", 6) == 0))
			return VRE_METHOD;
		p = e;
	}
	return VRE_OK;
}

/* the embedded headers h..end ("name=value&..."): Replaces, once */
static verto_refer_err parse_headers(const char *h, const char *end,
									 verto_refer_to *out)
{
	char val[VERTO_REFER_REPLACES_MAX + 1];
	verto_refer_err e;
	int n;

	if (h == end)
		return VRE_SYNTAX;
	while (h <= end) {
		const char *amp = memchr(h, '&', (size_t)(end - h));
		const char *he = amp ? amp : end;
		const char *eq = memchr(h, '=', (size_t)(he - h));
		if (!eq || !is_token(h, (size_t)(eq - h), 64))
			return VRE_SYNTAX;
		if (eq - h == 8 && strncasecmp(h, "Replaces", 8) == 0) {
			if (out->has_replaces)
				return VRE_DUPLICATE;
			n = unescape(eq + 1, (size_t)(he - eq - 1), val, sizeof(val));
			if (n < 0)
				return VRE_ESCAPE;
			if ((e = parse_replaces(val, (size_t)n, out)) != VRE_OK)
				return e;
		} else {
			out->ignored++;
		}
		if (!amp)
			break;
		h = amp + 1;
	}
	return VRE_OK;
}

/* a sip/sips URI us..ue, with embedded headers */
static verto_refer_err parse_uri(const char *us, const char *ue,
								 verto_refer_to *out)
{
	const char *p, *q, *base_end, *host, *hend;
	verto_refer_err e;
	size_t i;

	for (i = 0; i < (size_t)(ue - us); i++)
		if (!uri_char((unsigned char)us[i]))
			return VRE_CHARS;
	if (ue - us > 5 && strncasecmp(us, "sips:", 5) == 0)
		p = us + 5;
	else if (ue - us > 4 && strncasecmp(us, "sip:", 4) == 0)
		p = us + 4;
	else
		return VRE_SCHEME;
	q = memchr(p, '?', (size_t)(ue - p));
	base_end = q ? q : ue;
	host = memchr(p, '@', (size_t)(base_end - p));
	host = host ? host + 1 : p;
	if (memchr(host, '@', (size_t)(base_end - host)))
		return VRE_SYNTAX;
	hend = memchr(host, ';', (size_t)(base_end - host));
	if (!hend)
		hend = base_end;
	if ((e = parse_hostport(host, hend)) != VRE_OK ||
		(e = parse_uri_params(hend, base_end)) != VRE_OK)
		return e;
	if (copy(out->uri, sizeof(out->uri), us, (size_t)(base_end - us)))
		return VRE_TOO_LONG;
	return q ? parse_headers(q + 1, ue, out) : VRE_OK;
}

/* skip a quoted-string at *p (on the opening quote); 0 or -1 */
static int skip_quoted(const char **p, const char *end)
{
	const char *s = *p + 1;

	for (; s < end && *s != '"'; s++)
		if (*s == '\\' && s + 1 < end)
			s++;
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

/*
 * A name-addr / addr-spec at p..end (trimmed): the URI between
 * us and ue, what follows it (header parameters) checked. 0, or VRE_SYNTAX.
 */
static verto_refer_err split_addr(const char *p, const char *end,
								  const char **us, const char **ue)
{
	const char *q, *rest;

	if (*p == '"') {
		if (skip_quoted(&p, end))
			return VRE_SYNTAX;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != '<')
			return VRE_SYNTAX;
	} else {
		/* a token display name, when a '<' comes before any ';' */
		for (q = p; q < end && *q != '<' && *q != ';' && *q != '"'; q++)
			;
		if (q < end && *q == '<')
			p = q;
	}
	if (*p == '<') {
		*us = p + 1;
		q = memchr(*us, '>', (size_t)(end - *us));
		if (!q)
			return VRE_SYNTAX;
		*ue = q;
		rest = q + 1;
	} else {
		/* addr-spec: no headers, parameters are the header's */
		for (q = p; q < end && *q != ';'; q++)
			if (*q == '?' || *q == ',' || *q == '<' || *q == '>' || is_ws(*q))
				return VRE_SYNTAX;
		*us = p;
		*ue = q;
		rest = q;
	}
	while (rest < end && is_ws(*rest))
		rest++;
	if (rest < end && *rest != ';')
		return VRE_SYNTAX;
	for (; rest < end; rest++)
		if (*rest == '<' || *rest == '>')
			return VRE_SYNTAX;
	return VRE_OK;
}

verto_refer_err verto_refer_to_parse(const char *v, size_t len,
									 verto_refer_to *out)
{
	const char *p = v, *end = v ? v + len : NULL, *us = NULL, *ue = NULL;
	verto_refer_err e;

	memset(out, 0, sizeof(*out));
	if (!v)
		return VRE_EMPTY;
	if (has_ctl(v, len))
		return VRE_CHARS;
	trim(&p, &end);
	if (p == end)
		return VRE_EMPTY;
	e = split_addr(p, end, &us, &ue);
	if (e == VRE_OK)
		e = us == ue ? VRE_EMPTY : parse_uri(us, ue, out);
	if (e != VRE_OK)
		memset(out, 0, sizeof(*out));
	return e;
}

const char *verto_refer_err_text(verto_refer_err e)
{
	static const char *const text[VRE_COUNT] = {
			[VRE_OK] = "OK",
			[VRE_EMPTY] = "Bad Refer-To (empty)",
			[VRE_SYNTAX] = "Bad Refer-To (syntax)",
			[VRE_CHARS] = "Bad Refer-To (character not allowed)",
			[VRE_SCHEME] = "Bad Refer-To (not a sip or sips URI)",
			[VRE_HOST] = "Bad Refer-To (host)",
			[VRE_TOO_LONG] = "Bad Refer-To (too long)",
			[VRE_ESCAPE] = "Bad Refer-To (escaped header)",
			[VRE_REPLACES] = "Bad Refer-To (Replaces)",
			[VRE_DUPLICATE] = "Bad Refer-To (Replaces twice)",
			[VRE_METHOD] = "Bad Refer-To (method other than INVITE)",
	};

	return (unsigned)e < VRE_COUNT ? text[e] : "Bad Refer-To";
}

int verto_refer_replaces_hdr(const verto_refer_to *r, char *buf, size_t sz)
{
	int n;

	if (!sz)
		return -1;
	buf[0] = '\0';
	if (!r->has_replaces)
		return -1;
	n = snprintf(buf, sz, "%s;to-tag=%s;from-tag=%s%s", r->callid, r->to_tag,
				 r->from_tag, r->early_only ? ";early-only" : "");
	if (n < 0 || (size_t)n >= sz) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- Referred-By */

static int referrer_scheme(const char *s, size_t n)
{
	return (n > 4 && strncasecmp(s, "sip:", 4) == 0) ||
		   (n > 5 && strncasecmp(s, "sips:", 5) == 0) ||
		   (n > 4 && strncasecmp(s, "tel:", 4) == 0);
}

int verto_referred_by_check(const char *v, size_t len, char *out, size_t sz)
{
	const char *p = v, *end = v ? v + len : NULL, *us = NULL, *ue = NULL;

	if (sz)
		out[0] = '\0';
	if (!v || !sz || has_ctl(v, len))
		return -1;
	trim(&p, &end);
	if (p == end || (size_t)(end - p) > VERTO_REFER_BY_MAX ||
		split_addr(p, end, &us, &ue) != VRE_OK ||
		!referrer_scheme(us, (size_t)(ue - us)))
		return -1;
	for (; us < ue; us++)
		if (!uri_char((unsigned char)*us))
			return -1;
	return copy(out, sz, p, (size_t)(end - p));
}

/* ---------------------------------------------------------- accept */

static int refuse(verto_refer_reply *out, int code, const char *reason)
{
	out->code = code;
	out->reason = reason;
	return 0;
}

int verto_refer_decide(const verto_refer_req *r, verto_refer_reply *out)
{
	if (!r->allowed)
		return refuse(out, 403, "Transfer Not Allowed");
	if (!r->confirmed || r->state != VCS_ACTIVE)
		return refuse(out, 403, "Dialog Not Confirmed");
	if (r->n_referto == 0)
		return refuse(out, 400, "Missing Refer-To");
	if (r->n_referto > 1)
		return refuse(out, 400, "Multiple Refer-To");
	if (r->referto != VRE_OK)
		return refuse(out, 400, verto_refer_err_text(r->referto));
	if (r->referby_bad)
		return refuse(out, 400, "Bad Referred-By");
	if (r->transferring)
		return refuse(out, 491, "Transfer In Progress");
	if (r->busy)
		return refuse(out, 491, "Request Pending");
	if (!r->has_media)
		return refuse(out, 488, "No Media To Transfer");
	out->code = 202;
	out->reason = "Accepted";
	return 1;
}

/* ---------------------------------------------------------- transfer */

static const char *const state_names[VXS_COUNT] = {
		[VXS_IDLE] = "idle",		 [VXS_OFFER] = "offer",
		[VXS_INVITING] = "inviting", [VXS_ANSWER] = "answer",
		[VXS_REVERT] = "revert",	 [VXS_DONE] = "done",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == VXS_COUNT,
			   "state_names must name every verto_xfer_state");

static const char *const event_names[VXE_COUNT] = {
		[VXE_START] = "start",
		[VXE_OFFER_OK] = "offer-ok",
		[VXE_OFFER_FAIL] = "offer-failed",
		[VXE_INVITE_FAIL] = "invite-failed",
		[VXE_PROVISIONAL] = "1xx",
		[VXE_ANSWERED] = "2xx",
		[VXE_REJECTED] = "rejected",
		[VXE_ANSWER_OK] = "answer-ok",
		[VXE_ANSWER_FAIL] = "answer-failed",
		[VXE_REVERT_DONE] = "reverted",
		[VXE_OLD_BYE] = "old-bye",
		[VXE_HANGUP] = "hangup",
};
_Static_assert(sizeof(event_names) / sizeof(event_names[0]) == VXE_COUNT,
			   "event_names must name every verto_xfer_event");

const char *verto_xfer_state_name(verto_xfer_state s)
{
	return (unsigned)s < VXS_COUNT ? state_names[s] : "invalid";
}

const char *verto_xfer_event_name(verto_xfer_event e)
{
	return (unsigned)e < VXE_COUNT ? event_names[e] : "invalid";
}

const char *verto_refer_status_text(int code)
{
	static const struct {
		int code;
		const char *text;
	} t[] = {
			{100, "Trying"},
			{180, "Ringing"},
			{181, "Call Is Being Forwarded"},
			{182, "Queued"},
			{183, "Session Progress"},
			{200, "OK"},
			{202, "Accepted"},
			{400, "Bad Request"},
			{403, "Forbidden"},
			{404, "Not Found"},
			{408, "Request Timeout"},
			{480, "Temporarily Unavailable"},
			{481, "Call/Transaction Does Not Exist"},
			{486, "Busy Here"},
			{487, "Request Terminated"},
			{488, "Not Acceptable Here"},
			{491, "Request Pending"},
			{500, "Server Internal Error"},
			{503, "Service Unavailable"},
			{600, "Busy Everywhere"},
			{603, "Decline"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code)
			return t[i].text;
	return "Unknown";
}

int verto_refer_sipfrag(int code, const char *reason, char *buf, size_t sz)
{
	const char *r = reason;
	int n;

	if (!sz)
		return -1;
	buf[0] = '\0';
	if (code < 100 || code > 699)
		return -1;
	if (r) {
		const char *p;
		for (p = r; *p && *p >= 0x20 && *p < 0x7f; p++)
			;
		if (*p || p == r)
			r = NULL;
	}
	n = snprintf(buf, sz, "SIP/2.0 %d %s\r\n", code,
				 r ? r : verto_refer_status_text(code));
	if (n < 0 || (size_t)n >= sz) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

void verto_xfer_init(verto_xfer *x)
{
	memset(x, 0, sizeof(*x));
}

static void notify(verto_xfer *x, verto_xfer_out *out, int code,
				   const char *reason)
{
	if (x->old_gone || x->final_sent)
		return;
	out->acts |= VXA_NOTIFY;
	out->code = code;
	out->reason = reason ? reason : verto_refer_status_text(code);
	if (code >= 200)
		x->final_sent = 1;
}

static int finish(verto_xfer *x, verto_xfer_out *out, unsigned acts)
{
	x->state = VXS_DONE;
	out->acts |= acts | VXA_FREE;
	return 0;
}

/* the new call failed (status code): back to the old dialog, or the end
 * of the call when the transferor already left it */
static int fail(verto_xfer *x, verto_xfer_out *out, int code,
				const char *reason)
{
	if (x->old_gone)
		return finish(x, out, VXA_END_CALL);
	notify(x, out, code, reason);
	out->acts |= VXA_MEDIA_REVERT;
	x->state = VXS_REVERT;
	return 0;
}

/* the events every running state takes alike */
static int common(verto_xfer *x, verto_xfer_event ev, verto_xfer_out *out)
{
	switch (ev) {
	case VXE_OLD_BYE:
		x->old_gone = 1;
		return 0;
	case VXE_HANGUP:
		if (x->state == VXS_INVITING)
			return finish(x, out, VXA_CANCEL_NEW);
		if (x->state == VXS_ANSWER)
			return finish(x, out, VXA_BYE_NEW);
		return finish(x, out, 0);
	default:
		return -1;
	}
}

int verto_xfer_step(verto_xfer *x, verto_xfer_event ev, int code,
					const char *reason, verto_xfer_out *out)
{
	memset(out, 0, sizeof(*out));
	switch (x->state) {
	case VXS_IDLE:
		if (ev != VXE_START)
			return -1;
		x->state = VXS_OFFER;
		notify(x, out, 100, NULL);
		out->acts |= VXA_MEDIA_OFFER;
		return 0;
	case VXS_OFFER:
		if (ev == VXE_OFFER_OK) {
			x->state = VXS_INVITING;
			out->acts |= VXA_INVITE;
			return 0;
		}
		if (ev == VXE_OFFER_FAIL)
			return fail(x, out, 503, NULL);
		return common(x, ev, out);
	case VXS_INVITING:
		switch (ev) {
		case VXE_PROVISIONAL:
			return 0;
		case VXE_INVITE_FAIL:
			return fail(x, out, 503, NULL);
		case VXE_ANSWERED:
			x->state = VXS_ANSWER;
			out->acts |= VXA_MEDIA_ANSWER;
			return 0;
		case VXE_REJECTED:
			return fail(x, out, code >= 300 && code <= 699 ? code : 500,
						code >= 300 && code <= 699 ? reason : NULL);
		default:
			return common(x, ev, out);
		}
	case VXS_ANSWER:
		if (ev == VXE_ANSWER_OK) {
			x->switched = 1;
			if (x->old_gone)
				return finish(x, out, VXA_SWITCH);
			notify(x, out, 200, NULL);
			return finish(x, out, VXA_SWITCH | VXA_BYE_OLD);
		}
		if (ev == VXE_ANSWER_FAIL) {
			out->acts |= VXA_BYE_NEW;
			return fail(x, out, 488, NULL);
		}
		return common(x, ev, out);
	case VXS_REVERT:
		if (ev == VXE_REVERT_DONE)
			return finish(x, out, x->old_gone ? VXA_END_CALL : 0);
		return common(x, ev, out);
	default:
		return -1;
	}
}
