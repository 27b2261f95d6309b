/*
 * probe_sdp.c - SDP build and parse for one audio stream (see probe_sdp.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_buf.h"
#include "sdp/sdp_line.h"
#include "probe_sdp.h"

/* ------------------------------------------------------------ building */

static const char *setup_name(probe_sdp_setup s)
{
	switch (s) {
	case PROBE_SETUP_ACTPASS:
		return "actpass";
	case PROBE_SETUP_ACTIVE:
		return "active";
	case PROBE_SETUP_PASSIVE:
		return "passive";
	case PROBE_SETUP_HOLDCONN:
		return "holdconn";
	default:
		return NULL;
	}
}

long probe_sdp_build(const probe_sdp_local *l, char *out, size_t outsz)
{
	probe_buf o;
	size_t i;

	probe_buf_init(&o, out, outsz);
	if (!l->ip || !l->ncodecs || !outsz)
		return -1;
	if (l->webrtc && (!l->ice_ufrag || !l->ice_pwd || !l->fingerprint ||
					  !setup_name(l->setup)))
		return -1;
	probe_buf_put(&o,
				  "v=0\r\no=iwg-probe %llu %u IN IP4 %s\r\ns=iwg-probe\r\n"
				  "c=IN IP4 %s\r\nt=0 0\r\n",
				  (unsigned long long)l->sess_id, l->sess_ver, l->ip, l->ip);
	probe_buf_put(&o, "m=audio %u %s", l->port,
				  l->webrtc ? "UDP/TLS/RTP/SAVPF" : "RTP/AVP");
	for (i = 0; i < l->ncodecs; i++)
		probe_buf_put(&o, " %d", l->codecs[i].pt);
	probe_buf_put(&o, "\r\n");
	for (i = 0; i < l->ncodecs; i++) {
		const probe_sdp_codec *c = &l->codecs[i];
		if (c->chans > 1)
			probe_buf_put(&o, "a=rtpmap:%d %s/%u/%u\r\n", c->pt, c->name,
						  c->rate, c->chans);
		else
			probe_buf_put(&o, "a=rtpmap:%d %s/%u\r\n", c->pt, c->name, c->rate);
		if (c->fmtp[0])
			probe_buf_put(&o, "a=fmtp:%d %s\r\n", c->pt, c->fmtp);
	}
	if (l->ptime)
		probe_buf_put(&o, "a=ptime:%d\r\n", l->ptime);
	if (l->webrtc) {
		probe_buf_put(&o, "a=rtcp:%u IN IP4 %s\r\na=rtcp-mux\r\n", l->port,
					  l->ip);
		probe_buf_put(&o, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", l->ice_ufrag,
					  l->ice_pwd);
		probe_buf_put(&o, "a=fingerprint:%s\r\na=setup:%s\r\n", l->fingerprint,
					  setup_name(l->setup));
		probe_buf_put(&o, "a=candidate:1 1 UDP 2130706431 %s %u typ host\r\n",
					  l->ip, l->port);
		probe_buf_put(&o, "a=end-of-candidates\r\n");
	}
	probe_buf_put(&o, "a=sendrecv\r\n");
	return probe_buf_finish(&o);
}

/* ------------------------------------------------------------ parsing */

typedef struct parser {
	int line;
	char *err;
	size_t errsz;
} parser;

