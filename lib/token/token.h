/*
 * token.h - verification of signed web tokens (JWT, RFC 7519) for sign-on:
 * HS256 and ES256, keys from files selected by "kid" (rotation), exp/nbf/
 * iat with a clock skew, audience and issuer checks. alg "none" and every
 * other algorithm are refused, and a key is only ever used with the
 * algorithm it was loaded for (no HS256-with-a-public-key confusion).
 *
 * Signature checking is Debian's libjwt (1.10); this file picks the key,
 * refuses what libjwt would let through, and checks the claims. Pure C, no
 * Kamailio. A keyset is read-only after loading and may be shared.
 */
#ifndef IWG_TOKEN_H
#define IWG_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOK_MAX_KEYS	   16
#define TOK_KID_MAX		   64
#define TOK_SUB_MAX		   256
#define TOK_DEFAULT_MAXLEN 8192
#define TOK_HS_MIN_KEY	   32 /* RFC 7518 3.2: at least the hash size */

typedef enum tok_alg { TOK_HS256 = 1, TOK_ES256 = 2 } tok_alg_t;

typedef struct tok_key {
	char kid[TOK_KID_MAX + 1]; /* "" = no kid: tried for tokens without one */
	tok_alg_t alg;
	unsigned char *material; /* HS256 secret, or ES256 public key PEM */
	size_t len;
} tok_key_t;

typedef struct tok_keyset {
	tok_key_t keys[TOK_MAX_KEYS];
	int n;
} tok_keyset_t;

/* the outcome of a verification; every value has its own meaning */
typedef enum tok_status {
	TOK_OK = 0,
	TOK_MALFORMED,	   /* not three base64url JSON parts, no exp/sub ... */
	TOK_TOO_LONG,	   /* longer than the configured maximum */
	TOK_ALG_REFUSED,   /* none, unknown, or not the algorithm of the key */
	TOK_UNKNOWN_KID,   /* kid names no loaded key (or no key at all) */
	TOK_BAD_SIGNATURE, /* no key verifies the signature */
	TOK_EXPIRED,	   /* exp in the past (beyond the skew) */
	TOK_NOT_YET_VALID, /* nbf or iat in the future (beyond the skew) */
	TOK_BAD_AUDIENCE,  /* aud missing or not the expected one */
	TOK_BAD_ISSUER,	   /* iss missing or not the expected one */
	TOK_INACTIVE,	   /* introspection: "active": false (revoked, unknown) */
	TOK_UNAVAILABLE,   /* introspection endpoint unreachable or broken */
	TOK_INTERNAL,	   /* out of memory */
	TOK_STATUS_COUNT
} tok_status_t;

typedef struct tok_opts {
	const char *audience; /* NULL: not checked */
	const char *issuer;	  /* NULL: not checked */
	int skew_s;			  /* tolerance on exp, nbf, iat */
	int64_t now;		  /* unix seconds */
	size_t max_len;		  /* 0: TOK_DEFAULT_MAXLEN */
} tok_opts_t;

typedef struct tok_claims {
	char sub[TOK_SUB_MAX + 1];
	char kid[TOK_KID_MAX + 1];
	int64_t exp, nbf, iat; /* 0 when absent (exp is required) */
	char detail[96];	   /* why, for logs (never contains the token) */
} tok_claims_t;

/* Empty keyset. */
void tok_keyset_init(tok_keyset_t *ks);

/* Free the key material. The keyset may be reused after tok_keyset_init. */
void tok_keyset_free(tok_keyset_t *ks);

/*
 * Add a key: alg "HS256" (material = the secret, at least 32 bytes) or
 * "ES256" (material = a PEM public key on P-256). kid may be "" or NULL.
 * Returns 0, or -1 with a reason in err (duplicate kid, weak or unreadable
 * key, keyset full, unknown alg).
 */
int tok_keyset_add(tok_keyset_t *ks, const char *kid, const char *alg,
				   const unsigned char *material, size_t len, char *err,
				   size_t errsz);

/*
 * Add a key from a spec "kid=k1;alg=HS256;file=/path" (kid optional). An
 * HS256 file holds the secret; one trailing newline is ignored. Returns 0
 * or -1 with a reason in err naming the file.
 */
int tok_keyset_add_spec(tok_keyset_t *ks, const char *spec, char *err,
						size_t errsz);

/*
 * Verify token[0..len) (need not be NUL-terminated). On TOK_OK, *out holds
 * the subject and times. With a kid, only the key of that kid is used;
 * without, every key of the token's algorithm that has no kid is tried.
 * Any other status fills out->detail.
 */
tok_status_t tok_verify(const tok_keyset_t *ks, const tok_opts_t *opts,
						const char *token, size_t len, tok_claims_t *out);

/* A short name for a status ("expired"). */
const char *tok_status_str(tok_status_t st);

#endif
