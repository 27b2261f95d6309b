/*
 * iwg_idmap_mod.c - Kamailio glue of iwg_idmap: parameters, script and
 * KEMI functions, $idm(field), RPC, the shm cache and the invalidation
 * process. Logic lives in idmap_lookup.c (return codes, "Bearer ", $idm()
 * names, RPC faults), idmap_pai.c (the P-Asserted-Identity line),
 * idmap_cache.c, idmap_backend.c, idmap_inval.c, idmap_token.c (JWTs and
 * introspection), lib/idstore and lib/token; the identity-store and token
 * parameters are lib's (idstore_params.h, token_params.h), shared with
 * iwg_verto.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sr_module.h"
#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/locking.h"
#include "core/mod_fix.h"
#include "core/pvar.h"
#include "core/pt.h"
#include "core/rpc.h"
#include "core/rpc_lookup.h"
#include "core/kemi.h"
#include "core/data_lump.h"
#include "core/parser/msg_parser.h"
#include "core/parser/parse_hname2.h"

#include "idmap_backend.h"
#include "idmap_cache.h"
#include "idmap_inval.h"
#include "idmap_lookup.h"
#include "idmap_pai.h"
#include "idmap_token.h"
#include "idstore/idstore_params.h"

MODULE_VERSION

/* ---------------------------------------------------------- parameters */
#define DEFAULT_CACHE_SIZE 10000
#define DEFAULT_CACHE_TTL  60
#define DEFAULT_NEG_TTL	   10
#define DEFAULT_STALE_TTL  300
#define DEFAULT_RETRY_MAX  2000
#define DEFAULT_TOKEN_NS   "web"

static ids_params_t idmap_store = IDS_PARAMS_DEFAULT;
static tok_params_t idmap_tok = TOK_PARAMS_DEFAULT;
static idmap_intro_params_t idmap_intro = IDMAP_INTRO_PARAMS_DEFAULT;
static int idmap_retry_max = DEFAULT_RETRY_MAX;
static int idmap_cache_size = DEFAULT_CACHE_SIZE;
static int idmap_cache_ttl = DEFAULT_CACHE_TTL;
static int idmap_negative_ttl = DEFAULT_NEG_TTL;
static int idmap_stale_ttl = DEFAULT_STALE_TTL;
static int idmap_invalidation = 1;
static char *idmap_token_ns = DEFAULT_TOKEN_NS;

static int idmap_param_token_key(modparam_t type, void *val);

/* clang-format off */
static param_export_t params[] = {
	IDS_PARAMS_EXPORTS(idmap_store),
	{"retry_max", PARAM_INT, &idmap_retry_max},
	{"cache_size", PARAM_INT, &idmap_cache_size},
	{"cache_ttl", PARAM_INT, &idmap_cache_ttl},
	{"negative_ttl", PARAM_INT, &idmap_negative_ttl},
	{"stale_ttl", PARAM_INT, &idmap_stale_ttl},
	{"invalidation", PARAM_INT, &idmap_invalidation},
	TOK_PARAMS_EXPORTS(idmap_tok, idmap_param_token_key),
	{"token_namespace", PARAM_STRING, &idmap_token_ns},
	{"introspection_url", PARAM_STRING, &idmap_intro.url},
	{"introspection_client_id", PARAM_STRING, &idmap_intro.client_id},
	{"introspection_client_secret", PARAM_STRING, &idmap_intro.client_secret},
	{"introspection_ca_file", PARAM_STRING, &idmap_intro.ca_file},
	{"introspection_timeout", PARAM_INT, &idmap_intro.timeout_ms},
	{"introspection_cache_ttl", PARAM_INT, &idmap_intro.cache_ttl},
	{"introspection_cache_size", PARAM_INT, &idmap_intro.cache_size},
	{0, 0, 0}
};
/* clang-format on */

/* ---------------------------------------------------------- state */
static gen_lock_t *idmap_lock;
static idmap_cache_t *idmap_cache;
static ids_conf_t idmap_conf;
static idmap_backend_t idmap_backend; /* per process */

/* the mapping loaded for the current message (per process) */
static struct {
	ids_record_t rec;
	unsigned int msg_id;
	int pid;
	int loaded;
	int stale;
	idmap_backend_result_t result; /* of the last lookup */
} idmap_cur;

/* when this process last logged each invalid mapping (idmap_lookup.h) */
static idmap_invlog_t idmap_invlog;

