/*
 * token.c - JWT verification: header pre-check and key choice here,
 * signature and claim access through libjwt, claim rules here.
 */
#include "token/token.h"
#include "token/token_claims.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <jwt.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static const char *const tok_names[] = {
		[TOK_OK] = "ok",
		[TOK_MALFORMED] = "malformed",
		[TOK_TOO_LONG] = "too long",
		[TOK_ALG_REFUSED] = "algorithm refused",
		[TOK_UNKNOWN_KID] = "unknown key id",
		[TOK_BAD_SIGNATURE] = "bad signature",
		[TOK_EXPIRED] = "expired",
		[TOK_NOT_YET_VALID] = "not yet valid",
		[TOK_BAD_AUDIENCE] = "wrong audience",
		[TOK_BAD_ISSUER] = "wrong issuer",
		[TOK_INACTIVE] = "inactive",
		[TOK_UNAVAILABLE] = "introspection unavailable",
		[TOK_INTERNAL] = "internal error",
};
_Static_assert(sizeof(tok_names) / sizeof(tok_names[0]) == TOK_STATUS_COUNT,
			   "one name per status");

const char *tok_status_str(tok_status_t st)
{
	return (unsigned)st < TOK_STATUS_COUNT ? tok_names[st] : "?";
}

void tok_keyset_init(tok_keyset_t *ks)
{
	memset(ks, 0, sizeof(*ks));
}

void tok_keyset_free(tok_keyset_t *ks)
{
	int i;
	for (i = 0; i < ks->n; i++) {
		if (ks->keys[i].material) {
			memset(ks->keys[i].material, 0, ks->keys[i].len);
			free(ks->keys[i].material);
		}
	}
	tok_keyset_init(ks);
}

__attribute__((format(printf, 3, 4))) static int
tok_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* a PEM public key on P-256; 0 when it is one */
static int tok_check_es256_pem(const unsigned char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	char group[32] = "";
	size_t glen = 0;
	int ok = k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
			 EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group),
											&glen) == 1 &&
			 strcmp(group, "prime256v1") == 0;
	EVP_PKEY_free(k);
	BIO_free(bio);
	return ok ? 0 : -1;
}

int tok_keyset_add(tok_keyset_t *ks, const char *kid, const char *alg,
				   const unsigned char *material, size_t len, char *err,
				   size_t errsz)
{
	tok_key_t *k;
	tok_alg_t a;
	int i;
	if (!kid)
		kid = "";
	if (ks->n == TOK_MAX_KEYS)
		return tok_err(err, errsz, "more than %d keys", TOK_MAX_KEYS);
	if (strlen(kid) > TOK_KID_MAX)
		return tok_err(err, errsz, "kid longer than %d", TOK_KID_MAX);
	if (strcmp(alg, "HS256") == 0)
		a = TOK_HS256;
	else if (strcmp(alg, "ES256") == 0)
		a = TOK_ES256;
	else
		return tok_err(err, errsz, "alg must be HS256 or ES256, not '%.20s'",
					   alg);
	for (i = 0; kid[0] && i < ks->n; i++)
		if (strcmp(ks->keys[i].kid, kid) == 0)
			return tok_err(err, errsz, "kid '%s' given twice", kid);
	if (a == TOK_HS256 && len < TOK_HS_MIN_KEY)
		return tok_err(err, errsz, "HS256 secret shorter than %d bytes",
					   TOK_HS_MIN_KEY);
	if (a == TOK_ES256 && tok_check_es256_pem(material, len) < 0)
		return tok_err(err, errsz, "not a PEM public key on P-256");
	k = &ks->keys[ks->n];
	if (!(k->material = malloc(len + 1)))
		return tok_err(err, errsz, "out of memory");
	memcpy(k->material, material, len);
	k->material[len] = '\0';
	k->len = len;
	k->alg = a;
	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	ks->n++;
	return 0;
}

int tok_keyset_add_spec(tok_keyset_t *ks, const char *spec, char *err,
						size_t errsz)
{
	char buf[1024], *tok, *save = NULL, *kid = "", *alg = NULL, *file = NULL;
	unsigned char data[16384];
	size_t n;
	FILE *f;
	int rc;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return tok_err(err, errsz, "key spec too long");
	for (tok = strtok_r(buf, ";", &save); tok;
		 tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		while (*tok == ' ')
			tok++;
		if (!eq)
			return tok_err(err, errsz, "'%.40s' is not name=value", tok);
		*eq = '\0';
		if (strcmp(tok, "kid") == 0)
			kid = eq + 1;
		else if (strcmp(tok, "alg") == 0)
			alg = eq + 1;
		else if (strcmp(tok, "file") == 0)
			file = eq + 1;
		else
			return tok_err(err, errsz,
						   "unknown key attribute '%.20s' (kid, "
						   "alg, file)",
						   tok);
	}
	if (!alg || !file)
		return tok_err(err, errsz, "key spec needs alg= and file=");
	if (!(f = fopen(file, "rb")))
		return tok_err(err, errsz, "%s: %s", file, strerror(errno));
	n = fread(data, 1, sizeof(data), f);
	rc = ferror(f) || !feof(f);
	fclose(f);
	if (rc)
		return tok_err(err, errsz, "%s: unreadable or larger than %zu bytes",
					   file, sizeof(data));
	if (strcmp(alg, "HS256") == 0 && n && data[n - 1] == '\n')
		n--;
	if (tok_keyset_add(ks, kid, alg, data, n, buf, sizeof(buf)) < 0) {
		memset(data, 0, sizeof(data));
		return tok_err(err, errsz, "%s: %s", file, buf);
	}
	memset(data, 0, sizeof(data));
	return 0;
}

