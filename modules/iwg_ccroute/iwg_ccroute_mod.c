/*
 * iwg_ccroute_mod.c - iwg_ccroute Kamailio module: export tables,
 * parameters, init and the ccroute_apply() wrappers. The logic is in
 * ccroute_store.c (shared table, reload, hit counters), ccroute_kapply.c
 * (context, lumps, result xavp), ccroute_rpc.c (RPC) and the pure core
 * ccroute_rules.c.
 */
#include "core/dprint.h"
#include "core/kemi.h"
#include "core/mod_fix.h"
#include "core/rpc_lookup.h"
#include "core/sr_module.h"

#include "ccroute_kapply.h"
#include "ccroute_rpc.h"
#include "ccroute_store.h"

MODULE_VERSION

static int mod_init(void);
static void mod_destroy(void);
static int w_ccroute_apply(sip_msg_t *msg, char *xname, char *p2);

static int set_rules(modparam_t type, void *val)
{
	(void)type;
	return ccroute_store_path((char *)val);
}

static cmd_export_t cmds[] = {{"ccroute_apply", (cmd_function)w_ccroute_apply,
							   1, fixup_spve_null, fixup_free_spve_null,
							   ANY_ROUTE},
							  {0, 0, 0, 0, 0, 0}};

static param_export_t params[] = {
		{"rules", PARAM_STRING | USE_FUNC_PARAM, (void *)set_rules}, {0, 0, 0}};

struct module_exports exports = {
		"iwg_ccroute", DEFAULT_DLFLAGS, cmds, params, 0, 0, 0, mod_init, 0,
		mod_destroy};

static int mod_init(void)
{
	if (ccroute_store_init() < 0 || ccroute_kapply_init() < 0)
		return -1;
	if (rpc_register_array(ccroute_rpc_cmds) != 0) {
		LM_ERR("cannot register RPC commands\n");
		return -1;
	}
	return 0;
}

static void mod_destroy(void)
{
	ccroute_store_destroy();
}

/*
 * ccroute_apply(ctx_xavp): route the call with the context in the fields
 * of $xavp(ctx_xavp). 1 on a match (headers added, $xavp(ccr) set), -1
 * when no rule matches, -2 on an error.
 */
static int ki_ccroute_apply(sip_msg_t *msg, str *xname)
{
	if (!xname || xname->len <= 0) {
		LM_ERR("the context xavp name is empty\n");
		return -2;
	}
	return ccroute_kapply(msg, xname);
}

static int w_ccroute_apply(sip_msg_t *msg, char *xname, char *p2)
{
	str s;

	(void)p2;
	if (fixup_get_svalue(msg, (gparam_t *)xname, &s) < 0) {
		LM_ERR("cannot get the context xavp name\n");
		return -2;
	}
	return ki_ccroute_apply(msg, &s);
}

/* clang-format off */
static sr_kemi_t sr_kemi_ccroute_exports[] = {
	{ str_init("iwg_ccroute"), str_init("ccroute_apply"),
		SR_KEMIP_INT, ki_ccroute_apply,
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
	sr_kemi_modules_add(sr_kemi_ccroute_exports);
	return 0;
}
