/*
 * iwg_webrtc: registration table in shared memory, see webrtc_reg.h.
 */
#include <string.h>

#include "core/dprint.h"
#include "core/locking.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"

#include "webrtc_ident.h"
#include "webrtc_reg.h"

#define WEBRTC_REG_BUCKETS 256

static webrtc_reg_t **reg_tab = NULL;  /* shm array of buckets */
static webrtc_reg_t **reg_lost = NULL; /* shm list head: lost flows */
static gen_lock_t *reg_lock = NULL;	   /* guards reg_tab and reg_lost */

static unsigned int bucket(unsigned int conid)
{
	return (conid * 2654435761u) % WEBRTC_REG_BUCKETS;
}

int webrtc_reg_init(void)
{
	reg_tab = shm_malloc(WEBRTC_REG_BUCKETS * sizeof(*reg_tab));
	reg_lost = shm_malloc(sizeof(*reg_lost));
	reg_lock = lock_alloc();
	if (reg_tab == NULL || reg_lost == NULL || reg_lock == NULL ||
		lock_init(reg_lock) == NULL) {
		LM_ERR("no shared memory for the registration table\n");
		return -1;
	}
	memset(reg_tab, 0, WEBRTC_REG_BUCKETS * sizeof(*reg_tab));
	*reg_lost = NULL;
	return 0;
}

void webrtc_reg_destroy(void)
{
	int i;
	webrtc_reg_t *r, *n;

	if (reg_tab) {
		for (i = 0; i < WEBRTC_REG_BUCKETS; i++)
			for (r = reg_tab[i]; r; r = n) {
				n = r->next;
				shm_free(r);
			}
		shm_free(reg_tab);
		reg_tab = NULL;
	}
	if (reg_lost) {
		for (r = *reg_lost; r; r = n) {
			n = r->next;
			shm_free(r);
		}
		shm_free(reg_lost);
		reg_lost = NULL;
	}
	if (reg_lock) {
		lock_destroy(reg_lock);
		lock_dealloc(reg_lock);
		reg_lock = NULL;
	}
}

#define REG_STRS(r)                                                     \
	{                                                                   \
		&(r)->contact, &(r)->aor, &(r)->ruri, &(r)->callid, &(r)->path, \
				&(r)->sroute, &(r)->pau, &(r)->auth                     \
	}
#define REG_NSTRS 8

/* one block: struct, then the strings; alloc is shm_malloc or pkg_malloc */
static webrtc_reg_t *reg_clone(const webrtc_reg_t *r, int shm)
{
	str *src[] = REG_STRS((webrtc_reg_t *)r);
	str *dst[REG_NSTRS];
	size_t len = sizeof(*r);
	webrtc_reg_t *c;
	char *p;
	int i;

	for (i = 0; i < REG_NSTRS; i++)
		len += (size_t)src[i]->len + 1;
	c = shm ? shm_malloc(len) : pkg_malloc(len);
	if (c == NULL)
		return NULL;
	*c = *r;
	c->next = NULL;
	{
		str *d[] = REG_STRS(c);
		memcpy(dst, d, sizeof(dst));
	}
	p = (char *)(c + 1);
	for (i = 0; i < REG_NSTRS; i++) {
		dst[i]->s = p;
		dst[i]->len = src[i]->len;
		if (src[i]->len > 0)
			memcpy(p, src[i]->s, (size_t)src[i]->len);
		p[src[i]->len] = '\0';
		p += src[i]->len + 1;
	}
	return c;
}

static int same_contact(const webrtc_reg_t *r, str *c)
{
	return webrtc_uri_equal(r->contact.s, (size_t)r->contact.len, c->s,
							(size_t)c->len);
}

/* expects reg_lock held */
static int del_locked(str *c)
{
	int i, n = 0;
	webrtc_reg_t **pp, *r;

	for (i = 0; i < WEBRTC_REG_BUCKETS; i++) {
		for (pp = &reg_tab[i]; (r = *pp) != NULL;) {
			if (same_contact(r, c)) {
				*pp = r->next;
				shm_free(r);
				n++;
			} else {
				pp = &r->next;
			}
		}
	}
	return n;
}

