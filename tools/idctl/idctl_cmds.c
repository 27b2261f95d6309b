/*
 * idctl_cmds.c - the commands of iwg-idctl.
 */
#include "idctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDCTL_MAX_FILE (256L * 1024 * 1024)
#define IDCTL_MAX_ERRS 50

static int idctl_args(int argc, int min, int max, const char *form)
{
	if (argc - 1 < min || (max >= 0 && argc - 1 > max)) {
		fprintf(stderr, "iwg-idctl: usage: %s\n", form);
		return -1;
	}
	return 0;
}

static int idctl_set(ids_record_t *r, ids_field_t f, const char *v)
{
	ids_error_t e;
	if (ids_record_set(r, f, v, strlen(v), &e) == 0)
		return 0;
	fprintf(stderr, "iwg-idctl: %s: %s\n", e.field, e.msg);
	return -1;
}

int idctl_cmd_put(idctl_t *c, int argc, char **argv)
{
	ids_record_t r;
	ids_error_t e;
	int i, f,
			mode = strcmp(argv[0], "add") == 0 ? IDS_PUT_CREATE
											   : IDS_PUT_UPSERT;
	if (idctl_args(argc, 3, -1, "add|set NS KEY SIP_URI [FIELD=VALUE...]"))
		return IDCTL_EUSAGE;
	ids_record_init(&r);
	if (idctl_set(&r, IDS_F_NS, argv[1]) || idctl_set(&r, IDS_F_KEY, argv[2]) ||
		idctl_set(&r, IDS_F_SIP_URI, argv[3]))
		return IDCTL_EUSAGE;
	for (i = 4; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		f = eq ? ids_field_by_name(argv[i], (size_t)(eq - argv[i])) : -1;
		if (f <= IDS_F_SIP_URI) {
			fprintf(stderr,
					"iwg-idctl: '%s' is not FIELD=VALUE with a field of:",
					argv[i]);
			for (f = IDS_F_SIP_URI + 1; f < IDS_F_COUNT; f++)
				fprintf(stderr, " %s", ids_field_name(f));
			fputc('\n', stderr);
			return IDCTL_EUSAGE;
		}
		if (idctl_set(&r, f, eq + 1))
			return IDCTL_EUSAGE;
	}
	if (ids_record_validate(&r, &e) < 0) {
		fprintf(stderr, "iwg-idctl: %s: %s\n", e.field, e.msg);
		return IDCTL_EUSAGE;
	}
	if (ids_put(idctl_conn(c), &r, mode, NULL) != IDS_OK)
		return idctl_fail(c, argv[0]);
	return IDCTL_OK;
}

int idctl_cmd_get(idctl_t *c, int argc, char **argv)
{
	ids_record_t r;
	ids_error_t e;
	int rev = strcmp(argv[0], "reverse") == 0, rc;
	int did = strcmp(argv[0], "reverse-did") == 0;
	if (did) {
		if (idctl_args(argc, 1, 1, "reverse-did DID"))
			return IDCTL_EUSAGE;
		/* the syntax here, so a typo is a usage error, not a lookup */
		ids_record_init(&r);
		if (!*argv[1] ||
			ids_record_set(&r, IDS_F_DID, argv[1], strlen(argv[1]), &e) < 0) {
			fprintf(stderr, "iwg-idctl: did: %s\n",
					*argv[1] ? e.msg : "is required");
			return IDCTL_EUSAGE;
		}
		rc = ids_reverse_did(idctl_conn(c), argv[1], &r);
	} else {
		if (idctl_args(argc, 2, 2, rev ? "reverse NS SIP_URI" : "get NS KEY"))
			return IDCTL_EUSAGE;
		rc = rev ? ids_reverse(idctl_conn(c), argv[1], argv[2], &r)
				 : ids_get(idctl_conn(c), argv[1], argv[2], &r);
	}
	if (rc != IDS_OK)
		return idctl_fail(c, argv[0]);
	ids_export_jsonl(stdout, &r);
	return IDCTL_OK;
}

int idctl_cmd_del(idctl_t *c, int argc, char **argv)
{
	if (idctl_args(argc, 2, 2, "del NS KEY"))
		return IDCTL_EUSAGE;
	if (ids_del(idctl_conn(c), argv[1], argv[2]) != IDS_OK)
		return idctl_fail(c, "del");
	return IDCTL_OK;
}

int idctl_cmd_enable(idctl_t *c, int argc, char **argv)
{
	int en = strcmp(argv[0], "enable") == 0;
	if (idctl_args(argc, 2, 2, en ? "enable NS KEY" : "disable NS KEY"))
		return IDCTL_EUSAGE;
	if (ids_set_enabled(idctl_conn(c), argv[1], argv[2], en) != IDS_OK)
		return idctl_fail(c, argv[0]);
	return IDCTL_OK;
}

