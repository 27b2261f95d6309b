/*
 * iwg_webrtc: WebRTC access to an IMS core (enhanced P-CSCF signaling,
 * TS 23.228 Annex U / TS 24.371).
 *
 * Kamailio glue only. Flow tokens, identity lists, SDP fixes and the
 * auth-done Authorization of web-credential registrations are pure C
 * (webrtc_flow.c, webrtc_ident.c, webrtc_sdp.c, webrtc_auth.c); the
 * registration table in
 * shared memory is webrtc_reg.c. Script functions return 1 on success and a
 * negative code naming the failure (see README.md), never 0.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/data_lump.h"
#include "core/forward.h"
#include "core/ip_addr.h"
#include "core/mod_fix.h"
#include "core/kemi.h"
#include "core/rpc.h"
#include "core/rpc_lookup.h"
#include "core/pvar.h"
#include "core/lvalue.h"
#include "core/timer.h"
#include "core/tcp_conn.h"
#include "core/ut.h"
#include "core/trim.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_from.h"
#include "core/parser/parse_to.h"
#include "core/parser/parse_uri.h"
#include "core/parser/parse_rr.h"
#include "core/parser/parse_expires.h"
#include "core/parser/parse_supported.h"
#include "core/parser/contact/parse_contact.h"
#include "modules/tm/tm_load.h"
#include "secret/secret.h"

#include "webrtc_auth.h"
#include "webrtc_flow.h"
#include "webrtc_ident.h"
#include "webrtc_reg.h"
#include "webrtc_sdp.h"

MODULE_VERSION

_Static_assert(WEBRTC_FLOW_KEY_MIN == SECRET_MIN_LEN,
			   "webrtc_flow_key_ok() and secret_check() disagree");

/* script return codes (README.md, section 4) */
#define WRC_OK			1
#define WRC_NOOP		2
#define WRC_ERR			-1
#define WRC_BAD_INPUT	-2 /* 400: garbage Contact, no SDP ... */
#define WRC_FORBIDDEN	-3 /* 403: forged token, not registered, spoof */
#define WRC_FLOW_FAILED -4 /* 430: flow token valid, connection gone */
#define WRC_NOT_WS		-5 /* the request did not come over WS/WSS */
#define WRC_NO_TOKEN	-6 /* no flow token Route: not for this function */

#define DEFAULT_WEBRTC_DEREG_ON_CLOSE 1
#define DEFAULT_WEBRTC_PPI_FALLBACK	  0
#define DEFAULT_WEBRTC_TIMER_INTERVAL 10

static str webrtc_flow_key = STR_NULL;	/* required */
static str webrtc_path_host = STR_NULL; /* required */
static str webrtc_ims_core = STR_NULL;	/* required when dereg_on_close */
static int webrtc_dereg_on_close = DEFAULT_WEBRTC_DEREG_ON_CLOSE;
static int webrtc_ppi_fallback = DEFAULT_WEBRTC_PPI_FALLBACK;
static int webrtc_timer_interval = DEFAULT_WEBRTC_TIMER_INTERVAL;

static struct tm_binds tmb;

/* connection id resolved by the last webrtc_flow_route() in this process,
 * for $webrtc(flow_conid) */
static unsigned int webrtc_last_msg_id = 0;
static int webrtc_last_conid = -1;

static int mod_init(void);
static void mod_destroy(void);
static void webrtc_timer(unsigned int ticks, void *param);
static void webrtc_lost_timer(unsigned int ticks, void *param);
static int release_flows(webrtc_reg_t *l);

static int w_webrtc_register(sip_msg_t *msg, char *p1, char *p2);
static int w_webrtc_save(sip_msg_t *msg, char *impi, char *realm);
static int w_webrtc_auth_done(sip_msg_t *msg, char *impi, char *realm);
static int w_webrtc_originate(sip_msg_t *msg, char *p1, char *p2);
static int w_webrtc_flow_route(sip_msg_t *msg, char *p1, char *p2);
static int w_webrtc_sdp_fix(sip_msg_t *msg, char *dir, char *map);
static int w_webrtc_h264_only(sip_msg_t *msg, char *p1, char *p2);
static int w_webrtc_flow_closed(sip_msg_t *msg, char *conid, char *p2);
static int w_webrtc_flow_lost(sip_msg_t *msg, char *p1, char *p2);
static int w_webrtc_te_reoffer(sip_msg_t *msg, char *offer, char *map,
							   char *dst);
static int fixup_te_reoffer(void **param, int param_no);
static int fixup_free_te_reoffer(void **param, int param_no);

static int pv_parse_webrtc_name(pv_spec_t *sp, str *in);
static int pv_get_webrtc(sip_msg_t *msg, pv_param_t *param, pv_value_t *res);

static void webrtc_rpc_list(rpc_t *rpc, void *c);
static const char *webrtc_rpc_list_doc[2] = {
		"List the registrations relayed to the IMS: contact, AOR, flow, "
		"expiry, Service-Route, P-Associated-URI.",
		0};

/* clang-format off */
static cmd_export_t cmds[] = {
	{"webrtc_register", (cmd_function)w_webrtc_register, 0, 0, 0,
		REQUEST_ROUTE},
	{"webrtc_save", (cmd_function)w_webrtc_save, 0, 0, 0, ONREPLY_ROUTE},
	{"webrtc_save", (cmd_function)w_webrtc_save, 1, fixup_spve_null,
		fixup_free_spve_null, ONREPLY_ROUTE},
	{"webrtc_save", (cmd_function)w_webrtc_save, 2, fixup_spve_spve,
		fixup_free_spve_spve, ONREPLY_ROUTE},
	{"webrtc_auth_done", (cmd_function)w_webrtc_auth_done, 1, fixup_spve_null,
		fixup_free_spve_null, REQUEST_ROUTE},
	{"webrtc_auth_done", (cmd_function)w_webrtc_auth_done, 2, fixup_spve_spve,
		fixup_free_spve_spve, REQUEST_ROUTE},
	{"webrtc_originate", (cmd_function)w_webrtc_originate, 0, 0, 0,
		REQUEST_ROUTE},
	{"webrtc_flow_route", (cmd_function)w_webrtc_flow_route, 0, 0, 0,
		REQUEST_ROUTE},
	{"webrtc_sdp_fix", (cmd_function)w_webrtc_sdp_fix, 1, fixup_spve_null,
		fixup_free_spve_null, REQUEST_ROUTE | ONREPLY_ROUTE},
	{"webrtc_sdp_fix", (cmd_function)w_webrtc_sdp_fix, 2, fixup_spve_spve,
		fixup_free_spve_spve, REQUEST_ROUTE | ONREPLY_ROUTE},
	{"webrtc_h264_only", (cmd_function)w_webrtc_h264_only, 0, 0, 0,
		REQUEST_ROUTE | ONREPLY_ROUTE},
	{"webrtc_flow_closed", (cmd_function)w_webrtc_flow_closed, 1,
		fixup_igp_null, fixup_free_igp_null, ANY_ROUTE},
	{"webrtc_flow_lost", (cmd_function)w_webrtc_flow_lost, 0, 0, 0,
		EVENT_ROUTE},
	{"webrtc_te_reoffer",
		(cmd_function)(void (*)(void))w_webrtc_te_reoffer, 3,
		fixup_te_reoffer, fixup_free_te_reoffer, REQUEST_ROUTE | ONREPLY_ROUTE},
	{0, 0, 0, 0, 0, 0}
};

