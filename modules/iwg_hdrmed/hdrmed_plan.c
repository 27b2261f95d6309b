/*
 * hdrmed_plan.c - a mediated message's edits as few replacements (pure C).
 */
#include <stdlib.h>
#include <string.h>

#include "hdrmed_buf.h"
#include "hdrmed_plan.h"

/* append "Name: value\r\n" of H to B */
static void render(struct hdrmed_buf *b, const struct hdrmed_hdr *h)
{
	hdrmed_buf_add(b, h->name, h->name_len);
	hdrmed_buf_add(b, ": ", 2);
	hdrmed_buf_add(b, h->value, h->value_len);
	hdrmed_buf_add(b, "\r\n", 2);
}

/* the new headers rendered into B */
static void render_new(struct hdrmed_buf *b, const struct hdrmed_msg *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->h[i].state == HDRMED_H_NEW)
			render(b, &m->h[i]);
}

static int changed(const struct hdrmed_hdr *h)
{
	return h->off >= 0 && h->state != HDRMED_H_KEEP && h->state != HDRMED_H_NEW;
}

int hdrmed_plan_make(struct hdrmed_plan *p, const struct hdrmed_msg *m,
					 int free_from)
{
	struct hdrmed_buf b = {0};
	struct hdrmed_edit *e;
	int i, j, end, has_new = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < m->n; i++)
		has_new |= m->h[i].state == HDRMED_H_NEW;
	/* at most one edit per header, plus the insertion point */
	p->e = malloc((m->n + 1) * sizeof(*p->e));
	if (!p->e)
		return -1;
	for (i = 0; i < m->n; i = j + 1) {
		j = i;
		if (!changed(&m->h[i]))
			continue;
		end = m->h[i].off + m->h[i].len;
		while (j + 1 < m->n && changed(&m->h[j + 1]) &&
			   m->h[j + 1].off == end) {
			j++;
			end += m->h[j].len;
		}
		e = &p->e[p->n++];
		e->off = m->h[i].off;
		e->len = end - e->off;
		e->text = b.len;
		for (; i <= j; i++)
			if (m->h[i].state == HDRMED_H_MOD)
				render(&b, &m->h[i]);
		e->text_len = b.len - e->text;
	}
	if (has_new) {
		e = p->n > 0 ? &p->e[p->n - 1] : NULL;
		if (!e || e->off + e->len != m->hdrs_end || e->off < free_from) {
			e = &p->e[p->n++];
			e->off = m->hdrs_end;
			e->len = 0;
			e->text = b.len;
		}
		render_new(&b, m);
		e->text_len = b.len - e->text;
	}
	if (b.err) {
		hdrmed_buf_free(&b);
		hdrmed_plan_free(p);
		return -1;
	}
	p->text_len = b.len;
	p->text = hdrmed_buf_take(&b);
	return 0;
}

void hdrmed_plan_free(struct hdrmed_plan *p)
{
	free(p->e);
	free(p->text);
	memset(p, 0, sizeof(*p));
}
