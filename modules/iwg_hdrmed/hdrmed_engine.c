/*
 * hdrmed_engine.c - rule evaluation and actions (pure C).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hdrmed_buf.h"
#include "hdrmed_engine.h"
#include "hdrmed_param.h"

#define TMP_SIZE 1024

/* headers whose commas are not list separators */
static const char *const not_lists[] = {"Date",
										"Authorization",
										"Proxy-Authorization",
										"WWW-Authenticate",
										"Proxy-Authenticate",
										"Authentication-Info",
										"User-Agent",
										"Server",
										"Subject",
										"Organization",
										"Retry-After",
										"Expires",
										"Timestamp",
										"Call-ID",
										"CSeq",
										NULL};

#define N_NOT_LISTS (sizeof(not_lists) / sizeof(not_lists[0]) - 1)

int hdrmed_engine_is_list(const char *name, int len)
{
	static unsigned keys[N_NOT_LISTS];
	static int have_keys;
	unsigned key = hdrmed_name_key(name, len);
	size_t i;

	if (!have_keys) {
		for (i = 0; i < N_NOT_LISTS; i++)
			keys[i] = hdrmed_name_key(not_lists[i], (int)strlen(not_lists[i]));
		have_keys = 1;
	}
	for (i = 0; i < N_NOT_LISTS; i++)
		if (keys[i] == key &&
			hdrmed_name_eq(name, len, not_lists[i], (int)strlen(not_lists[i])))
			return 0;
	return 1;
}

int hdrmed_engine_icid(char *out, int size, const char *prefix)
{
	static unsigned long counter;
	struct timespec ts;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(out, size, "%s%lx%05lx%x%lx", prefix ? prefix : "",
				 (unsigned long)ts.tv_sec, (unsigned long)(ts.tv_nsec / 10000),
				 (unsigned)getpid(), ++counter);
	return n < size ? n : size - 1;
}

/* NUL-terminated copy of S[0..LEN): in BUF when it fits, else malloc'd
 * into *HEAP (freed by the caller); NULL when out of memory */
static const char *cstr(const char *s, int len, char *buf, int size,
						char **heap)
{
	*heap = NULL;
	if (len < size) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		return buf;
	}
	return *heap = hdrmed_strndup(s, len);
}

static void value_of(const struct hdrmed_ctx *ctx, const struct hdrmed_val *v,
					 char *tmp, const char **s, int *len)
{
	int n;

	*s = v->s;
	*len = v->len;
	if (v->has_pv && ctx->expand) {
		n = ctx->expand(ctx->expand_arg, v->s, v->len, tmp, TMP_SIZE);
		if (n >= 0 && n < TMP_SIZE) {
			*s = tmp;
			*len = n;
		}
	}
}

static int re_match_value(const regex_t *re, const char *v, int len)
{
	char buf[TMP_SIZE], *heap;
	const char *s = cstr(v, len, buf, sizeof(buf), &heap);
	int rc;

	if (!s)
		return 0;
	rc = regexec(re, s, 0, NULL, 0) == 0;
	free(heap);
	return rc;
}

static int list_has(char *const *list, int n, const char *s, int len)
{
	int i;

	for (i = 0; i < n; i++)
		if ((int)strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

static int status_match(char *const *list, int n, int status)
{
	char d[3] = {(char)('0' + status / 100), (char)('0' + status / 10 % 10),
				 (char)('0' + status % 10)};
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 3; j++)
			if (list[i][j] != 'x' && list[i][j] != d[j])
				break;
		if (j == 3)
			return 1;
	}
	return 0;
}