static param_export_t params[] = {
	{"flow_key", PARAM_STR, &webrtc_flow_key},
	{"path_host", PARAM_STR, &webrtc_path_host},
	{"ims_core", PARAM_STR, &webrtc_ims_core},
	{"dereg_on_close", PARAM_INT, &webrtc_dereg_on_close},
	{"ppi_fallback", PARAM_INT, &webrtc_ppi_fallback},
	{"timer_interval", PARAM_INT, &webrtc_timer_interval},
	{0, 0, 0}
};

static pv_export_t mod_pvs[] = {
	{{"webrtc", sizeof("webrtc") - 1}, PVT_OTHER, pv_get_webrtc, 0,
		pv_parse_webrtc_name, 0, 0, 0},
	{{0, 0}, 0, 0, 0, 0, 0, 0, 0}
};

static rpc_export_t webrtc_rpc_cmds[] = {
	{"webrtc.list", webrtc_rpc_list, webrtc_rpc_list_doc, RET_ARRAY},
	{0, 0, 0, 0}
};

struct module_exports exports = {
	"iwg_webrtc",    /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	cmds,            /* cfg functions */
	params,          /* parameters */
	0,               /* RPC commands (registered in mod_init) */
	mod_pvs,         /* pseudo-variables */
	0,               /* response handling */
	mod_init,        /* module init */
	0,               /* per-child init */
	mod_destroy      /* module destroy */
};
/* clang-format on */

/* ---------------------------------------------------------------- init */

static int mod_init(void)
{
	char why[128];

	if (secret_check(webrtc_flow_key.s, (size_t)webrtc_flow_key.len, why,
					 sizeof(why)) < 0) {
		LM_ERR("modparam 'flow_key' (IWG_FLOW_KEY in site.cfg) %s\n", why);
		return -1;
	}
	if (webrtc_path_host.s == NULL || webrtc_path_host.len == 0) {
		LM_ERR("modparam 'path_host' is required (host[:port] of this proxy "
			   "toward the IMS)\n");
		return -1;
	}
	if (webrtc_dereg_on_close &&
		(webrtc_ims_core.s == NULL || webrtc_ims_core.len == 0)) {
		LM_ERR("modparam 'ims_core' is required when dereg_on_close is "
			   "set\n");
		return -1;
	}
	if (webrtc_timer_interval <= 0) {
		LM_ERR("modparam 'timer_interval' must be > 0\n");
		return -1;
	}
	if (load_tm_api(&tmb) < 0) {
		LM_ERR("cannot load the tm API: load tm.so before iwg_webrtc.so\n");
		return -1;
	}
	if (rpc_register_array(webrtc_rpc_cmds) != 0) {
		LM_ERR("cannot register the RPC commands\n");
		return -1;
	}
	if (webrtc_reg_init() < 0)
		return -1;
	if (register_timer(webrtc_timer, 0, (unsigned)webrtc_timer_interval) < 0 ||
		register_timer(webrtc_lost_timer, 0, 1) < 0) {
		LM_ERR("cannot register the timers\n");
		return -1;
	}
	return 0;
}

static void mod_destroy(void)
{
	webrtc_reg_destroy();
}

/* every second, in the timer process: de-registers the flows
 * webrtc_flow_lost() moved aside */
static void webrtc_lost_timer(unsigned int ticks, void *param)
{
	int n;

	(void)ticks;
	(void)param;
	n = release_flows(webrtc_reg_take_lost());
	if (n > 0)
		LM_INFO("%d registrations of lost connections dropped\n", n);
}

static void webrtc_timer(unsigned int ticks, void *param)
{
	int n = webrtc_reg_expire(time(NULL));
	(void)ticks;
	(void)param;
	if (n > 0)
		LM_DBG("%d registrations expired\n", n);
}

/* ---------------------------------------------------------------- helpers */

static int is_ws_proto(int proto)
{
	return proto == PROTO_WS || proto == PROTO_WSS;
}

/* the flow (WebSocket connection) a request arrived on; 0 or -1 */
static int flow_of_msg(sip_msg_t *msg, webrtc_flow_t *f)
{
	memset(f, 0, sizeof(*f));
	if (!is_ws_proto(msg->rcv.proto))
		return -1;
	f->proto = (uint8_t)msg->rcv.proto;
	f->conid = (uint32_t)msg->rcv.proto_reserved1;
	f->port = msg->rcv.src_port;
	if (msg->rcv.src_ip.af == AF_INET) {
		f->af = 4;
		memcpy(f->addr, msg->rcv.src_ip.u.addr, 4);
	} else if (msg->rcv.src_ip.af == AF_INET6) {
		f->af = 6;
		memcpy(f->addr, msg->rcv.src_ip.u.addr, 16);
	} else {
		return -1;
	}
	return 0;
}

