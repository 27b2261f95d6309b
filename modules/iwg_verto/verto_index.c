/*
 * verto_index.c - intrusive hash index of the Verto engine. Contracts in
 * verto_index.h.
 */
#include <stdlib.h>

#include "verto_index.h"

#define INDEX_FIRST 64 /* buckets of a new index */

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

uint64_t verto_hash(const void *key, size_t len, uint64_t seed)
{
	const unsigned char *p = key;
	uint64_t h = mix64(seed ^ (0x9e3779b97f4a7c15ULL * (len + 1)));
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 32;
	}
	return mix64(h ^ seed);
}

uint64_t verto_hash_u64(uint64_t v, uint64_t seed)
{
	return mix64(v ^ mix64(seed));
}

void verto_hindex_init(verto_hindex *x)
{
	x->b = NULL;
	x->nb = 0;
	x->n = 0;
}

void verto_hindex_clear(verto_hindex *x)
{
	free(x->b);
	verto_hindex_init(x);
}

/* twice the buckets; nothing changes when out of memory */
static void grow(verto_hindex *x)
{
	size_t nb = x->nb * 2, i;
	verto_hnode **b, *n, *next;

	if (nb < x->nb || !(b = calloc(nb, sizeof(*b))))
		return;
	for (i = 0; i < x->nb; i++) {
		for (n = x->b[i]; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(x->b);
	x->b = b;
	x->nb = nb;
}

int verto_hindex_add(verto_hindex *x, verto_hnode *n, uint64_t h)
{
	verto_hnode **slot;

	if (!x->b) {
		if (!(x->b = calloc(INDEX_FIRST, sizeof(*x->b))))
			return -1;
		x->nb = INDEX_FIRST;
	} else if (x->n >= x->nb) {
		grow(x);
	}
	n->hash = h;
	slot = &x->b[h & (x->nb - 1)];
	n->next = *slot;
	*slot = n;
	x->n++;
	return 0;
}

void verto_hindex_del(verto_hindex *x, verto_hnode *n)
{
	verto_hnode **pp;

	if (!x->b)
		return;
	for (pp = &x->b[n->hash & (x->nb - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			x->n--;
			return;
		}
	}
}

verto_hnode *verto_hindex_find(const verto_hindex *x, uint64_t h)
{
	verto_hnode *n;

	if (!x->b)
		return NULL;
	for (n = x->b[h & (x->nb - 1)]; n; n = n->next)
		if (n->hash == h)
			return n;
	return NULL;
}

verto_hnode *verto_hindex_next(const verto_hnode *n)
{
	uint64_t h = n->hash;

	for (n = n->next; n; n = n->next)
		if (n->hash == h)
			return (verto_hnode *)n;
	return NULL;
}

verto_hnode *verto_hindex_take_all(verto_hindex *x)
{
	verto_hnode *all = NULL, *n, *next;
	size_t i;

	for (i = 0; x->n && i < x->nb; i++) {
		for (n = x->b[i]; n; n = next) {
			next = n->next;
			n->next = all;
			all = n;
		}
		x->b[i] = NULL;
	}
	x->n = 0;
	return all;
}