static void *idmap_shm_alloc(size_t n)
{
	return shm_malloc(n);
}

static void idmap_shm_free(void *p)
{
	shm_free(p);
}

static void idmap_lock_get(void *l)
{
	lock_get((gen_lock_t *)l);
}

static void idmap_lock_release(void *l)
{
	lock_release((gen_lock_t *)l);
}

static int idmap_param_token_key(modparam_t type, void *val)
{
	char err[300];

	(void)type;
	if (tok_params_add_key(&idmap_tok, (const char *)val, err, sizeof(err))) {
		LM_ERR("parameter %s\n", err);
		return -1;
	}
	return 0;
}

/* the module's own integer parameters within their ranges */
static int idmap_check_params(void)
{
	static const struct {
		const char *name;
		const int *v;
		int min;
	} ints[] = {
			{"retry_max", &idmap_retry_max, 1},
			{"cache_size", &idmap_cache_size, 1},
			{"cache_ttl", &idmap_cache_ttl, 0},
			{"negative_ttl", &idmap_negative_ttl, 0},
			{"stale_ttl", &idmap_stale_ttl, 0},
	};
	size_t i, ns = strlen(idmap_token_ns);

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (*ints[i].v < ints[i].min) {
			LM_ERR("parameter '%s' must be at least %d, not %d\n", ints[i].name,
				   ints[i].min, *ints[i].v);
			return -1;
		}
	}
	if (ns == 0 || ns > IDS_NS_MAX) {
		LM_ERR("parameter 'token_namespace' must be 1..%d characters\n",
			   IDS_NS_MAX);
		return -1;
	}
	return 0;
}

static int mod_init(void)
{
	idmap_cache_ops_t ops;
	tok_cache_ops_t tops;
	idmap_backend_opts_t bo;
	char err[300];

	/* no upper bound on the Redis timeouts (README) */
	if (ids_params_check(&idmap_store, 0, &idmap_conf, err, sizeof(err)) ||
		tok_params_check(&idmap_tok, err, sizeof(err))) {
		LM_ERR("parameter %s\n", err);
		return -1;
	}
	if (idmap_check_params() < 0)
		return -1;
	if (!(idmap_lock = lock_alloc()) || !lock_init(idmap_lock)) {
		LM_ERR("cannot create the cache lock\n");
		return -1;
	}
	ops.alloc = idmap_shm_alloc;
	ops.free = idmap_shm_free;
	ops.lock = idmap_lock_get;
	ops.unlock = idmap_lock_release;
	ops.lock_arg = idmap_lock;
	if (!(idmap_cache = idmap_cache_new((size_t)idmap_cache_size, &ops))) {
		LM_ERR("cannot allocate a cache of %d entries in shared memory\n",
			   idmap_cache_size);
		return -1;
	}
	tops.alloc = idmap_shm_alloc;
	tops.free = idmap_shm_free;
	tops.lock = idmap_lock_get;
	tops.unlock = idmap_lock_release;
	tops.lock_arg = NULL;
	if (idmap_token_init(&idmap_tok, &idmap_intro, idmap_retry_max, &tops) < 0)
		return -1;
	bo.ttl_ms = (int64_t)idmap_cache_ttl * 1000;
	bo.neg_ttl_ms = (int64_t)idmap_negative_ttl * 1000;
	bo.max_stale_ms = (int64_t)idmap_stale_ttl * 1000;
	bo.retry_min_ms = 100;
	bo.retry_max_ms = idmap_retry_max;
	idmap_backend_init(&idmap_backend, &idmap_conf, &bo, idmap_cache);
	if (idmap_invalidation)
		register_procs(1);
	LM_INFO("identity store at %s, cache of %d entries, %d token key(s)\n",
			idmap_conf.sentinels[0] ? idmap_conf.sentinels : idmap_conf.addr,
			idmap_cache_size, idmap_tok.keys.n);
	return 0;
}

static void idmap_inval_log(int level, const char *text)
{
	if (level)
		LM_ERR("%s\n", text);
	else
		LM_INFO("%s\n", text);
}

