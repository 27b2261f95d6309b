/*
 * idmap_cache.c - hash table + LRU list of packed mapping records.
 */
#include "idmap_cache.h"

#include <string.h>

#define IDC_KEY_MAX (IDS_NS_MAX + 1 + IDS_URI_MAX)

typedef struct idmap_cache_entry {
	struct idmap_cache_entry *hnext;		 /* hash chain */
	struct idmap_cache_entry *lprev, *lnext; /* LRU list, most recent first */
	uint32_t hash;
	uint16_t klen; /* lookup key: kind byte, ns, '\0', key */
	uint16_t vlen; /* packed record after the key, 0 for negative */
	uint8_t negative;
	uint8_t stale;
	int64_t stored_ms, expires_ms;
	char data[];
} idmap_cache_entry_t;

struct idc {
	idmap_cache_ops_t ops;
	idmap_cache_entry_t **buckets;
	size_t nbuckets;
	idmap_cache_entry_t *head, *tail;
	idmap_cache_stats_t st;
};

static void idmap_cache_lock(idmap_cache_t *c)
{
	if (c->ops.lock)
		c->ops.lock(c->ops.lock_arg);
}

static void idmap_cache_unlock(idmap_cache_t *c)
{
	if (c->ops.unlock)
		c->ops.unlock(c->ops.lock_arg);
}

idmap_cache_t *idmap_cache_new(size_t max_entries, const idmap_cache_ops_t *ops)
{
	idmap_cache_t *c;
	size_t nb = 16;
	if (max_entries == 0)
		return NULL;
	while (nb < max_entries && nb < ((size_t)1 << 30))
		nb <<= 1;
	if (!(c = ops->alloc(sizeof(*c))))
		return NULL;
	memset(c, 0, sizeof(*c));
	c->ops = *ops;
	if (!(c->buckets = ops->alloc(nb * sizeof(*c->buckets)))) {
		ops->free(c);
		return NULL;
	}
	memset(c->buckets, 0, nb * sizeof(*c->buckets));
	c->nbuckets = nb;
	c->st.max_entries = max_entries;
	return c;
}

/* lookup key into buf: kind byte, ns, NUL, key; its length or -1 */
static int idmap_cache_mkkey(char *buf, idmap_cache_kind_t kind, const char *ns,
							 size_t nl, const char *key, size_t kl)
{
	if (nl > IDS_NS_MAX || kl > IDS_URI_MAX)
		return -1;
	buf[0] = (char)('0' + kind);
	memcpy(buf + 1, ns, nl);
	buf[1 + nl] = '\0';
	memcpy(buf + 2 + nl, key, kl);
	return (int)(2 + nl + kl);
}

