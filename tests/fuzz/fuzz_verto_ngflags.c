/*
 * fuzz_verto_ngflags.c - libFuzzer target for iwg_verto's media profile ->
 * rtpengine NG translation (modules/iwg_verto/verto_ngflags.c): no crash,
 * no leak; accepted flags encode into a dictionary that decodes again, and
 * a refusal always names the word.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_ngflags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *flags = malloc(size + 1), err[160];
	bencode_buf b;
	bencode_doc *d;

	if (!flags)
		return 0;
	memcpy(flags, data, size);
	flags[size] = '\0';
	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	if (verto_ngflags_encode(flags, &b, err, sizeof(err)) == 0) {
		bencode_end(&b);
		if (bencode_buf_finish(&b))
			abort();
		d = bencode_decode(b.data, b.len, NULL);
		/* duplicate list keys are impossible; duplicate k=v refused */
		if (!d || d->err)
			abort();
		bencode_doc_free(d);
	} else if (strncmp(err, "word ", 5) != 0 && strcmp(err, "out of memory")) {
		abort();
	}
	bencode_buf_free(&b);
	free(flags);
	return 0;
}