/* decode base64url (no padding) s[0..len) into out; -1 on a bad char */
static long tok_b64url(const char *s, size_t len, unsigned char *out,
					   size_t outsz)
{
	unsigned int acc = 0, bits = 0;
	size_t i, n = 0;
	for (i = 0; i < len; i++) {
		int v;
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-')
			v = 62;
		else if (c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outsz)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return len % 4 == 1 ? -1 : (long)n;
}

/* header: alg and kid, with "crit" refused; TOK_OK or a failure */
static tok_status_t tok_header(const char *h, size_t hl, tok_alg_t *alg,
							   tok_claims_t *out)
{
	unsigned char buf[1024];
	long n = tok_b64url(h, hl, buf, sizeof(buf));
	struct json_object *o, *v;
	struct json_tokener *tk;
	tok_status_t st = TOK_OK;
	const char *a;

	if (n <= 0)
		return tok_fail(out, TOK_MALFORMED, "header is not base64url");
	if (!(tk = json_tokener_new_ex(4)))
		return tok_fail(out, TOK_INTERNAL, "out of memory");
	o = json_tokener_parse_ex(tk, (const char *)buf, (int)n);
	if (!o || json_tokener_get_parse_end(tk) != (size_t)n ||
		!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		json_tokener_free(tk);
		return tok_fail(out, TOK_MALFORMED, "header is not a JSON object");
	}
	json_tokener_free(tk);
	if (!json_object_object_get_ex(o, "alg", &v) ||
		!json_object_is_type(v, json_type_string))
		st = tok_fail(out, TOK_MALFORMED, "no alg in the header");
	else if (strcmp((a = json_object_get_string(v)), "HS256") == 0)
		*alg = TOK_HS256;
	else if (strcmp(a, "ES256") == 0)
		*alg = TOK_ES256;
	else
		st = tok_fail(out, TOK_ALG_REFUSED, "only HS256 and ES256 accepted");
	if (st == TOK_OK && json_object_object_get_ex(o, "crit", NULL))
		st = tok_fail(out, TOK_MALFORMED, "crit header not supported");
	if (st == TOK_OK && json_object_object_get_ex(o, "kid", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
			json_object_get_string_len(v) > TOK_KID_MAX ||
			json_object_get_string_len(v) == 0)
			st = tok_fail(out, TOK_UNKNOWN_KID, "kid is not a short string");
		else
			snprintf(out->kid, sizeof(out->kid), "%s",
					 json_object_get_string(v));
	}
	json_object_put(o);
	return st;
}

/* the claims of a decoded token, checked by the shared rules */
static tok_status_t tok_claims(jwt_t *j, const tok_opts_t *o, tok_claims_t *out)
{
	char *js = jwt_get_grants_json(j, NULL);
	struct json_object *c = NULL;
	struct json_tokener *tk;
	tok_status_t st;
	if (!js)
		return tok_fail(out, TOK_MALFORMED, "no claims");
	if (!(tk = json_tokener_new_ex(16))) {
		free(js);
		return tok_fail(out, TOK_INTERNAL, "out of memory");
	}
	c = json_tokener_parse_ex(tk, js, (int)strlen(js));
	json_tokener_free(tk);
	free(js);
	st = c ? tok_claims_check(c, o, 1, out)
		   : tok_fail(out, TOK_MALFORMED, "claims are not JSON");
	json_object_put(c);
	return st;
}

tok_status_t tok_verify(const tok_keyset_t *ks, const tok_opts_t *opts,
						const char *token, size_t len, tok_claims_t *out)
{
	const char *d1, *d2;
	char *copy;
	tok_alg_t alg = 0;
	tok_status_t st;
	jwt_t *j = NULL;
	int i, tried = 0;
	size_t max = opts->max_len ? opts->max_len : TOK_DEFAULT_MAXLEN;

	memset(out, 0, sizeof(*out));
	if (len > max)
		return tok_fail(out, TOK_TOO_LONG, "token longer than the maximum");
	if (!(d1 = memchr(token, '.', len)) ||
		!(d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) ||
		memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) ||
		memchr(token, '\0', len) || d2 + 1 == token + len)
		return tok_fail(out, TOK_MALFORMED, "not three dot-separated parts");
	if ((st = tok_header(token, (size_t)(d1 - token), &alg, out)) != TOK_OK)
		return st;
	if (!(copy = malloc(len + 1)))
		return tok_fail(out, TOK_INTERNAL, "out of memory");
	memcpy(copy, token, len);
	copy[len] = '\0';
	st = TOK_UNKNOWN_KID;
	for (i = 0; i < ks->n && !j; i++) {
		const tok_key_t *k = &ks->keys[i];
		if (strcmp(k->kid, out->kid) != 0)
			continue;
		if (k->alg != alg) {
			st = TOK_ALG_REFUSED;
			continue;
		}
		tried = 1;
		if (jwt_decode(&j, copy, k->material, (int)k->len) != 0)
			j = NULL;
	}
	free(copy);
	if (!j) {
		if (tried)
			return tok_fail(out, TOK_BAD_SIGNATURE,
							"no key verifies the signature");
		return tok_fail(out, st,
						st == TOK_ALG_REFUSED ? "key is for another algorithm"
											  : "no key with this kid");
	}
	/* libjwt decoded it with a key of our choosing; still insist on the
	 * algorithm it used */
	if (jwt_get_alg(j) != (alg == TOK_HS256 ? JWT_ALG_HS256 : JWT_ALG_ES256))
		st = tok_fail(out, TOK_ALG_REFUSED, "algorithm changed");
	else
		st = tok_claims(j, opts, out);
	jwt_free(j);
	return st;
}
