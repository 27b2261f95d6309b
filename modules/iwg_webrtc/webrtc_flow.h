/*
 * iwg_webrtc: flow tokens (RFC 5626) binding a Path entry to one WebSocket
 * connection. Pure C: no Kamailio header.
 *
 * A token is base64url (no padding) of
 *
 *   version(1)=1 | proto(1) | conid(4, BE) | port(2, BE) | af(1)=4|6 |
 *   address(4|16) | mac(10)
 *
 * where mac is HMAC-SHA256(key, all previous bytes) truncated to 10 bytes.
 * It is a valid SIP URI user part, so it travels as the user of the Path URI
 * (sip:TOKEN@proxy;lr;ob) and comes back in the Route of requests toward the
 * client.
 */
#ifndef IWG_WEBRTC_FLOW_H
#define IWG_WEBRTC_FLOW_H

#include <stddef.h>
#include <stdint.h>

#define WEBRTC_FLOW_VERSION 1
#define WEBRTC_FLOW_MAC_LEN 10
/* binary length with an IPv6 address, and its base64url length */
#define WEBRTC_FLOW_BIN_MAX	  (9 + 16 + WEBRTC_FLOW_MAC_LEN)
#define WEBRTC_FLOW_TOKEN_MAX ((WEBRTC_FLOW_BIN_MAX * 4 + 2) / 3)
/* minimum key length accepted by webrtc_flow_key_ok(); the module refuses a
 * shorter flow_key with secret_check() (lib/secret), whose SECRET_MIN_LEN is
 * the same */
#define WEBRTC_FLOW_KEY_MIN 32

typedef struct webrtc_flow {
	uint8_t proto;	  /* transport id of the connection (Kamailio's PROTO_*) */
	uint32_t conid;	  /* connection id */
	uint16_t port;	  /* source port of the client */
	uint8_t af;		  /* 4 or 6 */
	uint8_t addr[16]; /* source address of the client, af bytes used */
} webrtc_flow_t;

typedef enum webrtc_flow_rc {
	WEBRTC_FLOW_OK = 0,
	WEBRTC_FLOW_MALFORMED = -1, /* not a token: bad characters or layout */
	WEBRTC_FLOW_FORGED = -2,	/* well-formed, but the MAC does not match */
} webrtc_flow_rc_t;

/* webrtc_flow_key_ok: 1 when a key of keylen bytes is long enough */
int webrtc_flow_key_ok(size_t keylen);

/* webrtc_flow_encode: writes the NUL-terminated token of f to out (outsz
 * bytes, WEBRTC_FLOW_TOKEN_MAX + 1 is always enough). Returns the token
 * length, or -1 if f->af is not 4 or 6, the key is empty or out is short. */
int webrtc_flow_encode(const webrtc_flow_t *f, const uint8_t *key,
					   size_t keylen, char *out, size_t outsz);

/* webrtc_flow_decode: checks the token tok (len bytes, not NUL-terminated)
 * against key and fills f. Returns WEBRTC_FLOW_OK, WEBRTC_FLOW_MALFORMED or
 * WEBRTC_FLOW_FORGED; f is only meaningful on WEBRTC_FLOW_OK. */
webrtc_flow_rc_t webrtc_flow_decode(const char *tok, size_t len,
									const uint8_t *key, size_t keylen,
									webrtc_flow_t *f);

/* webrtc_flow_same_peer: 1 when a and b name the same connection (proto,
 * conid, address and port), else 0 */
int webrtc_flow_same_peer(const webrtc_flow_t *a, const webrtc_flow_t *b);

#endif
