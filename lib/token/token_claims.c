/*
 * token_claims.c - claim rules of signed and introspected tokens.
 */
#include "token/token_claims.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

tok_status_t tok_fail(tok_claims_t *out, tok_status_t st, const char *why)
{
	snprintf(out->detail, sizeof(out->detail), "%s: %s", tok_status_str(st),
			 why);
	return st;
}

/* NumericDates after 9999-12-31 are refused: no overflow in the checks */
#define TOK_TIME_MAX 253402300799LL

/* a NumericDate claim: 0 absent, 1 present, -1 not a number in 0..max */
static int tok_time(struct json_object *o, const char *name, int64_t *v)
{
	struct json_object *x;
	double d;
	if (!json_object_object_get_ex(o, name, &x))
		return 0;
	if (json_object_is_type(x, json_type_int)) {
		*v = json_object_get_int64(x);
		return *v >= 0 && *v <= TOK_TIME_MAX ? 1 : -1;
	}
	if (!json_object_is_type(x, json_type_double))
		return -1;
	d = json_object_get_double(x);
	if (!isfinite(d) || d < 0 || d > (double)TOK_TIME_MAX)
		return -1;
	*v = (int64_t)d;
	return 1;
}

/* a string claim equal to want */
static int tok_str_is(struct json_object *o, const char *name, const char *want)
{
	struct json_object *x;
	return json_object_object_get_ex(o, name, &x) &&
		   json_object_is_type(x, json_type_string) &&
		   strcmp(json_object_get_string(x), want) == 0;
}

/* audience: a string or an array of strings containing want */
static int tok_aud_ok(struct json_object *o, const char *want)
{
	struct json_object *a;
	size_t i;
	if (tok_str_is(o, "aud", want))
		return 1;
	if (!json_object_object_get_ex(o, "aud", &a) ||
		!json_object_is_type(a, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		if (json_object_is_type(e, json_type_string) &&
			strcmp(json_object_get_string(e), want) == 0)
			return 1;
	}
	return 0;
}

tok_status_t tok_claims_check(struct json_object *claims, const tok_opts_t *o,
							  int exp_required, tok_claims_t *out)
{
	struct json_object *s;
	int has;
	if (!json_object_is_type(claims, json_type_object))
		return tok_fail(out, TOK_MALFORMED, "claims are not a JSON object");
	if ((has = tok_time(claims, "exp", &out->exp)) < 0 ||
		(!has && exp_required))
		return tok_fail(out, TOK_MALFORMED,
						has ? "exp is not a number in range"
							: "exp is required");
	if (tok_time(claims, "nbf", &out->nbf) < 0 ||
		tok_time(claims, "iat", &out->iat) < 0)
		return tok_fail(out, TOK_MALFORMED,
						"nbf or iat is not a number in range");
	if (has && o->now > out->exp + o->skew_s)
		return tok_fail(out, TOK_EXPIRED, "exp is in the past");
	if (out->nbf && o->now + o->skew_s < out->nbf)
		return tok_fail(out, TOK_NOT_YET_VALID, "nbf is in the future");
	if (out->iat && o->now + o->skew_s < out->iat)
		return tok_fail(out, TOK_NOT_YET_VALID, "iat is in the future");
	if (o->issuer && o->issuer[0] && !tok_str_is(claims, "iss", o->issuer))
		return tok_fail(out, TOK_BAD_ISSUER, "iss is not the expected one");
	if (o->audience && o->audience[0] && !tok_aud_ok(claims, o->audience))
		return tok_fail(out, TOK_BAD_AUDIENCE, "aud is not the expected one");
	if (!json_object_object_get_ex(claims, "sub", &s) ||
		!json_object_is_type(s, json_type_string) ||
		json_object_get_string_len(s) == 0 ||
		json_object_get_string_len(s) > TOK_SUB_MAX ||
		strlen(json_object_get_string(s)) !=
				(size_t)json_object_get_string_len(s))
		return tok_fail(out, TOK_MALFORMED, "sub missing, empty or too long");
	snprintf(out->sub, sizeof(out->sub), "%s", json_object_get_string(s));
	return TOK_OK;
}
