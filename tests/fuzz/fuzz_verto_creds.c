/*
 * fuzz_verto_creds.c - libFuzzer target for the temporary credentials file
 * parser of iwg_verto (modules/iwg_verto/verto_creds.c): no crash, no leak,
 * an error always names the line, an accepted table answers lookups.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160] = "";
	verto_creds *t =
			verto_creds_parse((const char *)data, size, "f", err, sizeof(err));

	if (!t) {
		if (strncmp(err, "f:", 2) != 0)
			abort();
		return 0;
	}
	for (size_t i = 0; i < t->n; i++)
		if (verto_creds_check(t, t->users[i].login, t->users[i].passwd) !=
			&t->users[i])
			abort();
	free(t);
	return 0;
}
