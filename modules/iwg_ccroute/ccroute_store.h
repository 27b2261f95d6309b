/*
 * ccroute_store.h - the iwg_ccroute rules table in Kamailio: the validated
 * file text and per-rule hit counters in shared memory, and each
 * process's own parsed copy.
 *
 * Reload protocol (as iwg_hdrmed's): a reload parses the file in the RPC
 * process; only when it is valid does the new text replace the old in
 * shared memory, under the lock, with the version increased and the hit
 * counters of rules of the same name carried over. Every process compares
 * its copy's version before use and re-parses the shared text (known
 * valid), copied under the same lock, into a new table that it swaps in
 * when complete: a reader never sees a half-built table, and a bad file
 * leaves the old one in place. A hit is counted under the lock and only
 * when the caller's version is still the current one, so a count never
 * lands on another rule after a reload.
 */
#ifndef IWG_CCROUTE_STORE_H
#define IWG_CCROUTE_STORE_H

#include <stdint.h>
#include <time.h>

#include "ccroute_rules.h"

/* what ccroute.list shows of the shared state */
struct ccroute_counts {
	int version; /* of the table the counts belong to */
	time_t loaded;
	uint64_t hits[CCROUTE_MAX_RULES];
	time_t last_hit[CCROUTE_MAX_RULES];
};

/* modparam "rules": the path (made absolute against the current
 * directory); the file is validated at once so that a bad file fails
 * "kamailio -c" too. Returns 0 or -1 (logged with file:line: reason). */
int ccroute_store_path(const char *path);

/* the configured path, NULL when none */
const char *ccroute_store_file(void);

/* load the file and allocate shared memory (mod_init, before the fork);
 * -1 stops startup (logged with file:line: reason) */
int ccroute_store_init(void);

/* this process's current table (never NULL after a successful init); its
 * version in *VERSION. Valid until the next call of ccroute_store_current
 * or ccroute_store_reload in this process. */
const struct ccroute_table *ccroute_store_current(int *version);

/* count a hit of rule IDX of table VERSION (ignored when a reload came in
 * between) */
void ccroute_store_hit(int idx, int version);

/* copy the counters of the current table into OUT under the lock; 0, or
 * -1 when OUT->version is not the current one any more (call
 * ccroute_store_current and try again) */
int ccroute_store_counts(struct ccroute_counts *out);

/* re-read the file; 0 with the number of rules in *N, or -1 with ERR
 * filled (nothing changed) */
int ccroute_store_reload(struct ccroute_err *err, int *n);

/* free shared and private memory (mod_destroy) */
void ccroute_store_destroy(void);

#endif
