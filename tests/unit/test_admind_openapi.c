/*
 * test_admind_openapi.c - every route iwg-admind serves is documented in
 * docs/api/openapi.yaml, and every documented operation is served, with
 * the same security: public routes have "security: []", the others not.
 *
 * The YAML is read line by line: path keys at two spaces of indentation
 * under "paths:", operation keys (get, post, ...) at four, and a
 * "security: []" line at six inside an operation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "../../admin/src/conf.h"
#include "../../admin/src/route.h"

#define MAX_OPS 128

typedef struct doc_op {
	char method[8];
	char path[128];
	int public;
} doc_op;

static doc_op ops[MAX_OPS];
static int n_ops;

static int indent_of(const char *l)
{
	int n = 0;

	while (l[n] == ' ')
		n++;
	return n;
}

static int load_openapi(void **state)
{
	const char *top = getenv("IWG_TOP");
	char path[512], line[512], cur[128] = "";
	int in_paths = 0, ind;
	size_t i, len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/api/openapi.yaml", top ? top : ".");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr,
				"cannot open %s (run from the repository top or set "
				"IWG_TOP)\n",
				path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (!line[0] || line[indent_of(line)] == '#')
			continue;
		ind = indent_of(line);
		if (ind == 0) {
			in_paths = !strcmp(line, "paths:");
			continue;
		}
		if (!in_paths)
			continue;
		if (ind == 2 && line[2] == '/' && line[len - 1] == ':') {
			snprintf(cur, sizeof(cur), "%.*s", (int)(len - 3), line + 2);
		} else if (ind == 4 && cur[0] && n_ops < MAX_OPS) {
			static const char *const m[] = {
					"get:", "post:", "put:", "patch:", "delete:"};
			for (i = 0; i < 5; i++)
				if (!strcmp(line + 4, m[i])) {
					snprintf(ops[n_ops].method, sizeof(ops[n_ops].method),
							 "%.*s", (int)strlen(m[i]) - 1, m[i]);
					for (char *p = ops[n_ops].method; *p; p++)
						*p = (char)(*p - 'a' + 'A');
					snprintf(ops[n_ops].path, sizeof(ops[n_ops].path), "%s",
							 cur);
					n_ops++;
				}
		} else if (ind == 6 && n_ops && !strcmp(line + 6, "security: []")) {
			ops[n_ops - 1].public = 1;
		}
	}
	fclose(f);
	return n_ops > 0 ? 0 : -1;
}

static void served_routes_are_documented(void **state)
{
	size_t i;
	int k, found;

	(void)state;
	for (i = 0; i < routes_count; i++) {
		found = 0;
		for (k = 0; k < n_ops; k++)
			if (!strcmp(ops[k].method, routes_table[i].method) &&
				!strcmp(ops[k].path, routes_table[i].pattern)) {
				found = 1;
				if (ops[k].public != (routes_table[i].roles == 0))
					fail_msg("%s %s: 'security: []' in openapi.yaml must "
							 "match whether the route needs an API key",
							 routes_table[i].method, routes_table[i].pattern);
			}
		if (!found)
			fail_msg("served but not in docs/api/openapi.yaml: %s %s",
					 routes_table[i].method, routes_table[i].pattern);
	}
}

static void documented_routes_are_served(void **state)
{
	size_t i;
	int k, found;

	(void)state;
	for (k = 0; k < n_ops; k++) {
		found = 0;
		for (i = 0; i < routes_count; i++)
			if (!strcmp(ops[k].method, routes_table[i].method) &&
				!strcmp(ops[k].path, routes_table[i].pattern))
				found = 1;
		if (!found)
			fail_msg("in docs/api/openapi.yaml but not served: %s %s",
					 ops[k].method, ops[k].path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(served_routes_are_documented),
			cmocka_unit_test(documented_routes_are_served),
	};
	return cmocka_run_group_tests(tests, load_openapi, NULL);
}
