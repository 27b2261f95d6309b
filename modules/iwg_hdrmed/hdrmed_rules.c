/*
 * hdrmed_rules.c - rule file tokenizer and parser (pure C).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr/cidr.h"
#include "sip/sip_hdr.h"
#include "textfile/textfile.h"

#include "hdrmed_buf.h"
#include "hdrmed_msg.h"
#include "hdrmed_rules.h"

#define MAX_TOKENS 32
#define MAX_FILE   (1024 * 1024)
#define MAX_REGEX  512
#define MAX_REPEAT 256

/* argument shapes of the actions */
enum shape {
	S_HV,	 /* header value */
	S_H,	 /* header */
	S_HH,	 /* header new-name */
	S_HRR,	 /* header regex replacement */
	S_HP,	 /* header name[=value] */
	S_P,	 /* name[=value] (Contact) */
	S_V,	 /* value */
	S_PCV,	 /* [orig-ioi=v] [term-ioi=v] */
	S_HLIST, /* [header...] */
};

static const struct {
	const char *name;
	enum shape shape;
	int pflag; /* parameter action: 1 add/set, 2 remove */
} acts[] = {
		[HDRMED_A_ADD] = {"add", S_HV, 0},
		[HDRMED_A_ADD_ABSENT] = {"add-if-absent", S_HV, 0},
		[HDRMED_A_REMOVE] = {"remove", S_H, 0},
		[HDRMED_A_RENAME] = {"rename", S_HH, 0},
		[HDRMED_A_SET] = {"set", S_HV, 0},
		[HDRMED_A_REPLACE] = {"replace", S_HV, 0},
		[HDRMED_A_REWRITE] = {"rewrite", S_HRR, 0},
		[HDRMED_A_PARAM_ADD] = {"param-add", S_HP, 1},
		[HDRMED_A_PARAM_SET] = {"param-set", S_HP, 1},
		[HDRMED_A_PARAM_REMOVE] = {"param-remove", S_HP, 2},
		[HDRMED_A_URIPARAM_ADD] = {"uri-param-add", S_HP, 1},
		[HDRMED_A_URIPARAM_SET] = {"uri-param-set", S_HP, 1},
		[HDRMED_A_URIPARAM_REMOVE] = {"uri-param-remove", S_HP, 2},
		[HDRMED_A_TAG_ADD] = {"tag-add", S_P, 1},
		[HDRMED_A_TAG_REMOVE] = {"tag-remove", S_P, 2},
		[HDRMED_A_PCV] = {"pcv", S_PCV, 0},
		[HDRMED_A_PANI] = {"pani", S_V, 0},
		[HDRMED_A_PVNI] = {"pvni", S_V, 0},
		[HDRMED_A_MASK_UA] = {"mask-ua", S_V, 0},
		[HDRMED_A_MASK_SERVER] = {"mask-server", S_V, 0},
		[HDRMED_A_STRIP_UNTRUSTED] = {"strip-untrusted", S_HLIST, 0},
};
_Static_assert(sizeof(acts) / sizeof(acts[0]) == HDRMED_A_COUNT,
			   "every action has a keyword");

const char *const hdrmed_trust_headers[] = {"P-Asserted-Identity",
											"P-Charging-Vector",
											"P-Charging-Function-Addresses",
											"P-Access-Network-Info",
											"P-Visited-Network-ID",
											"P-Served-User",
											"P-Asserted-Service",
											"P-Profile-Key",
											NULL};

/* headers no rule may touch: the transaction and the body depend on them */
static const char *const protected_hdrs[] = {
		"Via", "Call-ID", "CSeq", "Content-Length", "Content-Type", NULL};

const char *hdrmed_act_name(enum hdrmed_act a)
{
	return (a >= 0 && a < HDRMED_A_COUNT) ? acts[a].name : "?";
}

struct tok {
	char *s;
	int len;
	int quoted;
};

struct pctx {
	const char *fname;
	int line;
	struct hdrmed_err *err;
	char scratch[8192];
	struct tok t[MAX_TOKENS];
	int nt;
	int cap; /* rules allocated in the ruleset */
};

