/*
 * iwg_webrtc: REGISTER toward the IMS and its 2xx, see webrtc_register.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/ip_addr.h"
#include "core/parser/contact/parse_contact.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_expires.h"
#include "core/parser/parse_supported.h"
#include "core/parser/parse_to.h"
#include "core/parser/parse_uri.h"
#include "core/trim.h"
#include "core/ut.h"

#include "webrtc_auth.h"
#include "webrtc_ident.h"
#include "webrtc_kmsg.h"
#include "webrtc_reg.h"
#include "webrtc_reghdr.h"
#include "webrtc_register.h"

/* a REGISTER from a WS/WSS client, its headers parsed: WRC_OK and its flow
 * in f, else the code a script function returns */
static int register_of_ws(sip_msg_t *msg, webrtc_flow_t *f)
{
	if (msg->first_line.type != SIP_REQUEST ||
		msg->first_line.u.request.method_value != METHOD_REGISTER) {
		LM_ERR("not a REGISTER request\n");
		return WRC_ERR;
	}
	if (webrtc_kmsg_flow(msg, f) < 0)
		return WRC_NOT_WS;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0) {
		LM_WARN("cannot parse the headers of a REGISTER\n");
		return WRC_BAD_INPUT;
	}
	return WRC_OK;
}

/* 0 when every Contact of the REGISTER msg parses and has a host, else -1
 * (logged) */