/* "<sip:TOKEN@path_host;lr;ob>" into buf; length or -1 */
static int path_value(const webrtc_flow_t *f, char *buf, size_t sz)
{
	char tok[WEBRTC_FLOW_TOKEN_MAX + 1];
	int n;

	if (webrtc_flow_encode(f, (const uint8_t *)webrtc_flow_key.s,
						   (size_t)webrtc_flow_key.len, tok, sizeof(tok)) < 0)
		return -1;
	n = snprintf(buf, sz, "<sip:%s@%.*s;lr;ob>", tok, webrtc_path_host.len,
				 webrtc_path_host.s);
	return (n < 0 || (size_t)n >= sz) ? -1 : n;
}

/* inserts header text (with CRLF) before hdr, or after the last header */
static int hdr_insert(sip_msg_t *msg, struct hdr_field *before, const char *s,
					  int len)
{
	struct lump *anchor;
	char *p;

	if (before)
		anchor = anchor_lump(msg, before->name.s - msg->buf, 0, 0);
	else
		anchor = anchor_lump(msg, msg->unparsed - msg->buf, 0, 0);
	if (anchor == NULL)
		return -1;
	p = pkg_malloc(len);
	if (p == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	memcpy(p, s, len);
	if (insert_new_lump_before(anchor, p, len, 0) == NULL) {
		pkg_free(p);
		return -1;
	}
	return 0;
}

static int hdr_remove(sip_msg_t *msg, struct hdr_field *hf)
{
	return del_lump(msg, hf->name.s - msg->buf, hf->len, 0) ? 0 : -1;
}

static int hdr_is(struct hdr_field *hf, const char *name)
{
	size_t n = strlen(name);
	return hf->name.len == (int)n && strncasecmp(hf->name.s, name, n) == 0;
}

/* joins the bodies of the headers called name with ", " into pkg memory */
static int hdr_join(sip_msg_t *msg, const char *name, str *out)
{
	struct hdr_field *hf;
	int len = 0;
	char *p;

	out->s = NULL;
	out->len = 0;
	for (hf = msg->headers; hf; hf = hf->next)
		if (hdr_is(hf, name))
			len += hf->body.len + 2;
	if (len == 0)
		return 0;
	out->s = p = pkg_malloc(len + 1);
	if (p == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	for (hf = msg->headers; hf; hf = hf->next) {
		if (!hdr_is(hf, name))
			continue;
		if (p > out->s) {
			*p++ = ',';
			*p++ = ' ';
		}
		str b = hf->body;
		trim(&b);
		memcpy(p, b.s, b.len);
		p += b.len;
	}
	*p = '\0';
	out->len = (int)(p - out->s);
	return 0;
}

static void str_pkg_free(str *s)
{
	if (s->s)
		pkg_free(s->s);
	s->s = NULL;
	s->len = 0;
}

/* ---------------------------------------------------------------- REGISTER */

/* a REGISTER from a WS/WSS client, its headers parsed: WRC_OK and its flow
 * in f, else the code a script function returns */
static int register_of_ws(sip_msg_t *msg, webrtc_flow_t *f)
{
	if (msg->first_line.type != SIP_REQUEST ||
		msg->first_line.u.request.method_value != METHOD_REGISTER) {
		LM_ERR("not a REGISTER request\n");
		return WRC_ERR;
	}
	if (flow_of_msg(msg, f) < 0)
		return WRC_NOT_WS;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0) {
		LM_WARN("cannot parse the headers of a REGISTER\n");
		return WRC_BAD_INPUT;
	}
	return WRC_OK;
}

/* webrtc_register(): REGISTER from a WS/WSS client toward the IMS: checks
 * the Contact, adds Path with the flow token and Supported: path, outbound */
static int ki_webrtc_register(sip_msg_t *msg)
{
	webrtc_flow_t f;
	contact_body_t *cb;
	contact_t *c;
	struct hdr_field *hf;
	sip_uri_t pu;
	char pv[WEBRTC_FLOW_TOKEN_MAX + 160], hdr[WEBRTC_FLOW_TOKEN_MAX + 200];
	int n, tags, rc;

	rc = register_of_ws(msg, &f);
	if (rc != WRC_OK)
		return rc;
	if (msg->contact) {
		if (parse_contact_headers(msg) < 0) {
			LM_WARN("garbage Contact in REGISTER from %s:%d\n",
					ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
			return WRC_BAD_INPUT;
		}
		for (hf = msg->contact; hf; hf = next_sibling_hdr(hf)) {
			cb = (contact_body_t *)hf->parsed;
			if (cb == NULL)
				return WRC_BAD_INPUT;
			if (cb->star)
				continue;
			if (cb->contacts == NULL)
				return WRC_BAD_INPUT;
			for (c = cb->contacts; c; c = c->next) {
				if (parse_uri(c->uri.s, c->uri.len, &pu) < 0 ||
					pu.host.len == 0) {
					LM_WARN("bad Contact URI in REGISTER from %s:%d\n",
							ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
					return WRC_BAD_INPUT;
				}
			}
		}
	}
	if (path_value(&f, pv, sizeof(pv)) < 0)
		return WRC_ERR;
	n = snprintf(hdr, sizeof(hdr), "Path: %s\r\n", pv);
	if (n < 0 || (size_t)n >= sizeof(hdr) ||
		hdr_insert(msg, msg->path, hdr, n) < 0)
		return WRC_ERR;
	if (parse_supported(msg) < 0)
		tags = 0;
	else
		tags = (int)get_supported(msg);
	if ((tags & (F_OPTION_TAG_PATH | F_OPTION_TAG_OUTBOUND)) !=
		(F_OPTION_TAG_PATH | F_OPTION_TAG_OUTBOUND)) {
		n = snprintf(hdr, sizeof(hdr), "Supported: %s%s%s\r\n",
					 (tags & F_OPTION_TAG_PATH) ? "" : "path",
					 ((tags & (F_OPTION_TAG_PATH | F_OPTION_TAG_OUTBOUND)) == 0)
							 ? ", "
							 : "",
					 (tags & F_OPTION_TAG_OUTBOUND) ? "" : "outbound");
		if (hdr_insert(msg, NULL, hdr, n) < 0)
			return WRC_ERR;
	}
	return WRC_OK;
}

static int w_webrtc_register(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_register(msg);
}

/* ---------------------------------------------------------------- web
 * credentials (TS 24.371 clause 6, scenario 2) */

/* the auth-done Authorization value of REGISTER req for impi into out (size
 * sz): realm NULL or empty means the host of the Request-URI (the home
 * network domain, TS 24.229 5.1.1.2). Returns the length or a
 * webrtc_auth_rc_t (< 0). */
static int auth_value(sip_msg_t *req, str *impi, str *realm, char *out,
					  size_t sz)
{
	str uri = req->first_line.u.request.uri;
	const char *h;
	size_t hl;

	if (realm && realm->len > 0) {
		h = realm->s;
		hl = (size_t)realm->len;
	} else if (webrtc_auth_realm_of(uri.s, (size_t)uri.len, &h, &hl) < 0) {
		return WEBRTC_AUTH_BAD_URI;
	}
	return webrtc_auth_done_value(impi->s, (size_t)impi->len, h, hl, uri.s,
								  (size_t)uri.len, out, sz);
}

/* 1 when a delete lump of msg already starts at header hf (e.g.
 * remove_hf_match() of the Bearer token): deleting it twice would overlap */
static int hdr_removed(sip_msg_t *msg, struct hdr_field *hf)
{
	struct lump *l;
	int off = (int)(hf->name.s - msg->buf);

	for (l = msg->add_rm; l; l = l->next)
		if (l->op == LUMP_DEL && l->u.offset == off)
			return 1;
	return 0;
}

/* webrtc_auth_done(impi [, realm]): a REGISTER from a WS/WSS client whose
 * web token was checked here goes to the IMS on this edge's authority:
 * every Authorization and Proxy-Authorization of the browser goes, and
 * "Authorization: Digest username=IMPI, realm, uri, nonce="", response="",
 * integrity-protected="auth-done"" comes (TS 24.371 A.3.2, TS 33.203
 * trusted node authentication). -2: the Request-URI has no host for the
 * realm (send 400); -3: impi or realm cannot be written in the header
 * (empty, quotes, spaces: send 403, the mapping needs fixing). */
static int ki_webrtc_auth_done_realm(sip_msg_t *msg, str *impi, str *realm)
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
			!hdr_removed(msg, hf) && hdr_remove(msg, hf) < 0)
			return WRC_ERR;
	}
	n += (int)sizeof(name) - 1;
	memcpy(h + n, "\r\n", 2);
	if (hdr_insert(msg, NULL, h, n + 2) < 0)
		return WRC_ERR;
	return WRC_OK;
}

