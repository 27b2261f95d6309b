/*
 * hdrmed_disc.c - discovery table (pure C).
 */
#include <string.h>
#include <strings.h>

#include "hdrmed_disc.h"
#include "hdrmed_engine.h"
#include "hdrmed_known.h"
#include "hdrmed_param.h"

size_t hdrmed_disc_size(uint32_t max)
{
	return sizeof(struct hdrmed_disc) +
		   (size_t)max * 2 * sizeof(struct hdrmed_disc_entry);
}

void hdrmed_disc_init(struct hdrmed_disc *d, uint32_t max)
{
	memset(d, 0, hdrmed_disc_size(max));
	d->max = max;
	d->slots = max * 2;
}

static char lc(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static uint32_t hash(int kind, const char *h, int hl, const char *n, int nl)
{
	uint32_t x = 2166136261u ^ (uint32_t)kind;
	int i;

	for (i = 0; i < hl; i++)
		x = (x ^ (uint8_t)lc(h[i])) * 16777619u;
	x = (x ^ '/') * 16777619u;
	for (i = 0; i < nl; i++)
		x = (x ^ (uint8_t)lc(n[i])) * 16777619u;
	return x;
}

int hdrmed_disc_mask(char *dst, int maxlen, const char *src, int len)
{
	int i, j, run;

	if (len > maxlen)
		len = maxlen;
	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[len] = '\0';
	for (i = 0; i < len; i = j) {
		for (j = i; j < len && dst[j] >= '0' && dst[j] <= '9'; j++)
			;
		run = j - i;
		if (run >= 4)
			memset(dst + i, 'x', run);
		if (j == i)
			j++;
	}
	return len;
}

static void record(struct hdrmed_disc *d, int kind, const char *h, int hl,
				   const char *n, int nl, const char *v, int vl, int64_t now,
				   int sample_len)
{
	char hk[HDRMED_DISC_NAME], nk[HDRMED_DISC_NAME];
	struct hdrmed_disc_entry *e;
	uint32_t i, k;

	if (d->slots == 0)
		return;
	if (hl >= HDRMED_DISC_NAME)
		hl = HDRMED_DISC_NAME - 1;
	if (nl >= HDRMED_DISC_NAME)
		nl = HDRMED_DISC_NAME - 1;
	/* names are stored masked like samples: compare them that way */
	hdrmed_disc_mask(hk, hl, h, hl);
	hdrmed_disc_mask(nk, nl, n, nl);
	i = hash(kind, hk, hl, nk, nl) % d->slots;
	for (k = 0; k < d->slots; k++, i = (i + 1) % d->slots) {
		e = &d->e[i];
		if (e->kind == 0)
			break;
		if (e->kind == kind && strcasecmp(e->hdr, hk) == 0 &&
			strcasecmp(e->name, nk) == 0) {
			e->count++;
			return;
		}
	}
	if (k == d->slots || d->used >= d->max) {
		d->dropped++;
		return;
	}
	e->kind = (uint8_t)kind;
	memcpy(e->hdr, hk, hl + 1);
	memcpy(e->name, nk, nl + 1);
	e->unknown = kind == HDRMED_K_HEADER ? !hdrmed_known_header(h, hl)
										 : !hdrmed_known_param(n, nl);
	e->count = 1;
	e->first_seen = now;
	hdrmed_disc_mask(e->sample, sample_len, v, vl);
	d->used++;
}

static void params(struct hdrmed_disc *d, int kind, const char *h, int hl,
				   const char *r, int rlen, int64_t now, int sample_len)
{
	struct hdrmed_pspan p;
	int pos = 0;

	while (hdrmed_param_next(r, rlen, &pos, &p))
		record(d, kind, h, hl, r + p.name_s, p.name_e - p.name_s,
			   p.val_s >= 0 ? r + p.val_s : "",
			   p.val_s >= 0 ? p.val_e - p.val_s : 0, now, sample_len);
}

void hdrmed_disc_scan(struct hdrmed_disc *d, const struct hdrmed_msg *m,
					  int64_t now, int sample_len)
{
	struct hdrmed_elem el[HDRMED_MAX_ELEMS];
	const struct hdrmed_hdr *h;
	const char *name;
	int i, j, n, nl;

	if (sample_len > HDRMED_DISC_SAMPLE)
		sample_len = HDRMED_DISC_SAMPLE;
	if (sample_len < 0)
		sample_len = 0;
	d->messages++;
	for (i = 0; i < m->n; i++) {
		h = &m->h[i];
		name = hdrmed_compact_name(h->name, h->name_len);
		nl = name ? (int)strlen(name) : h->name_len;
		if (!name)
			name = h->name;
		record(d, HDRMED_K_HEADER, name, nl, "", 0, h->value, h->value_len, now,
			   sample_len);
		if (!hdrmed_engine_is_list(name, nl))
			continue;
		n = hdrmed_elems(h->value, h->value_len, 1, el, HDRMED_MAX_ELEMS);
		for (j = 0; j < n; j++) {
			if (el[j].opaque)
				continue;
			params(d, HDRMED_K_HPARAM, name, nl, h->value + el[j].hp_s,
				   el[j].e - el[j].hp_s, now, sample_len);
			if (el[j].is_uri && el[j].bracket)
				params(d, HDRMED_K_UPARAM, name, nl, h->value + el[j].up_s,
					   el[j].up_e - el[j].up_s, now, sample_len);
		}
	}
}
