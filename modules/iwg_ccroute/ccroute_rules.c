/*
 * ccroute_rules.c - contact-center routing rules: parser, evaluation and
 * header substitution (pure C).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile/textfile.h"

#include "ccroute_rules.h"

#define RE_MAX_LEN	   256
#define RE_MAX_REPEAT  256
#define MAX_INT_DIGITS 18
#define CLIP_LEN	   60 /* longer words are shortened in messages */

/* headers a routing rule may not add: the transaction, the dialog and the
 * body depend on them (long and compact forms) */
static const char *const protected_hdrs[] = {"Via",		"v",
											 "From",	"f",
											 "To",		"t",
											 "Call-ID", "i",
											 "CSeq",	"Content-Length",
											 "l",		"Content-Type",
											 "c",		"Contact",
											 "m",		"Max-Forwards",
											 "Route",	"Record-Route",
											 NULL};

struct pctx {
	const char *file;
	int line;
	struct ccroute_err *err;
	char buf[CCROUTE_MAX_LINE + 1]; /* the line being parsed, split */
	int cap;						/* rules allocated in the table */
	char clip[2][CLIP_LEN + 4];		/* words quoted in a message */
};

__attribute__((format(printf, 2, 3))) static int fail(struct pctx *c,
													  const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->err->line = c->line;
	snprintf(c->err->msg, sizeof(c->err->msg), "%s:%d: %s", c->file, c->line,
			 why);
	return -1;
}

/* S[0..LEN) (LEN < 0: all of it) for a message, in slot SLOT of C,
 * shortened with "..." beyond CLIP_LEN bytes */
static const char *clip(struct pctx *c, int slot, const char *s, int len)
{
	if (len < 0)
		len = (int)strlen(s);
	if (len > CLIP_LEN)
		snprintf(c->clip[slot], sizeof(c->clip[slot]), "%.*s...", CLIP_LEN - 3,
				 s);
	else
		snprintf(c->clip[slot], sizeof(c->clip[slot]), "%.*s", len, s);
	return c->clip[slot];
}

static int blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* S without its leading and trailing blanks (S is modified) */
static char *trim(char *s)
{
	char *e;

	while (blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && blank(e[-1]))
		e--;
	*e = '\0';
	return s;
}

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch + 'a' - 'A') : ch;
}

static int ascii_caseeq(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* [a-z][a-z0-9_]{0,31}, LEN bytes of S */
static int valid_key(const char *s, int len)
{
	int i;

	if (len < 1 || len > CCROUTE_KEY_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* an RFC 3261 token character */
static int token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		   is_digit(ch) || (ch && strchr("-.!%*_+`'~", ch));
}

/* [A-Za-z0-9_.-] */
static int name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		   is_digit(ch) || ch == '_' || ch == '.' || ch == '-';
}

/* a whole decimal integer, optional sign, at most 18 digits: 0 or -1 */
static int parse_int(const char *s, long long *v)
{
	int neg = 0, nd = 0;
	long long x = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; is_digit(*s); s++, nd++) {
		if (nd == MAX_INT_DIGITS)
			return -1;
		x = x * 10 + (*s - '0');
	}
	if (nd == 0 || *s)
		return -1;
	*v = neg ? -x : x;
	return 0;
}

/*
 * Why the regex S is refused before compiling, or NULL. glibc compiles a
 * bounded repetition by copying its operand, so nested and stacked ones
 * multiply: their bounds (a '+' counts 2) must multiply to at most
 * RE_MAX_REPEAT. Back-references can make matching exponential.
 */
static const char *re_refused(const char *s)
{
	unsigned long cost = 1, bound;
	const char *p;
	char *end;
	int after_q = 0;

	if (strlen(s) > RE_MAX_LEN)
		return "longer than 256 characters";
	for (p = s; *p; p++) {
		if (*p == '\\') {
			if (is_digit(p[1]) && p[1] != '0')
				return "back-references are not supported";
			p += p[1] != '\0';
			after_q = 0;
		} else if (*p == '[') {
			p += 1 + (p[1] == '^');
			p += *p == ']'; /* a leading ']' is a member */
			while (*p && *p != ']')
				p++;
			if (!*p)
				return NULL; /* regcomp reports the open bracket */
			after_q = 0;
		} else if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
			if (after_q)
				return "stacked repetition operators";
			after_q = 1;
			if (*p == '+')
				cost *= 2;
			if (*p == '{') {
				bound = strtoul(p + 1, &end, 10);
				if (*end == ',' && is_digit(end[1]))
					bound = strtoul(end + 1, &end, 10);
				if (bound > RE_MAX_REPEAT)
					return "a repetition bound above 256";
				cost *= bound + 1;
				p = end - 1;
			}
		} else {
			after_q = 0;
		}
		if (cost > RE_MAX_REPEAT)
			return "repetition bounds multiplying beyond 256";
	}
	return NULL;
}

