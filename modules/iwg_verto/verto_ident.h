/*
 * verto_ident.h - Verto login through the identity store (lib/idstore,
 * the same Redis mappings iwg_idmap and iwg-idctl use) and signed tokens
 * (lib/token, the same checks as idmap_auth_token()).
 *
 * A login is accepted when either
 *   - a token is given (userVariables.token, or a passwd that is a JWT):
 *     it verifies, and its subject `sub` is a usable mapping in the
 *     namespace; the session's login is then `sub`; or
 *   - the mapping <ns>:<login> is usable and has an ha1, and ha1 equals
 *     MD5 (32 hex digits) or SHA-256 (64) of "<user>:<realm>:<passwd>",
 *     user being the login up to its last '@' and realm the configured
 *     one, else the login after its last '@' (SIP digest's HA1, so the
 *     same value serves digest authentication).
 * The mapping gives the SIP identity (sip_uri, display_name) and the
 * contact-center context (tenant, queue, agent_id).
 *
 * Pure C (hiredis through lib/idstore, libjwt through lib/token, OpenSSL
 * for the digests); one blocking Redis connection, opened on first use and
 * again after an I/O error. One object per thread (each job-pool worker
 * of the WebSocket process has its own, verto_jobs.h).
 */
#ifndef IWG_VERTO_IDENT_H
#define IWG_VERTO_IDENT_H

#include <stdint.h>

#include "idstore/idstore.h"
#include "token/token.h"
#include "verto_engine.h"

typedef struct verto_ident_cfg {
	ids_conf_t store;
	char ns[IDS_NS_MAX + 1];  /* namespace of PaaS logins, e.g. "paas" */
	char realm[128];		  /* "" = the login's domain */
	const tok_keyset_t *keys; /* may be NULL or empty: no tokens */
	const char *audience;	  /* NULL: not checked */
	const char *issuer;		  /* NULL: not checked */
	int skew_s;
	size_t token_max_len; /* 0: TOK_DEFAULT_MAXLEN */
} verto_ident_cfg;

typedef struct verto_ident verto_ident;

/* cfg is copied (keys, audience, issuer must outlive the object). NULL
 * when out of memory. */
verto_ident *verto_ident_new(const verto_ident_cfg *cfg);
void verto_ident_free(verto_ident *v);

/* outcomes of verto_ident_login */
enum {
	VERTO_IDENT_OK = 0,
	VERTO_IDENT_REFUSED = 1, /* bad password/token, unknown or disabled */
	VERTO_IDENT_STORE = 2,	 /* the identity store cannot be reached */
	/* the user's stored mapping (or the URI or DID entry naming it) fails
	 * validation (lib/idstore's IDS_ERR_CORRUPT, written by something
	 * else): refused like VERTO_IDENT_REFUSED, but an operator must fix
	 * the record; why names the field, never its value. The connection
	 * is kept. */
	VERTO_IDENT_INVALID = 3,
};

/*
 * Check a login. token may be NULL. now: unix seconds. On VERTO_IDENT_OK
 * *out is filled (customer is left alone). why[whysz] says why otherwise
 * (for logs: never the password or the token).
 */
int verto_ident_login(verto_ident *v, const char *login, const char *passwd,
					  const char *token, int64_t now, verto_identity *out,
					  char *why, size_t whysz);

/*
 * The PaaS user whose mapping's sip_uri is uri (the identity store's
 * reverse index, namespace of the logins), or, for uri "tel:<E.164>",
 * whose mapping holds that DID (a DID of a mapping in another namespace
 * is VERTO_IDENT_REFUSED): VERTO_IDENT_OK with key[keysz]
 * the mapping key (= the session login), VERTO_IDENT_REFUSED when no
 * usable mapping has that URI, VERTO_IDENT_STORE, VERTO_IDENT_INVALID;
 * why[whysz] says why.
 */
int verto_ident_reverse(verto_ident *v, const char *uri, int64_t now, char *key,
						size_t keysz, char *why, size_t whysz);

/*
 * For the session state of verto_ha.c, which lives beside the identities:
 * one command of the caller's (argv[0] the command, argv[1] its key),
 * sent to the server holding that key (the one server; with Redis Cluster
 * the master of the key's slot, MOVED and ASK followed: lib/idstore's
 * ids_command). lens may be NULL. The connection is opened now when there
 * is none. Returns the reply (the caller frees it with freeReplyObject; an
 * error reply of Redis is a reply and leaves the connection alone), or
 * NULL with why[whysz]: the store cannot be reached or the connection broke
 * (it is closed then; the next call connects again, to the master of the
 * moment).
 */
struct redisReply *verto_ident_command(verto_ident *v, int argc,
									   const char **argv, const size_t *lens,
									   char *why, size_t whysz);

/*
 * The same for a Lua script (lib/idstore's ids_eval: EVALSHA, EVAL when
 * not cached) over nkeys keys, keys[0] routing it (every key shares its
 * hash tag), and nargs arguments (nkeys + nargs <= 8). Returns the reply
 * (never an error reply: a script's error, e.g. CROSSSLOT, is NULL with
 * its text in why, the connection kept), or NULL as verto_ident_command.
 */
struct redisReply *verto_ident_eval(verto_ident *v, const char *script,
									int nkeys, const char **keys, int nargs,
									const char **args, char *why, size_t whysz);

/* 1 when the identity store is a Redis Cluster (known once connected),
 * else 0 */
int verto_ident_cluster(verto_ident *v);

/* 1 when passwd matches ha1 for user and realm (MD5 or SHA-256 by the
 * length of ha1, hex in either case), else 0. */
int verto_ident_ha1_ok(const char *ha1, const char *user, const char *realm,
					   const char *passwd);

/* 1 when s looks like a JWT (three base64url parts), else 0 */
int verto_ident_is_jwt(const char *s);

#endif