static int child_init(int rank)
{
	static volatile int never_stop = 0;
	int pid;

	if (rank == PROC_INIT || rank == PROC_TCP_MAIN)
		return 0;
	if (rank == PROC_MAIN) {
		if (!idmap_invalidation)
			return 0;
		pid = fork_process(PROC_NOCHLDINIT, "iwg_idmap invalidation", 1);
		if (pid < 0) {
			LM_ERR("cannot fork the invalidation process\n");
			return -1;
		}
		if (pid == 0) {
			/* the process ends on SIGTERM from the main process */
			idmap_inval_run(&idmap_conf, idmap_cache, idmap_retry_max,
							&never_stop, idmap_inval_log);
			exit(0);
		}
		return 0;
	}
	/* SIP and TCP workers: this process's own connection; a Redis that is
	 * down now is retried on use, with backoff */
	if (rank > 0 &&
		idmap_backend_connect(&idmap_backend, idmap_backend_now_ms()) < 0)
		LM_WARN("identity store not reachable yet (%s), will retry\n",
				idmap_conf.sentinels[0] ? idmap_conf.sentinels
										: idmap_conf.addr);
	return 0;
}

static void mod_destroy(void)
{
	idmap_backend_close(&idmap_backend);
	idmap_token_destroy();
	tok_params_free(&idmap_tok);
	/* the shm cache and lock go with the shared memory pool */
}

/* ---------------------------------------------------------- lookups */

/* the error of a lookup that met a stored mapping failing validation: one
 * line per mapping per IDMAP_INVLOG_SECONDS in this process, telling how
 * many lookups of it went unlogged since its last line, and at most
 * IDMAP_INVLOG_BUDGET lines per IDMAP_INVLOG_SECONDS over all mappings,
 * telling how many lookups that budget left unlogged */
static void idmap_log_invalid(const char *ns, const char *key, int reverse)
{
	char more[96] = "", others[160] = "";
	unsigned long over = 0;
	long skipped = idmap_invlog_take(&idmap_invlog, ns, key, reverse,
									 (int64_t)time(NULL), &over);

	if (skipped < 0)
		return;
	if (skipped > 0)
		snprintf(more, sizeof(more),
				 " (%ld more lookups of it since the last such line)", skipped);
	if (over > 0)
		snprintf(others, sizeof(others),
				 " (%lu lookups of invalid mappings unlogged before this line: "
				 "at most %d such lines per %d s)",
				 over, IDMAP_INVLOG_BUDGET, IDMAP_INVLOG_SECONDS);
	LM_ERR("stored mapping %s:%.*s... failed validation, not used "
		   "(%s%s%s): replace or delete it%s%s\n",
		   ns, idmap_lookup_log_len(key, reverse), key,
		   idmap_backend.invalid.field,
		   idmap_backend.invalid.field[0] ? " " : "", idmap_backend.invalid.msg,
		   more, others);
}

/* run a lookup and load the result for this message; a return code */
static int idmap_do_lookup(sip_msg_t *msg, int reverse, str *ns, str *key)
{
	char nsb[IDS_NS_MAX + 1], kb[IDS_URI_MAX + 1];
	idmap_backend_result_t r;
	int stale = 0, rc;

	idmap_cur.loaded = 0;
	/* what an early return leaves: never an earlier lookup's answer */
	idmap_cur.result = IDB_BADARG;
	if (idmap_lookup_arg(ns->s, ns->len, nsb, sizeof(nsb)) < 0 ||
		idmap_lookup_arg(key->s, key->len, kb, sizeof(kb)) < 0) {
		LM_ERR("namespace or key empty or too long\n");
		return IDMAP_RC_ERROR;
	}
	r = idmap_backend_lookup(&idmap_backend, reverse, nsb, kb,
							 idmap_backend_now_ms(), &idmap_cur.rec, &stale);
	idmap_cur.result = r;
	rc = idmap_lookup_rc(r, &idmap_cur.rec, (int64_t)time(NULL));
	if (r == IDB_INVALID)
		idmap_log_invalid(nsb, kb, reverse);
	else if (rc == IDMAP_RC_UNAVAILABLE)
		LM_WARN("identity store unavailable, %s:%.*s not in cache\n", nsb,
				idmap_lookup_log_len(kb, reverse), kb);
	else if (rc == IDMAP_RC_ERROR)
		LM_ERR("unusable namespace or key\n");
	if (r == IDB_FOUND) {
		idmap_cur.loaded = 1;
		idmap_cur.stale = stale;
		idmap_cur.msg_id = msg ? msg->id : 0;
		idmap_cur.pid = msg ? msg->pid : 0;
	}
	return rc;
}

static int idmap_loaded_for(sip_msg_t *msg)
{
	return idmap_cur.loaded && msg && idmap_cur.msg_id == msg->id &&
		   idmap_cur.pid == msg->pid;
}

