/*
 * iwg_webrtc: SDP bodies and telephone-event, see webrtc_media.h.
 */
#include <string.h>

#include "core/dprint.h"
#include "core/lvalue.h"
#include "core/mem/mem.h"
#include "core/pvar.h"

#include "webrtc_kmsg.h"
#include "webrtc_media.h"
#include "webrtc_sdp.h"
#include "webrtc_sdpfix.h"

int ki_webrtc_sdp_fix_map(sip_msg_t *msg, str *dir, str *map)
{
	str b;
	char *out = NULL, *tmp = NULL;
	int mask, removed = 0, changed = 0, n, sz, maplen;

	mask = webrtc_sdpfix_dir(dir->s, (size_t)dir->len);
	if (mask < 0) {
		LM_ERR("direction must be \"ims\" or \"browser\", not \"%.*s\"\n",
			   dir->len, dir->s);
		return WRC_ERR;
	}
	if (webrtc_kmsg_body(msg, &b) < 0)
		return WRC_NOOP;
	maplen = (map && map->len > 0) ? map->len : 0;
	sz = WEBRTC_SDPFIX_BODY_SIZE(b.len);
	out = pkg_malloc(sz);
	if (out == NULL || (maplen > 0 && (tmp = pkg_malloc(sz)) == NULL)) {
		PKG_MEM_ERROR;
		goto err;
	}
	n = webrtc_sdpfix_body(b.s, (size_t)b.len, mask, maplen ? map->s : NULL,
						   (size_t)maplen, out, tmp, (size_t)sz, &removed,
						   &changed);
	if (n == WEBRTC_SDPFIX_BAD_MAP)
		LM_ERR("bad telephone-event map \"%.*s\"\n", map->len, map->s);
	if (n < 0)
		goto err;
	if (tmp)
		pkg_free(tmp);
	if (removed == 0 && changed == 0) {
		pkg_free(out);
		return WRC_NOOP;
	}
	if (webrtc_kmsg_body_replace(msg, &b, out, n) < 0) {
		pkg_free(out);
		return WRC_ERR;
	}
	LM_DBG("sdp toward %.*s: %d lines removed, %d telephone-event renumbered\n",
		   dir->len, dir->s, removed, changed);
	return WRC_OK;
err:
	if (out)
		pkg_free(out);
	if (tmp)
		pkg_free(tmp);
	return WRC_ERR;
}

int ki_webrtc_sdp_fix(sip_msg_t *msg, str *dir)
{
	return ki_webrtc_sdp_fix_map(msg, dir, NULL);
}

int ki_webrtc_h264_only(sip_msg_t *msg)
{
	str b;
	char *nb;
	int n, removed = 0;

	if (webrtc_kmsg_body(msg, &b) < 0)
		return WRC_NOOP;
	nb = pkg_malloc(b.len + 1);
	if (nb == NULL) {
		PKG_MEM_ERROR;
		return WRC_ERR;
	}
	n = webrtc_sdp_h264_only(b.s, (size_t)b.len, nb, (size_t)b.len + 1,
							 &removed);
	if (n < 0 || removed == 0) {
		pkg_free(nb);
		return n < 0 ? WRC_ERR : WRC_NOOP;
	}
	if (webrtc_kmsg_body_replace(msg, &b, nb, n) < 0) {
		pkg_free(nb);
		return WRC_ERR;
	}
	LM_DBG("video toward the IMS: %d formats removed\n", removed);
	return WRC_OK;
}

int ki_webrtc_te_reoffer(sip_msg_t *msg, str *offer, str *omap, pv_spec_t *dst)
{
	char chg[WEBRTC_TE_MAP_MAX];
	pv_value_t val;
	str b;
	char *out;
	int n, sz, ret = WRC_ERR;

	if (webrtc_kmsg_body(msg, &b) < 0)
		return WRC_NOOP;
	sz = WEBRTC_SDPFIX_REOFFER_SIZE(offer->len);
	out = pkg_malloc(sz);
	if (out == NULL) {
		PKG_MEM_ERROR;
		return WRC_ERR;
	}
	n = webrtc_sdpfix_reoffer(
			b.s, (size_t)b.len, omap->s, omap->len > 0 ? (size_t)omap->len : 0,
			offer->s, (size_t)offer->len, out, (size_t)sz, chg, sizeof(chg));
	if (n == 0) {
		ret = WRC_NOOP;
		goto out;
	}
	if (n == WEBRTC_SDPFIX_BAD_MAP) {
		LM_ERR("bad telephone-event map \"%.*s\"\n", omap->len, omap->s);
		goto out;
	}
	if (n < 0) {
		LM_WARN("cannot add telephone-event %s to the browser's offer\n", chg);
		ret = WRC_BAD_INPUT;
		goto out;
	}
	memset(&val, 0, sizeof(val));
	val.flags = PV_VAL_STR;
	val.rs.s = out;
	val.rs.len = n;
	if (dst->setf(msg, &dst->pvp, (int)EQ_T, &val) < 0) {
		LM_ERR("cannot set the destination variable\n");
		goto out;
	}
	LM_DBG("IMS answer renumbered telephone-event to %s\n", chg);
	ret = WRC_OK;
out:
	pkg_free(out);
	return ret;
}

int ki_webrtc_te_reoffer_kemi(sip_msg_t *msg, str *offer, str *omap, str *dst)
{
	pv_spec_t *sp = pv_cache_get(dst);

	if (sp == NULL || sp->setf == NULL) {
		LM_ERR("\"%.*s\" is not a writable variable\n", dst->len, dst->s);
		return WRC_ERR;
	}
	return ki_webrtc_te_reoffer(msg, offer, omap, sp);
}

int webrtc_media_te_map(sip_msg_t *msg, str *out)
{
	static char map[WEBRTC_TE_MAP_MAX];
	str b;
	int n;

	if (webrtc_kmsg_body(msg, &b) < 0)
		return -1;
	n = webrtc_sdp_te_map(b.s, (size_t)b.len, map, sizeof(map));
	if (n < 0)
		return -1;
	out->s = map;
	out->len = n;
	return 0;
}
