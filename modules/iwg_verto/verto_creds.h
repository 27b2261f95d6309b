/*
 * verto_creds.h - TEMPORARY static credentials file for Verto logins, until
 * iwg_idmap (issue 5) provides the identity store and token check. Remove
 * when login goes through idmap.
 *
 * Format, one user per line, fields separated by blanks:
 *     <login> <password> <sip-uri> [display name...]
 *     1008@cc.example  1234  sip:1008@cc.example  Web User
 * '#' starts a comment line; blank lines are ignored. Logins are unique.
 * Limits: login 128 bytes, password 128, SIP URI 255 (must start with
 * "sip:" or "sips:"), display 63, 10000 users, file 1 MiB.
 *
 * Pure C; the table is one malloc'd block, read-only after loading.
 */
#ifndef IWG_VERTO_CREDS_H
#define IWG_VERTO_CREDS_H

#include <stddef.h>

typedef struct verto_cred {
	char login[129];
	char passwd[129];
	char sip_uri[256];
	char display[64];
} verto_cred;

typedef struct verto_creds {
	size_t n;
	verto_cred users[];
} verto_creds;

/*
 * Parse text[0..len) (need not be NUL-terminated). name labels errors.
 * Returns the table (free() it), or NULL with err[errsz] holding
 * "name:line: reason".
 */
verto_creds *verto_creds_parse(const char *text, size_t len, const char *name,
							   char *err, size_t errsz);

/* Read and parse a file; same contract (errors name the path). */
verto_creds *verto_creds_load(const char *path, char *err, size_t errsz);

/* The entry for login when passwd matches (constant-time compare), else
 * NULL. */
const verto_cred *verto_creds_check(const verto_creds *t, const char *login,
									const char *passwd);

#endif
