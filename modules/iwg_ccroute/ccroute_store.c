/*
 * ccroute_store.c - the shared rules text, hit counters and reload.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/ut.h"

#include "textfile/textfile.h"

#include "ccroute_store.h"

struct shrule {
	char name[CCROUTE_NAME_MAX + 1];
	uint64_t hits;
	time_t last_hit;
};

struct shstate {
	gen_lock_t lock; /* everything below */
	int version;
	time_t loaded;
	char *text; /* shm, the validated rules file */
	int len;
	int nrules;
	struct shrule rules[CCROUTE_MAX_RULES];
};

static char *rules_file;						  /* pkg, absolute */
static struct shstate *sh;						  /* shm */
static struct ccroute_table *cur;				  /* this process's copy */
static int cur_version;							  /* version of cur */
static struct shrule reloaded[CCROUTE_MAX_RULES]; /* reload scratch */

int ccroute_store_path(const char *path)
{
	struct ccroute_table *t;
	struct ccroute_err err;
	char cwd[PATH_MAX] = "";
	size_t len;

	if (rules_file) {
		LM_ERR("modparam 'rules' given twice\n");
		return -1;
	}
	if (!*path) {
		LM_ERR("modparam 'rules': empty path\n");
		return -1;
	}
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		LM_ERR("modparam 'rules': cannot resolve the relative path %s\n", path);
		return -1;
	}
	len = strlen(cwd) + 1 + strlen(path) + 1;
	rules_file = pkg_malloc(len);
	if (!rules_file) {
		PKG_MEM_ERROR;
		return -1;
	}
	snprintf(rules_file, len, "%s%s%s", cwd, *cwd ? "/" : "", path);
	/* validated here already so that "kamailio -c" reports it too */
	t = ccroute_load(rules_file, &err);
	if (!t) {
		LM_ERR("modparam 'rules': %s\n", err.msg);
		return -1;
	}
	ccroute_free(t);
	return 0;
}

const char *ccroute_store_file(void)
{
	return rules_file;
}

/* read and parse the file: the table, and the validated text copied into
 * shared memory in *SHTEXT; NULL with ERR filled */
static struct ccroute_table *load_shared(struct ccroute_err *err, char **shtext)
{
	struct ccroute_table *t;
	char *text;
	size_t len;

	memset(err, 0, sizeof(*err));
	text = textfile_read(rules_file, CCROUTE_MAX_FILE, &len, err->msg,
						 sizeof(err->msg));
	if (!text)
		return NULL;
	t = ccroute_parse(text, len, rules_file, err);
	/* a valid text holds no NUL */
	*shtext = t ? shm_char_dup(text) : NULL;
	free(text);
	if (t && !*shtext) {
		snprintf(err->msg, sizeof(err->msg), "out of shared memory");
		ccroute_free(t);
		return NULL;
	}
	return t;
}

/* the names of T into RULES, counters zero */
static void name_rules(struct shrule *rules, const struct ccroute_table *t)
{
	int i;

	memset(rules, 0, sizeof(*rules) * t->n);
	for (i = 0; i < t->n; i++)
		strcpy(rules[i].name, t->rules[i].name);
}

int ccroute_store_init(void)
{
	struct ccroute_err err;
	char *text;

	if (!rules_file) {
		LM_ERR("modparam 'rules' is required (the routing rules file)\n");
		return -1;
	}
	sh = shm_malloc(sizeof(*sh));
	if (!sh) {
		SHM_MEM_ERROR;
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	if (!lock_init(&sh->lock)) {
		LM_ERR("cannot init the lock\n");
		return -1;
	}
	cur = load_shared(&err, &text);
	if (!cur) {
		LM_ERR("%s\n", err.msg);
		return -1;
	}
	sh->text = text;
	sh->len = (int)strlen(text);
	sh->nrules = cur->n;
	name_rules(sh->rules, cur);
	sh->loaded = time(NULL);
	sh->version = cur_version = 1;
	LM_INFO("%d routing rules from %s\n", cur->n, rules_file);
	return 0;
}

const struct ccroute_table *ccroute_store_current(int *version)
{
	struct ccroute_table *t;
	struct ccroute_err err;
	char *text;
	int v, len;

	if (__atomic_load_n(&sh->version, __ATOMIC_ACQUIRE) != cur_version) {
		lock_get(&sh->lock);
		v = sh->version;
		len = sh->len;
		text = malloc(len + 1);
		if (text)
			memcpy(text, sh->text, len);
		lock_release(&sh->lock);
		t = text ? ccroute_parse(text, len, rules_file, &err) : NULL;
		free(text);
		if (t) {
			ccroute_free(cur);
			cur = t;
			cur_version = v;
		} else {
			/* the text was validated: only memory can fail here */
			LM_ERR("out of memory: this process keeps its old rules\n");
		}
	}
	*version = cur_version;
	return cur;
}

void ccroute_store_hit(int idx, int version)
{
	time_t now = time(NULL);

	lock_get(&sh->lock);
	if (sh->version == version && idx >= 0 && idx < sh->nrules) {
		sh->rules[idx].hits++;
		sh->rules[idx].last_hit = now;
	}
	lock_release(&sh->lock);
}

int ccroute_store_counts(struct ccroute_counts *out)
{
	int i, rc = -1;

	lock_get(&sh->lock);
	if (sh->version == out->version) {
		out->loaded = sh->loaded;
		for (i = 0; i < sh->nrules; i++) {
			out->hits[i] = sh->rules[i].hits;
			out->last_hit[i] = sh->rules[i].last_hit;
		}
		rc = 0;
	}
	lock_release(&sh->lock);
	return rc;
}

/* the counters of the rules of the same name; expects sh->lock held */
static void carry_over(struct shrule *rules, int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < sh->nrules; j++)
			if (strcmp(rules[i].name, sh->rules[j].name) == 0) {
				rules[i].hits = sh->rules[j].hits;
				rules[i].last_hit = sh->rules[j].last_hit;
				break;
			}
}

int ccroute_store_reload(struct ccroute_err *err, int *n)
{
	struct ccroute_table *t;
	char *shtext, *old;

	t = load_shared(err, &shtext);
	if (!t)
		return -1;
	name_rules(reloaded, t);
	lock_get(&sh->lock);
	carry_over(reloaded, t->n);
	memcpy(sh->rules, reloaded, sizeof(reloaded[0]) * t->n);
	old = sh->text;
	sh->text = shtext;
	sh->len = (int)strlen(shtext);
	sh->nrules = t->n;
	sh->loaded = time(NULL);
	__atomic_store_n(&sh->version, sh->version + 1, __ATOMIC_RELEASE);
	cur_version = sh->version;
	lock_release(&sh->lock);
	shm_free(old);
	ccroute_free(cur);
	cur = t;
	*n = t->n;
	LM_INFO("reloaded: %d routing rules from %s\n", t->n, rules_file);
	return 0;
}

void ccroute_store_destroy(void)
{
	ccroute_free(cur);
	cur = NULL;
	if (!sh)
		return;
	if (sh->text)
		shm_free(sh->text);
	lock_destroy(&sh->lock);
	shm_free(sh);
	sh = NULL;
}
