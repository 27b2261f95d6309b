/*
 * iwg_webrtc: asserted identity and preloaded Route of a browser's initial
 * request, see webrtc_mo.h.
 */
#include <stdio.h>
#include <string.h>

#include "sip/sip_hdr.h"
#include "webrtc_mo.h"

webrtc_mo_rc_t webrtc_mo_identity(const char *pau, size_t paulen,
								  const char *aor, size_t aorlen,
								  const char *ppi, size_t ppilen, int fallback,
								  webrtc_span_t *id)
{
	webrtc_span_t set[WEBRTC_PAU_MAX], pp[2];
	int nset = 0, npp = 0, idx = 0;

	if (paulen > 0 &&
		webrtc_addr_list_parse(pau, paulen, set, WEBRTC_PAU_MAX, &nset) < 0)
		nset = 0;
	if (nset == 0) {
		/* no P-Associated-URI in the 2xx: the registered AOR */
		set[0].s = aor;
		set[0].len = aorlen;
		nset = 1;
	}
	if (ppi) {
		if (webrtc_addr_list_parse(ppi, ppilen, pp, 2, &npp) < 0 || npp != 1)
			return WEBRTC_MO_BAD_PPI;
		idx = webrtc_ident_choose(set, nset, pp[0].s, pp[0].len);
		if (idx < 0 && !fallback)
			return WEBRTC_MO_FOREIGN_PPI;
		if (idx < 0)
			idx = 0;
	}
	*id = set[idx];
	return WEBRTC_MO_OK;
}

int webrtc_mo_pai(webrtc_span_t id, char *out, size_t outsz)
{
	int n;

	/* a '>' in it would let the value assert a second identity */
	if (!sip_hdr_uri_safe(id.s, id.len, NULL))
		return WEBRTC_MO_BAD_VALUE;
	n = snprintf(out, outsz, "P-Asserted-Identity: <%.*s>\r\n", (int)id.len,
				 id.s);
	return (n < 0 || (size_t)n >= outsz) ? WEBRTC_MO_NO_ROOM : n;
}

int webrtc_mo_route(const char *sroute, size_t sroutelen, char *out,
					size_t outsz, webrtc_span_t *next_hop)
{
	webrtc_span_t el[WEBRTC_PAU_MAX], uri[WEBRTC_PAU_MAX];
	int nel = 0, nuri = 0, i, n;
	size_t len = 0;

	next_hop->s = NULL;
	next_hop->len = 0;
	if (outsz > 0)
		out[0] = '\0';
	if (sroutelen == 0)
		return 0;
	if (webrtc_addr_list_elems(sroute, sroutelen, el, WEBRTC_PAU_MAX, &nel) < 0)
		return WEBRTC_MO_BAD_SROUTE;
	if (nel == 0)
		return 0;
	if (webrtc_addr_list_parse(sroute, sroutelen, uri, WEBRTC_PAU_MAX, &nuri) <
				0 ||
		nuri == 0)
		return WEBRTC_MO_BAD_SROUTE;
	for (i = 0; i < nel; i++)
		if (!sip_hdr_value_safe(el[i].s, el[i].len))
			return WEBRTC_MO_BAD_SROUTE;
	for (i = 0; i <= nel; i++) {
		if (i == nel)
			n = snprintf(out + len, outsz - len, "\r\n");
		else
			n = snprintf(out + len, outsz - len, "%s%.*s",
						 i ? ", " : "Route: ", (int)el[i].len, el[i].s);
		if (n < 0 || (size_t)n >= outsz - len)
			return WEBRTC_MO_NO_ROOM;
		len += (size_t)n;
	}
	*next_hop = uri[0];
	return (int)len;
}

const char *webrtc_mo_rc_str(int rc)
{
	switch (rc) {
	case WEBRTC_MO_OK:
		return "ok";
	case WEBRTC_MO_BAD_PPI:
		return "P-Preferred-Identity is not one URI";
	case WEBRTC_MO_FOREIGN_PPI:
		return "P-Preferred-Identity not in the P-Associated-URI set";
	case WEBRTC_MO_BAD_SROUTE:
		return "stored Service-Route does not parse";
	case WEBRTC_MO_NO_ROOM:
		return "no room";
	case WEBRTC_MO_BAD_VALUE:
		return "the identity cannot stand between < and > (empty, or a CR, "
			   "LF, NUL, space, control or non-ASCII byte, <, > or \")";
	}
	return "unknown error";
}