/* the keys found by a full scan, sorted and without duplicates */
typedef struct idctl_keys {
	char **v;
	size_t n, cap;
	size_t unaddressable; /* names that name no mapping (ids_list) */
} idctl_keys_t;

static int idctl_keys_add(const char *ns, const char *key, void *arg)
{
	idctl_keys_t *k = arg;
	size_t l = strlen(ns) + strlen(key) + 2;
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 256;
		char **nv = realloc(k->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		k->v = nv;
		k->cap = cap;
	}
	if (!(k->v[k->n] = malloc(l)))
		return -1;
	snprintf(k->v[k->n++], l, "%s\t%s", ns, key);
	return 0;
}

static int idctl_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void idctl_keys_free(idctl_keys_t *k)
{
	size_t i;
	for (i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
}

/* the mappings named by a scan into k, sorted, each once; the names that
 * name none (ids_list: unaddressable) counted in k->unaddressable */
static int idctl_scan(idctl_t *c, int argc, char **argv, idctl_keys_t *k)
{
	uint64_t cur = 0;
	size_t i, j;
	memset(k, 0, sizeof(*k));
	do {
		if (ids_list(idctl_conn(c), argc > 1 ? argv[1] : NULL,
					 argc > 2 ? argv[2] : NULL, &cur, 1000, idctl_keys_add, k,
					 &k->unaddressable) != IDS_OK)
			return idctl_fail(c, "scan");
	} while (cur != 0);
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), idctl_strcmp);
	for (i = j = 0; i < k->n; i++) {
		if (j && strcmp(k->v[j - 1], k->v[i]) == 0)
			free(k->v[i]);
		else
			k->v[j++] = k->v[i];
	}
	k->n = j;
	return IDCTL_OK;
}

int idctl_cmd_list(idctl_t *c, int argc, char **argv)
{
	idctl_keys_t k;
	size_t i;
	int rc;
	if (idctl_args(argc, 0, 2, "list [NS [PATTERN]]"))
		return IDCTL_EUSAGE;
	if ((rc = idctl_scan(c, argc, argv, &k)) == IDCTL_OK)
		for (i = 0; i < k.n; i++)
			printf("%s\n", k.v[i]);
	idctl_keys_free(&k);
	return rc;
}

int idctl_cmd_export(idctl_t *c, int argc, char **argv)
{
	idctl_keys_t k;
	ids_record_t r;
	size_t i, bad = 0;
	int rc;
	if (idctl_args(argc, 0, 2, "export [NS [PATTERN]]"))
		return IDCTL_EUSAGE;
	if ((rc = idctl_scan(c, argc, argv, &k)) != IDCTL_OK)
		goto out;
	if (c->format != IDS_FMT_JSONL)
		ids_export_csv_header(stdout);
	for (i = 0; i < k.n; i++) {
		char *tab = strchr(k.v[i], '\t');
		*tab = '\0';
		rc = ids_get(c->ctx, k.v[i], tab + 1, &r);
		if (rc == IDS_ERR_NOTFOUND) /* deleted meanwhile */
			continue;
		/* one bad mapping does not stop the others: named, left out */
		if (rc == IDS_ERR_CORRUPT) {
			fprintf(stderr, "iwg-idctl: export: %s (left out)\n",
					c->ctx->errstr);
			bad++;
			continue;
		}
		if (rc != IDS_OK) {
			rc = idctl_fail(c, "export");
			goto out;
		}
		(c->format == IDS_FMT_JSONL ? ids_export_jsonl : ids_export_csv)(stdout,
																		 &r);
	}
	if (fflush(stdout) != 0) {
		rc = IDCTL_EUSAGE;
		goto out;
	}
	rc = IDCTL_OK;
	if (k.unaddressable) {
		fprintf(stderr,
				"iwg-idctl: export: %zu stored key name(s) hold a NUL byte or "
				"a namespace that is not one and were left out: no command "
				"can name them; find them with redis-cli --scan --pattern "
				"'iwg:idm:map:*' and remove them with redis-cli DEL\n",
				k.unaddressable);
		rc = IDCTL_ESTORED;
	}
	if (bad) {
		fprintf(stderr,
				"iwg-idctl: export: %zu stored mapping(s) failed validation "
				"and were left out: replace them (set) or remove them (del)\n",
				bad);
		rc = IDCTL_ESTORED;
	}
out:
	idctl_keys_free(&k);
	return rc;
}

