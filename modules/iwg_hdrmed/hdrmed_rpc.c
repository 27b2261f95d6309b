/*
 * hdrmed_rpc.c - RPC commands (reload, check, stats, discovery).
 */
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/rpc.h"

#include "hdrmed_rpc.h"
#include "hdrmed_store.h"

static const char *const kind_names[] = {
		[HDRMED_K_HEADER] = "header",
		[HDRMED_K_HPARAM] = "header-param",
		[HDRMED_K_UPARAM] = "uri-param",
};
static const char *const dir_names[HDRMED_NDIRS] = {"in", "out"};

/* the profile named by the optional first parameter; *ALL when none */
static int opt_profile(rpc_t *rpc, void *c, struct hdrmed_profile **p)
{
	str name = STR_NULL;

	*p = NULL;
	if (rpc->scan(c, "*S", &name) < 1 || name.len == 0)
		return 0;
	*p = hdrmed_store_find(name.s, name.len);
	if (!*p) {
		rpc->fault(c, 404, "no profile %.*s", name.len, name.s);
		return -1;
	}
	return 0;
}

static void rpc_reload(rpc_t *rpc, void *c)
{
	struct hdrmed_profile *only, *p;
	struct hdrmed_err err;
	void *th;

	if (opt_profile(rpc, c, &only) < 0)
		return;
	if (hdrmed_store_reload(only, &err) < 0) {
		LM_ERR("reload refused, old rules stay: %s\n", err.msg);
		rpc->fault(c, 500, "%s (old rules stay active)", err.msg);
		return;
	}
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		hdrmed_store_current(p);
		if (rpc->add(c, "{", &th) < 0)
			return;
		rpc->struct_add(th, "sd", "profile", p->name, "rules", p->sh->nrules);
	}
}

static const char *rpc_reload_doc[] = {
		"Reload the rule files of all profiles or of one (param: profile);",
		"nothing changes unless every file is valid.", 0};

static void rpc_check(rpc_t *rpc, void *c)
{
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	char *path;
	void *th;

	if (rpc->scan(c, "s", &path) < 1) {
		rpc->fault(c, 400, "file path expected");
		return;
	}
	rs = hdrmed_rules_load(path, &err, NULL, NULL);
	if (!rs) {
		rpc->fault(c, 400, "%s", err.msg);
		return;
	}
	if (rpc->add(c, "{", &th) >= 0)
		rpc->struct_add(th, "sdd", "file", path, "rules", rs->n, "trusted",
						rs->ntrusted);
	hdrmed_rules_free(rs);
}

static const char *rpc_check_doc[] = {
		"Validate a rule file without loading it (param: path);",
		"faults with file:line and the reason.", 0};

static void rpc_stats(rpc_t *rpc, void *c)
{
	struct hdrmed_profile *only, *p;
	struct hdrmed_ruleset *rs;
	void *th, *ah, *rh;
	int i;

	if (opt_profile(rpc, c, &only) < 0)
		return;
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		rs = hdrmed_store_current(p);
		if (rpc->add(c, "{", &th) < 0)
			return;
		rpc->struct_add(th, "sdjjj[", "profile", p->name, "version", p->version,
						"applied_in", (unsigned long)p->sh->applied[0],
						"applied_out", (unsigned long)p->sh->applied[1],
						"errors", (unsigned long)p->sh->errors, "rules", &ah);
		for (i = 0; i < rs->n; i++) {
			if (rpc->array_add(ah, "{", &rh) < 0)
				return;
			rpc->struct_add(rh, "dsj", "line", rs->rules[i].line, "rule",
							rs->rules[i].text, "hits",
							(unsigned long)__atomic_load_n(&p->sh->hits[i],
														   __ATOMIC_RELAXED));
		}
	}
}

static const char *rpc_stats_doc[] = {
		"Per-rule hit counters of all profiles or of one (param: profile);",
		"counters restart at zero on reload.", 0};

static void add_entries(rpc_t *rpc, void *ah, const struct hdrmed_disc *d)
{
	const struct hdrmed_disc_entry *e;
	void *eh;
	uint32_t i;

	for (i = 0; i < d->slots; i++) {
		e = &d->e[i];
		if (!e->kind)
			continue;
		if (rpc->array_add(ah, "{", &eh) < 0)
			return;
		rpc->struct_add(eh, "sssdjjs", "kind", kind_names[e->kind], "header",
						e->hdr, "name", e->name, "unknown", (int)e->unknown,
						"count", (unsigned long)e->count, "first_seen",
						(unsigned long)e->first_seen, "sample", e->sample);
	}
}

static void rpc_discovered(rpc_t *rpc, void *c)
{
	struct hdrmed_profile *only, *p;
	struct hdrmed_disc *copy;
	void *th, *ah;
	size_t size;
	int d;

	if (opt_profile(rpc, c, &only) < 0)
		return;
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		for (d = 0; d < HDRMED_NDIRS; d++) {
			if (!p->sh->disc[d]) {
				rpc->fault(c, 503, "discovery is off (modparam discovery)");
				return;
			}
			size = hdrmed_disc_size(p->sh->disc[d]->max);
			copy = pkg_malloc(size);
			if (!copy) {
				rpc->fault(c, 500, "out of memory");
				return;
			}
			/* copy under the lock, format without it */
			lock_get(&p->sh->dlock);
			memcpy(copy, p->sh->disc[d], size);
			lock_release(&p->sh->dlock);
			if (rpc->add(c, "{", &th) >= 0) {
				rpc->struct_add(th, "ssjjdj[", "profile", p->name, "direction",
								dir_names[d], "messages",
								(unsigned long)copy->messages, "dropped",
								(unsigned long)copy->dropped, "capacity",
								(int)copy->max, "names",
								(unsigned long)copy->used, "entries", &ah);
				add_entries(rpc, ah, copy);
			}
			pkg_free(copy);
		}
	}
}

static const char *rpc_discovered_doc[] = {
		"Header and parameter names seen per profile and direction (param:",
		"profile), with counts, first-seen time, masked sample, unknown flag.",
		0};

static void rpc_discovered_reset(rpc_t *rpc, void *c)
{
	struct hdrmed_profile *only, *p;
	int d;

	if (opt_profile(rpc, c, &only) < 0)
		return;
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		lock_get(&p->sh->dlock);
		for (d = 0; d < HDRMED_NDIRS; d++)
			if (p->sh->disc[d])
				hdrmed_disc_init(p->sh->disc[d], p->sh->disc[d]->max);
		lock_release(&p->sh->dlock);
	}
	rpc->rpl_printf(c, "ok");
}

static const char *rpc_discovered_reset_doc[] = {
		"Clear the discovery tables of all profiles or of one (param:",
		"profile).", 0};

rpc_export_t hdrmed_rpc_cmds[] = {
		{"hdrmed.reload", rpc_reload, rpc_reload_doc, 0},
		{"hdrmed.check", rpc_check, rpc_check_doc, 0},
		{"hdrmed.stats", rpc_stats, rpc_stats_doc, RET_ARRAY},
		{"hdrmed.discovered", rpc_discovered, rpc_discovered_doc, RET_ARRAY},
		{"hdrmed.discovered_reset", rpc_discovered_reset,
		 rpc_discovered_reset_doc, 0},
		{0, 0, 0, 0}};
