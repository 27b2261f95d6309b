/*
 * iwg_webrtc: WebRTC access to an IMS core (enhanced P-CSCF signaling,
 * TS 23.228 Annex U / TS 24.371).
 *
 * The module interface only: parameters, export tables, init, timers, the
 * w_ wrappers that unpack script parameters, $webrtc() and KEMI. The script
 * functions (ki_*) are in the files of their concern: webrtc_register.c
 * (REGISTER, auth-done, the 2xx), webrtc_call.c (MO and MT initial
 * requests), webrtc_media.c (SDP and telephone-event), webrtc_close.c
 * (WebSocket close, de-REGISTER), webrtc_rpc.c (RPC); the registration
 * table is webrtc_reg.c. What they decide without Kamailio is pure C
 * (webrtc_flow.c, webrtc_ident.c, webrtc_auth.c, webrtc_reghdr.c,
 * webrtc_mo.c, webrtc_sdp.c, webrtc_sdpfix.c). Script functions return 1 on
 * success and a negative code naming the failure (see README.md), never 0.
 */
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/kemi.h"
#include "core/mod_fix.h"
#include "core/pvar.h"
#include "core/rpc_lookup.h"
#include "core/sr_module.h"
#include "core/timer.h"
#include "secret/secret.h"

#include "webrtc_call.h"
#include "webrtc_close.h"
#include "webrtc_kmsg.h"
#include "webrtc_media.h"
#include "webrtc_reg.h"
#include "webrtc_reghdr.h"
#include "webrtc_register.h"
#include "webrtc_rpc.h"

MODULE_VERSION

_Static_assert(WEBRTC_FLOW_KEY_MIN == SECRET_MIN_LEN,
			   "webrtc_flow_key_ok() and secret_check() disagree");

#define DEFAULT_WEBRTC_DEREG_ON_CLOSE 1
#define DEFAULT_WEBRTC_PPI_FALLBACK	  0
#define DEFAULT_WEBRTC_TIMER_INTERVAL 10

/* the string parameters as Kamailio sets them; mod_init copies them into
 * webrtc_kcfg's str fields */
static char *webrtc_flow_key = NULL;  /* required */
static char *webrtc_path_host = NULL; /* required */
static char *webrtc_ims_core = NULL;  /* required when dereg_on_close */

webrtc_kcfg_t webrtc_kcfg = {
		.flow_key = STR_NULL,
		.path_host = STR_NULL,
		.ims_core = STR_NULL,
		.dereg_on_close = DEFAULT_WEBRTC_DEREG_ON_CLOSE,
		.ppi_fallback = DEFAULT_WEBRTC_PPI_FALLBACK,
		.timer_interval = DEFAULT_WEBRTC_TIMER_INTERVAL,
};

struct tm_binds webrtc_tmb;

static int mod_init(void);
static void mod_destroy(void);
static void webrtc_timer(unsigned int ticks, void *param);

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
	{"flow_key", PARAM_STRING, &webrtc_flow_key},
	{"path_host", PARAM_STRING, &webrtc_path_host},
	{"ims_core", PARAM_STRING, &webrtc_ims_core},
	{"dereg_on_close", PARAM_INT, &webrtc_kcfg.dereg_on_close},
	{"ppi_fallback", PARAM_INT, &webrtc_kcfg.ppi_fallback},
	{"timer_interval", PARAM_INT, &webrtc_kcfg.timer_interval},
	{0, 0, 0}
};

static pv_export_t mod_pvs[] = {
	{{"webrtc", sizeof("webrtc") - 1}, PVT_OTHER, pv_get_webrtc, 0,
		pv_parse_webrtc_name, 0, 0, 0},
	{{0, 0}, 0, 0, 0, 0, 0, 0, 0}
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

/* s as a str ({NULL, 0} when NULL) */
static str webrtc_param_str(char *s)
{
	str r = {s, s != NULL ? (int)strlen(s) : 0};

	return r;
}

static int mod_init(void)
{
	char why[128];

	webrtc_kcfg.flow_key = webrtc_param_str(webrtc_flow_key);
	webrtc_kcfg.path_host = webrtc_param_str(webrtc_path_host);
	webrtc_kcfg.ims_core = webrtc_param_str(webrtc_ims_core);
	if (secret_check(webrtc_kcfg.flow_key.s, (size_t)webrtc_kcfg.flow_key.len,
					 why, sizeof(why)) < 0) {
		LM_ERR("modparam 'flow_key' (IWG_FLOW_KEY in site.cfg) %s\n", why);
		return -1;
	}
	if (webrtc_kcfg.path_host.s == NULL || webrtc_kcfg.path_host.len == 0) {
		LM_ERR("modparam 'path_host' is required (host[:port] of this proxy "
			   "toward the IMS)\n");
		return -1;
	}
	if (webrtc_kcfg.path_host.len > WEBRTC_REGHDR_HOST_MAX) {
		/* every REGISTER would fail at run time */
		LM_ERR("modparam 'path_host' is %d bytes, at most %d\n",
			   webrtc_kcfg.path_host.len, WEBRTC_REGHDR_HOST_MAX);
		return -1;
	}
	if (webrtc_kcfg.dereg_on_close &&
		(webrtc_kcfg.ims_core.s == NULL || webrtc_kcfg.ims_core.len == 0)) {
		LM_ERR("modparam 'ims_core' is required when dereg_on_close is "
			   "set\n");
		return -1;
	}
	if (webrtc_kcfg.timer_interval <= 0) {
		LM_ERR("modparam 'timer_interval' must be > 0\n");
		return -1;
	}
	if (load_tm_api(&webrtc_tmb) < 0) {
		LM_ERR("cannot load the tm API: load tm.so before iwg_webrtc.so\n");
		return -1;
	}
	if (rpc_register_array(webrtc_rpc_cmds) != 0) {
		LM_ERR("cannot register the RPC commands\n");
		return -1;
	}
	if (webrtc_reg_init() < 0)
		return -1;
	if (register_timer(webrtc_timer, 0, (unsigned)webrtc_kcfg.timer_interval) <
				0 ||
		register_timer(webrtc_close_lost_timer, 0, 1) < 0) {
		LM_ERR("cannot register the timers\n");
		return -1;
	}
	return 0;
}

static void mod_destroy(void)
{
	webrtc_reg_destroy();
}

static void webrtc_timer(unsigned int ticks, void *param)
{
	int n = webrtc_reg_expire(time(NULL));
	(void)ticks;
	(void)param;
	if (n > 0)
		LM_DBG("%d registrations expired\n", n);
}

/* ---------------------------------------------------------------- w_
 * wrappers: unpack the fixed-up parameters, call the ki_ function */

static int w_webrtc_register(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_register(msg);
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

static int w_webrtc_originate(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_originate(msg);
}

static int w_webrtc_flow_route(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_flow_route(msg);
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

static int w_webrtc_h264_only(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_webrtc_h264_only(msg);
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
	str s;
	int conid;

	switch (param->pvn.u.isname.name.n) {
	case WEBRTC_PV_TE_MAP:
		if (webrtc_media_te_map(msg, &s) < 0)
			return pv_get_null(msg, param, res);
		return pv_get_strval(msg, param, res, &s);
	case WEBRTC_PV_FLOW_CONID:
		conid = webrtc_call_flow_conid(msg);
		if (conid < 0)
			return pv_get_null(msg, param, res);
		return pv_get_sintval(msg, param, res, conid);
	}
	return pv_get_null(msg, param, res);
}

/* ---------------------------------------------------------------- KEMI */

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
