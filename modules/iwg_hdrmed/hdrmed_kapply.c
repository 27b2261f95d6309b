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

#include "hdrmed_engine.h"
#include "hdrmed_kapply.h"
#include "hdrmed_msg.h"
#include "hdrmed_plan.h"

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

/*
 * The offset from which no lump made before this call edits the header
 * section of MSG (one past the last such lump; HDRS_END + 1 when a lump
 * without an offset is there), so that the plan may put the new headers
 * after a run of its own only when nothing else lies between.
 */
static int free_from(sip_msg_t *msg, int hdrs_end)
{
	struct lump *l;
	int from = 0;

	for (l = msg->add_rm; l; l = l->next) {
		if (l->op != LUMP_DEL && l->op != LUMP_NOP)
			return hdrs_end + 1;
		if (l->u.offset <= hdrs_end && l->u.offset + 1 > from)
			from = (int)l->u.offset + 1;
	}
	return from;
}

/*
 * Turn the engine's marks into lumps (hdrmed_plan.h): one deletion or
 * anchor per edit with one insertion of its text. All the texts are one
 * pkg block, owned by the first insertion; the others point into it and
 * are flagged LUMPFLAG_DUPED, so that freeing the lumps frees it once.
 */
static int to_lumps(sip_msg_t *msg, const struct hdrmed_msg *m)
{
	struct hdrmed_plan p;
	struct hdrmed_edit *e;
	struct lump *l, *a;
	char *text = NULL;
	int i, owned = 0, rc = -1;

	if (hdrmed_plan_make(&p, m, free_from(msg, m->hdrs_end)) < 0) {
		LM_ERR("out of memory\n");
		return -1;
	}
	if (p.text_len > 0 && !(text = pkg_malloc(p.text_len))) {
		PKG_MEM_ERROR;
		goto out;
	}
	if (text)
		memcpy(text, p.text, p.text_len);
	for (i = 0; i < p.n; i++) {
		e = &p.e[i];
		l = e->len ? del_lump(msg, e->off, e->len, 0)
				   : anchor_lump(msg, e->off, 0, 0);
		if (!l) {
			LM_ERR("cannot edit headers at offset %d\n", e->off);
			goto out;
		}
		if (e->text_len == 0)
			continue;
		a = e->len ? insert_new_lump_after(l, text + e->text, e->text_len, 0)
				   : insert_new_lump_before(l, text + e->text, e->text_len, 0);
		if (!a) {
			LM_ERR("cannot insert headers\n");
			goto out;
		}
		if (e->text == 0)
			owned = 1;
		else
			a->flags |= LUMPFLAG_DUPED;
	}
	rc = 0;
out:
	if (text && !owned)
		pkg_free(text);
	hdrmed_plan_free(&p);
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