static int cond_true(const struct hdrmed_ruleset *rs,
					 const struct hdrmed_cond *k, const struct hdrmed_msg *m,
					 const struct hdrmed_ctx *ctx)
{
	int r = 0, i;

	switch (k->type) {
	case HDRMED_C_METHOD:
		r = m->method && list_has(k->list, k->nlist, m->method, m->method_len);
		break;
	case HDRMED_C_REQUEST:
		r = m->is_request;
		break;
	case HDRMED_C_REPLY:
		r = !m->is_request;
		break;
	case HDRMED_C_STATUS:
		r = !m->is_request && status_match(k->list, k->nlist, m->status);
		break;
	case HDRMED_C_HAS:
		r = hdrmed_msg_find(m, k->hdr, (int)strlen(k->hdr), 0) >= 0;
		break;
	case HDRMED_C_MATCH:
		for (i = hdrmed_msg_find(m, k->hdr, (int)strlen(k->hdr), 0);
			 i >= 0 && !r;
			 i = hdrmed_msg_find(m, k->hdr, (int)strlen(k->hdr), i + 1))
			r = re_match_value(&k->re, m->h[i].value, m->h[i].value_len);
		break;
	case HDRMED_C_TRUSTED:
		r = hdrmed_rules_trusted(rs, ctx->src_ip);
		break;
	}
	return k->neg ? !r : r;
}

static int add_hdr(struct hdrmed_msg *m, const char *name, const char *v,
				   int vlen)
{
	return hdrmed_msg_add(m, name, (int)strlen(name), v, vlen) ? 0 : -1;
}

/* SET: replace every instance (or add one), REPLACE: only present ones */
static int set_all(struct hdrmed_msg *m, const char *name, const char *v,
				   int vlen, int add_missing)
{
	int nlen = (int)strlen(name), i, seen = 0;

	for (i = hdrmed_msg_find(m, name, nlen, 0); i >= 0;
		 i = hdrmed_msg_find(m, name, nlen, i + 1)) {
		seen = 1;
		if (m->h[i].value_len == vlen && memcmp(m->h[i].value, v, vlen) == 0)
			continue;
		if (hdrmed_hdr_set_value(&m->h[i], v, vlen) < 0)
			return -1;
	}
	if (!seen && add_missing)
		return add_hdr(m, name, v, vlen);
	return 0;
}

static void remove_all(struct hdrmed_msg *m, const char *name)
{
	int nlen = (int)strlen(name), i;

	for (i = hdrmed_msg_find(m, name, nlen, 0); i >= 0;
		 i = hdrmed_msg_find(m, name, nlen, i + 1))
		m->h[i].state = HDRMED_H_DEL;
}

/* parameter edit on every element of one header */
static int param_one(struct hdrmed_hdr *h, int uriparam, enum hdrmed_pop op,
					 const char *pn, const char *pv)
{
	struct hdrmed_elem el[HDRMED_MAX_ELEMS];
	struct hdrmed_buf b = {0};
	const char *v = h->value;
	int n, i, at = 0, changed = 0, rc;

	n = hdrmed_elems(v, h->value_len,
					 hdrmed_engine_is_list(h->name, h->name_len), el,
					 HDRMED_MAX_ELEMS);
	for (i = 0; i < n; i++) {
		if (el[i].e - el[i].s == 1 && v[el[i].s] == '*')
			continue; /* Contact: * */
		hdrmed_buf_add(&b, v + at, el[i].s - at);
		rc = hdrmed_elem_edit(v, &el[i], uriparam, op, pn, (int)strlen(pn), pv,
							  pv ? (int)strlen(pv) : 0, &b);
		if (rc < 0)
			hdrmed_buf_add(&b, v + el[i].s, el[i].e - el[i].s);
		changed |= rc > 0;
		at = el[i].e;
	}
	hdrmed_buf_add(&b, v + at, h->value_len - at);
	rc = 0;
	if (b.err)
		rc = -1;
	else if (changed)
		rc = hdrmed_hdr_set_value(h, b.s, b.len);
	hdrmed_buf_free(&b);
	return rc;
}

static int param_all(struct hdrmed_msg *m, const char *name, int uriparam,
					 enum hdrmed_pop op, const char *pn, const char *pv)
{
	int nlen = (int)strlen(name), i;

	for (i = hdrmed_msg_find(m, name, nlen, 0); i >= 0;
		 i = hdrmed_msg_find(m, name, nlen, i + 1))
		if (param_one(&m->h[i], uriparam, op, pn, pv) < 0)
			return -1;
	return 0;
}

