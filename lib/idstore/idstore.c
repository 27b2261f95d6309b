/*
 * idstore.c - identity mappings in Redis (hiredis): connection with
 * Sentinel discovery, scripted atomic writes, lookups, listing.
 */
#include "idstore/idstore.h"
#include "idstore/idstore_import.h"
#include "idstore/idstore_scripts.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#define RC(ctx) ((redisContext *)(ctx)->rc_)

/* the scripts with their SHA1, computed once */
enum { IDS_S_PUT, IDS_S_DEL, IDS_S_ENABLE, IDS_S_REVERSE, IDS_S_COUNT };
static struct {
	const char *body;
	char sha[41];
} ids_scripts[] = {
		[IDS_S_PUT] = {IDS_LUA_PUT, ""},
		[IDS_S_DEL] = {IDS_LUA_DEL, ""},
		[IDS_S_ENABLE] = {IDS_LUA_ENABLE, ""},
		[IDS_S_REVERSE] = {IDS_LUA_REVERSE, ""},
};
_Static_assert(sizeof(ids_scripts) / sizeof(ids_scripts[0]) == IDS_S_COUNT,
			   "one entry per script");

static const char *const ids_errnames[] = {
		[IDS_OK] = "ok",
		[IDS_ERR_ARG] = "bad argument",
		[IDS_ERR_IO] = "connection error",
		[IDS_ERR_PROTO] = "protocol error",
		[IDS_ERR_NOTFOUND] = "not found",
		[IDS_ERR_EXISTS] = "already exists",
		[IDS_ERR_CONFLICT] = "sip_uri or did conflict",
		[IDS_ERR_INVALID] = "invalid record",
		[IDS_ERR_OOM] = "out of memory",
		[IDS_ERR_REMOTE] = "redis error",
		[IDS_ERR_NOT_REPLICATED] = "not replicated",
};
_Static_assert(sizeof(ids_errnames) / sizeof(ids_errnames[0]) ==
					   IDS_ERR_NOT_REPLICATED + 1,
			   "one name per error code");

const char *ids_strerror(int err)
{
	return (err >= 0 && err <= IDS_ERR_NOT_REPLICATED) ? ids_errnames[err]
													   : "?";
}

__attribute__((format(printf, 3, 4))) static int
ids_set_err(ids_ctx_t *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	ctx->err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->errstr, sizeof(ctx->errstr), fmt, ap);
	va_end(ap);
	return err;
}

static int ids_ok(ids_ctx_t *ctx)
{
	ctx->err = IDS_OK;
	ctx->errstr[0] = '\0';
	return IDS_OK;
}

static struct timeval ids_tv(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	return tv;
}

void ids_conf_init(ids_conf_t *conf)
{
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->addr, sizeof(conf->addr), "127.0.0.1:6379");
	snprintf(conf->sentinel_master, sizeof(conf->sentinel_master), "mymaster");
	conf->connect_timeout_ms = IDS_DEFAULT_TIMEOUT_MS;
	conf->cmd_timeout_ms = IDS_DEFAULT_TIMEOUT_MS;
	conf->wait_timeout_ms = IDS_DEFAULT_WAIT_TIMEOUT_MS;
}

/* "host:port", "[v6]:port", "host" into host/port; 0 or -1 */
static int ids_split_addr(const char *s, size_t len, char *host, size_t hostsz,
						  int *port)
{
	const char *colon = NULL, *h = s;
	size_t hl = len, i;
	char *end;
	long p = 6379;

	if (len && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb)
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb + 1 < s + len) {
			if (rb[1] != ':')
				return -1;
			colon = rb + 1;
		}
	} else {
		for (i = 0; i < len; i++)
			if (s[i] == ':')
				colon = s + i;
		if (colon)
			hl = (size_t)(colon - s);
	}
	if (colon) {
		char pb[8];
		size_t pl = (size_t)(s + len - colon - 1);
		if (pl == 0 || pl >= sizeof(pb))
			return -1;
		memcpy(pb, colon + 1, pl);
		pb[pl] = '\0';
		p = strtol(pb, &end, 10);
		if (*end || p < 1 || p > 65535)
			return -1;
	}
	if (hl == 0 || hl >= hostsz)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (int)p;
	return 0;
}

