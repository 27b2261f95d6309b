/*
 * iwg_verto: Verto JSON-RPC over WebSocket <-> SIP gateway (Kamailio glue).
 *
 * mod_init checks the parameters, loads the media profiles, binds tm and
 * sl and creates the SIP event queue (verto_ipc.h); child_init of the main
 * process forks one "iwg_verto WebSocket" process (rank PROC_RPC, so every
 * module's per-process init runs there: tm is used from it). That process
 * runs the libwebsockets loop (verto_ws.c), the protocol engine
 * (verto_engine.c) and every SIP request of its calls (verto_sip.c); job
 * pools (verto_jobs.c) do the blocking work, each thread with its own
 * connections, results handled back in the loop: logins have their own
 * (`auth_workers` threads, verto_ident.c), so a login flood cannot take
 * what calls need; reverse lookups of calls from SIP and rtpengine
 * requests (verto_rtp.c) share the other (`workers` threads plus one
 * ordered lane). Failed logins are throttled per source address and per
 * login (verto_throttle.c) before a job is made. SIP workers answer in-dialog
 * requests (verto_handle()) and ship replies and requests to it through the
 * queue.
 *
 * Memory: parameters and the token keyset are pkg/malloc'd before the
 * fork, read-only afterwards. Engine and endpoint live in the WebSocket
 * process only.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
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

#include <json-c/json.h>

#include "media/media_profile.h"
#include "verto_cc.h"
#include "verto_engine.h"
#include "verto_ha.h"
#include "verto_index.h"
#include "verto_takeover.h"
#include "verto_ident.h"
#include "verto_state.h"
#include "verto_ngflags.h"
#include "verto_ipc.h"
#include "verto_jobs.h"
#include "verto_rpc.h"
#include "verto_rtp.h"
#include "verto_sip.h"
#include "verto_throttle.h"
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
#define DEFAULT_VERTO_REDIS			 "127.0.0.1:6379"
#define DEFAULT_VERTO_NAMESPACE		 "paas"
#define DEFAULT_VERTO_SKEW			 30
#define DEFAULT_VERTO_WORKERS		 2
#define DEFAULT_VERTO_MAX_JOBS		 1000
#define VERTO_WORKERS_MAX			 64
#define DEFAULT_VERTO_REDIS_TIMEOUT	 200 /* ms, as lib/idstore */
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

static char *verto_listen = DEFAULT_VERTO_LISTEN;
static char *verto_wss_listen = NULL;
static char *verto_tls_cert = NULL;
static char *verto_tls_key = NULL;
static int verto_max_frame = DEFAULT_VERTO_MAX_FRAME;
static int verto_ping_interval = DEFAULT_VERTO_PING;
static int verto_grace = DEFAULT_VERTO_GRACE;
static int verto_ring_timeout = DEFAULT_VERTO_RING;
static int verto_add_pai = 1;
/* the contact center may transfer calls with REFER (else 403) */
static int verto_transfer = 1;
static int verto_max_sessions = DEFAULT_VERTO_MAX_SESSIONS;
static char *verto_cc_uri = DEFAULT_VERTO_CC_URI;
static char *verto_outbound_proxy = "";
static char *verto_outbound_socket = "";
static char *verto_contact = DEFAULT_VERTO_CONTACT;
static char *verto_rtpengine = DEFAULT_VERTO_RTPENGINE;
static int verto_ng_timeout = DEFAULT_VERTO_NG_TIMEOUT;
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
static char *verto_redis_addr = DEFAULT_VERTO_REDIS;
static char *verto_sentinels = "";
static char *verto_sentinel_master = "mymaster";
static char *verto_redis_password = "";
static int verto_redis_db = 0;
static int verto_connect_timeout = DEFAULT_VERTO_REDIS_TIMEOUT;
static int verto_cmd_timeout = DEFAULT_VERTO_REDIS_TIMEOUT;
static char *verto_namespace = DEFAULT_VERTO_NAMESPACE;
static char *verto_auth_realm = "";
static char *verto_token_audience = "";
static char *verto_token_issuer = "";
static int verto_token_skew = DEFAULT_VERTO_SKEW;
static int verto_workers = DEFAULT_VERTO_WORKERS;
static int verto_max_jobs = DEFAULT_VERTO_MAX_JOBS;
static int verto_max_conns_per_ip = DEFAULT_VERTO_CONNS_PER_IP;
static int verto_login_timeout = DEFAULT_VERTO_LOGIN_TIMEOUT;
static int verto_max_pending_bytes = DEFAULT_VERTO_PENDING_BYTES;
static int verto_max_logins_pending = DEFAULT_VERTO_LOGINS_PENDING;
/* logins in flight from one source address (verto_throttle) */
static int verto_max_logins_per_ip = 32;
static int verto_auth_workers = DEFAULT_VERTO_AUTH_WORKERS;
static int verto_login_fails = DEFAULT_VERTO_LOGIN_FAILS;
static int verto_ip_fails = DEFAULT_VERTO_IP_FAILS;
static int verto_backoff = DEFAULT_VERTO_BACKOFF;
static int verto_lockout = DEFAULT_VERTO_LOCKOUT;
static int verto_sessions_per_login = DEFAULT_VERTO_SESS_PER_LOGIN;
/* sessions that survive their node (verto_ha.h): on/off, this node's id
 * ("": the contact URI), the Redis key prefix */
