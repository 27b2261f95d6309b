/*
 * iwg_verto: Verto JSON-RPC over WebSocket <-> SIP gateway (Kamailio glue).
 *
 * mod_init checks the parameters (the identity-store and token ones
 * through lib's shared block, idstore_params.h and token_params.h, as
 * iwg_idmap), loads the media profiles, binds tm and sl and creates the
 * SIP event queue (verto_ipc.h); child_init of the main process forks one
 * "iwg_verto WebSocket" process (rank PROC_RPC, so every module's
 * per-process init runs there: tm is used from it) and runs
 * verto_proc_run() in it (verto_proc.c: the libwebsockets loop, the
 * engine, the job pools and their threads' clients; logins in
 * verto_login.c). SIP workers answer in-dialog requests (verto_handle())
 * and ship replies and requests to it through the queue.
 *
 * Memory: parameters and the token keyset are pkg/malloc'd before the
 * fork, read-only afterwards. Engine and endpoint live in the WebSocket
 * process only.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/pt.h"
#include "core/pvar.h"
#include "core/kemi.h"
#include "core/cfg/cfg_struct.h"
#include "core/mod_fix.h"
#include "core/rpc_lookup.h"
#include "core/socket_info.h"
#include "core/parser/parse_uri.h"

#include "idstore/idstore_params.h"
#include "media/media_profile.h"
#include "token/token_params.h"
#include "verto_cc.h"
#include "verto_ha.h"
#include "verto_ident.h"
#include "verto_ipc.h"
#include "verto_ngflags.h"
#include "verto_proc.h"
#include "verto_rpc.h"
#include "verto_rtp.h"
#include "verto_sip.h"
#include "verto_ws.h"

MODULE_VERSION

#define DEFAULT_VERTO_LISTEN		 "127.0.0.1:8082"
#define DEFAULT_VERTO_MAX_FRAME		 65536
#define DEFAULT_VERTO_PING			 20
#define DEFAULT_VERTO_GRACE			 30
#define DEFAULT_VERTO_RING			 60
#define DEFAULT_VERTO_MAX_SESSIONS	 10000
#define DEFAULT_VERTO_CC_URI		 "sip:127.0.0.1:5090"
#define DEFAULT_VERTO_CONTACT		 "sip:verto@127.0.0.1:5060"
#define DEFAULT_VERTO_RTPENGINE		 "127.0.0.1:2223"
#define DEFAULT_VERTO_NG_TIMEOUT	 1000
#define DEFAULT_VERTO_DTMF_MODE		 "rtpengine"
#define DEFAULT_VERTO_DTMF_MS		 100
#define DEFAULT_VERTO_QPOS_HDR		 "X-Queue-Position"
#define DEFAULT_VERTO_QWAIT_HDR		 "X-Queue-Wait"
#define DEFAULT_VERTO_MENU_HDR		 "X-IVR-Menu"
#define DEFAULT_VERTO_NAMESPACE		 "paas"
#define DEFAULT_VERTO_WORKERS		 2
#define DEFAULT_VERTO_MAX_JOBS		 1000
#define VERTO_REDIS_TIMEOUT_MAX		 10000 /* ms */
#define DEFAULT_VERTO_CONNS_PER_IP	 256
#define DEFAULT_VERTO_LOGIN_TIMEOUT	 10 /* s */
#define DEFAULT_VERTO_PENDING_BYTES	 (16 * 1024 * 1024)
#define DEFAULT_VERTO_LOGINS_PENDING 256
#define DEFAULT_VERTO_AUTH_WORKERS	 2
#define DEFAULT_VERTO_LOGIN_FAILS	 5
#define DEFAULT_VERTO_IP_FAILS		 30
#define DEFAULT_VERTO_BACKOFF		 1000 /* ms */
#define DEFAULT_VERTO_LOCKOUT		 300  /* s */
#define DEFAULT_VERTO_SESS_PER_LOGIN 8

