/*
 * verto_index.c - intrusive hash index of the Verto engine. Contracts in
 * verto_index.h.
 */
#include <stdlib.h>

#include "verto_index.h"

#define INDEX_FIRST 64 /* buckets of a new index */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND           \
	do {                   \
		v0 += v1;          \
		v1 = ROTL(v1, 13); \
		v1 ^= v0;          \
		v0 = ROTL(v0, 32); \
		v2 += v3;          \
		v3 = ROTL(v3, 16); \
		v3 ^= v2;          \
		v0 += v3;          \
		v3 = ROTL(v3, 21); \
		v3 ^= v0;          \
		v2 += v1;          \
		v1 = ROTL(v1, 17); \
		v1 ^= v2;          \
		v2 = ROTL(v2, 32); \
	} while (0)

uint64_t verto_siphash(const void *key, size_t len, const uint64_t k[2])
{
	const unsigned char *s = key;
	uint64_t k0 = k[0], k1 = k[1];
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, j, full = len & ~(size_t)7;

	for (i = 0; i < full; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)s[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (j = 0; i + j < len; j++)
		b |= (uint64_t)s[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

uint64_t verto_hash_u64(uint64_t v, const uint64_t seed[2])
{
	return mix64(v ^ mix64(seed[0]));
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