static int ki_idmap_lookup(sip_msg_t *msg, str *ns, str *key)
{
	return idmap_do_lookup(msg, 0, ns, key);
}

static int ki_idmap_reverse(sip_msg_t *msg, str *ns, str *uri)
{
	return idmap_do_lookup(msg, 1, ns, uri);
}

static int w_idmap_two(sip_msg_t *msg, char *p1, char *p2, int reverse)
{
	str a, b;
	if (fixup_get_svalue(msg, (gparam_t *)p1, &a) < 0 ||
		fixup_get_svalue(msg, (gparam_t *)p2, &b) < 0) {
		LM_ERR("cannot evaluate the parameters\n");
		return IDMAP_RC_ERROR;
	}
	return idmap_do_lookup(msg, reverse, &a, &b);
}

static int w_idmap_lookup(sip_msg_t *msg, char *p1, char *p2)
{
	return w_idmap_two(msg, p1, p2, 0);
}

static int w_idmap_reverse(sip_msg_t *msg, char *p1, char *p2)
{
	return w_idmap_two(msg, p1, p2, 1);
}

static int ki_idmap_auth_token(sip_msg_t *msg, str *token)
{
	tok_claims_t c;
	tok_status_t st;
	str t = *token, ns, sub;
	size_t skip;

	if (!t.s || t.len <= 0) {
		idmap_cur.loaded = 0;
		return idmap_lookup_token_rc(TOK_MALFORMED);
	}
	skip = idmap_lookup_bearer_skip(t.s, (size_t)t.len);
	st = idmap_token_verify(t.s + skip, (size_t)t.len - skip, &c);
	if (st != TOK_OK) {
		idmap_cur.loaded = 0;
		LM_INFO("token refused: %s\n", c.detail);
		return idmap_lookup_token_rc(st);
	}
	ns.s = idmap_token_ns;
	ns.len = (int)strlen(idmap_token_ns);
	sub.s = c.sub;
	sub.len = (int)strlen(c.sub);
	return idmap_do_lookup(msg, 0, &ns, &sub);
}

static int w_idmap_auth_token(sip_msg_t *msg, char *p1, char *p2)
{
	str t;
	(void)p2;
	if (fixup_get_svalue(msg, (gparam_t *)p1, &t) < 0) {
		LM_ERR("cannot evaluate the token parameter\n");
		return IDMAP_RC_ERROR;
	}
	return ki_idmap_auth_token(msg, &t);
}

/* the loaded mapping's P-Asserted-Identity line in pkg memory (the
 * caller frees it), or NULL after an LM_ERR */
static char *idmap_pai_line(const ids_record_t *r, int *len)
{
	size_t dlen = strlen(r->display_name), ulen = strlen(r->sip_uri);
	size_t size = IDMAP_PAI_SIZE(dlen, ulen);
	char *buf, err[128];

	if (!(buf = pkg_malloc(size))) {
		PKG_MEM_ERROR;
		return NULL;
	}
	*len = idmap_pai_build(r->display_name, dlen, r->sip_uri, ulen, buf, size,
						   err, sizeof(err));
	if (*len < 0) {
		LM_ERR("mapping %s:%.*s not asserted: %s\n", r->ns,
			   idmap_lookup_log_len(r->key, 0), r->key, err);
		pkg_free(buf);
		return NULL;
	}
	return buf;
}

/* remove every P-Asserted-Identity the request carries (headers parsed):
 * 0, or -1 after an LM_ERR when one could not be (the others may be gone) */
static int idmap_pai_remove(sip_msg_t *msg)
{
	struct hdr_field *hf;

	for (hf = msg->headers; hf; hf = hf->next)
		if (hf->type == HDR_PAI_T &&
			!del_lump(msg, hf->name.s - msg->buf, hf->len, 0)) {
			LM_ERR("cannot remove a P-Asserted-Identity\n");
			return -1;
		}
	return 0;
}

/*
 * Replace any P-Asserted-Identity of the request with the loaded mapping's
 * identity. The request's own P-Asserted-Identity headers are removed
 * whatever follows, so a cfg that ignores the return code never relays the
 * client's: no mapping loaded (-2), a disabled or expired mapping (-3) and
 * a mapping whose line is refused (-1, idmap_pai_build) leave the request
 * with none. Only when the headers do not parse (-1) is it untouched.
 */
