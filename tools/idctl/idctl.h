/*
 * idctl.h - iwg-idctl, the identity admin CLI: shared state of the
 * commands (idctl_cmds.c) and the entry point (idctl.c).
 */
#ifndef IWG_IDCTL_H
#define IWG_IDCTL_H

#include "idstore/idstore.h"
#include "idstore/idstore_import.h"

/* exit statuses */
enum {
	IDCTL_OK = 0,
	IDCTL_EUSAGE = 1,	 /* bad command line or invalid input file */
	IDCTL_ENOTFOUND = 2, /* no such mapping */
	IDCTL_EREFUSED = 3,	 /* exists, conflict */
	IDCTL_EREDIS = 4,	 /* Redis unreachable or failing */
	IDCTL_ENOTREPL = 5,	 /* written, too few replicas acknowledged it */
	/* a stored mapping (or its URI or DID entry) fails validation:
	 * written by something else; set replaces it, del removes it */
	IDCTL_ESTORED = 6,
};

typedef struct idctl {
	ids_conf_t conf;
	ids_format_t format;
	int mode;				/* IDS_PUT_* for import */
	const char *default_ns; /* --namespace */
	ids_ctx_t *ctx;			/* connected on first use */
} idctl_t;

/* the connection, made on first use; NULL after printing why */
ids_ctx_t *idctl_conn(idctl_t *c);

/* map an IDS_ERR_* to an exit status, printing ctx->errstr */
int idctl_fail(idctl_t *c, const char *what);

/* commands: argv[0] is the command name; return an exit status */
int idctl_cmd_put(idctl_t *c, int argc, char **argv);
int idctl_cmd_get(idctl_t *c, int argc, char **argv);
int idctl_cmd_del(idctl_t *c, int argc, char **argv);
int idctl_cmd_enable(idctl_t *c, int argc, char **argv);
int idctl_cmd_list(idctl_t *c, int argc, char **argv);
int idctl_cmd_import(idctl_t *c, int argc, char **argv);
int idctl_cmd_validate(idctl_t *c, int argc, char **argv);
int idctl_cmd_export(idctl_t *c, int argc, char **argv);
int idctl_cmd_flush(idctl_t *c, int argc, char **argv);
/* rename keys written before the Cluster hash tags (ids_upgrade_step) */
int idctl_cmd_migrate(idctl_t *c, int argc, char **argv);

#endif