/* replace the first match of RE in H's value by REPL with \0..\9 */
static int rewrite_one(struct hdrmed_hdr *h, const regex_t *re,
					   const char *repl, int rlen)
{
	char buf[TMP_SIZE], *heap;
	const char *s = cstr(h->value, h->value_len, buf, sizeof(buf), &heap);
	regmatch_t mt[10];
	struct hdrmed_buf b = {0};
	int i, g, rc = 0;

	if (!s)
		return -1;
	if (regexec(re, s, 10, mt, 0) != 0 || mt[0].rm_so < 0)
		goto out;
	hdrmed_buf_add(&b, s, (int)mt[0].rm_so);
	for (i = 0; i < rlen; i++) {
		if (repl[i] == '\\' && i + 1 < rlen && repl[i + 1] >= '0' &&
			repl[i + 1] <= '9') {
			g = repl[++i] - '0';
			if (mt[g].rm_so >= 0)
				hdrmed_buf_add(&b, s + mt[g].rm_so,
							   (int)(mt[g].rm_eo - mt[g].rm_so));
		} else if (repl[i] == '\\' && i + 1 < rlen && repl[i + 1] == '\\') {
			hdrmed_buf_addc(&b, repl[++i]);
		} else {
			hdrmed_buf_addc(&b, repl[i]);
		}
	}
	hdrmed_buf_add(&b, s + mt[0].rm_eo, h->value_len - (int)mt[0].rm_eo);
	if (b.err)
		rc = -1;
	else if (b.len != h->value_len || memcmp(b.s, h->value, b.len) != 0)
		rc = hdrmed_hdr_set_value(h, b.s, b.len);
	hdrmed_buf_free(&b);
out:
	free(heap);
	return rc;
}

static int do_pcv(struct hdrmed_msg *m, const struct hdrmed_rule *r,
				  const struct hdrmed_ctx *ctx)
{
	static const char pcv[] = "P-Charging-Vector";
	char v[256];
	int i = hdrmed_msg_find(m, pcv, sizeof(pcv) - 1, 0), n;

	if (!m->is_request) {
		if (i >= 0 && r->term_ioi)
			return param_one(&m->h[i], 0, HDRMED_POP_ADD, "term-ioi",
							 r->term_ioi);
		return 0;
	}
	if (i >= 0)
		return r->orig_ioi ? param_one(&m->h[i], 0, HDRMED_POP_ADD, "orig-ioi",
									   r->orig_ioi)
						   : 0;
	n = snprintf(v, sizeof(v), "icid-value=");
	n += hdrmed_engine_icid(v + n, (int)sizeof(v) - n, ctx->icid_prefix);
	if (r->orig_ioi)
		n += snprintf(v + n, sizeof(v) - n, ";orig-ioi=%s", r->orig_ioi);
	if (n >= (int)sizeof(v))
		n = (int)sizeof(v) - 1;
	return add_hdr(m, pcv, v, n);
}

static int do_strip(const struct hdrmed_ruleset *rs, struct hdrmed_msg *m,
					const struct hdrmed_rule *r, const struct hdrmed_ctx *ctx)
{
	int i;

	if (hdrmed_rules_trusted(rs, ctx->src_ip))
		return 0;
	if (r->nlist == 0)
		for (i = 0; hdrmed_trust_headers[i]; i++)
			remove_all(m, hdrmed_trust_headers[i]);
	for (i = 0; i < r->nlist; i++)
		remove_all(m, r->list[i]);
	return 0;
}

static int act(const struct hdrmed_ruleset *rs, const struct hdrmed_rule *r,
			   struct hdrmed_msg *m, const struct hdrmed_ctx *ctx)
{
	char tmp[TMP_SIZE];
	const char *v;
	int vlen, i, nlen;

