/*
 * probe_auth.c - SIP digest authentication (see probe_auth.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "probe_auth.h"
#include "probe_buf.h"

#define NC "00000001" /* one request per nonce */

static int aerr(char *err, size_t errsz, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int aerr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int is_ctl(unsigned char ch)
{
	return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

/* RFC 3261 token characters */
static int is_token(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		   (ch >= '0' && ch <= '9') || (ch && strchr("-.!%*_+`'~", ch));
}

/* the parse position in the challenge value */
typedef struct cursor {
	const char *p, *start, *end;
	char *err;
	size_t errsz;
} cursor;

static void skip_ws(cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static size_t token_len(const cursor *c)
{
	const char *q = c->p;

	while (q < c->end && is_token((unsigned char)*q))
		q++;
	return (size_t)(q - c->p);
}

static int cerr(cursor *c, const char *why)
{
	return aerr(c->err, c->errsz, "challenge: %s at offset %zu", why,
				(size_t)(c->p - c->start));
}

/*
 * Read a parameter value (token or quoted string, unescaped) into
 * dst[0..cap) (dst NULL: skip it). Returns its length or -1.
 */
static long read_value(cursor *c, const char *name, char *dst, size_t cap)
{
	size_t n = 0;
	int quoted = c->p < c->end && *c->p == '"';

	if (quoted)
		c->p++;
	for (; c->p < c->end; c->p++) {
		unsigned char ch = (unsigned char)*c->p;
		if (quoted && ch == '"')
			break;
		if (!quoted && !is_token(ch))
			break;
		if (quoted && ch == '\\') {
			if (++c->p == c->end)
				break;
			ch = (unsigned char)*c->p;
		}
		if (is_ctl(ch))
			return cerr(c, "control character in a value");
		if (dst) {
			if (n + 1 >= cap)
				return aerr(c->err, c->errsz,
							"challenge: %s longer than %zu characters", name,
							cap - 1);
			dst[n] = (char)ch;
		}
		n++;
	}
	if (quoted) {
		if (c->p == c->end)
			return cerr(c, "unterminated quoted string");
		c->p++;
	} else if (!n) {
		return cerr(c, "expected a value");
	}
	if (dst)
		dst[n] = 0;
	return (long)n;
}

/* qop="auth,auth-int": set has_qop and qop_auth */
static void take_qop(probe_auth_challenge *ch, const char *list)
{
	const char *p = list;

	ch->has_qop = 1;
	while (*p) {
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, " \t,");
		if (n == 4 && !strncasecmp(p, "auth", 4))
			ch->qop_auth = 1;
		p += n;
	}
}

enum { P_REALM, P_NONCE, P_OPAQUE, P_ALG, P_QOP, P_STALE, P_COUNT };

static const char *const param_names[] = {
		[P_REALM] = "realm",   [P_NONCE] = "nonce", [P_OPAQUE] = "opaque",
		[P_ALG] = "algorithm", [P_QOP] = "qop",		[P_STALE] = "stale",
};
_Static_assert(sizeof(param_names) / sizeof(param_names[0]) == P_COUNT,
			   "param names");

static int param_index(const char *name, size_t len)
{
	int i;

	for (i = 0; i < P_COUNT; i++)
		if (strlen(param_names[i]) == len &&
			!strncasecmp(name, param_names[i], len))
			return i;
	return -1;
}

/* one name=value; the cursor is at the name */
static int parse_param(cursor *c, probe_auth_challenge *ch, unsigned *seen)
{
	char tmp[PROBE_AUTH_MAX_VALUE];
	char *dst = NULL;
	size_t cap = sizeof(tmp), nlen = token_len(c);
	const char *name = c->p;
	int idx;

	if (!nlen)
		return cerr(c, "expected a parameter name");
	idx = param_index(name, nlen);
	c->p += nlen;
	skip_ws(c);
	if (c->p == c->end || *c->p != '=')
		return cerr(c, "expected '=' after a parameter name");
	c->p++;
	skip_ws(c);
	if (idx >= 0) {
		if (*seen & (1u << idx))
			return aerr(c->err, c->errsz, "challenge: %s given twice",
						param_names[idx]);
		*seen |= 1u << idx;
		dst = tmp;
		if (idx == P_REALM)
			dst = ch->realm;
		else if (idx == P_NONCE)
			dst = ch->nonce;
		else if (idx == P_OPAQUE)
			dst = ch->opaque;
		else if (idx == P_ALG) {
			dst = ch->algorithm;
			cap = sizeof(ch->algorithm);
		}
	}
	if (read_value(c, idx >= 0 ? param_names[idx] : "parameter", dst, cap) < 0)
		return -1;
	if (idx == P_OPAQUE)
		ch->has_opaque = 1;
	else if (idx == P_QOP)
		take_qop(ch, tmp);
	else if (idx == P_STALE)
		ch->stale = !strcasecmp(tmp, "true");
	return 0;
}

int probe_auth_parse(const char *v, size_t len, probe_auth_challenge *ch,
					 char *err, size_t errsz)
{
	cursor c = {v, v, v + len, err, errsz};
	unsigned seen = 0;
	size_t n;

	memset(ch, 0, sizeof(*ch));
	if (errsz)
		err[0] = 0;
	skip_ws(&c);
	n = token_len(&c);
	if (n != 6 || strncasecmp(c.p, "Digest", 6)) {
		if (!n)
			return cerr(&c, "expected the scheme Digest");
		return aerr(err, errsz, "challenge: scheme '%.*s' is not Digest",
					(int)(n > 32 ? 32 : n), c.p);
	}
	c.p += n;
	if (c.p < c.end && *c.p != ' ' && *c.p != '\t')
		return cerr(&c, "expected a space after Digest");
	for (;;) {
		skip_ws(&c);
		while (c.p < c.end && *c.p == ',') { /* empty list elements */
			c.p++;
			skip_ws(&c);
		}
		if (c.p == c.end)
			break;
		if (parse_param(&c, ch, &seen) < 0)
			return -1;
		skip_ws(&c);
		if (c.p < c.end && *c.p != ',')
			return cerr(&c, "expected ',' between parameters");
	}
	if (!(seen & (1u << P_REALM)))
		return aerr(err, errsz, "challenge: no realm");
	if (!(seen & (1u << P_NONCE)) || !ch->nonce[0])
		return aerr(err, errsz, "challenge: no nonce");
	return 0;
}

int probe_auth_usable(const probe_auth_challenge *ch, char *err, size_t errsz)
{
	if (ch->algorithm[0] && strcasecmp(ch->algorithm, "MD5")) {
		aerr(err, errsz, "challenge: algorithm %s not supported (MD5 only)",
			 ch->algorithm);
		return 0;
	}
	if (ch->has_qop && !ch->qop_auth) {
		aerr(err, errsz,
			 "challenge: qop without auth (only qop=auth or none is "
			 "supported)");
		return 0;
	}
	return 1;
}

int probe_auth_pick(const probe_str *vals, size_t n, probe_auth_challenge *ch,
					char *err, size_t errsz)
{
	char why[160];
	size_t i;

	if (!n)
		return aerr(err, errsz, "no challenge");
	for (i = 0; i < n; i++) {
		char *e = i ? why : err;
		size_t esz = i ? sizeof(why) : errsz;
		if (probe_auth_parse(vals[i].s, vals[i].len, ch, e, esz) == 0 &&
			probe_auth_usable(ch, e, esz))
			return 0;
	}
	return -1; /* err holds why the first one was refused */
}

/* lower-case hex MD5 of the parts joined by ':' into out[33] */
static int md5_hex(char out[33], const char *const *parts, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int ok;
	size_t k;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
	for (k = 0; ok && k < n; k++)
		ok = (!k || EVP_DigestUpdate(ctx, ":", 1) == 1) &&
			 EVP_DigestUpdate(ctx, parts[k], strlen(parts[k])) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* sep name="s" with '"' and '\' escaped; -1 on a control character */
static int put_quoted(probe_buf *b, const char *sep, const char *name,
					  const char *s)
{
	probe_buf_put(b, "%s%s=\"", sep, name);
	for (; *s; s++) {
		if (is_ctl((unsigned char)*s))
			return -1;
		if (*s == '"' || *s == '\\')
			probe_buf_put(b, "\\");
		probe_buf_mem(b, s, 1);
	}
	probe_buf_put(b, "\"");
	return 0;
}

/* response = MD5(HA1:nonce[:nc:cnonce:qop]:HA2) into out[33] */
static int digest_response(const probe_auth_challenge *ch,
						   const probe_auth_req *r, char out[33])
{
	char ha1[33], ha2[33];
	const char *a1[] = {r->user, ch->realm, r->password};
	const char *a2[] = {r->method, r->uri};
	const char *qop[] = {ha1, ch->nonce, NC, r->cnonce, "auth", ha2};
	const char *plain[] = {ha1, ch->nonce, ha2};

	if (md5_hex(ha1, a1, 3) < 0 || md5_hex(ha2, a2, 2) < 0)
		return -1;
	if (ch->qop_auth)
		return md5_hex(out, qop, 6);
	return md5_hex(out, plain, 3);
}

long probe_auth_build(const probe_auth_challenge *ch, const probe_auth_req *r,
					  char *out, size_t outsz, char *err, size_t errsz)
{
	char resp[33];
	probe_buf b;
	int bad = 0;

	if (!probe_auth_usable(ch, err, errsz))
		return -1;
	if (!r->method || !r->uri || !r->user || !r->password ||
		(ch->qop_auth && !r->cnonce))
		return aerr(err, errsz,
					"digest: method, uri, user, password or "
					"cnonce missing");
	if (!r->user[0] || !r->uri[0] || !r->method[0] ||
		(ch->qop_auth && !r->cnonce[0]))
		return aerr(err, errsz, "digest: empty user, uri, method or cnonce");
	if (digest_response(ch, r, resp) < 0)
		return aerr(err, errsz, "digest: MD5 unavailable in OpenSSL");
	probe_buf_init(&b, out, outsz);
	bad |= put_quoted(&b, "Digest ", "username", r->user);
	bad |= put_quoted(&b, ", ", "realm", ch->realm);
	bad |= put_quoted(&b, ", ", "nonce", ch->nonce);
	bad |= put_quoted(&b, ", ", "uri", r->uri);
	probe_buf_put(&b, ", response=\"%s\", algorithm=MD5", resp);
	if (ch->has_opaque)
		bad |= put_quoted(&b, ", ", "opaque", ch->opaque);
	if (ch->qop_auth) {
		probe_buf_put(&b, ", qop=auth, nc=" NC);
		bad |= put_quoted(&b, ", ", "cnonce", r->cnonce);
	}
	if (bad)
		return aerr(err, errsz,
					"digest: control character in user, uri, cnonce or "
					"challenge");
	if (probe_buf_finish(&b) < 0)
		return aerr(err, errsz, "digest: header longer than %zu bytes",
					outsz ? outsz - 1 : 0);
	return probe_buf_finish(&b);
}
