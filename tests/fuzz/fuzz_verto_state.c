/*
 * fuzz_verto_state.c - libFuzzer target for a Verto session's state as
 * text (modules/iwg_verto/verto_state.c): no crash; what parses encodes
 * again, and that text parses to the same text (a fixed point); what is
 * refused leaves the state empty and says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verto_state a, b;
	char why[128], *t, *t2;
	size_t n, n2;

	if (verto_state_parse((const char *)data, size, &a, why, sizeof(why))) {
		if (a.ncalls || a.sessid[0] || !why[0])
			abort();
		return 0;
	}
	if (a.ncalls > VERTO_STATE_MAX_CALLS)
		abort();
	t = verto_state_encode(&a, &n);
	if (!t)
		abort(); /* everything parsed is encodable */
	if (verto_state_parse(t, n, &b, why, sizeof(why)))
		abort();
	t2 = verto_state_encode(&b, &n2);
	if (!t2 || n2 != n || memcmp(t, t2, n) != 0)
		abort();
	free(t);
	free(t2);
	verto_state_clear(&a);
	verto_state_clear(&b);
	return 0;
}
