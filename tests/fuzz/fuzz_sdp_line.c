/* libFuzzer target: every line of the input (lib/sdp), each looked at as
 * an attribute and split into words; lines must tile the input exactly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sdp/sdp_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	size_t pos = 0, seen = 0, off[16], wl[16];
	sdp_line l;

	while (sdp_line_next(t, size, &pos, &l)) {
		if (l.s != t + seen || l.full < l.len || l.full == 0)
			abort();
		seen += l.full;
		(void)sdp_line_is_attr(&l, "ssrc");
		(void)sdp_line_starts(&l, "m=");
		if (sdp_line_words(&l, 0, off, wl, 16) > 16)
			abort();
	}
	if (seen != size)
		abort();
	return 0;
}
