/*
 * iwg_webrtc: MO and MT initial requests, see webrtc_call.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/data_lump.h"
#include "core/dprint.h"
#include "core/forward.h"
#include "core/ip_addr.h"
#include "core/mem/mem.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_from.h"
#include "core/parser/parse_rr.h"
#include "core/parser/parse_uri.h"
#include "core/tcp_conn.h"

#include "webrtc_call.h"
#include "webrtc_kmsg.h"
#include "webrtc_mo.h"
#include "webrtc_reg.h"

/* connection id resolved by the last webrtc_flow_route() in this process,
 * for $webrtc(flow_conid) */
static unsigned int webrtc_last_msg_id = 0;
static int webrtc_last_conid = -1;

/* ---------------------------------------------------------------- MO */

/* the first P-Preferred-Identity of msg (headers parsed), or NULL; -1 when
 * msg carries a P-Asserted-Identity (a browser may not assert one) */
static int find_ppi(sip_msg_t *msg, struct hdr_field **ppi)
{
	struct hdr_field *hf;

	*ppi = NULL;
	for (hf = msg->headers; hf; hf = hf->next) {
		if (hf->type == HDR_PAI_T)
			return -1;
		if (hf->type == HDR_PPI_T && *ppi == NULL)
			*ppi = hf;
	}
	return 0;
}

/* removes the P-Preferred-Identity headers of msg from ppi on, asserts
 * identity id (after the last header) and preloads the Service-Route of r
 * (as the top Route, its first URI the destination); WRC_OK, WRC_ERR, or
 * WRC_BAD_IDENTITY when id cannot be asserted (the request then left as it
 * was) */
static int originate_apply(sip_msg_t *msg, webrtc_reg_t *r,
						   struct hdr_field *ppi, webrtc_span_t id)
{
	webrtc_span_t hop;
	struct hdr_field *hf;
	char *buf;
	int n, len, ret = WRC_ERR;
	str du;

	len = WEBRTC_MO_PAI_SIZE((int)id.len) + WEBRTC_MO_ROUTE_SIZE(r->sroute.len);
	buf = pkg_malloc(len);
	if (buf == NULL) {
		PKG_MEM_ERROR;
		return WRC_ERR;
	}
	/* built first: a refused identity touches nothing */
	n = webrtc_mo_pai(id, buf, (size_t)len);
	if (n < 0) {
		LM_ERR("identity of %.*s not asserted: %s\n", r->aor.len, r->aor.s,
			   webrtc_mo_rc_str(n));
		if (n == WEBRTC_MO_BAD_VALUE) /* the registration's, not ours */
			ret = WRC_BAD_IDENTITY;
		goto out;
	}
	for (hf = ppi; hf; hf = hf->next)
		if (hf->type == HDR_PPI_T && webrtc_kmsg_hdr_remove(msg, hf) < 0)
			goto out;
	if (webrtc_kmsg_hdr_insert(msg, NULL, buf, n) < 0)
		goto out;
	n = webrtc_mo_route(r->sroute.s, (size_t)r->sroute.len, buf, (size_t)len,
						&hop);
	if (n < 0) {
		LM_ERR("Service-Route of %.*s: %s\n", r->aor.len, r->aor.s,
			   webrtc_mo_rc_str(n));
		goto out;
	}
	if (n > 0) {
		parse_headers(msg, HDR_ROUTE_F, 0);
		if (webrtc_kmsg_hdr_insert(msg, msg->route, buf, n) < 0)
			goto out;
	}
	if (hop.len > 0) {
		du.s = (char *)hop.s;
		du.len = (int)hop.len;
		if (set_dst_uri(msg, &du) < 0)
			goto out;
	}
	ret = WRC_OK;
out:
	pkg_free(buf);
	return ret;
}

int ki_webrtc_originate(sip_msg_t *msg)
{
	webrtc_flow_t f;
	webrtc_reg_t *r;
	webrtc_span_t id;
	struct hdr_field *ppi;
	webrtc_mo_rc_t rc;
	str from = STR_NULL;
	int ret;

	if (msg->first_line.type != SIP_REQUEST)
		return WRC_ERR;
	if (webrtc_kmsg_flow(msg, &f) < 0)
		return WRC_NOT_WS;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0)
		return WRC_BAD_INPUT;
	if (find_ppi(msg, &ppi) < 0) {
		LM_WARN("P-Asserted-Identity from WebSocket client %s:%d refused\n",
				ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
		return WRC_FORBIDDEN;
	}
	if (parse_from_header(msg) == 0)
		from = get_from(msg)->uri;
	r = webrtc_reg_find_flow(&f, from.len ? &from : NULL);
	if (r == NULL) {
		LM_INFO("%.*s from a WebSocket connection with no registration\n",
				msg->first_line.u.request.method.len,
				msg->first_line.u.request.method.s);
		return WRC_FORBIDDEN;
	}
	rc = webrtc_mo_identity(r->pau.s, (size_t)r->pau.len, r->aor.s,
							(size_t)r->aor.len, ppi ? ppi->body.s : NULL,
							ppi ? (size_t)ppi->body.len : 0,
							webrtc_kcfg.ppi_fallback, &id);
	if (rc == WEBRTC_MO_OK) {
		ret = originate_apply(msg, r, ppi, id);
	} else if (rc == WEBRTC_MO_FOREIGN_PPI) {
		LM_WARN("P-Preferred-Identity not in the P-Associated-URI set of "
				"%.*s\n",
				r->aor.len, r->aor.s);
		ret = WRC_FORBIDDEN;
	} else {
		ret = WRC_BAD_INPUT;
	}
	webrtc_reg_free(r);
	return ret;
}

