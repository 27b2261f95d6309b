/*
 * iwg_media: rtpengine media profiles kept as named, validated data.
 *
 * Kamailio glue only: the parser and the vocabulary live in media_profile.c
 * and media_flags.c (pure C).
 *
 * Memory: the profile file is parsed into one malloc'd block when the
 * "profiles" modparam is set (so that "kamailio -c" validates it), copied to
 * shared memory in mod_init and freed there. The active set is one shm block
 * behind a shm pointer; media.reload builds a new block and swaps the
 * pointer under the lock, then frees the old block. Readers hold the lock
 * while they copy what they need out of the block.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/locking.h"
#include "core/pvar.h"
#include "core/mod_fix.h"
#include "core/kemi.h"
#include "core/rpc.h"
#include "core/rpc_lookup.h"
#include "core/usr_avp.h"

#include "media/media_profile.h"

MODULE_VERSION

/* ---------------------------------------------------------------- state */

#define DEFAULT_MP_PROFILES NULL /* required: no default */

static char *mp_profiles_path = DEFAULT_MP_PROFILES; /* pkg copy */
static mprof_set_t *mp_boot_set = NULL; /* malloc, until mod_init */

static gen_lock_t *mp_lock = NULL;
static mprof_set_t **mp_active = NULL; /* shm pointer to shm block */
static unsigned int *mp_generation = NULL;

/* pseudo-variable output: a few per-process buffers used in turn, so that
 * two $mprof() in one format string do not overwrite each other */
#define MP_PV_BUFS	   4
#define MP_PV_BUF_SIZE (2 * MPROF_FLAGS_MAX + 1)
static char mp_pv_buf[MP_PV_BUFS][MP_PV_BUF_SIZE];
static int mp_pv_next = 0;

static int mod_init(void);
static void mod_destroy(void);
static int mp_set_profiles(modparam_t type, void *val);
static int w_media_profile_exists(sip_msg_t *msg, char *name, char *p2);
static int ki_media_profile_exists(sip_msg_t *msg, str *name);
static int pv_parse_mprof_name(pv_spec_t *sp, str *in);
static int pv_get_mprof(sip_msg_t *msg, pv_param_t *param, pv_value_t *res);
static void mp_free_pv_name(void *p);

static const char *mp_rpc_list_doc[2] = {
		"List the active media profiles: name, flag string, tokens, line.", 0};
static const char *mp_rpc_show_doc[2] = {
		"Show one media profile. Parameter: profile name.", 0};
static const char *mp_rpc_reload_doc[2] = {
		"Reload the profiles file; on error the old set stays active.", 0};
static const char *mp_rpc_check_doc[2] = {
		"Validate a profiles file without loading it. Parameter: optional "
		"path (default: the 'profiles' modparam).",
		0};
static void mp_rpc_list(rpc_t *rpc, void *c);
static void mp_rpc_show(rpc_t *rpc, void *c);
static void mp_rpc_reload(rpc_t *rpc, void *c);
static void mp_rpc_check(rpc_t *rpc, void *c);

/* clang-format off */
static cmd_export_t cmds[] = {
	{"media_profile_exists", (cmd_function)w_media_profile_exists, 1,
		fixup_spve_null, fixup_free_spve_null, ANY_ROUTE},
	{0, 0, 0, 0, 0, 0}
};

static param_export_t params[] = {
	{"profiles", PARAM_STRING | USE_FUNC_PARAM, (void *)mp_set_profiles},
	{0, 0, 0}
};

static pv_export_t mod_pvs[] = {
	{{"mprof", sizeof("mprof") - 1}, PVT_OTHER, pv_get_mprof, 0,
		pv_parse_mprof_name, 0, 0, 0},
	{{0, 0}, 0, 0, 0, 0, 0, 0, 0}
};

static rpc_export_t mp_rpc_cmds[] = {
	{"media.list", mp_rpc_list, mp_rpc_list_doc, RET_ARRAY},
	{"media.show", mp_rpc_show, mp_rpc_show_doc, 0},
	{"media.reload", mp_rpc_reload, mp_rpc_reload_doc, 0},
	{"media.check", mp_rpc_check, mp_rpc_check_doc, 0},
	{0, 0, 0, 0}
};

struct module_exports exports = {
	"iwg_media",     /* module name */
	DEFAULT_DLFLAGS, /* dlopen flags */
	cmds,            /* cfg functions */
	params,          /* parameters */
	mp_rpc_cmds,     /* RPC commands */
	mod_pvs,         /* pseudo-variables */
	0,               /* response handling */
	mod_init,        /* module init */
	0,               /* per-child init */
	mod_destroy      /* module destroy */
};
/* clang-format on */

