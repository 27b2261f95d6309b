/*
 * verto_ident.c - Verto login through lib/idstore and lib/token.
 * Contracts in verto_ident.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <hiredis/hiredis.h>

#include "verto_ident.h"

struct verto_ident {
	verto_ident_cfg cfg;
	ids_ctx_t *ids;
};

verto_ident *verto_ident_new(const verto_ident_cfg *cfg)
{
	verto_ident *v = calloc(1, sizeof(*v));

	if (v)
		v->cfg = *cfg;
	return v;
}

void verto_ident_free(verto_ident *v)
{
	if (!v)
		return;
	ids_free(v->ids);
	free(v);
}

int verto_ident_ha1_ok(const char *ha1, const char *user, const char *realm,
					   const char *passwd)
{
	const EVP_MD *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int dl = 0, i;
	size_t hl = strlen(ha1);
	EVP_MD_CTX *ctx;
	int ok;

	if (hl == 32)
		md = EVP_md5();
	else if (hl == 64)
		md = EVP_sha256();
	else
		return 0;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return 0;
	ok = EVP_DigestInit_ex(ctx, md, NULL) &&
		 EVP_DigestUpdate(ctx, user, strlen(user)) &&
		 EVP_DigestUpdate(ctx, ":", 1) &&
		 EVP_DigestUpdate(ctx, realm, strlen(realm)) &&
		 EVP_DigestUpdate(ctx, ":", 1) &&
		 EVP_DigestUpdate(ctx, passwd, strlen(passwd)) &&
		 EVP_DigestFinal_ex(ctx, d, &dl);
	EVP_MD_CTX_free(ctx);
	if (!ok || dl * 2 != hl)
		return 0;
	for (i = 0; i < dl; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	for (i = 0; i < hl; i++)
		if (hex[i] != tolower((unsigned char)ha1[i]))
			ok = 0;
	return ok;
}

int verto_ident_is_jwt(const char *s)
{
	int dots = 0;

	if (!s || strncmp(s, "eyJ", 3) != 0)
		return 0;
	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	}
	return dots == 2;
}

/* the connection, opened when there is none; 0, or -1 with why */
static int ensure_conn(verto_ident *v, const char *what, char *why,
					   size_t whysz)
{
	if (v->ids)
		return 0;
	v->ids = ids_connect(&v->cfg.store);
	if (v->ids && !v->ids->err)
		return 0;
	snprintf(why, whysz, "%s: %s", what,
			 v->ids ? v->ids->errstr : "out of memory");
	ids_free(v->ids);
	v->ids = NULL;
	return -1;
}

/* a failed ids_command or ids_eval: the connection is closed when it
 * broke and it is the one server's (a Cluster client reconnects itself) */
static void command_failed(verto_ident *v, char *why, size_t whysz)
{
	snprintf(why, whysz, "session store: %s", v->ids->errstr);
	if ((v->ids->err == IDS_ERR_IO || v->ids->err == IDS_ERR_PROTO) &&
		!verto_ident_cluster(v)) {
		ids_free(v->ids);
		v->ids = NULL;
	}
}

struct redisReply *verto_ident_command(verto_ident *v, int argc,
									   const char **argv, const size_t *lens,
									   char *why, size_t whysz)
{
	redisReply *r;

	if (ensure_conn(v, "session store", why, whysz))
		return NULL;
	if (!(r = ids_command(v->ids, argc, argv, lens)))
		command_failed(v, why, whysz);
	return r;
}

#define EVAL_ARGS_MAX 8

struct redisReply *verto_ident_eval(verto_ident *v, const char *script,
									int nkeys, const char **keys, int nargs,
									const char **args, char *why, size_t whysz)
{
	const char *argv[EVAL_ARGS_MAX];
	redisReply *r = NULL;
	int i;

	if (nkeys < 1 || nargs < 0 || nkeys + nargs > EVAL_ARGS_MAX) {
		snprintf(why, whysz, "session store: bad script call");
		return NULL;
	}
	if (ensure_conn(v, "session store", why, whysz))
		return NULL;
	for (i = 0; i < nkeys; i++)
		argv[i] = keys[i];
	for (i = 0; i < nargs; i++)
		argv[nkeys + i] = args[i];
	if (ids_eval(v->ids, script, nkeys, nkeys + nargs, argv, NULL, &r)) {
		command_failed(v, why, whysz);
		return NULL;
	}
	return r;
}

int verto_ident_cluster(verto_ident *v)
{
	/* lib/idstore keeps its Cluster state there (idstore.h) */
	return v->ids && v->ids->cl_;
}

