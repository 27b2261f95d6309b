/*
 * verto_ngflags.c - media profile flag words -> rtpengine NG members.
 * Contracts in verto_ngflags.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verto_ngflags.h"

typedef struct word {
	const char *s;
	size_t n;
} word;

/* list-valued members, in output order */
enum {
	L_FLAGS = 0,
	L_REPLACE,
	L_SDES,
	L_T38,
	L_RTCP_MUX,
	L_DIRECTION,
	L_COUNT
};
static const char *const list_keys[L_COUNT] = {
		[L_FLAGS] = "flags",	   [L_REPLACE] = "replace",
		[L_SDES] = "SDES",		   [L_T38] = "T38",
		[L_RTCP_MUX] = "rtcp-mux", [L_DIRECTION] = "direction",
};

/* word prefixes of list entries: "replace-origin" -> replace: [origin] */
static const struct {
	const char *prefix;
	int list;
} list_prefixes[] = {
		{"replace", L_REPLACE}, {"SDES", L_SDES},		  {"T38", L_T38},
		{"T.38", L_T38},		{"rtcp-mux", L_RTCP_MUX},
};

/* codec sub-lists: "codec-mask-all" -> codec: {mask: [all]} */
enum { C_TRANSCODE = 0, C_STRIP, C_OFFER, C_MASK, C_SET, C_EXCEPT, C_COUNT };
static const struct {
	const char *prefix, *prefix2, *key;
} codec_prefixes[C_COUNT] = {
		[C_TRANSCODE] = {"transcode", "codec-transcode", "transcode"},
		[C_STRIP] = {"codec-strip", NULL, "strip"},
		[C_OFFER] = {"codec-offer", NULL, "offer"},
		[C_MASK] = {"codec-mask", NULL, "mask"},
		[C_SET] = {"codec-set", NULL, "set"},
		[C_EXCEPT] = {"codec-except", NULL, "except"},
};

/* words iwg_verto sets itself */
static const char *const reserved[] = {"call-id", "from-tag", "to-tag",
									   "via-branch", "force-answer"};

/* transport-protocol by the bits Kamailio keeps (0x100: set) */
static const char *const transports[8] = {
		[0] = "RTP/AVP",   [1] = "RTP/SAVP",		 [2] = "RTP/AVPF",
		[3] = "RTP/SAVPF", [4] = "UDP/TLS/RTP/SAVP", [6] = "UDP/TLS/RTP/SAVPF",
};

typedef struct parsed {
	word list[L_COUNT][VERTO_NGFLAGS_MAX];
	unsigned nlist[L_COUNT];
	word codec[C_COUNT][VERTO_NGFLAGS_MAX];
	unsigned ncodec[C_COUNT];
	word key[VERTO_NGFLAGS_MAX], val[VERTO_NGFLAGS_MAX];
	unsigned nkv;
	unsigned transport;
} parsed;

static int eq(word w, const char *s)
{
	return w.n == strlen(s) && memcmp(w.s, s, w.n) == 0;
}

/* key is "q" with a value (out = value), or "q-rest" (out = rest) */
static int key_val_prefix(word key, word val, const char *q, word *out)
{
	size_t ql = strlen(q);

	if (eq(key, q)) {
		if (!val.s || !val.n)
			return 0;
		*out = val;
		return 1;
	}
	if (key.n < ql + 2 || memcmp(key.s, q, ql) != 0 || key.s[ql] != '-')
		return 0;
	out->s = key.s + ql + 1;
	out->n = key.n - ql - 1;
	return 1;
}