/* ---------------------------------------------------------------- init */

/* modparam "profiles": remember the path and parse the file now, so that a
 * bad file stops "kamailio -c" as well as a real start */
static int mp_set_profiles(modparam_t type, void *val)
{
	const char *path = (const char *)val;
	mprof_err_t err;
	mprof_set_t *set = NULL;
	size_t len;
	char *copy;

	(void)type;
	if (!path || !*path) {
		LM_ERR("modparam 'profiles': empty path\n");
		return -1;
	}
	if (mprof_load_file(path, &set, &err) < 0) {
		LM_ERR("modparam 'profiles': %s\n", err.errstr);
		return -1;
	}
	len = strlen(path);
	copy = pkg_malloc(len + 1);
	if (!copy) {
		PKG_MEM_ERROR;
		mprof_set_free(set);
		return -1;
	}
	memcpy(copy, path, len + 1);
	if (mp_profiles_path)
		pkg_free(mp_profiles_path);
	mp_profiles_path = copy;
	mprof_set_free(mp_boot_set);
	mp_boot_set = set;
	LM_DBG("loaded %u media profiles from %s\n", set->count, path);
	return 0;
}

/* copy a malloc'd set into one shm block; NULL on failure */
static mprof_set_t *mp_to_shm(const mprof_set_t *set)
{
	mprof_set_t *s = shm_malloc(set->size);

	if (!s) {
		SHM_MEM_ERROR;
		return NULL;
	}
	memcpy(s, set, set->size);
	return s;
}

static int mod_init(void)
{
	if (!mp_profiles_path || !mp_boot_set) {
		LM_ERR("modparam 'profiles' is required (path of the media profiles "
			   "file)\n");
		return -1;
	}
	mp_lock = lock_alloc();
	if (!mp_lock || !lock_init(mp_lock)) {
		LM_ERR("cannot create the profiles lock\n");
		return -1;
	}
	mp_active = shm_malloc(sizeof(*mp_active));
	mp_generation = shm_malloc(sizeof(*mp_generation));
	if (!mp_active || !mp_generation) {
		SHM_MEM_ERROR;
		return -1;
	}
	*mp_generation = 1;
	*mp_active = mp_to_shm(mp_boot_set);
	if (!*mp_active)
		return -1;
	LM_INFO("%u media profiles active from %s\n", (*mp_active)->count,
			mp_profiles_path);
	mprof_set_free(mp_boot_set);
	mp_boot_set = NULL;
	return 0;
}

static void mod_destroy(void)
{
	if (mp_active) {
		if (*mp_active)
			shm_free(*mp_active);
		shm_free(mp_active);
		mp_active = NULL;
	}
	if (mp_generation) {
		shm_free(mp_generation);
		mp_generation = NULL;
	}
	if (mp_lock) {
		lock_destroy(mp_lock);
		lock_dealloc(mp_lock);
		mp_lock = NULL;
	}
}

int mod_register(char *path, int *dlflags, void *p1, void *p2);

/* ---------------------------------------------------------------- lookup */

/*
 * Copy the flag string of profile name into buf (size bytes, NUL-terminated).
 * Returns its length, -1 if there is no such profile, -2 if buf is too small.
 * *dynamic is set to the profile's dynamic bit. Takes the lock.
 */
static int mp_copy_flags(const str *name, char *buf, size_t size, int *dynamic)
{
	const mprof_set_t *set;
	int i, ret = -1;

	if (!mp_lock) {
		/* before mod_init (cfg parse): the boot set, single process */
		set = mp_boot_set;
		i = mprof_find(set, name->s, (size_t)name->len);
		if (i < 0)
			return -1;
		*dynamic = (int)set->prof[i].dynamic;
		if (set->prof[i].flags_len + 1 > size)
			return -2;
		memcpy(buf, mprof_flags(set, (unsigned)i), set->prof[i].flags_len + 1);
		return (int)set->prof[i].flags_len;
	}
	lock_get(mp_lock);
	set = *mp_active;
	i = mprof_find(set, name->s, (size_t)name->len);
	if (i >= 0) {
		*dynamic = (int)set->prof[i].dynamic;
		if (set->prof[i].flags_len + 1 > size) {
			ret = -2;
		} else {
			memcpy(buf, mprof_flags(set, (unsigned)i),
				   set->prof[i].flags_len + 1);
			ret = (int)set->prof[i].flags_len;
		}
	}
	lock_release(mp_lock);
	return ret;
}

