/*
 * probe_auth.h - SIP digest authentication for the probe's REGISTER and
 * INVITE (RFC 2617, RFC 3261 section 22): parse a WWW-Authenticate or
 * Proxy-Authenticate challenge, pick one the probe can answer, and write
 * the Authorization / Proxy-Authorization value.
 *
 * Supported: algorithm MD5 (or none given, which means MD5), qop "auth"
 * or no qop (RFC 2069 compatibility). MD5-sess, SHA-256 and auth-int are
 * refused with a reason.
 *
 * Pure C apart from MD5 (OpenSSL EVP, in the .c only); no global state.
 */
#ifndef IWG_PROBE_AUTH_H
#define IWG_PROBE_AUTH_H

#include <stddef.h>

#include "probe_sip.h"

#define PROBE_AUTH_MAX_VALUE 256 /* realm, nonce, opaque, incl. the NUL */
#define PROBE_AUTH_MAX_ALG	 32

/* A parsed Digest challenge; strings are unquoted and NUL-terminated. */
typedef struct probe_auth_challenge {
	char realm[PROBE_AUTH_MAX_VALUE];
	char nonce[PROBE_AUTH_MAX_VALUE];
	char opaque[PROBE_AUTH_MAX_VALUE];
	int has_opaque;
	char algorithm[PROBE_AUTH_MAX_ALG]; /* "" when absent */
	int has_qop;						/* a qop parameter was given */
	int qop_auth;						/* its list holds "auth" */
	int stale;							/* stale=true */
} probe_auth_challenge;

/*
 * Parse one challenge value v[0..len), e.g. the text after
 * "WWW-Authenticate:": the scheme "Digest" and comma-separated
 * name=token or name="quoted string" parameters in any order; unknown
 * parameters are skipped. Returns 0, or -1 with the reason in
 * err[0..errsz): another scheme, syntax error, a control character, a
 * value longer than its field, a repeated parameter, no realm or nonce.
 * Whether the probe can answer it is probe_auth_usable()'s question.
 */
int probe_auth_parse(const char *v, size_t len, probe_auth_challenge *ch,
					 char *err, size_t errsz);

/*
 * 1 when the probe can answer ch (algorithm MD5 or absent; qop absent or
 * listing "auth"), else 0 with the reason in err[0..errsz).
 */
int probe_auth_usable(const probe_auth_challenge *ch, char *err, size_t errsz);

/*
 * Take the first challenge of vals[0..n) (the values of a response's
 * WWW-Authenticate or Proxy-Authenticate headers) that parses and is
 * usable. Returns 0, or -1 with the reason the first one was refused
 * (or "no challenge" when n is 0) in err[0..errsz).
 */
int probe_auth_pick(const probe_str *vals, size_t n, probe_auth_challenge *ch,
					char *err, size_t errsz);

/* What an Authorization value is computed from. */
typedef struct probe_auth_req {
	const char *method;	  /* "REGISTER", "INVITE" */
	const char *uri;	  /* the Request-URI */
	const char *user;	  /* digest username (may hold ':') */
	const char *password; /* never written out */
	const char *cnonce;	  /* client nonce, used when qop=auth */
} probe_auth_req;

/*
 * Write the Authorization / Proxy-Authorization header value answering ch
 * into out[0..outsz), NUL-terminated: Digest username, realm, nonce, uri,
 * response, algorithm=MD5, opaque (if the challenge had one) and, when the
 * challenge offers qop auth, qop=auth, cnonce and nc=00000001. Returns the
 * length, or -1 with the reason in err[0..errsz): challenge not usable,
 * a field NULL or empty (cnonce only matters with qop), a control
 * character in a quoted value ('"' and '\' are escaped), MD5 unavailable,
 * out too small.
 */
long probe_auth_build(const probe_auth_challenge *ch, const probe_auth_req *r,
					  char *out, size_t outsz, char *err, size_t errsz);

#endif
