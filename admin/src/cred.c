/*
 * cred.c - web tokens and ephemeral credentials (see cred.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "cred.h"

int cred_user_ok(const char *user)
{
	size_t n = strlen(user), i;

	if (n == 0 || n > CRED_USER_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)user[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || strchr("._~+-", ch)))
			return 0;
	}
	return 1;
}

int cred_b64url(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	static const char abc[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789-_";
	size_t i, o = 0, need = (n * 4 + 2) / 3;
	uint32_t v;

	if (outsz < need + 1)
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
	}
	out[o] = '\0';
	return (int)o;
}

int cred_ephemeral(const unsigned char *secret, size_t secret_len,
				   const char *user, int64_t expiry, char *username, size_t usz,
				   char *password, size_t psz)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int n;

	n = snprintf(username, usz, "%lld:%s", (long long)expiry, user);
	if (n < 0 || (size_t)n >= usz || psz < 29)
		return -1;
	if (!HMAC(EVP_sha1(), secret, (int)secret_len,
			  (const unsigned char *)username, (size_t)n, mac, &maclen))
		return -1;
	EVP_EncodeBlock((unsigned char *)password, mac, (int)maclen);
	return 0;
}

int cred_jti(char out[23])
{
	unsigned char rnd[16];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	return cred_b64url(rnd, sizeof(rnd), out, 23) < 0 ? -1 : 0;
}

/* base64url of a JSON object's text into a new string */
static char *json_b64url(struct json_object *j)
{
	size_t len;
	const char *txt = json_object_to_json_string_length(
			j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	size_t sz = (len * 4 + 2) / 3 + 1;
	char *out = malloc(sz);

	if (out && cred_b64url((const unsigned char *)txt, len, out, sz) < 0) {
		free(out);
		out = NULL;
	}
	return out;
}

/* ES256: the JOSE signature r || s (32 bytes each) of in[0..n) */
static int sign_es256(EVP_PKEY *key, const char *in, size_t n,
					  unsigned char sig[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128];
	const unsigned char *p = der;
	size_t derlen = sizeof(der);
	ECDSA_SIG *es = NULL;
	const BIGNUM *br, *bs;
	int rc = -1;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
		EVP_DigestSign(md, der, &derlen, (const unsigned char *)in, n) != 1)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	if (!es)
		goto out;
	ECDSA_SIG_get0(es, &br, &bs);
	if (BN_bn2binpad(br, sig, 32) != 32 || BN_bn2binpad(bs, sig + 32, 32) != 32)
		goto out;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return rc;
}

char *cred_jwt(const cred_signer *s, const char *sub, int64_t iat, int64_t exp,
			   const char *jti)
{
	struct json_object *h = json_object_new_object();
	struct json_object *c = json_object_new_object();
	unsigned char sig[EVP_MAX_MD_SIZE > 64 ? EVP_MAX_MD_SIZE : 64];
	unsigned int siglen = 0;
	char *hb = NULL, *cb = NULL, *out = NULL;
	size_t n, sz;

	json_object_object_add(h, "alg",
						   json_object_new_string(s->alg == CONF_CRED_HS256
														  ? "HS256"
														  : "ES256"));
	json_object_object_add(h, "kid", json_object_new_string(s->kid));
	json_object_object_add(h, "typ", json_object_new_string("JWT"));
	json_object_object_add(c, "sub", json_object_new_string(sub));
	json_object_object_add(c, "iat", json_object_new_int64(iat));
	json_object_object_add(c, "nbf", json_object_new_int64(iat));
	json_object_object_add(c, "exp", json_object_new_int64(exp));
	json_object_object_add(c, "jti", json_object_new_string(jti));
	if (s->iss && s->iss[0])
		json_object_object_add(c, "iss", json_object_new_string(s->iss));
	if (s->aud && s->aud[0])
		json_object_object_add(c, "aud", json_object_new_string(s->aud));
	hb = json_b64url(h);
	cb = json_b64url(c);
	if (!hb || !cb)
		goto out;
	n = strlen(hb) + 1 + strlen(cb);
	sz = n + 1 + 88 + 1; /* signature: at most 64 bytes, 86 characters */
	out = malloc(sz);
	if (!out)
		goto out;
	snprintf(out, sz, "%s.%s", hb, cb);
	if (s->alg == CONF_CRED_HS256) {
		if (!HMAC(EVP_sha256(), s->secret, (int)s->secret_len,
				  (const unsigned char *)out, n, sig, &siglen))
			goto err;
	} else {
		if (sign_es256(s->key, out, n, sig) < 0)
			goto err;
		siglen = 64;
	}
	out[n] = '.';
	if (cred_b64url(sig, siglen, out + n + 1, sz - n - 1) < 0)
		goto err;
	goto out;
err:
	free(out);
	out = NULL;
out:
	free(hb);
	free(cb);
	json_object_put(h);
	json_object_put(c);
	return out;
}