static void ids_sha1_hex(const char *s, char out[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL);
	for (i = 0; i < n && i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void ids_scripts_init(void)
{
	int i;
	if (ids_scripts[0].sha[0])
		return;
	for (i = 0; i < IDS_S_COUNT; i++)
		ids_sha1_hex(ids_scripts[i].body, ids_scripts[i].sha);
}

/* close the connection after it turned out to be unusable */
static void ids_close(ids_ctx_t *ctx)
{
	if (RC(ctx))
		redisFree(RC(ctx));
	ctx->rc_ = NULL;
}

/*
 * 1 when an error reply says the server is no longer a master: the
 * connection is then closed with IDS_ERR_IO so the caller reconnects (and
 * asks the Sentinels). r is freed in that case.
 */
static int ids_demoted(ids_ctx_t *ctx, redisReply *r)
{
	if (r->type != REDIS_REPLY_ERROR || strncmp(r->str, "READONLY", 8) != 0)
		return 0;
	freeReplyObject(r);
	ids_set_err(ctx, IDS_ERR_IO,
				"%s is no longer the master (READONLY); connect again",
				ctx->peer);
	ids_close(ctx);
	return 1;
}

/* run a command; NULL with ctx->err set on connection failure */
static redisReply *ids_cmd(ids_ctx_t *ctx, int argc, const char **argv,
						   const size_t *lens)
{
	redisReply *r;
	if (!RC(ctx) || RC(ctx)->err) {
		ids_set_err(ctx, IDS_ERR_IO, "not connected");
		return NULL;
	}
	r = redisCommandArgv(RC(ctx), argc, argv, lens);
	if (!r) {
		ids_set_err(ctx, IDS_ERR_IO, "%s: %s", ctx->peer,
					RC(ctx)->errstr[0] ? RC(ctx)->errstr : "I/O error");
		return NULL;
	}
	return ids_demoted(ctx, r) ? NULL : r;
}

/* argv with computed lengths */
static redisReply *ids_cmdv(ids_ctx_t *ctx, int argc, const char **argv)
{
	size_t lens[16];
	int i;
	for (i = 0; i < argc && i < 16; i++)
		lens[i] = strlen(argv[i]);
	return ids_cmd(ctx, argc, argv, lens);
}

/* one connection to host:port or a unix socket, with timeouts */
static redisContext *ids_open(ids_ctx_t *ctx, const char *addr)
{
	char host[IDS_ADDR_MAX];
	int port;
	redisContext *c;
	const ids_conf_t *cf = &ctx->conf_;

	if (strncmp(addr, "unix:", 5) == 0) {
		c = redisConnectUnixWithTimeout(addr + 5,
										ids_tv(cf->connect_timeout_ms));
	} else {
		if (ids_split_addr(addr, strlen(addr), host, sizeof(host), &port) < 0) {
			ids_set_err(ctx, IDS_ERR_ARG, "bad address '%s'", addr);
			return NULL;
		}
		c = redisConnectWithTimeout(host, port, ids_tv(cf->connect_timeout_ms));
	}
	if (!c) {
		ids_set_err(ctx, IDS_ERR_OOM, "cannot allocate a connection");
		return NULL;
	}
	if (c->err || redisSetTimeout(c, ids_tv(cf->cmd_timeout_ms)) != REDIS_OK) {
		ids_set_err(ctx, IDS_ERR_IO, "%s: %s", addr,
					c->errstr[0] ? c->errstr : "cannot connect");
		redisFree(c);
		return NULL;
	}
	return c;
}

/* AUTH, SELECT on a fresh connection; IDS_OK or error */
static int ids_prepare(ids_ctx_t *ctx)
{
	redisReply *r;
	char db[16];
	const char *argv[2];
	if (ctx->conf_.password[0]) {
		argv[0] = "AUTH";
		argv[1] = ctx->conf_.password;
		if (!(r = ids_cmdv(ctx, 2, argv)))
			return ctx->err;
		if (r->type == REDIS_REPLY_ERROR) {
			ids_set_err(ctx, IDS_ERR_REMOTE, "AUTH: %s", r->str);
			freeReplyObject(r);
			return ctx->err;
		}
		freeReplyObject(r);
	}
	if (ctx->conf_.db > 0) {
		snprintf(db, sizeof(db), "%d", ctx->conf_.db);
		argv[0] = "SELECT";
		argv[1] = db;
		if (!(r = ids_cmdv(ctx, 2, argv)))
			return ctx->err;
		if (r->type == REDIS_REPLY_ERROR) {
			ids_set_err(ctx, IDS_ERR_REMOTE, "SELECT: %s", r->str);
			freeReplyObject(r);
			return ctx->err;
		}
		freeReplyObject(r);
	}
	return IDS_OK;
}

/* ask one sentinel for the master address into addr; IDS_OK or error */
static int ids_ask_sentinel(ids_ctx_t *ctx, const char *sentinel, char *addr,
							size_t addrsz)
{
	const char *argv[3] = {"SENTINEL", "get-master-addr-by-name",
						   ctx->conf_.sentinel_master};
	redisReply *r;
	redisContext *c = ids_open(ctx, sentinel);
	if (!c)
		return ctx->err;
	ctx->rc_ = c;
	snprintf(ctx->peer, sizeof(ctx->peer), "%s", sentinel);
	r = ids_cmdv(ctx, 3, argv);
	ctx->rc_ = NULL;
	redisFree(c);
	if (!r)
		return ctx->err;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_STRING) {
		ids_set_err(ctx, IDS_ERR_PROTO, "sentinel %s does not know master %s",
					sentinel, ctx->conf_.sentinel_master);
		freeReplyObject(r);
		return ctx->err;
	}
	snprintf(addr, addrsz,
			 strchr(r->element[0]->str, ':') ? "[%s]:%s" : "%s:%s",
			 r->element[0]->str, r->element[1]->str);
	freeReplyObject(r);
	return IDS_OK;
}

/* connect ctx->rc_ to addr; with check_master, refuse a replica */
static int ids_attach(ids_ctx_t *ctx, const char *addr, int check_master)
{
	const char *argv[1] = {"ROLE"};
	redisReply *r;
	redisContext *c = ids_open(ctx, addr);
	if (!c)
		return ctx->err;
	ctx->rc_ = c;
	snprintf(ctx->peer, sizeof(ctx->peer), "%s", addr);
	if (ids_prepare(ctx) != IDS_OK)
		goto fail;
	if (!check_master)
		return ids_ok(ctx);
	if (!(r = ids_cmdv(ctx, 1, argv)))
		goto fail;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		strcmp(r->element[0]->str, "master") != 0) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s is not a master", addr);
		freeReplyObject(r);
		goto fail;
	}
	freeReplyObject(r);
	return ids_ok(ctx);
