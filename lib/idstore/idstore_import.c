/*
 * idstore_import.c - CSV and JSON-lines import parsing, duplicate checks,
 * export writers.
 */
#include "idstore/idstore_import.h"
#include "idstore/idstore_schema.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define IDS_CSV_MAXCOLS	 32
#define IDS_CSV_MAXFIELD 4096 /* longer than any valid field */

int ids_batch_init(ids_batch_t *b, size_t maxerrs)
{
	memset(b, 0, sizeof(*b));
	b->maxerrs = maxerrs ? maxerrs : 1;
	b->errs = calloc(b->maxerrs, sizeof(*b->errs));
	return b->errs ? 0 : -1;
}

void ids_batch_free(ids_batch_t *b)
{
	free(b->recs);
	free(b->lines);
	free(b->errs);
	memset(b, 0, sizeof(*b));
}

__attribute__((format(printf, 4, 5))) static void
ids_adderr(ids_batch_t *b, long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	ids_error_t *e;
	b->errs_total++;
	if (b->nerrs >= b->maxerrs)
		return;
	e = &b->errs[b->nerrs++];
	e->line = line;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static void ids_adderr_rec(ids_batch_t *b, long line, const ids_error_t *e)
{
	ids_adderr(b, line, e->field, "%s", e->msg);
}

static int ids_batch_push(ids_batch_t *b, const ids_record_t *r, long line)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		ids_record_t *nr = realloc(b->recs, cap * sizeof(*nr));
		long *nl;
		if (!nr)
			return -1;
		b->recs = nr;
		if (!(nl = realloc(b->lines, cap * sizeof(*nl))))
			return -1;
		b->lines = nl;
		b->cap = cap;
	}
	b->recs[b->n] = *r;
	b->lines[b->n++] = line;
	return 0;
}

/* finish a record: default namespace, validation, then keep it */
static int ids_finish(ids_batch_t *b, ids_record_t *r, long line,
					  const char *default_ns)
{
	ids_error_t e;
	if (!r->ns[0] && default_ns &&
		ids_record_set(r, IDS_F_NS, default_ns, strlen(default_ns), &e) < 0) {
		ids_adderr(b, line, "ns", "default namespace %s", e.msg);
		return 0;
	}
	if (ids_record_validate(r, &e) < 0) {
		ids_adderr_rec(b, line, &e);
		return 0;
	}
	if (ids_batch_push(b, r, line) < 0) {
		ids_adderr(b, 0, NULL, "out of memory");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- CSV */

typedef struct ids_csv {
	const char *p, *end;
	long line;
	char buf[IDS_CSV_MAXCOLS * (IDS_CSV_MAXFIELD + 1)];
	size_t len;
	size_t off[IDS_CSV_MAXCOLS], flen[IDS_CSV_MAXCOLS];
	int nf;
} ids_csv_t;

static void ids_csv_skip_line(ids_csv_t *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
}

/* one field at c->p into the buffer; NULL or an error text */
static const char *ids_csv_field(ids_csv_t *c)
{
	size_t start = c->len;
	if (c->nf == IDS_CSV_MAXCOLS)
		return "too many columns";
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		for (;;) {
			char ch;
			if (c->p >= c->end)
				return "quoted field not closed";
			ch = *c->p++;
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"')
					c->p++;
				else
					break;
			} else if (ch == '\n') {
				c->line++;
			}
			if (c->len - start >= IDS_CSV_MAXFIELD)
				return "field too long";
			c->buf[c->len++] = ch;
		}
		if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
			return "text after a closing quote";
	} else {
		while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			   !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
			if (*c->p == '"')
				return "quote inside an unquoted field";
			if (c->len - start >= IDS_CSV_MAXFIELD)
				return "field too long";
			c->buf[c->len++] = *c->p++;
		}
	}
	c->off[c->nf] = start;
	c->flen[c->nf++] = c->len - start;
	c->buf[c->len++] = '\0';
	return NULL;
}

