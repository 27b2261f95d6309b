/*
 * fuzz_webrtc_flow.c - flow token decoder: any input is either rejected or
 * decodes to a flow whose re-encoding is the same token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[] = "fuzz-key-0123456789";
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];
	webrtc_flow_t f;
	int n;

	if (webrtc_flow_decode((const char *)data, size, key, sizeof(key) - 1,
						   &f) != WEBRTC_FLOW_OK)
		return 0;
	n = webrtc_flow_encode(&f, key, sizeof(key) - 1, tok, sizeof(tok));
	if (n != (int)size || memcmp(tok, data, size) != 0)
		abort();
	return 0;
}
