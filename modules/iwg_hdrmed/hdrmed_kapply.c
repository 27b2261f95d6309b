/*
 * hdrmed_kapply.c - profile application to a sip_msg_t through lumps.
 */
#include <string.h>
#include <time.h>

#include "core/data_lump.h"
#include "core/dprint.h"
#include "core/ip_addr.h"
#include "core/mem/mem.h"
#include "core/pvar.h"

#include "hdrmed_buf.h"
#include "hdrmed_engine.h"
#include "hdrmed_kapply.h"
#include "hdrmed_msg.h"

struct hdrmed_kcfg hdrmed_kcfg = {48, ""};

/* pseudo-variable expansion hook of the engine (ARG is the sip_msg_t) */
static int expand_pv(void *arg, const char *in, int inlen, char *out, int size)
{
	str s = {(char *)in, inlen};
	pv_elem_t *el = NULL;
	int len = size;

	if (pv_parse_format(&s, &el) < 0) {
		LM_WARN("cannot parse '%.*s' as a format, used as written\n", inlen,
				in);
		return -1;
	}
	if (pv_printf((sip_msg_t *)arg, el, out, &len) < 0)
		len = -1;
	pv_elem_free_all(el);
	return len;
}

/* append "Name: value\r\n" of H to B */
static void render(struct hdrmed_buf *b, const struct hdrmed_hdr *h)
{
	hdrmed_buf_add(b, h->name, h->name_len);
	hdrmed_buf_add(b, ": ", 2);
	hdrmed_buf_add(b, h->value, h->value_len);
	hdrmed_buf_add(b, "\r\n", 2);
}

/* insert the bytes of B (copied to pkg memory, which the lump owns) after
 * or before L; an empty B inserts nothing */
static int insert(struct lump *l, struct hdrmed_buf *b, int after)
{
	char *s;

	if (b->err) {
		LM_ERR("out of memory\n");
		return -1;
	}
	if (b->len == 0)
		return 0;
	s = pkg_malloc(b->len);
	if (!s) {
		PKG_MEM_ERROR;
		return -1;
	}
	memcpy(s, b->s, b->len);
	l = after ? insert_new_lump_after(l, s, b->len, 0)
			  : insert_new_lump_before(l, s, b->len, 0);
	if (!l) {
		pkg_free(s);
		LM_ERR("cannot insert headers\n");
		return -1;
	}
	return 0;
}

/*
 * Turn the engine's marks into lumps: each run of adjacent deleted or
 * modified headers becomes one deletion plus one insertion of the new text
 * (fewer lumps: tm copies every lump per branch), new headers one insertion
 * before the end of the header section.
 */
static int to_lumps(sip_msg_t *msg, const struct hdrmed_msg *m)
{
	struct hdrmed_buf b = {0};
	struct lump *l;
	int i, j, end, rc = 0;

	for (i = 0; i < m->n && rc == 0; i = j + 1) {
		j = i;
		if (m->h[i].off < 0 || m->h[i].state == HDRMED_H_KEEP)
			continue;
		end = m->h[i].off + m->h[i].len;
		while (j + 1 < m->n && m->h[j + 1].off == end &&
			   m->h[j + 1].state != HDRMED_H_KEEP) {
			j++;
			end += m->h[j].len;
		}
		l = del_lump(msg, m->h[i].off, end - m->h[i].off, 0);
		if (!l) {
			LM_ERR("cannot delete headers at offset %d\n", m->h[i].off);
			rc = -1;
			break;
		}
		b.len = 0;
		for (; i <= j; i++)
			if (m->h[i].state == HDRMED_H_MOD)
				render(&b, &m->h[i]);
		rc = insert(l, &b, 1);
	}
	b.len = 0;
	for (i = 0; i < m->n && rc == 0; i++)
		if (m->h[i].state == HDRMED_H_NEW)
			render(&b, &m->h[i]);
	if (rc == 0 && b.len > 0) {
		l = anchor_lump(msg, m->hdrs_end, 0, 0);
		rc = l ? insert(l, &b, 0) : -1;
		if (!l)
			LM_ERR("cannot anchor new headers\n");
	}
	hdrmed_buf_free(&b);
	return rc;
}

int hdrmed_kapply(sip_msg_t *msg, struct hdrmed_profile *p, int dir)
{
	struct hdrmed_ctx ctx = {0};
	struct hdrmed_ruleset *rs = hdrmed_store_current(p);
	struct hdrmed_msg m;
	struct hdrmed_disc *disc;
	char err[128];
	int di = dir == HDRMED_DIR_IN ? 0 : 1, rc = -1;

	if (hdrmed_msg_parse(&m, msg->buf, (int)msg->len, err, sizeof(err)) < 0) {
		LM_ERR("profile %s: cannot parse the message: %s\n", p->name, err);
		__atomic_fetch_add(&p->sh->errors, 1, __ATOMIC_RELAXED);
		hdrmed_msg_free(&m);
		return -1;
	}
	disc = p->sh->disc[di];
	if (disc) {
		lock_get(&p->sh->dlock);
		hdrmed_disc_scan(disc, &m, (int64_t)time(NULL), hdrmed_kcfg.sample_len);
		lock_release(&p->sh->dlock);
	}
	ctx.dir = dir;
	ctx.src_ip = ip_addr2a(&msg->rcv.src_ip);
	ctx.expand = expand_pv;
	ctx.expand_arg = msg;
	ctx.icid_prefix = hdrmed_kcfg.icid_prefix;
	ctx.hits = p->version == __atomic_load_n(&p->sh->version, __ATOMIC_ACQUIRE)
					   ? p->sh->hits
					   : NULL;
	if (hdrmed_engine_apply(rs, &m, &ctx) < 0) {
		LM_ERR("profile %s: out of memory\n", p->name);
	} else if (!hdrmed_msg_changed(&m) || to_lumps(msg, &m) == 0) {
		rc = 1;
	}
	if (rc < 0)
		__atomic_fetch_add(&p->sh->errors, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&p->sh->applied[di], 1, __ATOMIC_RELAXED);
	hdrmed_msg_free(&m);
	return rc;
}
