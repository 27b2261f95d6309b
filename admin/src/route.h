/*
 * route.h - the route table: {method, path pattern, handler, roles}.
 *
 * A pattern is a path whose segments are literal or "{name}"; a "{name}"
 * segment matches one non-empty path segment. The same patterns appear in
 * docs/api/openapi.yaml. Pure C.
 */
#ifndef IWG_ADMIND_ROUTE_H
#define IWG_ADMIND_ROUTE_H

#include <stddef.h>

#define ROUTE_MAX_PARAMS 4
#define ROUTE_PARAM_MAX	 256

typedef struct admind_req admind_req;

/* A handler answers through the reply functions and returns their result. */
typedef int (*route_handler)(admind_req *r);

typedef struct route_entry {
	const char *method;
	const char *pattern;
	route_handler handler;
	int roles; /* CONF_ROLE_* bits admitted; 0: public, no API key needed */
	int write; /* 1: changes state, audit-logged, needs Redis */
} route_entry;

typedef struct route_params {
	int n;
	char name[ROUTE_MAX_PARAMS][32];
	char value[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX];
} route_params;

/*
 * Match path against pattern. Returns 1 and fills p (may be NULL) on a
 * match, 0 otherwise (also when a parameter value is longer than
 * ROUTE_PARAM_MAX - 1 bytes or there are too many parameters).
 */
int route_match(const char *pattern, const char *path, route_params *p);

/*
 * Find the route for method and path in tab[0..n). Returns it and fills p,
 * or NULL; then *path_known (may be NULL) is 1 when some route has the path
 * with another method (answer 405), 0 when the path is unknown (404).
 */
const route_entry *route_find(const route_entry *tab, size_t n,
							  const char *method, const char *path,
							  route_params *p, int *path_known);

/* Value of parameter name in p, or NULL. */
const char *route_param(const route_params *p, const char *name);

/* The daemon's route table (routes.c) and its length. */
extern const route_entry routes_table[];
extern const size_t routes_count;

#endif
