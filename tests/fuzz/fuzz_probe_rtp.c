/*
 * libFuzzer target: iwg-probe's RTP parser, echo payload check and
 * receive statistics (tools/probe/probe_rtp.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "../../tools/probe/probe_rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_rtp_hdr h;
	probe_rtp_stats s = {0};

	if (probe_rtp_parse(data, size, &h) == 0) {
		probe_rtp_payload_match(data + h.hdr_len, h.payload_len, 1, NULL);
		probe_rtp_stats_add(&s, h.seq, h.ts, (int64_t)h.ssrc);
		probe_rtp_stats_add(&s, (uint16_t)(h.seq + h.pt), h.ts ^ h.ssrc, 0);
	}
	return 0;
}
