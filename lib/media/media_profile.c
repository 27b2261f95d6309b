/*
 * lib/media: media profile file parser and profile set. See
 * media_profile.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "media_flags.h"
#include "media_profile.h"

/* one word of the file, pointing into the caller's buffer */
typedef struct ptok {
	const char *s;
	uint32_t len;
	uint32_t line;
	uint32_t col;
	int include; /* 1 for "@name" (s/len then hold the name) */
	int dynamic;
} ptok_t;

/* one [name] section while parsing */
typedef struct pprof {
	const char *name;
	uint32_t name_len;
	uint32_t line;
	size_t first_tok;
	size_t ntok;
	int state; /* 0 new, 1 being expanded, 2 expanded */
	char *exp; /* expanded flag string (malloc), NULL while empty */
	size_t exp_len;
	uint32_t exp_ntok;
	int dynamic;
} pprof_t;

typedef struct pctx {
	const char *fname;
	mprof_err_t *err;
	ptok_t *toks;
	size_t ntoks, captoks;
	pprof_t *profs;
	size_t nprofs, capprofs;
} pctx_t;

static void set_err(mprof_err_t *err, const char *fname, int code,
					unsigned line, unsigned col, const char *fmt, ...)
		__attribute__((format(printf, 6, 7)));

static void set_err(mprof_err_t *err, const char *fname, int code,
					unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return;
	err->code = code;
	err->line = line;
	err->col = col;
	if (!fname)
		fname = "<buffer>";
	if (line && col)
		n = snprintf(err->errstr, sizeof(err->errstr), "%s:%u:%u: ", fname,
					 line, col);
	else if (line)
		n = snprintf(err->errstr, sizeof(err->errstr), "%s:%u: ", fname, line);
	else
		n = snprintf(err->errstr, sizeof(err->errstr), "%s: ", fname);
	if (n < 0 || (size_t)n >= sizeof(err->errstr))
		return;
	va_start(ap, fmt);
	vsnprintf(err->errstr + n, sizeof(err->errstr) - (size_t)n, fmt, ap);
	va_end(ap);
}

