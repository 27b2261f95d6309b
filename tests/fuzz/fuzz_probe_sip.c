/*
 * libFuzzer target: iwg-probe's SIP parser and the response builder fed
 * with what it parsed (tools/probe/probe_sip.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../tools/probe/probe_sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_sip_msg m;
	char err[128], out[4096];

	if (probe_sip_parse((const char *)data, size, &m, err, sizeof(err)) == 0 &&
		m.is_request)
		probe_sip_build_response(&m, 200, "OK", "tag", NULL, NULL, NULL, 0, out,
								 sizeof(out));
	return 0;
}