int webrtc_reg_put(const webrtc_reg_t *r)
{
	webrtc_reg_t *c = reg_clone(r, 1);
	unsigned int b;

	if (c == NULL) {
		LM_ERR("no shared memory for a registration\n");
		return -1;
	}
	b = bucket(c->flow.conid);
	lock_get(reg_lock);
	del_locked(&c->contact);
	c->next = reg_tab[b];
	reg_tab[b] = c;
	lock_release(reg_lock);
	return 0;
}

int webrtc_reg_del(str *c)
{
	int n;

	lock_get(reg_lock);
	n = del_locked(c);
	lock_release(reg_lock);
	return n;
}

webrtc_reg_t *webrtc_reg_find_flow(const webrtc_flow_t *f, str *aor)
{
	webrtc_reg_t *r, *first = NULL, *hit = NULL, *c = NULL;
	time_t now = time(NULL);

	lock_get(reg_lock);
	for (r = reg_tab[bucket(f->conid)]; r; r = r->next) {
		if (r->expires <= now || !webrtc_flow_same_peer(&r->flow, f))
			continue;
		if (first == NULL)
			first = r;
		if (aor && webrtc_uri_equal(r->aor.s, (size_t)r->aor.len, aor->s,
									(size_t)aor->len)) {
			hit = r;
			break;
		}
	}
	if (hit == NULL)
		hit = first;
	if (hit)
		c = reg_clone(hit, 0);
	lock_release(reg_lock);
	if (hit && c == NULL)
		LM_ERR("no pkg memory\n");
	return c;
}

/* unlinks the entries of conid onto *out; reg_lock held */
static int take_conid_locked(unsigned int conid, webrtc_reg_t **out)
{
	webrtc_reg_t **pp, *r;
	int n = 0;

	for (pp = &reg_tab[bucket(conid)]; (r = *pp) != NULL;) {
		if (r->flow.conid == conid) {
			*pp = r->next;
			r->next = *out;
			*out = r;
			n++;
		} else {
			pp = &r->next;
		}
	}
	return n;
}

webrtc_reg_t *webrtc_reg_take_conid(unsigned int conid)
{
	webrtc_reg_t *out = NULL;

	lock_get(reg_lock);
	take_conid_locked(conid, &out);
	lock_release(reg_lock);
	return out;
}

int webrtc_reg_lose_conid(unsigned int conid)
{
	int n;

	lock_get(reg_lock);
	n = take_conid_locked(conid, reg_lost);
	lock_release(reg_lock);
	return n;
}

webrtc_reg_t *webrtc_reg_take_lost(void)
{
	webrtc_reg_t *out;

	lock_get(reg_lock);
	out = *reg_lost;
	*reg_lost = NULL;
	lock_release(reg_lock);
	return out;
}

int webrtc_reg_expire(time_t now)
{
	int i, n = 0;
	webrtc_reg_t **pp, *r;

	lock_get(reg_lock);
	for (i = 0; i < WEBRTC_REG_BUCKETS; i++) {
		for (pp = &reg_tab[i]; (r = *pp) != NULL;) {
			if (r->expires <= now) {
				*pp = r->next;
				shm_free(r);
				n++;
			} else {
				pp = &r->next;
			}
		}
	}
	lock_release(reg_lock);
	return n;
}

void webrtc_reg_walk(int (*fn)(const webrtc_reg_t *, void *), void *arg)
{
	int i;
	webrtc_reg_t *r;

	lock_get(reg_lock);
	for (i = 0; i < WEBRTC_REG_BUCKETS; i++)
		for (r = reg_tab[i]; r; r = r->next)
			if (fn(r, arg))
				goto out;
out:
	lock_release(reg_lock);
}

void webrtc_reg_free(webrtc_reg_t *r)
{
	if (r)
		pkg_free(r);
}

void webrtc_reg_shm_free(webrtc_reg_t *r)
{
	if (r)
		shm_free(r);
}