static int ki_idmap_assert(sip_msg_t *msg)
{
	const ids_record_t *r = &idmap_cur.rec;
	struct lump *anchor;
	char *buf;
	int len;

	if (parse_headers(msg, HDR_EOH_F, 0) < 0) {
		LM_ERR("cannot parse the headers\n");
		return IDMAP_RC_ERROR;
	}
	if (idmap_pai_remove(msg) < 0)
		return IDMAP_RC_ERROR;
	if (!idmap_loaded_for(msg)) {
		LM_ERR("no mapping loaded for this message\n");
		return IDMAP_RC_NOTFOUND;
	}
	if (ids_record_usable(r, (int64_t)time(NULL)) != 1)
		return IDMAP_RC_DISABLED;
	if (!(buf = idmap_pai_line(r, &len)))
		return IDMAP_RC_ERROR;
	anchor = anchor_lump(msg, msg->unparsed - msg->buf, 0, 0);
	if (!anchor || !insert_new_lump_before(anchor, buf, len, 0)) {
		LM_ERR("cannot add the P-Asserted-Identity header\n");
		pkg_free(buf);
		return IDMAP_RC_ERROR;
	}
	return IDMAP_RC_OK; /* buf belongs to the lump now */
}

static int w_idmap_assert(sip_msg_t *msg, char *p1, char *p2)
{
	(void)p1;
	(void)p2;
	return ki_idmap_assert(msg);
}

/* ---------------------------------------------------------- $idm(field) */
static int pv_parse_idm_name(pv_spec_t *sp, str *in)
{
	char names[256];
	int f;
	if (!in || !in->s || in->len <= 0)
		return -1;
	f = idmap_lookup_pv_field(in->s, (size_t)in->len);
	if (f < 0) {
		if (idmap_lookup_pv_names(names, sizeof(names)) < 0)
			names[0] = '\0';
		LM_ERR("$idm(%.*s): unknown field (%s)\n", in->len, in->s, names);
		return -1;
	}
	sp->pvp.pvn.type = PV_NAME_INTSTR;
	sp->pvp.pvn.u.isname.type = 0;
	sp->pvp.pvn.u.isname.name.n = f;
	return 0;
}

static int pv_get_idm(sip_msg_t *msg, pv_param_t *param, pv_value_t *res)
{
	static char buf[IDS_FIELD_MAXLEN + 1];
	int f = param->pvn.u.isname.name.n, n;
	str s;
	if (!idmap_loaded_for(msg))
		return pv_get_null(msg, param, res);
	if (f == IDMAP_PV_STALE)
		return pv_get_sintval(msg, param, res, idmap_cur.stale);
	if (f == IDS_F_ENABLED)
		return pv_get_sintval(msg, param, res, idmap_cur.rec.enabled);
	n = ids_record_get(&idmap_cur.rec, f, buf, sizeof(buf));
	if (n <= 0)
		return pv_get_null(msg, param, res);
	s.s = buf;
	s.len = n;
	return pv_get_strval(msg, param, res, &s);
}

static pv_export_t mod_pvs[] = {{{"idm", sizeof("idm") - 1},
								 PVT_OTHER,
								 pv_get_idm,
								 0,
								 pv_parse_idm_name,
								 0,
								 0,
								 0},
								{{0, 0}, 0, 0, 0, 0, 0, 0, 0}};

/* ---------------------------------------------------------- RPC */
static const char *idmap_rpc_stats_doc[2] = {
		"Counters of the identity cache of this node.", 0};

static void idmap_rpc_stats(rpc_t *rpc, void *ctx)
{
	idmap_cache_stats_t st;
	tok_cache_stats_t ts;
	void *th;
	idmap_cache_get_stats(idmap_cache, &st);
	idmap_token_stats(&ts);
	if (rpc->add(ctx, "{", &th) < 0)
		return;
	rpc->struct_add(th, "dddddddddd", "entries", (int)st.entries, "max_entries",
					(int)st.max_entries, "hits", (int)st.hits, "negative_hits",
					(int)st.neg_hits, "stale_hits", (int)st.stale_hits,
					"misses", (int)st.misses, "inserts", (int)st.inserts,
					"evictions", (int)st.evictions, "invalidations",
					(int)st.invalidations, "flushes", (int)st.flushes);
	rpc->struct_add(th, "ddd", "introspection_hits", (int)ts.hits,
					"introspection_misses", (int)ts.misses,
					"introspection_inserts", (int)ts.inserts);
}

