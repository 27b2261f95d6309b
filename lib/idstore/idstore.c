/*
 * idstore.c - identity mappings in Redis (hiredis): scripted writes,
 * lookups, listing, import. Connections (one server, Sentinels, Cluster):
 * idstore_conn.c.
 *
 * A write of a mapping with a DID takes up to three steps, because the DID
 * entry lives in its own slot (Redis Cluster): claim the DID (one script on
 * the DID's slot, with a token of its own), write the mapping and its URI
 * entry (one script on the namespace's slot; the hash keeps the token),
 * release the DID the mapping held before (or, when the write was refused,
 * put the claimed entry back as it was), only where the entry still holds
 * the token meant. docs/identity.md says what atomicity that gives up and
 * why lookups stay right.
 */
#include "idstore/idstore.h"
#include "idstore/idstore_conn.h"
#include "idstore/idstore_import.h"
#include "idstore/idstore_scripts.h"
#include "idstore/idstore_slots.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#define RC(ctx) ((redisContext *)(ctx)->rc_)

void (*ids_step_hook)(ids_ctx_t *ctx, int step);
#define IDS_STEP(ctx, s)               \
	do {                               \
		if (ids_step_hook)             \
			ids_step_hook((ctx), (s)); \
	} while (0)

/* the scripts with their SHA1, computed once */
enum {
	IDS_S_PUT,
	IDS_S_DEL,
	IDS_S_ENABLE,
	IDS_S_REVERSE,
	IDS_S_DID_CLAIM,
	IDS_S_DID_RELEASE,
	IDS_S_COUNT
};
static struct {
	const char *body;
	char sha[41];
} ids_scripts[] = {
		[IDS_S_PUT] = {IDS_LUA_PUT, ""},
		[IDS_S_DEL] = {IDS_LUA_DEL, ""},
		[IDS_S_ENABLE] = {IDS_LUA_ENABLE, ""},
		[IDS_S_REVERSE] = {IDS_LUA_REVERSE, ""},
		[IDS_S_DID_CLAIM] = {IDS_LUA_DID_CLAIM, ""},
		[IDS_S_DID_RELEASE] = {IDS_LUA_DID_RELEASE, ""},
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
		[IDS_ERR_CORRUPT] = "stored record invalid",
};
_Static_assert(sizeof(ids_errnames) / sizeof(ids_errnames[0]) ==
					   IDS_ERR_CORRUPT + 1,
			   "one name per error code");

const char *ids_strerror(int err)
{
	return (err >= 0 && err <= IDS_ERR_CORRUPT) ? ids_errnames[err] : "?";
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
	else if (ids_conn_open(ctx) == IDS_OK)
		ids_ok(ctx);
	return ctx;
}

void ids_free(ids_ctx_t *ctx)
{
	if (!ctx)
		return;
	ids_conn_close(ctx);
	free(ctx);
}

struct redisContext *ids_redis(ids_ctx_t *ctx)
{
	if (!ctx->rc_ && !ctx->cl_)
		return NULL;
	return ids_conn_any(ctx);
}

/* stored data named by what ("stored mapping web:ann") that failed
 * validation: IDS_ERR_CORRUPT, field and why in ctx->corrupt, errstr
 * "<what>: <field> <why>" */
static int ids_corrupt(ids_ctx_t *ctx, const char *what, const char *field,
					   const char *why)
{
	ctx->corrupt.line = 0;
	snprintf(ctx->corrupt.field, sizeof(ctx->corrupt.field), "%s", field);
	snprintf(ctx->corrupt.msg, sizeof(ctx->corrupt.msg), "%s", why);
	return ids_set_err(ctx, IDS_ERR_CORRUPT, "%s: %s%s%s", what, field,
					   *field ? " " : "", why);
}

int ids_reply_wrongtype(const redisReply *r)
{
	return strncmp(r->str, "WRONGTYPE ", 10) == 0 ||
		   (strncmp(r->str, "ERR Error running script", 24) == 0 &&
			strstr(r->str, ": WRONGTYPE ") != NULL);
}

/* an error reply r about the command what, on the stored entry named entry
 * (NULL: none): IDS_ERR_REMOTE "what: ...", or IDS_ERR_CORRUPT for a key
 * of entry holding another Redis type; r is freed then. IDS_OK when r is
 * not an error. */
static int ids_reply_error(ids_ctx_t *ctx, redisReply *r, const char *what,
						   const char *entry)
{
	if (r->type != REDIS_REPLY_ERROR)
		return IDS_OK;
	if (entry && ids_reply_wrongtype(r))
		ids_corrupt(ctx, entry, "", "is stored as another Redis type");
	else
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s: %s", what, r->str);
	freeReplyObject(r);
	return ctx->err;
}

/* a command answered by a reply that is not an error: IDS_OK or error */
static int ids_simple(ids_ctx_t *ctx, int slot, int write, int argc,
					  const char **argv, const char *what)
{
	redisReply *r = ids_cmd_at(ctx, slot, write, argc, argv, NULL);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, what, NULL))
		return ctx->err;
	freeReplyObject(r);
	return ids_ok(ctx);
}

int ids_ping(ids_ctx_t *ctx)
{
	const char *argv[1] = {"PING"};
	return ids_simple(ctx, -1, 0, 1, argv, "PING");
}

redisReply *ids_command(ids_ctx_t *ctx, int argc, const char **argv,
						const size_t *lens)
{
	int slot = -1;
	if (argc < 1)
		return ids_set_err(ctx, IDS_ERR_ARG, "empty command"), NULL;
	if (argc > 1)
		slot = ids_key_slot(argv[1], lens ? lens[1] : strlen(argv[1]));
	return ids_cmd_at(ctx, slot, 1, argc, argv, lens);
}

/* EVALSHA sha for slot, falling back to EVAL of body when Redis does not
 * have it. argv[0..1] and lens[0..1] are filled here; lens[2..argc) are
 * the caller's. */
static redisReply *ids_eval_sha(ids_ctx_t *ctx, const char *sha,
								const char *body, int slot, int write, int argc,
								const char **argv, size_t *lens)
{
	redisReply *r;
	argv[0] = "EVALSHA";
	lens[0] = 7;
	argv[1] = sha;
	lens[1] = 40;
	r = ids_cmd_at(ctx, slot, write, argc, argv, lens);
	if (r && r->type == REDIS_REPLY_ERROR &&
		strncmp(r->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(r);
		argv[0] = "EVAL";
		lens[0] = 4;
		argv[1] = body;
		lens[1] = strlen(body);
		r = ids_cmd_at(ctx, slot, write, argc, argv, lens);
	}
	return r;
}

/* ids_eval_sha of one of our scripts; lens NULL: strlen of argv[2..) */
static redisReply *ids_script(ids_ctx_t *ctx, int which, int slot, int write,
							  int argc, const char **argv, size_t *lens)
{
	int i;
	size_t own[16];
	if (!lens) {
		for (i = 2; i < argc && i < 16; i++)
			own[i] = strlen(argv[i]);
		lens = own;
	}
	return ids_eval_sha(ctx, ids_scripts[which].sha, ids_scripts[which].body,
						slot, write, argc, argv, lens);
}

int ids_eval(ids_ctx_t *ctx, const char *script, int nkeys, int argc,
			 const char **argv, const size_t *argvlen,
			 struct redisReply **reply)
{
	char sha[41] = "", nk[16];
	const char **v = NULL;
	size_t *l = NULL;
	redisReply *r;
	int i, slot = -1;

	*reply = NULL;
	if (!script || !*script || nkeys < 0 || argc < nkeys || (argc > 0 && !argv))
		return ids_set_err(ctx, IDS_ERR_ARG,
						   "eval: no script, or nkeys "
						   "out of 0..argc");
	for (i = 0; i < nkeys; i++) {
		int s = ids_key_slot(argv[i], argvlen ? argvlen[i] : strlen(argv[i]));
		if (i == 0)
			slot = s;
		else if (s != slot)
			return ids_set_err(ctx, IDS_ERR_ARG,
							   "eval: KEYS[%d] is in another slot than "
							   "KEYS[1] (give them one hash tag)",
							   i + 1);
	}
	if (!(v = malloc((size_t)(argc + 3) * sizeof(*v))) ||
		!(l = malloc((size_t)(argc + 3) * sizeof(*l)))) {
		free(v);
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
	}
	ids_sha1_hex(script, sha);
	snprintf(nk, sizeof(nk), "%d", nkeys);
	v[2] = nk;
	l[2] = strlen(nk);
	for (i = 0; i < argc; i++) {
		v[i + 3] = argv[i];
		l[i + 3] = argvlen ? argvlen[i] : strlen(argv[i]);
	}
	r = ids_eval_sha(ctx, sha, script, slot, 1, argc + 3, v, l);
	free(v);
	free(l);
	if (!r)
		return ctx->err;
	if (r->type == REDIS_REPLY_ERROR) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s", r->str);
		freeReplyObject(r);
		return ctx->err;
	}
	*reply = r;
	return ids_ok(ctx);
}

