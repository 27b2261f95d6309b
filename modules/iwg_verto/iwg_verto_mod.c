/*
 * iwg_verto: Verto JSON-RPC over WebSocket <-> SIP gateway (Kamailio glue).
 *
 * mod_init checks the parameters and loads the (temporary) credentials
 * file; child_init of the main process forks one "iwg_verto WebSocket"
 * process that runs the libwebsockets loop (verto_ws.c) and the protocol
 * engine (verto_engine.c). The SIP side (tm, rtpengine through lib/ng) is
 * not wired yet: verto.invite is answered with -32002 until it is.
 *
 * Memory: the credentials table is malloc'd in mod_init, inherited by the
 * fork, read-only. Engine and endpoint live in the WebSocket process only.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/pt.h"
#include "core/cfg/cfg_struct.h"

#include "verto_creds.h"
#include "verto_engine.h"
#include "verto_ws.h"

MODULE_VERSION

#define DEFAULT_VERTO_LISTEN	   "127.0.0.1:8082"
#define DEFAULT_VERTO_MAX_FRAME	   65536
#define DEFAULT_VERTO_PING		   20
#define DEFAULT_VERTO_GRACE		   30
#define DEFAULT_VERTO_MAX_SESSIONS 10000

static char *verto_listen = DEFAULT_VERTO_LISTEN;
static char *verto_wss_listen = NULL;
static char *verto_tls_cert = NULL;
static char *verto_tls_key = NULL;
static char *verto_credentials = NULL;
static int verto_max_frame = DEFAULT_VERTO_MAX_FRAME;
static int verto_ping_interval = DEFAULT_VERTO_PING;
static int verto_grace = DEFAULT_VERTO_GRACE;
static int verto_max_sessions = DEFAULT_VERTO_MAX_SESSIONS;

static verto_creds *verto_users = NULL;

/* WebSocket process state */
static verto_engine *verto_eng = NULL;
static verto_ws *verto_endpoint = NULL;

static int mod_init(void);
static int child_init(int rank);
static void mod_destroy(void);

/* clang-format off */
static param_export_t params[] = {
	{"listen", PARAM_STRING, &verto_listen},
	{"wss_listen", PARAM_STRING, &verto_wss_listen},
	{"tls_cert", PARAM_STRING, &verto_tls_cert},
	{"tls_key", PARAM_STRING, &verto_tls_key},
	{"credentials", PARAM_STRING, &verto_credentials},
	{"max_frame", PARAM_INT, &verto_max_frame},
	{"ping_interval", PARAM_INT, &verto_ping_interval},
	{"grace", PARAM_INT, &verto_grace},
	{"max_sessions", PARAM_INT, &verto_max_sessions},
	{0, 0, 0}
};

struct module_exports exports = {
	"iwg_verto",	 /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	0,				 /* exported functions */
	params,			 /* exported parameters */
	0,				 /* RPC method exports */
	0,				 /* exported pseudo-variables */
	0,				 /* response handling function */
	mod_init,		 /* module initialization function */
	child_init,		 /* per-child init function */
	mod_destroy		 /* destroy function */
};
/* clang-format on */

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

static void op_close(void *ctx, verto_conn_id conn)
{
	(void)ctx;
	verto_ws_close(verto_endpoint, conn);
}

/* TEMPORARY: static credentials until iwg_idmap (issue 5) */
static int op_auth(void *ctx, const char *login, const char *passwd,
				   struct json_object *uvars, verto_identity *id)
{
	const verto_cred *c = verto_creds_check(verto_users, login, passwd);

	(void)ctx;
	(void)uvars;
	if (!c) {
		LM_INFO("verto login refused for '%.3s...'\n", login);
		return VERTO_ERR_AUTH_FAILED;
	}
	snprintf(id->login, sizeof(id->login), "%s", c->login);
	snprintf(id->sip_uri, sizeof(id->sip_uri), "%s", c->sip_uri);
	snprintf(id->display, sizeof(id->display), "%s", c->display);
	return 0;
}

/* the SIP and media sides are not wired yet: calls are refused cleanly */
static int op_media(void *ctx, verto_call *call, int kind, const char *in,
					char **out)
{
	(void)ctx;
	(void)call;
	(void)kind;
	(void)in;
	*out = NULL;
	LM_WARN("verto call refused: SIP side not available yet\n");
	return -1;
}

