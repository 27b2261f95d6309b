/*
 * verto_throttle.c - back-off for failed Verto logins. Contracts and rules
 * in verto_throttle.h.
 *
 * Each table is a fixed array of entries, a chained hash over them (keyed
 * SipHash-2-4) and a list in the order of last use (a failure or an
 * attempt begun): the oldest is at the head, which is both the one evicted
 * when the table is full and the first to be forgotten.
 */
#include <stdlib.h>
#include <string.h>

#include "verto_index.h"
#include "verto_throttle.h"

#define DEFAULT_MAX_ENTRIES 8192
#define MIN_FORGET_MS		(3600 * 1000ULL)

typedef struct thr_entry {
	struct thr_entry *hnext;	   /* bucket chain */
	struct thr_entry *prev, *next; /* by last use, oldest first */
	uint64_t hash;
	uint64_t last_fail; /* ms */
	uint64_t used;		/* ms of the last failure or attempt begun */
	unsigned fails;
	unsigned inflight; /* attempts begun and not ended */
	char key[VERTO_THROTTLE_KEY_MAX + 1];
} thr_entry;

typedef struct thr_table {
	thr_entry *pool;  /* max entries */
	thr_entry *spare; /* unused entries (chained by hnext) */
	thr_entry **bucket;
	size_t mask; /* buckets - 1 */
	thr_entry *head, *tail;
	unsigned n;
	unsigned limit; /* failures before back-off */
	/* attempts in flight count even before the key's first failure */
	int strict;
} thr_table;

struct verto_throttle {
	verto_throttle_cfg cfg;
	thr_table tab[2]; /* VERTO_THR_ADDR, VERTO_THR_LOGIN */
};

/* ------------------------------------------------------------- tables */

static int table_init(thr_table *t, unsigned max, unsigned limit)
{
	size_t nb = 1;
	unsigned i;

	memset(t, 0, sizeof(*t));
	while (nb < (size_t)max * 2)
		nb <<= 1;
	t->pool = calloc(max, sizeof(*t->pool));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	if (!t->pool || !t->bucket)
		return -1;
	t->mask = nb - 1;
	for (i = 0; i < max; i++) {
		t->pool[i].hnext = t->spare;
		t->spare = &t->pool[i];
	}
	t->limit = limit;
	return 0;
}

static void table_free(thr_table *t)
{
	free(t->pool);
	free(t->bucket);
}