static void rule_free(struct ccroute_rule *r)
{
	int i;

	for (i = 0; i < r->nconds; i++) {
		free(r->conds[i].key);
		free(r->conds[i].value);
		if (r->conds[i].has_re)
			regfree(&r->conds[i].re);
	}
	for (i = 0; i < r->nhdrs; i++)
		free(r->hdrs[i].text);
	free(r->name);
	free(r->when);
}

static int dup_to(struct pctx *c, char **dst, const char *s, size_t len)
{
	*dst = malloc(len + 1);
	if (!*dst)
		return fail(c, "out of memory");
	memcpy(*dst, s, len);
	(*dst)[len] = '\0';
	return 0;
}

static const char *const forms = "key=value, key!=value, key~regex, "
								 "key>=N, key<=N, key? or !key";

static int cond_value(struct pctx *c, struct ccroute_cond *k, const char *tok,
					  const char *v)
{
	char why[128];
	const char *no;
	int rc;

	if (!*v)
		return fail(c, "condition '%s' has no value%s", clip(c, 0, tok, -1),
					k->op == CCROUTE_EQ ? " (absent or empty: !key)" : "");
	if (k->op == CCROUTE_GE || k->op == CCROUTE_LE) {
		if (parse_int(v, &k->num) < 0)
			return fail(c, "condition '%s': '%s' is not an integer",
						clip(c, 0, tok, -1), clip(c, 1, v, -1));
		return 0;
	}
	if (dup_to(c, &k->value, v, strlen(v)) < 0)
		return -1;
	if (k->op != CCROUTE_RE)
		return 0;
	if ((no = re_refused(v)))
		return fail(c, "condition '%s': regex refused: %s", clip(c, 0, tok, -1),
					no);
	rc = regcomp(&k->re, v, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &k->re, why, sizeof(why));
		regfree(&k->re);
		return fail(c, "condition '%s': bad regex: %s", clip(c, 0, tok, -1),
					why);
	}
	k->has_re = 1;
	return 0;
}

static int parse_cond(struct pctx *c, struct ccroute_rule *r, const char *tok)
{
	struct ccroute_cond *k = &r->conds[r->nconds];
	const char *key = tok, *op;
	int klen;

	if (r->nconds == CCROUTE_MAX_CONDS)
		return fail(c, "more than %d conditions", CCROUTE_MAX_CONDS);
	if (strcmp(tok, "*") == 0)
		return fail(c, "'*' must stand alone in the condition column");
	memset(k, 0, sizeof(*k));
	if (*tok == '!') {
		k->op = CCROUTE_UNSET;
		key = tok + 1;
	}
	for (op = key; (*op >= 'a' && *op <= 'z') || (*op >= 'A' && *op <= 'Z') ||
				   is_digit(*op) || *op == '_';
		 op++)
		;
	klen = (int)(op - key);
	if (k->op == CCROUTE_UNSET) {
		if (*op)
			return fail(c, "bad condition '%s' (%s)", clip(c, 0, tok, -1),
						forms);
	} else if (op[0] == '?' && op[1] == '\0') {
		k->op = CCROUTE_SET;
	} else if (op[0] == '=') {
		k->op = CCROUTE_EQ;
		op += 1;
	} else if (op[0] == '~') {
		k->op = CCROUTE_RE;
		op += 1;
	} else if (op[0] && op[1] == '=' && strchr("!><", op[0])) {
		k->op = op[0] == '!' ? CCROUTE_NE
							 : (op[0] == '>' ? CCROUTE_GE : CCROUTE_LE);
		op += 2;
	} else {
		return fail(c, "bad condition '%s' (%s)", clip(c, 0, tok, -1), forms);
	}
	if (!valid_key(key, klen))
		return fail(c,
					"bad key '%s' in condition '%s' (a lower-case letter, "
					"then letters, digits or '_', at most %d)",
					clip(c, 0, key, klen), clip(c, 1, tok, -1),
					CCROUTE_KEY_MAX);
	if (dup_to(c, &k->key, key, klen) < 0)
		return -1;
	r->nconds++; /* from here on rule_free releases it */
	if (k->op == CCROUTE_SET || k->op == CCROUTE_UNSET)
		return 0;
	return cond_value(c, k, tok, op);
}

