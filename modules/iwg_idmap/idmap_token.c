/*
 * idmap_token.c - JWT verification and token introspection for
 * idmap_auth_token() (idmap_token.h).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/dprint.h"
#include "core/locking.h"

#include "idmap_backend.h"
#include "idmap_token.h"
#include "token/token_introspect.h"

#define IDMAP_INTRO_TIMEOUT_MAX 200 /* ms: a SIP worker waits at most this */

static const tok_params_t *idmap_tok;
static const idmap_intro_params_t *idmap_ip;
static int idmap_retry_max;

/* RFC 7662 introspection: settings, the shm verdict cache, and this
 * process's client (made on first use) */
static struct {
	char url[1025], id[257], secret[257], ca[1025];
	gen_lock_t *lock;
	tok_cache_t *cache;
	tok_introspect_t *client;
} idmap_intro;

/* a parameter string into a fixed buffer; -1 when too long */
static int idmap_copy_param(const char *name, const char *s, char *buf,
							size_t sz)
{
	size_t n = strlen(s);

	if (n >= sz) {
		LM_ERR("parameter '%s' is longer than %zu characters\n", name, sz - 1);
		return -1;
	}
	memcpy(buf, s, n + 1);
	return 0;
}

/* the integer introspection parameters within their ranges */
static int idmap_intro_check(const idmap_intro_params_t *ip)
{
	if (ip->timeout_ms < 1 || ip->timeout_ms > IDMAP_INTRO_TIMEOUT_MAX) {
		LM_ERR("parameter 'introspection_timeout' must be 1..%d ms, not %d "
			   "(a SIP worker waits that long)\n",
			   IDMAP_INTRO_TIMEOUT_MAX, ip->timeout_ms);
		return -1;
	}
	if (ip->cache_ttl < 0) {
		LM_ERR("parameter 'introspection_cache_ttl' must be at least 0, not "
			   "%d\n",
			   ip->cache_ttl);
		return -1;
	}
	if (ip->cache_size < 1) {
		LM_ERR("parameter 'introspection_cache_size' must be at least 1, "
			   "not %d\n",
			   ip->cache_size);
		return -1;
	}
	return 0;
}

int idmap_token_init(const tok_params_t *tok, const idmap_intro_params_t *ip,
					 int retry_max_ms, const tok_cache_ops_t *ops)
{
	tok_cache_ops_t o = *ops;
	char err[160];

	idmap_tok = tok;
	idmap_ip = ip;
	idmap_retry_max = retry_max_ms;
	if (idmap_intro_check(ip) < 0)
		return -1;
	if (*ip->url == '\0')
		return 0;
	if (idmap_copy_param("introspection_url", ip->url, idmap_intro.url,
						 sizeof(idmap_intro.url)) < 0 ||
		idmap_copy_param("introspection_client_id", ip->client_id,
						 idmap_intro.id, sizeof(idmap_intro.id)) < 0 ||
		idmap_copy_param("introspection_client_secret", ip->client_secret,
						 idmap_intro.secret, sizeof(idmap_intro.secret)) < 0 ||
		idmap_copy_param("introspection_ca_file", ip->ca_file, idmap_intro.ca,
						 sizeof(idmap_intro.ca)) < 0)
		return -1;
	if (tok_introspect_check_url(idmap_intro.url, err, sizeof(err)) < 0) {
		LM_ERR("parameter 'introspection_url': %s\n", err);
		return -1;
	}
	if (idmap_intro.ca[0] && access(idmap_intro.ca, R_OK) != 0) {
		LM_ERR("parameter 'introspection_ca_file': cannot read %s\n",
			   idmap_intro.ca);
		return -1;
	}
	if (idmap_intro.id[0] == '\0' && idmap_intro.secret[0]) {
		LM_ERR("parameter 'introspection_client_secret': set without "
			   "introspection_client_id\n");
		return -1;
	}
	if (tok_introspect_global_init() < 0) {
		LM_ERR("cannot initialise libcurl\n");
		return -1;
	}
	if (!(idmap_intro.lock = lock_alloc()) || !lock_init(idmap_intro.lock)) {
		LM_ERR("cannot create the introspection cache lock\n");
		return -1;
	}
	o.lock_arg = idmap_intro.lock;
	if (!(idmap_intro.cache = tok_cache_new((size_t)ip->cache_size, &o))) {
		LM_ERR("parameter 'introspection_cache_size': cannot allocate %d "
			   "entries in shared memory\n",
			   ip->cache_size);
		return -1;
	}
	LM_INFO("opaque tokens introspected at %s (timeout %d ms)\n",
			idmap_intro.url, ip->timeout_ms);
	return 0;
}

/* an opaque token through the verdict cache, else the endpoint */
static tok_status_t idmap_introspect(const tok_opts_t *o, const char *t,
									 size_t len, tok_claims_t *c)
{
	tok_introspect_conf_t conf;
	int64_t now = idmap_backend_now_ms(), ttl;
	char err[160];
	tok_status_t st;

	if (len <= (size_t)idmap_tok->max_len &&
		tok_cache_get(idmap_intro.cache, t, len, now, &st, c))
		return st;
	if (!idmap_intro.client) {
		conf.url = idmap_intro.url;
		conf.client_id = idmap_intro.id;
		conf.client_secret = idmap_intro.secret;
		conf.ca_file = idmap_intro.ca;
		conf.timeout_ms = idmap_ip->timeout_ms;
		conf.retry_min_ms = 100;
		conf.retry_max_ms = idmap_retry_max;
		if (!(idmap_intro.client =
					  tok_introspect_new(&conf, err, sizeof(err)))) {
			LM_ERR("introspection client: %s\n", err);
			memset(c, 0, sizeof(*c));
			return TOK_INTERNAL;
		}
	}
	st = tok_introspect(idmap_intro.client, o, t, len, now, c);
	if (st == TOK_UNAVAILABLE)
		LM_WARN("token introspection: %s\n", c->detail);
	if ((st == TOK_OK || st == TOK_INACTIVE) && idmap_ip->cache_ttl > 0) {
		ttl = (int64_t)idmap_ip->cache_ttl * 1000;
		if (st == TOK_OK && c->exp && (c->exp - o->now) * 1000 < ttl)
			ttl = (c->exp - o->now) * 1000;
		tok_cache_put(idmap_intro.cache, t, len, now, now + ttl, st, c);
	}
	return st;
}

tok_status_t idmap_token_verify(const char *token, size_t len, tok_claims_t *c)
{
	tok_opts_t o;

	tok_params_opts(idmap_tok, (int64_t)time(NULL), &o);
	if (idmap_intro.cache && !tok_is_jwt(token, len))
		return idmap_introspect(&o, token, len, c);
	return tok_verify(&idmap_tok->keys, &o, token, len, c);
}

void idmap_token_stats(tok_cache_stats_t *ts)
{
	memset(ts, 0, sizeof(*ts));
	if (idmap_intro.cache)
		tok_cache_get_stats(idmap_intro.cache, ts);
}

void idmap_token_destroy(void)
{
	tok_introspect_free(idmap_intro.client);
	idmap_intro.client = NULL;
}
