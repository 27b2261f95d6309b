/*
 * libFuzzer target: where iwg-probe sends a SIP message arriving on a
 * shared WebSocket (tools/probe/probe_dispatch.c), for any parsed message:
 * the first byte says whether its Call-ID is routed to a call, is the
 * connection's own, and whether a call waits; the rest is the message. The
 * answer is checked against the rules of probe_dispatch.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/probe/probe_dispatch.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128], own[64] = "line-call-id";
	int call, waiter, routed = 0, is_own = 0;
	probe_sip_msg m;
	probe_route r;
	probe_dispatch d;
	void *v = &r;

	if (size < 1 ||
		probe_sip_parse((const char *)data + 1, size - 1, &m, err,
						sizeof(err)) < 0 ||
		probe_route_init(&r, 4) < 0)
		return 0;
	if (m.call_id.s && (data[0] & 1))
		routed = probe_route_add(&r, m.call_id.s, m.call_id.len, &call) == 0;
	if (m.call_id.s && (data[0] & 2) && m.call_id.len < sizeof(own)) {
		memcpy(own, m.call_id.s, m.call_id.len);
		own[m.call_id.len] = 0;
		is_own = 1;
	}
	if (data[0] & 4)
		probe_route_wait(&r, &waiter);
	d = probe_dispatch_msg(&r, &m, own, &v);
	check((d == PROBE_DISPATCH_CALL) == routed);
	check(v == (routed ? (void *)&call : NULL));
	if (!routed && is_own)
		check(m.is_request ? d == PROBE_DISPATCH_481 ||
									 (d == PROBE_DISPATCH_DROP &&
									  probe_str_eq(m.method, "ACK"))
						   : d == PROBE_DISPATCH_LINE);
	if (d == PROBE_DISPATCH_TAKE || d == PROBE_DISPATCH_BUSY)
		check(m.is_request && probe_str_eq(m.method, "INVITE") && !m.to_tag.s &&
			  !routed && !is_own &&
			  (d == PROBE_DISPATCH_TAKE) == (r.nwaiting > 0));
	if (d == PROBE_DISPATCH_LINE)
		check(!m.is_request && is_own);
	if (d == PROBE_DISPATCH_481)
		check(m.is_request && !probe_str_eq(m.method, "ACK"));
	probe_route_free(&r);
	return 0;
}
