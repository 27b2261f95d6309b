/*
 * iwg_webrtc: what an initial request from a registered browser (mobile
 * originating, MO) gets on its way to the IMS, decided from the browser's
 * registration and the request's P-Preferred-Identity: the identity to
 * assert (RFC 3325, TS 24.229 5.2.6.3.3) and the Route preloaded from the
 * Service-Route (RFC 3608) with the next hop it names. Pure C: no Kamailio
 * header; nothing allocates, spans point into the caller's strings.
 */
#ifndef IWG_WEBRTC_MO_H
#define IWG_WEBRTC_MO_H

#include <stddef.h>

#include "webrtc_ident.h"

typedef enum webrtc_mo_rc {
	WEBRTC_MO_OK = 0,
	WEBRTC_MO_BAD_PPI = -1,		/* P-Preferred-Identity not exactly one
								 * parsable URI: send 400 */
	WEBRTC_MO_FOREIGN_PPI = -2, /* P-Preferred-Identity outside the
								 * P-Associated-URI set: send 403 */
	WEBRTC_MO_BAD_SROUTE = -3,	/* the stored Service-Route does not parse */
	WEBRTC_MO_NO_ROOM = -4,		/* out too small */
	/* the identity cannot stand between '<' and '>' (sip_hdr_uri_safe:
	 * empty; a CR, LF, NUL, space, control or non-ASCII byte; '<', '>'
	 * or '"') */
	WEBRTC_MO_BAD_VALUE = -5
} webrtc_mo_rc_t;

/* room for the Route line of a Service-Route of len bytes */
#define WEBRTC_MO_ROUTE_SIZE(len) ((len) + 2 * WEBRTC_PAU_MAX + 16)
/* room for the P-Asserted-Identity line of an identity of len bytes */
#define WEBRTC_MO_PAI_SIZE(len) ((len) + 32)

/* webrtc_mo_identity: the identity to assert for a request from a browser
 * registered as aor with the P-Associated-URI set pau (comma-joined header
 * values of the 2xx to its REGISTER; empty or unparsable: the set is aor
 * alone), given the body of the request's first P-Preferred-Identity
 * header ppi (NULL: the request has none). Without ppi it is the default
 * (first) identity; with ppi it is the URI of the set equal to it (see
 * webrtc_uri_equal()), or, when none is and fallback is set, the default
 * identity. Sets *id to a slice of pau or aor. Returns WEBRTC_MO_OK,
 * WEBRTC_MO_BAD_PPI or WEBRTC_MO_FOREIGN_PPI (*id then unset). */
webrtc_mo_rc_t webrtc_mo_identity(const char *pau, size_t paulen,
								  const char *aor, size_t aorlen,
								  const char *ppi, size_t ppilen, int fallback,
								  webrtc_span_t *id);

/* webrtc_mo_pai: the header line "P-Asserted-Identity: <ID>\r\n" for the
 * identity id into out (outsz bytes, NUL-terminated;
 * WEBRTC_MO_PAI_SIZE(id.len) is enough). The identity comes from the
 * registration (the core's P-Associated-URI, or the AOR): one that cannot
 * stand between '<' and '>' (sip_hdr_uri_safe; a '>' would let it add a
 * second identity) is WEBRTC_MO_BAD_VALUE. Returns the length,
 * WEBRTC_MO_BAD_VALUE or WEBRTC_MO_NO_ROOM. */
int webrtc_mo_pai(webrtc_span_t id, char *out, size_t outsz);

/* webrtc_mo_route: the Route line preloading the Service-Route sroute
 * (comma-joined header values of the 2xx to the REGISTER, not
 * NUL-terminated): "Route: E1, E2, ...\r\n", each element as the 2xx gave
 * it (display name, <URI> and parameters, trimmed), into out (outsz bytes,
 * NUL-terminated; WEBRTC_MO_ROUTE_SIZE(sroutelen) is enough), and the URI
 * of its first element, where the request goes next, in *next_hop (a slice
 * of sroute). Returns the length; 0 when sroute holds no element (no Route
 * to add, *next_hop empty); WEBRTC_MO_BAD_SROUTE when sroute does not
 * parse or holds more than WEBRTC_PAU_MAX elements; WEBRTC_MO_NO_ROOM. */
int webrtc_mo_route(const char *sroute, size_t sroutelen, char *out,
					size_t outsz, webrtc_span_t *next_hop);

/* webrtc_mo_rc_str: a short English text for rc (a static string) */
const char *webrtc_mo_rc_str(int rc);

#endif