int ids_name_valid(ids_field_t f, const char *v, size_t len)
{
	ids_record_t probe;
	ids_error_t e;
	ids_record_init(&probe);
	return ids_record_set(&probe, f, v, len, &e) == 0;
}

/* "stored mapping <ns>:<key>" into buf (the key cut at 60 bytes); without
 * the name when ns or key is not one (a name from a listing is Redis's) */
static const char *ids_mapping_name(char *buf, size_t bufsz, const char *ns,
									const char *key)
{
	if (!ids_name_valid(IDS_F_NS, ns, strlen(ns)))
		snprintf(buf, bufsz, "stored mapping of a namespace that is not one");
	else if (!ids_name_valid(IDS_F_KEY, key, strlen(key)))
		snprintf(buf, bufsz,
				 "stored mapping of namespace %s whose key is not "
				 "one",
				 ns);
	else
		snprintf(buf, bufsz, "stored mapping %s:%.60s%s", ns, key,
				 strlen(key) > 60 ? "..." : "");
	return buf;
}

/* the name of the map key of (ns, key) into buf (bufsz bytes), or, when it
 * does not fit, into a new allocation left in *heap for the caller to free
 * (NULL otherwise): a name read from Redis (a listing) may be longer than
 * any key a write accepts, and must still be read (to be told invalid) and
 * deleted. NULL with ctx->err set (IDS_ERR_ARG: ns holds a brace, or is
 * longer than a namespace; IDS_ERR_OOM) */
static const char *ids_map_name(ids_ctx_t *ctx, char *buf, size_t bufsz,
								const char *ns, const char *key, char **heap)
{
	size_t n;
	*heap = NULL;
	if (ids_key_map(buf, bufsz, ns, key) >= 0)
		return buf;
	if (strlen(ns) > IDS_NS_MAX || strpbrk(ns, "{}"))
		return ids_set_err(ctx, IDS_ERR_ARG, "bad namespace"), NULL;
	n = bufsz + strlen(key);
	if (!(*heap = malloc(n)))
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory"), NULL;
	if (ids_key_map(*heap, n, ns, key) < 0) { /* cannot happen */
		free(*heap);
		*heap = NULL;
		return ids_set_err(ctx, IDS_ERR_ARG, "key too long"), NULL;
	}
	return *heap;
}

/*
 * Fill out from the HGETALL pairs a of the mapping (ns, key[0..keylen))
 * and check it as a write would: IDS_OK, IDS_ERR_CORRUPT (a stored field
 * with a bad syntax, a namespace or key that is not one, a record that
 * fails ids_record_validate), or IDS_ERR_PROTO (not a reply of HGETALL).
 */
static int ids_from_pairs(ids_ctx_t *ctx, const redisReply *a, const char *ns,
						  const char *key, size_t keylen, ids_record_t *out)
{
	char what[IDS_NS_MAX + 96];
	size_t i;
	int f;
	ids_error_t e;
	ids_record_init(out);
	/* checked first: a name that is not one is not shown */
	if (ids_record_set(out, IDS_F_NS, ns, strlen(ns), &e) < 0)
		return ids_corrupt(ctx, "stored mapping", e.field, e.msg);
	if (ids_record_set(out, IDS_F_KEY, key, keylen, &e) < 0) {
		snprintf(what, sizeof(what), "stored mapping of namespace %s", ns);
		return ids_corrupt(ctx, what, e.field, e.msg);
	}
	if (!out->ns[0] || !out->key[0])
		return ids_corrupt(ctx, "stored mapping", out->ns[0] ? "key" : "ns",
						   "is required");
	for (i = 0; i + 1 < a->elements; i += 2) {
		const redisReply *k = a->element[i], *v = a->element[i + 1];
		if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
			return ids_set_err(ctx, IDS_ERR_PROTO, "HGETALL: not strings");
		f = ids_field_by_name(k->str, k->len);
		if (f <= IDS_F_KEY) /* unknown, internal, ns or key */
			continue;
		if (ids_record_set(out, f, v->str, v->len, &e) < 0)
			goto corrupt;
	}
	/* what no field says alone: sip_uri is required */
	if (ids_record_validate(out, &e) < 0)
		goto corrupt;
	return IDS_OK;
corrupt:
	return ids_corrupt(ctx,
					   ids_mapping_name(what, sizeof(what), out->ns, out->key),
					   e.field, e.msg);
}

int ids_get(ids_ctx_t *ctx, const char *ns, const char *key, ids_record_t *out)
{
	char mkb[IDS_REDIS_KEY_MAX], what[IDS_NS_MAX + 96], *heap;
	const char *argv[2] = {"HGETALL", NULL};
	redisReply *r;
	int rc;
	if (!(argv[1] = ids_map_name(ctx, mkb, sizeof(mkb), ns, key, &heap)))
		return ctx->err;
	r = ids_cmd_at(ctx, ids_slot_of(argv[1]), 0, 2, argv, NULL);
	free(heap);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, "HGETALL",
						ids_mapping_name(what, sizeof(what), ns, key)))
		return ctx->err;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "HGETALL: not an array");
	}
	if (r->elements == 0) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", ns, key);
	}
	rc = ids_from_pairs(ctx, r, ns, key, strlen(key), out);
	freeReplyObject(r);
	return rc ? rc : ids_ok(ctx);
}