fail:
	redisFree(c);
	ctx->rc_ = NULL;
	return ctx->err;
}

static int ids_connect_sentinels(ids_ctx_t *ctx)
{
	char list[IDS_ADDR_MAX], *tok, *save = NULL, addr[IDS_ADDR_MAX];
	int err = IDS_ERR_ARG;
	snprintf(list, sizeof(list), "%s", ctx->conf_.sentinels);
	for (tok = strtok_r(list, ", ", &save); tok;
		 tok = strtok_r(NULL, ", ", &save)) {
		if ((err = ids_ask_sentinel(ctx, tok, addr, sizeof(addr))) != IDS_OK)
			continue;
		if ((err = ids_attach(ctx, addr, 1)) == IDS_OK)
			return IDS_OK;
	}
	if (err == IDS_ERR_ARG && !ctx->errstr[0])
		ids_set_err(ctx, IDS_ERR_ARG, "empty sentinel list");
	return ctx->err;
}

ids_ctx_t *ids_connect(const ids_conf_t *conf)
{
	ids_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ids_scripts_init();
	ctx->conf_ = *conf;
	if (ctx->conf_.connect_timeout_ms <= 0)
		ctx->conf_.connect_timeout_ms = IDS_DEFAULT_TIMEOUT_MS;
	if (ctx->conf_.cmd_timeout_ms <= 0)
		ctx->conf_.cmd_timeout_ms = IDS_DEFAULT_TIMEOUT_MS;
	if (ctx->conf_.wait_replicas < 0 ||
		(ctx->conf_.wait_replicas > 0 && ctx->conf_.wait_timeout_ms <= 0))
		ids_set_err(ctx, IDS_ERR_ARG,
					"wait_replicas must be >= 0, and wait_timeout_ms > 0 "
					"when it is set");
	else if (ctx->conf_.sentinels[0])
		ids_connect_sentinels(ctx);
	else
		ids_attach(ctx, ctx->conf_.addr, 0);
	return ctx;
}

void ids_free(ids_ctx_t *ctx)
{
	if (!ctx)
		return;
	ids_close(ctx);
	free(ctx);
}

struct redisContext *ids_redis(ids_ctx_t *ctx)
{
	return RC(ctx);
}

/* reply check: an error reply becomes IDS_ERR_REMOTE; frees r then */
static int ids_reply_error(ids_ctx_t *ctx, redisReply *r, const char *what)
{
	if (r->type != REDIS_REPLY_ERROR)
		return IDS_OK;
	ids_set_err(ctx, IDS_ERR_REMOTE, "%s: %s", what, r->str);
	freeReplyObject(r);
	return ctx->err;
}

int ids_ping(ids_ctx_t *ctx)
{
	const char *argv[1] = {"PING"};
	redisReply *r = ids_cmdv(ctx, 1, argv);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, "PING"))
		return ctx->err;
	freeReplyObject(r);
	return ids_ok(ctx);
}

/*
 * After a write on this connection: WAIT for conf.wait_replicas replicas
 * (nothing when 0). The command timeout is extended by the WAIT timeout
 * for that one command. IDS_OK, IDS_ERR_NOT_REPLICATED with the count in
 * errstr, or IDS_ERR_IO (connection broken, the write's fate unknown).
 */
static int ids_wait(ids_ctx_t *ctx)
{
	const ids_conf_t *cf = &ctx->conf_;
	char n[16], ms[16];
	const char *argv[3] = {"WAIT", n, ms};
	redisReply *r;
	long long acked;

	if (cf->wait_replicas <= 0)
		return ids_ok(ctx);
	if (!RC(ctx))
		return ids_set_err(ctx, IDS_ERR_IO, "not connected");
	snprintf(n, sizeof(n), "%d", cf->wait_replicas);
	snprintf(ms, sizeof(ms), "%d", cf->wait_timeout_ms);
	if (redisSetTimeout(RC(ctx), ids_tv(cf->cmd_timeout_ms +
										cf->wait_timeout_ms)) != REDIS_OK)
		return ids_set_err(ctx, IDS_ERR_IO, "%s: cannot set a timeout",
						   ctx->peer);
	r = ids_cmdv(ctx, 3, argv);
	if (!r) {
		/* the write was answered, its replication is unknown */
		snprintf(ctx->errstr + strlen(ctx->errstr),
				 sizeof(ctx->errstr) - strlen(ctx->errstr),
				 " (waiting for replicas after a write)");
		return ctx->err;
	}
	if (RC(ctx))
		redisSetTimeout(RC(ctx), ids_tv(cf->cmd_timeout_ms));
	if (ids_reply_error(ctx, r, "WAIT"))
		return ctx->err;
	acked = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
	freeReplyObject(r);
	if (acked < 0)
		return ids_set_err(ctx, IDS_ERR_PROTO, "WAIT: not an integer");
	if (acked < cf->wait_replicas)
		return ids_set_err(ctx, IDS_ERR_NOT_REPLICATED,
						   "written on %s but acknowledged by %lld of %d "
						   "replica(s) within %d ms: may be lost in a failover",
						   ctx->peer, acked, cf->wait_replicas,
						   cf->wait_timeout_ms);
	return ids_ok(ctx);
}

