/*
 * iwg_webrtc: REGISTER and de-REGISTER header values, see webrtc_reghdr.h.
 */
#include <stdio.h>
#include <string.h>

#include "sip/sip_hdr.h"
#include "webrtc_auth.h"
#include "webrtc_ident.h"
#include "webrtc_reghdr.h"

/* the result of snprintf into out (outsz bytes): the length or -1 */
static int fits(int n, size_t outsz)
{
	return (n < 0 || (size_t)n >= outsz) ? -1 : n;
}

int webrtc_reghdr_path(const webrtc_flow_t *f, const uint8_t *key,
					   size_t keylen, const char *host, size_t hostlen,
					   char *out, size_t outsz)
{
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];

	if (outsz > 0)
		out[0] = '\0';
	if (webrtc_flow_encode(f, key, keylen, tok, sizeof(tok)) < 0)
		return -1;
	return fits(snprintf(out, outsz, "<sip:%s@%.*s;lr;ob>", tok, (int)hostlen,
						 host),
				outsz);
}

int webrtc_reghdr_supported(unsigned int have, char *out, size_t outsz)
{
	int path = (have & WEBRTC_REGHDR_HAS_PATH) != 0;
	int ob = (have & WEBRTC_REGHDR_HAS_OUTBOUND) != 0;

	if (path && ob) {
		if (outsz == 0)
			return -1;
		out[0] = '\0';
		return 0;
	}
	return fits(snprintf(out, outsz, "Supported: %s%s%s\r\n",
						 path ? "" : "path", (!path && !ob) ? ", " : "",
						 ob ? "" : "outbound"),
				outsz);
}

int webrtc_reghdr_auth(const char *impi, size_t impilen, const char *realm,
					   size_t realmlen, const char *ruri, size_t rurilen,
					   char *out, size_t outsz)
{
	const char *h = realm;
	size_t hl = realmlen;

	if (realm == NULL || realmlen == 0) {
		if (outsz > 0)
			out[0] = '\0';
		if (webrtc_auth_realm_of(ruri, rurilen, &h, &hl) < 0)
			return WEBRTC_AUTH_BAD_URI;
	}
	return webrtc_auth_done_value(impi, impilen, h, hl, ruri, rurilen, out,
								  outsz);
}

int webrtc_reghdr_dereg(const char *contact, size_t contactlen,
						const char *path, size_t pathlen, const char *auth,
						size_t authlen, char *out, size_t outsz)
{
	int n, m;

	if (!sip_hdr_value_safe(contact, contactlen) ||
		!sip_hdr_value_safe(path, pathlen) ||
		!sip_hdr_value_safe(auth, authlen))
		return -1;
	n = fits(snprintf(out, outsz,
					  "Contact: <%.*s>;expires=0\r\nPath: %.*s\r\n"
					  "Supported: path, outbound\r\nExpires: 0\r\n",
					  (int)contactlen, contact, (int)pathlen, path),
			 outsz);
	if (n < 0 || authlen == 0)
		return n;
	/* a web-credential registration: the same authority as its REGISTER */
	m = fits(snprintf(out + n, outsz - (size_t)n, "Authorization: %.*s\r\n",
					  (int)authlen, auth),
			 outsz - (size_t)n);
	return m < 0 ? -1 : n + m;
}

int webrtc_reghdr_dereg_tag(uint32_t conid, time_t now, char *out, size_t outsz)
{
	return fits(snprintf(out, outsz, "iwg%x%lx", (unsigned)conid,
						 (unsigned long)now),
				outsz);
}
