/*
 * verto_index.h - the engine's indexes and iwg_verto's hash: an intrusive hash
 * index (records found by a key in O(1), the record embeds a verto_hnode) and
 * intrusive doubly linked lists (O(1) insert and removal, for the per-kind
 * lists of things with a deadline).
 *
 * Pure C, no allocation besides the bucket array; the caller owns the
 * records and compares the keys itself (several keys may share a hash).
 * Not thread-safe (the engine is single-threaded).
 */
#ifndef IWG_VERTO_INDEX_H
#define IWG_VERTO_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* the record that embeds member m of type T, from a pointer p to m */
#define verto_container(p, T, m) ((T *)((char *)(p)-offsetof(T, m)))

typedef struct verto_hnode {
	struct verto_hnode *next; /* in its bucket */
	uint64_t hash;
} verto_hnode;

typedef struct verto_hindex {
	verto_hnode **b; /* buckets, nb a power of two; NULL until first add */
	size_t nb;
	size_t n; /* nodes held */
} verto_hindex;

/*
 * SipHash-2-4 of len bytes under the 128-bit key k (random per process,
 * so that clients cannot choose colliding keys, offline or by probing):
 * the one hash of iwg_verto for keys a client chooses (login names,
 * sessids, callIDs, Call-IDs, source addresses).
 */
uint64_t verto_siphash(const void *key, size_t len, const uint64_t k[2]);

/* A mixed 64-bit number (a connection id the endpoint assigned, not
 * chosen by a client; seed as for verto_siphash). */
uint64_t verto_hash_u64(uint64_t v, const uint64_t seed[2]);

/* An empty index (no allocation). */
void verto_hindex_init(verto_hindex *x);

/* Free the buckets; the nodes are the caller's (not touched). */
void verto_hindex_clear(verto_hindex *x);

/*
 * Add node n with hash h (n must not be in an index). Grows the buckets
 * when the load passes 1 (a failed growth only makes chains longer).
 * Returns 0, or -1 when the first bucket array cannot be allocated
 * (n is then not added).
 */
int verto_hindex_add(verto_hindex *x, verto_hnode *n, uint64_t h);

/* Remove node n (added before; O(chain)). */
void verto_hindex_del(verto_hindex *x, verto_hnode *n);

/* The first node with hash h, or NULL; verto_hindex_next() gives the
 * following ones with the same hash (the caller compares the keys). */
verto_hnode *verto_hindex_find(const verto_hindex *x, uint64_t h);
verto_hnode *verto_hindex_next(const verto_hnode *n);

/* Empty the index: every node it held, chained through ->next (NULL when
 * it was empty). The buckets stay allocated. */
verto_hnode *verto_hindex_take_all(verto_hindex *x);

/* ---------------------------------------------------------------- lists */

/* A list head (circular, the head is a sentinel) or a member's link;
 * a link not on a list has next == NULL. */
typedef struct verto_link {
	struct verto_link *next, *prev;
} verto_link;

static inline void verto_list_init(verto_link *head)
{
	head->next = head->prev = head;
}

static inline int verto_list_on(const verto_link *n)
{
	return n->next != NULL;
}

static inline int verto_list_empty(const verto_link *head)
{
	return head->next == head;
}

/* Append n (not on a list) at the tail. */
static inline void verto_list_add_tail(verto_link *head, verto_link *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

/* Prepend n (not on a list) at the head. */
static inline void verto_list_add_head(verto_link *head, verto_link *n)
{
	n->next = head->next;
	n->prev = head;
	head->next->prev = n;
	head->next = n;
}

/* Remove n from its list; nothing when it is on none. */
static inline void verto_list_del(verto_link *n)
{
	if (!n->next)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

#endif