static uint32_t idmap_cache_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void idmap_cache_lru_unlink(idmap_cache_t *c, idmap_cache_entry_t *e)
{
	if (e->lprev)
		e->lprev->lnext = e->lnext;
	else
		c->head = e->lnext;
	if (e->lnext)
		e->lnext->lprev = e->lprev;
	else
		c->tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void idmap_cache_lru_front(idmap_cache_t *c, idmap_cache_entry_t *e)
{
	e->lnext = c->head;
	e->lprev = NULL;
	if (c->head)
		c->head->lprev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* expects the lock held; returns the entry and its chain link */
static idmap_cache_entry_t **idmap_cache_find(idmap_cache_t *c, const char *k,
											  size_t kl, uint32_t h)
{
	idmap_cache_entry_t **pp = &c->buckets[h & (c->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if ((*pp)->hash == h && (*pp)->klen == kl &&
			memcmp((*pp)->data, k, kl) == 0)
			return pp;
	return NULL;
}

/* expects the lock held */
static void idmap_cache_remove(idmap_cache_t *c, idmap_cache_entry_t **pp)
{
	idmap_cache_entry_t *e = *pp;
	*pp = e->hnext;
	idmap_cache_lru_unlink(c, e);
	c->ops.free(e);
	c->st.entries--;
}

/* record <-> packed bytes: the string fields as (len byte pair, bytes),
 * then enabled (1 byte) and not_after (8 bytes) */
static size_t idmap_cache_pack(const ids_record_t *r, char *out)
{
	size_t n = 0, l;
	int f;
	for (f = 0; f < IDS_F_COUNT; f++) {
		const char *s = ids_record_str(r, f);
		if (!s)
			continue;
		l = strlen(s);
		if (out) {
			out[n] = (char)(l & 0xff);
			out[n + 1] = (char)(l >> 8);
			memcpy(out + n + 2, s, l);
		}
		n += 2 + l;
	}
	if (out) {
		out[n] = (char)r->enabled;
		memcpy(out + n + 1, &r->not_after, sizeof(r->not_after));
	}
	return n + 1 + sizeof(r->not_after);
}

static void idmap_cache_unpack(const char *p, ids_record_t *r)
{
	int f;
	ids_record_init(r);
	for (f = 0; f < IDS_F_COUNT; f++) {
		char *s = (char *)ids_record_str(r, f);
		size_t l;
		if (!s)
			continue;
		l = (unsigned char)p[0] | ((size_t)(unsigned char)p[1] << 8);
		memcpy(s, p + 2, l);
		s[l] = '\0';
		p += 2 + l;
	}
	r->enabled = p[0];
	memcpy(&r->not_after, p + 1, sizeof(r->not_after));
}

idmap_cache_state_t idmap_cache_get(idmap_cache_t *c, idmap_cache_kind_t kind,
									const char *ns, const char *key,
									int64_t now_ms, int64_t max_stale_ms,
									int allow_stale, ids_record_t *out,
									int *negative)
{
	char k[IDC_KEY_MAX + 2];
	int kl = idmap_cache_mkkey(k, kind, ns, strlen(ns), key, strlen(key));
	uint32_t h;
	idmap_cache_entry_t **pp, *e;
	idmap_cache_state_t st = IDC_MISS;

	if (kl < 0)
		return IDC_MISS;
	h = idmap_cache_hash(k, (size_t)kl);
	idmap_cache_lock(c);
	pp = idmap_cache_find(c, k, (size_t)kl, h);
	if (!pp) {
		c->st.misses++;
		goto out;
	}
	e = *pp;
	if (!e->stale && now_ms < e->expires_ms) {
		st = IDC_FRESH;
	} else if (now_ms - e->stored_ms > max_stale_ms) {
		idmap_cache_remove(c, pp);
		c->st.misses++;
		goto out;
	} else if (allow_stale) {
		st = IDC_STALE;
	} else {
		c->st.misses++;
		goto out;
	}
	*negative = e->negative;
	if (!e->negative)
		idmap_cache_unpack(e->data + e->klen, out);
	if (st == IDC_STALE)
		c->st.stale_hits++;
	else if (e->negative)
		c->st.neg_hits++;
	else
		c->st.hits++;
	idmap_cache_lru_unlink(c, e);
	idmap_cache_lru_front(c, e);
out:
	idmap_cache_unlock(c);
	return st;
}

int idmap_cache_put(idmap_cache_t *c, idmap_cache_kind_t kind, const char *ns,
					const char *key, const ids_record_t *rec, int64_t now_ms,
					int64_t ttl_ms)
{
	char k[IDC_KEY_MAX + 2];
	int kl = idmap_cache_mkkey(k, kind, ns, strlen(ns), key, strlen(key));
	size_t vl = rec ? idmap_cache_pack(rec, NULL) : 0;
	idmap_cache_entry_t *e, **pp;
	uint32_t h;

	if (kl < 0 || vl > 0xffff)
		return -1;
	h = idmap_cache_hash(k, (size_t)kl);
	/* build the entry outside the lock */
	if (!(e = c->ops.alloc(sizeof(*e) + (size_t)kl + vl)))
		return -1;
	memset(e, 0, sizeof(*e));
	e->hash = h;
	e->klen = (uint16_t)kl;
	e->vlen = (uint16_t)vl;
	e->negative = rec == NULL;
	e->stored_ms = now_ms;
	e->expires_ms = now_ms + ttl_ms;
	memcpy(e->data, k, (size_t)kl);
	if (rec)
		idmap_cache_pack(rec, e->data + kl);
	idmap_cache_lock(c);
	if ((pp = idmap_cache_find(c, k, (size_t)kl, h)))
		idmap_cache_remove(c, pp);
	while (c->st.entries >= c->st.max_entries && c->tail) {
		idmap_cache_entry_t *t = c->tail;
		pp = idmap_cache_find(c, t->data, t->klen, t->hash);
		idmap_cache_remove(c, pp);
		c->st.evictions++;
	}
	e->hnext = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	idmap_cache_lru_front(c, e);
	c->st.entries++;
	c->st.inserts++;
	idmap_cache_unlock(c);
	return 0;
}

int idmap_cache_invalidate(idmap_cache_t *c, idmap_cache_kind_t kind,
						   const char *ns, size_t ns_len, const char *key,
						   size_t key_len)
{
	char k[IDC_KEY_MAX + 2];
	int kl = idmap_cache_mkkey(k, kind, ns, ns_len, key, key_len), found = 0;
	idmap_cache_entry_t **pp;
	if (kl < 0)
		return 0;
	idmap_cache_lock(c);
	if ((pp = idmap_cache_find(c, k, (size_t)kl,
							   idmap_cache_hash(k, (size_t)kl)))) {
		(*pp)->stale = 1;
		c->st.invalidations++;
		found = 1;
	}
	idmap_cache_unlock(c);
	return found;
}

void idmap_cache_invalidate_all(idmap_cache_t *c)
{
	idmap_cache_entry_t *e;
	idmap_cache_lock(c);
	for (e = c->head; e; e = e->lnext)
		e->stale = 1;
	c->st.invalidations++;
	idmap_cache_unlock(c);
}

void idmap_cache_flush(idmap_cache_t *c)
{
	size_t i;
	idmap_cache_lock(c);
	for (i = 0; i < c->nbuckets; i++)
		while (c->buckets[i])
			idmap_cache_remove(c, &c->buckets[i]);
	c->st.flushes++;
	idmap_cache_unlock(c);
}

void idmap_cache_destroy(idmap_cache_t *c)
{
	if (!c)
		return;
	idmap_cache_flush(c);
	c->ops.free(c->buckets);
	c->ops.free(c);
}

void idmap_cache_get_stats(idmap_cache_t *c, idmap_cache_stats_t *st)
{
	idmap_cache_lock(c);
	*st = c->st;
	idmap_cache_unlock(c);
}
