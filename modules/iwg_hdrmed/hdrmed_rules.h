/*
 * hdrmed_rules.h - iwg_hdrmed rule files: grammar, parser and the parsed
 * representation (pure C, no Kamailio headers).
 *
 * One rule per line; '#' starts a comment outside quotes; blank lines are
 * ignored. The full grammar is in the module README. In short:
 *
 *   [in] | [out] | [any]            rules below apply to that direction
 *   trusted <cidr> [<cidr>...]      sources whose trust-domain headers stay
 *   <action> <args...> [if <cond> [<cond>...]]
 *
 * A token is either a "quoted string" (quotes removed, \" and \\ escapes)
 * or a run of non-blank characters in which quoted parts (kept with their
 * quotes) may contain blanks, e.g. +g.3gpp.icsi-ref="urn%3Aurn-7%3A...".
 * A ruleset is immutable after parsing and may be shared by readers.
 */
#ifndef IWG_HDRMED_RULES_H
#define IWG_HDRMED_RULES_H

#include <regex.h>
#include <stddef.h>

#include "cidr/cidr.h"

#define HDRMED_MAX_RULES   1024
#define HDRMED_MAX_CONDS   8
#define HDRMED_MAX_TRUSTED 32
#define HDRMED_MAX_LIST	   16 /* methods, status classes, strip headers */

enum hdrmed_dir {
	HDRMED_DIR_IN = 1,
	HDRMED_DIR_OUT = 2,
	HDRMED_DIR_ANY = 3,
};

enum hdrmed_act {
	HDRMED_A_ADD = 0,
	HDRMED_A_ADD_ABSENT,
	HDRMED_A_REMOVE,
	HDRMED_A_RENAME,
	HDRMED_A_SET,
	HDRMED_A_REPLACE,
	HDRMED_A_REWRITE,
	HDRMED_A_PARAM_ADD,
	HDRMED_A_PARAM_SET,
	HDRMED_A_PARAM_REMOVE,
	HDRMED_A_URIPARAM_ADD,
	HDRMED_A_URIPARAM_SET,
	HDRMED_A_URIPARAM_REMOVE,
	HDRMED_A_TAG_ADD,
	HDRMED_A_TAG_REMOVE,
	HDRMED_A_PCV,
	HDRMED_A_PANI,
	HDRMED_A_PVNI,
	HDRMED_A_MASK_UA,
	HDRMED_A_MASK_SERVER,
	HDRMED_A_STRIP_UNTRUSTED,
	HDRMED_A_COUNT
};

/* the keyword of an action, e.g. "uri-param-set" */
const char *hdrmed_act_name(enum hdrmed_act a);

enum hdrmed_cond_type {
	HDRMED_C_METHOD = 0,
	HDRMED_C_REQUEST,
	HDRMED_C_REPLY,
	HDRMED_C_STATUS,
	HDRMED_C_HAS,
	HDRMED_C_MATCH,
	HDRMED_C_TRUSTED,
};

/* a string that may need pseudo-variable expansion at apply time */
struct hdrmed_val {
	char *s;
	int len;
	int has_pv; /* contains '$': the caller's expand hook is used */
};

struct hdrmed_cond {
	enum hdrmed_cond_type type;
	int neg;
	char *hdr; /* HAS, MATCH */
	regex_t re;
	int has_re;
	char *list[HDRMED_MAX_LIST]; /* METHOD names, STATUS patterns "2xx" */
	int nlist;
};

struct hdrmed_rule {
	enum hdrmed_act act;
	int dir;			   /* mask of hdrmed_dir */
	int line;			   /* line in the rule file */
	char *text;			   /* the rule line as written, trimmed (for stats) */
	char *hdr;			   /* header the action works on */
	char *hdr2;			   /* RENAME: new name */
	struct hdrmed_val val; /* value (ADD, SET, ..), REWRITE replacement */
	char *pname;		   /* parameter name */
	char *pval;			   /* parameter value, NULL for a flag */
	regex_t re;			   /* REWRITE */
	int has_re;
	char *orig_ioi;				 /* PCV */
	char *term_ioi;				 /* PCV */
	char *list[HDRMED_MAX_LIST]; /* STRIP_UNTRUSTED headers */
	int nlist;
	struct hdrmed_cond cond[HDRMED_MAX_CONDS];
	int ncond;
};

struct hdrmed_ruleset {
	struct hdrmed_rule *rules;
	int n;
	cidr_t trusted[HDRMED_MAX_TRUSTED];
	int ntrusted;
};

/* where and why parsing failed: "file:line: reason" in msg */
struct hdrmed_err {
	int line; /* 0 when not tied to a line (e.g. cannot open) */
	char msg[256];
};

/*
 * Parse rule text TEXT[0..LEN) (NAME is the file name used in messages).
 * Returns a new ruleset (free with hdrmed_rules_free), or NULL with ERR
 * filled: "NAME:LINE: reason". Stops at the first error.
 */
struct hdrmed_ruleset *hdrmed_rules_parse(const char *text, size_t len,
										  const char *name,
										  struct hdrmed_err *err);

/*
 * Read and parse the file PATH. Returns the ruleset, or NULL with ERR
 * filled. When TEXTP is not NULL it receives the file's bytes (malloc'd,
 * NUL-terminated, length in *LENP) on success, for callers that share the
 * validated text with other processes.
 */
struct hdrmed_ruleset *hdrmed_rules_load(const char *path,
										 struct hdrmed_err *err, char **textp,
										 size_t *lenp);

/* free a ruleset (NULL is fine) */
void hdrmed_rules_free(struct hdrmed_ruleset *rs);

/* 1 when the textual IPv4/IPv6 address IP is inside a trusted CIDR */
int hdrmed_rules_trusted(const struct hdrmed_ruleset *rs, const char *ip);

/* the headers stripped by "strip-untrusted" without arguments */
extern const char *const hdrmed_trust_headers[];

#endif
