/*
 * fuzz_verto_jsonrpc.c - libFuzzer target for the Verto JSON-RPC envelope
 * (modules/iwg_verto/verto_jsonrpc.c). Any input: no crash, no leak; an
 * accepted frame re-serialises to a frame that parses to the same kind.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	verto_jsonrpc_limits lim = {.max_len = 16384, .max_depth = 8};
	verto_jsonrpc_msg m, m2;
	char why[96];
	size_t n;
	char *s;
	int rc;

	rc = verto_jsonrpc_parse((const char *)data, size, &lim, &m, why,
							 sizeof(why));
	if (rc) {
		if (rc >= 0 || !why[0] || m.root)
			abort();
		s = verto_jsonrpc_error(m.id, rc, why, NULL, &n);
		if (!s || verto_jsonrpc_parse(s, n, NULL, &m2, NULL, 0) ||
			m2.kind != VERTO_JSONRPC_ERROR || m2.err_code != rc)
			abort();
		verto_jsonrpc_msg_clear(&m2);
		free(s);
		verto_jsonrpc_msg_clear(&m);
		return 0;
	}
	s = verto_jsonrpc_dump(m.root, &n);
	if (!s)
		abort();
	if (verto_jsonrpc_parse(s, n, NULL, &m2, NULL, 0) || m2.kind != m.kind)
		abort();
	if (m.kind == VERTO_JSONRPC_REQUEST && strcmp(m.method, m2.method) != 0)
		abort();
	verto_jsonrpc_msg_clear(&m2);
	free(s);
	if (m.kind == VERTO_JSONRPC_REQUEST) {
		s = verto_jsonrpc_result(m.id, json_object_get(m.params), &n);
		if (!s)
			abort();
		free(s);
	}
	verto_jsonrpc_msg_clear(&m);
	return 0;
}
