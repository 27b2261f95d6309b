/*
 * libFuzzer target: iwg-probe's WebSocket frame decoder and handshake
 * response check (tools/probe/probe_ws.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "../../tools/probe/probe_ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_ws_frame f;
	char err[128];
	size_t off = 0;
	long n;

	probe_ws_handshake_check((const char *)data, size,
							 "dGhlIHNhbXBsZSBub25jZQ==", "sip", err,
							 sizeof(err));
	while ((n = probe_ws_frame_decode(data + off, size - off, 65536, &f)) > 0) {
		if (f.len)
			(void)f.payload[f.len - 1];
		off += (size_t)n;
	}
	return 0;
}