static const char *idmap_rpc_flush_doc[2] = {
		"Drop every entry of the identity cache of this node.", 0};

static void idmap_rpc_flush(rpc_t *rpc, void *ctx)
{
	idmap_cache_flush(idmap_cache);
	rpc->rpl_printf(ctx, "ok");
}

static const char *idmap_rpc_lookup_doc[2] = {
		"Look a mapping up like idmap_lookup(): idmap.lookup ns key.", 0};

static void idmap_rpc_lookup(rpc_t *rpc, void *ctx)
{
	str ns, key;
	char v[IDS_FIELD_MAXLEN + 1];
	const char *text;
	void *th;
	int rc, f, fault;
	if (rpc->scan(ctx, "SS", &ns, &key) < 2) {
		rpc->fault(ctx, 400, "usage: idmap.lookup ns key");
		return;
	}
	rc = idmap_do_lookup(NULL, 0, &ns, &key);
	if ((fault = idmap_lookup_rpc_fault(rc, idmap_cur.result, &text))) {
		if (idmap_cur.result == IDB_INVALID)
			rpc->fault(ctx, fault, "%s: %s%s%s", text,
					   idmap_backend.invalid.field,
					   idmap_backend.invalid.field[0] ? " " : "",
					   idmap_backend.invalid.msg);
		else
			rpc->fault(ctx, fault, "%s", text);
		return;
	}
	if (rpc->add(ctx, "{", &th) < 0)
		return;
	for (f = 0; f < IDS_F_COUNT; f++)
		if (ids_record_get(&idmap_cur.rec, f, v, sizeof(v)) >= 0)
			rpc->struct_add(th, "s", ids_field_name(f), v);
	rpc->struct_add(th, "sd", "source", idmap_cur.stale ? "stale" : "fresh",
					"code", rc);
	idmap_cur.loaded = 0;
}

static rpc_export_t idmap_rpc[] = {
		{"idmap.cache_stats", idmap_rpc_stats, idmap_rpc_stats_doc, 0},
		{"idmap.cache_flush", idmap_rpc_flush, idmap_rpc_flush_doc, 0},
		{"idmap.lookup", idmap_rpc_lookup, idmap_rpc_lookup_doc, 0},
		{0, 0, 0, 0}};

/* ---------------------------------------------------------- exports */
static cmd_export_t cmds[] = {
		{"idmap_lookup", (cmd_function)w_idmap_lookup, 2, fixup_spve_spve,
		 fixup_free_spve_spve, ANY_ROUTE},
		{"idmap_reverse", (cmd_function)w_idmap_reverse, 2, fixup_spve_spve,
		 fixup_free_spve_spve, ANY_ROUTE},
		{"idmap_assert", (cmd_function)w_idmap_assert, 0, 0, 0,
		 REQUEST_ROUTE | FAILURE_ROUTE | BRANCH_ROUTE},
		{"idmap_auth_token", (cmd_function)w_idmap_auth_token, 1,
		 fixup_spve_null, fixup_free_spve_null, ANY_ROUTE},
		{0, 0, 0, 0, 0, 0}};

struct module_exports exports = {
		"iwg_idmap",	 /* module name */
		DEFAULT_DLFLAGS, /* dlopen flags */
		cmds,			 /* cmd exports */
		params,			 /* param exports */
		idmap_rpc,		 /* RPC method exports */
		mod_pvs,		 /* pseudo-variables */
		0,				 /* response handling */
		mod_init,		 /* module init */
		child_init,		 /* per-child init */
		mod_destroy		 /* module destroy */
};

/* clang-format off */
static sr_kemi_t sr_kemi_iwg_idmap_exports[] = {
	{ str_init("iwg_idmap"), str_init("idmap_lookup"),
		SR_KEMIP_INT, ki_idmap_lookup,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_idmap"), str_init("idmap_reverse"),
		SR_KEMIP_INT, ki_idmap_reverse,
		{ SR_KEMIP_STR, SR_KEMIP_STR, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_idmap"), str_init("idmap_assert"),
		SR_KEMIP_INT, ki_idmap_assert,
		{ SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE,
			SR_KEMIP_NONE, SR_KEMIP_NONE, SR_KEMIP_NONE }
	},
	{ str_init("iwg_idmap"), str_init("idmap_auth_token"),
		SR_KEMIP_INT, ki_idmap_auth_token,
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
	sr_kemi_modules_add(sr_kemi_iwg_idmap_exports);
	return 0;
}
