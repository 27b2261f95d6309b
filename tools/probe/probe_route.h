/*
 * probe_route.h - which call a SIP message belongs to, by Call-ID, when
 * many calls share one WebSocket connection (iwg-probe --one-connection).
 *
 * A fixed-size open-addressing table from Call-ID to the caller's pointer,
 * and a queue of values waiting for a Call-ID (answering calls waiting for
 * an INVITE: the first INVITE of an unknown Call-ID goes to the oldest).
 * Pure C, no I/O. The table copies no key: the caller keeps each Call-ID
 * string alive (and unchanged) until it removes it.
 */
#ifndef IWG_PROBE_ROUTE_H
#define IWG_PROBE_ROUTE_H

#include <stddef.h>

typedef struct probe_route_slot {
	const char *key; /* NULL: empty; PROBE_ROUTE_GONE: removed */
	size_t len;
	void *val;
} probe_route_slot;

typedef struct probe_route {
	probe_route_slot *slots;
	size_t cap;		/* a power of two */
	size_t used;	/* live entries */
	size_t gones;	/* removed slots not yet reused */
	void **waiting; /* values waiting for a key, oldest first */
	size_t nwaiting;
	size_t max; /* entries of each: table and queue */
} probe_route;

/*
 * Make r hold up to max live entries (its slots: the power of two at least
 * 2 * max + 2, so it is never more than half full), and up to max waiting
 * values. iwg-probe passes the calls of the run (--calls): every call of it
 * may be routed at once. Returns 0, or -1 when out of memory (r is then
 * empty and may be freed). Free with probe_route_free().
 */
int probe_route_init(probe_route *r, size_t max);

/*
 * Add key (len bytes, kept by the caller) -> val. Returns 0, -1 when the
 * table holds max live entries already (or was never initialised), -2 when
 * key is there already.
 */
int probe_route_add(probe_route *r, const char *key, size_t len, void *val);

/* The value of key, or NULL when it is not there. */
void *probe_route_find(const probe_route *r, const char *key, size_t len);

/* Remove key; returns 0, or -1 when it was not there. */
int probe_route_del(probe_route *r, const char *key, size_t len);

/*
 * Queue val as waiting for a key. Returns 0, or -1 when max values wait
 * already.
 */
int probe_route_wait(probe_route *r, void *val);

/* The oldest waiting value, taken off the queue; NULL when none waits. */
void *probe_route_take(probe_route *r);

/* Take val off the queue wherever it is; returns 0, or -1 when it was not
 * there. */
int probe_route_unwait(probe_route *r, const void *val);

/* Release the slots and the queue (not the keys or values). */
void probe_route_free(probe_route *r);

#endif
