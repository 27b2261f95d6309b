/*
 * regview.c - the registrations of several nodes as one set (regview.h).
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "regview.h"

#define NAME_SZ 32

/* one contact of one dump */
typedef struct entry {
	const char *aor;			 /* in a dump the view holds a reference on */
	const char *key;			 /* its ruid, or its address when it has none */
	const char *path;			 /* "" when none */
	struct json_object *contact; /* borrowed from the same dump */
	int group;					 /* -1: the shared set; else the node */
	int holder;					 /* node index, -1: none */
	uint32_t listed;			 /* a bit per node whose dump has it */
} entry;

struct regview {
	int n;
	char names[REGVIEW_MAX_NODES][NAME_SZ];
	regview_ident ids[REGVIEW_MAX_NODES];
	struct json_object *dumps[REGVIEW_MAX_NODES];
	size_t listed[REGVIEW_MAX_NODES];
	entry *e;
	size_t n_e, cap;
	int sorted; /* e sorted by group, AoR, key and de-duplicated */
};

struct regview_cache {
	pthread_mutex_t lock;
	int n;
	regview_ident ids[];
};

_Static_assert(REGVIEW_MAX_NODES <= 32, "a bit per node in entry.listed");

/* host[0..len) into a->host, brackets removed, lower case; -1 when empty
 * or too long */
static int set_host(regview_addr *a, const char *host, size_t len)
{
	size_t i;

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(a->host))
		return -1;
	for (i = 0; i < len; i++)
		a->host[i] = (char)tolower((unsigned char)host[i]);
	a->host[len] = '\0';
	return 0;
}

int regview_path_addr(const char *path, regview_addr *a)
{
	const char *p = path, *h, *at, *stop;
	unsigned long port;
	char *end;

	memset(a, 0, sizeof(*a));
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '<')
		p++;
	if (!strncasecmp(p, "sips:", 5)) {
		p += 5;
		a->port = 5061;
	} else if (!strncasecmp(p, "sip:", 4)) {
		p += 4;
		a->port = 5060;
	} else {
		return -1;
	}
	/* userinfo: an '@' before the URI's parameters, headers or end */
	stop = p + strcspn(p, ";?>, \t");
	at = memchr(p, '@', (size_t)(stop - p));
	if (at)
		p = at + 1;
	h = p;
	if (*p == '[') {
		p = strchr(p, ']');
		if (!p)
			return -1;
		p++;
	} else {
		p += strcspn(p, ":;?>, \t");
	}
	if (set_host(a, h, (size_t)(p - h)) < 0)
		return -1;
	if (*p == ':') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		port = strtoul(p + 1, &end, 10);
		if (port == 0 || port > 65535 || end - (p + 1) > 5)
			return -1;
		a->port = (unsigned)port;
	}
	return 0;
}

void regview_ident_edge(struct json_object *info, regview_ident *id)
{
	struct json_object *nodes;
	const char *s;

	id->known = 1;
	id->shared = 0;
	if (json_object_is_type(info, json_type_object) &&
		json_object_object_get_ex(info, "cluster_nodes", &nodes) &&
		json_object_is_type(nodes, json_type_string)) {
		s = json_object_get_string(nodes);
		id->shared = s && s[strspn(s, " \t")] != '\0';
	}
}

int regview_ident_sockets(struct json_object *res, regview_ident *id)
{
	struct json_object *s, *addr, *port;
	regview_addr a;
	size_t i, n;
	long p;
	int added = 0;

	n = json_object_is_type(res, json_type_array)
				? json_object_array_length(res)
				: 0;
	for (i = 0; i < n && id->n_addrs < REGVIEW_MAX_ADDRS; i++) {
		s = json_object_array_get_idx(res, i);
		if (json_object_is_type(s, json_type_object) &&
			json_object_object_get_ex(s, "socket", &addr))
			s = addr;
		if (!json_object_is_type(s, json_type_object) ||
			!json_object_object_get_ex(s, "address", &addr) ||
			!json_object_is_type(addr, json_type_string) ||
			!json_object_object_get_ex(s, "port", &port))
			continue;
		p = json_object_is_type(port, json_type_int)
					? (long)json_object_get_int64(port)
					: strtol(json_object_get_string(port), NULL, 10);
		memset(&a, 0, sizeof(a));
		if (p <= 0 || p > 65535 ||
			set_host(&a, json_object_get_string(addr),
					 (size_t)json_object_get_string_len(addr)) < 0)
			continue;
		a.port = (unsigned)p;
		id->addrs[id->n_addrs++] = a;
		added++;
	}
	return added;
}

