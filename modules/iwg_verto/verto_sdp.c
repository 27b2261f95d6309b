/*
 * verto_sdp.c - SDP edits around rtpengine for the Verto client.
 * Contracts in verto_sdp.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp/sdp_line.h"
#include "verto_sdp.h"

#define MAX_LINES 4096

typedef struct sdp {
	sdp_line l[MAX_LINES];
	size_t n;
	size_t sec[VERTO_SDP_MAX_SECTIONS + 1]; /* first line of each m= */
	size_t nsec;
} sdp;

typedef struct out {
	char *s;
	size_t n, cap;
	int err;
} out;

static void put(out *o, const char *s, size_t n)
{
	char *ns;

	if (o->err)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 1024) + n;
		if (!(ns = realloc(o->s, cap))) {
			o->err = 1;
			return;
		}
		o->s = ns;
		o->cap = cap;
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = '\0';
}

static void put_line(out *o, const char *s, size_t n)
{
	put(o, s, n);
	put(o, "\r\n", 2);
}

static char *finish(out *o)
{
	if (o->err || !o->s) {
		free(o->s);
		return NULL;
	}
	return o->s;
}

/* split into lines (sdp_line_next: CRLF, LF or CR ends; empty lines
 * dropped); 0 or -1 when malformed */
static int split(const char *text, sdp *d)
{
	size_t pos = 0, len;
	sdp_line l;

	if (!text || strncmp(text, "v=", 2) != 0)
		return -1;
	len = strlen(text);
	d->n = d->nsec = 0;
	while (sdp_line_next(text, len, &pos, &l)) {
		if (!l.len)
			continue;
		if (d->n >= MAX_LINES)
			return -1;
		if (sdp_line_starts(&l, "m=")) {
			if (d->nsec >= VERTO_SDP_MAX_SECTIONS)
				return -1;
			d->sec[d->nsec++] = d->n;
		}
		d->l[d->n++] = l;
	}
	d->sec[d->nsec] = d->n;
	return 0;
}

static sdp *parse(const char *text)
{
	sdp *d = malloc(sizeof(*d));

	if (d && split(text, d)) {
		free(d);
		return NULL;
	}
	return d;
}

/* section i is audio */
static int is_audio(const sdp *d, size_t i)
{
	return sdp_line_starts(&d->l[d->sec[i]], "m=audio ");
}

static size_t session_end(const sdp *d)
{
	return d->nsec ? d->sec[0] : d->n;
}

/* a line of the browser's own that means nothing toward SIP */
static int browser_only(const sdp_line *l)
{
	return sdp_line_starts(l, "a=msid:") ||
		   sdp_line_starts(l, "a=msid-semantic:") ||
		   sdp_line_starts(l, "a=ssrc:") ||
		   sdp_line_starts(l, "a=ssrc-group:") ||
		   (sdp_line_starts(l, "a=extmap-allow-mixed") &&
			l->len == sizeof("a=extmap-allow-mixed") - 1);
}

/* text with CRLF line ends, without browser_only lines when clean */
static char *copy_lines(const char *text, int clean)
{
	sdp *d = parse(text);
	out o = {0};
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (!clean || !browser_only(&d->l[i]))
			put_line(&o, d->l[i].s, d->l[i].len);
	free(d);
	return finish(&o);
}

char *verto_sdp_crlf(const char *text)
{
	return copy_lines(text, 0);
}

char *verto_sdp_clean(const char *text)
{
	return copy_lines(text, 1);
}

char *verto_sdp_audio_only(const char *offer)
{
	sdp *d = parse(offer);
	out o = {0};
	size_t i, j, kept = 0;

	if (!d)
		return NULL;
	for (i = 0; i < session_end(d); i++)
		if (!sdp_line_starts(&d->l[i], "a=group:"))
			put_line(&o, d->l[i].s, d->l[i].len);
	for (i = 0; i < d->nsec; i++) {
		if (!is_audio(d, i))
			continue;
		kept++;
		for (j = d->sec[i]; j < d->sec[i + 1]; j++)
			put_line(&o, d->l[j].s, d->l[j].len);
	}
	free(d);
	if (!kept) {
		free(o.s);
		return NULL;
	}
	return finish(&o);
}