int mprof_name_valid(const char *name, size_t len)
{
	if (!name || len == 0 || len > MPROF_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int push_tok(pctx_t *c, const ptok_t *t)
{
	if (c->ntoks == c->captoks) {
		size_t ncap = c->captoks ? c->captoks * 2 : 64;
		ptok_t *n = realloc(c->toks, ncap * sizeof(*n));
		if (!n)
			return -1;
		c->toks = n;
		c->captoks = ncap;
	}
	c->toks[c->ntoks++] = *t;
	return 0;
}

static int push_prof(pctx_t *c, const pprof_t *p)
{
	if (c->nprofs == c->capprofs) {
		size_t ncap = c->capprofs ? c->capprofs * 2 : 16;
		pprof_t *n = realloc(c->profs, ncap * sizeof(*n));
		if (!n)
			return -1;
		c->profs = n;
		c->capprofs = ncap;
	}
	c->profs[c->nprofs++] = *p;
	return 0;
}

static pprof_t *find_pprof(pctx_t *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->nprofs; i++)
		if (c->profs[i].name_len == len &&
			memcmp(c->profs[i].name, name, len) == 0)
			return &c->profs[i];
	return NULL;
}

#define SHOWN_MAX 80 /* bytes of a token quoted in a message */

static int check_flag(pctx_t *c, ptok_t *t)
{
	mflags_res_t res;
	char hint[160];
	int shown = t->len > SHOWN_MAX ? SHOWN_MAX : (int)t->len;
	const char *more = t->len > SHOWN_MAX ? "..." : "";

	mflags_check(t->s, t->len, &res);
	if (res.status == MFLAGS_OK)
		return 0;
	if (res.status == MFLAGS_DYNAMIC) {
		t->dynamic = 1;
		return 0;
	}
	if (mflags_suggest(t->s, t->len, hint, sizeof(hint)))
		set_err(c->err, c->fname, MPROF_EFLAG, t->line,
				t->col + (unsigned)res.err_off,
				"%s '%.*s%s' (did you mean '%s'?)",
				mflags_status_str(res.status), shown, t->s, more, hint);
	else
		set_err(c->err, c->fname, MPROF_EFLAG, t->line,
				t->col + (unsigned)res.err_off, "%s '%.*s%s'",
				mflags_status_str(res.status), shown, t->s, more);
	return -1;
}

/* a "[name]" line; p points at '[' */
static int parse_header(pctx_t *c, const char *p, const char *end,
						unsigned line, unsigned col)
{
	const char *name = p + 1, *close;
	size_t len;
	pprof_t np, *dup;

	close = memchr(name, ']', (size_t)(end - name));
	if (!close) {
		set_err(c->err, c->fname, MPROF_ESYNTAX, line, col,
				"missing ']' in profile header");
		return -1;
	}
	len = (size_t)(close - name);
	if (!mprof_name_valid(name, len)) {
		set_err(c->err, c->fname, MPROF_ESYNTAX, line, col + 1,
				"invalid profile name '%.*s' (use 1-%d of "
				"[A-Za-z0-9_.-])",
				len > SHOWN_MAX ? SHOWN_MAX : (int)len, name, MPROF_NAME_MAX);
		return -1;
	}
	for (p = close + 1; p < end && is_blank(*p); p++)
		;
	if (p < end && *p != '#') {
		set_err(c->err, c->fname, MPROF_ESYNTAX, line,
				col + (unsigned)(p - (name - 1)),
				"unexpected text after profile header");
		return -1;
	}
	dup = find_pprof(c, name, len);
	if (dup) {
		set_err(c->err, c->fname, MPROF_EDUP, line, col + 1,
				"duplicate profile '%.*s' (first defined at line %u)", (int)len,
				name, dup->line);
		return -1;
	}
	if (c->nprofs >= MPROF_PROFILES_MAX) {
		set_err(c->err, c->fname, MPROF_ELIMIT, line, col,
				"more than %d profiles", MPROF_PROFILES_MAX);
		return -1;
	}
	memset(&np, 0, sizeof(np));
	np.name = name;
	np.name_len = (uint32_t)len;
	np.line = line;
	np.first_tok = c->ntoks;
	if (push_prof(c, &np) < 0) {
		set_err(c->err, c->fname, MPROF_ENOMEM, 0, 0, "out of memory");
		return -1;
	}
	return 0;
}

/* end of the word starting at p: whitespace ends it, except inside the
 * brackets of a pseudo-variable. Returns NULL on an unclosed bracket. */
static const char *word_end(const char *p, const char *end)
{
	int depth = 0, in_pv = 0;

	for (; p < end; p++) {
		char ch = *p;
		if (depth == 0 && is_blank(ch))
			return p;
		if (ch == '$' && depth == 0) {
			in_pv = 1;
		} else if (in_pv && (ch == '(' || ch == '{')) {
			depth++;
		} else if (in_pv && depth > 0 && (ch == ')' || ch == '}')) {
			if (--depth == 0)
				in_pv = 0;
		} else if (in_pv && depth == 0 &&
				   !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
					 (ch >= '0' && ch <= '9') || ch == '_' || ch == '.')) {
			in_pv = 0;
		}
	}
	return depth ? NULL : p;
}

static int parse_line(pctx_t *c, const char *p, const char *end, unsigned line)
{
	const char *start = p;
	int first = 1;

	while (p < end) {
		const char *w, *we;
		unsigned col;
		ptok_t t;

		while (p < end && is_blank(*p))
			p++;
		if (p >= end || *p == '#')
			break;
		w = p;
		col = (unsigned)(w - start) + 1;
		if (first && *w == '[')
			return parse_header(c, w, end, line, col);
		first = 0;
		we = word_end(w, end);
		if (!we) {
			set_err(c->err, c->fname, MPROF_ESYNTAX, line, col,
					"unterminated pseudo-variable in '%.*s'",
					(end - w) > SHOWN_MAX ? SHOWN_MAX : (int)(end - w), w);
			return -1;
		}
		p = we;
		if (c->nprofs == 0) {
			set_err(c->err, c->fname, MPROF_ESYNTAX, line, col,
					"flag outside a profile (a '[name]' line must come "
					"first)");
			return -1;
		}
		if ((size_t)(we - w) > MPROF_TOKEN_MAX) {
			set_err(c->err, c->fname, MPROF_ELIMIT, line, col,
					"token longer than %d bytes", MPROF_TOKEN_MAX);
			return -1;
		}
		memset(&t, 0, sizeof(t));
		t.s = w;
		t.len = (uint32_t)(we - w);
		t.line = line;
		t.col = col;
		for (const char *q = w; q < we; q++) {
			unsigned char uc = (unsigned char)*q;
			if ((uc < 0x21 && !is_blank(*q)) || uc >= 0x7f) {
				set_err(c->err, c->fname, MPROF_ESYNTAX, line,
						col + (unsigned)(q - w),
						"invalid character 0x%02x in flag", uc);
				return -1;
			}
		}
		if (*w == '@') {
			t.s = w + 1;
			t.len--;
			t.include = 1;
			if (!mprof_name_valid(t.s, t.len)) {
				set_err(c->err, c->fname, MPROF_ESYNTAX, line, col,
						"invalid profile name in include '%.*s'",
						t.len > SHOWN_MAX ? SHOWN_MAX : (int)t.len + 1, w);
				return -1;
			}
		} else if (check_flag(c, &t) < 0) {
			return -1;
		}
		if (push_tok(c, &t) < 0) {
			set_err(c->err, c->fname, MPROF_ENOMEM, 0, 0, "out of memory");
			return -1;
		}
		c->profs[c->nprofs - 1].ntok++;
	}
	return 0;
}

