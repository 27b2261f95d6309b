/*
 * verto_throttle.h - back-off for failed Verto logins, keyed separately by
 * source address and by login name.
 *
 * Rules (each key on its own; a login attempt is checked against both):
 *   - a key's consecutive failures are counted; once they reach its limit
 *     (ip_fails for an address, login_fails for a login), the next attempt
 *     is allowed only backoff_ms * 2^(fails - limit) after the last
 *     failure, at most lockout_ms;
 *   - an attempt refused while throttled is not a failure and does not
 *     extend the wait (the glue does not report it);
 *   - attempts in flight count: when a key's failures plus its attempts
 *     begun and not ended reach its limit, no further attempt begins
 *     until one ends (parallel guesses cannot pass the limit together);
 *     for an address only once it has failed (many users behind one NAT
 *     address may log in at once);
 *   - a success resets the login of that attempt, not its address (one
 *     valid account must not clear the failures of the names an address
 *     sprays); an address's count starts over at its first failure after
 *     lockout_ms without one;
 *   - a key without a failure or an attempt for forget_ms is forgotten.
 * Memory is fixed at creation: each of the two tables holds at most
 * max_entries keys; a new key in a full table takes the place of the key
 * used (failed or attempted) the longest ago that is neither throttled
 * nor in flight (among the 64 oldest); when there is none, the attempt
 * is refused (filling the table with new names cannot clear a lock).
 * Lookups are O(1) (a keyed hash, so chosen names cannot pile up in one
 * bucket).
 *
 * Pure C, no locking (one thread: the WebSocket loop). Time is passed in
 * (ms, any monotonic origin), so tests do not sleep.
 */
#ifndef IWG_VERTO_THROTTLE_H
#define IWG_VERTO_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#define VERTO_THROTTLE_KEY_MAX 128 /* longer keys are cut */

/* the two kinds of key */
enum { VERTO_THR_ADDR = 0, VERTO_THR_LOGIN = 1 };

typedef struct verto_throttle_cfg {
	unsigned login_fails; /* failures of one login before back-off; >= 1 */
	unsigned ip_fails;	  /* failures from one address before back-off */
	uint64_t backoff_ms;  /* the first wait; doubles with each failure */
	uint64_t lockout_ms;  /* the longest wait */
	uint64_t forget_ms;	  /* 0: 10 * lockout_ms (at least one hour) */
	unsigned max_entries; /* per table; 0: 8192 */
	uint64_t seed[2];	  /* hash key (random in production) */
} verto_throttle_cfg;

typedef struct verto_throttle verto_throttle;

/* New throttle (all memory allocated here). NULL when out of memory or
 * cfg is unusable (a limit of 0, backoff_ms 0, lockout_ms < backoff_ms). */
verto_throttle *verto_throttle_new(const verto_throttle_cfg *cfg);

/* NULL is fine. */
void verto_throttle_free(verto_throttle *t);

/*
 * May an attempt of login from addr start now? Returns 0 when yes, else
 * the ms until it may (> 0; while attempts in flight hold it, an estimate:
 * backoff_ms). Either key may be NULL or "" (not checked). Nothing is
 * counted.
 */
uint64_t verto_throttle_check(verto_throttle *t, const char *addr,
							  const char *login, uint64_t now_ms);

/*
 * As verto_throttle_check, and when allowed (0) the attempt is counted in
 * flight for both keys until verto_throttle_fail, _success or _abandon
 * ends it (with the same keys).
 */
uint64_t verto_throttle_begin(verto_throttle *t, const char *addr,
							  const char *login, uint64_t now_ms);

/*
 * An attempt of login from addr failed (a wrong password, an unknown
 * login); ends an attempt begun, if any. Returns a bit mask of the keys
 * that this failure throttled for the first time since they were last
 * clear: 1 << VERTO_THR_ADDR, 1 << VERTO_THR_LOGIN (for a log line); 0
 * otherwise.
 */
int verto_throttle_fail(verto_throttle *t, const char *addr, const char *login,
						uint64_t now_ms);

/* An attempt of login from addr succeeded: the login's failures are reset
 * (the address's are not); ends an attempt begun, if any. */
void verto_throttle_success(verto_throttle *t, const char *addr,
							const char *login);

/* An attempt begun ends undecided (the identity store could not tell, the
 * connection went): nothing is counted. t NULL: nothing. */
void verto_throttle_abandon(verto_throttle *t, const char *addr,
							const char *login);

/* Failures counted for a key now (0 when unknown). */
unsigned verto_throttle_fails(verto_throttle *t, int kind, const char *key,
							  uint64_t now_ms);

/*
 * Call visit for every key throttled now (kind, key, failures, ms left):
 * addresses, then logins, each the least recently used first. visit may be
 * NULL (only counted). Returns how many.
 */
typedef void (*verto_throttle_visit_f)(void *arg, int kind, const char *key,
									   unsigned fails, uint64_t ms_left);
unsigned verto_throttle_list(verto_throttle *t, uint64_t now_ms,
							 verto_throttle_visit_f visit, void *arg);

/* Attempts of a key begun and not ended (0 when unknown). */
unsigned verto_throttle_inflight(verto_throttle *t, int kind, const char *key);

/* Keys held now in a table (for tests and statistics). */
unsigned verto_throttle_count(const verto_throttle *t, int kind);

#endif
