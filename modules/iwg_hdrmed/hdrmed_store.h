/*
 * hdrmed_store.h - iwg_hdrmed profiles in Kamailio: the validated rule
 * text, hit counters and discovery tables in shared memory, and each
 * process's own parsed copy of the rules.
 *
 * Reload protocol: a reload parses the file in the RPC process; only when
 * it is valid, the new text replaces the old in shared memory under the
 * profile lock and the profile version is increased. Every process compares
 * its copy's version before use and re-parses the shared text (known valid)
 * into a new ruleset, which it swaps in only when complete: a reader never
 * sees a half-built set, and a bad file leaves the old rules in place.
 */
#ifndef IWG_HDRMED_STORE_H
#define IWG_HDRMED_STORE_H

#include <stdint.h>

#include "core/locking.h"

#include "hdrmed_disc.h"
#include "hdrmed_rules.h"

#define HDRMED_NDIRS 2 /* index 0: in, 1: out */

struct hdrmed_shprof {
	gen_lock_t lock; /* text, len, version, nrules, hits reset */
	int version;
	char *text; /* shm, the validated rule file */
	int len;
	int nrules;
	uint64_t applied[HDRMED_NDIRS];
	uint64_t errors;
	uint64_t hits[HDRMED_MAX_RULES];
	gen_lock_t dlock;						/* the discovery tables */
	struct hdrmed_disc *disc[HDRMED_NDIRS]; /* shm, NULL when disabled */
};

struct hdrmed_profile {
	char *name; /* pkg, from the modparam */
	char *path;
	struct hdrmed_shprof *sh;
	struct hdrmed_ruleset *rs; /* this process's copy */
	int version;			   /* version of rs */
	struct hdrmed_profile *next;
};

extern struct hdrmed_profile *hdrmed_profiles;

/* modparam "profile": "name=path"; the file is validated at once so that
 * a bad rule file fails "kamailio -c" too. Returns 0 or -1 (logged). */
int hdrmed_store_add(const char *spec);

/* load every profile (stops startup with file:line on error) and allocate
 * shared memory; DISC_MAX names per discovery table, 0 disables it */
int hdrmed_store_init(int disc_max);

/* the profile named NAME, or NULL */
struct hdrmed_profile *hdrmed_store_find(const char *name, int len);

/* make P->rs the current rules of this process; returns it (never NULL
 * after a successful init) */
struct hdrmed_ruleset *hdrmed_store_current(struct hdrmed_profile *p);

/*
 * Validate the files of profile P (or all when P is NULL) and swap them in
 * only when every one is valid. Returns 0, or -1 with ERR filled (nothing
 * changed).
 */
int hdrmed_store_reload(struct hdrmed_profile *p, struct hdrmed_err *err);

/* free shared and private memory (mod_destroy) */
void hdrmed_store_destroy(void);

#endif