static int contacts_ok(sip_msg_t *msg)
{
	struct hdr_field *hf;
	contact_body_t *cb;
	contact_t *c;
	sip_uri_t pu;

	if (msg->contact == NULL)
		return 0;
	if (parse_contact_headers(msg) < 0) {
		LM_WARN("garbage Contact in REGISTER from %s:%d\n",
				ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
		return -1;
	}
	for (hf = msg->contact; hf; hf = next_sibling_hdr(hf)) {
		cb = (contact_body_t *)hf->parsed;
		if (cb == NULL)
			return -1;
		if (cb->star)
			continue;
		if (cb->contacts == NULL)
			return -1;
		for (c = cb->contacts; c; c = c->next) {
			if (parse_uri(c->uri.s, c->uri.len, &pu) < 0 || pu.host.len == 0) {
				LM_WARN("bad Contact URI in REGISTER from %s:%d\n",
						ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
				return -1;
			}
		}
	}
	return 0;
}

int ki_webrtc_register(sip_msg_t *msg)
{
	webrtc_flow_t f;
	char pv[WEBRTC_REGHDR_PATH_MAX], hdr[WEBRTC_REGHDR_PATH_MAX + 40];
	unsigned int have = 0;
	int n, tags, rc;

	rc = register_of_ws(msg, &f);
	if (rc != WRC_OK)
		return rc;
	if (contacts_ok(msg) < 0)
		return WRC_BAD_INPUT;
	if (webrtc_kmsg_path(&f, pv, sizeof(pv)) < 0)
		return WRC_ERR;
	n = snprintf(hdr, sizeof(hdr), "Path: %s\r\n", pv);
	if (n < 0 || (size_t)n >= sizeof(hdr) ||
		webrtc_kmsg_hdr_insert(msg, msg->path, hdr, n) < 0)
		return WRC_ERR;
	tags = parse_supported(msg) < 0 ? 0 : (int)get_supported(msg);
	if (tags & F_OPTION_TAG_PATH)
		have |= WEBRTC_REGHDR_HAS_PATH;
	if (tags & F_OPTION_TAG_OUTBOUND)
		have |= WEBRTC_REGHDR_HAS_OUTBOUND;
	n = webrtc_reghdr_supported(have, hdr, sizeof(hdr));
	if (n < 0 || (n > 0 && webrtc_kmsg_hdr_insert(msg, NULL, hdr, n) < 0))
		return WRC_ERR;
	return WRC_OK;
}

/* ---------------------------------------------------------------- web
 * credentials (TS 24.371 clause 6, scenario 2) */

/* the auth-done Authorization value of REGISTER req for impi into out (size
 * sz); see webrtc_reghdr_auth() */
static int auth_value(sip_msg_t *req, str *impi, str *realm, char *out,
					  size_t sz)
{
	str uri = req->first_line.u.request.uri;

	return webrtc_reghdr_auth(impi->s, (size_t)impi->len,
							  realm ? realm->s : NULL,
							  realm && realm->len > 0 ? (size_t)realm->len : 0,
							  uri.s, (size_t)uri.len, out, sz);
}

int ki_webrtc_auth_done_realm(sip_msg_t *msg, str *impi, str *realm)
{
	static const char name[] = "Authorization: ";
	webrtc_flow_t f;
	struct hdr_field *hf;
	char h[WEBRTC_AUTH_VALUE_MAX + sizeof(name) + 2];
	int n, rc;

	rc = register_of_ws(msg, &f);
	if (rc != WRC_OK)
		return rc;
	memcpy(h, name, sizeof(name) - 1);
	n = auth_value(msg, impi, realm, h + sizeof(name) - 1,
				   sizeof(h) - sizeof(name) - 1);
	if (n < 0) {
		LM_WARN("REGISTER of %.*s from %s:%d: no auth-done Authorization: "
				"%s\n",
				msg->to ? get_to(msg)->uri.len : 0,
				msg->to ? get_to(msg)->uri.s : "", ip_addr2a(&msg->rcv.src_ip),
				msg->rcv.src_port, webrtc_auth_rc_str(n));
		return n == WEBRTC_AUTH_BAD_URI ? WRC_BAD_INPUT : WRC_FORBIDDEN;
	}
	for (hf = msg->headers; hf; hf = hf->next) {
		if ((hf->type == HDR_AUTHORIZATION_T || hf->type == HDR_PROXYAUTH_T) &&
			!webrtc_kmsg_hdr_removed(msg, hf) &&
			webrtc_kmsg_hdr_remove(msg, hf) < 0)
			return WRC_ERR;
	}
	n += (int)sizeof(name) - 1;
	memcpy(h + n, "\r\n", 2);
	if (webrtc_kmsg_hdr_insert(msg, NULL, h, n + 2) < 0)
		return WRC_ERR;
	return WRC_OK;
}

int ki_webrtc_auth_done(sip_msg_t *msg, str *impi)
{
	return ki_webrtc_auth_done_realm(msg, impi, NULL);
}

/* ---------------------------------------------------------------- 2xx */

/* expires of reply contact c: its parameter, else the Expires header, else
 * 0 */
static int contact_expires(sip_msg_t *rpl, contact_t *c)
{
	unsigned int v = 0;
	str s;

	if (c->expires && c->expires->body.len > 0) {
		s = c->expires->body;
		if (str2int(&s, &v) == 0)
			return (int)v;
		return 0;
	}
	if (rpl->expires && parse_expires(rpl->expires) == 0)
		return (int)((exp_body_t *)rpl->expires->parsed)->val;
	return 0;
}

/* the expiry the 2xx rpl gives the request contact u (0: not bound; a
 * header whose match says 0 lets a later header have its say) and, in
 * *bound, the binding as the IMS holds it (header mediation may have
 * changed its parameters: the de-REGISTER must name exactly this URI) */
static int bound_expires(sip_msg_t *rpl, const webrtc_span_t *u, str *bound)
{
	struct hdr_field *hf;
	contact_t *c;
	int exp = 0;

	for (hf = rpl->contact; hf && exp == 0; hf = next_sibling_hdr(hf)) {
		contact_body_t *cb = (contact_body_t *)hf->parsed;
		for (c = cb ? cb->contacts : NULL; c; c = c->next) {
			if (webrtc_uri_equal(c->uri.s, (size_t)c->uri.len, u->s, u->len)) {
				exp = contact_expires(rpl, c);
				*bound = c->uri;
				break;
			}
		}
	}
	return exp;
}

/* the contacts of REGISTER req, from the raw header bodies (the request is
 * a shared-memory clone: do not parse it here), into rc (WEBRTC_PAU_MAX);
 * their number, 0 for "*" or unparsable */
static int request_contacts(sip_msg_t *req, webrtc_span_t *rc)
{
	struct hdr_field *hf;
	int nrc = 0;

	for (hf = req->contact; hf; hf = next_sibling_hdr(hf))
		if (webrtc_addr_list_parse(hf->body.s, (size_t)hf->body.len, rc,
								   WEBRTC_PAU_MAX, &nrc) < 0)
			return 0;
	return nrc;
}

int ki_webrtc_save_auth(sip_msg_t *msg, str *impi, str *realm)
{
	tm_cell_t *t;
	sip_msg_t *req;
	webrtc_span_t rc[WEBRTC_PAU_MAX];
	int nrc, i, saved = 0, exp;
	webrtc_reg_t r;
	str sr = STR_NULL, pau = STR_NULL, cu;
	char pv[WEBRTC_REGHDR_PATH_MAX], av[WEBRTC_AUTH_VALUE_MAX];
	int pvlen, alen;

	if (msg->first_line.type != SIP_REPLY)
		return WRC_ERR;
	if (msg->first_line.u.reply.statuscode < 200 ||
		msg->first_line.u.reply.statuscode >= 300)
		return WRC_NOOP;
	t = webrtc_tmb.t_gett();
	if (t == NULL || t == T_UNDEFINED || t->uas.request == NULL) {
		LM_ERR("no transaction for the REGISTER reply\n");
		return WRC_ERR;
	}
	req = t->uas.request;
	memset(&r, 0, sizeof(r));
	if (webrtc_kmsg_flow(req, &r.flow) < 0)
		return WRC_NOT_WS;
	nrc = request_contacts(req, rc);
	if (nrc == 0)
		return WRC_NOOP;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0 ||
		(msg->contact && parse_contact_headers(msg) < 0)) {
		LM_ERR("cannot parse the 2xx to REGISTER\n");
		return WRC_ERR;
	}
	if (webrtc_kmsg_hdr_join(msg, "Service-Route", &sr) < 0 ||
		webrtc_kmsg_hdr_join(msg, "P-Associated-URI", &pau) < 0)
		goto err;
	pvlen = webrtc_kmsg_path(&r.flow, pv, sizeof(pv));
	if (pvlen < 0)
		goto err;
	r.aor = get_to(req)->uri;
	r.ruri = req->first_line.u.request.uri;
	r.callid = req->callid->body;
	trim(&r.callid);
	r.cseq = 0;
	if (req->cseq && get_cseq(req))
		str2int(&get_cseq(req)->number, &r.cseq);
	r.path.s = pv;
	r.path.len = pvlen;
	r.sock = msg->rcv.bind_address;
	r.sroute = sr;
	r.pau = pau;
	if (impi && impi->len > 0) {
		alen = auth_value(req, impi, realm, av, sizeof(av));
		if (alen < 0) {
			LM_ERR("no auth-done Authorization for the de-REGISTER of "
				   "%.*s: %s\n",
				   r.aor.len, r.aor.s, webrtc_auth_rc_str(alen));
			goto err;
		}
		r.auth.s = av;
		r.auth.len = alen;
	}
	for (i = 0; i < nrc; i++) {
		cu.s = (char *)rc[i].s;
		cu.len = (int)rc[i].len;
		r.contact = cu;
		exp = bound_expires(msg, &rc[i], &r.contact);
		if (exp <= 0) {
			webrtc_reg_del(&cu);
			continue;
		}
		r.expires = time(NULL) + exp;
		if (webrtc_reg_put(&r) < 0)
			goto err;
		saved++;
	}
	webrtc_kmsg_str_free(&sr);
	webrtc_kmsg_str_free(&pau);
	return saved > 0 ? WRC_OK : WRC_NOOP;
err:
	webrtc_kmsg_str_free(&sr);
	webrtc_kmsg_str_free(&pau);
	return WRC_ERR;
}

int ki_webrtc_save(sip_msg_t *msg)
{
	return ki_webrtc_save_auth(msg, NULL, NULL);
}
