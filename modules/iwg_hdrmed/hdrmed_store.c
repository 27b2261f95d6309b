/*
 * hdrmed_store.c - profiles, shared rule text and atomic reload.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"

#include "hdrmed_store.h"

struct hdrmed_profile *hdrmed_profiles = NULL;

int hdrmed_store_add(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct hdrmed_profile *p;
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	int nlen;

	if (!eq || eq == spec || !eq[1]) {
		LM_ERR("modparam profile: expected name=path, got '%s'\n", spec);
		return -1;
	}
	nlen = (int)(eq - spec);
	if (hdrmed_store_find(spec, nlen)) {
		LM_ERR("modparam profile: '%.*s' given twice\n", nlen, spec);
		return -1;
	}
	/* validated here already so that "kamailio -c" reports it too */
	rs = hdrmed_rules_load(eq + 1, &err, NULL, NULL);
	if (!rs) {
		LM_ERR("profile %.*s: %s\n", nlen, spec, err.msg);
		return -1;
	}
	hdrmed_rules_free(rs);
	p = pkg_malloc(sizeof(*p) + nlen + 1 + strlen(eq + 1) + 1);
	if (!p) {
		PKG_MEM_ERROR;
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->name = (char *)(p + 1);
	memcpy(p->name, spec, nlen);
	p->name[nlen] = '\0';
	p->path = p->name + nlen + 1;
	strcpy(p->path, eq + 1);
	p->next = hdrmed_profiles;
	hdrmed_profiles = p;
	return 0;
}

struct hdrmed_profile *hdrmed_store_find(const char *name, int len)
{
	struct hdrmed_profile *p;

	for (p = hdrmed_profiles; p; p = p->next)
		if ((int)strlen(p->name) == len && memcmp(p->name, name, len) == 0)
			return p;
	return NULL;
}

static char *shm_text(const char *text, size_t len)
{
	char *s = shm_malloc(len + 1);

	if (!s) {
		SHM_MEM_ERROR;
		return NULL;
	}
	memcpy(s, text, len);
	s[len] = '\0';
	return s;
}

int hdrmed_store_init(int disc_max)
{
	struct hdrmed_profile *p;
	struct hdrmed_err err;
	size_t len;
	char *text;
	int d;

	for (p = hdrmed_profiles; p; p = p->next) {
		p->rs = hdrmed_rules_load(p->path, &err, &text, &len);
		if (!p->rs) {
			LM_ERR("profile %s: %s\n", p->name, err.msg);
			return -1;
		}
		p->sh = shm_malloc(sizeof(*p->sh));
		if (!p->sh) {
			free(text);
			SHM_MEM_ERROR;
			return -1;
		}
		memset(p->sh, 0, sizeof(*p->sh));
		p->sh->text = shm_text(text, len);
		free(text);
		if (!p->sh->text)
			return -1;
		p->sh->len = (int)len;
		p->sh->version = p->version = 1;
		p->sh->nrules = p->rs->n;
		if (!lock_init(&p->sh->lock) || !lock_init(&p->sh->dlock)) {
			LM_ERR("cannot init locks\n");
			return -1;
		}
		for (d = 0; disc_max > 0 && d < HDRMED_NDIRS; d++) {
			p->sh->disc[d] = shm_malloc(hdrmed_disc_size(disc_max));
			if (!p->sh->disc[d]) {
				SHM_MEM_ERROR;
				return -1;
			}
			hdrmed_disc_init(p->sh->disc[d], disc_max);
		}
		LM_INFO("profile %s: %d rules from %s\n", p->name, p->rs->n, p->path);
	}
	return 0;
}

struct hdrmed_ruleset *hdrmed_store_current(struct hdrmed_profile *p)
{
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	char *text;
	int v, len;

	if (__atomic_load_n(&p->sh->version, __ATOMIC_ACQUIRE) == p->version)
		return p->rs;
	lock_get(&p->sh->lock);
	v = p->sh->version;
	len = p->sh->len;
	text = malloc(len + 1);
	if (text)
		memcpy(text, p->sh->text, len);
	lock_release(&p->sh->lock);
	if (!text) {
		LM_ERR("out of memory: profile %s keeps its old rules\n", p->name);
		return p->rs;
	}
	rs = hdrmed_rules_parse(text, len, p->path, &err);
	free(text);
	if (!rs) {
		/* the text was validated: only memory can fail here */
		LM_ERR("profile %s: %s: keeping the old rules\n", p->name, err.msg);
		return p->rs;
	}
	hdrmed_rules_free(p->rs);
	p->rs = rs;
	p->version = v;
	return rs;
}

static void commit(struct hdrmed_profile *p, char *shtext, int len, int n)
{
	char *old;

	lock_get(&p->sh->lock);
	old = p->sh->text;
	p->sh->text = shtext;
	p->sh->len = len;
	p->sh->nrules = n;
	memset(p->sh->hits, 0, sizeof(p->sh->hits));
	__atomic_store_n(&p->sh->version, p->sh->version + 1, __ATOMIC_RELEASE);
	lock_release(&p->sh->lock);
	shm_free(old);
	LM_INFO("profile %s reloaded: %d rules from %s\n", p->name, n, p->path);
}

int hdrmed_store_reload(struct hdrmed_profile *only, struct hdrmed_err *err)
{
	struct hdrmed_profile *p;
	struct hdrmed_ruleset *rs;
	int n = 0, i, count[64];
	char *texts[64];
	size_t len;
	char *text;

	memset(err, 0, sizeof(*err));
	/* validate everything first: nothing changes unless all are valid */
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		if (n >= 64) {
			snprintf(err->msg, sizeof(err->msg), "too many profiles");
			goto err;
		}
		rs = hdrmed_rules_load(p->path, err, &text, &len);
		if (!rs)
			goto err;
		count[n] = rs->n;
		hdrmed_rules_free(rs);
		texts[n] = shm_text(text, len);
		free(text);
		if (!texts[n]) {
			snprintf(err->msg, sizeof(err->msg), "out of shared memory");
			goto err;
		}
		n++;
	}
	i = 0;
	for (p = hdrmed_profiles; p; p = p->next) {
		if (only && p != only)
			continue;
		commit(p, texts[i], (int)strlen(texts[i]), count[i]);
		i++;
	}
	return 0;
err:
	for (i = 0; i < n; i++)
		shm_free(texts[i]);
	return -1;
}

void hdrmed_store_destroy(void)
{
	struct hdrmed_profile *p;
	int d;

	for (p = hdrmed_profiles; p; p = p->next) {
		hdrmed_rules_free(p->rs);
		p->rs = NULL;
		if (!p->sh)
			continue;
		for (d = 0; d < HDRMED_NDIRS; d++)
			if (p->sh->disc[d])
				shm_free(p->sh->disc[d]);
		if (p->sh->text)
			shm_free(p->sh->text);
		shm_free(p->sh);
		p->sh = NULL;
	}
}