/* EVALSHA the script, falling back to EVAL when Redis does not have it.
 * argv[0..1] are reserved for the command and script, filled here. */
static redisReply *ids_script(ids_ctx_t *ctx, int which, int argc,
							  const char **argv, size_t *lens)
{
	redisReply *r;
	argv[0] = "EVALSHA";
	lens[0] = 7;
	argv[1] = ids_scripts[which].sha;
	lens[1] = 40;
	r = ids_cmd(ctx, argc, argv, lens);
	if (r && r->type == REDIS_REPLY_ERROR &&
		strncmp(r->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(r);
		argv[0] = "EVAL";
		lens[0] = 4;
		argv[1] = ids_scripts[which].body;
		lens[1] = strlen(argv[1]);
		r = ids_cmd(ctx, argc, argv, lens);
	}
	return r;
}

/* fill a record from HGETALL pairs; IDS_OK or IDS_ERR_PROTO */
static int ids_from_pairs(ids_ctx_t *ctx, const redisReply *a, const char *ns,
						  const char *key, ids_record_t *out)
{
	size_t i;
	int f;
	ids_error_t e;
	ids_record_init(out);
	snprintf(out->ns, sizeof(out->ns), "%s", ns);
	snprintf(out->key, sizeof(out->key), "%s", key);
	for (i = 0; i + 1 < a->elements; i += 2) {
		const redisReply *k = a->element[i], *v = a->element[i + 1];
		if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
			return ids_set_err(ctx, IDS_ERR_PROTO, "HGETALL: not strings");
		f = ids_field_by_name(k->str, k->len);
		if (f <= IDS_F_KEY) /* unknown, internal, ns or key */
			continue;
		if (ids_record_set(out, f, v->str, v->len, &e) < 0)
			return ids_set_err(ctx, IDS_ERR_PROTO,
							   "stored mapping %s:%s: %s %s", ns, key, e.field,
							   e.msg);
	}
	return IDS_OK;
}

int ids_get(ids_ctx_t *ctx, const char *ns, const char *key, ids_record_t *out)
{
	char mk[IDS_REDIS_KEY_MAX];
	const char *argv[2] = {"HGETALL", mk};
	redisReply *r;
	int rc;
	if (ids_key_map(mk, sizeof(mk), ns, key) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "namespace or key too long");
	if (!(r = ids_cmdv(ctx, 2, argv)))
		return ctx->err;
	if (ids_reply_error(ctx, r, "HGETALL"))
		return ctx->err;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "HGETALL: not an array");
	}
	if (r->elements == 0) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", ns, key);
	}
	rc = ids_from_pairs(ctx, r, ns, key, out);
	freeReplyObject(r);
	return rc ? rc : ids_ok(ctx);
}

/* the reverse script on entry rk, whose value after the map key prefix mp
 * names the mapping: its key in namespace ns, or "<ns>:<key>" when ns is
 * NULL; what names the entry in errors */
static int ids_reverse_run(ids_ctx_t *ctx, const char *rk, const char *mp,
						   const char *ns, const char *what, ids_record_t *out)
{
	char nsb[IDS_NS_MAX + 1];
	const char *argv[5], *key;
	size_t lens[5], nl;
	redisReply *r, *v;
	int rc;
	argv[2] = "1";
	argv[3] = rk;
	argv[4] = mp;
	lens[2] = 1;
	lens[3] = strlen(rk);
	lens[4] = strlen(mp);
	if (!(r = ids_script(ctx, IDS_S_REVERSE, 5, argv, lens)))
		return ctx->err;
	if (ids_reply_error(ctx, r, "reverse"))
		return ctx->err;
	if (r->type == REDIS_REPLY_NIL ||
		(r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		 r->element[1]->type == REDIS_REPLY_ARRAY &&
		 r->element[1]->elements == 0)) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", what);
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_ARRAY)
		goto proto;
	v = r->element[0];
	key = v->str;
	if (!ns) { /* "<ns>:<key>" */
		const char *colon = memchr(v->str, ':', v->len);
		if (!colon || (nl = (size_t)(colon - v->str)) == 0 || nl > IDS_NS_MAX)
			goto proto;
		memcpy(nsb, v->str, nl);
		nsb[nl] = '\0';
		ns = nsb;
		key = colon + 1;
	}
	if (strlen(key) > IDS_KEY_MAX)
		goto proto;
	rc = ids_from_pairs(ctx, r->element[1], ns, key, out);
	freeReplyObject(r);
	return rc ? rc : ids_ok(ctx);
proto:
	freeReplyObject(r);
	return ids_set_err(ctx, IDS_ERR_PROTO, "reverse: unexpected reply");
}

int ids_reverse(ids_ctx_t *ctx, const char *ns, const char *uri,
				ids_record_t *out)
{
	char norm[IDS_URI_MAX + 1], rk[IDS_REDIS_KEY_MAX], mp[IDS_REDIS_KEY_MAX];
	if (ids_uri_norm(uri, strlen(uri), norm, sizeof(norm)) < 0 ||
		ids_key_rev(rk, sizeof(rk), ns, norm) < 0 ||
		ids_key_map(mp, sizeof(mp), ns, "") < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "bad namespace or URI");
	return ids_reverse_run(ctx, rk, mp, ns, norm, out);
}