static int parse_when(struct pctx *c, struct ccroute_rule *r, char *when)
{
	char *tok, *save = NULL;

	if (!*when)
		return fail(c, "empty condition column (write * to match every call)");
	if (dup_to(c, &r->when, when, strlen(when)) < 0)
		return -1;
	if (strcmp(when, "*") == 0)
		return 0;
	for (tok = strtok_r(when, " \t", &save); tok;
		 tok = strtok_r(NULL, " \t", &save))
		if (parse_cond(c, r, tok) < 0)
			return -1;
	return 0;
}

/* the {key} placeholders of a header value template */
static int check_template(struct pctx *c, const char *name, const char *t)
{
	const char *p, *close;

	for (p = t; *p; p++) {
		if (*p == '}')
			return fail(c, "header %s: '}' without '{'", name);
		if (*p != '{')
			continue;
		close = strchr(p + 1, '}');
		if (!close)
			return fail(c, "header %s: '{' without '}'", name);
		if (!valid_key(p + 1, (int)(close - p - 1)))
			return fail(c,
						"header %s: bad placeholder '%s' (a context key "
						"in braces: {language})",
						name, clip(c, 0, p, (int)(close - p + 1)));
		p = close;
	}
	return 0;
}

static int parse_hdr(struct pctx *c, struct ccroute_rule *r, char *col)
{
	struct ccroute_hdr *h = &r->hdrs[r->nhdrs];
	char *colon = strchr(col, ':'), *tmpl;
	int nlen, i;

	if (r->nhdrs == CCROUTE_MAX_HDRS)
		return fail(c, "more than %d headers", CCROUTE_MAX_HDRS);
	if (!colon)
		return fail(c, "header column '%s' is not 'Name: value'",
					clip(c, 0, col, -1));
	for (nlen = (int)(colon - col); nlen > 0 && blank(col[nlen - 1]); nlen--)
		;
	for (i = 0; i < nlen; i++)
		if (!token_char(col[i]))
			return fail(c, "header name '%s' is not a SIP token",
						clip(c, 0, col, nlen));
	if (nlen == 0 || nlen > CCROUTE_HNAME_MAX)
		return fail(c, "header name '%s': 1 to %d characters",
					clip(c, 0, col, nlen), CCROUTE_HNAME_MAX);
	col[nlen] = '\0';
	for (i = 0; protected_hdrs[i]; i++)
		if (ascii_caseeq(col, protected_hdrs[i]))
			return fail(c, "header %s cannot be added by a routing rule", col);
	tmpl = trim(colon + 1);
	if (!*tmpl)
		return fail(c, "header %s has an empty value", col);
	if (check_template(c, col, tmpl) < 0)
		return -1;
	memset(h, 0, sizeof(*h));
	h->name_len = nlen;
	if (!(h->text = malloc(nlen + 2 + strlen(tmpl) + 1)))
		return fail(c, "out of memory");
	sprintf(h->text, "%s: %s", col, tmpl);
	h->tmpl = h->text + nlen + 2;
	r->nhdrs++;
	return 0;
}

static int parse_name(struct pctx *c, struct ccroute_table *t,
					  struct ccroute_rule *r, const char *name)
{
	int i, len = (int)strlen(name);

