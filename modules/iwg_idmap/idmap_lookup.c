/*
 * idmap_lookup.c - return codes, arguments, log masking, the bearer
 * scheme, $idm() names and RPC faults of iwg_idmap (idmap_lookup.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "idmap_lookup.h"

#define IDMAP_LOG_KEY_MAX 3 /* bytes of a forward key a log shows */
#define IDMAP_BEARER	  "Bearer "
#define IDMAP_BEARER_LEN  (sizeof(IDMAP_BEARER) - 1)

int idmap_lookup_arg(const char *s, int len, char *buf, size_t bufsz)
{
	if (!s || len <= 0 || (size_t)len >= bufsz)
		return -1;
	memcpy(buf, s, (size_t)len);
	buf[len] = '\0';
	return 0;
}

idmap_rc_t idmap_lookup_rc(idmap_backend_result_t r, const ids_record_t *rec,
						   int64_t now)
{
	int usable;

	switch (r) {
	case IDB_FOUND:
		break;
	case IDB_NOTFOUND:
		return IDMAP_RC_NOTFOUND;
	case IDB_UNAVAILABLE:
		return IDMAP_RC_UNAVAILABLE;
	default:
		return IDMAP_RC_ERROR;
	}
	usable = ids_record_usable(rec, now);
	if (usable == 0)
		return IDMAP_RC_DISABLED;
	if (usable < 0)
		return IDMAP_RC_EXPIRED;
	return IDMAP_RC_OK;
}

int idmap_lookup_log_len(const char *key, int reverse)
{
	if (reverse)
		return 0;
	return (int)strnlen(key, IDMAP_LOG_KEY_MAX);
}

size_t idmap_lookup_bearer_skip(const char *t, size_t len)
{
	if (len > IDMAP_BEARER_LEN &&
		strncasecmp(t, IDMAP_BEARER, IDMAP_BEARER_LEN) == 0)
		return IDMAP_BEARER_LEN;
	return 0;
}

int idmap_lookup_token_rc(tok_status_t st)
{
	if (st == TOK_OK)
		return IDMAP_RC_OK;
	if (st == TOK_INTERNAL)
		return IDMAP_RC_ERROR;
	return IDMAP_RC_TOKEN_BASE - (int)st;
}

int idmap_lookup_pv_field(const char *name, size_t len)
{
	int f = ids_field_by_name(name, len);

	if (f < 0 && len == 5 && strncmp(name, "stale", 5) == 0)
		f = IDMAP_PV_STALE;
	return f;
}

int idmap_lookup_pv_names(char *buf, size_t bufsz)
{
	size_t n = 0;
	int f, w;

	for (f = 0; f <= IDMAP_PV_STALE; f++) {
		w = snprintf(buf + n, bufsz - n, "%s%s", f ? ", " : "",
					 f == IDMAP_PV_STALE ? "stale" : ids_field_name(f));
		if (w < 0 || (size_t)w >= bufsz - n)
			return -1;
		n += (size_t)w;
	}
	return (int)n;
}

int idmap_lookup_rpc_fault(int rc, idmap_backend_result_t r, const char **text)
{
	if (rc == IDMAP_RC_ERROR && r == IDB_INVALID) {
		*text = "stored mapping failed validation";
		return 409;
	}
	switch (rc) {
	case IDMAP_RC_OK:
	case IDMAP_RC_DISABLED:
	case IDMAP_RC_EXPIRED:
		return 0;
	case IDMAP_RC_NOTFOUND:
		*text = "not found";
		return 404;
	case IDMAP_RC_UNAVAILABLE:
		*text = "identity store unavailable";
		return 503;
	default:
		*text = "bad namespace or key";
		return 400;
	}
}

/* FNV-1a of s (NUL-terminated) into h */
static uint64_t idmap_fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* 1 when the overall budget allows a line at now (counted), else 0 and
 * the lookup counted as left unlogged */
static int idmap_invlog_budget(idmap_invlog_t *l, int64_t now)
{
	if (now - l->since >= IDMAP_INVLOG_SECONDS || now < l->since) {
		l->since = now;
		l->lines = 0;
	}
	if (l->lines >= IDMAP_INVLOG_BUDGET) {
		l->over++;
		return 0;
	}
	l->lines++;
	return 1;
}

long idmap_invlog_take(idmap_invlog_t *l, const char *ns, const char *key,
					   int reverse, int64_t now, unsigned long *over)
{
	uint64_t h = idmap_fnv(0xcbf29ce484222325ULL, ns);
	unsigned long n = 0;
	int i, pick = 0;

	h = idmap_fnv(h ^ (reverse ? 0x2f : 0x3a), key);
	h += h == 0; /* 0 marks a free slot */
	for (i = 0; i < IDMAP_INVLOG_SLOTS; i++) {
		if (l->slot[i].h == h)
			break;
		if (l->slot[i].h == 0 ||
			(l->slot[pick].h != 0 && l->slot[i].last < l->slot[pick].last))
			pick = i;
	}
	if (i < IDMAP_INVLOG_SLOTS) {
		if (now - l->slot[i].last < IDMAP_INVLOG_SECONDS &&
			now >= l->slot[i].last) {
			l->slot[i].skipped++;
			return -1;
		}
		pick = i;
		n = l->slot[i].skipped;
	}
	/* a line is due for this mapping: the overall budget decides, the
	 * slot left as it was when it refuses */
	if (!idmap_invlog_budget(l, now))
		return -1;
	*over = l->over;
	l->over = 0;
	l->slot[pick].h = h;
	l->slot[pick].last = now;
	l->slot[pick].skipped = 0;
	return (long)n;
}