/* "m=<media> 0 <proto> <fmt>" and a=mid of offer section i */
static void put_rejected(out *o, const sdp *d, size_t i)
{
	const sdp_line *m = &d->l[d->sec[i]];
	const char *p = m->s, *end = m->s + m->len, *w[4];
	size_t wl[4], k = 0, j;

	/* the first four words: media, port, proto, first format */
	while (p < end && k < 4) {
		while (p < end && *p == ' ')
			p++;
		w[k] = p;
		while (p < end && *p != ' ')
			p++;
		wl[k] = (size_t)(p - w[k]);
		if (wl[k])
			k++;
	}
	if (k < 3)
		return; /* not an m-line we can mirror */
	put(o, w[0], wl[0]);
	put(o, " 0 ", 3);
	put(o, w[2], wl[2]);
	put(o, " ", 1);
	if (k == 4)
		put(o, w[3], wl[3]);
	else
		put(o, "0", 1);
	put(o, "\r\n", 2);
	for (j = d->sec[i] + 1; j < d->sec[i + 1]; j++)
		if (sdp_line_starts(&d->l[j], "a=mid:"))
			put_line(o, d->l[j].s, d->l[j].len);
}

char *verto_sdp_align(const char *offer, const char *answer)
{
	sdp *o_ = parse(offer), *a = parse(answer);
	out o = {0};
	size_t i, j, next = 0;

	if (!o_ || !a) {
		free(o_);
		free(a);
		return NULL;
	}
	for (i = 0; i < session_end(a); i++)
		put_line(&o, a->l[i].s, a->l[i].len);
	for (i = 0; i < o_->nsec; i++) {
		if (is_audio(o_, i) && next < a->nsec) {
			for (j = a->sec[next]; j < a->sec[next + 1]; j++)
				put_line(&o, a->l[j].s, a->l[j].len);
			next++;
		} else {
			put_rejected(&o, o_, i);
		}
	}
	free(o_);
	free(a);
	return finish(&o);
}

static int is_dir(const sdp_line *l)
{
	return sdp_line_starts(l, "a=sendrecv") ||
		   sdp_line_starts(l, "a=sendonly") ||
		   sdp_line_starts(l, "a=recvonly") || sdp_line_starts(l, "a=inactive");
}

/* the o= line with its version (third field) plus one */
static void put_origin(out *o, const sdp_line *l)
{
	const char *p = l->s, *end = l->s + l->len, *v = NULL, *ve;
	unsigned long long ver = 0;
	char num[24];
	int field = 0;

	for (; p < end && field < 2; p++)
		if (*p == ' ')
			field++;
	v = p;
	for (ve = v; ve < end && *ve >= '0' && *ve <= '9' && ve - v < 18; ve++)
		ver = ver * 10 + (unsigned long long)(*ve - '0');
	if (field < 2 || ve == v || ve >= end || *ve != ' ') {
		put_line(o, l->s, l->len); /* not the usual shape: keep it */
		return;
	}
	put(o, l->s, (size_t)(v - l->s));
	snprintf(num, sizeof(num), "%llu", ver + 1);
	put(o, num, strlen(num));
	put_line(o, ve, (size_t)(end - ve));
}

char *verto_sdp_reoffer(const char *text, const char *dir)
{
	sdp *d = parse(text);
	out o = {0};
	size_t i, j;

	if (!d)
		return NULL;
	for (i = 0; i < session_end(d); i++) {
		if (sdp_line_starts(&d->l[i], "o="))
			put_origin(&o, &d->l[i]);
		else if (!is_dir(&d->l[i]))
			put_line(&o, d->l[i].s, d->l[i].len);
	}
	for (i = 0; i < d->nsec; i++) {
		for (j = d->sec[i]; j < d->sec[i + 1]; j++)
			if (!is_dir(&d->l[j]))
				put_line(&o, d->l[j].s, d->l[j].len);
		put(&o, "a=", 2);
		put_line(&o, dir, strlen(dir));
	}
	free(d);
	return finish(&o);
}