int ids_reverse_did(ids_ctx_t *ctx, const char *did, ids_record_t *out)
{
	char dk[IDS_REDIS_KEY_MAX];
	ids_record_t probe;
	ids_error_t e;
	int rc;
	ids_record_init(&probe);
	if (!*did || ids_record_set(&probe, IDS_F_DID, did, strlen(did), &e) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "did: %s",
						   *did ? e.msg : "is required");
	if (ids_key_did(dk, sizeof(dk), did) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "did: too long");
	rc = ids_reverse_run(ctx, dk, IDS_MAP_PREFIX, NULL, did, out);
	/* the scripts keep both sides together; refuse a stray entry anyway */
	if (rc == IDS_OK && strcmp(out->did, did) != 0)
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", did);
	return rc;
}

/* an error about field of rec into e (NULL: none) */
__attribute__((format(printf, 3, 4))) static void
ids_field_err(ids_error_t *e, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return;
	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* split the value of a DID entry, "<ns>:<key>": *nsl bytes of namespace at
 * o, the key returned */
static const char *ids_owner_split(const char *o, int *nsl)
{
	const char *colon = strchr(o, ':');
	*nsl = colon ? (int)(colon - o) : 0;
	return colon ? colon + 1 : o;
}

/* map a script error reply (EXISTS, NOTFOUND, CONFLICT x, DIDCONFLICT ns:k)
 * to a code, with the field and reason in e when not NULL */
static int ids_script_error(ids_ctx_t *ctx, const redisReply *r,
							const ids_record_t *rec, ids_error_t *e)
{
	const char *o, *key;
	int nsl;
	if (strncmp(r->str, "EXISTS", 6) == 0) {
		ids_field_err(e, "key", "mapping exists already");
		return ids_set_err(ctx, IDS_ERR_EXISTS, "mapping %s:%s exists", rec->ns,
						   rec->key);
	}
	if (strncmp(r->str, "NOTFOUND", 8) == 0) {
		ids_field_err(e, "key", "no such mapping to replace");
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", rec->ns,
						   rec->key);
	}
	if (strncmp(r->str, "CONFLICT ", 9) == 0) {
		ids_field_err(e, "sip_uri", "already mapped by key %.80s", r->str + 9);
		return ids_set_err(ctx, IDS_ERR_CONFLICT,
						   "sip_uri %s is already mapped by key %.60s",
						   rec->sip_uri, r->str + 9);
	}
	if (strncmp(r->str, "DIDCONFLICT ", 12) == 0) {
		o = r->str + 12;
		key = ids_owner_split(o, &nsl);
		ids_field_err(e, "did", "already mapped by key %.80s (namespace %.*s)",
					  key, nsl, o);
		return ids_set_err(ctx, IDS_ERR_CONFLICT,
						   "did %s is already mapped by key %.60s (namespace "
						   "%.*s)",
						   rec->did, key, nsl, o);
	}
	return ids_set_err(ctx, IDS_ERR_REMOTE, "%s", r->str);
}

/* the argument vector of a put script call; strings live in *b */
typedef struct ids_put_args {
	char mk[IDS_REDIS_KEY_MAX], rk[IDS_REDIS_KEY_MAX], rp[IDS_REDIS_KEY_MAX];
	char norm[IDS_URI_MAX + 1], mode[4], en[2], na[24];
	char owner[IDS_NS_MAX + 1 + IDS_KEY_MAX + 1]; /* "<ns>:<key>" */
	const char *argv[16 + 2 * IDS_F_COUNT];
	size_t lens[16 + 2 * IDS_F_COUNT];
	int argc;
} ids_put_args_t;

static int ids_put_build(ids_ctx_t *ctx, const ids_record_t *r, int mode,
						 ids_put_args_t *b)
{
	int f, i;
	if (ids_uri_norm(r->sip_uri, strlen(r->sip_uri), b->norm, sizeof(b->norm)) <
				0 ||
		ids_key_map(b->mk, sizeof(b->mk), r->ns, r->key) < 0 ||
		ids_key_rev(b->rk, sizeof(b->rk), r->ns, b->norm) < 0 ||
		ids_key_rev(b->rp, sizeof(b->rp), r->ns, "") < 0 ||
		snprintf(b->owner, sizeof(b->owner), "%s:%s", r->ns, r->key) >=
				(int)sizeof(b->owner))
		return ids_set_err(ctx, IDS_ERR_ARG, "key name too long");
	snprintf(b->mode, sizeof(b->mode), "%d", mode);
	snprintf(b->en, sizeof(b->en), "%d", r->enabled ? 1 : 0);
	snprintf(b->na, sizeof(b->na), "%lld", (long long)r->not_after);
	i = 2;
	b->argv[i++] = "2";
	b->argv[i++] = b->mk;
	b->argv[i++] = b->rk;
	b->argv[i++] = b->mode;
	b->argv[i++] = r->key;
	b->argv[i++] = IDS_CHANNEL;
	b->argv[i++] = r->ns;
	b->argv[i++] = b->rp;
	b->argv[i++] = b->norm;
	b->argv[i++] = IDS_DID_PREFIX;
	b->argv[i++] = r->did;
	b->argv[i++] = b->owner;
	b->argv[i++] = IDS_REV_URI_FIELD;
	b->argv[i++] = b->norm;
	for (f = IDS_F_SIP_URI; f < IDS_F_COUNT; f++) {
		const char *v = f == IDS_F_ENABLED	   ? b->en
						: f == IDS_F_NOT_AFTER ? b->na
											   : NULL;
		if (!v && !*(v = ids_record_str(r, f)))
			continue; /* empty optional string fields are not stored */
		b->argv[i++] = ids_field_name(f);
		b->argv[i++] = v;
	}
	b->argc = i;
	for (i = 2; i < b->argc; i++)
		b->lens[i] = strlen(b->argv[i]);
	return IDS_OK;
}