static int ki_webrtc_auth_done(sip_msg_t *msg, str *impi)
{
	return ki_webrtc_auth_done_realm(msg, impi, NULL);
}

static int w_webrtc_auth_done(sip_msg_t *msg, char *impi, char *realm)
{
	str i, r = STR_NULL;

	if (fixup_get_svalue(msg, (gparam_t *)impi, &i) < 0 ||
		(realm && fixup_get_svalue(msg, (gparam_t *)realm, &r) < 0)) {
		LM_ERR("cannot get the private identity or the realm\n");
		return WRC_ERR;
	}
	return ki_webrtc_auth_done_realm(msg, &i, &r);
}

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

/* webrtc_save([impi [, realm]]): in the onreply_route of a relayed
 * REGISTER, on a 2xx: remembers Service-Route and P-Associated-URI for each
 * contact of the request that the IMS bound, forgets those it did not. With
 * impi (a web-credential registration, webrtc_auth_done()), the
 * de-REGISTER of a closed WebSocket carries the same auth-done
 * Authorization. */
static int ki_webrtc_save_auth(sip_msg_t *msg, str *impi, str *realm)
{
	tm_cell_t *t;
	sip_msg_t *req;
	webrtc_span_t rc[WEBRTC_PAU_MAX];
	int nrc = 0, i, saved = 0, exp;
	struct hdr_field *hf;
	contact_t *c;
	webrtc_reg_t r;
	str sr = STR_NULL, pau = STR_NULL, cu;
	char pv[WEBRTC_FLOW_TOKEN_MAX + 160], av[WEBRTC_AUTH_VALUE_MAX];
	int pvlen, alen;

	if (msg->first_line.type != SIP_REPLY)
		return WRC_ERR;
	if (msg->first_line.u.reply.statuscode < 200 ||
		msg->first_line.u.reply.statuscode >= 300)
		return WRC_NOOP;
	t = tmb.t_gett();
	if (t == NULL || t == T_UNDEFINED || t->uas.request == NULL) {
		LM_ERR("no transaction for the REGISTER reply\n");
		return WRC_ERR;
	}
	req = t->uas.request;
	memset(&r, 0, sizeof(r));
	if (flow_of_msg(req, &r.flow) < 0)
		return WRC_NOT_WS;
	/* the request's contacts, from the raw header bodies (the request is a
	 * shared-memory clone: do not parse it here) */
	for (hf = req->contact; hf; hf = next_sibling_hdr(hf)) {
		if (webrtc_addr_list_parse(hf->body.s, (size_t)hf->body.len, rc,
								   WEBRTC_PAU_MAX, &nrc) < 0) {
			/* "*" or unparsable: nothing to remember */
			nrc = 0;
			break;
		}
	}
	if (nrc == 0)
		return WRC_NOOP;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0 ||
		(msg->contact && parse_contact_headers(msg) < 0)) {
		LM_ERR("cannot parse the 2xx to REGISTER\n");
		return WRC_ERR;
	}
	if (hdr_join(msg, "Service-Route", &sr) < 0 ||
		hdr_join(msg, "P-Associated-URI", &pau) < 0)
		goto err;
	pvlen = path_value(&r.flow, pv, sizeof(pv));
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
		exp = 0;
		cu.s = (char *)rc[i].s;
		cu.len = (int)rc[i].len;
		r.contact = cu;
		for (hf = msg->contact; hf && exp == 0; hf = next_sibling_hdr(hf)) {
			contact_body_t *cb = (contact_body_t *)hf->parsed;
			for (c = cb ? cb->contacts : NULL; c; c = c->next) {
				if (webrtc_uri_equal(c->uri.s, (size_t)c->uri.len, rc[i].s,
									 rc[i].len)) {
					exp = contact_expires(msg, c);
					/* the binding as the IMS holds it (header mediation
					 * may have changed its parameters): the de-REGISTER
					 * must name exactly this URI */
					r.contact = c->uri;
					break;
				}
			}
		}
		if (exp <= 0) {
			webrtc_reg_del(&cu);
			continue;
		}
		r.expires = time(NULL) + exp;
		if (webrtc_reg_put(&r) < 0)
			goto err;
		saved++;
	}
	str_pkg_free(&sr);
	str_pkg_free(&pau);
	return saved > 0 ? WRC_OK : WRC_NOOP;
