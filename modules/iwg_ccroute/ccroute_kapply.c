/*
 * ccroute_kapply.c - ccroute_apply() on a Kamailio message.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/counters.h"
#include "core/data_lump.h"
#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/xavp.h"

#include "ccroute_kapply.h"
#include "ccroute_store.h"

static counter_handle_t cnt_matched, cnt_unmatched;

static str result_name = str_init(CCROUTE_RESULT_XAVP);
static str field_set = str_init("set");
static str field_rule = str_init("rule");

int ccroute_kapply_init(void)
{
	if (counter_register(&cnt_matched, "ccroute", "matched", 0, 0, 0,
						 "calls a routing rule matched", 0) < 0 ||
		counter_register(&cnt_unmatched, "ccroute", "unmatched", 0, 0, 0,
						 "calls no routing rule matched", 0) < 0) {
		LM_ERR("cannot register the statistics\n");
		return -1;
	}
	return 0;
}

unsigned long ccroute_kapply_unmatched(void)
{
	return (unsigned long)counter_get_val(cnt_unmatched);
}

/* the value of field F as a string in *VAL (a number is written into NUM);
 * -1 for a field that is neither a string nor a number */
static int field_value(const sr_xavp_t *f, char *num, size_t size,
					   const char **val)
{
	switch (f->val.type) {
	case SR_XTYPE_NULL:
		*val = "";
		return 0;
	case SR_XTYPE_STR:
		*val = f->val.v.s.s ? f->val.v.s.s : "";
		return 0;
	case SR_XTYPE_INT:
		snprintf(num, size, "%d", f->val.v.i);
		break;
	case SR_XTYPE_LONG:
		snprintf(num, size, "%ld", f->val.v.l);
		break;
	case SR_XTYPE_LLONG:
		snprintf(num, size, "%lld", f->val.v.ll);
		break;
	default:
		return -1;
	}
	*val = num;
	return 0;
}

/* the fields of $xavp(XNAME) into KV; the count, or -1 (logged) */
static int ctx_from_xavp(str *xname, struct ccroute_kv *kv, char (*nums)[24])
{
	sr_xavp_t *root = xavp_get(xname, NULL), *f;
	int n = 0;

	if (!root)
		return 0;
	if (root->val.type != SR_XTYPE_XAVP) {
		LM_ERR("$xavp(%.*s) has no fields (set $xavp(%.*s=>key))\n", xname->len,
			   xname->s, xname->len, xname->s);
		return -1;
	}
	for (f = root->val.v.xavp; f; f = f->next) {
		if (n == CCROUTE_CTX_MAX) {
			LM_ERR("$xavp(%.*s) has more than %d fields\n", xname->len,
				   xname->s, CCROUTE_CTX_MAX);
			return -1;
		}
		kv[n].key = f->name.s;
		if (field_value(f, nums[n], sizeof(nums[n]), &kv[n].val) < 0) {
			LM_ERR("$xavp(%.*s=>%s) is neither a string nor a number\n",
				   xname->len, xname->s, f->name.s);
			return -1;
		}
		n++;
	}
	return n;
}

/* every header of msg named like H goes (a rule's header replaces what a
 * client sent under the same name); 0 or -1. Headers must be parsed. */
static int drop_same_name(sip_msg_t *msg, const struct ccroute_hdr *h)
{
	struct hdr_field *hf;

	for (hf = msg->headers; hf; hf = hf->next) {
		if (hf->name.len != h->name_len ||
			strncasecmp(hf->name.s, h->text, h->name_len) != 0)
			continue;
		if (!del_lump(msg, hf->name.s - msg->buf, hf->len, 0)) {
			LM_ERR("cannot remove a header %.*s\n", h->name_len, h->text);
			return -1;
		}
	}
	return 0;
}

/* the substituted headers of R as one lump at the end of the headers; a
 * header of the same name already in msg is removed */
static int add_headers(sip_msg_t *msg, const struct ccroute_rule *r,
					   const struct ccroute_kv *kv, int n)
{
	char line[CCROUTE_HDR_BUF], *buf;
	struct lump *anchor;
	int i, len = 0, l;

	if (r->nhdrs == 0)
		return 0;
	buf = pkg_malloc(r->nhdrs * (CCROUTE_HDR_BUF + 2));
	if (!buf) {
		PKG_MEM_ERROR;
		return -1;
	}
	for (i = 0; i < r->nhdrs; i++) {
		l = ccroute_subst(&r->hdrs[i], kv, n, line, sizeof(line));
		if (l <= 0)
			continue; /* empty value: not added */
		memcpy(buf + len, line, l);
		memcpy(buf + len + l, "\r\n", 2);
		len += l + 2;
	}
	if (len == 0) {
		pkg_free(buf);
		return 0;
	}
	if (parse_headers(msg, HDR_EOH_F, 0) == -1) {
		LM_ERR("cannot parse the message headers\n");
		goto err;
	}
	for (i = 0; i < r->nhdrs; i++)
		if (drop_same_name(msg, &r->hdrs[i]))
			goto err;
	anchor = anchor_lump(msg, msg->unparsed - msg->buf, 0, 0);
	if (!anchor || !insert_new_lump_before(anchor, buf, len, 0)) {
		LM_ERR("cannot add the headers of rule %s\n", r->name);
		goto err;
	}
	return 0; /* buf belongs to the lump */
err:
	pkg_free(buf);
	return -1;
}

static int set_result(const struct ccroute_rule *r)
{
	sr_xavp_t *root;
	sr_xval_t v;

	memset(&v, 0, sizeof(v));
	v.type = SR_XTYPE_STR;
	v.v.s.s = r->name;
	v.v.s.len = (int)strlen(r->name);
	root = xavp_add_xavp_value(&result_name, &field_rule, &v, NULL);
	memset(&v, 0, sizeof(v));
	v.type = SR_XTYPE_INT;
	v.v.i = r->set;
	if (!root || !xavp_add_value(&field_set, &v, &root->val.v.xavp)) {
		LM_ERR("cannot set $xavp(%s)\n", CCROUTE_RESULT_XAVP);
		xavp_rm_by_name(&result_name, 1, NULL);
		return -1;
	}
	return 0;
}

int ccroute_kapply(sip_msg_t *msg, str *xname)
{
	struct ccroute_kv kv[CCROUTE_CTX_MAX];
	char nums[CCROUTE_CTX_MAX][24];
	const struct ccroute_table *t = NULL;
	const struct ccroute_rule *r = NULL;
	int n, idx = -1, version = 0, rc;

	n = ctx_from_xavp(xname, kv, nums);
	if (n >= 0) {
		t = ccroute_store_current(&version);
		idx = ccroute_eval(t, kv, n);
		r = idx >= 0 ? &t->rules[idx] : NULL;
	}
	rc = n < 0 ? -2 : (r ? 1 : -1);
	if (rc == 1 && add_headers(msg, r, kv, n) < 0)
		rc = -2;
	/* KV may point into the old result xavp: removed only now */
	xavp_rm_by_name(&result_name, 1, NULL);
	if (rc == 1 && set_result(r) < 0)
		rc = -2;
	if (rc == 1) {
		ccroute_store_hit(idx, version);
		counter_inc(cnt_matched);
		LM_DBG("rule %s matched: set %d\n", r->name, r->set);
	} else if (rc == -1) {
		counter_inc(cnt_unmatched);
		LM_DBG("no routing rule matched\n");
	}
	return rc;
}