int ids_reverse(ids_ctx_t *ctx, const char *ns, const char *uri,
				ids_record_t *out)
{
	char norm[IDS_URI_MAX + 1], rk[IDS_REDIS_KEY_MAX], mp[IDS_REDIS_KEY_MAX];
	char what[IDS_NS_MAX + 64], mnorm[IDS_URI_MAX + 1];
	const char *argv[5];
	redisReply *r;
	int rc;
	if (ids_uri_norm(uri, strlen(uri), norm, sizeof(norm)) < 0 ||
		ids_key_rev(rk, sizeof(rk), ns, norm) < 0 ||
		ids_key_map(mp, sizeof(mp), ns, "") < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "bad namespace or URI");
	argv[2] = "1";
	argv[3] = rk;
	argv[4] = mp;
	if (!(r = ids_script(ctx, IDS_S_REVERSE, ids_slot_of(rk), 0, 5, argv,
						 NULL)))
		return ctx->err;
	snprintf(what, sizeof(what),
			 "stored URI entry of namespace %s or its "
			 "mapping",
			 ns);
	if (ids_reply_error(ctx, r, "reverse", what))
		return ctx->err;
	if (r->type == REDIS_REPLY_NIL ||
		(r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		 r->element[1]->type == REDIS_REPLY_ARRAY &&
		 r->element[1]->elements == 0)) {
		freeReplyObject(r);
		ids_record_init(out);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", norm);
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "reverse: unexpected reply");
	}
	/* the entry's value, the key, is checked there (length, characters) */
	rc = ids_from_pairs(ctx, r->element[1], ns, r->element[0]->str,
						r->element[0]->len, out);
	freeReplyObject(r);
	if (rc)
		return rc;
	/* an entry left behind (a mapping written by something else, then
	 * replaced, its URI entry not moved) names a mapping holding another
	 * URI: not a match, whatever that mapping holds */
	if (ids_uri_norm(out->sip_uri, strlen(out->sip_uri), mnorm, sizeof(mnorm)) <
				0 ||
		strcmp(mnorm, norm) != 0) {
		ids_record_init(out); /* nothing of another user's record */
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", norm);
	}
	return ids_ok(ctx);
}

/* the mapping named by DID entry did ("<ns>:<key> <token>") into ns and
 * key (the record's bounds); IDS_OK, IDS_ERR_NOTFOUND, IDS_ERR_CORRUPT
 * (an entry that is not such a value, or names a namespace or key that
 * is not one) or an error */
static int ids_did_owner(ids_ctx_t *ctx, const char *did,
						 char ns[IDS_NS_MAX + 1], char key[IDS_KEY_MAX + 1])
{
	char dk[IDS_REDIS_KEY_MAX], what[IDS_DID_MAX + 32];
	const char *argv[2] = {"GET", dk}, *n, *k, *t;
	redisReply *r;
	ids_record_t probe;
	ids_error_t e;
	size_t nl, kl, tl;
	if (ids_key_did(dk, sizeof(dk), did) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "did: too long");
	if (!(r = ids_cmd_at(ctx, ids_slot_of(dk), 0, 2, argv, NULL)))
		return ctx->err;
	snprintf(what, sizeof(what), "stored DID entry of %s", did);
	if (ids_reply_error(ctx, r, "GET", what))
		return ctx->err;
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", did);
	}
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "GET: not a string");
	}
	ids_record_init(&probe);
	if (ids_did_owner_parse(r->str, r->len, &n, &nl, &k, &kl, &t, &tl) < 0 ||
		ids_record_set(&probe, IDS_F_NS, n, nl, &e) < 0 ||
		ids_record_set(&probe, IDS_F_KEY, k, kl, &e) < 0) {
		freeReplyObject(r);
		return ids_corrupt(ctx, what, "",
						   "is not \"<ns>:<key> <token>\" with a valid "
						   "namespace and key");
	}
	freeReplyObject(r);
	memcpy(ns, probe.ns, sizeof(probe.ns));
	memcpy(key, probe.key, sizeof(probe.key));
	return IDS_OK;
}

