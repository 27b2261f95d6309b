/*
 * fuzz_admind_diag.c - the diagnosis on arbitrary NG answers (bencode):
 * no crash, a verdict of the five, a message always, at most
 * DIAG_MAX_DIRS directions, and "one_way" only with a flowing and a silent
 * direction.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../admin/src/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static diag_call d;
	bencode_doc *doc = bencode_decode(data, size, NULL);
	size_t i;
	int on = 0, off = 0;

	if (!doc)
		return 0;
	if (!doc->err) {
		memset(&d, 0, sizeof(d));
		d.now = 1767225600;
		d.quiet_s = 5;
		if (diag_from_query(&d, doc->root) > DIAG_MAX_DIRS)
			abort();
		diag_decide(&d);
		if (d.verdict >= DIAG_VERDICT_COUNT || !d.message[0])
			abort();
		for (i = 0; i < d.n; i++) {
			on |= d.dir[i].flowing;
			off |= !d.dir[i].flowing;
		}
		if (d.verdict == DIAG_ONE_WAY && !(on && off))
			abort();
	}
	bencode_doc_free(doc);
	return 0;
}
