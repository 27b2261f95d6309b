/*
 * idstore_params.h - the identity-store settings as an operator writes
 * them (the parameters redis_addr, sentinels, sentinel_master,
 * redis_password, redis_db, connect_timeout and cmd_timeout of iwg_idmap
 * and iwg_verto): one struct with its defaults, one check that turns it
 * into the ids_conf_t of ids_connect() (idstore.h), and the Kamailio
 * parameter table entries that fill it.
 *
 * Pure C, no Kamailio header: IDS_PARAMS_EXPORTS only expands to
 * param_export_t entries in a module file that includes
 * Kamailio's sr_module.h.
 */
#ifndef IWG_IDSTORE_PARAMS_H
#define IWG_IDSTORE_PARAMS_H

#include <stddef.h>

#include "idstore/idstore.h"

#define IDS_DEFAULT_ADDR			"127.0.0.1:6379"
#define IDS_DEFAULT_SENTINEL_MASTER "mymaster"

/*
 * The values as given; strings are borrowed, NUL-terminated (string
 * literals by default, Kamailio's pkg copies of modparam values), never
 * freed through this struct.
 */
typedef struct ids_params {
	char *addr;				/* redis_addr: see ids_conf_t.addr */
	char *sentinels;		/* sentinels: "" none */
	char *sentinel_master;	/* sentinel_master */
	char *password;			/* redis_password: "" no AUTH */
	int db;					/* redis_db: >= 0 */
	int connect_timeout_ms; /* connect_timeout: >= 1 */
	int cmd_timeout_ms;		/* cmd_timeout: >= 1 */
} ids_params_t;

/* the defaults, as an initialiser of an ids_params_t */
/* clang-format off */
#define IDS_PARAMS_DEFAULT {                                        \
	.addr = IDS_DEFAULT_ADDR, .sentinels = "",                      \
	.sentinel_master = IDS_DEFAULT_SENTINEL_MASTER, .password = "", \
	.db = 0, .connect_timeout_ms = IDS_DEFAULT_TIMEOUT_MS,          \
	.cmd_timeout_ms = IDS_DEFAULT_TIMEOUT_MS }
/* clang-format on */

/*
 * Check p and fill *out (ids_conf_init's defaults, then p's values).
 * max_timeout_ms bounds connect_timeout and cmd_timeout (0: no upper
 * bound; each module documents its own). Returns 0, or -1 with err[errsz]
 * naming the parameter and the rule it breaks ("'redis_db' must be at
 * least 0, not -1"); *out is then unspecified. A NULL string is an error.
 */
int ids_params_check(const ids_params_t *p, int max_timeout_ms, ids_conf_t *out,
					 char *err, size_t errsz);

/* the param_export_t entries of the parameters above, filling the
 * ids_params_t lvalue p (Kamailio's PARAM_STRING and PARAM_INT) */
/* clang-format off */
#define IDS_PARAMS_EXPORTS(p)                                   \
	{"redis_addr", PARAM_STRING, &(p).addr},                    \
	{"sentinels", PARAM_STRING, &(p).sentinels},                \
	{"sentinel_master", PARAM_STRING, &(p).sentinel_master},    \
	{"redis_password", PARAM_STRING, &(p).password},            \
	{"redis_db", PARAM_INT, &(p).db},                           \
	{"connect_timeout", PARAM_INT, &(p).connect_timeout_ms},    \
	{"cmd_timeout", PARAM_INT, &(p).cmd_timeout_ms}
/* clang-format on */

#endif