/* "sendrecv", ... of a direction line, else NULL */
static const char *dir_of(const sdp_line *l)
{
	static const char *const dirs[] = {"sendrecv", "sendonly", "recvonly",
									   "inactive"};
	size_t k;

	for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		if (l->len == 2 + strlen(dirs[k]) && sdp_line_starts(l, "a=") &&
			memcmp(l->s + 2, dirs[k], l->len - 2) == 0)
			return dirs[k];
	return NULL;
}

const char *verto_sdp_direction(const char *text)
{
	sdp *d = parse(text);
	const char *dir = NULL, *sess = NULL;
	size_t i, j;
	int audio = 0;

	if (!d)
		return NULL;
	for (i = 0; i < session_end(d) && !sess; i++)
		sess = dir_of(&d->l[i]);
	for (i = 0; i < d->nsec && !audio; i++) {
		if (!is_audio(d, i))
			continue;
		audio = 1;
		for (j = d->sec[i] + 1; j < d->sec[i + 1] && !dir; j++)
			dir = dir_of(&d->l[j]);
	}
	free(d);
	if (!audio)
		return NULL;
	return dir ? dir : sess ? sess : "sendrecv";
}

const char *verto_sdp_answer_dir(const char *offer_dir, int held)
{
	if (offer_dir && strcmp(offer_dir, "inactive") == 0)
		return "inactive";
	if (offer_dir && strcmp(offer_dir, "sendonly") == 0)
		return held ? "inactive" : "recvonly";
	if (offer_dir && strcmp(offer_dir, "recvonly") == 0)
		return "sendonly";
	return held ? "sendonly" : "sendrecv";
}

/* the lines of a and b are the same, o= lines aside */
static int same_but_origin(const sdp *a, const sdp *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (sdp_line_starts(&a->l[i], "o=") && sdp_line_starts(&b->l[i], "o="))
			continue;
		if (a->l[i].len != b->l[i].len ||
			memcmp(a->l[i].s, b->l[i].s, a->l[i].len) != 0)
			return 0;
	}
	return 1;
}

/* the o= line of d, or NULL */
static const sdp_line *origin_of(const sdp *d)
{
	size_t i;

	for (i = 0; i < session_end(d); i++)
		if (sdp_line_starts(&d->l[i], "o="))
			return &d->l[i];
	return NULL;
}

char *verto_sdp_next(const char *prev, const char *next, const char *dir)
{
	char *body = verto_sdp_reoffer(next ? next : prev, dir), *res;
	sdp *p = NULL, *b = NULL;
	const sdp_line *po;
	out o = {0};
	size_t i;
	int changed;

	/* verto_sdp_reoffer bumped the version of next's o=: replaced below */
	if (!body || !prev)
		return body;
	p = parse(prev);
	b = parse(body);
	if (!p || !b || !(po = origin_of(p))) {
		free(p);
		free(b);
		free(body);
		return NULL;
	}
	changed = !same_but_origin(p, b);
	for (i = 0; i < b->n; i++) {
		if (!sdp_line_starts(&b->l[i], "o="))
			put_line(&o, b->l[i].s, b->l[i].len);
		else if (changed)
			put_origin(&o, po);
		else
			put_line(&o, po->s, po->len);
	}
	free(p);
	free(b);
	res = finish(&o);
	free(body);
	return res;
}

/* a line that says where media goes: c= or m= */
static int media_line(const sdp_line *l)
{
	return sdp_line_starts(l, "c=") || sdp_line_starts(l, "m=");
}

int verto_sdp_same_media(const char *a, const char *b)
{
	sdp *x = parse(a), *y = parse(b);
	size_t i = 0, j = 0;
	int same = -1;

	if (!x || !y)
		goto out;
	for (;;) {
		while (i < x->n && !media_line(&x->l[i]))
			i++;
		while (j < y->n && !media_line(&y->l[j]))
			j++;
		if (i == x->n || j == y->n) {
			same = i == x->n && j == y->n;
			break;
		}
		if (x->l[i].len != y->l[j].len ||
			memcmp(x->l[i].s, y->l[j].s, x->l[i].len) != 0) {
			same = 0;
			break;
		}
		i++;
		j++;
	}
out:
	free(x);
	free(y);
	return same;
}