int ids_reverse_did(ids_ctx_t *ctx, const char *did, ids_record_t *out)
{
	char ns[IDS_NS_MAX + 1], key[IDS_KEY_MAX + 1];
	ids_record_t probe;
	ids_error_t e;
	int rc;
	ids_record_init(&probe);
	if (!*did || ids_record_set(&probe, IDS_F_DID, did, strlen(did), &e) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "did: %s",
						   *did ? e.msg : "is required");
	if ((rc = ids_did_owner(ctx, did, ns, key))) {
		if (rc == IDS_ERR_NOTFOUND)
			ids_record_init(out);
		return rc;
	}
	rc = ids_get(ctx, ns, key, out);
	/* an entry claimed by a write not done yet, or left by one that
	 * stopped half-way, names a mapping without this DID: not a match,
	 * and nothing of that mapping is left in *out */
	if (rc == IDS_ERR_NOTFOUND || (rc == IDS_OK && strcmp(out->did, did))) {
		ids_record_init(out);
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping for %s", did);
	}
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

/*
 * How a message names the owner of a reverse entry, read from Redis:
 * v[0..len) is a URI entry's value, a key (with_ns 0), or a DID entry's,
 * "<ns>:<key>[ <token>]" (with_ns 1). Into buf: "key <key>" (cut at 80
 * bytes), "key <key> (namespace <ns>)", or, when the key or namespace is
 * not one a write accepts, "a key that is not one": a stored value is
 * never shown unchecked (it may hold terminal escapes, or be any length).
 */
static const char *ids_owner_text(char *buf, size_t bufsz, const char *v,
								  size_t len, int with_ns)
{
	const char *ns = v, *key = v, *c, *sp;
	size_t nsl = 0, kl = len;
	if (with_ns) {
		if (!(c = memchr(v, ':', len)))
			goto bad;
		nsl = (size_t)(c - v);
		key = c + 1;
		sp = memchr(key, ' ', len - nsl - 1);
		kl = sp ? (size_t)(sp - key) : len - nsl - 1;
		if (!ids_name_valid(IDS_F_NS, ns, nsl))
			goto bad;
	}
	if (!ids_name_valid(IDS_F_KEY, key, kl))
		goto bad;
	if (with_ns)
		snprintf(buf, bufsz, "key %.*s (namespace %.*s)",
				 (int)(kl > 80 ? 80 : kl), key, (int)nsl, ns);
	else
		snprintf(buf, bufsz, "key %.*s", (int)(kl > 80 ? 80 : kl), key);
	return buf;
bad:
	snprintf(buf, bufsz, "a key that is not one");
	return buf;
}

/* 1 when the value of a DID entry v[0..len) names (ns, key), with any
 * token or none */
static int ids_did_held_by(const char *v, size_t len, const char *ns,
						   const char *key)
{
	const char *n, *k, *t;
	size_t nl, kl, tl;
	return ids_did_owner_parse(v, len, &n, &nl, &k, &kl, &t, &tl) == 0 &&
		   nl == strlen(ns) && !memcmp(n, ns, nl) && kl == strlen(key) &&
		   !memcmp(k, key, kl);
}

/* how a conflict names a reverse entry of another Redis type than a
 * string: no mapping's, nothing of it shown; the write is refused (the
 * operator checks and deletes it, docs/identity.md) */
#define IDS_NOT_ENTRY "an entry that is not one"

/* map a script error reply (EXISTS, NOTFOUND, CONFLICT x, DIDCONFLICT ns:k,
 * CONFLICTTYPE, DIDCONFLICTTYPE) to a code, with the field and reason in e
 * when not NULL */
static int ids_script_error(ids_ctx_t *ctx, const redisReply *r,
							const ids_record_t *rec, ids_error_t *e)
{
	char ow[IDS_NS_MAX + 128];
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
	if (strncmp(r->str, "CONFLICTTYPE", 12) == 0 ||
		strncmp(r->str, "DIDCONFLICTTYPE", 15) == 0) {
		int uri = r->str[0] == 'C';
		ids_field_err(e, uri ? "sip_uri" : "did", "already held by %s",
					  IDS_NOT_ENTRY);
		return ids_set_err(ctx, IDS_ERR_CONFLICT, "%s %s is already held by %s",
						   uri ? "sip_uri" : "did",
						   uri ? rec->sip_uri : rec->did, IDS_NOT_ENTRY);
	}
	if (strncmp(r->str, "CONFLICT ", 9) == 0) {
		ids_owner_text(ow, sizeof(ow), r->str + 9, r->len - 9, 0);
		ids_field_err(e, "sip_uri", "already mapped by %s", ow);
		return ids_set_err(ctx, IDS_ERR_CONFLICT,
						   "sip_uri %s is already mapped by %s", rec->sip_uri,
						   ow);
	}
	if (strncmp(r->str, "DIDCONFLICT ", 12) == 0) {
		ids_owner_text(ow, sizeof(ow), r->str + 12, r->len - 12, 1);
		ids_field_err(e, "did", "already mapped by %s", ow);
		return ids_set_err(ctx, IDS_ERR_CONFLICT,
						   "did %s is already mapped by %s", rec->did, ow);
	}
	if (ids_reply_wrongtype(r)) {
		ids_field_err(e, "", "a stored entry is another Redis type");
		return ids_corrupt(ctx, "a stored entry of the mapping", "",
						   "is stored as another Redis type");
	}
	return ids_set_err(ctx, IDS_ERR_REMOTE, "%s", r->str);
}

/* a DID entry's value, "<ns>:<key> <tok>" ("<ns>:<key>" when tok is
 * empty), into buf; -1 when too long */
static int ids_owner_of(char *buf, size_t bufsz, const char *ns,
						const char *key, const char *tok)
{
	int n = snprintf(buf, bufsz, "%s:%s%s%s", ns, key, *tok ? " " : "", tok);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : 0;
}

/* a new claim token (IDS_DID_TOK_LEN hex digits) into tok; IDS_OK or
 * IDS_ERR_IO when the system has no randomness to give */
static int ids_did_token(ids_ctx_t *ctx, char tok[IDS_DID_TOK_LEN + 1])
{
	unsigned char b[IDS_DID_TOK_LEN / 2];
	size_t i;
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return ids_set_err(ctx, IDS_ERR_IO, "getrandom: %s", strerror(errno));
	for (i = 0; i < sizeof(b); i++)
		snprintf(tok + 2 * i, 3, "%02x", b[i]);
	return IDS_OK;
}

/* the argv of a DID claim or release script into argv[0..6): KEYS[1] the
 * entry of did, ARGV[1] v1, ARGV[2] v2 */
typedef struct ids_did_args {
	char dk[IDS_REDIS_KEY_MAX];
	char v1[IDS_DID_OWNER_MAX], v2[IDS_DID_OWNER_MAX];
	const char *argv[6];
	size_t lens[6];
	int slot;
} ids_did_args_t;

static int ids_did_build(ids_did_args_t *a, const char *did)
{
	if (ids_key_did(a->dk, sizeof(a->dk), did) < 0)
		return -1;
	a->argv[2] = "1";
	a->argv[3] = a->dk;
	a->argv[4] = a->v1;
	a->argv[5] = a->v2;
	a->lens[2] = 1;
	a->lens[3] = strlen(a->dk);
	a->lens[4] = strlen(a->v1);
	a->lens[5] = strlen(a->v2);
	a->slot = ids_slot_of(a->dk);
	return 0;
}

/* the claim of did by (ns, key) with token tok */
static int ids_did_build_claim(ids_did_args_t *a, const char *did,
							   const char *ns, const char *key, const char *tok)
{
	if (ids_owner_of(a->v1, sizeof(a->v1), ns, key, "") < 0)
		return -1;
	snprintf(a->v2, sizeof(a->v2), "%s", tok);
	return ids_did_build(a, did);
}

/* the release of did's entry when it is (ns, key, tok): deleted when back
 * is NULL, else set back to (ns, key, back) (back "": no token) */
static int ids_did_build_release(ids_did_args_t *a, const char *did,
								 const char *ns, const char *key,
								 const char *tok, const char *back)
{
	a->v2[0] = '\0';
	if (ids_owner_of(a->v1, sizeof(a->v1), ns, key, tok) < 0 ||
		(back && ids_owner_of(a->v2, sizeof(a->v2), ns, key, back) < 0))
		return -1;
	return ids_did_build(a, did);
}

/* release did's entry (ids_did_build_release); errors are left in ctx but
 * not returned: a release that fails leaves an entry that lookups ignore
 * (ids_reverse_did) and that the next claim by the same mapping replaces */
static void ids_did_release(ids_ctx_t *ctx, const char *did, const char *ns,
							const char *key, const char *tok, const char *back)
{
	ids_did_args_t a;
	redisReply *r;
	int err = ctx->err;
	char es[sizeof(ctx->errstr)];
	if (ids_did_build_release(&a, did, ns, key, tok, back) < 0)
		return;
	memcpy(es, ctx->errstr, sizeof(es));
	if ((r = ids_script(ctx, IDS_S_DID_RELEASE, a.slot, 1, 6, a.argv, a.lens)))
		freeReplyObject(r);
	ctx->err = err;
	memcpy(ctx->errstr, es, sizeof(es));
}

/* the argument vector of a put script call; strings live in *b */
typedef struct ids_put_args {
	char mk[IDS_REDIS_KEY_MAX], rk[IDS_REDIS_KEY_MAX], rp[IDS_REDIS_KEY_MAX];
	char norm[IDS_URI_MAX + 1], mode[4], en[2], na[24];
	const char *argv[18 + 2 * IDS_F_COUNT];
	size_t lens[18 + 2 * IDS_F_COUNT];
	int argc;
	int slot;
} ids_put_args_t;

static int ids_put_build(ids_ctx_t *ctx, const ids_record_t *r, int mode,
						 const char *tok, ids_put_args_t *b)
{
	int f, i;
	if (ids_uri_norm(r->sip_uri, strlen(r->sip_uri), b->norm, sizeof(b->norm)) <
				0 ||
		ids_key_map(b->mk, sizeof(b->mk), r->ns, r->key) < 0 ||
		ids_key_rev(b->rk, sizeof(b->rk), r->ns, b->norm) < 0 ||
		ids_key_rev(b->rp, sizeof(b->rp), r->ns, "") < 0)
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
	b->argv[i++] = r->did;
	b->argv[i++] = IDS_REV_URI_FIELD;
	b->argv[i++] = b->norm;
	if (r->did[0]) {
		b->argv[i++] = IDS_DID_TOK_FIELD;
		b->argv[i++] = tok;
	}
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
	b->slot = ids_slot_of(b->mk);
	return IDS_OK;
}

/* the old DID and its token of a put or del script's reply {ex, olddid,
 * oldtok} into old and oldtok ("" none); 0, or -1 when the reply is not
 * that. They are what the replaced hash held: a stored did or token that
 * cannot be one (too long: a hash that failed validation) is taken as
 * none, so it releases no entry and the write it follows stands. */
static int ids_put_reply(const redisReply *r, char old[IDS_DID_MAX + 1],
						 char oldtok[IDS_DID_TOK_LEN + 1])
{
	old[0] = oldtok[0] = '\0';
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
		r->element[0]->type != REDIS_REPLY_INTEGER ||
		r->element[1]->type != REDIS_REPLY_STRING ||
		r->element[2]->type != REDIS_REPLY_STRING)
		return -1;
	if (r->element[1]->len > IDS_DID_MAX ||
		r->element[2]->len > IDS_DID_TOK_LEN)
		return 0;
	memcpy(old, r->element[1]->str, r->element[1]->len + 1);
	memcpy(oldtok, r->element[2]->str, r->element[2]->len + 1);
	return 0;
}

