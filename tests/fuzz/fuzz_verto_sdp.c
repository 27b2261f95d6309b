/*
 * fuzz_verto_sdp.c - libFuzzer target for iwg_verto's SDP edits
 * (modules/iwg_verto/verto_sdp.c): the input is split at the first NUL
 * into an offer and an answer; no crash, no leak, and every result is
 * CRLF-terminated throughout (including the next SDP of a dialog built
 * from both, as for the contact center's re-INVITEs).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_verto/verto_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(char *s)
{
	const char *p;

	if (!s)
		return;
	if (!*s || strlen(s) < 2 || strcmp(s + strlen(s) - 2, "\r\n") != 0)
		abort();
	for (p = s; (p = strchr(p, '\n')); p++)
		if (p == s || p[-1] != '\r')
			abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 2), *answer;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	answer = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
	check(verto_sdp_crlf(buf));
	check(verto_sdp_clean(buf));
	if (verto_sdp_same_media(buf, buf) == 0)
		abort(); /* an SDP is the same as itself, or malformed */
	(void)verto_sdp_same_media(buf, answer);
	check(verto_sdp_audio_only(buf));
	check(verto_sdp_align(buf, answer));
	check(verto_sdp_reoffer(buf, "sendonly"));
	check(verto_sdp_next(buf, answer,
						 verto_sdp_answer_dir(verto_sdp_direction(answer), 0)));
	check(verto_sdp_next(buf, NULL, "inactive"));
	free(buf);
	return 0;
}