/* one record: 1 read, 0 end of input, -1 error (why set, line skipped) */
static int ids_csv_record(ids_csv_t *c, long *first_line, const char **why)
{
	for (;;) {
		if (c->p >= c->end)
			return 0;
		/* skip blank and comment lines */
		if (*c->p == '\n' || *c->p == '#' ||
			(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
			ids_csv_skip_line(c);
			continue;
		}
		break;
	}
	*first_line = c->line;
	c->nf = 0;
	c->len = 0;
	for (;;) {
		if ((*why = ids_csv_field(c))) {
			ids_csv_skip_line(c);
			return -1;
		}
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
		}
		return 1;
	}
}

static int ids_parse_csv(const char *data, size_t len, const char *default_ns,
						 ids_batch_t *b)
{
	ids_csv_t *c = malloc(sizeof(*c));
	int cols[IDS_CSV_MAXCOLS], seen[IDS_F_COUNT] = {0}, i, rc, ret = 0;
	const char *why;
	long line;
	ids_record_t r;
	ids_error_t e;

	if (!c) {
		ids_adderr(b, 0, NULL, "out of memory");
		return -1;
	}
	c->p = data;
	c->end = data + len;
	c->line = 1;
	rc = ids_csv_record(c, &line, &why);
	if (rc <= 0) {
		ids_adderr(b, rc < 0 ? line : 1, NULL, "header row: %s",
				   rc < 0 ? why : "missing (empty input)");
		goto out;
	}
	for (i = 0; i < c->nf; i++) {
		cols[i] = ids_field_by_name(c->buf + c->off[i], c->flen[i]);
		if (cols[i] < 0) {
			ids_adderr(b, line, NULL, "header row: unknown column '%.40s'",
					   c->buf + c->off[i]);
			goto out;
		}
		if (seen[cols[i]]++) {
			ids_adderr(b, line, c->buf + c->off[i],
					   "header row: column given twice");
			goto out;
		}
	}
	if (!seen[IDS_F_KEY] || !seen[IDS_F_SIP_URI] ||
		(!seen[IDS_F_NS] && !default_ns)) {
		ids_adderr(b, line, NULL,
				   "header row: columns key, sip_uri and ns (or a default "
				   "namespace) are required");
		goto out;
	}
	while ((rc = ids_csv_record(c, &line, &why)) != 0) {
		if (rc < 0) {
			ids_adderr(b, line, NULL, "%s", why);
			continue;
		}
		if (c->nf != i) {
			ids_adderr(b, line, NULL, "%d columns, the header has %d", c->nf,
					   i);
			continue;
		}
		ids_record_init(&r);
		for (rc = 0; rc < c->nf; rc++) {
			if (ids_record_set(&r, cols[rc], c->buf + c->off[rc], c->flen[rc],
							   &e) < 0)
				break;
		}
		if (rc < c->nf)
			ids_adderr_rec(b, line, &e);
		else if (ids_finish(b, &r, line, default_ns) < 0)
			break;
	}
out:
	ret = b->errs_total ? -1 : 0;
	free(c);
	return ret;
}

/* ---------------------------------------------------------- JSON lines */

/* set field f of r from a JSON value; -1 with e set */
static int ids_json_member(ids_record_t *r, int f, struct json_object *v,
						   ids_error_t *e)
{
	char num[32];
	const char *s;
	size_t len;
	switch (v ? json_object_get_type(v) : json_type_null) {
	case json_type_null:
		/* null: empty; enabled keeps its default */
		return f == IDS_F_ENABLED ? 0 : ids_record_set(r, f, "", 0, e);
	case json_type_string:
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		break;
	case json_type_boolean:
		if (f != IDS_F_ENABLED)
			goto bad;
		s = json_object_get_boolean(v) ? "1" : "0";
		len = 1;
		break;
	case json_type_int:
		if (f != IDS_F_ENABLED && f != IDS_F_NOT_AFTER && f != IDS_F_PRIORITY)
			goto bad;
		len = (size_t)snprintf(num, sizeof(num), "%lld",
							   (long long)json_object_get_int64(v));
		s = num;
		break;
	default:
		goto bad;
	}
	return ids_record_set(r, f, s, len, e);
bad:
	snprintf(e->field, sizeof(e->field), "%s", ids_field_name(f));
	snprintf(e->msg, sizeof(e->msg), "has the wrong JSON type");
	return -1;
}