int ids_put(ids_ctx_t *ctx, const ids_record_t *r, int mode, ids_error_t *e)
{
	ids_put_args_t b;
	ids_error_t le;
	redisReply *rep;
	if (ids_record_validate(r, e ? e : &le) < 0) {
		const ids_error_t *x = e ? e : &le;
		return ids_set_err(ctx, IDS_ERR_INVALID, "%s: %s", x->field, x->msg);
	}
	if (ids_put_build(ctx, r, mode, &b))
		return ctx->err;
	if (!(rep = ids_script(ctx, IDS_S_PUT, b.argc, b.argv, b.lens)))
		return ctx->err;
	if (rep->type == REDIS_REPLY_ERROR) {
		ids_script_error(ctx, rep, r, e);
		freeReplyObject(rep);
		return ctx->err;
	}
	freeReplyObject(rep);
	return ids_wait(ctx);
}

/* run a script on one mapping whose reply is 1 (done) or 0 (absent);
 * argv[2..argc) filled by the caller */
static int ids_script_on_map(ids_ctx_t *ctx, int which, int argc,
							 const char **argv, const char *ns, const char *key)
{
	size_t lens[10];
	redisReply *r;
	int i, found;
	for (i = 2; i < argc; i++)
		lens[i] = strlen(argv[i]);
	if (!(r = ids_script(ctx, which, argc, argv, lens)))
		return ctx->err;
	if (ids_reply_error(ctx, r, ns))
		return ctx->err;
	found = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	if (!found)
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", ns, key);
	return ids_wait(ctx);
}

int ids_del(ids_ctx_t *ctx, const char *ns, const char *key)
{
	char mk[IDS_REDIS_KEY_MAX], rp[IDS_REDIS_KEY_MAX];
	char owner[IDS_NS_MAX + 1 + IDS_KEY_MAX + 1];
	const char *argv[10];
	if (ids_key_map(mk, sizeof(mk), ns, key) < 0 ||
		ids_key_rev(rp, sizeof(rp), ns, "") < 0 ||
		snprintf(owner, sizeof(owner), "%s:%s", ns, key) >= (int)sizeof(owner))
		return ids_set_err(ctx, IDS_ERR_ARG, "namespace or key too long");
	argv[2] = "1";
	argv[3] = mk;
	argv[4] = key;
	argv[5] = IDS_CHANNEL;
	argv[6] = ns;
	argv[7] = rp;
	argv[8] = IDS_DID_PREFIX;
	argv[9] = owner;
	return ids_script_on_map(ctx, IDS_S_DEL, 10, argv, ns, key);
}

int ids_set_enabled(ids_ctx_t *ctx, const char *ns, const char *key,
					int enabled)
{
	char mk[IDS_REDIS_KEY_MAX], msg[IDS_NS_MAX + IDS_KEY_MAX + 2];
	const char *argv[7];
	if (ids_key_map(mk, sizeof(mk), ns, key) < 0 ||
		snprintf(msg, sizeof(msg), "%s %s", ns, key) >= (int)sizeof(msg))
		return ids_set_err(ctx, IDS_ERR_ARG, "namespace or key too long");
	argv[2] = "1";
	argv[3] = mk;
	argv[4] = enabled ? "1" : "0";
	argv[5] = IDS_CHANNEL;
	argv[6] = msg;
	return ids_script_on_map(ctx, IDS_S_ENABLE, 7, argv, ns, key);
}

int ids_list(ids_ctx_t *ctx, const char *ns, const char *pattern,
			 uint64_t *cursor, int count, ids_list_cb cb, void *arg)
{
	char match[IDS_REDIS_KEY_MAX + 8], cur[24], cnt[16];
	const char *argv[6] = {"SCAN", cur, "MATCH", match, "COUNT", cnt};
	redisReply *r, *keys;
	size_t i, plen = sizeof(IDS_MAP_PREFIX) - 1;
	int n;

	if (!pattern || !*pattern)
		pattern = "*";
	if (ns && *ns)
		n = snprintf(match, sizeof(match), "%s%s:%s", IDS_MAP_PREFIX, ns,
					 pattern);
	else
		n = snprintf(match, sizeof(match), "%s*:%s", IDS_MAP_PREFIX, pattern);
	if (n < 0 || (size_t)n >= sizeof(match))
		return ids_set_err(ctx, IDS_ERR_ARG, "pattern too long");
	snprintf(cur, sizeof(cur), "%llu", (unsigned long long)*cursor);
	snprintf(cnt, sizeof(cnt), "%d", count > 0 ? count : 100);
	if (!(r = ids_cmdv(ctx, 6, argv)))
		return ctx->err;
	if (ids_reply_error(ctx, r, "SCAN"))
		return ctx->err;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "SCAN: unexpected reply");
	}
	*cursor = strtoull(r->element[0]->str, NULL, 10);
	keys = r->element[1];
	for (i = 0; i < keys->elements; i++) {
		char nsb[IDS_NS_MAX + 1];
		const char *k = keys->element[i]->str, *colon;
		size_t nl;
		if (keys->element[i]->type != REDIS_REPLY_STRING ||
			keys->element[i]->len <= plen)
			continue;
		colon = strchr(k + plen, ':');
		if (!colon || (nl = (size_t)(colon - k - plen)) > IDS_NS_MAX)
			continue;
		memcpy(nsb, k + plen, nl);
		nsb[nl] = '\0';
		if (cb(nsb, colon + 1, arg)) {
			*cursor = 0;
			break;
		}
	}
	freeReplyObject(r);
	return ids_ok(ctx);
}