/* ---------------------------------------------------------------- MT */

/* the connection of flow f when it is still that client's and usable:
 * sets its address into ip and its listening socket into *si; 0, or -1
 * when it is gone */
static int flow_conn(const webrtc_flow_t *f, struct ip_addr *ip,
					 struct socket_info **si)
{
	struct tcp_connection *con;
	int ok;

	memset(ip, 0, sizeof(*ip));
	ip->af = f->af == 6 ? AF_INET6 : AF_INET;
	ip->len = f->af == 6 ? 16 : 4;
	memcpy(ip->u.addr, f->addr, ip->len);
	con = tcpconn_get((int)f->conid, ip, f->port, NULL, 0);
	if (con == NULL)
		return -1;
	ok = con->id == (int)f->conid && con->rcv.proto == f->proto &&
		 con->rcv.src_port == f->port && ip_addr_cmp(&con->rcv.src_ip, ip) &&
		 con->state != S_CONN_BAD;
	*si = ok ? con->rcv.bind_address : NULL;
	tcpconn_put(con);
	return ok ? 0 : -1;
}

int ki_webrtc_flow_route(sip_msg_t *msg)
{
	rr_t *rr;
	sip_uri_t pu;
	webrtc_flow_t f;
	webrtc_flow_rc_t rc;
	struct ip_addr ip;
	struct socket_info *si = NULL;
	char dbuf[IP_ADDR_MAX_STR_SIZE + 48];
	str du;
	int n;

	if (parse_headers(msg, HDR_ROUTE_F, 0) < 0 || msg->route == NULL)
		return WRC_NO_TOKEN;
	if (parse_rr(msg->route) < 0 || msg->route->parsed == NULL) {
		LM_WARN("unparsable Route header\n");
		return WRC_BAD_INPUT;
	}
	rr = (rr_t *)msg->route->parsed;
	if (parse_uri(rr->nameaddr.uri.s, rr->nameaddr.uri.len, &pu) < 0)
		return WRC_BAD_INPUT;
	if (check_self(&pu.host, pu.port_no ? pu.port_no : SIP_PORT, 0) != 1 ||
		pu.user.len == 0)
		return WRC_NO_TOKEN;
	rc = webrtc_flow_decode(pu.user.s, (size_t)pu.user.len,
							(const uint8_t *)webrtc_kcfg.flow_key.s,
							(size_t)webrtc_kcfg.flow_key.len, &f);
	if (rc != WEBRTC_FLOW_OK) {
		LM_WARN("%s flow token in Route from %s:%d\n",
				rc == WEBRTC_FLOW_FORGED ? "forged" : "malformed",
				ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
		return WRC_FORBIDDEN;
	}
	if (flow_conn(&f, &ip, &si) < 0)
		return WRC_FLOW_FAILED;
	n = snprintf(dbuf, sizeof(dbuf), "sip:%s:%u;transport=%s",
				 ip_addr2strz(&ip), (unsigned)f.port,
				 f.proto == PROTO_WSS ? "wss" : "ws");
	if (n < 0 || (size_t)n >= sizeof(dbuf))
		return WRC_ERR;
	du.s = dbuf;
	du.len = n;
	if (set_dst_uri(msg, &du) < 0)
		return WRC_ERR;
	if (si)
		set_force_socket(msg, si);
	/* consume our Route entry */
	if (rr->next) {
		if (del_lump(msg, rr->nameaddr.name.s - msg->buf,
					 rr->next->nameaddr.name.s - rr->nameaddr.name.s,
					 0) == NULL)
			return WRC_ERR;
	} else if (webrtc_kmsg_hdr_remove(msg, msg->route) < 0) {
		return WRC_ERR;
	}
	webrtc_last_msg_id = msg->id;
	webrtc_last_conid = (int)f.conid;
	return WRC_OK;
}

int webrtc_call_flow_conid(sip_msg_t *msg)
{
	if (msg->id != webrtc_last_msg_id || webrtc_last_conid < 0)
		return -1;
	return webrtc_last_conid;
}