/* what the WebSocket process uses (verto_proc.h) */
static verto_proc_cfg verto_cfg = {
		.listen = DEFAULT_VERTO_LISTEN,
		.max_frame = DEFAULT_VERTO_MAX_FRAME,
		.ping_interval = DEFAULT_VERTO_PING,
		.max_conns_per_ip = DEFAULT_VERTO_CONNS_PER_IP,
		.max_pending_bytes = DEFAULT_VERTO_PENDING_BYTES,
		.max_sessions = DEFAULT_VERTO_MAX_SESSIONS,
		.grace = DEFAULT_VERTO_GRACE,
		.ring_timeout = DEFAULT_VERTO_RING,
		.sessions_per_login = DEFAULT_VERTO_SESS_PER_LOGIN,
		.login_timeout = DEFAULT_VERTO_LOGIN_TIMEOUT,
		.max_logins_pending = DEFAULT_VERTO_LOGINS_PENDING,
		/* logins in flight from one source address (verto_throttle) */
		.max_logins_per_ip = 32,
		.workers = DEFAULT_VERTO_WORKERS,
		.max_jobs = DEFAULT_VERTO_MAX_JOBS,
		.auth_workers = DEFAULT_VERTO_AUTH_WORKERS,
		.login_fails = DEFAULT_VERTO_LOGIN_FAILS,
		.ip_fails = DEFAULT_VERTO_IP_FAILS,
		.backoff = DEFAULT_VERTO_BACKOFF,
		.lockout = DEFAULT_VERTO_LOCKOUT,
		.rtpengine = DEFAULT_VERTO_RTPENGINE,
		.ng_timeout = DEFAULT_VERTO_NG_TIMEOUT,
		/* sessions that survive their node (verto_ha.h) */
		.session_store = 1,
		.session_prefix = "iwg:verto:",
};
static int verto_add_pai = 1;
/* the contact center may transfer calls with REFER (else 403) */
static int verto_transfer = 1;
static char *verto_cc_uri = DEFAULT_VERTO_CC_URI;
static char *verto_outbound_proxy = "";
static char *verto_outbound_socket = "";
static char *verto_contact = DEFAULT_VERTO_CONTACT;
static char *verto_media_profiles = NULL;
static char *verto_prof_names[VERTO_RTP_STEPS] = {
		[VERTO_RTP_BROWSER_OFFER] = "browser-offer-to-sip",
		[VERTO_RTP_SIP_ANSWER] = "sip-answer-to-browser",
		[VERTO_RTP_SIP_OFFER] = "sip-offer-to-browser",
		[VERTO_RTP_BROWSER_ANSWER] = "browser-answer-to-sip",
		[VERTO_RTP_SIP_REOFFER] = "browser-offer-to-sip",
};
static char *verto_dtmf_mode = DEFAULT_VERTO_DTMF_MODE;
static int verto_dtmf_duration = DEFAULT_VERTO_DTMF_MS;
/* headers of the contact center's provisional replies (queue events) */
static char *verto_queue_hdrs[3] = {DEFAULT_VERTO_QPOS_HDR,
									DEFAULT_VERTO_QWAIT_HDR,
									DEFAULT_VERTO_MENU_HDR};
/* the identity store and the tokens: the block iwg_idmap has too */
static ids_params_t verto_store = IDS_PARAMS_DEFAULT;
static tok_params_t verto_tok = TOK_PARAMS_DEFAULT;
static char *verto_namespace = DEFAULT_VERTO_NAMESPACE;
static char *verto_auth_realm = "";
/* this node's id in the session store ("": the contact URI) */
static char *verto_node_id = "";

static int mod_init(void);
static int child_init(int rank);
static void mod_destroy(void);
static int verto_param_token_key(modparam_t type, void *val);
static int w_verto_handle(sip_msg_t *msg, char *p1, char *p2);
static int ki_verto_handle(sip_msg_t *msg);
static int w_verto_known(sip_msg_t *msg, char *p1, char *p2);
static int ki_verto_known(sip_msg_t *msg);
static int w_verto_invite(sip_msg_t *msg, char *p1, char *p2);
static int ki_verto_invite(sip_msg_t *msg);
static int ki_verto_invite_uri(sip_msg_t *msg, str *uri);
static int pv_parse_verto_name(pv_spec_t *sp, str *in);
static int pv_get_verto(sip_msg_t *msg, pv_param_t *param, pv_value_t *res);