	if (len == 0 || len > CCROUTE_NAME_MAX)
		return fail(c, "rule name '%s': 1 to %d characters",
					clip(c, 0, name, len), CCROUTE_NAME_MAX);
	for (i = 0; i < len; i++)
		if (!name_char(name[i]))
			return fail(c,
						"rule name '%s': letters, digits, '_', '.' and "
						"'-' only",
						clip(c, 0, name, len));
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->rules[i].name, name) == 0)
			return fail(c, "rule name '%s' already used at line %d", name,
						t->rules[i].line);
		if (t->rules[i].nconds == 0)
			return fail(c,
						"rule '%s' can never match: rule '%s' (line %d) "
						"matches every call",
						name, t->rules[i].name, t->rules[i].line);
	}
	return dup_to(c, &r->name, name, len);
}

static int parse_set(struct pctx *c, struct ccroute_rule *r, const char *s)
{
	long long v;

	if (*s == '+' || *s == '-' || parse_int(s, &v) < 0 || v < 1 ||
		v > CCROUTE_SET_MAX)
		return fail(c, "set '%s': a dispatcher set id from 1 to %d",
					clip(c, 0, s, -1), CCROUTE_SET_MAX);
	r->set = (int)v;
	return 0;
}

static struct ccroute_rule *new_rule(struct pctx *c, struct ccroute_table *t)
{
	struct ccroute_rule *r;

	if (t->n == CCROUTE_MAX_RULES) {
		fail(c, "more than %d rules", CCROUTE_MAX_RULES);
		return NULL;
	}
	if (t->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		r = realloc(t->rules, (size_t)c->cap * sizeof(*r));
		if (!r) {
			fail(c, "out of memory");
			return NULL;
		}
		t->rules = r;
	}
	r = &t->rules[t->n];
	memset(r, 0, sizeof(*r));
	r->line = c->line;
	return r;
}

/* the rule LINE (trimmed, inside c->buf) */
static int parse_rule(struct pctx *c, struct ccroute_table *t, char *line)
{
	char *col[3], *rest, *bar, *h;
	struct ccroute_rule *r;
	int i;

	rest = line;
	for (i = 0; i < 3; i++) {
		bar = rest ? strchr(rest, '|') : NULL;
		if (bar)
			*bar = '\0';
		col[i] = rest ? trim(rest) : NULL;
		rest = bar ? bar + 1 : NULL;
	}
	if (!col[2])
		return fail(c, "expected 'name | when | set [| Header: value ...]'");
	if (!(r = new_rule(c, t)))
		return -1;
	if (parse_name(c, t, r, col[0]) < 0 || parse_when(c, r, col[1]) < 0 ||
		parse_set(c, r, col[2]) < 0)
		goto err;
	while (rest) {
		bar = strchr(rest, '|');
		if (bar)
			*bar = '\0';
		h = trim(rest);
		if (*h && parse_hdr(c, r, h) < 0)
			goto err;
		rest = bar ? bar + 1 : NULL;
	}
	t->n++;
	return 0;
err:
	rule_free(r);
	return -1;
}

/* one line TEXT[0..LEN) without its '\n' */
static int parse_line(struct pctx *c, struct ccroute_table *t, const char *text,
					  size_t len)
{
	size_t i;
	char *s;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (len > CCROUTE_MAX_LINE)
		return fail(c, "line longer than %d bytes", CCROUTE_MAX_LINE);
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\t')
			return fail(c, "control character 0x%02x in the line",
						(unsigned char)text[i]);
		else if (text[i] == 0x7f)
			return fail(c, "control character 0x7f in the line");
	memcpy(c->buf, text, len);
	c->buf[len] = '\0';
	s = trim(c->buf);
	if (*s == '\0' || *s == '#')
		return 0;
	return parse_rule(c, t, s);
}

struct ccroute_table *ccroute_parse(const char *text, size_t len,
									const char *file, struct ccroute_err *err)
{
	struct ccroute_table *t;
	struct pctx *c;
	size_t p = 0, e;

	memset(err, 0, sizeof(*err));
	c = calloc(1, sizeof(*c));
	t = calloc(1, sizeof(*t));
	if (!c || !t) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", file);
		goto err;
	}
	c->file = file;
	c->err = err;
	while (p < len) {
		c->line++;
		for (e = p; e < len && text[e] != '\n'; e++)
			;
		if (parse_line(c, t, text + p, e - p) < 0)
			goto err;
		p = e + 1;
	}
	if (t->n == 0) {
		c->line += c->line == 0;
		fail(c, "no rule (end the file with a default: 'default | * | 1 |')");
		goto err;
	}
	free(c);
	return t;