err:
	str_pkg_free(&sr);
	str_pkg_free(&pau);
	return WRC_ERR;
}

static int ki_webrtc_save(sip_msg_t *msg)
{
	return ki_webrtc_save_auth(msg, NULL, NULL);
}

static int w_webrtc_save(sip_msg_t *msg, char *impi, char *realm)
{
	str i = STR_NULL, r = STR_NULL;

	if ((impi && fixup_get_svalue(msg, (gparam_t *)impi, &i) < 0) ||
		(realm && fixup_get_svalue(msg, (gparam_t *)realm, &r) < 0)) {
		LM_ERR("cannot get the private identity or the realm\n");
		return WRC_ERR;
	}
	return ki_webrtc_save_auth(msg, &i, &r);
}

/* ---------------------------------------------------------------- MO */

/* webrtc_originate(): initial request from a registered WS client toward
 * the IMS: preloads the Service-Route, asserts the identity */
static int ki_webrtc_originate(sip_msg_t *msg)
{
	webrtc_flow_t f;
	webrtc_reg_t *r;
	webrtc_span_t pau[WEBRTC_PAU_MAX], sr[WEBRTC_PAU_MAX], ppi[2];
	int npau = 0, nsr = 0, nppi = 0, idx, i, n, len, ret = WRC_ERR;
	struct hdr_field *hf, *ppi_hf = NULL;
	char *buf = NULL, *p;
	str from = STR_NULL, du;

	if (msg->first_line.type != SIP_REQUEST)
		return WRC_ERR;
	if (flow_of_msg(msg, &f) < 0)
		return WRC_NOT_WS;
	if (parse_headers(msg, HDR_EOH_F, 0) < 0)
		return WRC_BAD_INPUT;
	for (hf = msg->headers; hf; hf = hf->next) {
		if (hf->type == HDR_PAI_T) {
			LM_WARN("P-Asserted-Identity from WebSocket client %s:%d "
					"refused\n",
					ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
			return WRC_FORBIDDEN;
		}
		if (hf->type == HDR_PPI_T && ppi_hf == NULL)
			ppi_hf = hf;
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
	if (r->pau.len > 0 &&
		webrtc_addr_list_parse(r->pau.s, (size_t)r->pau.len, pau,
							   WEBRTC_PAU_MAX, &npau) < 0)
		npau = 0;
	if (npau == 0) {
		/* no P-Associated-URI in the 2xx: the registered AOR */
		pau[0].s = r->aor.s;
		pau[0].len = (size_t)r->aor.len;
		npau = 1;
	}
	if (ppi_hf) {
		if (webrtc_addr_list_parse(ppi_hf->body.s, (size_t)ppi_hf->body.len,
								   ppi, 2, &nppi) < 0 ||
			nppi != 1) {
			ret = WRC_BAD_INPUT;
			goto done;
		}
		idx = webrtc_ident_choose(pau, npau, ppi[0].s, ppi[0].len);
		if (idx < 0 && !webrtc_ppi_fallback) {
			LM_WARN("P-Preferred-Identity not in the P-Associated-URI set "
					"of %.*s\n",
					r->aor.len, r->aor.s);
			ret = WRC_FORBIDDEN;
			goto done;
		}
		if (idx < 0)
			idx = 0;
		for (hf = ppi_hf; hf; hf = hf->next)
			if (hf->type == HDR_PPI_T && hdr_remove(msg, hf) < 0)
				goto done;
	} else {
		idx = 0;
	}
	if (r->sroute.len > 0 &&
		webrtc_addr_list_elems(r->sroute.s, (size_t)r->sroute.len, sr,
							   WEBRTC_PAU_MAX, &nsr) < 0) {
		LM_ERR("stored Service-Route of %.*s does not parse\n", r->aor.len,
			   r->aor.s);
		goto done;
	}
	len = (int)pau[idx].len + 32 + r->sroute.len + 16;
	buf = pkg_malloc(len);
	if (buf == NULL) {
		PKG_MEM_ERROR;
		goto done;
	}
	n = snprintf(buf, len, "P-Asserted-Identity: <%.*s>\r\n", (int)pau[idx].len,
				 pau[idx].s);
	if (n < 0 || n >= len || hdr_insert(msg, NULL, buf, n) < 0)
		goto done;
	if (nsr > 0) {
		p = buf;
		p += sprintf(p, "Route: ");
		for (i = 0; i < nsr; i++)
			p += sprintf(p, "%s%.*s", i ? ", " : "", (int)sr[i].len, sr[i].s);
		p += sprintf(p, "\r\n");
		parse_headers(msg, HDR_ROUTE_F, 0);
		if (hdr_insert(msg, msg->route, buf, (int)(p - buf)) < 0)
			goto done;
		/* next hop: the first Service-Route URI */
		nsr = 0;
		if (webrtc_addr_list_parse(r->sroute.s, (size_t)r->sroute.len, sr,
								   WEBRTC_PAU_MAX, &nsr) < 0 ||
			nsr == 0)
			goto done;
		du.s = (char *)sr[0].s;
		du.len = (int)sr[0].len;
		if (set_dst_uri(msg, &du) < 0)
			goto done;
	}
	ret = WRC_OK;
done:
	if (buf)
		pkg_free(buf);
	webrtc_reg_free(r);
	return ret;
}

static int w_webrtc_originate(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_originate(msg);
}

/* ---------------------------------------------------------------- MT */

/* webrtc_flow_route(): initial request from the IMS whose top Route is our
 * Path entry: checks the flow token, sends the request on that WebSocket
 * connection and removes the Route entry */
static int ki_webrtc_flow_route(sip_msg_t *msg)
{
	rr_t *rr;
	sip_uri_t pu;
	webrtc_flow_t f;
	webrtc_flow_rc_t rc;
	struct tcp_connection *con;
	struct ip_addr ip;
	struct socket_info *si = NULL;
	char dbuf[IP_ADDR_MAX_STR_SIZE + 48];
	str du;
	int ok, n;

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
							(const uint8_t *)webrtc_flow_key.s,
							(size_t)webrtc_flow_key.len, &f);
	if (rc != WEBRTC_FLOW_OK) {
		LM_WARN("%s flow token in Route from %s:%d\n",
				rc == WEBRTC_FLOW_FORGED ? "forged" : "malformed",
				ip_addr2a(&msg->rcv.src_ip), msg->rcv.src_port);
		return WRC_FORBIDDEN;
	}
	memset(&ip, 0, sizeof(ip));
	ip.af = f.af == 6 ? AF_INET6 : AF_INET;
	ip.len = f.af == 6 ? 16 : 4;
	memcpy(ip.u.addr, f.addr, ip.len);
	con = tcpconn_get((int)f.conid, &ip, f.port, NULL, 0);
	if (con == NULL)
		return WRC_FLOW_FAILED;
	ok = con->id == (int)f.conid && con->rcv.proto == f.proto &&
		 con->rcv.src_port == f.port && ip_addr_cmp(&con->rcv.src_ip, &ip) &&
		 con->state != S_CONN_BAD;
	if (ok)
		si = con->rcv.bind_address;
	tcpconn_put(con);
	if (!ok)
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
	} else if (hdr_remove(msg, msg->route) < 0) {
		return WRC_ERR;
	}
	webrtc_last_msg_id = msg->id;
	webrtc_last_conid = (int)f.conid;
	return WRC_OK;
}

