/*
 * iwg_edge_mod.c - iwg_edge Kamailio module: the access edge's start-up
 * policy and the facts it runs by. mod_init refuses an unknown
 * authentication method and a weak auth_secret or rpc_key (lib/secret),
 * and warns at every start when browsers are not authenticated; with
 * several edge nodes (WITH_CLUSTER) it refuses a cluster_nodes list that is
 * not a list of networks (lib/cidr). edge.info reports the preset, the
 * method and the cluster nodes. Kamailio glue only: no script function.
 */
#include <string.h>
#include <strings.h>

#include "core/dprint.h"
#include "core/rpc.h"
#include "core/rpc_lookup.h"
#include "core/sr_module.h"
#include "core/str.h"

#include "cidr/cidr.h"
#include "secret/secret.h"

MODULE_VERSION

/* how the edge authenticates browsers (kamcfg/edge/auth.cfg) */
typedef enum edge_auth {
	EDGE_AUTH_TOKEN = 0, /* WITH_AUTH_TOKEN: web tokens (iwg_idmap) */
	EDGE_AUTH_DIGEST,	 /* WITH_AUTH_DIGEST: SIP digest, subscriber table */
	EDGE_AUTH_EPHEMERAL, /* WITH_AUTH_EPHEMERAL: from auth_secret */
	EDGE_AUTH_IMS,		 /* the IMS core authenticates (ims preset) */
	EDGE_AUTH_OPEN,		 /* WITH_OPEN_ACCESS: nobody */
	EDGE_AUTH_VERTO,	 /* no SIP browsers: iwg_verto checks its logins */
	EDGE_AUTH_COUNT
} edge_auth_t;

/* clang-format off */
static const char *const edge_auth_names[] = {
	[EDGE_AUTH_TOKEN] = "token",
	[EDGE_AUTH_DIGEST] = "digest",
	[EDGE_AUTH_EPHEMERAL] = "ephemeral",
	[EDGE_AUTH_IMS] = "ims",
	[EDGE_AUTH_OPEN] = "open",
	[EDGE_AUTH_VERTO] = "verto",
};
/* clang-format on */
_Static_assert(sizeof(edge_auth_names) / sizeof(*edge_auth_names) ==
					   EDGE_AUTH_COUNT,
			   "edge_auth_names does not name every edge_auth_t");

#define EDGE_AUTH_ALLOWED "token, digest, ephemeral, ims, open or verto"

#define DEFAULT_EDGE_PRESET ""

static char *edge_preset = DEFAULT_EDGE_PRESET;
static char *edge_auth_param = NULL;  /* required */
static char *edge_auth_secret = NULL; /* required with auth ephemeral */
static char *edge_rpc_key = NULL;	  /* JSON-RPC key (kamcfg/edge/http.cfg) */
/* WITH_CLUSTER: the edge nodes' networks and the node DMQ asks first
 * (kamcfg/edge/cluster.cfg) */
static char *edge_cluster_nodes = NULL;
static char *edge_cluster_peer = NULL;
/* nodes are hosts: no network wider than these in cluster_nodes */
#define EDGE_CLUSTER_MIN_BITS4 16
#define EDGE_CLUSTER_MIN_BITS6 48
static edge_auth_t edge_auth = EDGE_AUTH_COUNT; /* set by mod_init */

static int mod_init(void);
static void edge_rpc_info(rpc_t *rpc, void *c);

static const char *edge_rpc_info_doc[2] = {
		"Start-up policy of this access edge: preset, auth (method), "
		"open (1 when browsers are not authenticated) and cluster_nodes "
		"(the edge nodes' networks with WITH_CLUSTER, else empty).",
		0};

/* clang-format off */
static param_export_t params[] = {
	{"preset", PARAM_STRING, &edge_preset},
	{"auth", PARAM_STRING, &edge_auth_param},
	{"auth_secret", PARAM_STRING, &edge_auth_secret},
	{"rpc_key", PARAM_STRING, &edge_rpc_key},
	{"cluster_nodes", PARAM_STRING, &edge_cluster_nodes},
	{"cluster_peer", PARAM_STRING, &edge_cluster_peer},
	{0, 0, 0}
};

static rpc_export_t edge_rpc_cmds[] = {
	{"edge.info", edge_rpc_info, edge_rpc_info_doc, 0},
	{0, 0, 0, 0}
};

struct module_exports exports = {
	"iwg_edge",      /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	0,               /* cfg functions */
	params,          /* parameters */
	edge_rpc_cmds,   /* RPC commands */
	0,               /* pseudo-variables */
	0,               /* response handling */
	mod_init,        /* module init */
	0,               /* per-child init */
	0                /* module destroy */
};
/* clang-format on */

