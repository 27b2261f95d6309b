/*
 * ccroute_rules.h - iwg_ccroute rule tables: the contact-center routing
 * rules file, its parser, the evaluation against a call's context and the
 * header substitution (pure C, no Kamailio headers).
 *
 * One rule per line, columns separated by '|', first match wins, '#' at
 * the start of a line makes it a comment, blank lines are ignored:
 *
 *   name | when | set [| Header: value ...]
 *
 *   when: '*' or space-separated conditions, all must hold:
 *         key=value key!=value key~ERE key>=N key<=N key? !key
 *
 * The full reference is in the module README. A table is immutable after
 * parsing: evaluation and substitution only read it.
 */
#ifndef IWG_CCROUTE_RULES_H
#define IWG_CCROUTE_RULES_H

#include <regex.h>
#include <stddef.h>

#define CCROUTE_MAX_RULES 256
#define CCROUTE_MAX_CONDS 8
#define CCROUTE_MAX_HDRS  8
#define CCROUTE_MAX_LINE  1024 /* bytes of one line, without its end */
#define CCROUTE_NAME_MAX  32   /* rule names */
#define CCROUTE_KEY_MAX	  32   /* context keys */
#define CCROUTE_HNAME_MAX 64   /* header names */
#define CCROUTE_VALUE_MAX 256  /* a header value after substitution */
#define CCROUTE_SET_MAX	  65535
#define CCROUTE_CTX_MAX	  32 /* context pairs an evaluation looks at */
#define CCROUTE_MAX_FILE  (1024 * 1024) /* bytes of a rules file */
/* a substituted header line "Name: value" with its NUL */
#define CCROUTE_HDR_BUF (CCROUTE_HNAME_MAX + 2 + CCROUTE_VALUE_MAX + 1)

enum ccroute_op {
	CCROUTE_EQ = 0, /* key=value, case-insensitive */
	CCROUTE_NE,		/* key!=value */
	CCROUTE_RE,		/* key~ERE, case-insensitive, unanchored */
	CCROUTE_GE,		/* key>=N */
	CCROUTE_LE,		/* key<=N */
	CCROUTE_SET,	/* key?  present and non-empty */
	CCROUTE_UNSET,	/* !key  absent or empty */
};

struct ccroute_cond {
	enum ccroute_op op;
	char *key;
	char *value;   /* EQ, NE, RE (the regex as written); NULL otherwise */
	long long num; /* GE, LE */
	regex_t re;	   /* RE */
	int has_re;
};

struct ccroute_hdr {
	char *text;	  /* the column as written: "X-Language: {language}" */
	int name_len; /* the name is text[0..name_len) */
	char *tmpl;	  /* the value template, inside text */
};

struct ccroute_rule {
	char *name;
	char *when; /* the condition column as written ("*" for always) */
	int set;	/* dispatcher set id, 1..65535 */
	int line;	/* line in the rules file */
	struct ccroute_cond conds[CCROUTE_MAX_CONDS];
	int nconds; /* 0: always */
	struct ccroute_hdr hdrs[CCROUTE_MAX_HDRS];
	int nhdrs;
};

struct ccroute_table {
	struct ccroute_rule *rules;
	int n;
};

/* where and why parsing failed: "file:line: reason" in msg */
struct ccroute_err {
	int line; /* 0 when not tied to a line (cannot open, ...) */
	char msg[320];
};

/* one context entry; both strings NUL-terminated, owned by the caller */
struct ccroute_kv {
	const char *key;
	const char *val;
};

/*
 * Parse the rules in TEXT[0..LEN) (FILE is the name used in messages).
 * Returns a new table with at least one rule (free with ccroute_free), or
 * NULL with ERR filled: "FILE:LINE: reason". Stops at the first error.
 */
struct ccroute_table *ccroute_parse(const char *text, size_t len,
									const char *file, struct ccroute_err *err);

/*
 * Read and parse the file PATH (at most CCROUTE_MAX_FILE bytes). Returns
 * the table, or NULL with ERR filled ("PATH: cannot open: ...",
 * "PATH:LINE: reason").
 */
struct ccroute_table *ccroute_load(const char *path, struct ccroute_err *err);

/* free a table (NULL is fine); its rules' pointers become invalid */
void ccroute_free(struct ccroute_table *t);

/*
 * Evaluate T against the context CTX[0..N) (a key may appear more than
 * once: the first entry counts; keys are compared exactly). Returns the
 * index of the first rule whose conditions all hold, or -1 when none does.
 */
int ccroute_eval(const struct ccroute_table *t, const struct ccroute_kv *ctx,
				 int n);

/*
 * Write header H with its {key} placeholders replaced from CTX[0..N) into
 * OUT[0..SIZE) as "Name: value" (no line end), NUL-terminated. Substituted
 * values lose their CR, LF and NUL bytes; the value is trimmed and cut at
 * CCROUTE_VALUE_MAX bytes. Returns the length written, 0 when the value is
 * empty (the header is not to be added), -1 when SIZE is below
 * CCROUTE_HDR_BUF.
 */
int ccroute_subst(const struct ccroute_hdr *h, const struct ccroute_kv *ctx,
				  int n, char *out, size_t size);

/*
 * Split a test context "key=value;key=value" in place (BUF is modified and
 * must outlive KV) into KV[0..MAX). Empty items are skipped; a value may
 * be empty. Returns the number of pairs, or -1 with a reason in
 * ERR[0..ERRSZ) (an item without '=', an empty key, more than MAX items).
 */
int ccroute_ctx_parse(char *buf, struct ccroute_kv *kv, int max, char *err,
					  size_t errsz);

#endif
