/*
 * idmap_token.h - the web token of idmap_auth_token(): a JWT is verified
 * with the keys and rules of the token_* parameters (lib/token); with
 * introspection_url set, a token that is not a JWT is asked at that
 * RFC 7662 endpoint (lib/token/token_introspect.h) through a
 * shared-memory cache of its answers (lib/token/token_cache.h).
 *
 * Kamailio side (shm, locks, logs): idmap_token_init runs in mod_init,
 * before the fork; each process makes its own HTTPS client on first use.
 */
#ifndef IWG_IDMAP_TOKEN_H
#define IWG_IDMAP_TOKEN_H

#include <stddef.h>

#include "token/token_cache.h"
#include "token/token_params.h"

/* the introspection_* parameters; strings borrowed (Kamailio's pkg
 * copies), NUL-terminated */
typedef struct idmap_intro_params {
	char *url;			 /* introspection_url: "" none */
	char *client_id;	 /* introspection_client_id */
	char *client_secret; /* introspection_client_secret */
	char *ca_file;		 /* introspection_ca_file: "" the system's */
	int timeout_ms;		 /* introspection_timeout: 1..200 */
	int cache_ttl;		 /* introspection_cache_ttl (s): >= 0 */
	int cache_size;		 /* introspection_cache_size: >= 1 */
} idmap_intro_params_t;

/* clang-format off */
#define IDMAP_INTRO_PARAMS_DEFAULT {                                \
	.url = "", .client_id = "", .client_secret = "", .ca_file = "", \
	.timeout_ms = 200, .cache_ttl = 60, .cache_size = 4096 }
/* clang-format on */

/*
 * Check the introspection parameters and, when introspection_url is set,
 * make the answer cache in shared memory (its lock too; alloc, free, lock
 * and unlock of ops are used, lock_arg is not). tok and ip are kept (they
 * must live as long as the module); retry_max_ms bounds the client's
 * backoff. Returns 0, or -1 after an LM_ERR naming the parameter.
 */
int idmap_token_init(const tok_params_t *tok, const idmap_intro_params_t *ip,
					 int retry_max_ms, const tok_cache_ops_t *ops);

/*
 * Verify token[0..len) (no "Bearer " prefix) at the current time: a JWT
 * with the keys, an opaque token by introspection when configured.
 * TOK_OK fills c with the subject; any other status fills c->detail.
 */
tok_status_t idmap_token_verify(const char *token, size_t len, tok_claims_t *c);

/* the answer cache's counters (all 0 without introspection) */
void idmap_token_stats(tok_cache_stats_t *ts);

/* this process's HTTPS client freed (the shm cache goes with the pool) */
void idmap_token_destroy(void);

#endif
