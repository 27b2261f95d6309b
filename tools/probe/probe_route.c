/*
 * probe_route.c - Call-ID to call table for calls sharing one WebSocket
 * (see probe_route.h). Linear probing; removed slots are marked and reused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_route.h"

static const char gone_mark;
#define PROBE_ROUTE_GONE (&gone_mark)

/* FNV-1a */
static size_t hash(const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

int probe_route_init(probe_route *r, size_t max)
{
	size_t cap = 8;

	memset(r, 0, sizeof(*r));
	/* at most half full: probes stay short */
	while (cap < 2 * max + 2)
		cap *= 2;
	r->slots = calloc(cap, sizeof(*r->slots));
	r->waiting = calloc(max ? max : 1, sizeof(*r->waiting));
	if (!r->slots || !r->waiting) {
		probe_route_free(r);
		return -1;
	}
	r->cap = cap;
	r->max = max;
	return 0;
}

static int same(const probe_route_slot *s, const char *key, size_t len)
{
	return s->key && s->key != PROBE_ROUTE_GONE && s->len == len &&
		   !memcmp(s->key, key, len);
}

/* the slot holding key, or NULL */
static probe_route_slot *lookup(const probe_route *r, const char *key,
								size_t len)
{
	size_t i, n;

	if (!r->cap)
		return NULL;
	i = hash(key, len) & (r->cap - 1);
	for (n = 0; n < r->cap && r->slots[i].key; n++) {
		if (same(&r->slots[i], key, len))
			return &r->slots[i];
		i = (i + 1) & (r->cap - 1);
	}
	return NULL;
}

/* rebuild in place without the removed marks (the table is full of them) */
static void compact(probe_route *r)
{
	probe_route_slot *old = r->slots;
	size_t i, cap = r->cap;

	r->slots = calloc(cap, sizeof(*r->slots));
	if (!r->slots) {
		r->slots = old; /* keep working with the marks */
		return;
	}
	r->used = r->gones = 0;
	for (i = 0; i < cap; i++)
		if (old[i].key && old[i].key != PROBE_ROUTE_GONE)
			probe_route_add(r, old[i].key, old[i].len, old[i].val);
	free(old);
}

int probe_route_add(probe_route *r, const char *key, size_t len, void *val)
{
	size_t i;

	if (!r->cap || r->used >= r->max)
		return -1;
	if (lookup(r, key, len))
		return -2;
	if (2 * (r->used + r->gones + 1) > r->cap)
		compact(r);
	i = hash(key, len) & (r->cap - 1);
	while (r->slots[i].key && r->slots[i].key != PROBE_ROUTE_GONE)
		i = (i + 1) & (r->cap - 1);
	if (r->slots[i].key == PROBE_ROUTE_GONE)
		r->gones--;
	r->slots[i] = (probe_route_slot){key, len, val};
	r->used++;
	return 0;
}

void *probe_route_find(const probe_route *r, const char *key, size_t len)
{
	probe_route_slot *s = lookup(r, key, len);

	return s ? s->val : NULL;
}

int probe_route_del(probe_route *r, const char *key, size_t len)
{
	probe_route_slot *s = lookup(r, key, len);

	if (!s)
		return -1;
	*s = (probe_route_slot){PROBE_ROUTE_GONE, 0, NULL};
	r->used--;
	r->gones++;
	return 0;
}

int probe_route_wait(probe_route *r, void *val)
{
	if (r->nwaiting >= r->max)
		return -1;
	r->waiting[r->nwaiting++] = val;
	return 0;
}

/* remove the i-th waiting value, keeping the order of the others */
static void *unqueue(probe_route *r, size_t i)
{
	void *v = r->waiting[i];

	memmove(&r->waiting[i], &r->waiting[i + 1],
			(r->nwaiting - i - 1) * sizeof(*r->waiting));
	r->nwaiting--;
	return v;
}

void *probe_route_take(probe_route *r)
{
	return r->nwaiting ? unqueue(r, 0) : NULL;
}

int probe_route_unwait(probe_route *r, const void *val)
{
	size_t i;

	for (i = 0; i < r->nwaiting; i++)
		if (r->waiting[i] == val) {
			unqueue(r, i);
			return 0;
		}
	return -1;
}

void probe_route_free(probe_route *r)
{
	free(r->slots);
	free(r->waiting);
	memset(r, 0, sizeof(*r));
}