/* clang-format off */
static cmd_export_t cmds[] = {
	{"verto_handle", (cmd_function)w_verto_handle, 0, 0, 0, REQUEST_ROUTE},
	{"verto_known", (cmd_function)w_verto_known, 0, 0, 0, REQUEST_ROUTE},
	{"verto_invite", (cmd_function)w_verto_invite, 0, 0, 0, REQUEST_ROUTE},
	{"verto_invite", (cmd_function)w_verto_invite, 1, fixup_spve_null,
		fixup_free_spve_null, REQUEST_ROUTE},
	{0, 0, 0, 0, 0, 0}
};

static param_export_t params[] = {
	{"listen", PARAM_STRING, &verto_cfg.listen},
	{"wss_listen", PARAM_STRING, &verto_cfg.wss_listen},
	{"tls_cert", PARAM_STRING, &verto_cfg.tls_cert},
	{"tls_key", PARAM_STRING, &verto_cfg.tls_key},
	{"max_frame", PARAM_INT, &verto_cfg.max_frame},
	{"ping_interval", PARAM_INT, &verto_cfg.ping_interval},
	{"grace", PARAM_INT, &verto_cfg.grace},
	{"ring_timeout", PARAM_INT, &verto_cfg.ring_timeout},
	{"add_pai", PARAM_INT, &verto_add_pai},
	{"transfer", PARAM_INT, &verto_transfer},
	{"max_sessions", PARAM_INT, &verto_cfg.max_sessions},
	{"cc_uri", PARAM_STRING, &verto_cc_uri},
	{"outbound_proxy", PARAM_STRING, &verto_outbound_proxy},
	{"outbound_socket", PARAM_STRING, &verto_outbound_socket},
	{"contact", PARAM_STRING, &verto_contact},
	{"rtpengine", PARAM_STRING, &verto_cfg.rtpengine},
	{"rtpengine_timeout", PARAM_INT, &verto_cfg.ng_timeout},
	{"media_profiles", PARAM_STRING, &verto_media_profiles},
	{"profile_browser_offer", PARAM_STRING,
		&verto_prof_names[VERTO_RTP_BROWSER_OFFER]},
	{"profile_sip_answer", PARAM_STRING,
		&verto_prof_names[VERTO_RTP_SIP_ANSWER]},
	{"profile_sip_offer", PARAM_STRING,
		&verto_prof_names[VERTO_RTP_SIP_OFFER]},
	{"profile_browser_answer", PARAM_STRING,
		&verto_prof_names[VERTO_RTP_BROWSER_ANSWER]},
	{"dtmf_mode", PARAM_STRING, &verto_dtmf_mode},
	{"dtmf_duration", PARAM_INT, &verto_dtmf_duration},
	{"queue_position_header", PARAM_STRING, &verto_queue_hdrs[0]},
	{"queue_wait_header", PARAM_STRING, &verto_queue_hdrs[1]},
	{"ivr_menu_header", PARAM_STRING, &verto_queue_hdrs[2]},
	IDS_PARAMS_EXPORTS(verto_store),
	{"namespace", PARAM_STRING, &verto_namespace},
	{"auth_realm", PARAM_STRING, &verto_auth_realm},
	TOK_PARAMS_EXPORTS(verto_tok, verto_param_token_key),
	{"workers", PARAM_INT, &verto_cfg.workers},
	{"max_jobs", PARAM_INT, &verto_cfg.max_jobs},
	{"max_conns_per_ip", PARAM_INT, &verto_cfg.max_conns_per_ip},
	{"login_timeout", PARAM_INT, &verto_cfg.login_timeout},
	{"max_pending_bytes", PARAM_INT, &verto_cfg.max_pending_bytes},
	{"max_logins_pending", PARAM_INT, &verto_cfg.max_logins_pending},
	{"max_logins_per_ip", PARAM_INT, &verto_cfg.max_logins_per_ip},
	{"auth_workers", PARAM_INT, &verto_cfg.auth_workers},
	{"throttle_login_fails", PARAM_INT, &verto_cfg.login_fails},
	{"throttle_ip_fails", PARAM_INT, &verto_cfg.ip_fails},
	{"throttle_backoff", PARAM_INT, &verto_cfg.backoff},
	{"throttle_lockout", PARAM_INT, &verto_cfg.lockout},
	{"max_sessions_per_login", PARAM_INT, &verto_cfg.sessions_per_login},
	{"session_store", PARAM_INT, &verto_cfg.session_store},
	{"node_id", PARAM_STRING, &verto_node_id},
	{"session_prefix", PARAM_STRING, &verto_cfg.session_prefix},
	{0, 0, 0}
};