static void ids_json_line(const char *s, size_t len, long line,
						  struct json_tokener *tok, const char *default_ns,
						  ids_batch_t *b)
{
	struct json_object *o;
	ids_record_t r;
	ids_error_t e;
	size_t used;

	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		ids_adderr(b, line, NULL, "not valid JSON: %s",
				   o ? "incomplete"
					 : json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(o);
		return;
	}
	used = json_tokener_get_parse_end(tok);
	while (used < len && (s[used] == ' ' || s[used] == '\t'))
		used++;
	if (used != len || !json_object_is_type(o, json_type_object)) {
		ids_adderr(b, line, NULL,
				   used != len ? "text after the JSON object"
							   : "each line must be one JSON object");
		json_object_put(o);
		return;
	}
	ids_record_init(&r);
	{
		json_object_object_foreach(o, k, v)
		{
			int f = ids_field_by_name(k, strlen(k));
			if (f < 0) {
				ids_adderr(b, line, NULL, "unknown member '%.40s'", k);
				goto out;
			}
			if (ids_json_member(&r, f, v, &e) < 0) {
				ids_adderr_rec(b, line, &e);
				goto out;
			}
		}
	}
	ids_finish(b, &r, line, default_ns);
out:
	json_object_put(o);
}

static int ids_parse_jsonl(const char *data, size_t len, const char *default_ns,
						   ids_batch_t *b)
{
	struct json_tokener *tok = json_tokener_new_ex(3);
	const char *p = data, *end = data + len, *nl;
	long line = 1;
	size_t l;

	if (!tok) {
		ids_adderr(b, 0, NULL, "out of memory");
		return -1;
	}
	for (; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		l = (size_t)(nl - p);
		if (l && p[l - 1] == '\r')
			l--;
		while (l && (*p == ' ' || *p == '\t')) {
			p++;
			l--;
		}
		if (l == 0 || *p == '#')
			continue;
		ids_json_line(p, l, line, tok, default_ns, b);
	}
	json_tokener_free(tok);
	return b->errs_total ? -1 : 0;
}

/* ------------------------------------------------------------ shared */

int ids_parse_buffer(const char *data, size_t len, ids_format_t fmt,
					 const char *default_ns, ids_batch_t *b)
{
	size_t i;
	if (fmt == IDS_FMT_AUTO) {
		for (i = 0; i < len && (data[i] == ' ' || data[i] == '\t' ||
								data[i] == '\r' || data[i] == '\n');
			 i++)
			;
		fmt = (i < len && data[i] == '{') ? IDS_FMT_JSONL : IDS_FMT_CSV;
	}
	if (fmt == IDS_FMT_JSONL)
		ids_parse_jsonl(data, len, default_ns, b);
	else
		ids_parse_csv(data, len, default_ns, b);
	if (ids_check_dups(b->recs, b->lines, b->n, b->errs, b->maxerrs, &b->nerrs,
					   &b->errs_total) < 0)
		ids_adderr(b, 0, NULL, "out of memory");
	return b->errs_total ? -1 : 0;
}

typedef struct ids_dupkey {
	const char *ns, *val;
	long line;
} ids_dupkey_t;

static int ids_dup_cmp(const void *a, const void *b)
{
	const ids_dupkey_t *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);
	if (!c)
		c = strcmp(x->val, y->val);
	if (!c)
		c = (x->line > y->line) - (x->line < y->line);
	return c;
}

