/* libFuzzer target: the identity import parser (CSV and JSON lines), the
 * exporters on whatever it accepted, and the change-notice parser on the
 * same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "idstore/idstore_import.h"
#include "idstore/idstore_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ids_batch_t b;
	ids_inval_t iv;
	size_t i;
	FILE *null;
	int fmt;
	if (ids_batch_init(&b, 8) < 0)
		return 0;
	/* first byte picks the format so both parsers see every input */
	fmt = size ? data[0] % 3 : 0;
	if (size)
		data++, size--;
	if (ids_inval_parse((const char *)data, size, &iv) == 0 && !iv.all) {
		/* every part it names lies inside the input */
		for (i = 0; i < (size_t)iv.ndids; i++)
			if (iv.did[i] < (const char *)data ||
				iv.did[i] + iv.did_len[i] > (const char *)data + size ||
				iv.did[i][0] != '+')
				__builtin_trap();
	}
	ids_parse_buffer((const char *)data, size, (ids_format_t)fmt, "fz", &b);
	null = fopen("/dev/null", "w");
	for (i = 0; null && i < b.n; i++) {
		ids_export_csv(null, &b.recs[i]);
		ids_export_jsonl(null, &b.recs[i]);
	}
	if (null)
		fclose(null);
	ids_batch_free(&b);
	return 0;
}
