/*
 * token_claims.h - the claim rules shared by local JWT verification
 * (token.c) and RFC 7662 introspection answers (token_introspect.c): exp,
 * nbf, iat with a skew, aud, iss, sub. Internal to lib/token. Pure C.
 */
#ifndef IWG_TOKEN_CLAIMS_H
#define IWG_TOKEN_CLAIMS_H

#include <json-c/json.h>

#include "token/token.h"

/*
 * Check the claims object (a JSON object) against o and fill out->sub and
 * the times. exp_required: a missing exp is TOK_MALFORMED (JWTs); else an
 * absent exp is accepted (introspection answers may omit it). Returns
 * TOK_OK or a failure with out->detail set. Does not take ownership.
 */
tok_status_t tok_claims_check(struct json_object *claims, const tok_opts_t *o,
							  int exp_required, tok_claims_t *out);

/* Set out->detail to "<status>: why" and return st. */
tok_status_t tok_fail(tok_claims_t *out, tok_status_t st, const char *why);

#endif
