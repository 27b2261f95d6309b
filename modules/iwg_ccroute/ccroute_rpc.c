/*
 * ccroute_rpc.c - RPC commands (list, test, reload).
 */
#include <string.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/rpc.h"

#include "ccroute_kapply.h"
#include "ccroute_rpc.h"
#include "ccroute_store.h"

#define COUNT_TRIES 4

static void add_rule(rpc_t *rpc, void *ah, const struct ccroute_rule *r,
					 unsigned long hits, unsigned long last_hit)
{
	void *rh, *hh;
	int i;

	if (rpc->array_add(ah, "{", &rh) < 0)
		return;
	/* a nested array ends binrpc's struct_add: it goes last */
	if (rpc->struct_add(rh, "ssdjj[", "name", r->name, "when", r->when, "set",
						r->set, "hits", hits, "last_hit", last_hit, "headers",
						&hh) < 0)
		return;
	for (i = 0; i < r->nhdrs; i++)
		rpc->array_add(hh, "s", r->hdrs[i].text);
}

static void rpc_list(rpc_t *rpc, void *c)
{
	const struct ccroute_table *t = NULL;
	struct ccroute_counts *cnt;
	void *th, *ah;
	int i;

	cnt = pkg_malloc(sizeof(*cnt));
	if (!cnt) {
		rpc->fault(c, 500, "out of memory");
		return;
	}
	/* the counts must be those of this process's table */
	for (i = 0; i < COUNT_TRIES; i++) {
		t = ccroute_store_current(&cnt->version);
		if (ccroute_store_counts(cnt) == 0)
			break;
	}
	if (i == COUNT_TRIES) {
		rpc->fault(c, 503, "the rules are being reloaded, try again");
		goto out;
	}
	if (rpc->add(c, "{", &th) < 0 ||
		rpc->struct_add(th, "sjj[", "file", ccroute_store_file(), "loaded",
						(unsigned long)cnt->loaded, "unmatched",
						ccroute_kapply_unmatched(), "rules", &ah) < 0)
		goto out;
	for (i = 0; i < t->n; i++)
		add_rule(rpc, ah, &t->rules[i], (unsigned long)cnt->hits[i],
				 (unsigned long)cnt->last_hit[i]);
out:
	pkg_free(cnt);
}

static const char *rpc_list_doc[] = {
		"The active routing rules: file, load time, unmatched calls, and each",
		"rule as written with its hits and last hit (Unix time).", 0};

static void rpc_test(rpc_t *rpc, void *c)
{
	struct ccroute_kv kv[CCROUTE_CTX_MAX];
	char line[CCROUTE_HDR_BUF], why[128];
	const struct ccroute_table *t;
	const struct ccroute_rule *r = NULL;
	str in = STR_NULL;
	void *th, *hh;
	char *buf;
	int n, i, idx, version;

	if (rpc->scan(c, "*S", &in) < 1)
		in.len = 0;
	buf = pkg_malloc(in.len + 1);
	if (!buf) {
		rpc->fault(c, 500, "out of memory");
		return;
	}
	if (in.len)
		memcpy(buf, in.s, in.len);
	buf[in.len] = '\0';
	n = ccroute_ctx_parse(buf, kv, CCROUTE_CTX_MAX, why, sizeof(why));
	if (n < 0) {
		rpc->fault(c, 400, "context: %s (key=value;key=value)", why);
		goto out;
	}
	t = ccroute_store_current(&version);
	idx = ccroute_eval(t, kv, n);
	if (idx >= 0)
		r = &t->rules[idx];
	if (rpc->add(c, "{", &th) < 0 ||
		rpc->struct_add(th, "sd[", "rule", r ? r->name : "", "set",
						r ? r->set : 0, "headers", &hh) < 0)
		goto out;
	for (i = 0; r && i < r->nhdrs; i++)
		if (ccroute_subst(&r->hdrs[i], kv, n, line, sizeof(line)) > 0)
			rpc->array_add(hh, "s", line);
out:
	pkg_free(buf);
}

static const char *rpc_test_doc[] = {
		"What the rules do with a context (param: \"key=value;key=value\"):",
		"the matching rule, its set and substituted headers; no hit counted.",
		0};

static void rpc_reload(rpc_t *rpc, void *c)
{
	struct ccroute_err err;
	void *th;
	int n;

	if (ccroute_store_reload(&err, &n) < 0) {
		LM_ERR("reload refused, the old rules stay: %s\n", err.msg);
		rpc->fault(c, 500, "%s (the old rules stay active)", err.msg);
		return;
	}
	if (rpc->add(c, "{", &th) >= 0)
		rpc->struct_add(th, "d", "rules", n);
}

static const char *rpc_reload_doc[] = {
		"Re-read the routing rules file; on an error (file:line: reason)",
		"the old rules stay. Hit counters of rules of the same name stay.", 0};

rpc_export_t ccroute_rpc_cmds[] = {
		{"ccroute.list", rpc_list, rpc_list_doc, 0},
		{"ccroute.test", rpc_test, rpc_test_doc, 0},
		{"ccroute.reload", rpc_reload, rpc_reload_doc, 0},
		{0, 0, 0, 0}};