/* a DID claim's outcome: whether the entry was absent, the token it had */
typedef struct ids_claim {
	int fresh;
	char prev[IDS_DID_TOK_LEN + 1];
} ids_claim_t;

/* the reply of a claim script into *c; 0 or -1 when it is not one */
static int ids_claim_reply(const redisReply *r, ids_claim_t *c)
{
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_INTEGER ||
		r->element[1]->type != REDIS_REPLY_STRING ||
		r->element[1]->len > IDS_DID_TOK_LEN)
		return -1;
	c->fresh = r->element[0]->integer == 1;
	memcpy(c->prev, r->element[1]->str, r->element[1]->len + 1);
	return 0;
}

/* claim r->did for r with token tok (nothing without a did): IDS_OK with
 * *c filled, IDS_ERR_CONFLICT (e filled) or an error */
static int ids_did_claim(ids_ctx_t *ctx, const ids_record_t *r, const char *tok,
						 ids_error_t *e, ids_claim_t *c)
{
	ids_did_args_t a;
	redisReply *rep;
	if (!r->did[0])
		return IDS_OK;
	if (ids_did_build_claim(&a, r->did, r->ns, r->key, tok) < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "did, namespace or key too long");
	if (!(rep = ids_script(ctx, IDS_S_DID_CLAIM, a.slot, 1, 6, a.argv, a.lens)))
		return ctx->err;
	if (rep->type == REDIS_REPLY_ERROR)
		ids_script_error(ctx, rep, r, e);
	else if (ids_claim_reply(rep, c) < 0)
		ids_set_err(ctx, IDS_ERR_PROTO, "did claim: unexpected reply");
	else
		ids_ok(ctx);
	freeReplyObject(rep);
	return ctx->err;
}

/* undo the claim c of r->did with token tok after a refused write: the
 * entry is put back as it was, unless a later claim replaced it */
static void ids_did_unclaim(ids_ctx_t *ctx, const ids_record_t *r,
							const char *tok, const ids_claim_t *c)
{
	if (r->did[0])
		ids_did_release(ctx, r->did, r->ns, r->key, tok,
						c->fresh ? NULL : c->prev);
}

int ids_put(ids_ctx_t *ctx, const ids_record_t *r, int mode, ids_error_t *e)
{
	ids_put_args_t b;
	ids_error_t le;
	ids_claim_t cl = {0, ""};
	redisReply *rep;
	char old[IDS_DID_MAX + 1] = "", oldtok[IDS_DID_TOK_LEN + 1] = "";
	char tok[IDS_DID_TOK_LEN + 1] = "";
	int bad;
	if (ids_record_validate(r, e ? e : &le) < 0) {
		const ids_error_t *x = e ? e : &le;
		return ids_set_err(ctx, IDS_ERR_INVALID, "%s: %s", x->field, x->msg);
	}
	if (r->did[0] && ids_did_token(ctx, tok))
		return ctx->err;
	if (ids_put_build(ctx, r, mode, tok, &b))
		return ctx->err;
	if (ids_did_claim(ctx, r, tok, e, &cl))
		return ctx->err;
	if (r->did[0])
		IDS_STEP(ctx, IDS_STEP_CLAIMED);
	if (!(rep = ids_script(ctx, IDS_S_PUT, b.slot, 1, b.argc, b.argv,
						   b.lens))) {
		/* the write's fate is unknown: the claim stays (ignored by
		 * lookups while the mapping does not hold the DID) */
		return ctx->err;
	}
	bad = rep->type == REDIS_REPLY_ERROR;
	if (bad)
		ids_script_error(ctx, rep, r, e);
	else if (ids_put_reply(rep, old, oldtok) < 0)
		bad = ids_set_err(ctx, IDS_ERR_PROTO, "put: unexpected reply");
	freeReplyObject(rep);
	if (r->did[0] || old[0])
		IDS_STEP(ctx, IDS_STEP_WRITTEN);
	if (bad) {
		ids_did_unclaim(ctx, r, tok, &cl);
		return ctx->err;
	}
	if (old[0])
		ids_did_release(ctx, old, r->ns, r->key, oldtok, NULL);
	return ids_wait(ctx);
}

int ids_del(ids_ctx_t *ctx, const char *ns, const char *key)
{
	char mk[IDS_REDIS_KEY_MAX], rp[IDS_REDIS_KEY_MAX], did[IDS_DID_MAX + 1];
	char tok[IDS_DID_TOK_LEN + 1], what[IDS_NS_MAX + 96], *heap;
	const char *argv[8];
	redisReply *r;
	int found;
	if (ids_key_rev(rp, sizeof(rp), ns, "") < 0)
		return ids_set_err(ctx, IDS_ERR_ARG, "bad namespace");
	if (!(argv[3] = ids_map_name(ctx, mk, sizeof(mk), ns, key, &heap)))
		return ctx->err;
	argv[2] = "1";
	argv[4] = key;
	argv[5] = IDS_CHANNEL;
	argv[6] = ns;
	argv[7] = rp;
	r = ids_script(ctx, IDS_S_DEL, ids_slot_of(argv[3]), 1, 8, argv, NULL);
	free(heap);
	if (!r)
		return ctx->err;
	if (ids_reply_error(ctx, r, ns,
						ids_mapping_name(what, sizeof(what), ns, key)))
		return ctx->err;
	found = ids_put_reply(r, did, tok) == 0;
	freeReplyObject(r);
	if (!found)
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", ns, key);
	if (did[0]) {
		IDS_STEP(ctx, IDS_STEP_WRITTEN);
		ids_did_release(ctx, did, ns, key, tok, NULL);
	}
	return ids_wait(ctx);
}

int ids_set_enabled(ids_ctx_t *ctx, const char *ns, const char *key,
					int enabled)
{
	char mk[IDS_REDIS_KEY_MAX], msg[IDS_NS_MAX + IDS_KEY_MAX + 2];
	char what[IDS_NS_MAX + 96];
	const char *argv[7];
	redisReply *r;
	int found;
	if (ids_key_map(mk, sizeof(mk), ns, key) < 0 ||
		snprintf(msg, sizeof(msg), "%s %s", ns, key) >= (int)sizeof(msg))
		return ids_set_err(ctx, IDS_ERR_ARG, "namespace or key too long");
	argv[2] = "1";
	argv[3] = mk;
	argv[4] = enabled ? "1" : "0";
	argv[5] = IDS_CHANNEL;
	argv[6] = msg;
	if (!(r = ids_script(ctx, IDS_S_ENABLE, ids_slot_of(mk), 1, 7, argv, NULL)))
		return ctx->err;
	if (ids_reply_error(ctx, r, ns,
						ids_mapping_name(what, sizeof(what), ns, key)))
		return ctx->err;
	found = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	if (!found)
		return ids_set_err(ctx, IDS_ERR_NOTFOUND, "no mapping %s:%s", ns, key);
	return ids_wait(ctx);
}

/* ids_list's key callback: the (ns, key) of a map key name */
typedef struct ids_list_arg {
	ids_list_cb cb;
	void *arg;
	size_t *unaddressable;
} ids_list_arg_t;

