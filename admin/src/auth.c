/*
 * auth.c - API key hashing and lookup (OpenSSL libcrypto).
 */
#include <strings.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"

void auth_hash(const char *key, size_t len, unsigned char out[CONF_HASH_LEN])
{
	unsigned int n = 0;

	if (!EVP_Digest(key, len, out, &n, EVP_sha256(), NULL) ||
		n != CONF_HASH_LEN)
		memset(out, 0, CONF_HASH_LEN); /* matches no configured hash */
}

void auth_hash_hex(const char *key, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char h[CONF_HASH_LEN];
	int i;

	auth_hash(key, len, h);
	for (i = 0; i < CONF_HASH_LEN; i++) {
		hex[2 * i] = digits[h[i] >> 4];
		hex[2 * i + 1] = digits[h[i] & 15];
	}
	hex[64] = '\0';
}

/* a key is printable ASCII without blanks */
static int auth_key_ok(const char *k, size_t len)
{
	size_t i;

	if (len == 0 || len > AUTH_KEY_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)k[i] <= ' ' || (unsigned char)k[i] >= 0x7f)
			return 0;
	return 1;
}

int auth_extract(const char *authorization, const char *x_api_key,
				 const char **key, size_t *len)
{
	const char *p;

	if (authorization) {
		if (strncasecmp(authorization, "Bearer ", 7))
			return -1;
		p = authorization + 7;
		while (*p == ' ')
			p++;
		*key = p;
		*len = strlen(p);
		while (*len && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
			(*len)--;
		return auth_key_ok(*key, *len) ? 1 : -1;
	}
	if (x_api_key) {
		*key = x_api_key;
		*len = strlen(x_api_key);
		return auth_key_ok(*key, *len) ? 1 : -1;
	}
	return 0;
}

const conf_key *auth_lookup(const conf_settings *c, const char *key, size_t len)
{
	unsigned char h[CONF_HASH_LEN];
	const conf_key *found = NULL;
	int i;

	auth_hash(key, len, h);
	for (i = 0; i < c->n_keys; i++) {
		/* no early exit: every key is compared */
		if (CRYPTO_memcmp(h, c->keys[i].hash, CONF_HASH_LEN) == 0 && !found)
			found = &c->keys[i];
	}
	return found;
}