static pv_export_t mod_pvs[] = {
	{{"verto", sizeof("verto") - 1}, PVT_OTHER, pv_get_verto, 0,
		pv_parse_verto_name, 0, 0, 0},
	{{0, 0}, 0, 0, 0, 0, 0, 0, 0}
};

struct module_exports exports = {
	"iwg_verto",	 /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	cmds,			 /* exported functions */
	params,			 /* exported parameters */
	0,				 /* RPC method exports */
	mod_pvs,		 /* exported pseudo-variables */
	0,				 /* response handling function */
	mod_init,		 /* module initialization function */
	child_init,		 /* per-child init function */
	mod_destroy		 /* destroy function */
};

static sr_kemi_t sr_kemi_iwg_verto_exports[] = {
	{ str_init("iwg_verto"), str_init("verto_handle"),
		SR_KEMIP_INT, ki_verto_handle,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_verto"), str_init("verto_known"),
		SR_KEMIP_INT, ki_verto_known,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_verto"), str_init("verto_invite"),
		SR_KEMIP_INT, ki_verto_invite,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_verto"), str_init("verto_invite_uri"),
		SR_KEMIP_INT, ki_verto_invite_uri,
		{ SR_KEMIP_STR, SR_KEMIP_NONE, SR_KEMIP_NONE,
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
	sr_kemi_modules_add(sr_kemi_iwg_verto_exports);
	return 0;
}

/* ---------------------------------------------------------------- script */

static int ki_verto_handle(sip_msg_t *msg)
{
	return verto_sip_request(msg);
}

static int w_verto_handle(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_verto_handle(msg);
}

static int ki_verto_known(sip_msg_t *msg)
{
	return verto_sip_known(msg);
}

static int w_verto_known(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_verto_known(msg);
}

static int ki_verto_invite(sip_msg_t *msg)
{
	return verto_sip_invite(msg, NULL);
}

static int ki_verto_invite_uri(sip_msg_t *msg, str *uri)
{
	return verto_sip_invite(msg, uri);
}

static int w_verto_invite(sip_msg_t *msg, char *p1, char *p2)
{
	str uri = STR_NULL;

	(void)p2;
	if (p1 && fixup_get_svalue(msg, (gparam_t *)p1, &uri) < 0) {
		LM_ERR("verto_invite(): cannot evaluate the URI\n");
		return -1;
	}
	return verto_sip_invite(msg, p1 ? &uri : NULL);
}

/* $verto(name): the call whose request is being built (tm:local-request);
 * $verto(own): 1 while iwg_verto sends any request of its own, else 0 */
enum {
	VPV_LOGIN = 1,
	VPV_SIP_URI,
	VPV_DISPLAY,
	VPV_TENANT,
	VPV_QUEUE,
	VPV_AGENT_ID,
	VPV_CUSTOMER,
	VPV_DEST,
	VPV_CALLID,
	VPV_SESSID,
	VPV_LANGUAGE,
	VPV_PAGE,
	VPV_PRIORITY,
	VPV_DID,
	VPV_XFER,
	VPV_CALL_QUEUE,
	VPV_OWN,
};

static const char *const vpv_names[] = {
		[VPV_LOGIN] = "login",		 [VPV_SIP_URI] = "sip_uri",
		[VPV_DISPLAY] = "display",	 [VPV_TENANT] = "tenant",
		[VPV_QUEUE] = "queue",		 [VPV_AGENT_ID] = "agent_id",
		[VPV_CUSTOMER] = "customer", [VPV_DEST] = "dest",
		[VPV_CALLID] = "callid",	 [VPV_SESSID] = "sessid",
		[VPV_LANGUAGE] = "language", [VPV_PAGE] = "page",
		[VPV_PRIORITY] = "priority", [VPV_DID] = "did",
		[VPV_XFER] = "xfer",		 [VPV_CALL_QUEUE] = "call_queue",
		[VPV_OWN] = "own",
};

static int pv_parse_verto_name(pv_spec_t *sp, str *in)
{
	size_t i;

	for (i = 1; i < sizeof(vpv_names) / sizeof(vpv_names[0]); i++) {
		if (in->len == (int)strlen(vpv_names[i]) &&
			strncmp(in->s, vpv_names[i], in->len) == 0) {
			sp->pvp.pvn.type = PV_NAME_INTSTR;
			sp->pvp.pvn.u.isname.type = 0;
			sp->pvp.pvn.u.isname.name.n = (int)i;
			return 0;
		}
	}
	LM_ERR("unknown $verto(%.*s): use one of login, sip_uri, display, "
		   "tenant, queue, agent_id, customer, dest, callid, sessid, "
		   "language, page, priority, did, xfer, call_queue, own\n",
		   in->len, in->s);
	return -1;
}

static int pv_get_verto(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	verto_call *c = verto_sip_current();
	const verto_identity *id;
	const char *v = NULL;

	/* any request iwg_verto sends, with or without a call */
	if (param->pvn.u.isname.name.n == VPV_OWN)
		return pv_get_sintval(msg, param, res, verto_sip_current_own());
	if (!c || !c->sess)
		return pv_get_null(msg, param, res);
	id = &c->sess->ident;
	switch (param->pvn.u.isname.name.n) {
	case VPV_LOGIN:
		v = id->login;
		break;
	case VPV_SIP_URI:
		v = id->sip_uri;
		break;
	case VPV_DISPLAY:
		v = id->display;
		break;
	case VPV_TENANT:
		v = id->tenant;
		break;
	case VPV_QUEUE: /* the mapping's (an admin's choice) */
		v = id->queue;
		break;
	case VPV_CALL_QUEUE: /* the one the browser asked for (no trust) */
		v = c->ctx_queue;
		break;
	case VPV_LANGUAGE: /* the call's own, else the mapping's */
		v = c->ctx_language ? c->ctx_language : id->language;
		break;
	case VPV_PRIORITY:
		v = id->priority;
		break;
	case VPV_DID:
		v = id->did;
		break;
	case VPV_PAGE:
		v = c->ctx_page;
		break;
	case VPV_AGENT_ID:
		v = id->agent_id;
		break;
	case VPV_CUSTOMER:
		v = id->customer;
		break;
	case VPV_DEST:
		v = c->dest;
		break;
	case VPV_CALLID:
		v = c->call_id;
		break;
	case VPV_SESSID:
		v = c->sess->sessid;
		break;
	case VPV_XFER: /* the INVITE of a transfer's new leg */
		v = verto_sip_current_xfer();
		break;
	}
	if (!v || !*v)
		return pv_get_null(msg, param, res);
	return pv_get_strzval(msg, param, res, (char *)v);
}

/* ---------------------------------------------------------------- init */

static int verto_param_token_key(modparam_t type, void *val)
{
	char err[300];

	(void)type;
	if (tok_params_add_key(&verto_tok, (const char *)val, err, sizeof(err))) {
		LM_ERR("parameter %s\n", err);
		return -1;
	}
	return 0;
}

/* the identity store, namespace, realm and tokens of the logins into
 * verto_cfg.ident; -1 (logged) when a value is unusable */
static int ident_params(void)
{
	verto_ident_cfg *icfg = &verto_cfg.ident;
	tok_opts_t o;
	char err[300];

	memset(icfg, 0, sizeof(*icfg));
	/* connect_timeout and cmd_timeout: 1..10000 ms (README 3.4.5) */
	if (ids_params_check(&verto_store, VERTO_REDIS_TIMEOUT_MAX, &icfg->store,
						 err, sizeof(err)) ||
		tok_params_check(&verto_tok, err, sizeof(err))) {
		LM_ERR("parameter %s\n", err);
		return -1;
	}
	if (!*verto_namespace || strlen(verto_namespace) > IDS_NS_MAX) {
		LM_ERR("parameter 'namespace' must be 1..%d characters\n", IDS_NS_MAX);
		return -1;
	}
	if (strlen(verto_auth_realm) >= sizeof(icfg->realm)) {
		LM_ERR("parameter 'auth_realm' is longer than %zu characters\n",
			   sizeof(icfg->realm) - 1);
		return -1;
	}
	snprintf(icfg->ns, sizeof(icfg->ns), "%s", verto_namespace);
	snprintf(icfg->realm, sizeof(icfg->realm), "%s", verto_auth_realm);
	tok_params_opts(&verto_tok, 0, &o);
	icfg->keys = &verto_tok.keys;
	icfg->audience = o.audience;
	icfg->issuer = o.issuer;
	icfg->skew_s = o.skew_s;
	icfg->token_max_len = o.max_len;
	return 0;
}

/* the flag strings of the profiles named by the profile_* parameters */
static int load_profiles(void)
{
	mprof_set_t *set = NULL;
	mprof_err_t perr;
	char err[256];
	int i, k;

	if (!verto_media_profiles || !*verto_media_profiles) {
		LM_ERR("parameter 'media_profiles' is required (the iwg_media "
			   "profile file)\n");
		return -1;
	}
	if (mprof_load_file(verto_media_profiles, &set, &perr)) {
		LM_ERR("parameter 'media_profiles': %s\n", perr.errstr);
		return -1;
	}
	for (i = 0; i < VERTO_RTP_STEPS; i++) {
		const char *name = verto_prof_names[i];
		k = mprof_find(set, name, strlen(name));
		if (k < 0) {
			LM_ERR("%s: no profile [%s]\n", verto_media_profiles, name);
			goto err;
		}
		if (verto_ngflags_check(mprof_flags(set, (unsigned)k), err,
								sizeof(err))) {
			LM_ERR("%s: profile [%s] (line %u): %s\n", verto_media_profiles,
				   name, set->prof[k].line, err);
			goto err;
		}
		verto_cfg.prof_flags[i] = strdup(mprof_flags(set, (unsigned)k));
		if (!verto_cfg.prof_flags[i])
			goto err;
	}
	mprof_set_free(set);
	return 0;
err:
	mprof_set_free(set);
	return -1;
}

static int check_sip_uri_param(const char *name, const char *v)
{
	if (!v || (strncmp(v, "sip:", 4) != 0 && strncmp(v, "sips:", 5) != 0) ||
		strpbrk(v, " <>\"\r\n")) {
		LM_ERR("parameter '%s' must be a sip: or sips: URI, not '%s'\n", name,
			   v ? v : "");
		return -1;
	}
	return 0;
}

/* outbound_proxy and outbound_socket into cfg; -1 (logged) if unusable */
static int outbound_params(verto_sip_cfg *cfg)
{
	str sock;

	if (*verto_outbound_proxy) {
		if (check_sip_uri_param("outbound_proxy", verto_outbound_proxy))
			return -1;
		cfg->proxy.s = verto_outbound_proxy;
		cfg->proxy.len = (int)strlen(verto_outbound_proxy);
	}
	if (!*verto_outbound_socket)
		return 0;
	sock.s = verto_outbound_socket;
	sock.len = (int)strlen(verto_outbound_socket);
	cfg->proxy_sock = lookup_local_socket(&sock);
	if (!cfg->proxy_sock) {
		LM_ERR("parameter 'outbound_socket': no listener '%s' (proto:ip:port "
			   "of a listen= line)\n",
			   verto_outbound_socket);
		return -1;
	}
	return 0;
}

/* the listener the contact parameter names (the transfers' INVITEs leave
 * from it), or NULL when none matches (tm then chooses) */
static struct socket_info *contact_socket(void)
{
	struct sip_uri u;

	if (parse_uri(verto_contact, (int)strlen(verto_contact), &u) < 0)
		return NULL;
	return grep_sock_info(&u.host, u.port_no ? u.port_no : SIP_PORT,
						  u.proto ? u.proto : PROTO_UDP);
}

/* the header names of the queue events into cfg (empty: not read); -1
 * (logged) when one is not a header name */
static int queue_hdr_params(verto_sip_cfg *cfg)
{
	static const char *const names[3] = {
			"queue_position_header", "queue_wait_header", "ivr_menu_header"};
	const char *v;
	int i;

	for (i = 0; i < 3; i++) {
		v = verto_queue_hdrs[i] ? verto_queue_hdrs[i] : "";
		if (*v && !verto_cc_token_ok(v, strlen(v), 64)) {
			LM_ERR("parameter '%s' must be a SIP header name (a token of at "
				   "most 64 characters) or empty, not '%s'\n",
				   names[i], v);
			return -1;
		}
		cfg->queue_hdr[i].s = (char *)v;
		cfg->queue_hdr[i].len = (int)strlen(v);
	}
	return 0;
}

/* the integer parameters within their ranges */
static int check_int_params(void)
{
	static const struct {
		const char *name;
		const int *v;
		int min, max;
	} ints[] = {
			{"max_frame", &verto_cfg.max_frame, 1024, 16 * 1024 * 1024},
			{"ping_interval", &verto_cfg.ping_interval, 1, 3600},
			{"grace", &verto_cfg.grace, 0, 3600},
			{"ring_timeout", &verto_cfg.ring_timeout, 1, 3600},
			{"workers", &verto_cfg.workers, 1, VERTO_WORKERS_MAX},
			{"max_jobs", &verto_cfg.max_jobs, 16, 100000},
			{"max_sessions", &verto_cfg.max_sessions, 1, 10000000},
			{"rtpengine_timeout", &verto_cfg.ng_timeout, 10, 10000},
			{"dtmf_duration", &verto_dtmf_duration, 40, 2000},
			{"max_conns_per_ip", &verto_cfg.max_conns_per_ip, 1, 1000000},
			{"login_timeout", &verto_cfg.login_timeout, 1, 30},
			{"max_pending_bytes", &verto_cfg.max_pending_bytes, 65536,
			 1024 * 1024 * 1024},
			{"max_logins_pending", &verto_cfg.max_logins_pending, 1, 100000},
			{"max_logins_per_ip", &verto_cfg.max_logins_per_ip, 1, 100000},
			{"auth_workers", &verto_cfg.auth_workers, 1, VERTO_WORKERS_MAX},
			{"throttle_login_fails", &verto_cfg.login_fails, 1, 1000},
			{"throttle_ip_fails", &verto_cfg.ip_fails, 1, 100000},
			{"throttle_backoff", &verto_cfg.backoff, 1, 3600 * 1000},
			{"throttle_lockout", &verto_cfg.lockout, 1, 86400},
			{"max_sessions_per_login", &verto_cfg.sessions_per_login, 1, 10000},
			{"transfer", &verto_transfer, 0, 1},
	};
	size_t i;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (*ints[i].v < ints[i].min || *ints[i].v > ints[i].max) {
			LM_ERR("parameter '%s' must be %d..%d, not %d\n", ints[i].name,
				   ints[i].min, ints[i].max, *ints[i].v);
			return -1;
		}
	}
	if (verto_cfg.max_pending_bytes < verto_cfg.max_frame) {
		LM_ERR("parameter 'max_pending_bytes' (%d) must be at least "
			   "'max_frame' (%d): a largest message could never be read\n",
			   verto_cfg.max_pending_bytes, verto_cfg.max_frame);
		return -1;
	}
	if ((int64_t)verto_cfg.lockout * 1000 < verto_cfg.backoff) {
		LM_ERR("parameter 'throttle_lockout' (%d s) must not be shorter "
			   "than 'throttle_backoff' (%d ms)\n",
			   verto_cfg.lockout, verto_cfg.backoff);
		return -1;
	}
	return 0;
}

static int mod_init(void)
{
	int has_wss = verto_cfg.wss_listen && *verto_cfg.wss_listen;
	verto_sip_cfg scfg;

	if (verto_cfg.listen && !*verto_cfg.listen)
		verto_cfg.listen = NULL;
	if (!verto_cfg.listen && !has_wss) {
		LM_ERR("parameter 'listen' or 'wss_listen' must be set\n");
		return -1;
	}
	if (has_wss && (!verto_cfg.tls_cert || !verto_cfg.tls_key)) {
		LM_ERR("parameter 'wss_listen' needs 'tls_cert' and 'tls_key'\n");
		return -1;
	}
	verto_cfg.ha_node = *verto_node_id ? verto_node_id : verto_contact;
	if (verto_cfg.session_store) {
		char herr[256];

		/* every key of the session store can be built (fail closed: a
		 * node key that could not be would read as a dead node) */
		if (strpbrk(verto_cfg.session_prefix, " \r\n") ||
			verto_ha_check(verto_cfg.ha_node, verto_cfg.session_prefix, herr,
						   sizeof(herr))) {
			LM_ERR("parameter %s\n", strpbrk(verto_cfg.session_prefix, " \r\n")
											 ? "'session_prefix': no spaces"
											 : herr);
			return -1;
		}
	}
	if (has_wss) {
		char terr[512];

		/* a certificate problem stops Kamailio here, before any fork */
		if (verto_ws_tls_check(verto_cfg.tls_cert, verto_cfg.tls_key, terr,
							   sizeof(terr))) {
			LM_ERR("parameter 'tls_cert'/'tls_key': %s\n", terr);
			return -1;
		}
	}
	if (check_int_params())
		return -1;
	if (check_sip_uri_param("cc_uri", verto_cc_uri) ||
		check_sip_uri_param("contact", verto_contact))
		return -1;
	if (strchr(verto_cc_uri, '@')) {
		LM_ERR("parameter 'cc_uri' names a host, not a user: '%s'\n",
			   verto_cc_uri);
		return -1;
	}
	memset(&scfg, 0, sizeof(scfg));
	if (strcmp(verto_dtmf_mode, "rtpengine") == 0)
		scfg.dtmf_mode = VERTO_DTMF_RTPENGINE;
	else if (strcmp(verto_dtmf_mode, "info") == 0)
		scfg.dtmf_mode = VERTO_DTMF_INFO;
	else {
		LM_ERR("parameter 'dtmf_mode' must be rtpengine or info, not '%s'\n",
			   verto_dtmf_mode);
		return -1;
	}
	if (ident_params())
		return -1;
	if (load_profiles())
		return -1;
	scfg.cc_uri.s = verto_cc_uri;
	scfg.cc_uri.len = (int)strlen(verto_cc_uri);
	scfg.contact.s = verto_contact;
	scfg.contact.len = (int)strlen(verto_contact);
	scfg.dtmf_duration = verto_dtmf_duration;
	scfg.add_pai = verto_add_pai ? 1 : 0;
	scfg.transfer = verto_transfer;
	scfg.sip_sock = contact_socket();
	if (!scfg.sip_sock)
		LM_INFO("no listener matches parameter 'contact' (%s): transfers' "
				"INVITEs leave from the socket tm chooses\n",
				verto_contact);
	if (outbound_params(&scfg) || queue_hdr_params(&scfg))
		return -1;
	if (verto_sip_init(&scfg) || verto_ipc_init() || verto_rpc_init())
		return -1;
	if (rpc_register_array(verto_rpc_cmds) != 0) {
		LM_ERR("cannot register the RPC commands\n");
		return -1;
	}
	register_procs(1);
	cfg_register_child(1);
	return 0;
}

static int child_init(int rank)
{
	int pid;

	if (rank != PROC_MAIN)
		return 0;
	/* PROC_RPC: every module's child_init runs (tm is used there) */
	pid = fork_process(PROC_RPC, "iwg_verto WebSocket", 1);
	if (pid < 0) {
		LM_ERR("cannot fork the verto WebSocket process\n");
		return -1;
	}
	if (pid == 0) {
		if (cfg_child_init())
			_exit(-1);
		verto_proc_run(&verto_cfg);
	}
	return 0;
}

static void mod_destroy(void)
{
	int i;

	for (i = 0; i < VERTO_RTP_STEPS; i++) {
		free(verto_cfg.prof_flags[i]);
		verto_cfg.prof_flags[i] = NULL;
	}
	tok_params_free(&verto_tok);
	verto_rpc_destroy();
	verto_ipc_destroy();
}