static int fail(char *err, size_t errsz, unsigned idx, word w, const char *fmt,
				...)
{
	va_list ap;
	int n;

	n = snprintf(err, errsz, "word %u '%.*s': ", idx,
				 (int)(w.n > 64 ? 64 : w.n), w.s);
	if (n < 0 || (size_t)n >= errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* transport words; 1 when w was one */
static int transport_word(word key, word val, unsigned *t)
{
	static const struct {
		const char *w;
		unsigned set, clear, replace;
	} tw[] = {
			{"RTP", 0x100, 0x001, 0},
			{"AVP", 0x100, 0x002, 0},
			{"SRTP", 0x101, 0, 0},
			{"AVPF", 0x102, 0, 0},
			{"DTLS", 0x104, 0, 0},
			{"RTP/AVP", 0, 0, 0x100},
			{"RTP/AVPF", 0, 0, 0x102},
			{"RTP/SAVP", 0, 0, 0x101},
			{"RTP/SAVPF", 0, 0, 0x103},
			{"UDP/TLS/RTP/SAVP", 0, 0, 0x104},
			{"UDP/TLS/RTP/SAVPF", 0, 0, 0x106},
	};
	size_t i;

	if (val.s)
		return 0;
	for (i = 0; i < sizeof(tw) / sizeof(tw[0]); i++) {
		if (!eq(key, tw[i].w))
			continue;
		if (tw[i].replace)
			*t = tw[i].replace;
		else
			*t = (*t | tw[i].set) & ~tw[i].clear;
		return 1;
	}
	return 0;
}

static int add(word *arr, unsigned *n, word w)
{
	if (*n >= VERTO_NGFLAGS_MAX)
		return -1;
	arr[(*n)++] = w;
	return 0;
}

static int classify(parsed *p, unsigned idx, word key, word val, char *err,
					size_t errsz)
{
	word w = {key.s, val.s ? (size_t)(val.s + val.n - key.s) : key.n};
	word s;
	size_t i;

	if (memchr(w.s, '$', w.n))
		return fail(err, errsz, idx, w,
					"pseudo-variables cannot be used by iwg_verto");
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (eq(key, reserved[i]))
			return fail(err, errsz, idx, w, "set by iwg_verto");
	if (!key.n || (val.s && !val.n))
		return fail(err, errsz, idx, w, "empty key or value");
	for (i = 0; i < sizeof(list_prefixes) / sizeof(list_prefixes[0]); i++) {
		if (key_val_prefix(key, val, list_prefixes[i].prefix, &s)) {
			int l = list_prefixes[i].list;
			return add(p->list[l], &p->nlist[l], s);
		}
	}
	for (i = 0; i < C_COUNT; i++) {
		if (key_val_prefix(key, val, codec_prefixes[i].prefix, &s) ||
			(codec_prefixes[i].prefix2 &&
			 key_val_prefix(key, val, codec_prefixes[i].prefix2, &s)))
			return add(p->codec[i], &p->ncodec[i], s);
	}
	if (transport_word(key, val, &p->transport))
		return 0;
	if (eq(key, "direction") && val.s)
		return add(p->list[L_DIRECTION], &p->nlist[L_DIRECTION], val);
	if ((eq(key, "internal") || eq(key, "external")) && !val.s)
		return add(p->list[L_DIRECTION], &p->nlist[L_DIRECTION], key);
	if (!val.s)
		return add(p->list[L_FLAGS], &p->nlist[L_FLAGS], key);
	if (eq(key, "flags") || eq(key, "codec") || eq(key, "transport-protocol"))
		return fail(err, errsz, idx, w, "'%.*s' is built from other words",
					(int)key.n, key.s);
	if (p->nkv >= VERTO_NGFLAGS_MAX)
		return -1;
	for (i = 0; i < p->nkv; i++)
		if (p->key[i].n == key.n && memcmp(p->key[i].s, key.s, key.n) == 0)
			return fail(err, errsz, idx, w, "key given twice");
	p->key[p->nkv] = key;
	p->val[p->nkv++] = val;
	return 0;
}

static int parse(parsed *p, const char *flags, char *err, size_t errsz)
{
	const char *c = flags ? flags : "";
	unsigned idx = 0;

	memset(p, 0, sizeof(*p));
	if (errsz)
		err[0] = '\0';
	for (;;) {
		word key = {NULL, 0}, val = {NULL, 0};
		const char *e;

		while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
			c++;
		if (!*c)
			return 0;
		idx++;
		for (e = c; *e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r';
			 e++)
			;
		key.s = c;
		key.n = (size_t)(e - c);
		const char *eqs = memchr(c, '=', key.n);
		if (eqs) {
			val.s = eqs + 1;
			val.n = (size_t)(e - val.s);
			key.n = (size_t)(eqs - c);
		}
		if (classify(p, idx, key, val, err, errsz)) {
			if (errsz && !err[0])
				fail(err, errsz, idx, (word){c, (size_t)(e - c)},
					 "too many words");
			return -1;
		}
		c = e;
	}
}

static void put_list(bencode_buf *b, const char *key, const word *w, unsigned n)
{
	unsigned i;

	if (!n)
		return;
	bencode_dict_add_list(b, key);
	for (i = 0; i < n; i++)
		bencode_put_str(b, w[i].s, w[i].n);
	bencode_end(b);
}

int verto_ngflags_check(const char *flags, char *err, size_t errsz)
{
	parsed *p = malloc(sizeof(*p));
	int rc;

	if (!p) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = parse(p, flags, err, errsz);
	free(p);
	return rc;
}

int verto_ngflags_encode(const char *flags, bencode_buf *b, char *err,
						 size_t errsz)
{
	parsed *p = malloc(sizeof(*p));
	unsigned i, ncodec = 0;
	char key[256];

	if (!p) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (parse(p, flags, err, errsz)) {
		free(p);
		return -1;
	}
	for (i = 0; i < p->nkv; i++) {
		snprintf(key, sizeof(key), "%.*s", (int)p->key[i].n, p->key[i].s);
		bencode_dict_add_strn(b, key, p->val[i].s, p->val[i].n);
	}
	if ((p->transport & 0x100) && transports[p->transport & 0x7])
		bencode_dict_add_str(b, "transport-protocol",
							 transports[p->transport & 0x7]);
	for (i = 0; i < L_COUNT; i++)
		put_list(b, list_keys[i], p->list[i], p->nlist[i]);
	for (i = 0; i < C_COUNT; i++)
		ncodec += p->ncodec[i];
	if (ncodec) {
		bencode_dict_add_dict(b, "codec");
		for (i = 0; i < C_COUNT; i++)
			put_list(b, codec_prefixes[i].key, p->codec[i], p->ncodec[i]);
		bencode_end(b);
	}
	free(p);
	if (b->err) {
		snprintf(err, errsz, "encoding: %s", b->errstr);
		return -1;
	}
	return 0;
}
