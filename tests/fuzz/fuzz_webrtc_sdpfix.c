/*
 * fuzz_webrtc_sdpfix.c - the SDP decisions of webrtc_sdp_fix() and
 * webrtc_te_reoffer(): input = flags byte (bit 0: toward the browser),
 * then a telephone-event map, an SDP answer and an SDP offer separated by
 * NUL bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_sdp.h"
#include "../../modules/iwg_webrtc/webrtc_sdpfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the next NUL-separated field of [*p, end) */
static size_t field(const char **p, const char *end, const char **f)
{
	const char *nul = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);

	*f = *p;
	*p = nul ? nul + 1 : end;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *map, *ans, *off;
	char *out, *tmp, chg[WEBRTC_TE_MAP_MAX];
	size_t ml, al, ol, room;
	int mask, removed, changed, n;

	if (size < 1)
		return 0;
	mask = (data[0] & 1) ? WEBRTC_SDP_TO_BROWSER : WEBRTC_SDP_TO_IMS;
	ml = field(&p, end, &map);
	al = field(&p, end, &ans);
	ol = field(&p, end, &off);
	if (webrtc_sdpfix_dir(map, ml) > 0 && ml != 3 && ml != 7)
		abort();

	room = WEBRTC_SDPFIX_BODY_SIZE(al);
	out = malloc(room);
	tmp = malloc(room);
	if (out && tmp) {
		n = webrtc_sdpfix_body(ans, al, mask, map, ml, out, tmp, room, &removed,
							   &changed);
		/* cleaning never grows a body: the documented room is enough */
		if (n == WEBRTC_SDPFIX_NO_ROOM || (n >= 0 && (size_t)n >= room) ||
			(n >= 0 && (removed < 0 || changed < 0)) ||
			(n < 0 && n != WEBRTC_SDPFIX_BAD_MAP))
			abort();
	}
	free(out);
	free(tmp);

	room = WEBRTC_SDPFIX_REOFFER_SIZE(ol);
	out = malloc(room);
	if (out == NULL)
		return 0;
	n = webrtc_sdpfix_reoffer(ans, al, map, ml, off, ol, out, room, chg,
							  sizeof(chg));
	if (n > 0 && ((size_t)n >= room || chg[0] == '\0'))
		abort();
	if (n < 0 && n != WEBRTC_SDPFIX_BAD_MAP && n != WEBRTC_SDPFIX_NOT_ADDED)
		abort();
	if (strlen(chg) >= sizeof(chg))
		abort();
	free(out);
	return 0;
}