/* sort keys[0..n) and report neighbours that are equal */
static long ids_dup_scan(ids_dupkey_t *k, size_t n, const char *what,
						 ids_error_t *errs, size_t maxerrs, size_t *nerrs,
						 size_t *total)
{
	size_t i;
	long found = 0;
	qsort(k, n, sizeof(*k), ids_dup_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(k[i].ns, k[i - 1].ns) || strcmp(k[i].val, k[i - 1].val))
			continue;
		found++;
		(*total)++;
		if (*nerrs < maxerrs) {
			ids_error_t *e = &errs[(*nerrs)++];
			e->line = k[i].line;
			snprintf(e->field, sizeof(e->field), "%s", what);
			snprintf(e->msg, sizeof(e->msg), "duplicate of line %ld (%.60s)",
					 k[i - 1].line, k[i].val);
		}
	}
	return found;
}

static int ids_err_line_cmp(const void *a, const void *b)
{
	const ids_error_t *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

long ids_check_dups(const ids_record_t *recs, const long *lines, size_t n,
					ids_error_t *errs, size_t maxerrs, size_t *nerrs,
					size_t *total)
{
	ids_dupkey_t *k;
	char *norm;
	size_t i, m;
	long found;

	if (n < 2)
		return 0;
	k = calloc(n, sizeof(*k));
	norm = malloc(n * (IDS_URI_MAX + 1));
	if (!k || !norm) {
		free(k);
		free(norm);
		return -1;
	}
	for (i = 0; i < n; i++) {
		k[i].ns = recs[i].ns;
		k[i].val = recs[i].key;
		k[i].line = lines ? lines[i] : (long)i + 1;
	}
	found = ids_dup_scan(k, n, "key", errs, maxerrs, nerrs, total);
	for (i = 0; i < n; i++) {
		char *nb = norm + i * (IDS_URI_MAX + 1);
		if (ids_uri_norm(recs[i].sip_uri, strlen(recs[i].sip_uri), nb,
						 IDS_URI_MAX + 1) < 0)
			nb[0] = '\0';
		k[i].ns = recs[i].ns;
		k[i].val = nb;
		k[i].line = lines ? lines[i] : (long)i + 1;
	}
	found += ids_dup_scan(k, n, "sip_uri", errs, maxerrs, nerrs, total);
	/* a DID belongs to one mapping in any namespace */
	for (i = m = 0; i < n; i++) {
		if (!recs[i].did[0])
			continue;
		k[m].ns = "";
		k[m].val = recs[i].did;
		k[m++].line = lines ? lines[i] : (long)i + 1;
	}
	found += ids_dup_scan(k, m, "did", errs, maxerrs, nerrs, total);
	free(k);
	free(norm);
	if (found)
		qsort(errs, *nerrs, sizeof(*errs), ids_err_line_cmp);
	return found;
}

/* ------------------------------------------------------------ export */

static void ids_csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' &&
		!(s[0] && s[strlen(s) - 1] == ' ') && s[0] != '#') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void ids_export_csv_header(FILE *f)
{
	int i;
	for (i = 0; i < IDS_F_COUNT; i++)
		fprintf(f, "%s%s", i ? "," : "", ids_field_name(i));
	fputc('\n', f);
}

void ids_export_csv(FILE *f, const ids_record_t *r)
{
	char v[IDS_FIELD_MAXLEN + 1];
	int i;
	for (i = 0; i < IDS_F_COUNT; i++) {
		if (i)
			fputc(',', f);
		if (ids_record_get(r, i, v, sizeof(v)) >= 0)
			ids_csv_put(f, v);
	}
	fputc('\n', f);
}

void ids_export_jsonl(FILE *f, const ids_record_t *r)
{
	struct json_object *o = json_object_new_object();
	const char *s;
	int i;
	if (!o)
		return;
	for (i = 0; i < IDS_F_COUNT; i++) {
		if (i == IDS_F_ENABLED)
			json_object_object_add(o, "enabled",
								   json_object_new_boolean(r->enabled));
		else if (i == IDS_F_NOT_AFTER)
			json_object_object_add(o, "not_after",
								   json_object_new_int64(r->not_after));
		else if (*(s = ids_record_str(r, i)))
			json_object_object_add(o, ids_field_name(i),
								   json_object_new_string(s));
	}
	fprintf(f, "%s\n",
			json_object_to_json_string_ext(
					o,
					JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
