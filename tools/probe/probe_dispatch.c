/*
 * probe_dispatch.c - the way of a message on a shared WebSocket (see
 * probe_dispatch.h).
 */
#include <string.h>

#include "probe_dispatch.h"

probe_dispatch probe_dispatch_msg(const probe_route *r, const probe_sip_msg *m,
								  const char *own, void **call)
{
	int ack = m->is_request && probe_str_eq(m->method, "ACK");

	*call = m->call_id.s ? probe_route_find(r, m->call_id.s, m->call_id.len)
						 : NULL;
	if (*call)
		return PROBE_DISPATCH_CALL;
	if (m->call_id.s && m->call_id.len == strlen(own) &&
		!memcmp(m->call_id.s, own, m->call_id.len)) {
		if (!m->is_request)
			return PROBE_DISPATCH_LINE;
		return ack ? PROBE_DISPATCH_DROP : PROBE_DISPATCH_481;
	}
	if (!m->is_request || ack)
		return PROBE_DISPATCH_DROP;
	if (probe_str_eq(m->method, "INVITE") && !m->to_tag.s)
		return r->nwaiting ? PROBE_DISPATCH_TAKE : PROBE_DISPATCH_BUSY;
	return PROBE_DISPATCH_481;
}
