/*
 * iwg_webrtc: the REGISTER of a browser on its way to the IMS and the IMS's
 * 2xx on its way back (README.md 4.1, 4.2, 4.10). Kamailio glue over the
 * pure header values of webrtc_reghdr.c; each function returns a script
 * code (WRC_*, webrtc_kmsg.h).
 */
#ifndef IWG_WEBRTC_REGISTER_H
#define IWG_WEBRTC_REGISTER_H

#include "core/parser/msg_parser.h"
#include "core/str.h"

/* webrtc_register(): a REGISTER from a WS/WSS client toward the IMS:
 * checks its Contacts (WRC_BAD_INPUT), adds Path with the flow token and
 * Supported: path, outbound where missing. */
int ki_webrtc_register(sip_msg_t *msg);

/* webrtc_auth_done(impi [, realm]): a REGISTER from a WS/WSS client whose
 * web token was checked here goes to the IMS on this edge's authority:
 * every Authorization and Proxy-Authorization of the browser goes, and
 * "Authorization: Digest username=IMPI, realm, uri, nonce="", response="",
 * integrity-protected="auth-done"" comes (TS 24.371 A.3.2, TS 33.203
 * trusted node authentication). realm NULL or empty: the host of the
 * Request-URI. WRC_BAD_INPUT: the Request-URI has no host for the realm
 * (send 400); WRC_FORBIDDEN: impi or realm cannot be written in the header
 * (empty, quotes, spaces: send 403, the mapping needs fixing). */
int ki_webrtc_auth_done_realm(sip_msg_t *msg, str *impi, str *realm);
int ki_webrtc_auth_done(sip_msg_t *msg, str *impi);

/* webrtc_save([impi [, realm]]): in the onreply_route of a relayed
 * REGISTER, on a 2xx: remembers Service-Route and P-Associated-URI for each
 * contact of the request that the IMS bound, forgets those it did not
 * (webrtc_reg.h). With impi (not NULL nor empty: a web-credential
 * registration, webrtc_auth_done()), the de-REGISTER of a closed WebSocket
 * carries the same auth-done Authorization. WRC_NOOP for a non-2xx or when
 * nothing was saved. */
int ki_webrtc_save_auth(sip_msg_t *msg, str *impi, str *realm);
int ki_webrtc_save(sip_msg_t *msg);

#endif