static int fail(parser *ps, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

static int fail(parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->errsz) {
		n = snprintf(ps->err, ps->errsz, "line %d: ", ps->line);
		if (n < 0 || (size_t)n >= ps->errsz)
			return -1;
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* copy s[0..len) into dst (size dsz) if it fits; -1 otherwise */
static int copy_tok(char *dst, size_t dsz, const char *s, size_t len)
{
	if (len >= dsz)
		return -1;
	memcpy(dst, s, len);
	dst[len] = 0;
	return 0;
}

/* next space-separated token of [*p, end); returns its length, 0 at end */
static size_t token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	*tok = s;
	while (s < end && *s != ' ')
		s++;
	*p = s;
	return (size_t)(s - *tok);
}

/* unsigned decimal of exactly len digits, <= max; -1 otherwise */
static long number(const char *s, size_t len, long max)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

static int has_prefix(const char *s, size_t len, const char *pfx)
{
	size_t n = strlen(pfx);
	return len >= n && memcmp(s, pfx, n) == 0;
}

int probe_sdp_parse_fp(const char *s, size_t len, uint8_t *out, size_t outsz)
{
	size_t i = 0, n = 0;

	while (i < len) {
		int hi, lo;
		if (n == outsz || len - i < 2 || !isxdigit((unsigned char)s[i]) ||
			!isxdigit((unsigned char)s[i + 1]))
			return -1;
		hi = isdigit((unsigned char)s[i])
					 ? s[i] - '0'
					 : (tolower((unsigned char)s[i]) - 'a' + 10);
		lo = isdigit((unsigned char)s[i + 1])
					 ? s[i + 1] - '0'
					 : (tolower((unsigned char)s[i + 1]) - 'a' + 10);
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
		if (i < len) {
			if (s[i] != ':' || i + 1 == len)
				return -1;
			i++;
		}
	}
	return n ? (int)n : -1;
}

static probe_sdp_codec *codec_by_pt(probe_sdp_remote *r, long pt)
{
	size_t i;

	for (i = 0; i < r->ncodecs; i++)
		if (r->codecs[i].pt == pt)
			return &r->codecs[i];
	return NULL;
}

/* "c=IN IP4 addr" */
static int parse_c(parser *ps, const char *v, const char *end, char *ip,
				   size_t ipsz)
{
	const char *t;
	size_t n;

	n = token(&v, end, &t);
	if (n != 2 || memcmp(t, "IN", 2))
		return fail(ps, "c= network type is not IN");
	n = token(&v, end, &t);
	if (n != 3 || (memcmp(t, "IP4", 3) && memcmp(t, "IP6", 3)))
		return fail(ps, "c= address type is not IP4/IP6");
	n = token(&v, end, &t);
	if (!n || copy_tok(ip, ipsz, t, n) < 0)
		return fail(ps, "c= address missing or too long");
	/* strip a multicast TTL suffix */
	if (strchr(ip, '/'))
		*strchr(ip, '/') = 0;
	return 0;
}

/* "m=audio port[/n] proto fmt..." */
static int parse_m(parser *ps, const char *v, const char *end,
				   probe_sdp_remote *r)
{
	const char *t;
	size_t n;
	long num;

	n = token(&v, end, &t);
	if (!n)
		return fail(ps, "m= without media");
	n = token(&v, end, &t);
	if (memchr(t, '/', n))
		n = (size_t)((const char *)memchr(t, '/', n) - t);
	num = number(t, n, 65535);
	if (num < 0)
		return fail(ps, "m= port is not a number up to 65535");
	r->port = (uint16_t)num;
	token(&v, end, &t);
	n = (size_t)(v - t);
	if (!n || copy_tok(r->proto, sizeof(r->proto), t, n) < 0)
		return fail(ps, "m= protocol missing or too long");
	while ((n = token(&v, end, &t))) {
		num = number(t, n, 127);
		if (num < 0)
			return fail(ps, "m= format is not a payload type 0..127");
		if (codec_by_pt(r, num))
			continue;
		if (r->ncodecs == PROBE_SDP_MAX_CODECS)
			return fail(ps, "more than %d formats", PROBE_SDP_MAX_CODECS);
		probe_sdp_codec *c = &r->codecs[r->ncodecs++];
		memset(c, 0, sizeof(*c));
		c->pt = (int)num;
		c->chans = 1;
		if (num == 0 || num == 8 || num == 9) {
			strcpy(c->name, num == 0 ? "PCMU" : num == 8 ? "PCMA" : "G722");
			c->rate = 8000;
		}
	}
	if (!r->ncodecs)
		return fail(ps, "m= without formats");
	return 0;
}

/* "rtpmap:pt name/rate[/chans]" */
static int parse_rtpmap(parser *ps, const char *v, const char *end,
						probe_sdp_remote *r)
{
	const char *t, *sl, *sl2;
	probe_sdp_codec *c;
	size_t n;
	long pt, rate, ch = 1;

	n = token(&v, end, &t);
	pt = number(t, n, 127);
	if (pt < 0)
		return fail(ps, "rtpmap payload type is not 0..127");
	n = token(&v, end, &t);
	sl = memchr(t, '/', n);
	if (!sl || sl == t)
		return fail(ps, "rtpmap without name/rate");
	sl2 = memchr(sl + 1, '/', (size_t)(t + n - sl - 1));
	rate = number(sl + 1, (size_t)((sl2 ? sl2 : t + n) - sl - 1), 10000000);
	if (sl2)
		ch = number(sl2 + 1, (size_t)(t + n - sl2 - 1), 255);
	if (rate <= 0 || ch <= 0)
		return fail(ps, "rtpmap rate or channels is not a number");
	c = codec_by_pt(r, pt);
	if (!c)
		return 0; /* not in the m= line: ignored */
	if (copy_tok(c->name, sizeof(c->name), t, (size_t)(sl - t)) < 0)
		return fail(ps, "rtpmap encoding name too long");
	c->rate = (unsigned)rate;
	c->chans = (unsigned)ch;
	return 0;
}

static int parse_fmtp(parser *ps, const char *v, const char *end,
					  probe_sdp_remote *r)
{
	const char *t;
	probe_sdp_codec *c;
	size_t n;
	long pt;

	n = token(&v, end, &t);
	pt = number(t, n, 127);
	if (pt < 0)
		return fail(ps, "fmtp payload type is not 0..127");
	while (v < end && *v == ' ')
		v++;
	c = codec_by_pt(r, pt);
	if (c && copy_tok(c->fmtp, sizeof(c->fmtp), v, (size_t)(end - v)) < 0)
		return fail(ps, "fmtp parameters too long");
	return 0;
}

/* "candidate:foundation comp transport prio ip port typ type ..." */
static int parse_cand(parser *ps, const char *v, const char *end,
					  probe_sdp_remote *r)
{
	probe_sdp_cand c;
	const char *t;
	size_t n;
	long num;

	memset(&c, 0, sizeof(c));
	if (!token(&v, end, &t))
		return fail(ps, "candidate without foundation");
	n = token(&v, end, &t);
	num = number(t, n, 256);
	if (num < 1)
		return fail(ps, "candidate component is not 1..256");
	c.component = (unsigned)num;
	n = token(&v, end, &t);
	if (!n || copy_tok(c.transport, sizeof(c.transport), t, n) < 0)
		return fail(ps, "candidate transport missing");
	n = token(&v, end, &t);
	num = number(t, n, 0xffffffffL);
	if (num < 0)
		return fail(ps, "candidate priority is not a number");
	c.priority = (uint32_t)num;
	n = token(&v, end, &t);
	if (!n || copy_tok(c.ip, sizeof(c.ip), t, n) < 0)
		return fail(ps, "candidate address missing or too long");
	n = token(&v, end, &t);
	num = number(t, n, 65535);
	if (num < 0)
		return fail(ps, "candidate port is not a number up to 65535");
	c.port = (uint16_t)num;
	n = token(&v, end, &t);
	if (n != 3 || memcmp(t, "typ", 3))
		return fail(ps, "candidate without typ");
	n = token(&v, end, &t);
	if (!n || copy_tok(c.type, sizeof(c.type), t, n) < 0)
		return fail(ps, "candidate type missing or too long");
	if (r->ncands < PROBE_SDP_MAX_CANDS)
		r->cands[r->ncands++] = c;
	return 0;
}

static int parse_setup(parser *ps, const char *v, size_t n, probe_sdp_remote *r)
{
	static const char *names[] = {"actpass", "active", "passive", "holdconn"};
	size_t i;

	for (i = 0; i < 4; i++)
		if (strlen(names[i]) == n && !memcmp(v, names[i], n)) {
			r->setup = (probe_sdp_setup)(PROBE_SETUP_ACTPASS + i);
			return 0;
		}
	return fail(ps, "unknown setup role");
}

static int parse_fingerprint(parser *ps, const char *v, const char *end,
							 probe_sdp_remote *r)
{
	const char *t;
	size_t n;
	int fl;

	n = token(&v, end, &t);
	if (!n || copy_tok(r->fp_alg, sizeof(r->fp_alg), t, n) < 0)
		return fail(ps, "fingerprint hash function missing or unknown");
	n = token(&v, end, &t);
	fl = probe_sdp_parse_fp(t, n, r->fp, sizeof(r->fp));
	if (fl < 0)
		return fail(ps, "fingerprint is not hex pairs separated by colons");
	r->fp_len = (size_t)fl;
	return 0;
}

/* one a= line; in_media: inside the audio section */
static int parse_a(parser *ps, const char *v, const char *end,
				   probe_sdp_remote *r, int in_media)
{
	size_t len = (size_t)(end - v);
	const char *col = memchr(v, ':', len);
	const char *val = col ? col + 1 : end;
	size_t vlen = (size_t)(end - val);

	if (has_prefix(v, len, "ice-ufrag:")) {
		if (!vlen || copy_tok(r->ice_ufrag, sizeof(r->ice_ufrag), val, vlen))
			return fail(ps, "ice-ufrag empty or too long");
	} else if (has_prefix(v, len, "ice-pwd:")) {
		if (!vlen || copy_tok(r->ice_pwd, sizeof(r->ice_pwd), val, vlen))
			return fail(ps, "ice-pwd empty or too long");
	} else if (len == 8 && !memcmp(v, "ice-lite", 8)) {
		r->ice_lite = 1;
	} else if (has_prefix(v, len, "fingerprint:")) {
		return parse_fingerprint(ps, val, end, r);
	} else if (has_prefix(v, len, "setup:")) {
		return parse_setup(ps, val, vlen, r);
	} else if (!in_media) {
		return 0;
	} else if (has_prefix(v, len, "rtpmap:")) {
		return parse_rtpmap(ps, val, end, r);
	} else if (has_prefix(v, len, "fmtp:")) {
		return parse_fmtp(ps, val, end, r);
	} else if (has_prefix(v, len, "candidate:")) {
		return parse_cand(ps, val, end, r);
	} else if (len == 8 && !memcmp(v, "rtcp-mux", 8)) {
		r->rtcp_mux = 1;
	} else if (len == 8 && !memcmp(v, "sendrecv", 8)) {
		r->sendrecv = 1;
	} else if ((len == 8 && !memcmp(v, "sendonly", 8)) ||
			   (len == 8 && !memcmp(v, "recvonly", 8)) ||
			   (len == 8 && !memcmp(v, "inactive", 8))) {
		r->sendrecv = 0;
	}
	return 0;
}

int probe_sdp_parse(const char *sdp, size_t len, probe_sdp_remote *r, char *err,
					size_t errsz)
{
	parser ps = {0, err, errsz};
	size_t pos = 0;
	sdp_line l;
	char media_ip[64] = "";
	int section = 0; /* 0 session, 1 our audio, 2 other media */
	int seen_v = 0;

	memset(r, 0, sizeof(*r));
	r->sendrecv = 1;
	if (errsz)
		err[0] = 0;
	while (sdp_line_next(sdp, len, &pos, &l)) {
		const char *p = l.s, *le = l.s + l.len;

		ps.line++;
		if (le == p)
			continue; /* tolerate empty lines (trailing CRLF) */
		if (le - p < 2 || p[1] != '=' || !islower((unsigned char)p[0]))
			return fail(&ps, "not a <letter>=<value> line");
		if (memchr(p, 0, (size_t)(le - p)))
			return fail(&ps, "NUL byte in line");
		if (!seen_v) {
			if (p[0] != 'v' || le - p != 3 || p[2] != '0')
				return fail(&ps, "SDP must start with v=0");
			seen_v = 1;
		}
		if (p[0] == 'm') {
			if (section == 1)
				break; /* only the first audio stream */
			section = has_prefix(p + 2, (size_t)(le - p - 2), "audio ") ? 1 : 2;
			if (section == 1 && parse_m(&ps, p + 2, le, r) < 0)
				return -1;
		} else if (p[0] == 'c') {
			if (section != 2 &&
				parse_c(&ps, p + 2, le, section ? media_ip : r->ip,
						section ? sizeof(media_ip) : sizeof(r->ip)) < 0)
				return -1;
		} else if (p[0] == 'a' && section != 2) {
			if (parse_a(&ps, p + 2, le, r, section == 1) < 0)
				return -1;
		}
	}
	ps.line = 0;
	if (!seen_v)
		return fail(&ps, "empty SDP");
	if (section == 0 && !r->ncodecs)
		return fail(&ps, "no m=audio stream");
	if (!r->ncodecs)
		return fail(&ps, "no m=audio stream");
	if (media_ip[0])
		memcpy(r->ip, media_ip, sizeof(r->ip));
	if (!r->ip[0])
		return fail(&ps, "no c= address for the audio stream");
	return 0;
}

const probe_sdp_codec *probe_sdp_find_pt(const probe_sdp_remote *r, int pt)
{
	return codec_by_pt((probe_sdp_remote *)r, pt);
}

const probe_sdp_codec *probe_sdp_find_codec(const probe_sdp_remote *r,
											const char *name)
{
	size_t i;

	for (i = 0; i < r->ncodecs; i++)
		if (!strcasecmp(r->codecs[i].name, name))
			return &r->codecs[i];
	return NULL;
}
