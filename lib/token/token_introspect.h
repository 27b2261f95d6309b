/*
 * token_introspect.h - OAuth 2.0 token introspection (RFC 7662) over HTTPS
 * with libcurl, for opaque tokens a local JWT check cannot verify: POST
 * token=...&token_type_hint=access_token with the client credentials in
 * HTTP Basic, a bounded timeout, and a backoff after a failure so that a
 * dead endpoint costs nothing until the backoff expires.
 *
 * Pure C (libcurl, json-c). One tok_introspect_t per process (a libcurl
 * handle, which keeps the TLS connection alive between requests); call
 * tok_introspect_global_init() once before creating any.
 */
#ifndef IWG_TOKEN_INTROSPECT_H
#define IWG_TOKEN_INTROSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "token/token.h"

#define TOK_INTROSPECT_MAX_BODY 65536 /* larger answers are refused */

typedef struct tok_introspect_conf {
	const char *url;		   /* https://... */
	const char *client_id;	   /* NULL or "": no client authentication */
	const char *client_secret; /* with client_id */
	const char *ca_file;	   /* NULL or "": the system's CAs */
	int timeout_ms;			   /* the whole request, connect included */
	int retry_min_ms;		   /* first backoff after a failure */
	int retry_max_ms;		   /* longest backoff (doubling) */
} tok_introspect_conf_t;

typedef struct tok_introspect tok_introspect_t;

/* libcurl's global initialisation; 0 or -1. Once, before fork. */
int tok_introspect_global_init(void);

/*
 * Check that url is an https:// URL of sane length; 0, or -1 with a reason
 * in err.
 */
int tok_introspect_check_url(const char *url, char *err, size_t errsz);

/*
 * A client for conf (strings copied). NULL with a reason in err on failure.
 * Free with tok_introspect_free().
 */
tok_introspect_t *tok_introspect_new(const tok_introspect_conf_t *conf,
									 char *err, size_t errsz);

void tok_introspect_free(tok_introspect_t *ti);

/*
 * Ask the endpoint about token[0..len) at monotonic time now_ms and check
 * the answer like tok_introspect_parse(). TOK_UNAVAILABLE when the request
 * fails (connect, TLS, timeout, HTTP status other than 200, unusable body)
 * or while backing off after such a failure. out->detail says why.
 */
tok_status_t tok_introspect(tok_introspect_t *ti, const tok_opts_t *opts,
							const char *token, size_t len, int64_t now_ms,
							tok_claims_t *out);

/*
 * Check an introspection answer body[0..len): "active": true with the
 * claims rules of lib/token (sub required; exp, nbf, iat, aud, iss checked
 * when present or configured) gives TOK_OK and *out; "active": false gives
 * TOK_INACTIVE; a body that is not a JSON object with a boolean "active"
 * gives TOK_UNAVAILABLE.
 */
tok_status_t tok_introspect_parse(const char *body, size_t len,
								  const tok_opts_t *opts, tok_claims_t *out);

/* 1 when token[0..len) has the shape of a JWT (three dot-separated parts) */
int tok_is_jwt(const char *token, size_t len);

#endif