/* 1 if a profile of that name is active, else 0. Takes the lock. */
static int mp_exists(const str *name)
{
	int found;

	if (!mp_lock)
		return mprof_find(mp_boot_set, name->s, (size_t)name->len) >= 0;
	lock_get(mp_lock);
	found = mprof_find(*mp_active, name->s, (size_t)name->len) >= 0;
	lock_release(mp_lock);
	return found;
}

/* ---------------------------------------------------------------- script */

static int ki_media_profile_exists(sip_msg_t *msg, str *name)
{
	(void)msg;
	if (!name || !name->s || name->len <= 0)
		return -1;
	return mp_exists(name) ? 1 : -1;
}

static int w_media_profile_exists(sip_msg_t *msg, char *name, char *p2)
{
	str s;

	(void)p2;
	if (fixup_get_svalue(msg, (gparam_t *)name, &s) < 0) {
		LM_ERR("cannot get the profile name\n");
		return -1;
	}
	return ki_media_profile_exists(msg, &s);
}

/* ---------------------------------------------------------------- $mprof */

static void mp_free_pv_name(void *p)
{
	pv_elem_free_all((pv_elem_t *)p);
}

/* $mprof(name): name is a literal (checked now if the set is known) or a
 * format with pseudo-variables (PV_NAME_OTHER holding a pv_elem_t list) */
static int pv_parse_mprof_name(pv_spec_t *sp, str *in)
{
	pv_elem_t *model = NULL;

	if (!sp || !in || !in->s || in->len <= 0) {
		LM_ERR("$mprof needs a profile name\n");
		return -1;
	}
	if (memchr(in->s, '$', in->len)) {
		if (pv_parse_format(in, &model) < 0 || !model) {
			LM_ERR("invalid dynamic name in $mprof(%.*s)\n", in->len, in->s);
			return -1;
		}
		sp->pvp.pvn.type = PV_NAME_OTHER;
		sp->pvp.pvn.u.dname = model;
		sp->pvp.pvn.nfree = mp_free_pv_name;
		return 0;
	}
	if (!mprof_name_valid(in->s, (size_t)in->len)) {
		LM_ERR("invalid profile name in $mprof(%.*s)\n", in->len, in->s);
		return -1;
	}
	if ((mp_lock || mp_boot_set) && !mp_exists(in)) {
		LM_ERR("$mprof(%.*s): no such profile in %s\n", in->len, in->s,
			   mp_profiles_path ? mp_profiles_path : "the profiles file");
		return -1;
	}
	sp->pvp.pvn.type = PV_NAME_INTSTR;
	sp->pvp.pvn.u.isname.type = AVP_NAME_STR;
	sp->pvp.pvn.u.isname.name.s = *in;
	return 0;
}

static int pv_get_mprof(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	char namebuf[MPROF_NAME_MAX + 1];
	char raw[MPROF_FLAGS_MAX + 1];
	char *out;
	str name, val;
	int n, dynamic = 0, len;

	if (!param)
		return pv_get_null(msg, param, res);
	if (param->pvn.type == PV_NAME_OTHER) {
		len = sizeof(namebuf);
		if (!msg || pv_printf(msg, (pv_elem_t *)param->pvn.u.dname, namebuf,
							  &len) < 0) {
			LM_ERR("cannot evaluate the $mprof name\n");
			return pv_get_null(msg, param, res);
		}
		name.s = namebuf;
		name.len = len;
	} else {
		name = param->pvn.u.isname.name.s;
	}

	out = mp_pv_buf[mp_pv_next];
	mp_pv_next = (mp_pv_next + 1) % MP_PV_BUFS;

	n = mp_copy_flags(&name, raw, sizeof(raw), &dynamic);
	if (n < 0) {
		LM_ERR("no media profile '%.*s'\n", name.len > 64 ? 64 : name.len,
			   name.s);
		return pv_get_null(msg, param, res);
	}
	if (!dynamic || !msg) {
		memcpy(out, raw, (size_t)n + 1);
		val.s = out;
		val.len = n;
		return pv_get_strval(msg, param, res, &val);
	}

	/* the profile holds pseudo-variables: evaluate them for this message,
	 * into our own buffer (pv_printf_s() would share the core's) */
	{
		pv_elem_t *model = NULL;
		str fmt = {raw, n};

		if (pv_parse_format(&fmt, &model) < 0) {
			LM_ERR("cannot parse profile '%.*s' as a format\n", name.len,
				   name.s);
			return pv_get_null(msg, param, res);
		}
		len = MP_PV_BUF_SIZE;
		if (pv_printf(msg, model, out, &len) < 0) {
			pv_elem_free_all(model);
			LM_ERR("cannot evaluate profile '%.*s'\n", name.len, name.s);
			return pv_get_null(msg, param, res);
		}
		pv_elem_free_all(model);
		val.s = out;
		val.len = len;
		return pv_get_strval(msg, param, res, &val);
	}
}

