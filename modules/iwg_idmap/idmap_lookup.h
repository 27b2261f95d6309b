/*
 * idmap_lookup.h - the decisions of iwg_idmap's script functions, $idm()
 * and RPC, apart from Kamailio: the script return codes (README.md,
 * "Return codes") from a backend answer, a mapping's usability or a
 * token's status; the arguments as the backend takes them; what a log may
 * show of a key; the "Bearer " scheme of a token; the names $idm() knows;
 * the fault of an idmap.lookup that found nothing usable; when to log a
 * stored mapping that fails validation.
 *
 * Pure C: no Kamailio header, no allocation, no state of its own (the log
 * limiter's is the caller's).
 */
#ifndef IWG_IDMAP_LOOKUP_H
#define IWG_IDMAP_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "idmap_backend.h"
#include "token/token.h"

/* the script return codes: one per outcome */
typedef enum idmap_rc {
	IDMAP_RC_OK = 1, /* mapping found and usable */
	/* internal error, bad parameter, or a stored mapping that fails
	 * validation (IDB_INVALID) */
	IDMAP_RC_ERROR = -1,
	IDMAP_RC_NOTFOUND = -2,	   /* no such mapping */
	IDMAP_RC_DISABLED = -3,	   /* mapping disabled */
	IDMAP_RC_EXPIRED = -4,	   /* mapping past its not_after */
	IDMAP_RC_UNAVAILABLE = -5, /* identity store down, mapping not cached */
} idmap_rc_t;

/* idmap_auth_token() refusals: IDMAP_RC_TOKEN_BASE - tok_status_t (-11 for
 * TOK_MALFORMED .. -21 for TOK_UNAVAILABLE) */
#define IDMAP_RC_TOKEN_BASE -10

/* $idm(stale): the field number after the record's own (ids_field_t) */
#define IDMAP_PV_STALE IDS_F_COUNT

/*
 * Copy the argument s[0..len) (not NUL-terminated; s may be NULL) into
 * buf (bufsz bytes) NUL-terminated. Returns 0, or -1 when s is NULL, len
 * is not positive or the copy would not fit (buf then untouched).
 */
int idmap_lookup_arg(const char *s, int len, char *buf, size_t bufsz);

/*
 * The return code of a lookup whose backend answer is r: for IDB_FOUND,
 * rec (not NULL then) decides at time now (unix seconds): IDMAP_RC_OK,
 * IDMAP_RC_DISABLED or IDMAP_RC_EXPIRED (ids_record_usable); otherwise
 * IDMAP_RC_NOTFOUND, IDMAP_RC_UNAVAILABLE, or IDMAP_RC_ERROR (IDB_BADARG,
 * IDB_INVALID and any unknown value). rec is not read unless r is
 * IDB_FOUND.
 */
idmap_rc_t idmap_lookup_rc(idmap_backend_result_t r, const ids_record_t *rec,
						   int64_t now);

/*
 * How many leading bytes of key (NUL-terminated) a log line may show: at
 * most 3 of a forward key (enough to tell users apart, too few to
 * identify one), none of a reverse one (a URI: a phone number or an
 * address). Never more than strlen(key).
 */
int idmap_lookup_log_len(const char *key, int reverse);

/*
 * Bytes to skip at the start of the token parameter t[0..len) (t may be
 * NULL when len is 0): 7 when it begins with "Bearer " (case-insensitive,
 * one space, RFC 6750 2.1) and something follows, else 0.
 */
size_t idmap_lookup_bearer_skip(const char *t, size_t len);

/*
 * The return code of idmap_auth_token() for a token status: IDMAP_RC_OK
 * for TOK_OK (the subject is then looked up), IDMAP_RC_ERROR for
 * TOK_INTERNAL, else IDMAP_RC_TOKEN_BASE - st.
 */
int idmap_lookup_token_rc(tok_status_t st);

/*
 * The $idm() field named name[0..len): an ids_field_t, IDMAP_PV_STALE for
 * "stale", or -1 when unknown (names are case-sensitive).
 */
int idmap_lookup_pv_field(const char *name, size_t len);

/*
 * Every name idmap_lookup_pv_field knows, comma-separated ("ns, key,
 * sip_uri, ..., stale"), into buf (bufsz bytes, NUL-terminated; 256 is
 * enough). Returns the length, or -1 when buf is too small.
 */
int idmap_lookup_pv_names(char *buf, size_t bufsz);

/*
 * The idmap.lookup RPC's answer for return code rc of a lookup whose
 * backend answer was r: 0 when the mapping is shown (IDMAP_RC_OK, and
 * IDMAP_RC_DISABLED and IDMAP_RC_EXPIRED, whose mapping is loaded too),
 * else the fault code (404 not found, 503 store unavailable, 409 stored
 * mapping invalid (r IDB_INVALID: the caller adds the field and why), 400
 * otherwise) with *text set to its message (a static string).
 */
int idmap_lookup_rpc_fault(int rc, idmap_backend_result_t r, const char **text);

/*
 * The log line of a stored mapping that fails validation is rate-limited
 * per process: one line per mapping (namespace, key or URI, forward or
 * reverse) per IDMAP_INVLOG_SECONDS, the lookups in between counted and
 * told in its next line. IDMAP_INVLOG_SLOTS mappings are remembered, the
 * one logged longest ago forgotten for a new one. Over all mappings, at
 * most IDMAP_INVLOG_BUDGET lines per IDMAP_INVLOG_SECONDS (more invalid
 * mappings looked up in rotation than are remembered would otherwise log
 * every lookup); the lookups left unlogged by that budget are counted and
 * told in the next line. Every lookup is still refused (-1): only the log
 * is limited, since each lookup of an invalid mapping reads Redis again
 * (never cached).
 */
#define IDMAP_INVLOG_SECONDS 60
#define IDMAP_INVLOG_SLOTS	 16
#define IDMAP_INVLOG_BUDGET	 10

typedef struct idmap_invlog {
	struct {
		uint64_t h;			   /* hash of what was looked up, 0: free */
		int64_t last;		   /* when it was last logged */
		unsigned long skipped; /* lookups not logged since */
	} slot[IDMAP_INVLOG_SLOTS];
	int64_t since;		/* start of the budget's current interval */
	unsigned lines;		/* lines logged in it */
	unsigned long over; /* lookups left unlogged by the budget */
} idmap_invlog_t;		/* zeroed: nothing logged yet */

/*
 * Whether to log now, at time now (seconds), the lookup of the invalid
 * mapping named by ns and key (NUL-terminated), reverse or not: -1 not
 * now (counted), else the number of its lookups not logged since its
 * last line (0 for the first), to be told in this one, with *over set to
 * the number of lookups (of any mapping) the overall budget left unlogged
 * since the last line (told once).
 */
long idmap_invlog_take(idmap_invlog_t *l, const char *ns, const char *key,
					   int reverse, int64_t now, unsigned long *over);

#endif