__attribute__((format(printf, 2, 3))) static int fail(struct pctx *c,
													  const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->err->line = c->line;
	snprintf(c->err->msg, sizeof(c->err->msg), "%s:%d: %s", c->fname, c->line,
			 why);
	return -1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* split one line into tokens in c->t; comments end the line */
static int tokenize(struct pctx *c, const char *l, int len)
{
	int i = 0, o = 0, q;

	c->nt = 0;
	while (i < len) {
		while (i < len && blank(l[i]))
			i++;
		if (i >= len || l[i] == '#')
			break;
		if (c->nt >= MAX_TOKENS)
			return fail(c, "too many words on one line (at most %d)",
						MAX_TOKENS);
		if (o + (len - i) + 1 > (int)sizeof(c->scratch))
			return fail(c, "line too long");
		c->t[c->nt].s = c->scratch + o;
		c->t[c->nt].quoted = l[i] == '"';
		if (l[i] == '"') {
			for (i++; i < len && l[i] != '"'; i++) {
				if (l[i] == '\\' && i + 1 < len &&
					(l[i + 1] == '"' || l[i + 1] == '\\'))
					i++;
				c->scratch[o++] = l[i];
			}
			if (i >= len)
				return fail(c, "unterminated quoted string");
			i++;
			if (i < len && !blank(l[i]) && l[i] != '#')
				return fail(c, "a quoted string must be followed by a blank");
		} else {
			q = 0;
			while (i < len && (q || !blank(l[i]))) {
				if (l[i] == '"')
					q = !q;
				c->scratch[o++] = l[i++];
			}
			if (q)
				return fail(c, "unterminated quoted string");
		}
		c->t[c->nt].len = (int)(c->scratch + o - c->t[c->nt].s);
		c->scratch[o++] = '\0';
		c->nt++;
	}
	return 0;
}

static int check_value(struct pctx *c, const struct tok *t, const char *what)
{
	if (!sip_hdr_value_safe(t->s, (size_t)t->len))
		return fail(c, "%s contains a control character", what);
	return 0;
}

static int dup_to(struct pctx *c, char **dst, const char *s, int len)
{
	if (!(*dst = hdrmed_strndup(s, len)))
		return fail(c, "out of memory");
	return 0;
}

static int is_protected(const char *h)
{
	int i;

	for (i = 0; protected_hdrs[i]; i++)
		if (hdrmed_name_eq(h, (int)strlen(h), protected_hdrs[i],
						   (int)strlen(protected_hdrs[i])))
			return 1;
	return 0;
}

static int is_from_to(const char *h)
{
	int n = (int)strlen(h);

	return hdrmed_name_eq(h, n, "From", 4) || hdrmed_name_eq(h, n, "To", 2);
}

static int header_arg(struct pctx *c, const struct tok *t, char **dst)
{
	if (t->quoted || !hdrmed_is_token(t->s, t->len))
		return fail(c, "'%s' is not a header name", t->s);
	if (is_protected(t->s))
		return fail(c,
					"header %s is protected: changing it would break "
					"the transaction or the body",
					t->s);
	return dup_to(c, dst, t->s, t->len);
}

/* parameter value: no blanks, ';' or ',' outside quotes */
static int check_pval(struct pctx *c, const char *v)
{
	int q = 0;

	for (; *v; v++) {
		if (*v == '"')
			q = !q;
		else if (!q && (blank(*v) || *v == ';' || *v == ','))
			return fail(c, "parameter value contains '%c' outside quotes", *v);
	}
	return 0;
}

/* NAME[=VALUE]: VALUE allowed when ALLOW_VAL */
static int param_arg(struct pctx *c, const struct tok *t, int allow_val,
					 struct hdrmed_rule *r)
{
	const char *eq = memchr(t->s, '=', t->len);
	int nlen = eq ? (int)(eq - t->s) : t->len;

	if (!hdrmed_is_token(t->s, nlen))
		return fail(c, "'%.*s' is not a parameter name", nlen, t->s);
	if (eq && !allow_val)
		return fail(c, "a parameter to remove takes no value");
	if (dup_to(c, &r->pname, t->s, nlen) < 0)
		return -1;
	if (!eq)
		return 0;
	if (check_value(c, t, "parameter value") < 0 || check_pval(c, eq + 1) < 0)
		return -1;
	return dup_to(c, &r->pval, eq + 1, t->len - nlen - 1);
}

static int value_arg(struct pctx *c, const struct tok *t, struct hdrmed_val *v)
{
	if (check_value(c, t, "value") < 0 || dup_to(c, &v->s, t->s, t->len) < 0)
		return -1;
	v->len = t->len;
	v->has_pv = memchr(t->s, '$', t->len) != NULL;
	return 0;
}

/*
 * glibc expands bounded repetitions ("a{100}", and "a+" as "aa*") into
 * copies of the expression; nested ones multiply. Refuse what could take a
 * lot of memory: the product of all counts stays at most MAX_REPEAT.
 */
static int is_quant(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

static int too_complex(const char *s)
{
	unsigned long product = 1, n;
	const char *p;
	char *end;
	int prevq = 0;

	if (strlen(s) > MAX_REGEX)
		return 1;
	/* stacked repetitions ("a++", "a*{2}") multiply too */
	for (p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			prevq = 0;
		} else if (*p == '[') {
			p += (p[1] == '^') + 1; /* a leading ']' is literal */
			while (*p && *p != ']')
				p++;
			if (!*p)
				break;
			prevq = 0;
		} else if (is_quant(*p)) {
			if (prevq)
				return 1;
			if (*p == '+')
				product *= 2; /* "a+" is compiled as "aa*" */
			if (*p == '{')
				while (p[1] && *p != '}')
					p++;
			prevq = 1;
		} else {
			prevq = 0;
		}
	}
	if (product > MAX_REPEAT)
		return 1;
	for (p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		n = strtoul(p + 1, &end, 10);
		if (*end == ',')
			n = strtoul(end + 1, &end, 10) > n ? strtoul(end + 1, NULL, 10) : n;
		if (n > MAX_REPEAT)
			return 1;
		product *= n + 1;
		if (product > MAX_REPEAT)
			return 1;
	}
	return 0;
}

static int compile(struct pctx *c, regex_t *re, const char *s, int flags)
{
	char why[128];
	int rc;

	if (too_complex(s))
		return fail(c,
					"regular expression too long or too complex "
					"(at most %d characters, repetition counts "
					"multiplying to at most %d)",
					MAX_REGEX, MAX_REPEAT);
	rc = regcomp(re, s, REG_EXTENDED | flags);

	if (rc != 0) {
		regerror(rc, re, why, sizeof(why));
		regfree(re);
		return fail(c, "bad regular expression '%s': %s", s, why);
	}
	return 0;
}

static int check_refs(struct pctx *c, const struct hdrmed_rule *r)
{
	int i;

	for (i = 0; i + 1 < r->val.len; i++) {
		if (r->val.s[i] != '\\')
			continue;
		i++;
		if (r->val.s[i] >= '0' && r->val.s[i] <= '9' &&
			(size_t)(r->val.s[i] - '0') > r->re.re_nsub)
			return fail(c,
						"replacement refers to \\%c but the regex has %d "
						"group(s)",
						r->val.s[i], (int)r->re.re_nsub);
	}
	return 0;
}

static int pcv_arg(struct pctx *c, const struct tok *t, struct hdrmed_rule *r)
{
	if (check_value(c, t, "value") < 0 || check_pval(c, t->s) < 0)
		return -1;
	if (strncmp(t->s, "orig-ioi=", 9) == 0 && t->len > 9 && !r->orig_ioi)
		return dup_to(c, &r->orig_ioi, t->s + 9, t->len - 9);
	if (strncmp(t->s, "term-ioi=", 9) == 0 && t->len > 9 && !r->term_ioi)
		return dup_to(c, &r->term_ioi, t->s + 9, t->len - 9);
	return fail(c, "pcv takes orig-ioi=VALUE and/or term-ioi=VALUE, not '%s'",
				t->s);
}

/* split A|B|C into list; CHECK validates each item */
static int list_arg(struct pctx *c, const char *s, char **list, int *n,
					int (*check)(const char *, int), const char *what)
{
	const char *p = s, *e;

	do {
		e = strchr(p, '|');
		if (!e)
			e = p + strlen(p);
		if (*n >= HDRMED_MAX_LIST)
			return fail(c, "too many %ss (at most %d)", what, HDRMED_MAX_LIST);
		if (!check(p, (int)(e - p)))
			return fail(c, "'%.*s' is not a %s", (int)(e - p), p, what);
		if (dup_to(c, &list[*n], p, (int)(e - p)) < 0)
			return -1;
		(*n)++;
		p = e + 1;
	} while (*e);
	return 0;
}

static int is_status(const char *s, int len)
{
	return len == 3 && s[0] >= '1' && s[0] <= '6' &&
		   ((s[1] >= '0' && s[1] <= '9') || s[1] == 'x') &&
		   ((s[2] >= '0' && s[2] <= '9') || s[2] == 'x');
}

static int parse_cond(struct pctx *c, const struct tok *t,
					  struct hdrmed_rule *r)
{
	struct hdrmed_cond *k;
	const char *s = t->s, *v, *colon;
	int rc;

	if (r->ncond >= HDRMED_MAX_CONDS)
		return fail(c, "too many conditions (at most %d)", HDRMED_MAX_CONDS);
	k = &r->cond[r->ncond];
	memset(k, 0, sizeof(*k));
	if (*s == '!') {
		k->neg = 1;
		s++;
	}
	v = strchr(s, '=');
	if (!v && !k->neg && strcmp(s, "request") == 0)
		k->type = HDRMED_C_REQUEST;
	else if (!v && !k->neg && strcmp(s, "reply") == 0)
		k->type = HDRMED_C_REPLY;
	else if (!v && strcmp(s, "trusted") == 0)
		k->type = HDRMED_C_TRUSTED;
	else if (!v && !k->neg && strcmp(s, "untrusted") == 0) {
		k->type = HDRMED_C_TRUSTED;
		k->neg = 1;
	} else if (v && v - s == 6 && strncmp(s, "method", 6) == 0) {
		k->type = HDRMED_C_METHOD;
		rc = list_arg(c, v + 1, k->list, &k->nlist, hdrmed_is_token, "method");
		if (rc < 0)
			goto err;
	} else if (v && v - s == 6 && strncmp(s, "status", 6) == 0) {
		k->type = HDRMED_C_STATUS;
		rc = list_arg(c, v + 1, k->list, &k->nlist, is_status,
					  "status (like 200 or 2xx)");
		if (rc < 0)
			goto err;
	} else if (v && v - s == 3 && strncmp(s, "has", 3) == 0) {
		k->type = HDRMED_C_HAS;
		if (!hdrmed_is_token(v + 1, (int)strlen(v + 1))) {
			fail(c, "'%s' is not a header name", v + 1);
			goto err;
		}
		if (dup_to(c, &k->hdr, v + 1, (int)strlen(v + 1)) < 0)
			goto err;
	} else if (v && v - s == 5 && strncmp(s, "match", 5) == 0) {
		k->type = HDRMED_C_MATCH;
		colon = strchr(v + 1, ':');
		if (!colon || !hdrmed_is_token(v + 1, (int)(colon - v - 1))) {
			fail(c, "match takes HEADER:REGEX, not '%s'", v + 1);
			goto err;
		}
		if (dup_to(c, &k->hdr, v + 1, (int)(colon - v - 1)) < 0)
			goto err;
		colon++;
		if (*colon == '"' && strlen(colon) >= 2 &&
			colon[strlen(colon) - 1] == '"') {
			((char *)colon)[strlen(colon) - 1] = '\0';
			colon++;
		}
		if (compile(c, &k->re, colon, REG_NOSUB) < 0)
			goto err;
		k->has_re = 1;
	} else {
		fail(c,
			 "unknown condition '%s' (method=, status=, request, reply, "
			 "has=, match=, trusted, untrusted)",
			 t->s);
		goto err;
	}
	r->ncond++;
	return 0;
err:
	free(k->hdr);
	while (k->nlist > 0)
		free(k->list[--k->nlist]);
	return -1;
}

/* argument count check for SHAPE */
static int arity(struct pctx *c, enum hdrmed_act a, int nargs)
{
	static const int lo[] = {
			[S_HV] = 2, [S_H] = 1, [S_HH] = 2,	[S_HRR] = 3,  [S_HP] = 2,
			[S_P] = 1,	[S_V] = 1, [S_PCV] = 0, [S_HLIST] = 0};
	static const int hi[] = {
			[S_HV] = 2,	 [S_H] = 1,	  [S_HH] = 2,
			[S_HRR] = 3, [S_HP] = 2,  [S_P] = 1,
			[S_V] = 1,	 [S_PCV] = 2, [S_HLIST] = HDRMED_MAX_LIST};
	static const char *const usage[] = {
			[S_HV] = "HEADER VALUE",
			[S_H] = "HEADER",
			[S_HH] = "HEADER NEW-NAME",
			[S_HRR] = "HEADER REGEX REPLACEMENT",
			[S_HP] = "HEADER NAME[=VALUE]",
			[S_P] = "NAME[=VALUE]",
			[S_V] = "VALUE",
			[S_PCV] = "[orig-ioi=VALUE] [term-ioi=VALUE]",
			[S_HLIST] = "[HEADER...]"};
	enum shape s = acts[a].shape;

	if (nargs < lo[s] || nargs > hi[s])
		return fail(c, "%s takes %s (%d argument%s given)", acts[a].name,
					usage[s], nargs, nargs == 1 ? "" : "s");
	return 0;
}

static int parse_args(struct pctx *c, struct hdrmed_rule *r, struct tok *a,
					  int na)
{
	int i, isp = acts[r->act].pflag;

	if (arity(c, r->act, na) < 0)
		return -1;
	switch (acts[r->act].shape) {
	case S_HV:
		return header_arg(c, &a[0], &r->hdr) < 0 ? -1
												 : value_arg(c, &a[1], &r->val);
	case S_H:
		return header_arg(c, &a[0], &r->hdr);
	case S_HH:
		if (header_arg(c, &a[0], &r->hdr) < 0 ||
			header_arg(c, &a[1], &r->hdr2) < 0)
			return -1;
		if (is_from_to(r->hdr2))
			return fail(c, "cannot rename a header to %s", r->hdr2);
		return 0;
	case S_HRR:
		if (header_arg(c, &a[0], &r->hdr) < 0 ||
			value_arg(c, &a[2], &r->val) < 0 ||
			compile(c, &r->re, a[1].s, 0) < 0)
			return -1;
		r->has_re = 1;
		return check_refs(c, r);
	case S_HP:
		if (header_arg(c, &a[0], &r->hdr) < 0 ||
			param_arg(c, &a[1], isp == 1, r) < 0)
			return -1;
		if (is_from_to(r->hdr) &&
			hdrmed_ci_eq(r->pname, (int)strlen(r->pname), "tag", 3) &&
			r->act <= HDRMED_A_PARAM_REMOVE)
			return fail(c, "the tag parameter of %s is protected", r->hdr);
		return 0;
	case S_P:
		return dup_to(c, &r->hdr, "Contact", 7) < 0
					   ? -1
					   : param_arg(c, &a[0], isp == 1, r);
	case S_V:
		return value_arg(c, &a[0], &r->val);
	case S_PCV:
		for (i = 0; i < na; i++)
			if (pcv_arg(c, &a[i], r) < 0)
				return -1;
		return 0;
	case S_HLIST:
		for (i = 0; i < na; i++) {
			if (header_arg(c, &a[i], &r->list[i]) < 0)
				return -1;
			r->nlist++;
		}
		return 0;
	}
	return fail(c, "internal error");
}

static void rule_free(struct hdrmed_rule *r)
{
	int i, j;

	free(r->text);
	free(r->hdr);
	free(r->hdr2);
	free(r->val.s);
	free(r->pname);
	free(r->pval);
	free(r->orig_ioi);
	free(r->term_ioi);
	if (r->has_re)
		regfree(&r->re);
	for (i = 0; i < r->nlist; i++)
		free(r->list[i]);
	for (i = 0; i < r->ncond; i++) {
		free(r->cond[i].hdr);
		if (r->cond[i].has_re)
			regfree(&r->cond[i].re);
		for (j = 0; j < r->cond[i].nlist; j++)
			free(r->cond[i].list[j]);
	}
}

static int parse_rule(struct pctx *c, struct hdrmed_ruleset *rs, int dir,
					  const char *line, int len)
{
	struct hdrmed_rule *r;
	int a, i, nargs;

	for (a = 0; a < HDRMED_A_COUNT; a++)
		if (strcmp(c->t[0].s, acts[a].name) == 0)
			break;
	if (a == HDRMED_A_COUNT || c->t[0].quoted)
		return fail(c, "unknown action '%s'", c->t[0].s);
	if (rs->n >= HDRMED_MAX_RULES)
		return fail(c, "too many rules (at most %d)", HDRMED_MAX_RULES);
	if (rs->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		r = realloc(rs->rules, c->cap * sizeof(*r));
		if (!r)
			return fail(c, "out of memory");
		rs->rules = r;
	}
	r = &rs->rules[rs->n];
	memset(r, 0, sizeof(*r));
	r->act = a;
	r->dir = dir;
	r->line = c->line;
	for (nargs = 1; nargs < c->nt; nargs++)
		if (!c->t[nargs].quoted && strcmp(c->t[nargs].s, "if") == 0)
			break;
	if (parse_args(c, r, c->t + 1, nargs - 1) < 0)
		goto err;
	if (nargs < c->nt && nargs + 1 == c->nt) {
		fail(c, "'if' without a condition");
		goto err;
	}
	for (i = nargs + 1; i < c->nt; i++)
		if (parse_cond(c, &c->t[i], r) < 0)
			goto err;
	while (len > 0 && blank(line[len - 1]))
		len--;
	while (len > 0 && blank(*line)) {
		line++;
		len--;
	}
	if (dup_to(c, &r->text, line, len) < 0)
		goto err;
	rs->n++;
	return 0;
err:
	rule_free(r);
	return -1;
}

static int parse_cidr(struct pctx *c, const char *s, cidr_t *k)
{
	char why[128];

	if (cidr_parse(s, strlen(s), k, why, sizeof(why)) < 0)
		return fail(c, "%s", why);
	return 0;
}

static int parse_line(struct pctx *c, struct hdrmed_ruleset *rs, int *dir,
					  const char *line, int len)
{
	int i;

	if (tokenize(c, line, len) < 0)
		return -1;
	if (c->nt == 0)
		return 0;
	if (c->t[0].s[0] == '[' && !c->t[0].quoted) {
		if (c->nt > 1)
			return fail(c, "a section line holds only [in], [out] or [any]");
		if (strcmp(c->t[0].s, "[in]") == 0)
			*dir = HDRMED_DIR_IN;
		else if (strcmp(c->t[0].s, "[out]") == 0)
			*dir = HDRMED_DIR_OUT;
		else if (strcmp(c->t[0].s, "[any]") == 0)
			*dir = HDRMED_DIR_ANY;
		else
			return fail(c, "unknown section '%s' ([in], [out] or [any])",
						c->t[0].s);
		return 0;
	}
	if (strcmp(c->t[0].s, "trusted") == 0 && !c->t[0].quoted) {
		if (c->nt < 2)
			return fail(c, "trusted takes one or more addresses or CIDRs");
		for (i = 1; i < c->nt; i++) {
			if (rs->ntrusted >= HDRMED_MAX_TRUSTED)
				return fail(c, "too many trusted networks (at most %d)",
							HDRMED_MAX_TRUSTED);
			if (parse_cidr(c, c->t[i].s, &rs->trusted[rs->ntrusted]) < 0)
				return -1;
			rs->ntrusted++;
		}
		return 0;
	}
	return parse_rule(c, rs, *dir, line, len);
}

struct hdrmed_ruleset *hdrmed_rules_parse(const char *text, size_t len,
										  const char *name,
										  struct hdrmed_err *err)
{
	struct hdrmed_ruleset *rs;
	struct pctx *c;
	size_t p = 0, e;
	int dir = HDRMED_DIR_ANY;

	memset(err, 0, sizeof(*err));
	c = calloc(1, sizeof(*c));
	rs = calloc(1, sizeof(*rs));
	if (!c || !rs) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		goto err;
	}
	c->fname = name;
	c->err = err;
	while (p < len) {
		c->line++;
		for (e = p; e < len && text[e] != '\n'; e++)
			;
		if (memchr(text + p, '\0', e - p)) {
			fail(c, "NUL byte in the rule file");
			goto err;
		}
		if (parse_line(c, rs, &dir, text + p, (int)(e - p)) < 0)
			goto err;
		p = e + 1;
	}
	free(c);
	return rs;
err:
	free(c);
	hdrmed_rules_free(rs);
	return NULL;
}

struct hdrmed_ruleset *hdrmed_rules_load(const char *path,
										 struct hdrmed_err *err, char **textp,
										 size_t *lenp)
{
	struct hdrmed_ruleset *rs;
	char *text;
	size_t n;

	memset(err, 0, sizeof(*err));
	text = textfile_read(path, MAX_FILE, &n, err->msg, sizeof(err->msg));
	if (!text)
		return NULL;
	rs = hdrmed_rules_parse(text, n, path, err);
	if (rs && textp) {
		*textp = text;
		*lenp = n;
	} else {
		free(text);
	}
	return rs;
}

void hdrmed_rules_free(struct hdrmed_ruleset *rs)
{
	int i;

	if (!rs)
		return;
	if (rs->rules)
		for (i = 0; i < rs->n; i++)
			rule_free(&rs->rules[i]);
	free(rs->rules);
	free(rs);
}

int hdrmed_rules_trusted(const struct hdrmed_ruleset *rs, const char *ip)
{
	int i;

	for (i = 0; i < rs->ntrusted; i++)
		if (cidr_match(&rs->trusted[i], ip))
			return 1;
	return 0;
}