static int ids_list_key(ids_ctx_t *ctx, const char *k, size_t len, void *arg)
{
	ids_list_arg_t *la = arg;
	char nsb[IDS_NS_MAX + 1];
	const char *ns, *rest;
	size_t nl;
	(void)ctx;
	if (len <= sizeof(IDS_MAP_PREFIX) - 1 ||
		memcmp(k, IDS_MAP_PREFIX, sizeof(IDS_MAP_PREFIX) - 1))
		return 0;
	/* a name no (ns, key) of C strings can name: counted, never passed
	 * (cut at the NUL, it would be another mapping's name) */
	if (memchr(k, '\0', len) || ids_key_split(k, len, &ns, &nl, &rest) < 0 ||
		!ids_name_valid(IDS_F_NS, ns, nl)) {
		if (la->unaddressable)
			(*la->unaddressable)++;
		return 0;
	}
	memcpy(nsb, ns, nl);
	nsb[nl] = '\0';
	return la->cb(nsb, rest, la->arg);
}

int ids_list(ids_ctx_t *ctx, const char *ns, const char *pattern,
			 uint64_t *cursor, int count, ids_list_cb cb, void *arg,
			 size_t *unaddressable)
{
	char match[IDS_REDIS_KEY_MAX + 8];
	ids_list_arg_t la = {cb, arg, unaddressable};
	int n, slot = -1;

	if (!pattern || !*pattern)
		pattern = "*";
	if (ns && *ns) {
		if (strpbrk(ns, "{}*?[]\\"))
			return ids_set_err(ctx, IDS_ERR_ARG, "bad namespace");
		n = snprintf(match, sizeof(match), "%s{%s}:%s", IDS_MAP_PREFIX, ns,
					 pattern);
		slot = ids_slot_of(match);
	} else {
		n = snprintf(match, sizeof(match), "%s{*}:%s", IDS_MAP_PREFIX, pattern);
	}
	if (n < 0 || (size_t)n >= sizeof(match))
		return ids_set_err(ctx, IDS_ERR_ARG, "pattern too long");
	return ids_scan_step(ctx, slot, match, cursor, count > 0 ? count : 100,
						 ids_list_key, &la);
}

int ids_publish_flush(ids_ctx_t *ctx)
{
	const char *argv[3] = {"PUBLISH", IDS_CHANNEL, IDS_INVAL_ALL};
	return ids_simple(ctx, -1, 0, 3, argv, "PUBLISH");
}