static int w_webrtc_flow_route(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_flow_route(msg);
}

/* ---------------------------------------------------------------- SDP */

static int body_of(sip_msg_t *msg, str *b)
{
	b->s = get_body(msg);
	if (b->s == NULL)
		return -1;
	b->len = (int)(msg->buf + msg->len - b->s);
	return b->len > 0 ? 0 : -1;
}

/* replaces the body b of msg with the pkg buffer nb (n bytes) through
 * lumps; nb belongs to the lump on success */
static int body_replace(sip_msg_t *msg, str *b, char *nb, int n)
{
	struct lump *l;

	l = del_lump(msg, b->s - msg->buf, b->len, 0);
	if (l == NULL || insert_new_lump_after(l, nb, n, 0) == NULL)
		return -1;
	return 0;
}

/* webrtc_sdp_fix(dir [, te_map]): cleans the SDP body for dir ("ims" or
 * "browser") and, with a te_map, renumbers telephone-event back to the
 * offered payload types. The body is replaced through lumps: call
 * msg_apply_changes() before rtpengine reads it. */
static int ki_webrtc_sdp_fix_map(sip_msg_t *msg, str *dir, str *map)
{
	str b;
	char *t1 = NULL, *t2 = NULL;
	int mask, removed = 0, changed = 0, n, sz;

	if (dir->len == 3 && strncasecmp(dir->s, "ims", 3) == 0)
		mask = WEBRTC_SDP_TO_IMS;
	else if (dir->len == 7 && strncasecmp(dir->s, "browser", 7) == 0)
		mask = WEBRTC_SDP_TO_BROWSER;
	else {
		LM_ERR("direction must be \"ims\" or \"browser\", not \"%.*s\"\n",
			   dir->len, dir->s);
		return WRC_ERR;
	}
	if (body_of(msg, &b) < 0)
		return WRC_NOOP;
	sz = b.len + 256;
	t1 = pkg_malloc(sz);
	if (t1 == NULL)
		goto nomem;
	n = webrtc_sdp_clean(b.s, (size_t)b.len, mask, t1, (size_t)sz, &removed);
	if (n < 0)
		goto err;
	if (map && map->len > 0) {
		t2 = pkg_malloc(sz);
		if (t2 == NULL)
			goto nomem;
		n = webrtc_sdp_te_restore(t1, (size_t)n, map->s, (size_t)map->len, t2,
								  (size_t)sz, &changed);
		if (n < 0) {
			LM_ERR("bad telephone-event map \"%.*s\"\n", map->len, map->s);
			goto err;
		}
		pkg_free(t1);
		t1 = t2;
		t2 = NULL;
	}
	if (removed == 0 && changed == 0) {
		pkg_free(t1);
		return WRC_NOOP;
	}
	if (body_replace(msg, &b, t1, n) < 0)
		goto err;
	LM_DBG("sdp toward %.*s: %d lines removed, %d telephone-event renumbered\n",
		   dir->len, dir->s, removed, changed);
	return WRC_OK;
nomem:
	PKG_MEM_ERROR;
err:
	if (t1)
		pkg_free(t1);
	if (t2)
		pkg_free(t2);
	return WRC_ERR;
}

static int ki_webrtc_sdp_fix(sip_msg_t *msg, str *dir)
{
	return ki_webrtc_sdp_fix_map(msg, dir, NULL);
}

static int w_webrtc_sdp_fix(sip_msg_t *msg, char *dir, char *map)
{
	str d, m = STR_NULL;

	if (fixup_get_svalue(msg, (gparam_t *)dir, &d) < 0) {
		LM_ERR("cannot get the direction\n");
		return WRC_ERR;
	}
	if (map && fixup_get_svalue(msg, (gparam_t *)map, &m) < 0) {
		LM_ERR("cannot get the telephone-event map\n");
		return WRC_ERR;
	}
	return ki_webrtc_sdp_fix_map(msg, &d, &m);
}

/* webrtc_h264_only(): in every video section of the SDP body keeps only
 * H.264 with packetization-mode=1 (see webrtc_sdp_h264_only()). Returns 1
 * (formats removed: call msg_apply_changes() before rtpengine reads the
 * body), 2 (nothing to remove, or no body), -1 on error. */
static int ki_webrtc_h264_only(sip_msg_t *msg)
{
	str b;
	char *nb;
	int n, removed = 0;

	if (body_of(msg, &b) < 0)
		return WRC_NOOP;
	nb = pkg_malloc(b.len + 1);
	if (nb == NULL) {
		PKG_MEM_ERROR;
		return WRC_ERR;
	}
	n = webrtc_sdp_h264_only(b.s, (size_t)b.len, nb, (size_t)b.len + 1,
							 &removed);
	if (n < 0 || removed == 0) {
		pkg_free(nb);
		return n < 0 ? WRC_ERR : WRC_NOOP;
	}
	if (body_replace(msg, &b, nb, n) < 0) {
		pkg_free(nb);
		return WRC_ERR;
	}
	LM_DBG("video toward the IMS: %d formats removed\n", removed);
	return WRC_OK;
}

