/*
 * idstore_params.c - the identity-store settings checked into an
 * ids_conf_t (idstore_params.h).
 */
#include "idstore/idstore_params.h"

#include <stdio.h>
#include <string.h>

/* a string into buf[sz]; -1 with err when NULL or too long */
static int ids_params_copy(const char *name, const char *v, char *buf,
						   size_t sz, char *err, size_t errsz)
{
	size_t n;

	if (!v) {
		snprintf(err, errsz, "'%s' is not set", name);
		return -1;
	}
	n = strlen(v);
	if (n >= sz) {
		snprintf(err, errsz, "'%s' is longer than %zu characters", name,
				 sz - 1);
		return -1;
	}
	memcpy(buf, v, n + 1);
	return 0;
}

/* an int within min..max (max 0: no upper bound); -1 with err */
static int ids_params_range(const char *name, int v, int min, int max,
							char *err, size_t errsz)
{
	if (v >= min && (max <= 0 || v <= max))
		return 0;
	if (max > 0)
		snprintf(err, errsz, "'%s' must be %d..%d, not %d", name, min, max, v);
	else
		snprintf(err, errsz, "'%s' must be at least %d, not %d", name, min, v);
	return -1;
}

int ids_params_check(const ids_params_t *p, int max_timeout_ms, ids_conf_t *out,
					 char *err, size_t errsz)
{
	ids_conf_init(out);
	if (ids_params_copy("redis_addr", p->addr, out->addr, sizeof(out->addr),
						err, errsz) ||
		ids_params_copy("sentinels", p->sentinels, out->sentinels,
						sizeof(out->sentinels), err, errsz) ||
		ids_params_copy("sentinel_master", p->sentinel_master,
						out->sentinel_master, sizeof(out->sentinel_master), err,
						errsz) ||
		ids_params_copy("redis_password", p->password, out->password,
						sizeof(out->password), err, errsz) ||
		ids_params_range("redis_db", p->db, 0, 0, err, errsz) ||
		ids_params_range("connect_timeout", p->connect_timeout_ms, 1,
						 max_timeout_ms, err, errsz) ||
		ids_params_range("cmd_timeout", p->cmd_timeout_ms, 1, max_timeout_ms,
						 err, errsz))
		return -1;
	out->db = p->db;
	out->connect_timeout_ms = p->connect_timeout_ms;
	out->cmd_timeout_ms = p->cmd_timeout_ms;
	return 0;
}
