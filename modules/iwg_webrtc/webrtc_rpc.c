/*
 * iwg_webrtc: RPC commands, see webrtc_rpc.h.
 */
#include <string.h>
#include <time.h>

#include "core/ip_addr.h"
#include "core/rpc.h"

#include "webrtc_reg.h"
#include "webrtc_rpc.h"

typedef struct rpc_walk {
	rpc_t *rpc;
	void *c;
	time_t now;
} rpc_walk_t;

static int rpc_list_one(const webrtc_reg_t *r, void *arg)
{
	rpc_walk_t *w = arg;
	void *th;
	struct ip_addr ip;

	memset(&ip, 0, sizeof(ip));
	ip.af = r->flow.af == 6 ? AF_INET6 : AF_INET;
	ip.len = r->flow.af == 6 ? 16 : 4;
	memcpy(ip.u.addr, r->flow.addr, ip.len);
	if (w->rpc->add(w->c, "{", &th) < 0)
		return 1;
	w->rpc->struct_add(th, "SSdsdSSSd", "contact", &r->contact, "aor", &r->aor,
					   "conid", (int)r->flow.conid, "source", ip_addr2a(&ip),
					   "port", (int)r->flow.port, "service_route", &r->sroute,
					   "associated_uris", &r->pau, "path", &r->path, "expires",
					   (int)(r->expires - w->now));
	return 0;
}

static void webrtc_rpc_list(rpc_t *rpc, void *c)
{
	rpc_walk_t w = {rpc, c, time(NULL)};
	webrtc_reg_walk(rpc_list_one, &w);
}

static const char *webrtc_rpc_list_doc[2] = {
		"List the registrations relayed to the IMS: contact, AOR, flow, "
		"expiry, Service-Route, P-Associated-URI.",
		0};

rpc_export_t webrtc_rpc_cmds[] = {
		{"webrtc.list", webrtc_rpc_list, webrtc_rpc_list_doc, RET_ARRAY},
		{0, 0, 0, 0}};
