/*
 * probe_dispatch.h - where a SIP message arriving on a WebSocket shared by
 * many calls (iwg-probe --one-connection) goes: the decision alone, as a
 * pure function of the message, the route table and the connection's own
 * Call-ID (that of its REGISTER), so that it can be tested and fuzzed apart
 * from the sockets. probe_call.c carries it out.
 */
#ifndef IWG_PROBE_DISPATCH_H
#define IWG_PROBE_DISPATCH_H

#include "probe_route.h"
#include "probe_sip.h"

typedef enum probe_dispatch {
	PROBE_DISPATCH_CALL, /* to the call routed under its Call-ID */
	PROBE_DISPATCH_LINE, /* a response to the connection's own REGISTER */
	PROBE_DISPATCH_TAKE, /* a new INVITE: to the call waiting longest */
	PROBE_DISPATCH_BUSY, /* a new INVITE no call waits for: 486 */
	PROBE_DISPATCH_481,	 /* a request of no call, or for the connection's
						  * own Call-ID (it is no dialog): 481 */
	PROBE_DISPATCH_DROP, /* a response of no call, an ACK of none */
} probe_dispatch;

/*
 * The way for the parsed message m on a shared connection whose own
 * Call-ID is own (NUL-terminated), its calls routed in r. With
 * PROBE_DISPATCH_CALL, *call is the value r holds for m's Call-ID; else
 * *call is NULL. TAKE is only given while a value waits in r's queue (the
 * caller takes it with probe_route_take()). Changes nothing.
 */
probe_dispatch probe_dispatch_msg(const probe_route *r, const probe_sip_msg *m,
								  const char *own, void **call);

#endif