/* the method named s, or EDGE_AUTH_COUNT when there is none */
static edge_auth_t edge_auth_lookup(const char *s)
{
	int i;

	for (i = 0; i < EDGE_AUTH_COUNT; i++)
		if (strcmp(s, edge_auth_names[i]) == 0)
			return (edge_auth_t)i;
	return EDGE_AUTH_COUNT;
}

/* 0 when the secret of modparam name (setting in site.cfg) is unset or
 * usable, else -1 with an error naming both */
static int edge_secret_ok(const char *val, const char *name,
						  const char *setting)
{
	char why[128];

	if (val == NULL || secret_check(val, strlen(val), why, sizeof(why)) == 0)
		return 0;
	LM_ERR("modparam '%s' (%s in site.cfg) %s\n", name, setting, why);
	return -1;
}

/* 1 when peer is a sip: URI naming TCP ("sip:HOST:PORT;transport=tcp"),
 * as DMQ's notification address of a cluster must be */
static int edge_cluster_peer_ok(const char *peer)
{
	static const char tcp[] = ";transport=tcp";
	const size_t n = sizeof(tcp) - 1, len = strlen(peer);

	return len > 4 + n && strncasecmp(peer, "sip:", 4) == 0 &&
		   strncasecmp(peer + len - n, tcp, n) == 0;
}

static int mod_init(void)
{
	char why[128];

	if (edge_auth_param == NULL || *edge_auth_param == '\0') {
		LM_ERR("modparam 'auth' is required: " EDGE_AUTH_ALLOWED "\n");
		return -1;
	}
	edge_auth = edge_auth_lookup(edge_auth_param);
	if (edge_auth == EDGE_AUTH_COUNT) {
		LM_ERR("modparam 'auth': " EDGE_AUTH_ALLOWED ", not '%s'\n",
			   edge_auth_param);
		return -1;
	}
	if (edge_secret_ok(edge_auth_secret, "auth_secret", "IWG_AUTH_SECRET") <
				0 ||
		edge_secret_ok(edge_rpc_key, "rpc_key", "IWG_RPC_KEY") < 0)
		return -1;
	if (edge_auth == EDGE_AUTH_EPHEMERAL && edge_auth_secret == NULL) {
		LM_ERR("modparam 'auth_secret' (IWG_AUTH_SECRET in site.cfg) is "
			   "required with auth 'ephemeral'\n");
		return -1;
	}
	if (edge_cluster_nodes != NULL &&
		cidr_list_check(edge_cluster_nodes, strlen(edge_cluster_nodes),
						EDGE_CLUSTER_MIN_BITS4, EDGE_CLUSTER_MIN_BITS6, why,
						sizeof(why)) < 0) {
		LM_ERR("modparam 'cluster_nodes' (IWG_CLUSTER_NODES in site.cfg, "
			   "required with WITH_CLUSTER, which needs WITH_REGISTRAR): %s; "
			   "give every edge node's address, e.g. "
			   "\"10.0.1.11/32,10.0.1.12/32\" (networks no wider than /%d, "
			   "IPv6 /%d)\n",
			   why, EDGE_CLUSTER_MIN_BITS4, EDGE_CLUSTER_MIN_BITS6);
		return -1;
	}
	if (edge_cluster_peer != NULL && !edge_cluster_peer_ok(edge_cluster_peer)) {
		LM_ERR("modparam 'cluster_peer' (IWG_CLUSTER_PEER in site.cfg, "
			   "required with WITH_CLUSTER): '%s' is not "
			   "\"sip:ADDRESS:PORT;transport=tcp\" (the nodes talk over "
			   "TCP)\n",
			   edge_cluster_peer);
		return -1;
	}
	if (edge_auth == EDGE_AUTH_OPEN)
		LM_WARN("OPEN ACCESS: browsers are not authenticated "
				"(WITH_OPEN_ACCESS): anyone may register any address and "
				"call as anybody; never on a network you do not control\n");
	return 0;
}

static void edge_rpc_info(rpc_t *rpc, void *c)
{
	void *th;
	const char *nodes = edge_cluster_nodes != NULL ? edge_cluster_nodes : "";

	/* edge_auth is set: mod_init succeeded before any RPC */
	if (rpc->add(c, "{", &th) < 0)
		return;
	rpc->struct_add(th, "ssds", "preset", edge_preset, "auth",
					edge_auth_names[edge_auth], "open",
					edge_auth == EDGE_AUTH_OPEN, "cluster_nodes", nodes);
}
