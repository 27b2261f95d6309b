/*
 * verto_state.c - a Verto session's state as versioned text, and the
 * claim decision (contracts in verto_state.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verto_state.h"

#define MAGIC "iwg-verto-state"

void verto_state_init(verto_state *st)
{
	memset(st, 0, sizeof(*st));
}

void verto_state_clear(verto_state *st)
{
	unsigned i;

	if (!st)
		return;
	for (i = 0; i < VERTO_STATE_MAX_CALLS; i++) {
		free(st->calls[i].peer_sdp);
		free(st->calls[i].our_sdp);
	}
	verto_state_init(st);
}

/* ------------------------------------------------------------- encode */

typedef struct sbuf {
	char *p;
	size_t n, cap;
	int err;
} sbuf;

static void sb_grow(sbuf *b, size_t more)
{
	char *q;
	size_t cap;

	if (b->err || b->n + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->n + more + 1)
		cap *= 2;
	if (!(q = realloc(b->p, cap))) {
		b->err = 1;
		return;
	}
	b->p = q;
	b->cap = cap;
}

static void sb_raw(sbuf *b, const char *s)
{
	size_t l = strlen(s);

	sb_grow(b, l);
	if (b->err)
		return;
	memcpy(b->p + b->n, s, l + 1);
	b->n += l;
}

static int plain(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '%';
}

/* one field, preceded by a space unless it opens the line */
static void sb_field(sbuf *b, const char *s, int first)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t l = strlen(s), i;
	char *o;

	sb_grow(b, 2 + 3 * l);
	if (b->err)
		return;
	o = b->p + b->n;
	if (!first)
		*o++ = ' ';
	if (!l) {
		*o++ = '-';
	} else if (l == 1 && s[0] == '-') {
		memcpy(o, "%2D", 3);
		o += 3;
	} else {
		for (i = 0; i < l; i++) {
			unsigned char c = (unsigned char)s[i];
			if (plain(c)) {
				*o++ = (char)c;
			} else {
				*o++ = '%';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			}
		}
	}
	*o = '\0';
	b->n = (size_t)(o - b->p);
}

static void sb_num(sbuf *b, unsigned long long v)
{
	char t[24];

	snprintf(t, sizeof(t), "%llu", v);
	sb_field(b, t, 0);
}

static int call_ok(const verto_state_call *c)
{
	return c->call_id[0] && c->sip_callid[0] &&
		   (!c->peer_sdp || strlen(c->peer_sdp) <= VERTO_STATE_SDP_MAX) &&
		   (!c->our_sdp || strlen(c->our_sdp) <= VERTO_STATE_SDP_MAX);
}

char *verto_state_encode(const verto_state *st, size_t *len)
{
	sbuf b = {0};
	unsigned i;

	if (st->ncalls > VERTO_STATE_MAX_CALLS || !st->sessid[0] || !st->login[0] ||
		!st->node[0])
		return NULL;
	for (i = 0; i < st->ncalls; i++)
		if (!call_ok(&st->calls[i]))
			return NULL;
	sb_raw(&b, MAGIC " 1\nsession");
	sb_field(&b, st->sessid, 0);
	sb_field(&b, st->login, 0);
	sb_field(&b, st->node, 0);
	sb_num(&b, st->updated_ms);
	for (i = 0; i < st->ncalls; i++) {
		const verto_state_call *c = &st->calls[i];
		sb_raw(&b, "\ncall");
		sb_field(&b, c->call_id, 0);
		sb_num(&b, c->outbound);
		sb_num(&b, c->held);
		sb_field(&b, c->dest, 0);
		sb_field(&b, c->caller_name, 0);
		sb_field(&b, c->caller_number, 0);
		sb_raw(&b, "\ndlg");
		sb_field(&b, c->sip_callid, 0);
		sb_field(&b, c->ltag, 0);
		sb_field(&b, c->rtag, 0);
		sb_num(&b, c->lseq);
		sb_num(&b, c->rseq);
		sb_field(&b, c->luri, 0);
		sb_field(&b, c->ruri, 0);
		sb_field(&b, c->target, 0);
		sb_field(&b, c->route, 0);
		if (c->m_cid[0] || c->m_btag[0] || c->m_ptag[0]) {
			sb_raw(&b, "\nmedia");
			sb_field(&b, c->m_cid, 0);
			sb_field(&b, c->m_btag, 0);
			sb_field(&b, c->m_ptag, 0);
		}
		if (c->peer_sdp) {
			sb_raw(&b, "\npeer");
			sb_field(&b, c->peer_sdp, 0);
		}
		if (c->our_sdp) {
			sb_raw(&b, "\nours");
			sb_field(&b, c->our_sdp, 0);
		}
	}
	sb_raw(&b, "\nend\n");
	if (b.err) {
		free(b.p);
		return NULL;
	}
	if (len)
		*len = b.n;
	return b.p;
}

