/*
 * iwg_webrtc: registrations relayed to the IMS, kept in shared memory.
 *
 * One entry per registered contact of a WebSocket client: the flow (the
 * client's connection), the registration's AOR, Call-ID and CSeq, the
 * Service-Route and P-Associated-URI of the last 2xx, the Authorization a
 * web-credential registration's de-REGISTER carries, and its expiry.
 * Entries are hashed by connection id; one lock guards the table. Each entry
 * is one shm block holding its strings; the table owns it.
 */
#ifndef IWG_WEBRTC_REG_H
#define IWG_WEBRTC_REG_H

#include <time.h>

#include "core/ip_addr.h"
#include "core/str.h"

#include "webrtc_flow.h"

typedef struct webrtc_reg {
	struct webrtc_reg *next;
	webrtc_flow_t flow;
	time_t expires;
	unsigned int cseq;
	str contact; /* contact URI, as registered */
	str aor;	 /* To URI of the REGISTER */
	str ruri;	 /* Request-URI of the REGISTER (registrar) */
	str callid;
	str path;	/* our Path header value */
	str sroute; /* Service-Route values of the 2xx, comma-joined */
	str pau;	/* P-Associated-URI values of the 2xx, comma-joined */
	str auth;	/* Authorization value for the de-REGISTER (auth-done of a
				 * web-credential registration), else empty */
	/* the socket the 2xx came in on: the one the REGISTER left from,
	 * where the de-REGISTER leaves from too (a core over TCP or TLS may
	 * answer on a connection of its own, to the Via); sockets are made
	 * before the fork, so the pointer holds in every process; NULL: tm
	 * chooses */
	struct socket_info *sock;
} webrtc_reg_t;

/* webrtc_reg_init: allocates the table in shm (call from mod_init);
 * 0 or -1 */
int webrtc_reg_init(void);
void webrtc_reg_destroy(void);

/* webrtc_reg_put: stores a copy of r (its str fields included; next is
 * ignored), replacing any entry with the same contact URI. 0 or -1 (no shm)
 */
int webrtc_reg_put(const webrtc_reg_t *r);

/* webrtc_reg_del: removes the entries of contact URI c; returns how many */
int webrtc_reg_del(str *c);

/* webrtc_reg_find_flow: copies into pkg memory the live entry of flow f
 * whose AOR equals aor (aor may be NULL: any; when none matches aor, the
 * first live entry of the flow). Returns NULL when the flow has none;
 * release with webrtc_reg_free(). */
webrtc_reg_t *webrtc_reg_find_flow(const webrtc_flow_t *f, str *aor);

/* webrtc_reg_take_conid: unlinks every entry of connection conid and
 * returns them as a list in shm; free each with webrtc_reg_shm_free() */
webrtc_reg_t *webrtc_reg_take_conid(unsigned int conid);

/* webrtc_reg_lose_conid: moves every entry of connection conid to the list
 * of lost flows (for a process that must not send, e.g. TCP main in
 * tcpops' closed events); returns how many moved */
int webrtc_reg_lose_conid(unsigned int conid);

/* webrtc_reg_take_lost: unlinks the list of lost flows and returns it in
 * shm (NULL when empty); free each with webrtc_reg_shm_free() */
webrtc_reg_t *webrtc_reg_take_lost(void);

/* webrtc_reg_expire: drops entries expired at now; returns how many */
int webrtc_reg_expire(time_t now);

/* webrtc_reg_walk: calls fn(entry, arg) for every entry under the lock;
 * fn must not call back into the table. Stops when fn returns non-zero. */
void webrtc_reg_walk(int (*fn)(const webrtc_reg_t *, void *), void *arg);

void webrtc_reg_free(webrtc_reg_t *r);	   /* pkg copy */
void webrtc_reg_shm_free(webrtc_reg_t *r); /* taken entry */

#endif
