/*
 * verto_takeover.h - a Verto session another node held, taken over by
 * this one (Kamailio glue, WebSocket process). The client's login with
 * the sessid reached this node after the session's node died: the login
 * lane claimed the session in Redis (verto_ha_claim); here the session and
 * its answered calls are rebuilt from the stored state (verto_state.h):
 * the engine's session and calls (detached, answered: the login resumes
 * them with verto.attach and a fresh offer from rtpengine), and per call
 * its SIP dialog with tm (Call-ID, tags, CSeqs, URIs, remote target, route
 * set) and its Call-ID in the shared set, so that this node's SIP workers
 * take the contact center's requests. Once the browser answered the
 * re-attach offer, this node sends a re-INVITE with its own Contact and
 * the last SDP sent toward the contact center (version one higher; the
 * rtpengine call toward it is unchanged): the contact center's later
 * requests (BYE) come here.
 */
#ifndef IWG_VERTO_TAKEOVER_H
#define IWG_VERTO_TAKEOVER_H

#include "verto_engine.h"
#include "verto_state.h"

/*
 * Rebuild session st (claimed by this node) for identity id in engine e.
 * st's SDPs are copied (st is the caller's). Returns the number of calls
 * rebuilt (a call whose dialog cannot be rebuilt is left out and logged),
 * or -1 when the session cannot be made here (its sessid in use, no room,
 * out of memory); the login then goes on as one without a known sessid.
 */
int verto_takeover_adopt(verto_engine *e, const verto_state *st,
						 const verto_identity *id);

/* loop tick: take-over re-INVITEs due again (after a 491) are sent */
void verto_takeover_tick(void);

#endif