/* -------------------------------------------------------------- parse */

#define MAX_FIELDS 10

typedef struct field {
	const char *p;
	size_t n;
} field;

typedef struct pctx {
	char *why;
	size_t whysz;
	unsigned line;
} pctx;

static int fail(pctx *x, const char *what)
{
	if (x->why && x->whysz)
		snprintf(x->why, x->whysz, "line %u: %s", x->line, what);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* the unescaped field into out[max + 1]; -1 when too long or bad */
static int unescape(const field *f, char *out, size_t max, size_t *olen)
{
	size_t i, o = 0;

	if (f->n == 1 && f->p[0] == '-') {
		out[0] = '\0';
		if (olen)
			*olen = 0;
		return 0;
	}
	for (i = 0; i < f->n; i++) {
		unsigned char c = (unsigned char)f->p[i];
		if (o >= max)
			return -1;
		if (c == '%') {
			int h, l;
			if (i + 2 >= f->n)
				return -1;
			h = hexval(f->p[i + 1]);
			l = hexval(f->p[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (unsigned char)(h << 4 | l);
			if (c == '\0')
				return -1; /* a NUL would cut the string short */
			i += 2;
		} else if (!plain(c)) {
			return -1;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (olen)
		*olen = o;
	return 0;
}

static int getstr(pctx *x, const field *f, char *out, size_t max,
				  const char *name)
{
	char msg[64];

	if (unescape(f, out, max, NULL) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "bad or too long %s", name);
	return fail(x, msg);
}

static int getnum(pctx *x, const field *f, unsigned long long max,
				  unsigned long long *v, const char *name)
{
	char msg[64];
	size_t i;

	*v = 0;
	if (f->n == 0 || f->n > 20)
		goto bad;
	for (i = 0; i < f->n; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			goto bad;
		unsigned d = (unsigned)(f->p[i] - '0');
		if (d > max || *v > (max - d) / 10)
			goto bad;
		*v = *v * 10 + d;
	}
	return 0;
bad:
	snprintf(msg, sizeof(msg), "bad %s", name);
	return fail(x, msg);
}

static int getsdp(pctx *x, const field *f, char **out)
{
	char *s;

	if (*out)
		return fail(x, "SDP given twice");
	if (!(s = malloc(VERTO_STATE_SDP_MAX + 1)))
		return fail(x, "out of memory");
	if (unescape(f, s, VERTO_STATE_SDP_MAX, NULL)) {
		free(s);
		return fail(x, "bad or too long SDP");
	}
	*out = s;
	return 0;
}

/* split the line [p, e) into fields; -1 when empty fields or too many */
static int split(const char *p, const char *e, field *f, unsigned *nf)
{
	unsigned n = 0;

	while (p < e) {
		const char *s = p;
		while (p < e && *p != ' ')
			p++;
		if (p == s || n == MAX_FIELDS)
			return -1;
		f[n].p = s;
		f[n].n = (size_t)(p - s);
		n++;
		if (p < e) {
			p++;
			if (p == e)
				return -1; /* a trailing space */
		}
	}
	*nf = n;
	return 0;
}

static int is(const field *f, const char *w)
{
	return f->n == strlen(w) && memcmp(f->p, w, f->n) == 0;
}

enum { SEEN_DLG = 1, SEEN_MEDIA = 2 };

static int parse_call(pctx *x, const field *f, unsigned nf, verto_state_call *c)
{
	unsigned long long v;

	if (nf != 7)
		return fail(x, "call: 6 fields wanted");
	if (getstr(x, &f[1], c->call_id, VERTO_STATE_ID_MAX, "callID") ||
		!c->call_id[0])
		return fail(x, "bad callID");
	if (getnum(x, &f[2], 1, &v, "outbound"))
		return -1;
	c->outbound = v ? 1 : 0;
	if (getnum(x, &f[3], 1, &v, "held"))
		return -1;
	c->held = v ? 1 : 0;
	return getstr(x, &f[4], c->dest, VERTO_STATE_ID_MAX, "dest") ||
		   getstr(x, &f[5], c->caller_name, VERTO_STATE_NAME_MAX,
				  "caller name") ||
		   getstr(x, &f[6], c->caller_number, VERTO_STATE_NAME_MAX,
				  "caller number");
}

static int parse_dlg(pctx *x, const field *f, unsigned nf, verto_state_call *c)
{
	unsigned long long v;

	if (nf != 10)
		return fail(x, "dlg: 9 fields wanted");
	if (getstr(x, &f[1], c->sip_callid, VERTO_STATE_SIPID_MAX, "Call-ID") ||
		!c->sip_callid[0])
		return fail(x, "bad Call-ID");
	if (getstr(x, &f[2], c->ltag, VERTO_STATE_TAG_MAX, "local tag") ||
		getstr(x, &f[3], c->rtag, VERTO_STATE_TAG_MAX, "remote tag"))
		return -1;
	if (getnum(x, &f[4], 0x7fffffffu, &v, "local CSeq"))
		return -1;
	c->lseq = (uint32_t)v;
	if (getnum(x, &f[5], 0x7fffffffu, &v, "remote CSeq"))
		return -1;
	c->rseq = (uint32_t)v;
	return getstr(x, &f[6], c->luri, VERTO_STATE_URI_MAX, "local URI") ||
		   getstr(x, &f[7], c->ruri, VERTO_STATE_URI_MAX, "remote URI") ||
		   getstr(x, &f[8], c->target, VERTO_STATE_URI_MAX, "target") ||
		   getstr(x, &f[9], c->route, VERTO_STATE_ROUTE_MAX, "route set");
}

static int parse_media(pctx *x, const field *f, unsigned nf,
					   verto_state_call *c)
{
	if (nf != 4)
		return fail(x, "media: 3 fields wanted");
	return getstr(x, &f[1], c->m_cid, VERTO_STATE_SIPID_MAX, "media call-id") ||
		   getstr(x, &f[2], c->m_btag, VERTO_STATE_TAG_MAX, "browser tag") ||
		   getstr(x, &f[3], c->m_ptag, VERTO_STATE_TAG_MAX, "peer tag");
}

static int parse_session(pctx *x, const field *f, unsigned nf, verto_state *st)
{
	unsigned long long v;

	if (nf != 5)
		return fail(x, "session: 4 fields wanted");
	if (getstr(x, &f[1], st->sessid, VERTO_STATE_SESSID_LEN, "sessid") ||
		getstr(x, &f[2], st->login, VERTO_STATE_ID_MAX, "login") ||
		getstr(x, &f[3], st->node, VERTO_STATE_NODE_MAX, "node"))
		return -1;
	if (!st->sessid[0] || !st->login[0] || !st->node[0])
		return fail(x, "empty sessid, login or node");
	if (getnum(x, &f[4], ~0ull, &v, "time"))
		return -1;
	st->updated_ms = v;
	return 0;
}

/* one record line (after the header and the session line) */
static int parse_record(pctx *x, const field *f, unsigned nf, verto_state *st,
						unsigned *seen)
{
	verto_state_call *c = st->ncalls ? &st->calls[st->ncalls - 1] : NULL;

	if (is(&f[0], "call")) {
		if (c && !(*seen & SEEN_DLG))
			return fail(x, "call without dlg");
		if (st->ncalls == VERTO_STATE_MAX_CALLS)
			return fail(x, "too many calls");
		*seen = 0;
		return parse_call(x, f, nf, &st->calls[st->ncalls++]);
	}
	if (!c)
		return fail(x, "record before any call");
	if (is(&f[0], "dlg")) {
		if (*seen & SEEN_DLG)
			return fail(x, "dlg given twice");
		*seen |= SEEN_DLG;
		return parse_dlg(x, f, nf, c);
	}
	if (is(&f[0], "media")) {
		if (*seen & SEEN_MEDIA)
			return fail(x, "media given twice");
		*seen |= SEEN_MEDIA;
		return parse_media(x, f, nf, c);
	}
	if (is(&f[0], "peer") || is(&f[0], "ours")) {
		if (nf != 2)
			return fail(x, "SDP: 1 field wanted");
		return getsdp(x, &f[1], f[0].p[0] == 'p' ? &c->peer_sdp : &c->our_sdp);
	}
	return fail(x, "unknown record");
}

int verto_state_parse(const char *text, size_t len, verto_state *st, char *why,
					  size_t whysz)
{
	pctx x = {why, whysz, 0};
	const char *p = text, *e = text + len;
	unsigned seen = 0, nf;
	field f[MAX_FIELDS];
	int ended = 0;

	verto_state_init(st);
	if (why && whysz)
		why[0] = '\0';
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;

		x.line++;
		if (ended) {
			fail(&x, "text after end");
			goto err;
		}
		if (split(p, le, f, &nf) || nf == 0) {
			fail(&x, "empty field or line");
			goto err;
		}
		if (x.line == 1) {
			if (nf != 2 || !is(&f[0], MAGIC)) {
				fail(&x, "not a Verto session state");
				goto err;
			}
			if (!is(&f[1], "1")) {
				fail(&x, "unknown version");
				goto err;
			}
		} else if (x.line == 2) {
			if (!is(&f[0], "session")) {
				fail(&x, "session record wanted");
				goto err;
			}
			if (parse_session(&x, f, nf, st))
				goto err;
		} else if (is(&f[0], "end")) {
			if (nf != 1 || (st->ncalls && !(seen & SEEN_DLG))) {
				fail(&x, nf != 1 ? "end takes no field" : "call without dlg");
				goto err;
			}
			ended = 1;
		} else if (parse_record(&x, f, nf, st, &seen)) {
			goto err;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!ended) {
		x.line++;
		fail(&x, "no end");
		goto err;
	}
	return 0;
err:
	verto_state_clear(st);
	return -1;
}

/* -------------------------------------------------------------- claim */

verto_claim verto_state_claim(const char *owner, const char *self,
							  int known_here, const char *stored_login,
							  const char *login)
{
	if (!owner || !owner[0])
		return VERTO_CLAIM_NONE;
	if (login && (!stored_login || strcmp(stored_login, login) != 0))
		return VERTO_CLAIM_REFUSE;
	if (self && strcmp(owner, self) == 0)
		return VERTO_CLAIM_MINE;
	return known_here ? VERTO_CLAIM_LOST : VERTO_CLAIM_TAKE;
}

verto_claim verto_state_claim_live(verto_claim c, int owner_alive)
{
	return c == VERTO_CLAIM_TAKE && owner_alive ? VERTO_CLAIM_ALIVE : c;
}

const char *verto_claim_name(verto_claim c)
{
	static const char *const names[] = {
			[VERTO_CLAIM_NONE] = "none",	 [VERTO_CLAIM_MINE] = "mine",
			[VERTO_CLAIM_TAKE] = "take",	 [VERTO_CLAIM_LOST] = "lost",
			[VERTO_CLAIM_REFUSE] = "refuse", [VERTO_CLAIM_ALIVE] = "alive",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == VERTO_CLAIM_ALIVE + 1,
				   "claim names");
	return (unsigned)c <= VERTO_CLAIM_ALIVE ? names[c] : "?";
}

int verto_state_key(const char *prefix, const char *sessid, int owner,
					char *buf, size_t sz)
{
	int n;

	if (!sessid[0] || strpbrk(sessid, "{}") || strpbrk(prefix, "{}"))
		return -1;
	n = snprintf(buf, sz, "%s{%s}%s", prefix, sessid, owner ? ":owner" : "");
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

int verto_state_node_key(const char *prefix, const char *node, char *buf,
						 size_t sz)
{
	int n;

	if (!node[0] || strpbrk(node, "{}") || strpbrk(prefix, "{}"))
		return -1;
	n = snprintf(buf, sz, "%snode:{%s}", prefix, node);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

int verto_state_owner(const char *node, const char *inc, char *buf, size_t sz)
{
	int n;

	if (!node[0] || strlen(inc) != VERTO_STATE_INC_LEN ||
		strspn(inc, "0123456789abcdef") != VERTO_STATE_INC_LEN)
		return -1;
	n = snprintf(buf, sz, "%s#%s", node, inc);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

int verto_state_owner_split(const char *owner, char *node, size_t nodesz,
							const char **inc)
{
	const char *h = strrchr(owner, '#');
	size_t n = h ? (size_t)(h - owner) : strlen(owner);

	if (!n || n >= nodesz)
		return -1;
	memcpy(node, owner, n);
	node[n] = '\0';
	*inc = h ? h + 1 : "";
	return 0;
}

int verto_state_owner_alive(const char *inc, const char *beat)
{
	if (!beat)
		return 0;
	return !inc[0] || strcmp(inc, beat) == 0;
}