static int w_webrtc_h264_only(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_h264_only(msg);
}

/* ---------------------------------------------------------------- DTMF */

/* webrtc_te_reoffer(offer, offered_map, dst): in the reply carrying the
 * IMS answer. When the answer numbers telephone-event differently from
 * offered_map (what rtpengine offered toward the IMS), writes to the
 * variable dst the browser's SDP offer with telephone-event added at the
 * IMS's numbers, for a second rtpengine offer before the answer (see
 * webrtc_sdp.h). Returns 1 (dst set), 2 (nothing renumbered) or < 0. */
static int ki_webrtc_te_reoffer(sip_msg_t *msg, str *offer, str *omap,
								pv_spec_t *dst)
{
	char amap[WEBRTC_TE_MAP_MAX], chg[WEBRTC_TE_MAP_MAX];
	pv_value_t val;
	str b;
	char *out;
	int an, cn, n, added = 0, sz, ret = WRC_ERR;

	if (body_of(msg, &b) < 0)
		return WRC_NOOP;
	an = webrtc_sdp_te_map(b.s, (size_t)b.len, amap, sizeof(amap));
	if (an <= 0 || omap->len <= 0)
		return WRC_NOOP;
	cn = webrtc_te_changed(omap->s, (size_t)omap->len, amap, (size_t)an, chg,
						   sizeof(chg));
	if (cn < 0) {
		LM_ERR("bad telephone-event map \"%.*s\"\n", omap->len, omap->s);
		return WRC_ERR;
	}
	if (cn == 0)
		return WRC_NOOP;
	sz = offer->len + 64 * 8;
	out = pkg_malloc(sz);
	if (out == NULL) {
		PKG_MEM_ERROR;
		return WRC_ERR;
	}
	n = webrtc_te_inject(offer->s, (size_t)offer->len, chg, (size_t)cn, out,
						 (size_t)sz, &added);
	if (n < 0 || added == 0) {
		LM_WARN("cannot add telephone-event %s to the browser's offer\n", chg);
		ret = WRC_BAD_INPUT;
		goto done;
	}
	memset(&val, 0, sizeof(val));
	val.flags = PV_VAL_STR;
	val.rs.s = out;
	val.rs.len = n;
	if (dst->setf(msg, &dst->pvp, (int)EQ_T, &val) < 0) {
		LM_ERR("cannot set the destination variable\n");
		goto done;
	}
	LM_DBG("IMS answer renumbered telephone-event to %s\n", chg);
	ret = WRC_OK;
done:
	pkg_free(out);
	return ret;
}

static int w_webrtc_te_reoffer(sip_msg_t *msg, char *offer, char *map,
							   char *dst)
{
	str o, m;

	if (fixup_get_svalue(msg, (gparam_t *)offer, &o) < 0 ||
		fixup_get_svalue(msg, (gparam_t *)map, &m) < 0) {
		LM_ERR("cannot get the offer or the telephone-event map\n");
		return WRC_ERR;
	}
	return ki_webrtc_te_reoffer(msg, &o, &m, (pv_spec_t *)dst);
}

static int fixup_te_reoffer(void **param, int param_no)
{
	if (param_no <= 2)
		return fixup_spve_null(param, 1);
	if (fixup_pvar_null(param, 1) < 0)
		return -1;
	if (((pv_spec_t *)*param)->setf == NULL) {
		LM_ERR("webrtc_te_reoffer(): the third parameter must be a writable "
			   "variable\n");
		return -1;
	}
	return 0;
}

static int fixup_free_te_reoffer(void **param, int param_no)
{
	if (param_no <= 2)
		return fixup_free_spve_null(param, 1);
	return fixup_free_pvar_null(param, 1);
}

/* ---------------------------------------------------------------- close */