static void op_media_delete(void *ctx, verto_call *call)
{
	(void)ctx;
	(void)call;
}

static int op_sip(void *ctx, verto_call *call, int what, int code,
				  const char *sdp, const char *text)
{
	(void)ctx;
	(void)call;
	(void)what;
	(void)code;
	(void)sdp;
	(void)text;
	return -1;
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
	verto_engine_frame(verto_eng, id, buf, len);
}

static void ws_close(void *ctx, uint64_t id)
{
	(void)ctx;
	verto_engine_conn_close(verto_eng, id);
}

static void ws_tick(void *ctx)
{
	(void)ctx;
	cfg_update();
	verto_engine_tick(verto_eng, now_ms());
}

static void verto_process(void)
{
	verto_ops ops = {.send = op_send,
					 .close = op_close,
					 .auth = op_auth,
					 .media = op_media,
					 .media_delete = op_media_delete,
					 .sip = op_sip};
	verto_engine_cfg ecfg = {
			.limits = {.max_len = (size_t)verto_max_frame},
			.max_sessions = (unsigned)verto_max_sessions,
			.grace_ms = (uint64_t)verto_grace * 1000,
	};
	verto_ws_cfg wcfg = {
			.ws_addr = verto_listen,
			.wss_addr = verto_wss_listen,
			.tls_cert = verto_tls_cert,
			.tls_key = verto_tls_key,
			.max_msg = (size_t)verto_max_frame,
			.ping_secs = (unsigned)verto_ping_interval,
	};
	verto_ws_cb cb = {.open = ws_open,
					  .text = ws_text,
					  .close = ws_close,
					  .tick = ws_tick};
	char err[256];

	verto_eng = verto_engine_new(&ops, &ecfg);
	if (!verto_eng) {
		LM_CRIT("out of memory\n");
		exit(-1);
	}
	verto_engine_tick(verto_eng, now_ms());
	verto_endpoint = verto_ws_new(&wcfg, &cb, err, sizeof(err));
	if (!verto_endpoint) {
		LM_CRIT("verto WebSocket endpoint: %s\n", err);
		exit(-1);
	}
	LM_INFO("verto WebSocket endpoint on ws %s%s%s\n",
			verto_listen ? verto_listen : "-", verto_wss_listen ? ", wss " : "",
			verto_wss_listen ? verto_wss_listen : "");
	for (;;) {
		if (verto_ws_service(verto_endpoint) < 0) {
			LM_CRIT("verto WebSocket loop failed\n");
			exit(-1);
		}
	}
}

/* ---------------------------------------------------------------- init */

static int mod_init(void)
{
	char err[256];
	int has_wss = verto_wss_listen && *verto_wss_listen;

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
	if (verto_max_frame < 1024 || verto_max_frame > 16 * 1024 * 1024) {
		LM_ERR("parameter 'max_frame' must be 1024..16777216, not %d\n",
			   verto_max_frame);
		return -1;
	}
	if (verto_ping_interval < 1 || verto_ping_interval > 3600) {
		LM_ERR("parameter 'ping_interval' must be 1..3600 s, not %d\n",
			   verto_ping_interval);
		return -1;
	}
	if (verto_grace < 0 || verto_grace > 3600) {
		LM_ERR("parameter 'grace' must be 0..3600 s, not %d\n", verto_grace);
		return -1;
	}
	if (verto_max_sessions < 1) {
		LM_ERR("parameter 'max_sessions' must be positive\n");
		return -1;
	}
	if (!verto_credentials || !*verto_credentials) {
		LM_ERR("parameter 'credentials' is required (temporary, until "
			   "iwg_idmap)\n");
		return -1;
	}
	verto_users = verto_creds_load(verto_credentials, err, sizeof(err));
	if (!verto_users) {
		LM_ERR("parameter 'credentials': %s\n", err);
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
	pid = fork_process(PROC_NOCHLDINIT, "iwg_verto WebSocket", 1);
	if (pid < 0) {
		LM_ERR("cannot fork the verto WebSocket process\n");
		return -1;
	}
	if (pid == 0) {
		if (cfg_child_init())
			exit(-1);
		verto_process();
		exit(0);
	}
	return 0;
}

static void mod_destroy(void)
{
	free(verto_users);
	verto_users = NULL;
}
