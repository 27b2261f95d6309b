/*
 * iwg_webrtc: the SDP decisions of webrtc_sdp_fix() and webrtc_te_reoffer(),
 * see webrtc_sdpfix.h.
 */
#include <strings.h>

#include "webrtc_sdp.h"
#include "webrtc_sdpfix.h"

int webrtc_sdpfix_dir(const char *dir, size_t len)
{
	if (len == 3 && strncasecmp(dir, "ims", 3) == 0)
		return WEBRTC_SDP_TO_IMS;
	if (len == 7 && strncasecmp(dir, "browser", 7) == 0)
		return WEBRTC_SDP_TO_BROWSER;
	return -1;
}

int webrtc_sdpfix_body(const char *body, size_t len, int mask, const char *map,
					   size_t maplen, char *out, char *tmp, size_t outsz,
					   int *removed, int *changed)
{
	int n;

	*removed = 0;
	*changed = 0;
	n = webrtc_sdp_clean(body, len, mask, maplen ? tmp : out, outsz, removed);
	if (n < 0)
		return WEBRTC_SDPFIX_NO_ROOM;
	if (maplen == 0)
		return n;
	n = webrtc_sdp_te_restore(tmp, (size_t)n, map, maplen, out, outsz, changed);
	return n < 0 ? WEBRTC_SDPFIX_BAD_MAP : n;
}

int webrtc_sdpfix_reoffer(const char *answer, size_t alen, const char *omap,
						  size_t omaplen, const char *offer, size_t olen,
						  char *out, size_t outsz, char *chg, size_t chgsz)
{
	char amap[WEBRTC_TE_MAP_MAX];
	int an, cn, n, added = 0;

	if (chgsz > 0)
		chg[0] = '\0';
	an = webrtc_sdp_te_map(answer, alen, amap, sizeof(amap));
	if (an <= 0 || omaplen == 0)
		return 0;
	cn = webrtc_te_changed(omap, omaplen, amap, (size_t)an, chg, chgsz);
	if (cn < 0)
		return WEBRTC_SDPFIX_BAD_MAP;
	if (cn == 0)
		return 0;
	n = webrtc_te_inject(offer, olen, chg, (size_t)cn, out, outsz, &added);
	if (n < 0 || added == 0)
		return WEBRTC_SDPFIX_NOT_ADDED;
	return n;
}
