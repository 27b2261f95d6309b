/*
 * token_params.c - the web-token settings: keys, checks, verification
 * options (token_params.h).
 */
#include "token/token_params.h"

#include <stdio.h>
#include <string.h>

int tok_params_add_key(tok_params_t *p, const char *spec, char *err,
					   size_t errsz)
{
	char why[256];

	if (!spec) {
		snprintf(err, errsz, "'token_key' is not set");
		return -1;
	}
	if (tok_keyset_add_spec(&p->keys, spec, why, sizeof(why)) < 0) {
		snprintf(err, errsz, "'token_key': %s", why);
		return -1;
	}
	return 0;
}

int tok_params_check(const tok_params_t *p, char *err, size_t errsz)
{
	if (!p->audience || !p->issuer) {
		snprintf(err, errsz, "'%s' is not set",
				 p->audience ? "token_issuer" : "token_audience");
		return -1;
	}
	if (p->skew_s < 0) {
		snprintf(err, errsz, "'token_skew' must be at least 0, not %d",
				 p->skew_s);
		return -1;
	}
	if (p->max_len < TOK_MIN_MAXLEN || p->max_len > TOK_MAX_MAXLEN) {
		snprintf(err, errsz, "'token_max_len' must be %d to %d, not %d",
				 TOK_MIN_MAXLEN, TOK_MAX_MAXLEN, p->max_len);
		return -1;
	}
	return 0;
}

void tok_params_opts(const tok_params_t *p, int64_t now, tok_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->audience = *p->audience ? p->audience : NULL;
	o->issuer = *p->issuer ? p->issuer : NULL;
	o->skew_s = p->skew_s;
	o->now = now;
	o->max_len = (size_t)p->max_len;
}

void tok_params_free(tok_params_t *p)
{
	tok_keyset_free(&p->keys);
}