static int verto_session_store = 1;
static char *verto_node_id = "";
static char *verto_session_prefix = "iwg:verto:";
static tok_keyset_t verto_keys;
static int verto_keys_ready = 0;

/* flag strings of the profiles, malloc'd in mod_init */
static char *verto_prof_flags[VERTO_RTP_STEPS];

/* WebSocket process state */
static verto_engine *verto_eng = NULL;
static verto_ws *verto_endpoint = NULL;
static verto_ident_cfg verto_icfg;
static verto_jobs *verto_pool = NULL;	 /* reverse lookups, media steps */
static verto_jobs *verto_lane = NULL;	 /* fire-and-forget NG, in order */
static verto_jobs *verto_auth = NULL;	 /* logins only */
static verto_budget verto_mem;			 /* partial and held frames */
static verto_throttle *verto_thr = NULL; /* failed logins */

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
	{"listen", PARAM_STRING, &verto_listen},
	{"wss_listen", PARAM_STRING, &verto_wss_listen},
	{"tls_cert", PARAM_STRING, &verto_tls_cert},
	{"tls_key", PARAM_STRING, &verto_tls_key},
	{"max_frame", PARAM_INT, &verto_max_frame},
	{"ping_interval", PARAM_INT, &verto_ping_interval},
	{"grace", PARAM_INT, &verto_grace},
	{"ring_timeout", PARAM_INT, &verto_ring_timeout},
	{"add_pai", PARAM_INT, &verto_add_pai},
	{"transfer", PARAM_INT, &verto_transfer},
	{"max_sessions", PARAM_INT, &verto_max_sessions},
	{"cc_uri", PARAM_STRING, &verto_cc_uri},
	{"outbound_proxy", PARAM_STRING, &verto_outbound_proxy},
	{"outbound_socket", PARAM_STRING, &verto_outbound_socket},
	{"contact", PARAM_STRING, &verto_contact},
	{"rtpengine", PARAM_STRING, &verto_rtpengine},
	{"rtpengine_timeout", PARAM_INT, &verto_ng_timeout},
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
	{"redis_addr", PARAM_STRING, &verto_redis_addr},
	{"sentinels", PARAM_STRING, &verto_sentinels},
	{"sentinel_master", PARAM_STRING, &verto_sentinel_master},
	{"redis_password", PARAM_STRING, &verto_redis_password},
	{"redis_db", PARAM_INT, &verto_redis_db},
	{"connect_timeout", PARAM_INT, &verto_connect_timeout},
	{"cmd_timeout", PARAM_INT, &verto_cmd_timeout},
	{"namespace", PARAM_STRING, &verto_namespace},
	{"auth_realm", PARAM_STRING, &verto_auth_realm},
	{"token_key", PARAM_STRING | USE_FUNC_PARAM,
		(void *)verto_param_token_key},
	{"token_audience", PARAM_STRING, &verto_token_audience},
	{"token_issuer", PARAM_STRING, &verto_token_issuer},
	{"token_skew", PARAM_INT, &verto_token_skew},
	{"workers", PARAM_INT, &verto_workers},
	{"max_jobs", PARAM_INT, &verto_max_jobs},
	{"max_conns_per_ip", PARAM_INT, &verto_max_conns_per_ip},
	{"login_timeout", PARAM_INT, &verto_login_timeout},
	{"max_pending_bytes", PARAM_INT, &verto_max_pending_bytes},
	{"max_logins_pending", PARAM_INT, &verto_max_logins_pending},
	{"max_logins_per_ip", PARAM_INT, &verto_max_logins_per_ip},
	{"auth_workers", PARAM_INT, &verto_auth_workers},
	{"throttle_login_fails", PARAM_INT, &verto_login_fails},
	{"throttle_ip_fails", PARAM_INT, &verto_ip_fails},
	{"throttle_backoff", PARAM_INT, &verto_backoff},
	{"throttle_lockout", PARAM_INT, &verto_lockout},
	{"max_sessions_per_login", PARAM_INT, &verto_sessions_per_login},
	{"session_store", PARAM_INT, &verto_session_store},
	{"node_id", PARAM_STRING, &verto_node_id},
	{"session_prefix", PARAM_STRING, &verto_session_prefix},
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

/* ---------------------------------------------------------------- ops */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int op_send(void *ctx, verto_conn_id conn, const char *buf, size_t len)
{
	(void)ctx;
	return verto_ws_send(verto_endpoint, conn, buf, len);
}

/* a logged-in connection closes normally (punt, kick); one that never
 * logged in is closed by a limit (login deadline, frames held too long):
 * 1008 policy violation */