/* sends a de-REGISTER for r toward the IMS core; 0 or -1 */
static int send_dereg(webrtc_reg_t *r)
{
	static str method = str_init("REGISTER");
	dlg_t *d = NULL;
	uac_req_t uac_r;
	char tagbuf[32], *hb;
	str tag, hdrs;
	int len, ret = -1;

	tag.len = snprintf(tagbuf, sizeof(tagbuf), "iwg%x%lx",
					   (unsigned)r->flow.conid, (unsigned long)time(NULL));
	tag.s = tagbuf;
	len = r->contact.len + r->path.len + r->auth.len + 128;
	hb = pkg_malloc(len);
	if (hb == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	hdrs.s = hb;
	hdrs.len = snprintf(hb, len,
						"Contact: <%.*s>;expires=0\r\nPath: %.*s\r\n"
						"Supported: path, outbound\r\nExpires: 0\r\n",
						r->contact.len, r->contact.s, r->path.len, r->path.s);
	/* a web-credential registration: the same authority as its REGISTER */
	if (r->auth.len > 0)
		hdrs.len += snprintf(hb + hdrs.len, len - hdrs.len,
							 "Authorization: %.*s\r\n", r->auth.len, r->auth.s);
	if (tmb.new_dlg_uac(&r->callid, &tag, r->cseq, &r->aor, &r->aor, &d) < 0) {
		LM_ERR("cannot build the de-REGISTER of %.*s\n", r->aor.len, r->aor.s);
		goto done;
	}
	if (tmb.set_dlg_target(d, &r->ruri, &webrtc_ims_core) < 0)
		goto done;
	set_uac_req(&uac_r, &method, &hdrs, NULL, d, 0, NULL, NULL);
	if (tmb.t_request_within(&uac_r) < 0) {
		LM_ERR("cannot send the de-REGISTER of %.*s\n", r->aor.len, r->aor.s);
		goto done;
	}
	LM_INFO("de-REGISTER of %.*s sent: its WebSocket closed\n", r->aor.len,
			r->aor.s);
	ret = 0;
done:
	if (d)
		tmb.free_dlg(d);
	pkg_free(hb);
	return ret;
}

/* drops the taken entries l, de-registering the live ones at the IMS
 * (dereg_on_close); returns how many */
static int release_flows(webrtc_reg_t *l)
{
	webrtc_reg_t *next;
	int n = 0;

	for (; l; l = next) {
		next = l->next;
		if (webrtc_dereg_on_close && l->expires > time(NULL))
			send_dereg(l);
		webrtc_reg_shm_free(l);
		n++;
	}
	return n;
}

/* webrtc_flow_closed(conid): the WebSocket connection conid closed: drops
 * its registrations and (dereg_on_close) de-registers them at the IMS.
 * Returns the number dropped + 1 (1: none). */
static int ki_webrtc_flow_closed(sip_msg_t *msg, int conid)
{
	(void)msg;
	if (conid < 0)
		return WRC_ERR;
	return release_flows(webrtc_reg_take_conid((unsigned)conid)) + 1;
}

static int w_webrtc_flow_closed(sip_msg_t *msg, char *conid, char *p2)
{
	int id;

	(void)p2;

	if (fixup_get_ivalue(msg, (gparam_t *)conid, &id) < 0) {
		LM_ERR("cannot get the connection id\n");
		return WRC_ERR;
	}
	return ki_webrtc_flow_closed(msg, id);
}

/* webrtc_flow_lost(): in event_route[tcp:closed|reset|timeout] (tcpops):
 * the connection of the event ended, also without a WebSocket close (a
 * browser that vanished). Its id is no longer known to $conid (the
 * connection is gone from Kamailio's table) but is still in the event
 * message's receive info: tcp_read.c copies con->id into
 * con->rcv.proto_reserved1 for every message read, and tcpops hands con->rcv
 * to the event. These events run in TCP main, which cannot send over TCP
 * and must not block: the registrations are only moved to the lost list
 * here; webrtc_lost_timer de-registers them within a second. Returns the
 * number moved + 1, WRC_NOOP when the event carries no connection id. */
static int ki_webrtc_flow_lost(sip_msg_t *msg)
{
	if (msg == NULL || msg->rcv.proto_reserved1 <= 0)
		return WRC_NOOP;
	return webrtc_reg_lose_conid((unsigned)msg->rcv.proto_reserved1) + 1;
}

static int w_webrtc_flow_lost(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_flow_lost(msg);
}

/* ---------------------------------------------------------------- PV */

#define WEBRTC_PV_TE_MAP	 1
#define WEBRTC_PV_FLOW_CONID 2

static int pv_parse_webrtc_name(pv_spec_t *sp, str *in)
{
	if (in->len == 6 && strncmp(in->s, "te_map", 6) == 0)
		sp->pvp.pvn.u.isname.name.n = WEBRTC_PV_TE_MAP;
	else if (in->len == 10 && strncmp(in->s, "flow_conid", 10) == 0)
		sp->pvp.pvn.u.isname.name.n = WEBRTC_PV_FLOW_CONID;
	else {
		LM_ERR("unknown $webrtc(%.*s): te_map or flow_conid\n", in->len, in->s);
		return -1;
	}
	sp->pvp.pvn.type = PV_NAME_INTSTR;
	sp->pvp.pvn.u.isname.type = 0;
	return 0;
}

static int pv_get_webrtc(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	static char map[WEBRTC_TE_MAP_MAX];
	str b, s;
	int n;

	switch (param->pvn.u.isname.name.n) {
	case WEBRTC_PV_TE_MAP:
		if (body_of(msg, &b) < 0)
			return pv_get_null(msg, param, res);
		n = webrtc_sdp_te_map(b.s, (size_t)b.len, map, sizeof(map));
		if (n < 0)
			return pv_get_null(msg, param, res);
		s.s = map;
		s.len = n;
		return pv_get_strval(msg, param, res, &s);
	case WEBRTC_PV_FLOW_CONID:
		if (msg->id != webrtc_last_msg_id || webrtc_last_conid < 0)
			return pv_get_null(msg, param, res);
		return pv_get_sintval(msg, param, res, webrtc_last_conid);
	}
	return pv_get_null(msg, param, res);
}

/* ---------------------------------------------------------------- RPC */

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

/* ---------------------------------------------------------------- KEMI */

/* KEMI form of webrtc_te_reoffer(): dst is the name of a variable */
static int ki_webrtc_te_reoffer_kemi(sip_msg_t *msg, str *offer, str *omap,
									 str *dst)
{
	pv_spec_t *sp = pv_cache_get(dst);

	if (sp == NULL || sp->setf == NULL) {
		LM_ERR("\"%.*s\" is not a writable variable\n", dst->len, dst->s);
		return WRC_ERR;
	}
	return ki_webrtc_te_reoffer(msg, offer, omap, sp);
}

/* clang-format off */
static sr_kemi_t sr_kemi_iwg_webrtc_exports[] = {
	{ str_init("iwg_webrtc"), str_init("webrtc_register"),
		SR_KEMIP_INT, ki_webrtc_register,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_save"),
		SR_KEMIP_INT, ki_webrtc_save,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_save_auth"),
		SR_KEMIP_INT, ki_webrtc_save_auth,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_auth_done"),
		SR_KEMIP_INT, ki_webrtc_auth_done,
		{ SR_KEMIP_STR, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_auth_done_realm"),
		SR_KEMIP_INT, ki_webrtc_auth_done_realm,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_originate"),
		SR_KEMIP_INT, ki_webrtc_originate,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_flow_route"),
		SR_KEMIP_INT, ki_webrtc_flow_route,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_sdp_fix"),
		SR_KEMIP_INT, ki_webrtc_sdp_fix,
		{ SR_KEMIP_STR, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_sdp_fix_map"),
		SR_KEMIP_INT, ki_webrtc_sdp_fix_map,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_h264_only"),
		SR_KEMIP_INT, ki_webrtc_h264_only,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_te_reoffer"),
		SR_KEMIP_INT, ki_webrtc_te_reoffer_kemi,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_STR,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_flow_closed"),
		SR_KEMIP_INT, ki_webrtc_flow_closed,
		{ SR_KEMIP_INT, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_webrtc"), str_init("webrtc_flow_lost"),
		SR_KEMIP_INT, ki_webrtc_flow_lost,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ {0, 0}, {0, 0}, 0, NULL, { 0, 0, 0, 0, 0, 0 } }
};
/* clang-format on */

int mod_register(char *path, int *dlflags, void *p1, void *p2)
{
	(void)path;
	(void)dlflags;
	(void)p1;
	(void)p2;
	sr_kemi_modules_add(sr_kemi_iwg_webrtc_exports);
	return 0;
}