/* ---------------------------------------------------------------- RPC */

/* add one profile as a struct; expects mp_lock held */
static int mp_rpc_add_profile(rpc_t *rpc, void *c, const mprof_set_t *set,
							  unsigned i)
{
	void *th;

	if (rpc->add(c, "{", &th) < 0)
		return -1;
	return rpc->struct_add(
			th, "ssddd", "name", mprof_name(set, i), "flags",
			mprof_flags(set, i), "tokens", (int)set->prof[i].ntokens, "dynamic",
			(int)set->prof[i].dynamic, "line", (int)set->prof[i].line);
}

static void mp_rpc_list(rpc_t *rpc, void *c)
{
	const mprof_set_t *set;

	if (!mp_lock) {
		rpc->fault(c, 500, "module not initialized");
		return;
	}
	lock_get(mp_lock);
	set = *mp_active;
	for (unsigned i = 0; set && i < set->count; i++)
		if (mp_rpc_add_profile(rpc, c, set, i) < 0)
			break;
	lock_release(mp_lock);
}

static void mp_rpc_show(rpc_t *rpc, void *c)
{
	str name = STR_NULL;
	int i;

	if (rpc->scan(c, "*S", &name) < 1 || name.len <= 0) {
		rpc->fault(c, 400, "profile name required");
		return;
	}
	if (!mp_lock) {
		rpc->fault(c, 500, "module not initialized");
		return;
	}
	lock_get(mp_lock);
	i = mprof_find(*mp_active, name.s, (size_t)name.len);
	if (i >= 0)
		mp_rpc_add_profile(rpc, c, *mp_active, (unsigned)i);
	lock_release(mp_lock);
	if (i < 0)
		rpc->fault(c, 404, "no media profile '%.*s'",
				   name.len > 64 ? 64 : name.len, name.s);
}

static void mp_rpc_reload(rpc_t *rpc, void *c)
{
	mprof_set_t *set = NULL, *shm, *old;
	mprof_err_t err;
	unsigned gen, count;
	void *th;

	if (!mp_lock) {
		rpc->fault(c, 500, "module not initialized");
		return;
	}
	if (mprof_load_file(mp_profiles_path, &set, &err) < 0) {
		LM_ERR("reload failed, old profiles stay active: %s\n", err.errstr);
		rpc->fault(c, 500, "%s", err.errstr);
		return;
	}
	shm = mp_to_shm(set);
	count = set->count;
	mprof_set_free(set);
	if (!shm) {
		rpc->fault(c, 500, "out of shared memory");
		return;
	}
	lock_get(mp_lock);
	old = *mp_active;
	*mp_active = shm;
	gen = ++(*mp_generation);
	lock_release(mp_lock);
	if (old)
		shm_free(old);
	LM_INFO("%u media profiles active from %s (generation %u)\n", count,
			mp_profiles_path, gen);
	if (rpc->add(c, "{", &th) < 0)
		return;
	rpc->struct_add(th, "sdd", "file", mp_profiles_path, "profiles", (int)count,
					"generation", (int)gen);
}

static void mp_rpc_check(rpc_t *rpc, void *c)
{
	char *path = NULL;
	mprof_set_t *set = NULL;
	mprof_err_t err;
	void *th;

	if (rpc->scan(c, "*s", &path) < 1 || !path || !*path)
		path = mp_profiles_path;
	if (!path) {
		rpc->fault(c, 400, "no file given and no 'profiles' modparam");
		return;
	}
	if (mprof_load_file(path, &set, &err) < 0) {
		rpc->fault(c, 500, "%s", err.errstr);
		return;
	}
	if (rpc->add(c, "{", &th) >= 0)
		rpc->struct_add(th, "sds", "file", path, "profiles", (int)set->count,
						"result", "ok");
	mprof_set_free(set);
}

/* ---------------------------------------------------------------- KEMI */

/* clang-format off */
static sr_kemi_t sr_kemi_iwg_media_exports[] = {
	{ str_init("iwg_media"), str_init("media_profile_exists"),
		SR_KEMIP_INT, ki_media_profile_exists,
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
	sr_kemi_modules_add(sr_kemi_iwg_media_exports);
	return 0;
}