static void op_close(void *ctx, verto_conn_id conn)
{
	(void)ctx;
	verto_ws_close_code(verto_endpoint, conn,
						verto_ws_trusted(verto_endpoint, conn) ? 1000 : 1008);
}

/* a string member of userVariables, or NULL */
static const char *uvar(struct json_object *uvars, const char *key)
{
	struct json_object *v;

	if (!uvars || !json_object_object_get_ex(uvars, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void worker_free(void *p)
{
	verto_worker *w = p;

	if (!w)
		return;
	verto_ident_free(w->idn);
	verto_rtp_free(w->rtp);
	free(w);
}

/* a worker thread's own clients (verto_sip.h), made before the threads
 * start (the Redis connection opens on first use, in the thread): its
 * identity store client, and an rtpengine client unless it only checks
 * logins (with_rtp 0); NULL with err */
static verto_worker *worker_make(int with_rtp, char *err, size_t errsz)
{
	verto_worker *w = calloc(1, sizeof(*w));

	if (!w || !(w->idn = verto_ident_new(&verto_icfg))) {
		snprintf(err, errsz, "out of memory");
		worker_free(w);
		return NULL;
	}
	if (!with_rtp)
		return w;
	w->rtp = verto_rtp_new(verto_rtpengine,
						   (const char *const *)verto_prof_flags,
						   verto_ng_timeout, err, errsz);
	if (!w->rtp) {
		worker_free(w);
		return NULL;
	}
	return w;
}

/* in worker thread index: its clients, made by worker_make (arg: the
 * array of them) */
static void *worker_new(void *arg, unsigned index)
{
	return ((verto_worker **)arg)[index];
}

/* a login checked by a worker (malloc'd; passwd wiped before free) */
typedef struct auth_job {
	verto_job job;
	verto_conn_id conn;
	char login[VERTO_ID_MAX + 1];
	char addr[64]; /* the connection's source address, "" if unknown */
	char *passwd, *token;
	char customer[129];
	int rc; /* VERTO_IDENT_* */
	verto_identity ident;
	char why[160];
	/* a sessid this node does not hold: the session may be another
	 * node's to take over (verto_ha_claim); st is then malloc'd */
	char sessid[VERTO_SESSID_LEN + 1];
	verto_state *st;
	verto_claim claim;
	char cwhy[160];
	/* the owner lived: the claim is asked again (claims_retry) until
	 * claim_until, the job waiting in claims_waiting meanwhile (no thread
	 * held); retry: only the claim runs (the login was checked) */
	int retry;
	uint64_t claim_until, next_at;
	verto_link wait;
} auth_job;

/* logins whose claim waits for an owner's node key to lapse: at most one
 * per sessid, at most claims_max (max_logins_pending / 2) */
static verto_link claims_waiting = {&claims_waiting, &claims_waiting};
static unsigned claims_n;

static void auth_run(verto_job *j, void *worker)
{
	auth_job *a = (auth_job *)j;
	verto_worker *w = worker;

	if (!w || !w->idn) {
		a->rc = VERTO_IDENT_STORE;
		snprintf(a->why, sizeof(a->why), "no identity store client");
		return;
	}
	if (!a->retry)
		a->rc = verto_ident_login(w->idn, a->login, a->passwd, a->token,
								  (int64_t)time(NULL), &a->ident, a->why,
								  sizeof(a->why));
	if (a->rc == VERTO_IDENT_OK && a->sessid[0] &&
		(a->st || (a->st = malloc(sizeof(*a->st)))))
		a->claim = verto_ha_claim(w->idn, a->sessid, a->ident.login, a->st,
								  a->cwhy, sizeof(a->cwhy));
}

static void auth_job_free(auth_job *a)
{
	verto_state_clear(a->st);
	free(a->st);
	if (a->passwd) {
		explicit_bzero(a->passwd, strlen(a->passwd));
		free(a->passwd);
	}
	if (a->token) {
		explicit_bzero(a->token, strlen(a->token));
		free(a->token);
	}
	free(a);
}

/* a decided login ends its attempt in the throttle: a refusal is a
 * failure, a success clears its login's count, an identity store
 * failure counts for nothing */
static void auth_throttle(const auth_job *a)
{
	int locked;

	if (!verto_thr)
		return;
	if (a->rc == VERTO_IDENT_OK) {
		/* only for the name it proved: a token of one user sent with
		 * another's login name must not clear that name's failures */
		if (strcmp(a->ident.login, a->login) == 0)
			verto_throttle_success(verto_thr, a->addr, a->login);
		else
			verto_throttle_abandon(verto_thr, a->addr, a->login);
		return;
	}
	if (a->rc != VERTO_IDENT_REFUSED) {
		verto_throttle_abandon(verto_thr, a->addr, a->login);
		return;
	}
	locked = verto_throttle_fail(verto_thr, a->addr, a->login, now_ms());
	if (locked & (1 << VERTO_THR_LOGIN))
		LM_NOTICE("verto logins of '%.3s...' throttled after %d failures "
				  "(last from %s)\n",
				  a->login, verto_login_fails, a->addr[0] ? a->addr : "?");
	if (locked & (1 << VERTO_THR_ADDR))
		LM_NOTICE("verto logins from %s throttled after %d failures\n", a->addr,
				  verto_ip_fails);
	/* a lock shows in verto.throttled at once (at most 5 times a second:
	 * a snapshot lists every session) */
	if (locked) {
		static uint64_t forced;
		uint64_t now = now_ms();

		if (now - forced >= 200) {
			forced = now;
			verto_rpc_publish(verto_eng, now, 1);
		}
	}
}

/* a login with a sessid this node did not hold: another node's session
 * claimed for it is rebuilt here before the engine resumes it */
static void auth_takeover(auth_job *a)
{
	if (!a->sessid[0] || a->claim == VERTO_CLAIM_NONE) {
		if (a->cwhy[0])
			LM_INFO("verto session %.8s...: nothing to take over (%s)\n",
					a->sessid, a->cwhy);
		return;
	}
	if (a->claim != VERTO_CLAIM_TAKE) {
		/* the login goes on with a new session */
		LM_NOTICE("verto session %.8s... not taken over (%s): %s\n", a->sessid,
				  verto_claim_name(a->claim), a->cwhy);
		verto_ha_claimed(a->claim);
		return;
	}
	/* a session that came meanwhile (another login) is left alone */
	if (verto_engine_session(verto_eng, a->sessid) ||
		verto_takeover_adopt(verto_eng, a->st, &a->ident) < 0)
		return;
	verto_ha_claimed(a->claim);
}

/* 1 when the claim of a (its owner alive) is to be asked again later: a
 * node that just died keeps its key up to VERTO_HA_BEAT_TTL_MS. The login
 * waits without holding a thread of the login lane: a timed retry. */
static int claim_wait(auth_job *a)
{
	uint64_t now = now_ms();
	unsigned max = (unsigned)verto_max_logins_pending / 2;
	verto_link *l;

	if (a->rc != VERTO_IDENT_OK || a->claim != VERTO_CLAIM_ALIVE)
		return 0;
	if (!a->retry) {
		if (claims_n >= (max ? max : 1)) {
			LM_NOTICE("verto session %.8s...: %u logins already wait for "
					  "their session's node: not waited for\n",
					  a->sessid, claims_n);
			return 0;
		}
		for (l = claims_waiting.next; l != &claims_waiting; l = l->next)
			if (strcmp(verto_container(l, auth_job, wait)->sessid, a->sessid) ==
				0) {
				LM_NOTICE("verto session %.8s...: another login waits for "
						  "it already: not waited for\n",
						  a->sessid);
				return 0;
			}
		a->claim_until = now + VERTO_HA_CLAIM_WAIT_MS;
		/* checked: not kept while the login waits */
		if (a->passwd)
			explicit_bzero(a->passwd, strlen(a->passwd));
		if (a->token)
			explicit_bzero(a->token, strlen(a->token));
	} else if (now >= a->claim_until) {
		return 0;
	}
	a->next_at = now + VERTO_HA_CLAIM_RETRY_MS;
	verto_list_add_tail(&claims_waiting, &a->wait);
	claims_n++;
	return 1;
}

static void auth_done(verto_job *j, int cancelled);

/* tick: the waiting claims that are due go to the login lane again, while
 * its queue has fewer jobs than threads (logins first); a login whose
 * connection closed meanwhile ends there */
static void claims_retry(uint64_t now)
{
	verto_link *l, *next;

	for (l = claims_waiting.next; l != &claims_waiting; l = next) {
		auth_job *a = verto_container(l, auth_job, wait);

		next = l->next;
		if (a->next_at > now)
			continue;
		if (verto_engine_login_sessid(verto_eng, a->conn) &&
			verto_jobs_queued(verto_auth) >= (unsigned)verto_auth_workers)
			continue;
		verto_list_del(l);
		claims_n--;
		a->retry = 1;
		verto_state_clear(a->st);
		if (!verto_engine_login_sessid(verto_eng, a->conn) ||
			verto_jobs_submit(verto_auth, &a->job)) {
			/* decided as it stands: a new session (or nobody to tell) */
			a->claim_until = 0;
			auth_done(&a->job, 0);
		}
	}
}

static void auth_done(verto_job *j, int cancelled)
{
	auth_job *a = (auth_job *)j;
	int rc = VERTO_ERR_AUTH_FAILED;

	if (!cancelled && claim_wait(a))
		return;
	if (!cancelled) {
		auth_throttle(a);
		if (a->rc != VERTO_IDENT_OK) {
			LM_INFO("verto login '%.3s...' refused: %s\n", a->login, a->why);
		} else {
			memcpy(a->ident.customer, a->customer, sizeof(a->customer));
			rc = 0;
			auth_takeover(a);
		}
		/* before the engine goes on: it may close the connection */
		verto_ws_trust(verto_endpoint, a->conn, rc == 0);
		if (verto_engine_auth_done(verto_eng, a->conn, rc, &a->ident))
			LM_DBG("verto login '%.3s...' decided after its connection "
				   "closed\n",
				   a->login);
	}
	auth_job_free(a);
}

static int op_auth_start(void *ctx, verto_conn_id conn, const char *login,
						 const char *passwd, struct json_object *uvars)
{
	const char *customer = uvar(uvars, "customer_id");
	const char *token = uvar(uvars, "token");
	const char *sessid;
	char addr[sizeof(((auth_job *)0)->addr)];
	auth_job *a;

	(void)ctx;
	verto_ws_peer(verto_endpoint, conn, addr, sizeof(addr));
	/* nothing is prepared for a login the full lane would refuse */
	if (verto_jobs_full(verto_auth))
		return VERTO_START_BUSY;
	/* refused while throttled: not checked, not a failure; else counted
	 * in flight until auth_done */
	if (verto_thr && verto_throttle_begin(verto_thr, addr, login, now_ms()))
		return VERTO_START_THROTTLED;
	/* one address may not take the whole login lane (max_logins_pending):
	 * beyond its share, SERVER BUSY (the client may retry) */
	if (verto_thr && addr[0] &&
		verto_throttle_inflight(verto_thr, VERTO_THR_ADDR, addr) >
				(unsigned)verto_max_logins_per_ip) {
		verto_throttle_abandon(verto_thr, addr, login);
		return VERTO_START_BUSY;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		verto_throttle_abandon(verto_thr, addr, login);
		return -1;
	}
	a->job.run = auth_run;
	a->job.done = auth_done;
	a->conn = conn;
	/* a sessid not held here: maybe a session to take over */
	if (verto_ha_on() &&
		(sessid = verto_engine_login_sessid(verto_eng, conn)) &&
		!verto_engine_session(verto_eng, sessid))
		snprintf(a->sessid, sizeof(a->sessid), "%s", sessid);
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->addr, sizeof(a->addr), "%s", addr);
	a->passwd = strdup(passwd);
	a->token = token ? strdup(token) : NULL;
	if (customer && strlen(customer) < sizeof(a->customer) &&
		strcspn(customer, "\r\n") == strlen(customer))
		snprintf(a->customer, sizeof(a->customer), "%s", customer);
	if (!a->passwd || (token && !a->token)) {
		verto_throttle_abandon(verto_thr, a->addr, a->login);
		auth_job_free(a);
		return -1;
	}
	if (verto_jobs_submit(verto_auth, &a->job)) {
		/* never checked in the loop: the engine answers at once */
		verto_throttle_abandon(verto_thr, a->addr, a->login);
		auth_job_free(a);
		return VERTO_START_BUSY;
	}
	return 0;
}

/* sessions are written again (their TTL) every third of the grace, at
 * least every second and at most every 10 s */
static uint64_t ha_refresh_ms(void)
{
	uint64_t r = (uint64_t)verto_grace * 1000 / 3;

	return r < 1000 ? 1000 : r > 10000 ? 10000 : r;
}

/* ---------------------------------------------------------------- loop */

static void ws_open(void *ctx, uint64_t id)
{
	(void)ctx;
	if (verto_engine_conn_open(verto_eng, id))
		verto_ws_close(verto_endpoint, id);
}

static void ws_text(void *ctx, uint64_t id, const char *buf, size_t len)
{
	(void)ctx;
	/* -1: the frame could not be kept (already answered): close, a
	 * policy violation (too many frames, the memory budget) */
	if (verto_engine_frame(verto_eng, id, buf, len))
		verto_ws_close_code(verto_endpoint, id, 1008);
}

static void ws_close(void *ctx, uint64_t id)
{
	(void)ctx;
	verto_engine_conn_close(verto_eng, id);
}

static void ws_fd_ready(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	verto_sip_events();
	verto_jobs_drain(verto_auth);
	verto_jobs_drain(verto_pool);
	verto_jobs_drain(verto_lane);
	verto_ha_drain();
}

static void ws_tick(void *ctx)
{
	uint64_t now = now_ms();

	(void)ctx;
	cfg_update();
	verto_sip_events();
	verto_jobs_drain(verto_auth);
	verto_jobs_drain(verto_pool);
	verto_jobs_drain(verto_lane);
	verto_ha_drain();
	verto_engine_tick(verto_eng, now);
	verto_ha_flush(now);
	claims_retry(now);
	verto_takeover_tick();
	verto_rpc_jobs(verto_jobs_queued(verto_pool),
				   verto_jobs_refused(verto_pool));
	verto_rpc_publish(verto_eng, now, 0);
}

/* the PaaS user of a SIP identity, found by a worker (verto_sip_lookup_f) */
typedef struct user_job {
	verto_job job;
	uint32_t key; /* the INVITE's glue key */
	char uri[VERTO_IPC_KEY_MAX + 1];
	int rc; /* VERTO_IDENT_* */
	char user[VERTO_ID_MAX + 1];
	char why[160];
} user_job;

static void user_run(verto_job *j, void *worker)
{
	user_job *u = (user_job *)j;
	verto_worker *w = worker;

	if (!w || !w->idn) {
		u->rc = VERTO_IDENT_STORE;
		snprintf(u->why, sizeof(u->why), "no identity store client");
		return;
	}
	u->rc = verto_ident_reverse(w->idn, u->uri, (int64_t)time(NULL), u->user,
								sizeof(u->user), u->why, sizeof(u->why));
}

static void user_done(verto_job *j, int cancelled)
{
	user_job *u = (user_job *)j;

	if (!cancelled) {
		if (u->rc != VERTO_IDENT_OK)
			LM_INFO("no PaaS user for %s: %s\n", u->uri, u->why);
		verto_sip_lookup_done(u->key,
							  u->rc == VERTO_IDENT_OK		 ? 0
							  : u->rc == VERTO_IDENT_REFUSED ? 1
															 : -1,
							  u->user);
	}
	free(u);
}

static int user_of(const char *uri, uint32_t key)
{
	user_job *u = calloc(1, sizeof(*u));

	if (!u)
		return -1;
	u->job.run = user_run;
	u->job.done = user_done;
	u->key = key;
	snprintf(u->uri, sizeof(u->uri), "%s", uri);
	if (verto_jobs_submit(verto_pool, &u->job)) {
		free(u);
		return -1; /* 503 with Retry-After, never looked up in the loop */
	}
	return 0;
}

static void verto_process(void)
{
	int has_wss = verto_wss_listen && *verto_wss_listen;
	verto_ops ops = {.send = op_send,
					 .close = op_close,
					 .auth_start = op_auth_start,
					 .media = verto_sip_media,
					 .media_start = verto_sip_media_start,
					 .media_delete = verto_sip_media_delete,
					 .sip = verto_sip_op,
					 .call_freed = verto_sip_call_freed};
	verto_engine_cfg ecfg = {
			.limits = {.max_len = (size_t)verto_max_frame},
			.max_sessions = (unsigned)verto_max_sessions,
			.grace_ms = (uint64_t)verto_grace * 1000,
			.ring_ms = (uint64_t)verto_ring_timeout * 1000,
			.max_sessions_per_login = (unsigned)verto_sessions_per_login,
			.login_timeout_ms = (uint64_t)verto_login_timeout * 1000,
			.max_logins_pending = (unsigned)verto_max_logins_pending,
			.budget = &verto_mem,
	};
	verto_ws_cfg wcfg = {
			.ws_addr = verto_listen,
			.wss_addr = verto_wss_listen,
			.tls_cert = verto_tls_cert,
			.tls_key = verto_tls_key,
			.max_msg = (size_t)verto_max_frame,
			.ping_secs = (unsigned)verto_ping_interval,
			.max_conns_per_ip = (unsigned)verto_max_conns_per_ip,
			.budget = &verto_mem,
	};
	verto_throttle_cfg tcfg = {
			.login_fails = (unsigned)verto_login_fails,
			.ip_fails = (unsigned)verto_ip_fails,
			.backoff_ms = (uint64_t)verto_backoff,
			.lockout_ms = (uint64_t)verto_lockout * 1000,
	};
	verto_ws_cb cb = {.open = ws_open,
					  .text = ws_text,
					  .close = ws_close,
					  .fd_ready = ws_fd_ready,
					  .tick = ws_tick};
	verto_ident_cfg icfg;
	verto_jobs_cfg jcfg = {.workers = (unsigned)verto_workers,
						   .max_jobs = (unsigned)verto_max_jobs,
						   .worker_new = worker_new,
						   .worker_free = worker_free,
						   .wake = verto_ipc_wake};
	/* the pool's workers, the lane's, then the login lane's */
	static verto_worker *made[2 * VERTO_WORKERS_MAX + 1];
	verto_rtp *rtp;
	char err[256];
	int i;

	memset(&icfg, 0, sizeof(icfg));
	ids_conf_init(&icfg.store);
	snprintf(icfg.store.addr, sizeof(icfg.store.addr), "%s", verto_redis_addr);
	snprintf(icfg.store.sentinels, sizeof(icfg.store.sentinels), "%s",
			 verto_sentinels);
	snprintf(icfg.store.sentinel_master, sizeof(icfg.store.sentinel_master),
			 "%s", verto_sentinel_master);
	snprintf(icfg.store.password, sizeof(icfg.store.password), "%s",
			 verto_redis_password);
	icfg.store.db = verto_redis_db;
	icfg.store.connect_timeout_ms = verto_connect_timeout;
	icfg.store.cmd_timeout_ms = verto_cmd_timeout;
	snprintf(icfg.ns, sizeof(icfg.ns), "%s", verto_namespace);
	snprintf(icfg.realm, sizeof(icfg.realm), "%s", verto_auth_realm);
	icfg.keys = verto_keys_ready ? &verto_keys : NULL;
	icfg.audience = *verto_token_audience ? verto_token_audience : NULL;
	icfg.issuer = *verto_token_issuer ? verto_token_issuer : NULL;
	icfg.skew_s = verto_token_skew;
	verto_icfg = icfg;
	for (i = 0; i <= verto_workers + verto_auth_workers; i++) {
		if (!(made[i] = worker_make(i <= verto_workers, err, sizeof(err)))) {
			LM_CRIT("verto process: worker clients: %s\n", err);
			_exit(-1);
		}
	}
	jcfg.arg = made;
	verto_pool = verto_jobs_new(&jcfg, err, sizeof(err));
	/* the lane: one thread, no bound (only calls that exist feed it, and
	 * what it sends must not be dropped) */
	jcfg.workers = 1;
	jcfg.max_jobs = 0;
	jcfg.arg = made + verto_workers;
	if (verto_pool)
		verto_lane = verto_jobs_new(&jcfg, err, sizeof(err));
	/* the login lane: its own threads and Redis connections, its queue
	 * bounded like the logins in flight */
	jcfg.workers = (unsigned)verto_auth_workers;
	jcfg.max_jobs = (unsigned)verto_max_logins_pending;
	jcfg.arg = made + verto_workers + 1;
	if (verto_lane)
		verto_auth = verto_jobs_new(&jcfg, err, sizeof(err));
	if (!verto_pool || !verto_lane || !verto_auth) {
		LM_CRIT("verto process: job pool: %s\n", err);
		_exit(-1);
	}
	verto_mem.limit = (size_t)verto_max_pending_bytes;
	if (getrandom(tcfg.seed, sizeof(tcfg.seed), 0) != sizeof(tcfg.seed)) {
		LM_CRIT("verto process: no random bytes for the login throttle\n");
		_exit(-1);
	}
	verto_thr = verto_throttle_new(&tcfg);
	if (!verto_thr) {
		LM_CRIT("verto process: login throttle: out of memory\n");
		_exit(-1);
	}
	rtp = verto_rtp_new(verto_rtpengine, (const char *const *)verto_prof_flags,
						verto_ng_timeout, err, sizeof(err));
	verto_eng = verto_engine_new(&ops, &ecfg);
	if (!rtp || !verto_eng) {
		LM_CRIT("verto process: %s\n", rtp ? "out of memory" : err);
		_exit(-1);
	}
	verto_sip_attach(verto_eng, rtp, user_of, verto_pool, verto_lane);
	if (verto_session_store) {
		verto_ha_cfg hcfg = {
				.node = *verto_node_id ? verto_node_id : verto_contact,
				.prefix = verto_session_prefix,
				.refresh_ms = ha_refresh_ms(),
		};
		/* a dead node's state outlives it by the grace and one refresh */
		hcfg.ttl_ms = (uint64_t)verto_grace * 1000 + 2 * hcfg.refresh_ms;
		if (verto_ha_init(&hcfg, verto_eng, &verto_icfg, verto_ipc_wake, err,
						  sizeof(err))) {
			LM_CRIT("verto process: session store: %s\n", err);
			_exit(-1);
		}
	}
	verto_engine_tick(verto_eng, now_ms());
	verto_endpoint = verto_ws_new(&wcfg, &cb, err, sizeof(err));
	if (!verto_endpoint) {
		LM_CRIT("verto WebSocket endpoint: %s\n", err);
		_exit(-1);
	}
	verto_rpc_sources(verto_endpoint, &verto_mem, verto_thr, verto_auth);
	if (verto_ws_watch_fd(verto_endpoint, verto_ipc_fd())) {
		LM_CRIT("verto WebSocket endpoint: cannot watch the event pipe\n");
		_exit(-1);
	}
	LM_INFO("verto WebSocket endpoint on ws %s%s%s\n",
			verto_listen ? verto_listen : "-", has_wss ? ", wss " : "",
			has_wss ? verto_wss_listen : "");
	for (;;) {
		if (verto_ws_service(verto_endpoint) < 0) {
			LM_CRIT("verto WebSocket loop failed\n");
			_exit(-1);
		}
	}
}

/* ---------------------------------------------------------------- init */

static int verto_param_token_key(modparam_t type, void *val)
{
	char err[256];

	(void)type;
	if (!verto_keys_ready) {
		tok_keyset_init(&verto_keys);
		verto_keys_ready = 1;
	}
	if (tok_keyset_add_spec(&verto_keys, (const char *)val, err, sizeof(err))) {
		LM_ERR("parameter 'token_key': %s\n", err);
		return -1;
	}
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
			goto fail;
		}
		if (verto_ngflags_check(mprof_flags(set, (unsigned)k), err,
								sizeof(err))) {
			LM_ERR("%s: profile [%s] (line %u): %s\n", verto_media_profiles,
				   name, set->prof[k].line, err);
			goto fail;
		}
		verto_prof_flags[i] = strdup(mprof_flags(set, (unsigned)k));
		if (!verto_prof_flags[i])
			goto fail;
	}
	mprof_set_free(set);
	return 0;
fail:
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
			{"max_frame", &verto_max_frame, 1024, 16 * 1024 * 1024},
			{"ping_interval", &verto_ping_interval, 1, 3600},
			{"grace", &verto_grace, 0, 3600},
			{"ring_timeout", &verto_ring_timeout, 1, 3600},
			{"workers", &verto_workers, 1, VERTO_WORKERS_MAX},
			{"max_jobs", &verto_max_jobs, 16, 100000},
			{"max_sessions", &verto_max_sessions, 1, 10000000},
			{"rtpengine_timeout", &verto_ng_timeout, 10, 10000},
			{"dtmf_duration", &verto_dtmf_duration, 40, 2000},
			{"connect_timeout", &verto_connect_timeout, 1, 10000},
			{"cmd_timeout", &verto_cmd_timeout, 1, 10000},
			{"max_conns_per_ip", &verto_max_conns_per_ip, 1, 1000000},
			{"login_timeout", &verto_login_timeout, 1, 30},
			{"max_pending_bytes", &verto_max_pending_bytes, 65536,
			 1024 * 1024 * 1024},
			{"max_logins_pending", &verto_max_logins_pending, 1, 100000},
			{"max_logins_per_ip", &verto_max_logins_per_ip, 1, 100000},
			{"auth_workers", &verto_auth_workers, 1, VERTO_WORKERS_MAX},
			{"throttle_login_fails", &verto_login_fails, 1, 1000},
			{"throttle_ip_fails", &verto_ip_fails, 1, 100000},
			{"throttle_backoff", &verto_backoff, 1, 3600 * 1000},
			{"throttle_lockout", &verto_lockout, 1, 86400},
			{"max_sessions_per_login", &verto_sessions_per_login, 1, 10000},
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
	if (verto_max_pending_bytes < verto_max_frame) {
		LM_ERR("parameter 'max_pending_bytes' (%d) must be at least "
			   "'max_frame' (%d): a largest message could never be read\n",
			   verto_max_pending_bytes, verto_max_frame);
		return -1;
	}
	if ((int64_t)verto_lockout * 1000 < verto_backoff) {
		LM_ERR("parameter 'throttle_lockout' (%d s) must not be shorter "
			   "than 'throttle_backoff' (%d ms)\n",
			   verto_lockout, verto_backoff);
		return -1;
	}
	return 0;
}