regview *regview_new(int n, const char *const *names)
{
	regview *v;
	int i;

	if (n < 1 || n > REGVIEW_MAX_NODES)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->n = n;
	for (i = 0; i < n; i++)
		snprintf(v->names[i], NAME_SZ, "%s", names[i]);
	v->sorted = 1;
	return v;
}

void regview_free(regview *v)
{
	int i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++)
		json_object_put(v->dumps[i]);
	free(v->e);
	free(v);
}

void regview_set_ident(regview *v, int i, const regview_ident *id)
{
	if (i >= 0 && i < v->n)
		v->ids[i] = *id;
}

/* user filter: every AoR, the AoR itself or its user part */
static int aor_matches(const char *aor, const char *user)
{
	size_t n;

	if (!user || !user[0])
		return 1;
	n = strlen(user);
	return !strcmp(aor, user) || (!strncmp(aor, user, n) && aor[n] == '@');
}

/* member k of o as a string, or "" */
static const char *str_of(struct json_object *o, const char *k)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, k, &v) ||
		!json_object_is_type(v, json_type_string))
		return "";
	s = json_object_get_string(v);
	return s ? s : "";
}

/* append one contact; -1 when out of memory */
static int push(regview *v, const entry *x)
{
	entry *e;
	size_t cap;

	if (v->n_e == v->cap) {
		cap = v->cap ? 2 * v->cap : 64;
		e = realloc(v->e, cap * sizeof(*e));
		if (!e)
			return -1;
		v->e = e;
		v->cap = cap;
	}
	v->e[v->n_e++] = *x;
	return 0;
}

/* the Contacts of one AoR's Info into v; -1 when out of memory */
static int add_aor(regview *v, int i, struct json_object *info,
				   const char *user, int *taken)
{
	struct json_object *aor, *cts, *ct;
	entry x;
	size_t m;

	if (!json_object_object_get_ex(info, "AoR", &aor) ||
		!json_object_is_type(aor, json_type_string) ||
		!aor_matches(json_object_get_string(aor), user) ||
		!json_object_object_get_ex(info, "Contacts", &cts) ||
		!json_object_is_type(cts, json_type_array))
		return 0;
	for (m = 0; m < json_object_array_length(cts); m++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(cts, m),
									   "Contact", &ct) ||
			!json_object_is_type(ct, json_type_object))
			continue;
		memset(&x, 0, sizeof(x));
		x.aor = json_object_get_string(aor);
		x.key = str_of(ct, "Ruid");
		if (!x.key[0])
			x.key = str_of(ct, "Address");
		x.path = str_of(ct, "Path");
		x.contact = ct;
		x.group = v->ids[i].shared ? -1 : i;
		x.holder = -1;
		x.listed = 1u << i;
		if (push(v, &x) < 0)
			return -1;
		(*taken)++;
	}
	return 0;
}

int regview_add_dump(regview *v, int i, struct json_object *dump,
					 const char *user)
{
	struct json_object *doms, *d, *aors, *info;
	size_t k, a, before = v->n_e;
	int taken = 0;

	if (!dump || i < 0 || i >= v->n || v->dumps[i])
		return -1;
	if (json_object_object_get_ex(dump, "Domains", &doms) &&
		json_object_is_type(doms, json_type_array))
		for (k = 0; k < json_object_array_length(doms); k++) {
			if (!json_object_object_get_ex(json_object_array_get_idx(doms, k),
										   "Domain", &d) ||
				!json_object_object_get_ex(d, "AoRs", &aors) ||
				!json_object_is_type(aors, json_type_array))
				continue;
			for (a = 0; a < json_object_array_length(aors); a++)
				if (json_object_object_get_ex(
							json_object_array_get_idx(aors, a), "Info",
							&info) &&
					add_aor(v, i, info, user, &taken) < 0) {
					v->n_e = before;
					return -1;
				}
		}
	v->dumps[i] = json_object_get(dump);
	v->listed[i] = (size_t)taken;
	if (taken)
		v->sorted = 0;
	return taken;
}

static int by_identity(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if ((c = strcmp(a->aor, b->aor)))
		return c;
	return strcmp(a->key, b->key);
}

/* the node whose listener the Path's first URI names (among the nodes
 * that share), or -1 */
static int holder_of(const regview *v, const char *path)
{
	regview_addr a;
	int i, k;

	if (!path[0] || regview_path_addr(path, &a) < 0)
		return -1;
	for (i = 0; i < v->n; i++) {
		if (!v->ids[i].known || !v->ids[i].shared)
			continue;
		for (k = 0; k < v->ids[i].n_addrs; k++)
			if (v->ids[i].addrs[k].port == a.port &&
				!strcmp(v->ids[i].addrs[k].host, a.host))
				return i;
	}
	return -1;
}

/* sort and de-duplicate (once after each dump), then name the holders
 * (the identities may have changed since) */
