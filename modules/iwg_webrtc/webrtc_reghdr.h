/*
 * iwg_webrtc: the header values iwg writes into a browser's REGISTER and
 * into the de-REGISTER it sends when the browser's WebSocket closes: the
 * Path entry with the flow token (RFC 3327, RFC 5626), the option tags
 * Supported misses, the auth-done Authorization of a web-credential
 * registration with its default realm, the de-REGISTER's headers and From
 * tag. Pure C: no Kamailio header. Nothing here allocates: every function
 * writes into the caller's buffer and never past outsz.
 */
#ifndef IWG_WEBRTC_REGHDR_H
#define IWG_WEBRTC_REGHDR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "webrtc_flow.h"

/* room for a Path value: the token, the path_host and the fixed text */
#define WEBRTC_REGHDR_PATH_MAX (WEBRTC_FLOW_TOKEN_MAX + 160)
/* the longest path_host that fits WEBRTC_REGHDR_PATH_MAX */
#define WEBRTC_REGHDR_HOST_MAX 100

/* option tags a REGISTER's Supported headers already name */
#define WEBRTC_REGHDR_HAS_PATH	   1
#define WEBRTC_REGHDR_HAS_OUTBOUND 2

/* room for the de-REGISTER headers beyond the contact, Path and
 * Authorization values */
#define WEBRTC_REGHDR_DEREG_EXTRA 128

/* room for a de-REGISTER From tag */
#define WEBRTC_REGHDR_TAG_MAX 32

/* webrtc_reghdr_path: writes the Path value "<sip:TOKEN@HOST;lr;ob>" of
 * flow f, TOKEN its flow token under key (keylen bytes, see
 * webrtc_flow_encode()), HOST host (hostlen bytes, not NUL-terminated),
 * into out (outsz bytes, NUL-terminated). Returns the length, or -1 when
 * the token cannot be made (f->af not 4 or 6, empty key) or out is short
 * (WEBRTC_REGHDR_PATH_MAX is enough for a host of up to 100 bytes). */
int webrtc_reghdr_path(const webrtc_flow_t *f, const uint8_t *key,
					   size_t keylen, const char *host, size_t hostlen,
					   char *out, size_t outsz);

/* webrtc_reghdr_supported: the header line a REGISTER needs so that its
 * Supported headers name both path and outbound, given the tags it already
 * names (have: WEBRTC_REGHDR_HAS_* bits): "Supported: path, outbound\r\n",
 * "Supported: path\r\n" or "Supported: outbound\r\n", into out (outsz
 * bytes, NUL-terminated). Returns the length, 0 when nothing is missing
 * (out then holds ""), or -1 when out is short (32 bytes are enough). */
int webrtc_reghdr_supported(unsigned int have, char *out, size_t outsz);

/* webrtc_reghdr_auth: the auth-done Authorization value
 * (webrtc_auth_done_value()) for the private identity impi, the realm and
 * the REGISTER's Request-URI ruri (none NUL-terminated), into out (outsz
 * bytes, WEBRTC_AUTH_VALUE_MAX is enough). realm NULL or empty (realmlen
 * 0) means the host of ruri, the home network domain (TS 24.229 5.1.1.2).
 * Returns the length (> 0), or a webrtc_auth_rc_t (< 0):
 * WEBRTC_AUTH_BAD_URI also when ruri has no host for the default realm. */
int webrtc_reghdr_auth(const char *impi, size_t impilen, const char *realm,
					   size_t realmlen, const char *ruri, size_t rurilen,
					   char *out, size_t outsz);

/* webrtc_reghdr_dereg: the headers of the de-REGISTER of one binding, as
 * tm's request builder takes them (each line ending in CRLF):
 *
 *   Contact: <CONTACT>;expires=0
 *   Path: PATH
 *   Supported: path, outbound
 *   Expires: 0
 *   Authorization: AUTH          (only when authlen > 0)
 *
 * contact is the binding as the IMS holds it, path the Path value of the
 * REGISTER, auth the auth-done value of a web-credential registration
 * (none NUL-terminated). Writes into out (outsz bytes, NUL-terminated;
 * contactlen + pathlen + authlen + WEBRTC_REGHDR_DEREG_EXTRA is enough).
 * Returns the length, or -1 when out is short or a value has a CR, LF or
 * NUL (sip_hdr_value_safe). */
int webrtc_reghdr_dereg(const char *contact, size_t contactlen,
						const char *path, size_t pathlen, const char *auth,
						size_t authlen, char *out, size_t outsz);

/* webrtc_reghdr_dereg_tag: the From tag of a de-REGISTER for connection
 * conid sent at now: "iwg" then conid and now in lower-case hex, into out
 * (outsz bytes, NUL-terminated; WEBRTC_REGHDR_TAG_MAX is enough). Returns
 * the length, or -1 when out is short. */
int webrtc_reghdr_dereg_tag(uint32_t conid, time_t now, char *out,
							size_t outsz);

#endif
