/*
 * iwg_webrtc: the end of a browser's WebSocket connection (README.md 4.7,
 * 4.8): its registrations are dropped and, with dereg_on_close, each live
 * one is de-registered at the IMS core. Kamailio glue over the
 * registration table (webrtc_reg.h) and the de-REGISTER headers of
 * webrtc_reghdr.c.
 */
#ifndef IWG_WEBRTC_CLOSE_H
#define IWG_WEBRTC_CLOSE_H

#include "core/parser/msg_parser.h"

/* webrtc_flow_closed(conid): the WebSocket connection conid closed: drops
 * its registrations and (dereg_on_close) de-registers them at the IMS.
 * Returns the number dropped + 1 (1: none), WRC_ERR for a negative
 * conid. */
int ki_webrtc_flow_closed(sip_msg_t *msg, int conid);

/* webrtc_flow_lost(): in event_route[tcp:closed|reset|timeout] (tcpops):
 * the connection of the event ended, also without a WebSocket close (a
 * browser that vanished). Its id is no longer known to $conid (the
 * connection is gone from Kamailio's table) but is still in the event
 * message's receive info: tcp_read.c copies con->id into
 * con->rcv.proto_reserved1 for every message read, and tcpops hands
 * con->rcv to the event. These events run in TCP main, which cannot send
 * over TCP and must not block: the registrations are only moved to the
 * lost list here; webrtc_close_lost_timer() de-registers them. Returns the
 * number moved + 1, WRC_NOOP when the event carries no connection id. */
int ki_webrtc_flow_lost(sip_msg_t *msg);

/* webrtc_close_lost_timer: a Kamailio timer (every second): de-registers
 * the flows webrtc_flow_lost() moved aside */
void webrtc_close_lost_timer(unsigned int ticks, void *param);

#endif