static int append(pprof_t *p, const char *s, size_t len)
{
	size_t need = p->exp_len + (p->exp_len ? 1 : 0) + len;
	char *n;

	if (len == 0)
		return 0;
	if (need > MPROF_FLAGS_MAX)
		return -2;
	n = realloc(p->exp, need + 1);
	if (!n)
		return -1;
	p->exp = n;
	if (p->exp_len)
		p->exp[p->exp_len++] = ' ';
	memcpy(p->exp + p->exp_len, s, len);
	p->exp_len += len;
	p->exp[p->exp_len] = '\0';
	return 0;
}

static int expand(pctx_t *c, pprof_t *p, int depth)
{
	if (p->state == 2)
		return 0;
	p->state = 1;
	for (size_t i = 0; i < p->ntok; i++) {
		ptok_t *t = &c->toks[p->first_tok + i];
		int r;

		if (t->include) {
			pprof_t *q = find_pprof(c, t->s, t->len);
			if (!q) {
				set_err(c->err, c->fname, MPROF_EINCLUDE, t->line, t->col,
						"include of unknown profile '@%.*s'", (int)t->len,
						t->s);
				return -1;
			}
			if (q->state == 1) {
				set_err(c->err, c->fname, MPROF_EINCLUDE, t->line, t->col,
						"include cycle: '@%.*s' in profile '%.*s' leads back "
						"to itself",
						(int)t->len, t->s, (int)p->name_len, p->name);
				return -1;
			}
			if (depth >= MPROF_INCLUDE_DEPTH) {
				set_err(c->err, c->fname, MPROF_EINCLUDE, t->line, t->col,
						"includes nested deeper than %d", MPROF_INCLUDE_DEPTH);
				return -1;
			}
			if (expand(c, q, depth + 1) < 0)
				return -1;
			r = append(p, q->exp, q->exp_len);
			p->exp_ntok += q->exp_ntok;
			p->dynamic |= q->dynamic;
		} else {
			r = append(p, t->s, t->len);
			p->exp_ntok++;
			p->dynamic |= t->dynamic;
		}
		if (r == -1) {
			set_err(c->err, c->fname, MPROF_ENOMEM, 0, 0, "out of memory");
			return -1;
		}
		if (r == -2) {
			set_err(c->err, c->fname, MPROF_ELIMIT, t->line, t->col,
					"profile '%.*s' longer than %d bytes once expanded",
					(int)p->name_len, p->name, MPROF_FLAGS_MAX);
			return -1;
		}
	}
	p->state = 2;
	return 0;
}

static int cmp_names(const char *a, size_t la, const char *b, size_t lb)
{
	int r = memcmp(a, b, la < lb ? la : lb);
	if (r)
		return r;
	return la < lb ? -1 : (la > lb ? 1 : 0);
}

static int cmp_pprof(const void *a, const void *b)
{
	const pprof_t *pa = *(const pprof_t *const *)a;
	const pprof_t *pb = *(const pprof_t *const *)b;
	return cmp_names(pa->name, pa->name_len, pb->name, pb->name_len);
}

