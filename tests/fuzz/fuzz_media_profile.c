/*
 * fuzz_media_profile.c - libFuzzer target for the iwg_media profile file
 * parser, the flag vocabulary check and the typo hint.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/media_flags.h"
#include "media/media_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mprof_set_t *set = NULL;
	mprof_err_t err;
	char hint[160];

	if (mprof_parse((const char *)data, size, "fuzz", &set, &err) == 0) {
		/* every profile must be found by its own name, and the block must
		 * survive a copy */
		mprof_set_t *copy = malloc(set->size);
		if (!copy)
			abort();
		memcpy(copy, set, set->size);
		mprof_set_free(set);
		for (unsigned i = 0; i < copy->count; i++) {
			const char *name = mprof_name(copy, i);
			const char *flags = mprof_flags(copy, i);
			if (mprof_find(copy, name, strlen(name)) != (int)i)
				abort();
			if (strlen(flags) != copy->prof[i].flags_len ||
				copy->prof[i].flags_len > MPROF_FLAGS_MAX)
				abort();
		}
		free(copy);
	} else {
		if (set || err.code == 0 ||
			!memchr(err.errstr, '\0', sizeof(err.errstr)))
			abort();
	}
	/* the vocabulary directly, on a bounded prefix of the input */
	if (size <= 256) {
		mflags_check((const char *)data, size, NULL);
		mflags_suggest((const char *)data, size, hint, sizeof(hint));
	}
	return 0;
}
