/*
 * fuzz_verto_sipid.c - libFuzzer target for iwg_verto's SIP identity
 * pieces (modules/iwg_verto/verto_sipid.c): the input is a
 * P-Asserted-Identity value; no crash, outputs always NUL-terminated
 * within their buffers, a number on success, and the Refer-To builder
 * (fed the input split at NULs) never writes past its buffer nor leaves a
 * character unescaped that must be escaped.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_sipid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_referto(const char *b)
{
	const char *q = strstr(b, "?Replaces=");
	const char *p;

	if (!q || b[0] != '<' || b[strlen(b) - 1] != '>')
		abort();
	for (p = q + 10; p[1]; p++)
		if ((unsigned char)*p <= ' ' || strchr("\";<>@=&\\", *p))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64], number[32], out[128];
	char *buf = malloc(size + 4), *f[4];
	size_t i, k = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (verto_pai_parse(buf, size, name, sizeof(name), number,
						sizeof(number)) == 0) {
		if (!number[0] || strlen(number) >= sizeof(number) ||
			strlen(name) >= sizeof(name))
			abort();
		(void)verto_cline_changed(name, number, "x", "1");
	} else if (name[0] || number[0]) {
		abort();
	}
	/* the input as four NUL-separated strings */
	memset(buf + size, 0, 4);
	f[k++] = buf;
	for (i = 0; i < size && k < 4; i++)
		if (!buf[i])
			f[k++] = buf + i + 1;
	while (k < 4)
		f[k++] = buf + size;
	if (verto_refer_replaces(f[0], f[1], f[2], f[3], out, sizeof(out)) == 0)
		check_referto(out);
	else if (out[0])
		abort();
	free(buf);
	return 0;
}