err:
	free(c);
	ccroute_free(t);
	return NULL;
}

struct ccroute_table *ccroute_load(const char *path, struct ccroute_err *err)
{
	struct ccroute_table *t;
	char *text;
	size_t n;

	memset(err, 0, sizeof(*err));
	text = textfile_read(path, CCROUTE_MAX_FILE, &n, err->msg,
						 sizeof(err->msg));
	if (!text)
		return NULL;
	t = ccroute_parse(text, n, path, err);
	free(text);
	return t;
}

void ccroute_free(struct ccroute_table *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		rule_free(&t->rules[i]);
	free(t->rules);
	free(t);
}

/* the first value of KEY (LEN bytes) in CTX, "" when absent */
static const char *lookup(const struct ccroute_kv *ctx, int n, const char *key,
						  size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (ctx[i].key && strncmp(ctx[i].key, key, len) == 0 &&
			ctx[i].key[len] == '\0')
			return ctx[i].val ? ctx[i].val : "";
	return "";
}

static int holds(const struct ccroute_cond *k, const struct ccroute_kv *ctx,
				 int n)
{
	const char *v = lookup(ctx, n, k->key, strlen(k->key));
	long long x;

	switch (k->op) {
	case CCROUTE_EQ:
		return ascii_caseeq(v, k->value);
	case CCROUTE_NE:
		return !ascii_caseeq(v, k->value);
	case CCROUTE_RE:
		return regexec(&k->re, v, 0, NULL, 0) == 0;
	case CCROUTE_GE:
		return parse_int(v, &x) == 0 && x >= k->num;
	case CCROUTE_LE:
		return parse_int(v, &x) == 0 && x <= k->num;
	case CCROUTE_SET:
		return *v != '\0';
	case CCROUTE_UNSET:
		return *v == '\0';
	}
	return 0;
}

int ccroute_eval(const struct ccroute_table *t, const struct ccroute_kv *ctx,
				 int n)
{
	int i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->rules[i].nconds; j++)
			if (!holds(&t->rules[i].conds[j], ctx, n))
				break;
		if (j == t->rules[i].nconds)
			return i;
	}
	return -1;
}

int ccroute_subst(const struct ccroute_hdr *h, const struct ccroute_kv *ctx,
				  int n, char *out, size_t size)
{
	const char *p, *v, *close;
	int o, start, vlen = 0;

	if (size < CCROUTE_HDR_BUF || h->name_len > CCROUTE_HNAME_MAX)
		return -1;
	memcpy(out, h->text, h->name_len + 2); /* "Name: " */
	o = start = h->name_len + 2;
	for (p = h->tmpl; *p && vlen < CCROUTE_VALUE_MAX; p++) {
		if (*p != '{') {
			out[o++] = *p;
			vlen++;
			continue;
		}
		close = strchr(p, '}'); /* checked when parsed */
		v = lookup(ctx, n, p + 1, (size_t)(close - p - 1));
		for (; *v && vlen < CCROUTE_VALUE_MAX; v++)
			if (*v != '\r' && *v != '\n') {
				out[o++] = *v;
				vlen++;
			}
		p = close;
	}
	while (o > start && blank(out[o - 1]))
		o--;
	for (p = out + start; p < out + o && blank(*p); p++)
		;
	memmove(out + start, p, (size_t)(out + o - p));
	o -= (int)(p - (out + start));
	out[o] = '\0';
	return o > start ? o : 0;
}

int ccroute_ctx_parse(char *buf, struct ccroute_kv *kv, int max, char *err,
					  size_t errsz)
{
	char *item, *next, *eq, *key;
	int n = 0;

	for (item = buf; item; item = next) {
		next = strchr(item, ';');
		if (next)
			*next++ = '\0';
		item = trim(item);
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (!eq) {
			snprintf(err, errsz, "'%s' is not key=value", item);
			return -1;
		}
		*eq = '\0';
		key = trim(item);
		if (!*key) {
			snprintf(err, errsz, "empty key before '=%s'", eq + 1);
			return -1;
		}
		if (n == max) {
			snprintf(err, errsz, "more than %d pairs", max);
			return -1;
		}
		kv[n].key = key;
		kv[n].val = trim(eq + 1);
		n++;
	}
	return n;
}