int ids_publish_flush(ids_ctx_t *ctx)
{
	const char *argv[3] = {"PUBLISH", IDS_CHANNEL, IDS_INVAL_ALL};
	redisReply *r = ids_cmdv(ctx, 3, argv);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, "PUBLISH"))
		return ctx->err;
	freeReplyObject(r);
	return ids_ok(ctx);
}

int ids_subscribe(ids_ctx_t *ctx)
{
	const char *argv[2] = {"SUBSCRIBE", IDS_CHANNEL};
	redisReply *r = ids_cmdv(ctx, 2, argv);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, "SUBSCRIBE"))
		return ctx->err;
	freeReplyObject(r);
	return ids_ok(ctx);
}

int ids_next_notice(ids_ctx_t *ctx, int timeout_ms, char *buf, size_t bufsz,
					size_t *len)
{
	redisContext *c = RC(ctx);
	redisReply *r = NULL;
	struct pollfd p;
	int n;

	if (!c || c->err)
		return ids_set_err(ctx, IDS_ERR_IO, "not connected");
	if (redisGetReplyFromReader(c, (void **)&r) != REDIS_OK)
		return ids_set_err(ctx, IDS_ERR_PROTO, "%s", c->errstr);
	if (!r) {
		p.fd = c->fd;
		p.events = POLLIN;
		n = poll(&p, 1,
				 timeout_ms > 0 ? timeout_ms : ctx->conf_.cmd_timeout_ms);
		if (n == 0 || (n < 0 && errno == EINTR))
			return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no notice");
		if (n < 0)
			return ids_set_err(ctx, IDS_ERR_IO, "poll: %s", strerror(errno));
		if (redisBufferRead(c) != REDIS_OK ||
			redisGetReplyFromReader(c, (void **)&r) != REDIS_OK)
			return ids_set_err(ctx, IDS_ERR_IO, "%s: %s", ctx->peer,
							   c->errstr[0] ? c->errstr : "connection lost");
		if (!r)
			return ids_set_err(ctx, IDS_ERR_NOTFOUND, "partial notice");
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		strcmp(r->element[0]->str, "message") != 0 ||
		r->element[2]->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "not a message");
	}
	n = snprintf(buf, bufsz, "%s", r->element[2]->str);
	*len = (n < 0 || (size_t)n >= bufsz) ? bufsz - 1 : (size_t)n;
	freeReplyObject(r);
	return ids_ok(ctx);
}

/* the next free slot of errs for record i, counted; NULL when full */
static ids_error_t *ids_import_err(ids_error_t *errs, size_t maxerrs,
								   size_t *nerrs, size_t i)
{
	ids_error_t *e;
	if (*nerrs >= maxerrs)
		return NULL;
	e = &errs[(*nerrs)++];
	e->line = (long)i + 1;
	return e;
}

/* the next pipelined reply; NULL with ctx->err set */
static redisReply *ids_import_reply(ids_ctx_t *ctx)
{
	redisReply *r = NULL;
	if (redisGetReply(RC(ctx), (void **)&r) != REDIS_OK)
		ids_set_err(ctx, IDS_ERR_IO, "%s: %s", ctx->peer, RC(ctx)->errstr);
	return r;
}

/* check, before writing, that no reverse entry (URI, DID) of recs belongs
 * to another mapping and that create/replace find what they expect */
