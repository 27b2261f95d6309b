/*
 * libFuzzer target: iwg-probe's STUN parser and integrity check
 * (tools/probe/probe_stun.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "../../tools/probe/probe_stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_stun_msg m;

	probe_stun_is_stun(data, size);
	if (probe_stun_parse(data, size, &m) == 0) {
		probe_stun_check_integrity(data, &m, "pwd", 3);
		if (m.username && m.username_len)
			(void)m.username[m.username_len - 1];
		if (m.error_reason && m.error_reason_len)
			(void)m.error_reason[m.error_reason_len - 1];
	}
	return 0;
}
