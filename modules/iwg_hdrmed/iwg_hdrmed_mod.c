/*
 * iwg_hdrmed_mod.c - iwg_hdrmed Kamailio module: export tables, parameters,
 * init and the hdrmed_apply() wrappers. The logic is in hdrmed_store.c
 * (profiles, reload), hdrmed_kapply.c (lumps), hdrmed_rpc.c (RPC) and the
 * pure core (hdrmed_rules.c, hdrmed_engine.c, hdrmed_msg.c, ...).
 */
#include <string.h>

#include "core/dprint.h"
#include "core/kemi.h"
#include "core/mod_fix.h"
#include "core/rpc_lookup.h"
#include "core/sr_module.h"

#include "hdrmed_kapply.h"
#include "hdrmed_rpc.h"
#include "hdrmed_store.h"

MODULE_VERSION

#define DEFAULT_DISCOVERY	  0
#define DEFAULT_DISCOVERY_MAX 256
#define DEFAULT_SAMPLE_LEN	  48

static int hdrmed_discovery = DEFAULT_DISCOVERY;
static int hdrmed_discovery_max = DEFAULT_DISCOVERY_MAX;

static int mod_init(void);
static void mod_destroy(void);
static int w_hdrmed_apply(sip_msg_t *msg, char *profile, char *dir);

static int set_profile(modparam_t type, void *val)
{
	(void)type;
	return hdrmed_store_add((char *)val);
}

static cmd_export_t cmds[] = {{"hdrmed_apply", (cmd_function)w_hdrmed_apply, 2,
							   fixup_spve_spve, fixup_free_spve_spve,
							   REQUEST_ROUTE | FAILURE_ROUTE | ONREPLY_ROUTE |
									   BRANCH_ROUTE | LOCAL_ROUTE},
							  {0, 0, 0, 0, 0, 0}};

static param_export_t params[] = {
		{"profile", PARAM_STRING | USE_FUNC_PARAM, (void *)set_profile},
		{"discovery", PARAM_INT, &hdrmed_discovery},
		{"discovery_max", PARAM_INT, &hdrmed_discovery_max},
		{"sample_len", PARAM_INT, &hdrmed_kcfg.sample_len},
		{"icid_prefix", PARAM_STRING, &hdrmed_kcfg.icid_prefix},
		{0, 0, 0}};

struct module_exports exports = {
		"iwg_hdrmed", DEFAULT_DLFLAGS, cmds, params, 0, 0, 0, mod_init, 0,
		mod_destroy};

static int mod_init(void)
{
	if (hdrmed_discovery != 0 && hdrmed_discovery != 1) {
		LM_ERR("modparam discovery: 0 or 1, not %d\n", hdrmed_discovery);
		return -1;
	}
	if (hdrmed_discovery_max < 1 || hdrmed_discovery_max > 65536) {
		LM_ERR("modparam discovery_max: 1..65536, not %d\n",
			   hdrmed_discovery_max);
		return -1;
	}
	if (hdrmed_kcfg.sample_len < 0 ||
		hdrmed_kcfg.sample_len > HDRMED_DISC_SAMPLE) {
		LM_ERR("modparam sample_len: 0..%d, not %d\n", HDRMED_DISC_SAMPLE,
			   hdrmed_kcfg.sample_len);
		return -1;
	}
	if (!hdrmed_profiles)
		LM_WARN("no profile configured (modparam profile)\n");
	if (hdrmed_store_init(hdrmed_discovery ? hdrmed_discovery_max : 0) < 0)
		return -1;
	if (rpc_register_array(hdrmed_rpc_cmds) != 0) {
		LM_ERR("cannot register RPC commands\n");
		return -1;
	}
	return 0;
}

static void mod_destroy(void)
{
	hdrmed_store_destroy();
}

/*
 * hdrmed_apply(profile, direction): mediate the current message with the
 * named profile, direction "in" or "out". 1 on success, -1 on error.
 */
static int ki_hdrmed_apply(sip_msg_t *msg, str *profile, str *dir)
{
	struct hdrmed_profile *p = hdrmed_store_find(profile->s, profile->len);
	int d;

	if (!p) {
		LM_ERR("no profile '%.*s'\n", profile->len, profile->s);
		return -1;
	}
	if (dir->len == 2 && memcmp(dir->s, "in", 2) == 0)
		d = HDRMED_DIR_IN;
	else if (dir->len == 3 && memcmp(dir->s, "out", 3) == 0)
		d = HDRMED_DIR_OUT;
	else {
		LM_ERR("direction must be in or out, not '%.*s'\n", dir->len, dir->s);
		return -1;
	}
	return hdrmed_kapply(msg, p, d);
}

static int w_hdrmed_apply(sip_msg_t *msg, char *profile, char *dir)
{
	str sp, sd;

	if (fixup_get_svalue(msg, (gparam_t *)profile, &sp) < 0 ||
		fixup_get_svalue(msg, (gparam_t *)dir, &sd) < 0) {
		LM_ERR("cannot get the parameters\n");
		return -1;
	}
	return ki_hdrmed_apply(msg, &sp, &sd);
}

/* clang-format off */
static sr_kemi_t sr_kemi_hdrmed_exports[] = {
	{ str_init("iwg_hdrmed"), str_init("hdrmed_apply"),
		SR_KEMIP_INT, ki_hdrmed_apply,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
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
	sr_kemi_modules_add(sr_kemi_hdrmed_exports);
	return 0;
}