static int ids_import_precheck(ids_ctx_t *ctx, const ids_record_t *recs,
							   size_t n, int mode, ids_error_t *errs,
							   size_t maxerrs, size_t *nerrs)
{
	redisContext *c = RC(ctx);
	char norm[IDS_URI_MAX + 1], k[IDS_REDIS_KEY_MAX];
	char owner[IDS_NS_MAX + 1 + IDS_KEY_MAX + 1];
	redisReply *r;
	size_t i, done = 0;
	int bad = 0;

	while (done < n) {
		size_t chunk = n - done > 1000 ? 1000 : n - done;
		for (i = done; i < done + chunk; i++) {
			const char *a[2] = {"GET", k};
			ids_uri_norm(recs[i].sip_uri, strlen(recs[i].sip_uri), norm,
						 sizeof(norm));
			ids_key_rev(k, sizeof(k), recs[i].ns, norm);
			redisAppendCommandArgv(c, 2, a, NULL);
			ids_key_map(k, sizeof(k), recs[i].ns, recs[i].key);
			a[0] = "EXISTS";
			redisAppendCommandArgv(c, 2, a, NULL);
			if (recs[i].did[0]) {
				ids_key_did(k, sizeof(k), recs[i].did);
				a[0] = "GET";
				redisAppendCommandArgv(c, 2, a, NULL);
			}
		}
		for (i = done; i < done + chunk; i++) {
			ids_error_t *e;
			int exists;
			if (!(r = ids_import_reply(ctx)))
				return ctx->err;
			if (r->type == REDIS_REPLY_STRING && strcmp(r->str, recs[i].key)) {
				bad = IDS_ERR_CONFLICT;
				ids_field_err(ids_import_err(errs, maxerrs, nerrs, i),
							  "sip_uri", "already mapped by key %.80s", r->str);
			}
			freeReplyObject(r);
			if (!(r = ids_import_reply(ctx)))
				return ctx->err;
			exists = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
			freeReplyObject(r);
			if ((mode == IDS_PUT_CREATE && exists) ||
				(mode == IDS_PUT_REPLACE && !exists)) {
				bad = bad ? bad : (exists ? IDS_ERR_EXISTS : IDS_ERR_NOTFOUND);
				e = ids_import_err(errs, maxerrs, nerrs, i);
				ids_field_err(e, "key", "%s",
							  exists ? "mapping exists already"
									 : "no such mapping to replace");
			}
			if (!recs[i].did[0])
				continue;
			if (!(r = ids_import_reply(ctx)))
				return ctx->err;
			snprintf(owner, sizeof(owner), "%s:%s", recs[i].ns, recs[i].key);
			if (r->type == REDIS_REPLY_STRING && strcmp(r->str, owner)) {
				int nsl;
				const char *key = ids_owner_split(r->str, &nsl);
				bad = IDS_ERR_CONFLICT;
				ids_field_err(ids_import_err(errs, maxerrs, nerrs, i), "did",
							  "already mapped by key %.80s (namespace %.*s)",
							  key, nsl, r->str);
			}
			freeReplyObject(r);
		}
		done += chunk;
	}
	return bad ? ids_set_err(ctx, bad, "%zu record(s) refused", *nerrs)
			   : IDS_OK;
}

int ids_import(ids_ctx_t *ctx, const ids_record_t *recs, size_t n, int mode,
			   ids_error_t *errs, size_t maxerrs, size_t *nerrs)
{
	redisContext *c = RC(ctx);
	ids_put_args_t *b;
	redisReply *r;
	size_t i, total = 0, done = 0, written = 0;

	*nerrs = 0;
	if (!c || c->err)
		return ids_set_err(ctx, IDS_ERR_IO, "not connected");
	for (i = 0; i < n; i++) {
		if (ids_record_validate(&recs[i],
								*nerrs < maxerrs ? &errs[*nerrs] : NULL) < 0) {
			if (*nerrs < maxerrs)
				errs[(*nerrs)++].line = (long)i + 1;
			total++;
		}
	}
	if (total)
		return ids_set_err(ctx, IDS_ERR_INVALID, "%zu invalid record(s)",
						   total);
	if (ids_check_dups(recs, NULL, n, errs, maxerrs, nerrs, &total) != 0)
		return ids_set_err(ctx, IDS_ERR_INVALID, "duplicates in the input");
	if (ids_import_precheck(ctx, recs, n, mode, errs, maxerrs, nerrs))
		return ctx->err;
	if (!(b = malloc(sizeof(*b))))
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
	/* make sure the script is cached so EVALSHA works in the pipeline */
	{
		const char *a[3] = {"SCRIPT", "LOAD", ids_scripts[IDS_S_PUT].body};
		if (!(r = ids_cmdv(ctx, 3, a))) {
			free(b);
			return ctx->err;
		}
		freeReplyObject(r);
	}
	while (done < n) {
		size_t chunk = n - done > 500 ? 500 : n - done;
		for (i = done; i < done + chunk; i++) {
			ids_put_build(ctx, &recs[i], mode, b);
			b->argv[0] = "EVALSHA";
			b->argv[1] = ids_scripts[IDS_S_PUT].sha;
			b->lens[0] = 7;
			b->lens[1] = 40;
			redisAppendCommandArgv(c, b->argc, b->argv, b->lens);
		}
		for (i = done; i < done + chunk; i++) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK) {
				free(b);
				return ids_set_err(ctx, IDS_ERR_IO, "%s: %s", ctx->peer,
								   c->errstr);
			}
			if (ids_demoted(ctx, r)) { /* the connection is closed */
				free(b);
				return ctx->err;
			}
			if (r->type != REDIS_REPLY_ERROR)
				written++;
			else if (*nerrs < maxerrs)
				ids_script_error(ctx, r, &recs[i],
								 ids_import_err(errs, maxerrs, nerrs, i));
			freeReplyObject(r);
		}
		done += chunk;
	}
	free(b);
	/* one WAIT covers every write of the batch */
	if (written && ids_wait(ctx) != IDS_OK &&
		(!*nerrs || ctx->err == IDS_ERR_IO))
		return ctx->err;
	if (*nerrs)
		return ids_set_err(
				ctx, IDS_ERR_CONFLICT,
				"%zu record(s) changed concurrently and were not written",
				*nerrs);
	return ids_ok(ctx);
}