/* load ns:key (uri NULL) or the mapping of uri into *rec; VERTO_IDENT_* */
static int load(verto_ident *v, const char *key, const char *uri,
				ids_record_t *rec, char *why, size_t whysz)
{
	int rc, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure_conn(v, "identity store", why, whysz))
			return VERTO_IDENT_STORE;
		if (!uri)
			rc = ids_get(v->ids, v->cfg.ns, key, rec);
		else if (strncmp(uri, "tel:", 4) == 0)
			rc = ids_reverse_did(v->ids, uri + 4, rec);
		else
			rc = ids_reverse(v->ids, v->cfg.ns, uri, rec);
		if (rc == IDS_OK && strcmp(rec->ns, v->cfg.ns) != 0) {
			/* a DID of a user that is not a PaaS login */
			snprintf(why, whysz, "the DID belongs to namespace %s", rec->ns);
			return VERTO_IDENT_REFUSED;
		}
		if (rc == IDS_OK)
			return VERTO_IDENT_OK;
		if (rc == IDS_ERR_NOTFOUND) {
			snprintf(why, whysz, "no mapping");
			return VERTO_IDENT_REFUSED;
		}
		if (rc == IDS_ERR_ARG) { /* e.g. a tel: that is not E.164 */
			snprintf(why, whysz, "%s", v->ids->errstr);
			return VERTO_IDENT_REFUSED;
		}
		if (rc == IDS_ERR_CORRUPT) { /* that mapping only: no reconnect */
			snprintf(why, whysz,
					 "stored mapping failed validation (%s%s%s): replace or "
					 "delete it",
					 v->ids->corrupt.field, v->ids->corrupt.field[0] ? " " : "",
					 v->ids->corrupt.msg);
			return VERTO_IDENT_INVALID;
		}
		snprintf(why, whysz, "identity store: %s", v->ids->errstr);
		if (rc != IDS_ERR_IO && rc != IDS_ERR_PROTO)
			return VERTO_IDENT_STORE;
		/* a broken connection: reconnect once */
		ids_free(v->ids);
		v->ids = NULL;
	}
	return VERTO_IDENT_STORE;
}

/* copy src into dst[dstsz], cut when too long */
static void copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void fill(verto_identity *out, const char *login, const ids_record_t *r)
{
	copy(out->login, sizeof(out->login), login);
	copy(out->sip_uri, sizeof(out->sip_uri), r->sip_uri);
	copy(out->display, sizeof(out->display), r->display_name);
	copy(out->tenant, sizeof(out->tenant), r->tenant);
	copy(out->queue, sizeof(out->queue), r->queue);
	copy(out->agent_id, sizeof(out->agent_id), r->agent_id);
	copy(out->language, sizeof(out->language), r->language);
	copy(out->priority, sizeof(out->priority), r->priority);
	copy(out->did, sizeof(out->did), r->did);
}

static int check_token(verto_ident *v, const char *token, int64_t now,
					   char *sub, size_t subsz, char *why, size_t whysz)
{
	tok_opts_t o = {.audience = v->cfg.audience,
					.issuer = v->cfg.issuer,
					.skew_s = v->cfg.skew_s,
					.now = now,
					.max_len = v->cfg.token_max_len};
	tok_claims_t c;
	tok_status_t st;

	if (!v->cfg.keys || !v->cfg.keys->n) {
		snprintf(why, whysz, "token given but no token key configured");
		return VERTO_IDENT_REFUSED;
	}
	st = tok_verify(v->cfg.keys, &o, token, strlen(token), &c);
	if (st != TOK_OK) {
		snprintf(why, whysz, "token %s (%s)", tok_status_str(st), c.detail);
		return VERTO_IDENT_REFUSED;
	}
	if (strlen(c.sub) >= subsz) {
		snprintf(why, whysz, "token subject too long");
		return VERTO_IDENT_REFUSED;
	}
	memcpy(sub, c.sub, strlen(c.sub) + 1);
	return VERTO_IDENT_OK;
}

int verto_ident_login(verto_ident *v, const char *login, const char *passwd,
					  const char *token, int64_t now, verto_identity *out,
					  char *why, size_t whysz)
{
	char key[IDS_KEY_MAX + 1], user[IDS_KEY_MAX + 1];
	const char *realm, *at;
	ids_record_t rec;
	int rc, usable;

	if (!token && verto_ident_is_jwt(passwd))
		token = passwd;
	if (token) {
		rc = check_token(v, token, now, key, sizeof(key), why, whysz);
		if (rc)
			return rc;
	} else {
		snprintf(key, sizeof(key), "%s", login ? login : "");
	}
	if (!key[0] || strlen(key) >= sizeof(out->login)) {
		snprintf(why, whysz, "bad login");
		return VERTO_IDENT_REFUSED;
	}
	rc = load(v, key, NULL, &rec, why, whysz);
	if (rc)
		return rc;
	usable = ids_record_usable(&rec, now);
	if (usable != 1) {
		snprintf(why, whysz, "mapping %s", usable ? "expired" : "disabled");
		return VERTO_IDENT_REFUSED;
	}
	if (!token) {
		at = strrchr(key, '@');
		snprintf(user, sizeof(user), "%.*s",
				 (int)(at ? (size_t)(at - key) : strlen(key)), key);
		realm = v->cfg.realm[0] ? v->cfg.realm : at ? at + 1 : "";
		if (!rec.ha1[0] ||
			!verto_ident_ha1_ok(rec.ha1, user, realm, passwd ? passwd : "")) {
			snprintf(why, whysz,
					 rec.ha1[0] ? "wrong password" : "mapping has no ha1");
			OPENSSL_cleanse(&rec, sizeof(rec));
			return VERTO_IDENT_REFUSED;
		}
	}
	fill(out, key, &rec);
	OPENSSL_cleanse(&rec, sizeof(rec));
	return VERTO_IDENT_OK;
}

int verto_ident_reverse(verto_ident *v, const char *uri, int64_t now, char *key,
						size_t keysz, char *why, size_t whysz)
{
	ids_record_t rec;
	int rc = load(v, NULL, uri, &rec, why, whysz);

	if (rc)
		return rc;
	rc = VERTO_IDENT_REFUSED;
	if (ids_record_usable(&rec, now) != 1)
		snprintf(why, whysz, "mapping %s disabled or expired", rec.key);
	else if (strlen(rec.key) >= keysz)
		snprintf(why, whysz, "mapping key too long");
	else {
		memcpy(key, rec.key, strlen(rec.key) + 1);
		rc = VERTO_IDENT_OK;
	}
	OPENSSL_cleanse(&rec, sizeof(rec));
	return rc;
}