static int mod_init(void)
{
	int has_wss = verto_wss_listen && *verto_wss_listen;
	verto_sip_cfg scfg;

	if (verto_listen && !*verto_listen)
		verto_listen = NULL;
	if (!verto_listen && !has_wss) {
		LM_ERR("parameter 'listen' or 'wss_listen' must be set\n");
		return -1;
	}
	if (has_wss && (!verto_tls_cert || !verto_tls_key)) {
		LM_ERR("parameter 'wss_listen' needs 'tls_cert' and 'tls_key'\n");
		return -1;
	}
	if (verto_session_store) {
		char herr[256];

		/* every key of the session store can be built (fail closed: a
		 * node key that could not be would read as a dead node) */
		if (strpbrk(verto_session_prefix, " \r\n") ||
			verto_ha_check(*verto_node_id ? verto_node_id : verto_contact,
						   verto_session_prefix, herr, sizeof(herr))) {
			LM_ERR("parameter %s\n", strpbrk(verto_session_prefix, " \r\n")
											 ? "'session_prefix': no spaces"
											 : herr);
			return -1;
		}
	}
	if (has_wss) {
		char terr[512];

		/* a certificate problem stops Kamailio here, before any fork */
		if (verto_ws_tls_check(verto_tls_cert, verto_tls_key, terr,
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
	if (!*verto_namespace || strlen(verto_namespace) > IDS_NS_MAX) {
		LM_ERR("parameter 'namespace' must be 1..%d characters\n", IDS_NS_MAX);
		return -1;
	}
	if (strlen(verto_redis_addr) >= IDS_ADDR_MAX ||
		strlen(verto_sentinels) >= IDS_ADDR_MAX ||
		strlen(verto_redis_password) >= 128) {
		LM_ERR("parameter 'redis_addr', 'sentinels' or 'redis_password' is "
			   "too long\n");
		return -1;
	}
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
		verto_process();
		exit(0);
	}
	return 0;
}

static void mod_destroy(void)
{
	int i;

	for (i = 0; i < VERTO_RTP_STEPS; i++) {
		free(verto_prof_flags[i]);
		verto_prof_flags[i] = NULL;
	}
	if (verto_keys_ready)
		tok_keyset_free(&verto_keys);
	verto_keys_ready = 0;
	verto_rpc_destroy();
	verto_ipc_destroy();
}
