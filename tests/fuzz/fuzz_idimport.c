/* libFuzzer target: the identity import parser (CSV and JSON lines) and the
 * exporters on whatever it accepted. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "idstore/idstore_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ids_batch_t b;
	size_t i;
	FILE *null;
	int fmt;
	if (ids_batch_init(&b, 8) < 0)
		return 0;
	/* first byte picks the format so both parsers see every input */
	fmt = size ? data[0] % 3 : 0;
	if (size)
		data++, size--;
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