static void settle(regview *v)
{
	size_t i, out;

	if (!v->sorted && v->n_e > 0) {
		qsort(v->e, v->n_e, sizeof(*v->e), by_identity);
		for (i = 1, out = 0; i < v->n_e; i++) {
			if (!by_identity(&v->e[out], &v->e[i]))
				v->e[out].listed |= v->e[i].listed;
			else
				v->e[++out] = v->e[i];
		}
		v->n_e = out + 1;
	}
	v->sorted = 1;
	for (i = 0; i < v->n_e; i++)
		v->e[i].holder =
				v->e[i].group >= 0 ? v->e[i].group : holder_of(v, v->e[i].path);
}

double regview_held(regview *v, int i)
{
	size_t k, n = 0;

	if (i < 0 || i >= v->n || !v->dumps[i])
		return NAN;
	settle(v);
	for (k = 0; k < v->n_e; k++)
		n += v->e[k].holder == i;
	return (double)n;
}

double regview_listed(const regview *v, int i)
{
	if (i < 0 || i >= v->n || !v->dumps[i])
		return NAN;
	return (double)v->listed[i];
}

size_t regview_total(regview *v)
{
	settle(v);
	return v->n_e;
}

/* listing order: AoR, then holder (none last) */
static int by_item(const void *pa, const void *pb)
{
	const entry *a = *(entry *const *)pa, *b = *(entry *const *)pb;
	unsigned ha = (unsigned)a->holder, hb = (unsigned)b->holder;
	int c;

	if ((c = strcmp(a->aor, b->aor)))
		return c;
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* a copy of a Contact object with snake_case keys ("Call-ID" -> "call_id") */
static struct json_object *contact_json(struct json_object *c)
{
	struct json_object *o = json_object_new_object();
	char k[64];
	size_t i;

	json_object_object_foreach(c, key, val)
	{
		for (i = 0; key[i] && i < sizeof(k) - 1; i++)
			k[i] = key[i] == '-' ? '_' : (char)tolower((unsigned char)key[i]);
		k[i] = '\0';
		json_object_object_add(o, k, json_object_get(val));
	}
	return o;
}

static struct json_object *item_json(const regview *v, entry *const *run,
									 size_t len)
{
	struct json_object *it = json_object_new_object(), *cs, *by;
	uint32_t listed = 0;
	size_t k;
	int i;

	json_object_object_add(
			it, "node",
			run[0]->holder >= 0
					? json_object_new_string(v->names[run[0]->holder])
					: NULL);
	json_object_object_add(it, "aor", json_object_new_string(run[0]->aor));
	cs = json_object_new_array_ext((int)len);
	for (k = 0; k < len; k++) {
		json_object_array_add(cs, contact_json(run[k]->contact));
		listed |= run[k]->listed;
	}
	json_object_object_add(it, "contacts", cs);
	by = json_object_new_array();
	for (i = 0; i < v->n; i++)
		if (listed & (1u << i))
			json_object_array_add(by, json_object_new_string(v->names[i]));
	json_object_object_add(it, "listed_by", by);
	return it;
}

struct json_object *regview_items(regview *v, int only)
{
	struct json_object *items;
	entry **p;
	size_t i, n = 0, start;

	settle(v);
	p = malloc((v->n_e ? v->n_e : 1) * sizeof(*p));
	items = json_object_new_array();
	if (!p || !items) {
		free(p);
		json_object_put(items);
		return NULL;
	}
	for (i = 0; i < v->n_e; i++)
		if (only < 0 || v->e[i].holder == only)
			p[n++] = &v->e[i];
	qsort(p, n, sizeof(*p), by_item);
	for (start = 0, i = 1; i <= n; i++)
		if (i == n || strcmp(p[i]->aor, p[start]->aor) ||
			p[i]->holder != p[start]->holder) {
			json_object_array_add(items, item_json(v, p + start, i - start));
			start = i;
		}
	free(p);
	return items;
}

regview_cache *regview_cache_new(int n)
{
	regview_cache *c;

	if (n < 0)
		n = 0;
	c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->ids[0]));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	c->n = n;
	return c;
}

void regview_cache_free(regview_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void regview_cache_put(regview_cache *c, int i, const regview_ident *id)
{
	if (!c || i < 0 || i >= c->n)
		return;
	pthread_mutex_lock(&c->lock);
	c->ids[i] = *id;
	c->ids[i].known = 1;
	pthread_mutex_unlock(&c->lock);
}

void regview_cache_get(regview_cache *c, int i, regview_ident *id)
{
	memset(id, 0, sizeof(*id));
	if (!c || i < 0 || i >= c->n)
		return;
	pthread_mutex_lock(&c->lock);
	*id = c->ids[i];
	pthread_mutex_unlock(&c->lock);
}
