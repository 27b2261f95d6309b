/*
 * ratelimit.h - token buckets per name (API key id, client address).
 *
 * Each name has a bucket of `burst` tokens refilled at `rate` tokens per
 * second; a request takes one token. The table has a fixed number of slots:
 * when it is full, the least recently used bucket of the probed range is
 * reused (that name then starts again with a full bucket). Thread-safe
 * (one mutex).
 */
#ifndef IWG_ADMIND_RATELIMIT_H
#define IWG_ADMIND_RATELIMIT_H

#include <stddef.h>

typedef struct ratelimit ratelimit;

/*
 * New limiter; rate <= 0 disables it (every take succeeds). slots is
 * rounded up to a power of two. Returns NULL when out of memory.
 */
ratelimit *ratelimit_new(double rate, double burst, size_t slots);

/* Free a limiter; NULL is allowed. */
void ratelimit_free(ratelimit *rl);

/*
 * Take one token from name's bucket at time now (seconds, monotonic).
 * Returns 0 when allowed, else the whole seconds (>= 1) until a token is
 * available (the Retry-After value). Names longer than 63 bytes are cut.
 */
int ratelimit_take(ratelimit *rl, const char *name, double now);

#endif
