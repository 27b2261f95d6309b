/*
 * test_hdrmed_corpus.c - each shipped iwg_hdrmed profile applied in both
 * directions, from a trusted and an untrusted source, to every RFC 4475
 * torture message (tests/corpus/rfc4475, INDEX.tsv): nothing crashes,
 * and every message the parser accepts still parses after mediation.
 * The valid-syntax messages of section 3.1.1 must be accepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../modules/iwg_hdrmed/hdrmed_disc.h"
#include "../../modules/iwg_hdrmed/hdrmed_engine.h"

static char corpus[512];

static char *slurp(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(1 << 20);
	size_t n;

	if (!f || !b)
		fail_msg("cannot read %s", path);
	n = fread(b, 1, 1 << 20, f);
	fclose(f);
	*len = (int)n;
	return b;
}

static void one(const char *profile, const char *section, const char *file)
{
	static const char *srcs[] = {"192.0.2.7", "10.9.9.9"};
	struct hdrmed_ctx ctx = {0};
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	struct hdrmed_msg m, m2;
	struct hdrmed_disc *d = malloc(hdrmed_disc_size(64));
	char path[1024], e[128], *buf, *out;
	int len, olen, dir, s;

	snprintf(path, sizeof(path), "%s/kamcfg/hdrmed/%s.rules",
			 getenv("IWG_TOP") ? getenv("IWG_TOP") : ".", profile);
	rs = hdrmed_rules_load(path, &err, NULL, NULL);
	if (!rs)
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/%s", corpus, file);
	buf = slurp(path, &len);
	for (dir = HDRMED_DIR_IN; dir <= HDRMED_DIR_OUT; dir++) {
		for (s = 0; s < 2; s++) {
			ctx.dir = dir;
			ctx.src_ip = srcs[s];
			if (hdrmed_msg_parse(&m, buf, len, e, sizeof(e)) < 0) {
				if (strncmp(section, "3.1.1.", 6) == 0)
					fail_msg("%s (%s) is valid but refused: %s", file, section,
							 e);
				continue;
			}
			hdrmed_disc_init(d, 64);
			hdrmed_disc_scan(d, &m, 1, 64);
			assert_true(hdrmed_engine_apply(rs, &m, &ctx) >= 0);
			out = hdrmed_msg_print(&m, &olen);
			assert_non_null(out);
			if (hdrmed_msg_parse(&m2, out, olen, e, sizeof(e)) < 0)
				fail_msg("%s with %s: result does not parse: %s", file, profile,
						 e);
			assert_true(m2.is_request == m.is_request);
			hdrmed_msg_free(&m2);
			hdrmed_msg_free(&m);
			free(out);
		}
	}
	free(d);
	free(buf);
	hdrmed_rules_free(rs);
}

static void run_profile(const char *profile)
{
	char path[1024], line[512], sec[64], file[256];
	FILE *idx;
	int n = 0;

	snprintf(path, sizeof(path), "%s/INDEX.tsv", corpus);
	idx = fopen(path, "r");
	if (!idx)
		fail_msg("RFC 4475 corpus index missing: %s", path);
	while (fgets(line, sizeof(line), idx)) {
		if (line[0] == '#' || sscanf(line, "%63s %255s", sec, file) != 2)
			continue;
		one(profile, sec, file);
		n++;
	}
	fclose(idx);
	assert_true(n >= 49);
}

static void test_ims_volte(void **state)
{
	(void)state;
	run_profile("ims-volte");
}

static void test_ims_rcs(void **state)
{
	(void)state;
	run_profile("ims-rcs");
}

static void test_contact_center(void **state)
{
	(void)state;
	run_profile("contact-center");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_ims_volte),
			cmocka_unit_test(test_ims_rcs),
			cmocka_unit_test(test_contact_center),
	};
	const char *c = getenv("IWG_RFC4475");
	const char *top = getenv("IWG_TOP");

	if (c)
		snprintf(corpus, sizeof(corpus), "%s", c);
	else
		snprintf(corpus, sizeof(corpus), "%s/tests/corpus/rfc4475",
				 top ? top : ".");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
