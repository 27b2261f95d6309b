/*
 * token_params.h - the web-token settings as an operator writes them (the
 * parameters token_key, token_audience, token_issuer, token_skew and
 * token_max_len of iwg_idmap and iwg_verto): one struct with its
 * defaults and keyset, one check, the verification options it gives
 * (token.h), and the Kamailio parameter table entries that fill it.
 *
 * Pure C, no Kamailio header: TOK_PARAMS_EXPORTS only expands to
 * param_export_t entries in a module file that includes Kamailio's
 * sr_module.h.
 */
#ifndef IWG_TOKEN_PARAMS_H
#define IWG_TOKEN_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "token/token.h"

#define TOK_DEFAULT_SKEW 30
#define TOK_MIN_MAXLEN	 16 /* token_max_len below this refuses every JWT */
#define TOK_MAX_MAXLEN                                  \
	65536 /* token_max_len above this: no real token is \
		   * that long, and every one is parsed whole */

/*
 * The values as given. Strings are borrowed, NUL-terminated (string
 * literals by default, Kamailio's pkg copies of modparam values). The
 * keyset is owned: tok_params_free() frees its key material.
 */
typedef struct tok_params {
	tok_keyset_t keys; /* token_key, one tok_params_add_key() per value */
	char *audience;	   /* token_audience: "" not checked */
	char *issuer;	   /* token_issuer: "" not checked */
	int skew_s;		   /* token_skew: >= 0 */
	int max_len;	   /* token_max_len: TOK_MIN_MAXLEN..TOK_MAX_MAXLEN */
} tok_params_t;

/* the defaults (no key: tokens are refused), as an initialiser */
/* clang-format off */
#define TOK_PARAMS_DEFAULT {                                    \
	.audience = "", .issuer = "", .skew_s = TOK_DEFAULT_SKEW,   \
	.max_len = TOK_DEFAULT_MAXLEN }
/* clang-format on */

/*
 * One token_key value, "kid=K;alg=HS256|ES256;file=PATH" (token.h,
 * tok_keyset_add_spec), added to p->keys. Returns 0, or -1 with err[errsz]
 * saying why, prefixed "'token_key': ".
 */
int tok_params_add_key(tok_params_t *p, const char *spec, char *err,
					   size_t errsz);

/*
 * Check the values other than the keys (checked as they are added).
 * Returns 0, or -1 with err[errsz] naming the parameter and the rule it
 * breaks ("'token_skew' must be at least 0, not -1"). A NULL string is an
 * error.
 */
int tok_params_check(const tok_params_t *p, char *err, size_t errsz);

/*
 * The verification options of p at unix time now: audience and issuer
 * point into p (NULL when ""), valid while p's strings are.
 */
void tok_params_opts(const tok_params_t *p, int64_t now, tok_opts_t *o);

/* Free the key material; p's keyset is then empty. */
void tok_params_free(tok_params_t *p);

/* the param_export_t entries of the parameters above, filling the
 * tok_params_t lvalue p; key_fn is the module's USE_FUNC_PARAM function
 * for token_key (which calls tok_params_add_key on p) */
/* clang-format off */
#define TOK_PARAMS_EXPORTS(p, key_fn)                               \
	{"token_key", PARAM_STRING | USE_FUNC_PARAM, (void *)(key_fn)}, \
	{"token_audience", PARAM_STRING, &(p).audience},                \
	{"token_issuer", PARAM_STRING, &(p).issuer},                    \
	{"token_skew", PARAM_INT, &(p).skew_s},                         \
	{"token_max_len", PARAM_INT, &(p).max_len}
/* clang-format on */

#endif
