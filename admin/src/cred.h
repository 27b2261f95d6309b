/*
 * cred.h - the credentials POST /api/v1/credentials issues, and the key
 * material they need:
 *
 *   token      a web token (JWT, RFC 7519) signed ES256 (P-256 private key)
 *              or HS256 (a secret of at least 32 bytes): header {alg, kid,
 *              typ}, claims {sub, iat, nbf, exp, jti, iss?, aud?}, as
 *              lib/token (iwg_idmap) verifies them;
 *   ephemeral  time-limited credentials as kamcfg/edge/auth.cfg checks them
 *              (auth_ephemeral): username "<expiry>:<user>", password
 *              base64(HMAC-SHA1(secret, username)).
 *
 * cred_user_ok(), cred_b64url(), cred_ephemeral() and cred_jwt() are pure
 * (OpenSSL, no I/O); cred_load() reads the files the configuration names.
 */
#ifndef IWG_ADMIND_CRED_H
#define IWG_ADMIND_CRED_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define CRED_USER_MAX	  64
#define CRED_SECRET_MIN	  32 /* bytes of an HS256 key or ephemeral secret */
#define CRED_SECRET_MAX	  4096
#define CRED_USERNAME_MAX (24 + CRED_USER_MAX) /* "<expiry>:<user>" */
#define CRED_PASSWORD_MAX 32				   /* base64 of 20 bytes: 28 */

struct evp_pkey_st;

/* what a credential is made with; read-only after cred_load() */
typedef struct cred_signer {
	int kind;				 /* CONF_CRED_* */
	int alg;				 /* CONF_CRED_ES256, CONF_CRED_HS256 (token) */
	const char *kid;		 /* token: header kid */
	const char *iss, *aud;	 /* token: claims when not "" */
	struct evp_pkey_st *key; /* ES256: the P-256 private key */
	unsigned char *secret;	 /* HS256 key, or the ephemeral secret */
	size_t secret_len;
} cred_signer;

/* 1 when user is 1..CRED_USER_MAX of [A-Za-z0-9._~+-], else 0. */
int cred_user_ok(const char *user);

/*
 * base64url without padding of in[0..n) into out (NUL-terminated).
 * Returns the length, or -1 when outsz is too small.
 */
int cred_b64url(const unsigned char *in, size_t n, char *out, size_t outsz);

/*
 * Ephemeral credentials of user until expiry (unix seconds): username
 * "<expiry>:<user>" and password base64(HMAC-SHA1(secret, username)).
 * Returns 0, or -1 when a buffer is too small or HMAC fails.
 */
int cred_ephemeral(const unsigned char *secret, size_t secret_len,
				   const char *user, int64_t expiry, char *username, size_t usz,
				   char *password, size_t psz);

/*
 * A signed JWT for sub, valid from iat (also nbf) to exp, with the given
 * jti. Returns a new string (free()), or NULL on failure (out of memory,
 * a signing error).
 */
char *cred_jwt(const cred_signer *s, const char *sub, int64_t iat, int64_t exp,
			   const char *jti);

/*
 * A fresh random token id (16 random bytes, base64url: 22 characters) into
 * out[23]. Returns 0, or -1 when the random generator fails.
 */
int cred_jti(char out[23]);

/*
 * Fill s for the configuration c (read from conf_path): the ES256 key or
 * HS256 secret of credential_token_key_file, or the first line of
 * credential_secret_file, checked (a P-256 private key; a secret of at
 * least CRED_SECRET_MIN bytes). kind off: nothing read. Returns 0, or -1
 * with "conf_path:line: key: 'file': reason" in err (the line that names
 * the file; the secret never appears). s keeps pointers into c.
 */
int cred_load(cred_signer *s, const conf_settings *c, const char *conf_path,
			  char *err, size_t errsz);

/* Release what cred_load() read (the secret is wiped). */
void cred_load_free(cred_signer *s);

#endif
