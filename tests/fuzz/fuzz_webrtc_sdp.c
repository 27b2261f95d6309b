/*
 * fuzz_webrtc_sdp.c - SDP hygiene and telephone-event renumbering on any
 * input: no crash, output never longer than the buffer, the cleaned SDP
 * never longer than the input; telephone-event renumbering and injection
 * stay within their buffers; the H.264-only video filter and the per-media
 * transport fix toward the IMS never grow the SDP and are idempotent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* filtering the filtered SDP again changes nothing */
static void h264_twice(const char *once, size_t len)
{
	char *again = malloc(len + 1);
	int n, removed = -1;

	if (again == NULL)
		return;
	n = webrtc_sdp_h264_only(once, len, again, len + 1, &removed);
	if (n != (int)len || removed != 0 || memcmp(once, again, len) != 0)
		abort();
	free(again);
}

/* cleaning the cleaned SDP toward the IMS again changes nothing */
static void clean_twice(const char *once, size_t len)
{
	char *again = malloc(len + 1);
	int n, removed = -1;

	if (again == NULL)
		return;
	n = webrtc_sdp_clean(once, len, WEBRTC_SDP_TO_IMS, again, len + 1,
						 &removed);
	if (n != (int)len || removed != 0 || memcmp(once, again, len) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char map[WEBRTC_TE_MAP_MAX];
	char *out;
	size_t outsz = size * 2 + 64;
	int n, m;

	out = malloc(outsz);
	if (out == NULL)
		return 0;
	n = webrtc_sdp_clean(s, size, WEBRTC_SDP_TO_IMS | WEBRTC_SDP_TO_BROWSER,
						 out, outsz, NULL);
	if (n < 0 || (size_t)n > size)
		abort();
	n = webrtc_sdp_clean(s, size, WEBRTC_SDP_TO_IMS, out, outsz, NULL);
	if (n < 0 || (size_t)n > size)
		abort();
	clean_twice(out, (size_t)n);
	m = webrtc_sdp_te_map(s, size, map, sizeof(map));
	if (m > 0) {
		n = webrtc_sdp_te_restore(s, size, map, (size_t)m, out, outsz, NULL);
		if (n >= 0 && (size_t)n >= outsz)
			abort();
	}
	n = webrtc_sdp_te_restore(s, size, "16000:98,8000:101", 17, out, outsz,
							  NULL);
	if (n >= 0 && (size_t)n >= outsz)
		abort();
	/* the input as a map, then as an SDP to inject into */
	n = webrtc_te_changed("16000:98,8000:126", 17, s, size, map, sizeof(map));
	if (n >= (int)sizeof(map))
		abort();
	n = webrtc_te_inject(s, size, "16000:101,8000:100", 18, out, outsz, NULL);
	if (n >= 0 && (size_t)n >= outsz)
		abort();
	n = webrtc_sdp_h264_only(s, size, out, outsz, NULL);
	if (n < 0 || (size_t)n > size)
		abort();
	h264_twice(out, (size_t)n);
	free(out);
	return 0;
}