	value_of(ctx, &r->val, tmp, &v, &vlen);
	switch (r->act) {
	case HDRMED_A_ADD:
		return add_hdr(m, r->hdr, v, vlen);
	case HDRMED_A_ADD_ABSENT:
		if (hdrmed_msg_find(m, r->hdr, (int)strlen(r->hdr), 0) >= 0)
			return 0;
		return add_hdr(m, r->hdr, v, vlen);
	case HDRMED_A_REMOVE:
		remove_all(m, r->hdr);
		return 0;
	case HDRMED_A_RENAME:
		nlen = (int)strlen(r->hdr);
		for (i = hdrmed_msg_find(m, r->hdr, nlen, 0); i >= 0;
			 i = hdrmed_msg_find(m, r->hdr, nlen, i + 1))
			if (hdrmed_hdr_set_name(&m->h[i], r->hdr2, (int)strlen(r->hdr2)) <
				0)
				return -1;
		return 0;
	case HDRMED_A_SET:
		return set_all(m, r->hdr, v, vlen, 1);
	case HDRMED_A_REPLACE:
		return set_all(m, r->hdr, v, vlen, 0);
	case HDRMED_A_REWRITE:
		nlen = (int)strlen(r->hdr);
		for (i = hdrmed_msg_find(m, r->hdr, nlen, 0); i >= 0;
			 i = hdrmed_msg_find(m, r->hdr, nlen, i + 1))
			if (rewrite_one(&m->h[i], &r->re, v, vlen) < 0)
				return -1;
		return 0;
	case HDRMED_A_PARAM_ADD:
	case HDRMED_A_TAG_ADD:
		return param_all(m, r->hdr, 0, HDRMED_POP_ADD, r->pname, r->pval);
	case HDRMED_A_PARAM_SET:
		return param_all(m, r->hdr, 0, HDRMED_POP_SET, r->pname, r->pval);
	case HDRMED_A_PARAM_REMOVE:
	case HDRMED_A_TAG_REMOVE:
		return param_all(m, r->hdr, 0, HDRMED_POP_DEL, r->pname, NULL);
	case HDRMED_A_URIPARAM_ADD:
		return param_all(m, r->hdr, 1, HDRMED_POP_ADD, r->pname, r->pval);
	case HDRMED_A_URIPARAM_SET:
		return param_all(m, r->hdr, 1, HDRMED_POP_SET, r->pname, r->pval);
	case HDRMED_A_URIPARAM_REMOVE:
		return param_all(m, r->hdr, 1, HDRMED_POP_DEL, r->pname, NULL);
	case HDRMED_A_PCV:
		return do_pcv(m, r, ctx);
	case HDRMED_A_PANI:
		return set_all(m, "P-Access-Network-Info", v, vlen, 1);
	case HDRMED_A_PVNI:
		if (hdrmed_msg_find(m, "P-Visited-Network-ID", 20, 0) >= 0)
			return 0;
		return add_hdr(m, "P-Visited-Network-ID", v, vlen);
	case HDRMED_A_MASK_UA:
		return set_all(m, "User-Agent", v, vlen, 0);
	case HDRMED_A_MASK_SERVER:
		return set_all(m, "Server", v, vlen, 0);
	case HDRMED_A_STRIP_UNTRUSTED:
		return do_strip(rs, m, r, ctx);
	case HDRMED_A_COUNT:
		break;
	}
	return 0;
}

int hdrmed_engine_apply(const struct hdrmed_ruleset *rs, struct hdrmed_msg *m,
						const struct hdrmed_ctx *ctx)
{
	const struct hdrmed_rule *r;
	int i, j, matched = 0;

	for (i = 0; i < rs->n; i++) {
		r = &rs->rules[i];
		if (!(r->dir & ctx->dir))
			continue;
		for (j = 0; j < r->ncond; j++)
			if (!cond_true(rs, &r->cond[j], m, ctx))
				break;
		if (j < r->ncond)
			continue;
		matched++;
		if (ctx->hits)
			__atomic_fetch_add(&ctx->hits[i], 1, __ATOMIC_RELAXED);
		if (act(rs, r, m, ctx) < 0)
			return -1;
	}
	return matched;
}
