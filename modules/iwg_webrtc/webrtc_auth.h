/*
 * iwg_webrtc: the Authorization header of a REGISTER that iwg relays on a
 * web credential (TS 24.371 clause 6, scenario 2: the user signed on with a
 * web token checked at this eP-CSCF; TS 33.203 trusted node authentication):
 *
 *   Digest username="IMPI", realm="REALM", uri="R-URI", nonce="",
 *   response="", integrity-protected="auth-done"
 *
 * tells the S-CSCF that the user was authenticated at the edge (TS 24.229
 * 5.4.1.1 chooses the authentication by the integrity-protected value).
 * Pure C: no Kamailio header.
 */
#ifndef IWG_WEBRTC_AUTH_H
#define IWG_WEBRTC_AUTH_H

#include <stddef.h>

/* longest IMPI, realm and URI accepted */
#define WEBRTC_AUTH_IMPI_MAX  256
#define WEBRTC_AUTH_REALM_MAX 256
#define WEBRTC_AUTH_URI_MAX	  512
/* room for the longest header value (fixed text and the three fields) */
#define WEBRTC_AUTH_VALUE_MAX \
	(WEBRTC_AUTH_IMPI_MAX + WEBRTC_AUTH_REALM_MAX + WEBRTC_AUTH_URI_MAX + 128)

typedef enum webrtc_auth_rc {
	WEBRTC_AUTH_OK = 0,
	WEBRTC_AUTH_BAD_IMPI = -1,	/* empty, too long, not visible ASCII, or
								 * a '"' or '\' */
	WEBRTC_AUTH_BAD_REALM = -2, /* empty, too long, not a host name */
	WEBRTC_AUTH_BAD_URI = -3,	/* empty, too long, no ':', not visible
								 * ASCII, or a '"' or '\' */
	WEBRTC_AUTH_NO_ROOM = -4	/* out too small */
} webrtc_auth_rc_t;

/* webrtc_auth_done_value: writes into out (size outsz) the Authorization
 * header value above, NUL-terminated, for the private identity impi, the
 * home network realm and the REGISTER's Request-URI uri (none of them
 * NUL-terminated). Nothing is escaped: a field that would need it (a quote,
 * a backslash, a control character or a space) is refused, so the value
 * can never carry another header or parameter. Returns the length written
 * (> 0) or a webrtc_auth_rc_t (< 0; out is then an empty string when
 * outsz > 0). */
int webrtc_auth_done_value(const char *impi, size_t impilen, const char *realm,
						   size_t realmlen, const char *uri, size_t urilen,
						   char *out, size_t outsz);

/* webrtc_auth_realm_of: the host part of a SIP URI (its Request-URI, the
 * home network domain of a REGISTER): sets *host and *hostlen to a slice of
 * uri. Returns 0, or -1 when uri has no host part (no "sip:"/"sips:"
 * scheme, or nothing before ':' ';' '?' after the scheme and userinfo). */
int webrtc_auth_realm_of(const char *uri, size_t urilen, const char **host,
						 size_t *hostlen);

/* webrtc_auth_rc_str: a short English text for rc (a static string) */
const char *webrtc_auth_rc_str(int rc);

#endif
