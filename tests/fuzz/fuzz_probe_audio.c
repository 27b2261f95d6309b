/*
 * libFuzzer target: iwg-probe's tone check of a returned Opus frame
 * (tools/probe/probe_audio.c): whatever a peer sends as Opus is
 * decoded and measured without a crash. The first byte picks the tone.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../tools/probe/probe_audio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static probe_tone_check *chk;

	if (!chk)
		chk = probe_tone_check_new(); /* decoder state carries over, as in a
										 call */
	if (!chk || size < 1)
		return 0;
	probe_tone_check_frame(chk, data + 1, size - 1, probe_tone_hz(data[0]));
	return 0;
}
