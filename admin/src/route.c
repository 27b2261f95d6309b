/*
 * route.c - path pattern matching.
 */
#include <string.h>

#include "route.h"

int route_match(const char *pattern, const char *path, route_params *p)
{
	route_params tmp;
	const char *ps, *pe, *xs, *xe;
	size_t n;

	if (!p)
		p = &tmp;
	p->n = 0;
	if (*pattern != '/' || *path != '/')
		return 0;
	ps = pattern + 1;
	xs = path + 1;
	for (;;) {
		pe = strchr(ps, '/');
		if (!pe)
			pe = ps + strlen(ps);
		xe = strchr(xs, '/');
		if (!xe)
			xe = xs + strlen(xs);
		n = (size_t)(pe - ps);
		if (n >= 2 && ps[0] == '{' && pe[-1] == '}') {
			if (xe == xs || p->n >= ROUTE_MAX_PARAMS ||
				(size_t)(xe - xs) >= ROUTE_PARAM_MAX ||
				n - 2 >= sizeof(p->name[0]))
				return 0;
			memcpy(p->name[p->n], ps + 1, n - 2);
			p->name[p->n][n - 2] = '\0';
			memcpy(p->value[p->n], xs, (size_t)(xe - xs));
			p->value[p->n][xe - xs] = '\0';
			p->n++;
		} else if (n != (size_t)(xe - xs) || memcmp(ps, xs, n)) {
			return 0;
		}
		if (!*pe || !*xe)
			return !*pe && !*xe;
		ps = pe + 1;
		xs = xe + 1;
	}
}

const route_entry *route_find(const route_entry *tab, size_t n,
							  const char *method, const char *path,
							  route_params *p, int *path_known)
{
	size_t i;
	int known = 0;

	for (i = 0; i < n; i++) {
		if (!route_match(tab[i].pattern, path, p))
			continue;
		if (!strcmp(tab[i].method, method) ||
			(!strcmp(method, "HEAD") && !strcmp(tab[i].method, "GET"))) {
			if (path_known)
				*path_known = 1;
			return &tab[i];
		}
		known = 1;
	}
	if (path_known)
		*path_known = known;
	return NULL;
}

const char *route_param(const route_params *p, const char *name)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->name[i], name))
			return p->value[i];
	return NULL;
}
