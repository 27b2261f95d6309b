/*
 * fuzz_ccroute_rules.c - libFuzzer target for the iwg_ccroute rules: the
 * bytes before the first NUL are a rules file, those after it a test
 * context "key=value;..."; the context also gets the keys and values the
 * parsed conditions look for, so that rules match. Every error must name
 * the file; evaluation returns a rule or none; a substituted header never
 * holds CR or LF and fits the documented buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_ccroute/ccroute_rules.h"

static void check_headers(const struct ccroute_rule *r,
						  const struct ccroute_kv *kv, int n)
{
	char out[CCROUTE_HDR_BUF];
	int i, len;

	for (i = 0; i < r->nhdrs; i++) {
		len = ccroute_subst(&r->hdrs[i], kv, n, out, sizeof(out));
		if (len < 0 || len >= (int)sizeof(out))
			__builtin_trap();
		if (len > 0 &&
			((int)strlen(out) != len || strchr(out, '\r') || strchr(out, '\n')))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ccroute_kv kv[CCROUTE_CTX_MAX];
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct ccroute_table *t;
	struct ccroute_err err;
	char why[128], *ctx;
	int n, i, j, idx;

	t = ccroute_parse(text, tlen, "fuzz", &err);
	if (!t) {
		if (strncmp(err.msg, "fuzz:", 5) != 0)
			__builtin_trap(); /* every error names the file */
		return 0;
	}
	ctx = malloc(nul ? size - tlen : 1);
	if (!ctx)
		goto out;
	ctx[0] = '\0';
	if (nul && size - tlen > 1) {
		memcpy(ctx, nul + 1, size - tlen - 1);
		ctx[size - tlen - 1] = '\0';
	}
	n = ccroute_ctx_parse(ctx, kv, CCROUTE_CTX_MAX / 2, why, sizeof(why));
	if (n < 0)
		n = 0;
	for (i = 0; i < t->n && n < CCROUTE_CTX_MAX; i++)
		for (j = 0; j < t->rules[i].nconds && n < CCROUTE_CTX_MAX; j++) {
			kv[n].key = t->rules[i].conds[j].key;
			kv[n].val = t->rules[i].conds[j].value ? t->rules[i].conds[j].value
												   : "5";
			n++;
		}
	idx = ccroute_eval(t, kv, n);
	if (idx < -1 || idx >= t->n)
		__builtin_trap();
	for (i = 0; i < t->n; i++)
		check_headers(&t->rules[i], kv, n);
	free(ctx);
out:
	ccroute_free(t);
	return 0;
}
