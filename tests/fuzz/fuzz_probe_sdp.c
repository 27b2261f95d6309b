/*
 * libFuzzer target: iwg-probe's SDP parser (tools/probe/probe_sdp.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../tools/probe/probe_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_sdp_remote r;
	char err[128];

	if (probe_sdp_parse((const char *)data, size, &r, err, sizeof(err)) == 0) {
		/* every string the parser filled is terminated */
		(void)strlen(r.ip);
		(void)strlen(r.ice_ufrag);
		(void)strlen(r.proto);
		probe_sdp_find_codec(&r, "PCMA");
	} else {
		(void)strlen(err);
	}
	return 0;
}
