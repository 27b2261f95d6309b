/*
 * fuzz_hdrmed_rules.c - libFuzzer target for the iwg_hdrmed rule parser:
 * any bytes either parse into a ruleset or give a file:line error.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../modules/iwg_hdrmed/hdrmed_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;

	rs = hdrmed_rules_parse((const char *)data, size, "fuzz", &err);
	if (!rs && strncmp(err.msg, "fuzz:", 5) != 0)
		__builtin_trap(); /* every error names the file */
	hdrmed_rules_free(rs);
	return 0;
}