int ids_subscribe(ids_ctx_t *ctx)
{
	const char *argv[2] = {"SUBSCRIBE", IDS_CHANNEL};
	return ids_simple(ctx, -1, 0, 2, argv, "SUBSCRIBE");
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

/* ---- import: precheck, DID claims, writes, DID releases ---- */

/* the state of one record of an import */
typedef struct ids_imp_rec {
	uint8_t claimed;   /* its DID claimed by this import */
	uint8_t failed;	   /* the mapping's write refused */
	uint8_t uri_wt;	   /* precheck: its URI entry is another Redis type */
	uint8_t own_uri;   /* precheck: the stored mapping names that entry */
	ids_claim_t claim; /* what the claim replaced */
	char tok[IDS_DID_TOK_LEN + 1];	  /* the claim's token */
	char old[IDS_DID_MAX + 1];		  /* DID held before, to release */
	char oldtok[IDS_DID_TOK_LEN + 1]; /* and its token */
} ids_imp_rec_t;

typedef struct ids_imp {
	const ids_record_t *recs;
	size_t n;
	int mode;
	ids_error_t *errs;
	size_t maxerrs, *nerrs;
	int bad; /* first refusal's code */
	ids_imp_rec_t *st;
	size_t written;
	ids_put_args_t pa;
	ids_did_args_t da;
	char k[IDS_REDIS_KEY_MAX], norm[IDS_URI_MAX + 1];
	const char *argv[3];
	int release_new; /* release phase: 1 the new DIDs of refused writes */
} ids_imp_t;

/* a batch command: EVALSHA of script which, argv[2..argc) filled by the
 * caller (pipelined: the script was loaded first, ids_imp_load); 1 */
static int ids_evalsha_cmd(ids_bcmd_t *c, int which, int argc,
						   const char **argv, size_t *lens, int slot)
{
	argv[0] = "EVALSHA";
	argv[1] = ids_scripts[which].sha;
	lens[0] = 7;
	lens[1] = 40;
	c->argc = argc;
	c->argv = argv;
	c->lens = lens;
	c->slot = slot;
	c->write = 1;
	return 1;
}

/* precheck, IDS_IMP_CHECKS commands per record: GET URI entry, EXISTS
 * map, GET DID, HGET map _rev_uri (whether a URI entry of another type is
 * the mapping's own, which the write may replace, as ids_put does) */
enum { IDS_IMP_URI, IDS_IMP_MAP, IDS_IMP_DID, IDS_IMP_OWN, IDS_IMP_CHECKS };

static int ids_imp_check_build(ids_ctx_t *ctx, void *arg, size_t i,
							   ids_bcmd_t *c)
{
	ids_imp_t *im = arg;
	const ids_record_t *r = &im->recs[i / IDS_IMP_CHECKS];
	(void)ctx;
	c->argc = 2;
	switch (i % IDS_IMP_CHECKS) {
	case IDS_IMP_URI:
		ids_uri_norm(r->sip_uri, strlen(r->sip_uri), im->norm,
					 sizeof(im->norm));
		ids_key_rev(im->k, sizeof(im->k), r->ns, im->norm);
		im->argv[0] = "GET";
		break;
	case IDS_IMP_MAP:
		ids_key_map(im->k, sizeof(im->k), r->ns, r->key);
		im->argv[0] = "EXISTS";
		break;
	case IDS_IMP_OWN:
		ids_key_map(im->k, sizeof(im->k), r->ns, r->key);
		im->argv[0] = "HGET";
		im->argv[2] = IDS_REV_URI_FIELD;
		c->argc = 3;
		break;
	default:
		if (!r->did[0])
			return 0;
		ids_key_did(im->k, sizeof(im->k), r->did);
		im->argv[0] = "GET";
	}
	im->argv[1] = im->k;
	c->argv = im->argv;
	c->lens = NULL;
	c->slot = ids_slot_of(im->k);
	c->write = 0;
	return 1;
}

static ids_error_t *ids_imp_err(ids_imp_t *im, size_t i, int code)
{
	if (!im->bad)
		im->bad = code;
	return ids_import_err(im->errs, im->maxerrs, im->nerrs, i);
}

/* a precheck reply; a URI entry of another type is decided after the
 * batch (ids_imp_check_types): a redirected command's reply comes late */
static void ids_imp_check_reply(ids_ctx_t *ctx, void *arg, size_t i,
								const redisReply *rep)
{
	ids_imp_t *im = arg;
	size_t ri = i / IDS_IMP_CHECKS;
	const ids_record_t *r = &im->recs[ri];
	char ow[IDS_NS_MAX + 128];
	int exists, wt = rep->type == REDIS_REPLY_ERROR && ids_reply_wrongtype(rep);
	(void)ctx;
	switch (i % IDS_IMP_CHECKS) {
	case IDS_IMP_URI:
		im->st[ri].uri_wt = (uint8_t)wt;
		if (rep->type == REDIS_REPLY_STRING && strcmp(rep->str, r->key))
			ids_field_err(
					ids_imp_err(im, ri, IDS_ERR_CONFLICT), "sip_uri",
					"already mapped by %s",
					ids_owner_text(ow, sizeof(ow), rep->str, rep->len, 0));
		break;
	case IDS_IMP_MAP:
		exists = rep->type == REDIS_REPLY_INTEGER && rep->integer == 1;
		if (im->mode == IDS_PUT_CREATE && exists)
			ids_field_err(ids_imp_err(im, ri, IDS_ERR_EXISTS), "key", "%s",
						  "mapping exists already");
		else if (im->mode == IDS_PUT_REPLACE && !exists)
			ids_field_err(ids_imp_err(im, ri, IDS_ERR_NOTFOUND), "key", "%s",
						  "no such mapping to replace");
		break;
	case IDS_IMP_OWN:
		ids_uri_norm(r->sip_uri, strlen(r->sip_uri), im->norm,
					 sizeof(im->norm));
		im->st[ri].own_uri = rep->type == REDIS_REPLY_STRING &&
							 strcmp(rep->str, im->norm) == 0;
		break;
	default:
		if (wt)
			ids_field_err(ids_imp_err(im, ri, IDS_ERR_CONFLICT), "did",
						  "already held by %s", IDS_NOT_ENTRY);
		else if (rep->type == REDIS_REPLY_STRING &&
				 !ids_did_held_by(rep->str, rep->len, r->ns, r->key))
			ids_field_err(
					ids_imp_err(im, ri, IDS_ERR_CONFLICT), "did",
					"already mapped by %s",
					ids_owner_text(ow, sizeof(ow), rep->str, rep->len, 1));
	}
}

/* after the precheck: a URI entry of another type than a string is a
 * conflict, unless the stored mapping names it (as in IDS_LUA_PUT) */
static void ids_imp_check_types(ids_imp_t *im)
{
	size_t i;
	for (i = 0; i < im->n; i++)
		if (im->st[i].uri_wt && !im->st[i].own_uri)
			ids_field_err(ids_imp_err(im, i, IDS_ERR_CONFLICT), "sip_uri",
						  "already held by %s", IDS_NOT_ENTRY);
}

/* claims (release=0) or releases (1) of the records' DIDs: the new DID
 * of a refused write put back as it was, the old DID of a write done */
static int ids_imp_did_build(ids_ctx_t *ctx, void *arg, size_t i, ids_bcmd_t *c)
{
	ids_imp_t *im = arg;
	const ids_record_t *r = &im->recs[i];
	ids_imp_rec_t *st = &im->st[i];
	int which = IDS_S_DID_CLAIM, bad;
	(void)ctx;
	if (!im->release_new) {
		if (!r->did[0])
			return 0;
		bad = ids_did_build_claim(&im->da, r->did, r->ns, r->key, st->tok);
	} else if (st->failed && st->claimed) {
		which = IDS_S_DID_RELEASE;
		bad = ids_did_build_release(&im->da, r->did, r->ns, r->key, st->tok,
									st->claim.fresh ? NULL : st->claim.prev);
	} else if (!st->failed && st->old[0]) {
		which = IDS_S_DID_RELEASE;
		bad = ids_did_build_release(&im->da, st->old, r->ns, r->key, st->oldtok,
									NULL);
	} else {
		return 0;
	}
	if (bad)
		return 0; /* validated records: cannot happen */
	return ids_evalsha_cmd(c, which, 6, im->da.argv, im->da.lens, im->da.slot);
}

static void ids_imp_did_reply(ids_ctx_t *ctx, void *arg, size_t i,
							  const redisReply *rep)
{
	ids_imp_t *im = arg;
	if (im->release_new)
		return;
	if (rep->type == REDIS_REPLY_ERROR) {
		im->st[i].failed = 1;
		ids_script_error(ctx, rep, &im->recs[i],
						 ids_imp_err(im, i, IDS_ERR_CONFLICT));
		return;
	}
	if (ids_claim_reply(rep, &im->st[i].claim) == 0)
		im->st[i].claimed = 1;
	else
		ids_field_err(ids_imp_err(im, i, IDS_ERR_PROTO), "did", "%s",
					  "unexpected reply to the claim");
}

static int ids_imp_put_build(ids_ctx_t *ctx, void *arg, size_t i, ids_bcmd_t *c)
{
	ids_imp_t *im = arg;
	if (im->st[i].failed)
		return 0;
	ids_put_build(ctx, &im->recs[i], im->mode, im->st[i].tok, &im->pa);
	return ids_evalsha_cmd(c, IDS_S_PUT, im->pa.argc, im->pa.argv, im->pa.lens,
						   im->pa.slot);
}

static void ids_imp_put_reply(ids_ctx_t *ctx, void *arg, size_t i,
							  const redisReply *rep)
{
	ids_imp_t *im = arg;
	if (rep->type != REDIS_REPLY_ERROR &&
		ids_put_reply(rep, im->st[i].old, im->st[i].oldtok) == 0) {
		im->written++;
		return;
	}
	im->st[i].failed = 1;
	if (rep->type == REDIS_REPLY_ERROR)
		ids_script_error(ctx, rep, &im->recs[i],
						 ids_imp_err(im, i, IDS_ERR_CONFLICT));
	else
		ids_field_err(ids_imp_err(im, i, IDS_ERR_PROTO), "key", "%s",
					  "unexpected reply to the write");
}

/* SCRIPT LOAD every script on every master that may run it pipelined */
static int ids_imp_load(ids_ctx_t *ctx, const ids_record_t *recs, size_t n)
{
	static const int which[] = {IDS_S_PUT, IDS_S_DID_CLAIM, IDS_S_DID_RELEASE};
	const char *a[3] = {"SCRIPT", "LOAD", NULL};
	char k[IDS_REDIS_KEY_MAX];
	redisReply *r;
	size_t i, w;
	/* one key per namespace and DID would do; a key of every record keeps
	 * it simple (SCRIPT LOAD of a cached script is cheap), bounded here */
	for (i = 0; i < n && i < 64; i++) {
		for (w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
			if (w == 0)
				ids_key_map(k, sizeof(k), recs[i].ns, recs[i].key);
			else if (!recs[i].did[0])
				continue;
			else
				ids_key_did(k, sizeof(k), recs[i].did);
			a[2] = ids_scripts[which[w]].body;
			if (!(r = ids_cmd_at(ctx, ids_slot_of(k), 0, 3, a, NULL)))
				return ctx->err;
			freeReplyObject(r);
			if (!ids_is_cluster(ctx) && i > 0)
				return IDS_OK;
		}
	}
	return IDS_OK;
}

int ids_import(ids_ctx_t *ctx, const ids_record_t *recs, size_t n, int mode,
			   ids_error_t *errs, size_t maxerrs, size_t *nerrs)
{
	ids_imp_t *im;
	size_t i, total = 0;
	int rc;

	*nerrs = 0;
	if (!ctx->rc_ && !ids_is_cluster(ctx))
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
	if (!(im = calloc(1, sizeof(*im))) ||
		!(im->st = calloc(n + 1, sizeof(*im->st)))) {
		rc = ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (recs[i].did[0] && (rc = ids_did_token(ctx, im->st[i].tok)))
			goto out;
	im->recs = recs;
	im->n = n;
	im->mode = mode;
	im->errs = errs;
	im->maxerrs = maxerrs;
	im->nerrs = nerrs;
	/* 1: every reverse entry and mode checked before the first write */
	if ((rc = ids_batch(ctx, IDS_IMP_CHECKS * n, ids_imp_check_build,
						ids_imp_check_reply, im)))
		goto out;
	ids_imp_check_types(im);
	if (im->bad) {
		rc = ids_set_err(ctx, im->bad, "%zu record(s) refused", *nerrs);
		goto out;
	}
	if ((rc = ids_imp_load(ctx, recs, n)))
		goto out;
	/* 2: the DIDs claimed; 3: the mappings written; 4: DIDs released */
	rc = ids_batch(ctx, n, ids_imp_did_build, ids_imp_did_reply, im);
	if (rc == IDS_OK && im->bad) { /* a DID taken meanwhile: write nothing */
		for (i = 0; i < n; i++)
			im->st[i].failed = 1;
	} else if (rc == IDS_OK) {
		rc = ids_batch(ctx, n, ids_imp_put_build, ids_imp_put_reply, im);
	}
	if (rc != IDS_OK)
		goto out;
	im->release_new = 1;
	if ((rc = ids_batch(ctx, n, ids_imp_did_build, ids_imp_did_reply, im)))
		goto out;
	/* one WAIT per master covers every write of the batch */
	if (im->written && ids_wait(ctx) != IDS_OK &&
		(!*nerrs || ctx->err == IDS_ERR_IO)) {
		rc = ctx->err;
		goto out;
	}
	if (*nerrs)
		rc = ids_set_err(
				ctx, IDS_ERR_CONFLICT,
				"%zu record(s) changed concurrently and were not written",
				*nerrs);
	else
		rc = ids_ok(ctx);
out:
	if (im) {
		free(im->st);
		free(im);
	}
	return rc;
}

/* ---- upgrade of key names written before the hash tags ---- */

typedef struct ids_upg {
	ids_upgrade_stats_t *st;
	ids_upgrade_cb cb;
	void *arg;
	int err;
} ids_upg_t;

/* GET key k[0..len) into buf (NUL-terminated; "" when absent or not a
 * string); IDS_OK or an error */
static int ids_upg_get(ids_ctx_t *ctx, const char *k, size_t len, char *buf,
					   size_t bufsz)
{
	const char *argv[2] = {"GET", k};
	size_t lens[2] = {3, len};
	redisReply *r = ids_cmd_at(ctx, ids_key_slot(k, len), 0, 2, argv, lens);
	if (!r)
		return ctx->err;
	snprintf(buf, bufsz, "%.*s",
			 r->type == REDIS_REPLY_STRING ? (int)r->len : 0,
			 r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
	return IDS_OK;
}

/*
 * A legacy URI entry k (new name nk) that must not be moved: its new name
 * holds another key (two mappings would hold one URI), or the mapping it
 * names holds another URI under its new name (written since by an
 * upgraded node: the entry is stale). why filled then; 1 conflict, 0 none,
 * -1 an error (ctx->err)
 */
static int ids_upg_rev_conflict(ids_ctx_t *ctx, const char *k, size_t len,
								const char *nk, size_t nl, int busy, char *why,
								size_t whysz)
{
	char ov[IDS_KEY_MAX + 2], nv[IDS_URI_MAX + 2], mk[IDS_REDIS_KEY_MAX];
	char nsb[IDS_NS_MAX + 1];
	const char *ns, *uri, *argv[3];
	size_t nsl;
	redisReply *r;

	if (ids_key_split(nk, nl, &ns, &nsl, &uri) < 0 || nsl > IDS_NS_MAX)
		return 0;
	memcpy(nsb, ns, nsl);
	nsb[nsl] = '\0';
	if (ids_upg_get(ctx, k, len, ov, sizeof(ov)))
		return -1;
	if (busy) {
		if (ids_upg_get(ctx, nk, nl, nv, sizeof(nv)))
			return -1;
		if (strcmp(ov, nv) == 0)
			return 0;
		snprintf(why, whysz,
				 "held by key '%.60s' under the old name, by "
				 "'%.60s' under the new one",
				 ov, nv);
		return 1;
	}
	if (!ov[0] || ids_key_map(mk, sizeof(mk), nsb, ov) < 0)
		return 0;
	argv[0] = "HGET";
	argv[1] = mk;
	argv[2] = IDS_REV_URI_FIELD;
	if (!(r = ids_cmd_at(ctx, ids_slot_of(mk), 0, 3, argv, NULL)))
		return -1;
	busy = r->type == REDIS_REPLY_STRING && strcmp(r->str, uri) != 0;
	if (busy)
		snprintf(why, whysz, "names key '%.60s', which holds %.80s now", ov,
				 r->str);
	freeReplyObject(r);
	return busy;
}

/* move one legacy key: DUMP, RESTORE under the new name (an existing new
 * mapping wins: written since by an upgraded node), DEL; a URI entry in
 * conflict (ids_upg_rev_conflict) is left and reported */
static int ids_upgrade_key(ids_ctx_t *ctx, const char *k, size_t len, void *arg)
{
	ids_upg_t *u = arg;
	char nk[IDS_REDIS_KEY_MAX + 8], why[240];
	const char *argv[4];
	size_t lens[4];
	redisReply *d, *r;
	int nl = ids_key_upgrade(k, len, nk, sizeof(nk)), oslot, busy, c;
	int rev = len > sizeof(IDS_REV_PREFIX) - 1 &&
			  !memcmp(k, IDS_REV_PREFIX, sizeof(IDS_REV_PREFIX) - 1);

	if (nl <= 0)
		return 0;
	oslot = ids_key_slot(k, len);
	if (rev && (c = ids_upg_rev_conflict(ctx, k, len, nk, (size_t)nl, 0, why,
										 sizeof(why))))
		goto conflict;
	argv[0] = "DUMP";
	argv[1] = k;
	lens[0] = 4;
	lens[1] = len;
	if (!(d = ids_cmd_at(ctx, oslot, 0, 2, argv, lens)))
		goto err;
	if (d->type != REDIS_REPLY_STRING) { /* gone meanwhile */
		freeReplyObject(d);
		return 0;
	}
	argv[0] = "RESTORE";
	argv[1] = nk;
	argv[2] = "0";
	argv[3] = d->str;
	lens[0] = 7;
	lens[1] = (size_t)nl;
	lens[2] = 1;
	lens[3] = d->len;
	r = ids_cmd_at(ctx, ids_key_slot(nk, (size_t)nl), 1, 4, argv, lens);
	freeReplyObject(d);
	if (!r)
		goto err;
	busy = r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYKEY", 7) == 0;
	if (r->type == REDIS_REPLY_ERROR && !busy) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "RESTORE %.60s: %.60s", nk, r->str);
		freeReplyObject(r);
		goto err;
	}
	freeReplyObject(r);
	if (busy && rev &&
		(c = ids_upg_rev_conflict(ctx, k, len, nk, (size_t)nl, 1, why,
								  sizeof(why))))
		goto conflict;
	argv[0] = "DEL";
	argv[1] = k;
	lens[0] = 3;
	lens[1] = len;
	if (!(r = ids_cmd_at(ctx, oslot, 1, 2, argv, lens)))
		goto err;
	freeReplyObject(r);
	if (busy)
		u->st->kept++;
	else
		u->st->moved++;
	return 0;
conflict:
	if (c < 0)
		goto err;
	u->st->conflicts++;
	if (u->cb)
		u->cb(k, nk, why, u->arg);
	return 0;
err:
	u->err = ctx->err;
	return 1;
}

int ids_upgrade_step(ids_ctx_t *ctx, uint64_t *cursor, int count,
					 ids_upgrade_stats_t *st, ids_upgrade_cb cb, void *arg)
{
	ids_upg_t u = {st, cb, arg, IDS_OK};
	int rc = ids_scan_step(ctx, -1, IDS_PREFIX "*", cursor, count,
						   ids_upgrade_key, &u);
	if (rc == IDS_OK && u.err)
		return ctx->err = u.err;
	return rc == IDS_OK ? ids_wait(ctx) : rc;
}
