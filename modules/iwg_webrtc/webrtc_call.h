/*
 * iwg_webrtc: initial requests of calls (and other dialogs) between a
 * registered browser and the IMS (README.md 4.3, 4.4): mobile originating
 * (MO, from the browser) and mobile terminating (MT, from the IMS through
 * the browser's Path). Kamailio glue over the pure decisions of
 * webrtc_mo.c and the flow tokens of webrtc_flow.c; each function returns
 * a script code (WRC_*, webrtc_kmsg.h).
 */
#ifndef IWG_WEBRTC_CALL_H
#define IWG_WEBRTC_CALL_H

#include "core/parser/msg_parser.h"

/* webrtc_originate(): an initial request from a registered WS client
 * toward the IMS: refuses a P-Asserted-Identity and an unregistered
 * connection (WRC_FORBIDDEN), replaces P-Preferred-Identity with the
 * P-Asserted-Identity, preloads the Service-Route as Route and sets the
 * destination URI to its first entry. */
int ki_webrtc_originate(sip_msg_t *msg);

/* webrtc_flow_route(): an initial request from the IMS whose top Route is
 * our Path entry: checks the flow token (WRC_FORBIDDEN), sends the request
 * on that WebSocket connection (WRC_FLOW_FAILED when it is gone) and
 * removes the Route entry. WRC_NO_TOKEN when the top Route is not ours. */
int ki_webrtc_flow_route(sip_msg_t *msg);

/* webrtc_call_flow_conid: the connection id the last successful
 * webrtc_flow_route() of this process found for msg ($webrtc(flow_conid)),
 * or -1 when it did not run on msg */
int webrtc_call_flow_conid(sip_msg_t *msg);

#endif