static void lru_unlink(thr_table *t, thr_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		t->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_append(thr_table *t, thr_entry *e)
{
	e->prev = t->tail;
	e->next = NULL;
	if (t->tail)
		t->tail->next = e;
	else
		t->head = e;
	t->tail = e;
}

static void entry_remove(thr_table *t, thr_entry *e)
{
	thr_entry **pp = &t->bucket[e->hash & t->mask];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(t, e);
	e->hnext = t->spare;
	t->spare = e;
	t->n--;
}

/* forget the keys last used forget_ms ago (oldest first) */
static void table_expire(verto_throttle *th, thr_table *t, uint64_t now)
{
	while (t->head && now >= t->head->used &&
		   now - t->head->used >= th->cfg.forget_ms)
		entry_remove(t, t->head);
}

/* the entry was used now: last in the list */
static void touch(thr_table *t, thr_entry *e, uint64_t now)
{
	e->used = now;
	lru_unlink(t, e);
	lru_append(t, e);
}

/* the key as stored: cut to VERTO_THROTTLE_KEY_MAX */
static size_t key_len(const char *key)
{
	size_t n = strlen(key);

	return n > VERTO_THROTTLE_KEY_MAX ? VERTO_THROTTLE_KEY_MAX : n;
}

static thr_entry *table_find(verto_throttle *th, thr_table *t, const char *key,
							 uint64_t *hash_out)
{
	size_t len = key_len(key);
	uint64_t h = verto_siphash(key, len, th->cfg.seed);
	thr_entry *e;

	if (hash_out)
		*hash_out = h;
	for (e = t->bucket[h & t->mask]; e; e = e->hnext)
		if (e->hash == h && strncmp(e->key, key, len) == 0 && !e->key[len])
			return e;
	return NULL;
}

/* the key's entry, made (evicting the oldest when full) if needed */
/* how many of the least recently used keys a full table looks at for one
 * it may drop */
#define EVICT_LOOK 64

static uint64_t refuse_ms(const verto_throttle *th, const thr_table *t,
						  const thr_entry *e, uint64_t now);

/*
 * The key's entry, made when new. A full table drops the least recently
 * used key that is neither throttled nor in flight (never one that is:
 * filling the table with new keys must not clear a lock); NULL when none
 * of the EVICT_LOOK oldest may go.
 */
static thr_entry *table_get(verto_throttle *th, thr_table *t, const char *key,
							uint64_t now)
{
	uint64_t h;
	thr_entry *e = table_find(th, t, key, &h);
	size_t len;
	unsigned i;

	if (e)
		return e;
	if (!t->spare) {
		for (e = t->head, i = 0; e && i < EVICT_LOOK; e = e->next, i++)
			if (!e->inflight && !refuse_ms(th, t, e, now))
				break;
		if (!e || i == EVICT_LOOK)
			return NULL;
		entry_remove(t, e);
	}
	e = t->spare;
	t->spare = e->hnext;
	len = key_len(key);
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->hash = h;
	e->fails = 0;
	e->inflight = 0;
	e->last_fail = 0;
	e->used = 0;
	e->hnext = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = e;
	lru_append(t, e);
	t->n++;
	return e;
}

/* the wait after the entry's last failure (0: none) */
static uint64_t wait_ms(const verto_throttle *th, const thr_table *t,
						const thr_entry *e)
{
	unsigned over;
	uint64_t w;

	if (e->fails < t->limit)
		return 0;
	over = e->fails - t->limit;
	if (over >= 40)
		return th->cfg.lockout_ms;
	w = th->cfg.backoff_ms << over;
	if (w >> over != th->cfg.backoff_ms || w > th->cfg.lockout_ms)
		w = th->cfg.lockout_ms;
	return w;
}

/* ms left of the entry's wait at now (0: none) */
static uint64_t left_ms(const verto_throttle *th, const thr_table *t,
						const thr_entry *e, uint64_t now)
{
	uint64_t until = e->last_fail + wait_ms(th, t, e);

	return now < until ? until - now : 0;
}

/* ms before an attempt may begin: the wait, or while attempts in flight
 * could reach the limit, a back-off's worth (they end first) */
static uint64_t refuse_ms(const verto_throttle *th, const thr_table *t,
						  const thr_entry *e, uint64_t now)
{
	uint64_t l = left_ms(th, t, e, now);

	if (!l && e->inflight && (t->strict || e->fails) &&
		e->fails + e->inflight >= t->limit)
		l = th->cfg.backoff_ms;
	return l;
}

static int usable(const char *key)
{
	return key && *key;
}

/* ------------------------------------------------------------- public */

verto_throttle *verto_throttle_new(const verto_throttle_cfg *cfg)
{
	verto_throttle *th;
	unsigned max = cfg->max_entries ? cfg->max_entries : DEFAULT_MAX_ENTRIES;

	if (!cfg->login_fails || !cfg->ip_fails || !cfg->backoff_ms ||
		cfg->lockout_ms < cfg->backoff_ms)
		return NULL;
	th = calloc(1, sizeof(*th));
	if (!th)
		return NULL;
	th->cfg = *cfg;
	th->cfg.max_entries = max;
	if (!th->cfg.forget_ms) {
		th->cfg.forget_ms = 10 * cfg->lockout_ms;
		if (th->cfg.forget_ms < MIN_FORGET_MS)
			th->cfg.forget_ms = MIN_FORGET_MS;
	}
	if (table_init(&th->tab[VERTO_THR_ADDR], max, cfg->ip_fails) ||
		table_init(&th->tab[VERTO_THR_LOGIN], max, cfg->login_fails)) {
		verto_throttle_free(th);
		return NULL;
	}
	th->tab[VERTO_THR_LOGIN].strict = 1;
	return th;
}

void verto_throttle_free(verto_throttle *t)
{
	if (!t)
		return;
	table_free(&t->tab[0]);
	table_free(&t->tab[1]);
	free(t);
}

uint64_t verto_throttle_check(verto_throttle *t, const char *addr,
							  const char *login, uint64_t now_ms)
{
	const char *keys[2] = {addr, login};
	uint64_t worst = 0, l;
	thr_entry *e;
	int k;

	for (k = 0; k < 2; k++) {
		if (!usable(keys[k]))
			continue;
		table_expire(t, &t->tab[k], now_ms);
		e = table_find(t, &t->tab[k], keys[k], NULL);
		if (e && (l = refuse_ms(t, &t->tab[k], e, now_ms)) > worst)
			worst = l;
	}
	return worst;
}

uint64_t verto_throttle_begin(verto_throttle *t, const char *addr,
							  const char *login, uint64_t now_ms)
{
	const char *keys[2] = {addr, login};
	uint64_t wait = verto_throttle_check(t, addr, login, now_ms);
	thr_entry *e;
	int k;

	if (wait)
		return wait;
	for (k = 0; k < 2; k++) {
		if (!usable(keys[k]))
			continue;
		e = table_get(t, &t->tab[k], keys[k], now_ms);
		if (!e) {
			/* a table full of throttled keys: no new key until one
			 * may go (the first key's attempt is given back) */
			if (k == VERTO_THR_LOGIN && usable(addr))
				verto_throttle_abandon(t, addr, NULL);
			return t->cfg.backoff_ms;
		}
		e->inflight++;
		touch(&t->tab[k], e, now_ms);
	}
	return 0;
}

/* an attempt of the key ended (begun or not) */
static void end_one(thr_entry *e)
{
	if (e->inflight)
		e->inflight--;
}

void verto_throttle_abandon(verto_throttle *t, const char *addr,
							const char *login)
{
	const char *keys[2] = {addr, login};
	thr_entry *e;
	int k;

	if (!t)
		return;
	for (k = 0; k < 2; k++) {
		if (!usable(keys[k]))
			continue;
		e = table_find(t, &t->tab[k], keys[k], NULL);
		if (!e)
			continue;
		end_one(e);
		/* nothing to remember: a clear key goes */
		if (!e->fails && !e->inflight)
			entry_remove(&t->tab[k], e);
	}
}

int verto_throttle_fail(verto_throttle *t, const char *addr, const char *login,
						uint64_t now_ms)
{
	const char *keys[2] = {addr, login};
	thr_table *tab;
	thr_entry *e;
	int k, locked = 0;

	for (k = 0; k < 2; k++) {
		if (!usable(keys[k]))
			continue;
		tab = &t->tab[k];
		table_expire(t, tab, now_ms);
		e = table_get(t, tab, keys[k], now_ms);
		if (!e)
			continue; /* not begun (begin refuses when full): not counted */
		end_one(e);
		/* an address's count starts over after lockout_ms without a
		 * failure (a success does not clear it) */
		if (k == VERTO_THR_ADDR && e->fails &&
			now_ms - e->last_fail >= t->cfg.lockout_ms)
			e->fails = 0;
		if (e->fails < UINT32_MAX)
			e->fails++;
		e->last_fail = now_ms;
		touch(tab, e, now_ms);
		if (e->fails == tab->limit)
			locked |= 1 << k;
	}
	return locked;
}

void verto_throttle_success(verto_throttle *t, const char *addr,
							const char *login)
{
	const char *keys[2] = {addr, login};
	thr_entry *e;
	int k;

	for (k = 0; k < 2; k++) {
		if (!usable(keys[k]))
			continue;
		e = table_find(t, &t->tab[k], keys[k], NULL);
		if (!e)
			continue;
		/* other attempts in flight stay counted */
		end_one(e);
		/* the login's count starts over; an address's stays (one valid
		 * account must not clear the failures of the names an address
		 * sprays): it starts over after lockout_ms without a failure */
		if (k == VERTO_THR_LOGIN)
			e->fails = 0;
		if (!e->fails && !e->inflight)
			entry_remove(&t->tab[k], e);
	}
}

unsigned verto_throttle_inflight(verto_throttle *t, int kind, const char *key)
{
	thr_entry *e;

	if (!t || (kind != VERTO_THR_ADDR && kind != VERTO_THR_LOGIN) ||
		!usable(key))
		return 0;
	e = table_find(t, &t->tab[kind], key, NULL);
	return e ? e->inflight : 0;
}

unsigned verto_throttle_fails(verto_throttle *t, int kind, const char *key,
							  uint64_t now_ms)
{
	thr_entry *e;

	if ((kind != VERTO_THR_ADDR && kind != VERTO_THR_LOGIN) || !usable(key))
		return 0;
	table_expire(t, &t->tab[kind], now_ms);
	e = table_find(t, &t->tab[kind], key, NULL);
	return e ? e->fails : 0;
}

unsigned verto_throttle_list(verto_throttle *t, uint64_t now_ms,
							 verto_throttle_visit_f visit, void *arg)
{
	unsigned n = 0;
	uint64_t l;
	thr_entry *e;
	int k;

	for (k = 0; k < 2; k++) {
		table_expire(t, &t->tab[k], now_ms);
		for (e = t->tab[k].head; e; e = e->next) {
			if (!(l = left_ms(t, &t->tab[k], e, now_ms)))
				continue;
			if (visit)
				visit(arg, k, e->key, e->fails, l);
			n++;
		}
	}
	return n;
}

unsigned verto_throttle_count(const verto_throttle *t, int kind)
{
	if (kind != VERTO_THR_ADDR && kind != VERTO_THR_LOGIN)
		return 0;
	return t->tab[kind].n;
}