/* read a whole file ("-" = stdin) into a malloc'd buffer */
static char *idctl_slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n;
	*len = 0;
	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (*len + 65536 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			if (cap > (size_t)IDCTL_MAX_FILE + 65536 ||
				!(nb = realloc(buf, cap))) {
				fprintf(stderr, "iwg-idctl: %s: too large\n", path);
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0) {
			if (ferror(f)) {
				perror(path);
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

static void idctl_print_errs(const char *path, const ids_error_t *e, size_t n,
							 size_t total, const long *lines)
{
	size_t i;
	for (i = 0; i < n; i++) {
		long line = lines && e[i].line > 0 ? lines[e[i].line - 1] : e[i].line;
		fprintf(stderr, "%s:%ld: %s%s%s\n", path, line, e[i].field,
				e[i].field[0] ? ": " : "", e[i].msg);
	}
	if (total > n)
		fprintf(stderr, "%s: ... and %zu more error(s)\n", path, total - n);
}

/* parse and check a file; IDCTL_OK with b filled, or an exit status */
static int idctl_load(idctl_t *c, const char *path, ids_batch_t *b)
{
	size_t len;
	char *data;
	memset(b, 0, sizeof(*b));
	if (!(data = idctl_slurp(path, &len)))
		return IDCTL_EUSAGE;
	if (ids_batch_init(b, IDCTL_MAX_ERRS) < 0) {
		free(data);
		return IDCTL_EUSAGE;
	}
	ids_parse_buffer(data, len, c->format, c->default_ns, b);
	free(data);
	if (b->errs_total) {
		idctl_print_errs(path, b->errs, b->nerrs, b->errs_total, NULL);
		fprintf(stderr, "%s: %zu error(s), nothing written\n", path,
				b->errs_total);
		return IDCTL_EUSAGE;
	}
	return IDCTL_OK;
}

int idctl_cmd_validate(idctl_t *c, int argc, char **argv)
{
	ids_batch_t b;
	int rc;
	if (idctl_args(argc, 1, 1, "validate FILE"))
		return IDCTL_EUSAGE;
	if ((rc = idctl_load(c, argv[1], &b)) == IDCTL_OK)
		printf("%s: %zu mapping(s), no errors\n", argv[1], b.n);
	ids_batch_free(&b);
	return rc;
}

int idctl_cmd_import(idctl_t *c, int argc, char **argv)
{
	ids_batch_t b;
	ids_error_t errs[IDCTL_MAX_ERRS];
	size_t nerrs = 0;
	int rc;
	if (idctl_args(argc, 1, 1, "import FILE"))
		return IDCTL_EUSAGE;
	if ((rc = idctl_load(c, argv[1], &b)) != IDCTL_OK)
		goto out;
	if (ids_import(idctl_conn(c), b.recs, b.n, c->mode, errs, IDCTL_MAX_ERRS,
				   &nerrs) != IDS_OK) {
		idctl_print_errs(argv[1], errs, nerrs, nerrs, b.lines);
		rc = idctl_fail(c, "import");
		goto out;
	}
	printf("%s: %zu mapping(s) imported\n", argv[1], b.n);
out:
	ids_batch_free(&b);
	return rc;
}

int idctl_cmd_flush(idctl_t *c, int argc, char **argv)
{
	if (idctl_args(argc, 0, 0, "flush-caches"))
		return IDCTL_EUSAGE;
	if (ids_publish_flush(idctl_conn(c)) != IDS_OK)
		return idctl_fail(c, argv[0]);
	return IDCTL_OK;
}

/* ids_upgrade_cb of migrate: one line per old key left */
static void idctl_migrate_conflict(const char *old_key, const char *new_key,
								   const char *why, void *arg)
{
	(void)arg;
	fprintf(stderr,
			"iwg-idctl: migrate: %s left in place (not moved to %s): %s\n",
			old_key, new_key, why);
}

int idctl_cmd_migrate(idctl_t *c, int argc, char **argv)
{
	ids_ctx_t *x;
	uint64_t cur = 0;
	ids_upgrade_stats_t st = {0, 0, 0};
	if (idctl_args(argc, 0, 0, "migrate") || !(x = idctl_conn(c)))
		return argc == 1 ? IDCTL_EREDIS : IDCTL_EUSAGE;
	do {
		if (ids_upgrade_step(x, &cur, 1000, &st, idctl_migrate_conflict,
							 NULL) != IDS_OK) {
			fprintf(stderr,
					"iwg-idctl: migrate stopped after %zu key(s) renamed; "
					"run it again to resume\n",
					st.moved);
			return idctl_fail(c, argv[0]);
		}
	} while (cur != 0);
	printf("%zu key(s) renamed, %zu old key(s) dropped (their new name "
		   "existed), %zu old URI entr%s left in conflict\n",
		   st.moved, st.kept, st.conflicts, st.conflicts == 1 ? "y" : "ies");
	return st.conflicts ? IDCTL_EREFUSED : IDCTL_OK;
}