static mprof_set_t *build_set(pctx_t *c)
{
	pprof_t **order = NULL;
	mprof_set_t *set = NULL;
	size_t size, off;

	size = sizeof(mprof_set_t) + c->nprofs * sizeof(mprof_profile_t);
	for (size_t i = 0; i < c->nprofs; i++)
		size += c->profs[i].name_len + 1 + c->profs[i].exp_len + 1;
	size = (size + 7) & ~(size_t)7;

	if (c->nprofs) {
		order = malloc(c->nprofs * sizeof(*order));
		if (!order)
			goto err;
		for (size_t i = 0; i < c->nprofs; i++)
			order[i] = &c->profs[i];
		qsort(order, c->nprofs, sizeof(*order), cmp_pprof);
	}
	set = calloc(1, size);
	if (!set)
		goto err;
	set->size = size;
	set->count = (uint32_t)c->nprofs;
	off = sizeof(mprof_set_t) + c->nprofs * sizeof(mprof_profile_t);
	for (size_t i = 0; i < c->nprofs; i++) {
		pprof_t *p = order[i];
		mprof_profile_t *d = &set->prof[i];

		d->name_off = (uint32_t)off;
		d->name_len = p->name_len;
		memcpy((char *)set + off, p->name, p->name_len);
		off += p->name_len + 1;
		d->flags_off = (uint32_t)off;
		d->flags_len = (uint32_t)p->exp_len;
		if (p->exp_len)
			memcpy((char *)set + off, p->exp, p->exp_len);
		off += p->exp_len + 1;
		d->line = p->line;
		d->ntokens = p->exp_ntok;
		d->dynamic = (uint32_t)p->dynamic;
	}
	free(order);
	return set;

err:
	free(order);
	free(set);
	set_err(c->err, c->fname, MPROF_ENOMEM, 0, 0, "out of memory");
	return NULL;
}

int mprof_parse(const char *buf, size_t len, const char *fname,
				mprof_set_t **out, mprof_err_t *err)
{
	pctx_t c;
	const char *p = buf, *end = buf + len;
	unsigned line = 0;
	int ret = -1;

	if (err) {
		memset(err, 0, sizeof(*err));
	}
	if (!out)
		return -1;
	*out = NULL;
	if (!buf && len) {
		set_err(err, fname, MPROF_EIO, 0, 0, "no data");
		return -1;
	}
	if (len > MPROF_FILE_MAX) {
		set_err(err, fname, MPROF_ELIMIT, 0, 0, "larger than %d bytes",
				MPROF_FILE_MAX);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.fname = fname;
	c.err = err;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *nul;
		if (!eol)
			eol = end;
		line++;
		nul = memchr(p, '\0', (size_t)(eol - p));
		if (nul) {
			set_err(err, fname, MPROF_ESYNTAX, line, (unsigned)(nul - p) + 1,
					"NUL byte in file");
			goto out;
		}
		if (parse_line(&c, p, eol, line) < 0)
			goto out;
		p = eol + 1;
	}
	for (size_t i = 0; i < c.nprofs; i++)
		if (expand(&c, &c.profs[i], 0) < 0)
			goto out;
	*out = build_set(&c);
	if (*out)
		ret = 0;

out:
	for (size_t i = 0; i < c.nprofs; i++)
		free(c.profs[i].exp);
	free(c.profs);
	free(c.toks);
	return ret;
}

int mprof_load_file(const char *path, mprof_set_t **out, mprof_err_t *err)
{
	FILE *f;
	struct stat st;
	char *buf = NULL;
	size_t n;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!out)
		return -1;
	*out = NULL;
	if (!path || !*path) {
		set_err(err, "<none>", MPROF_EIO, 0, 0, "no file name");
		return -1;
	}
	f = fopen(path, "rb");
	if (!f) {
		set_err(err, path, MPROF_EIO, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		set_err(err, path, MPROF_EIO, 0, 0, "not a regular file");
		fclose(f);
		return -1;
	}
	if (st.st_size > MPROF_FILE_MAX) {
		set_err(err, path, MPROF_ELIMIT, 0, 0, "larger than %d bytes",
				MPROF_FILE_MAX);
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		set_err(err, path, MPROF_ENOMEM, 0, 0, "out of memory");
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		set_err(err, path, MPROF_EIO, 0, 0, "read error");
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	ret = mprof_parse(buf, n, path, out, err);
	free(buf);
	return ret;
}

void mprof_set_free(mprof_set_t *set)
{
	free(set);
}

int mprof_find(const mprof_set_t *set, const char *name, size_t len)
{
	size_t lo = 0, hi;

	if (!set || !name)
		return -1;
	hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const mprof_profile_t *p = &set->prof[mid];
		int r = cmp_names(name, len, (const char *)set + p->name_off,
						  p->name_len);
		if (r == 0)
			return (int)mid;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *mprof_name(const mprof_set_t *set, unsigned i)
{
	if (!set || i >= set->count)
		return NULL;
	return (const char *)set + set->prof[i].name_off;
}

const char *mprof_flags(const mprof_set_t *set, unsigned i)
{
	if (!set || i >= set->count)
		return NULL;
	return (const char *)set + set->prof[i].flags_off;
}
