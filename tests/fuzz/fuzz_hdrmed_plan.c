/*
 * fuzz_hdrmed_plan.c - libFuzzer target: a SIP message is mediated by a
 * profile that removes, changes and adds headers, then planned as the
 * Kamailio glue's lumps (with and without joining the new headers to the
 * last run); the edits must be ordered, inside the header section, and
 * give the message the engine prints.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_hdrmed/hdrmed_engine.h"
#include "../../modules/iwg_hdrmed/hdrmed_plan.h"

static const char rules[] = "strip-untrusted\n"
							"remove X-R\n"
							"rename X-O X-N\n"
							"replace Subject s\n"
							"set X-S v\n"
							"uri-param-remove Contact transport\n"
							"param-remove Route lr\n"
							"mask-ua iwg\n"
							"add X-A \"a, b\"\n"
							"pcv orig-ioi=o.net\n";

static struct hdrmed_ruleset *rs;

/* the message M with plan P applied equals its printed form */
static void check(const struct hdrmed_msg *m, const struct hdrmed_plan *p)
{
	char *want, *got;
	int wlen, i, from = 0, n = 0;
	const struct hdrmed_edit *e;

	got = malloc(m->len + p->text_len + 1);
	want = hdrmed_msg_print(m, &wlen);
	if (!got || !want)
		__builtin_trap();
	for (i = 0; i < p->n; i++) {
		e = &p->e[i];
		if (e->off < from || e->len < 0 || e->off + e->len > m->hdrs_end ||
			e->text < 0 || e->text + e->text_len > p->text_len)
			__builtin_trap(); /* overlapping or out-of-range edit */
		memcpy(got + n, m->buf + from, e->off - from);
		n += e->off - from;
		if (e->text_len > 0)
			memcpy(got + n, p->text + e->text, e->text_len);
		n += e->text_len;
		from = e->off + e->len;
	}
	memcpy(got + n, m->buf + from, m->len - from);
	n += m->len - from;
	/* printing ends a cut last line first; Kamailio's messages have none */
	if (m->hdrs_end > 0 && m->buf[m->hdrs_end - 1] == '\n' &&
		(n != wlen || memcmp(got, want, n) != 0))
		__builtin_trap(); /* the lumps would not give the mediated message */
	free(got);
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdrmed_ctx ctx = {.dir = HDRMED_DIR_OUT, .src_ip = "192.0.2.1"};
	struct hdrmed_msg m;
	struct hdrmed_plan p;
	struct hdrmed_err err;
	char e[128];
	int merge;

	if (!rs) {
		rs = hdrmed_rules_parse(rules, sizeof(rules) - 1, "fuzz", &err);
		if (!rs)
			__builtin_trap();
	}
	if (size > 65536)
		return 0;
	if (hdrmed_msg_parse(&m, (const char *)data, (int)size, e, sizeof(e)) < 0) {
		hdrmed_msg_free(&m);
		return 0;
	}
	if (hdrmed_engine_apply(rs, &m, &ctx) < 0)
		__builtin_trap();
	for (merge = 0; merge <= 1; merge++) {
		if (hdrmed_plan_make(&p, &m, merge ? 0 : m.hdrs_end + 1) < 0)
			__builtin_trap();
		check(&m, &p);
		hdrmed_plan_free(&p);
	}
	hdrmed_msg_free(&m);
	return 0;
}
