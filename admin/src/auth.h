/*
 * auth.h - API keys: hashing, extraction from headers, constant-time lookup.
 *
 * Keys are never stored: the configuration holds SHA-256(key) per key id.
 * A presented key is hashed and compared with every configured hash in
 * constant time (CRYPTO_memcmp), without an early exit, so the time taken
 * does not tell which key or how many bytes matched.
 */
#ifndef IWG_ADMIND_AUTH_H
#define IWG_ADMIND_AUTH_H

#include <stddef.h>

#include "conf.h"

/* longest API key accepted (bytes) */
#define AUTH_KEY_MAX 256

/* SHA-256 of key[0..len) into out. */
void auth_hash(const char *key, size_t len, unsigned char out[CONF_HASH_LEN]);

/* Lower-case hex of SHA-256(key) into hex[65] (NUL-terminated). */
void auth_hash_hex(const char *key, size_t len, char hex[65]);

/*
 * The key a request presents: "Authorization: Bearer <key>" (scheme
 * case-insensitive) or else "X-API-Key: <key>"; either header may be NULL.
 * Returns 1 with *key and *len pointing into the header, 0 when no key is
 * presented, -1 when a header is malformed (other scheme, empty or longer
 * than AUTH_KEY_MAX).
 */
int auth_extract(const char *authorization, const char *x_api_key,
				 const char **key, size_t *len);

/*
 * The configured key whose hash matches key[0..len), or NULL. Every
 * configured key is compared, whatever matches first.
 */
const conf_key *auth_lookup(const conf_settings *c, const char *key,
							size_t len);

#endif
