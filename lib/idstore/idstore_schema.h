/*
 * idstore_schema.h - the Redis key schema of identity mappings, the one
 * definition used by the Kamailio module, iwg-idctl and the admin daemon.
 * Pure C (no Redis connection here). docs/identity.md describes it.
 *
 *   iwg:idm:map:{<ns>}:<key>      HASH   the mapping fields (sip_uri,
 *                                        display_name, impi, tenant,
 *                                        agent_id, queue, language, priority,
 *                                        did, ha1, enabled "1"/"0",
 *                                        not_after unix seconds) and _rev_uri,
 *                                        the normalised sip_uri its reverse
 *                                        entry is filed under
 *   iwg:idm:rev:{<ns>}:<norm uri> STRING <key> of the mapping holding that URI
 *   iwg:idm:did:<did>             STRING "<ns>:<key> <token>": the mapping
 *                                        holding that DID (E.164, unique
 *                                        across namespaces; the hash's did
 *                                        field is the entry it is filed
 *                                        under) and the token of the claim
 *                                        that wrote it, also kept in the
 *                                        hash's _did_tok (entries written
 *                                        before the tokens: "<ns>:<key>")
 *   iwg:idm:inval                 pub/sub channel of change notices
 *
 * "{<ns>}" is a Redis Cluster hash tag: a namespace's mappings and their
 * URI reverse entries share one slot, so one script can write them
 * together. A DID entry hashes on its whole name (its own slot): it is
 * claimed before the mapping is written and released after (idstore.c,
 * docs/identity.md "Redis Cluster"). Before the tags, the names were
 * "iwg:idm:map:<ns>:<key>" and "iwg:idm:rev:<ns>:<uri>" (ids_key_upgrade).
 *
 * A change notice is "<ns> <key> [<norm uri>...] [<did>...]" (space
 * separated; none of the parts can contain a space), naming the mapping and
 * every reverse entry that changed: URIs (they start with a scheme) and DIDs
 * (they start with '+'); "*" asks every node to drop its whole cache.
 */
#ifndef IWG_IDSTORE_SCHEMA_H
#define IWG_IDSTORE_SCHEMA_H

#include <stddef.h>

#include "idstore/idstore_record.h"

#define IDS_PREFIX		  "iwg:idm:"
#define IDS_MAP_PREFIX	  "iwg:idm:map:"
#define IDS_REV_PREFIX	  "iwg:idm:rev:"
#define IDS_DID_PREFIX	  "iwg:idm:did:"
#define IDS_CHANNEL		  "iwg:idm:inval"
#define IDS_REV_URI_FIELD "_rev_uri"
#define IDS_DID_TOK_FIELD "_did_tok"
/* a DID claim's token: this many lower-case hex digits */
#define IDS_DID_TOK_LEN 16
/* room for a DID entry's value, "<ns>:<key> <token>", and its NUL */
#define IDS_DID_OWNER_MAX \
	(IDS_NS_MAX + 1 + IDS_KEY_MAX + 1 + IDS_DID_TOK_LEN + 1)
#define IDS_INVAL_ALL "*"

/* room for the longest key name */
#define IDS_REDIS_KEY_MAX \
	(sizeof(IDS_MAP_PREFIX) + IDS_NS_MAX + 3 + IDS_URI_MAX)
/* at most this many URIs, and DIDs, in one change notice */
#define IDS_INVAL_URIS 2
#define IDS_INVAL_DIDS 2

/*
 * Build "iwg:idm:map:{<ns>}:<key>" into buf. Returns the length, or -1 when
 * it does not fit in bufsz or ns holds a '{' or '}' (it would change the
 * hash tag).
 */
int ids_key_map(char *buf, size_t bufsz, const char *ns, const char *key);

/*
 * Build "iwg:idm:rev:{<ns>}:<norm_uri>" (norm_uri already normalised, see
 * ids_uri_norm). Returns the length or -1 when it does not fit or ns holds
 * a brace.
 */
int ids_key_rev(char *buf, size_t bufsz, const char *ns, const char *norm_uri);

/*
 * Build "iwg:idm:did:<did>" (did as stored, E.164). Returns the length or
 * -1 when it does not fit.
 */
int ids_key_did(char *buf, size_t bufsz, const char *did);

/*
 * Split the value of a DID entry v[0..len), "<ns>:<key> <token>" or (written
 * before the tokens) "<ns>:<key>": *ns, *key and *tok point into v with
 * their lengths (*toklen 0 without a token). Returns 0, or -1 when v is not
 * such a value (no ':', an empty or too long namespace or key, a token
 * that is not IDS_DID_TOK_LEN hex digits, more than one space).
 */
int ids_did_owner_parse(const char *v, size_t len, const char **ns,
						size_t *nslen, const char **key, size_t *keylen,
						const char **tok, size_t *toklen);

/*
 * The new name of a key written before the hash tags: "iwg:idm:map:<ns>:
 * <rest>" -> "iwg:idm:map:{<ns>}:<rest>", the same for "iwg:idm:rev:". old
 * is old[0..len) (binary safe). Returns the length written to buf
 * (NUL-terminated), 0 when old is not a legacy mapping or URI entry (a new
 * name, a DID entry, another key: nothing to do), or -1 when the new name
 * does not fit in bufsz.
 */
int ids_key_upgrade(const char *old, size_t len, char *buf, size_t bufsz);

/*
 * The namespace of a map or URI entry key name k[0..len) in the current
 * form: *ns points into k, *nslen bytes; the part after "}:" in *rest.
 * Returns 0, or -1 when k is not such a name.
 */
int ids_key_split(const char *k, size_t len, const char **ns, size_t *nslen,
				  const char **rest);

/*
 * Normalise a SIP/tel URI for the reverse index: scheme and host part in
 * lower case, URI parameters (";...") and headers ("?...") removed, a
 * "<...>" wrapper and surrounding spaces removed; the user part is kept as
 * is. sip:Alice@Example.COM;transport=ws -> sip:Alice@example.com.
 * Returns the length written to out (NUL-terminated), or -1 when the result
 * does not fit in outsz or is empty.
 */
int ids_uri_norm(const char *uri, size_t len, char *out, size_t outsz);

/* a parsed change notice; pointers point into the caller's buffer */
typedef struct ids_inval {
	int all; /* 1: drop everything ("*") */
	const char *ns;
	size_t ns_len;
	const char *key;
	size_t key_len;
	int nuris;
	const char *uri[IDS_INVAL_URIS];
	size_t uri_len[IDS_INVAL_URIS];
	int ndids; /* DIDs whose reverse entry changed (words starting '+') */
	const char *did[IDS_INVAL_DIDS];
	size_t did_len[IDS_INVAL_DIDS];
} ids_inval_t;

/*
 * Parse a change notice msg[0..len). Returns 0, or -1 when malformed (the
 * caller should then treat it like "*"). Extra URIs beyond IDS_INVAL_URIS,
 * or DIDs beyond IDS_INVAL_DIDS, make the notice malformed.
 */
int ids_inval_parse(const char *msg, size_t len, ids_inval_t *out);

#endif
