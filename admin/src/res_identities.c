/*
 * res_identities.c - /api/v1/identities: identity mappings CRUD through
 * lib/idstore (the Redis key schema shared with the Kamailio modules and
 * iwg-idctl), and the lookup of the mapping holding a DID (?did=). Writes
 * are atomic in idstore (all or nothing) and audit-logged here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "idstore/idstore.h"
#include "jsonv.h"
#include "log.h"
#include "schemas.h"

/* most mappings one listing collects before paging */
#define IDS_LIST_MAX 10000

/* per worker thread, freed by the key destructor when the thread ends */
static __thread ids_ctx_t *tl_ids;
static pthread_key_t key_ids;
static pthread_once_t key_ids_once = PTHREAD_ONCE_INIT;

static void free_ids(void *p)
{
	ids_free(p);
}

static void make_key_ids(void)
{
	pthread_key_create(&key_ids, free_ids);
}

static void ids_drop(void)
{
	ids_free(tl_ids);
	tl_ids = NULL;
	pthread_setspecific(key_ids, NULL);
}

/* (handlers.h) */
ids_ctx_t *res_identities_ctx(const conf_settings *c, backend_err *e)
{
	ids_conf_t ic;

	pthread_once(&key_ids_once, make_key_ids);
	if (tl_ids && !tl_ids->err && ids_ping(tl_ids) == IDS_OK)
		return tl_ids;
	ids_drop();
	backend_redis_ids_conf(c, &ic);
	tl_ids = ids_connect(&ic);
	if (!tl_ids || tl_ids->err) {
		char where[160];
		backend_redis_target(c, where, sizeof(where));
		e->down = 1;
		snprintf(e->msg, sizeof(e->msg), "identity store (Redis %.70s): %.100s",
				 where, tl_ids ? tl_ids->errstr : "out of memory");
		ids_drop();
		return NULL;
	}
	pthread_setspecific(key_ids, tl_ids);
	return tl_ids;
}

/*
 * The answer to a read of a mapping Redis holds but that fails validation
 * (IDS_ERR_CORRUPT: written by something else than lib/idstore). The
 * client did nothing wrong (not 400) and the store works (not 5xx): the
 * mapping's state is the problem, which a replace (PUT) or a delete
 * solves, so 409 with its own error code, the stored field at fault, and
 * what to do; hint, when not NULL, replaces that advice, and then field
 * names what the client is to give.
 */
static int identity_stored_invalid(admind_req *r, ids_ctx_t *ctx,
								   const char *what, const char *field,
								   const char *hint)
{
	if (!hint)
		field = ctx->corrupt.field[0] ? ctx->corrupt.field : NULL;
	return reply_error(r, MHD_HTTP_CONFLICT, "stored_invalid", field,
					   "%s: %s; %s", what, ctx->errstr,
					   hint ? hint
							: "the stored record is invalid: replace it "
							  "(PUT) or delete it");
}

/* (handlers.h) */
int res_identities_fail(admind_req *r, ids_ctx_t *ctx, int rc, const char *what)
{
	backend_err e = {0};
	int status = MHD_HTTP_BAD_GATEWAY;
	const char *code = "bad_gateway";

	if (rc == IDS_ERR_CORRUPT)
		return identity_stored_invalid(r, ctx, what, NULL, NULL);
	snprintf(e.msg, sizeof(e.msg), "%s", ctx->errstr);
	if (rc == IDS_ERR_IO || rc == IDS_ERR_PROTO) {
		ids_drop();
		if (rc == IDS_ERR_IO)
			return reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
							   NULL, "identity store unavailable: %s", e.msg);
	}
	/* made on the master, not known to survive a failover: not a success */
	if (rc == IDS_ERR_NOT_REPLICATED)
		return reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "not_replicated",
						   NULL, "%s not acknowledged by enough replicas: %s",
						   what, e.msg);
	if (rc == IDS_ERR_NOTFOUND) {
		status = MHD_HTTP_NOT_FOUND;
		code = "not_found";
	} else if (rc == IDS_ERR_EXISTS || rc == IDS_ERR_CONFLICT) {
		status = MHD_HTTP_CONFLICT;
		code = "conflict";
	}
	return reply_error(r, status, code, NULL, "%s: %s", what,
					   e.msg[0] ? e.msg : ids_strerror(rc));
}

/*
 * Audit a write that was made: rc IDS_OK, or IDS_ERR_NOT_REPLICATED (made
 * on the master, logged with status 503, the answer too). 0 when rc is
 * IDS_OK.
 */
static int identity_audit(admind_req *r, int rc, const char *action,
						  const char *target, unsigned status)
{
	backend_err e = {0};

	if (audit_write(r, action, target,
					rc == IDS_OK ? status : MHD_HTTP_SERVICE_UNAVAILABLE,
					&e) < 0)
		log_err("audit write failed: %s", e.msg);
	return rc == IDS_OK ? 0 : -1;
}

static struct json_object *identity_json(const ids_record_t *rec)
{
	struct json_object *j = json_object_new_object();
	char buf[IDS_FIELD_MAXLEN + 1];
	int f;

	for (f = 0; f < IDS_F_COUNT; f++) {
		if (f == IDS_F_HA1) {
			/* a credential: say whether it is set, never show it */
			json_object_object_add(j, "ha1_set",
								   json_object_new_boolean(rec->ha1[0] != 0));
			continue;
		}
		if (ids_record_get(rec, (ids_field_t)f, buf, sizeof(buf)) < 0)
			continue;
		if (f == IDS_F_ENABLED)
			json_object_object_add(j, "enabled",
								   json_object_new_boolean(rec->enabled));
		else if (f == IDS_F_NOT_AFTER)
			json_object_object_add(j, "not_after",
								   json_object_new_int64(rec->not_after));
		else
			json_object_object_add(j, ids_field_name((ids_field_t)f),
								   json_object_new_string(buf));
	}
	return j;
}

/* body members into rec (after ns/key are set); -1 after answering 400 */
static int identity_from_json(admind_req *r, struct json_object *o,
							  ids_record_t *rec, int *ret)
{
	ids_error_t ie;
	char num[32];
	const char *v;
	int f;

	json_object_object_foreach(o, name, val)
	{
		f = ids_field_by_name(name, strlen(name));
		if (f < 0 || f == IDS_F_NS || f == IDS_F_KEY)
			continue;
		if (f == IDS_F_ENABLED)
			v = json_object_get_boolean(val) ? "1" : "0";
		else if (f == IDS_F_NOT_AFTER) {
			snprintf(num, sizeof(num), "%lld",
					 (long long)json_object_get_int64(val));
			v = num;
		} else
			v = json_object_get_string(val);
		memset(&ie, 0, sizeof(ie));
		if (ids_record_set(rec, (ids_field_t)f, v, strlen(v), &ie) < 0) {
			*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
							   ie.field[0] ? ie.field : name, "%s: %s",
							   ie.field[0] ? ie.field : name, ie.msg);
			return -1;
		}
	}
	return 0;
}

/* set ns and key of rec from text; -1 after answering 400 */
static int identity_ns_key(admind_req *r, ids_record_t *rec, const char *ns,
						   const char *key, int *ret)
{
	ids_error_t ie = {0};

	if (ids_record_set(rec, IDS_F_NS, ns, strlen(ns), &ie) < 0 ||
		ids_record_set(rec, IDS_F_KEY, key, strlen(key), &ie) < 0) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ie.field,
						   "%s: %s", ie.field, ie.msg);
		return -1;
	}
	return 0;
}

static int identity_write(admind_req *r, const jsonv_field *schema, size_t n,
						  const char *ns, const char *key, int mode)
{
	struct json_object *o;
	backend_err e = {0};
	ids_record_t rec, old;
	ids_error_t ie = {0};
	jsonv_error ve;
	ids_ctx_t *ctx;
	char target[IDS_NS_MAX + IDS_KEY_MAX + 2];
	int rc, ret = 0, keep_ha1;
	unsigned status = mode == IDS_PUT_CREATE ? MHD_HTTP_CREATED : MHD_HTTP_OK;

	if (jsonv_parse(r->body, r->body_len, schema, n, &o, &ve) < 0)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						   "%s%s%s", ve.field, ve.field[0] ? ": " : "", ve.msg);
	ids_record_init(&rec);
	if (!ns) {
		ns = jsonv_str(o, "ns");
		key = jsonv_str(o, "key");
	}
	if (identity_ns_key(r, &rec, ns, key, &ret) < 0 ||
		identity_from_json(r, o, &rec, &ret) < 0) {
		json_object_put(o);
		return ret;
	}
	/* reads never show the HA1: a replace without one keeps the stored one
	 * ("ha1": "" removes it) */
	keep_ha1 = mode == IDS_PUT_REPLACE &&
			   !json_object_object_get_ex(o, "ha1", NULL);
	json_object_put(o);
	if (ids_record_validate(&rec, &ie) < 0)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ie.field,
						   "%s: %s", ie.field, ie.msg);
	if (!(ctx = res_identities_ctx(&r->app->conf, &e)))
		return reply_backend_error(r, "identity store", &e);
	if (keep_ha1) {
		rc = ids_get(ctx, rec.ns, rec.key, &old);
		/* the stored ha1 may be what is wrong: not kept unseen */
		if (rc == IDS_ERR_CORRUPT)
			return identity_stored_invalid(
					r, ctx, "identity read", "ha1",
					"its ha1 cannot be kept: give \"ha1\" (\"\" for none) "
					"to replace it");
		if (rc != IDS_OK)
			return res_identities_fail(r, ctx, rc, "identity read");
		memcpy(rec.ha1, old.ha1, sizeof(rec.ha1));
	}
	memset(&ie, 0, sizeof(ie));
	rc = ids_put(ctx, &rec, mode, &ie);
	if (rc == IDS_ERR_INVALID)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ie.field,
						   "%s: %s", ie.field, ie.msg);
	if (rc == IDS_ERR_CONFLICT) /* the sip_uri or did of another mapping */
		return reply_error(r, MHD_HTTP_CONFLICT, "conflict",
						   ie.field[0] ? ie.field : NULL, "identity write: %s",
						   ctx->errstr);
	if (rc != IDS_OK && rc != IDS_ERR_NOT_REPLICATED)
		return res_identities_fail(r, ctx, rc, "identity write");
	snprintf(target, sizeof(target), "%s/%s", rec.ns, rec.key);
	if (identity_audit(r, rc,
					   mode == IDS_PUT_CREATE ? "identity.create"
											  : "identity.replace",
					   target, status) < 0)
		return res_identities_fail(r, ctx, rc, "identity write");
	return reply_json(r, status, identity_json(&rec));
}

int res_identities_create(admind_req *r)
{
	return identity_write(r, schemas_identity_create, schemas_identity_create_n,
						  NULL, NULL, IDS_PUT_CREATE);
}

int res_identities_replace(admind_req *r)
{
	return identity_write(r, schemas_identity_replace,
						  schemas_identity_replace_n,
						  route_param(&r->params, "ns"),
						  route_param(&r->params, "key"), IDS_PUT_REPLACE);
}

int res_identities_get(admind_req *r)
{
	const char *ns = route_param(&r->params, "ns");
	const char *key = route_param(&r->params, "key");
	backend_err e = {0};
	ids_record_t rec;
	ids_ctx_t *ctx;
	int rc;

	if (!(ctx = res_identities_ctx(&r->app->conf, &e)))
		return reply_backend_error(r, "identity store", &e);
	rc = ids_get(ctx, ns, key, &rec);
	if (rc != IDS_OK)
		return res_identities_fail(r, ctx, rc, "identity");
	return reply_json(r, MHD_HTTP_OK, identity_json(&rec));
}

int res_identities_delete(admind_req *r)
{
	const char *ns = route_param(&r->params, "ns");
	const char *key = route_param(&r->params, "key");
	char target[2 * ROUTE_PARAM_MAX];
	backend_err e = {0};
	ids_ctx_t *ctx;
	int rc;

	if (!(ctx = res_identities_ctx(&r->app->conf, &e)))
		return reply_backend_error(r, "identity store", &e);
	rc = ids_del(ctx, ns, key);
	if (rc != IDS_OK && rc != IDS_ERR_NOT_REPLICATED)
		return res_identities_fail(r, ctx, rc, "identity");
	snprintf(target, sizeof(target), "%s/%s", ns, key);
	if (identity_audit(r, rc, "identity.delete", target, MHD_HTTP_NO_CONTENT) <
		0)
		return res_identities_fail(r, ctx, rc, "identity delete");
	return reply_send(r, MHD_HTTP_NO_CONTENT, "application/json", strdup(""), 0,
					  NULL);
}

/* a mapping of a listed page that fails validation: {ns, key, field,
 * message} (field omitted when the mapping as a whole is at fault; key
 * omitted when it is not a valid key: a stored name may hold anything,
 * bytes that are not UTF-8 too, which would make the page invalid JSON) */
static struct json_object *
identity_invalid_json(const char *ns, const char *key, const ids_ctx_t *ctx)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "ns", json_object_new_string(ns));
	if (ids_name_valid(IDS_F_KEY, key, strlen(key)))
		json_object_object_add(j, "key", json_object_new_string(key));
	if (ctx->corrupt.field[0])
		json_object_object_add(j, "field",
							   json_object_new_string(ctx->corrupt.field));
	json_object_object_add(j, "message", json_object_new_string(ctx->errstr));
	return j;
}

/* a map key name the scan found that names no (ns, key) (a NUL byte in
 * it, a namespace that is not one): listed in invalid on the first page,
 * {field "key", message}, nothing of the name */
static struct json_object *identity_unaddressable_json(void)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "field", json_object_new_string("key"));
	json_object_object_add(
			j, "message",
			json_object_new_string(
					"a stored mapping's key name holds a NUL byte or a "
					"namespace that is not one: no request can name it; "
					"find it with redis-cli --scan --pattern "
					"'iwg:idm:map:*' and remove it with redis-cli DEL"));
	return j;
}

/* the (ns, key) pairs a scan reports, de-duplicated later */
typedef struct id_list {
	char **v; /* "ns\nkey" */
	size_t n, cap;
	int full;
	size_t unaddressable; /* names ids_list could not pass (counted) */
} id_list;

static int list_cb(const char *ns, const char *key, void *arg)
{
	id_list *l = arg;
	char **nv;
	size_t len = strlen(ns) + strlen(key) + 2;

	if (l->n >= IDS_LIST_MAX) {
		l->full = 1;
		return 1;
	}
	if (l->n == l->cap) {
		nv = realloc(l->v, (l->cap ? l->cap * 2 : 64) * sizeof(*nv));
		if (!nv)
			return 1;
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	if (!(l->v[l->n] = malloc(len)))
		return 1;
	snprintf(l->v[l->n++], len, "%s\n%s", ns, key);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_free(id_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* GET /api/v1/identities?did=...: the mapping holding a DID (its reverse
 * entry), a page of one item or none; ns, when given, must match too */
static int identities_by_did(admind_req *r, const char *did, const char *ns,
							 int page, int per_page)
{
	struct json_object *items, *j;
	backend_err e = {0};
	ids_record_t rec;
	ids_error_t ie = {0};
	ids_ctx_t *ctx;
	char d[IDS_DID_MAX + 2];
	int rc, found;

	/* a '+' not written %2B arrives as a space (form encoding) */
	snprintf(d, sizeof(d), "%s", did);
	if (d[0] == ' ')
		d[0] = '+';
	ids_record_init(&rec);
	if (!d[0] || strlen(did) > IDS_DID_MAX ||
		ids_record_set(&rec, IDS_F_DID, d, strlen(d), &ie) < 0)
		return reply_error(
				r, MHD_HTTP_BAD_REQUEST, "bad_request", "did",
				"did: must be an E.164 number: '+' (written %%2B in a URL) "
				"then 6 to 15 digits");
	if (!(ctx = res_identities_ctx(&r->app->conf, &e)))
		return reply_backend_error(r, "identity store", &e);
	rc = ids_reverse_did(ctx, d, &rec);
	if (rc != IDS_OK && rc != IDS_ERR_NOTFOUND)
		return res_identities_fail(r, ctx, rc, "identity");
	found = rc == IDS_OK && (!ns || !*ns || !strcmp(ns, rec.ns));
	items = json_object_new_array();
	if (found && page == 1)
		json_object_array_add(items, identity_json(&rec));
	j = reply_page_json(items, page, per_page, found ? 1 : 0);
	json_object_object_add(j, "truncated", json_object_new_boolean(0));
	/* the shape of every listing: a DID's invalid mapping is a 409 */
	json_object_object_add(j, "invalid", json_object_new_array());
	return reply_json(r, MHD_HTTP_OK, j);
}

int res_identities_list(admind_req *r)
{
	const char *ns = http_query(r, "ns"), *pat = http_query(r, "key");
	const char *did = http_query(r, "did");
	struct json_object *items, *invalid, *j;
	backend_err e = {0};
	ids_record_t rec;
	ids_ctx_t *ctx;
	id_list l = {0};
	uint64_t cursor = 0;
	int page, per_page, ret = 0, rc;
	size_t i, k, from, total;
	char *nl;

	if (http_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (did && pat)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "did",
						   "did: a DID names one mapping; give no key "
						   "pattern with it");
	if (did)
		return identities_by_did(r, did, ns, page, per_page);
	if (pat && (!*pat || strlen(pat) > IDS_KEY_MAX))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "key",
						   "key: a glob pattern of 1..%d bytes", IDS_KEY_MAX);
	if (!(ctx = res_identities_ctx(&r->app->conf, &e)))
		return reply_backend_error(r, "identity store", &e);
	do {
		rc = ids_list(ctx, ns, pat, &cursor, 500, list_cb, &l,
					  &l.unaddressable);
	} while (rc == IDS_OK && cursor != 0 && !l.full);
	if (rc != IDS_OK) {
		list_free(&l);
		return res_identities_fail(r, ctx, rc, "identity list");
	}
	/* SCAN may report a key twice: sort, then skip repeats */
	qsort(l.v, l.n, sizeof(*l.v), str_cmp);
	for (i = k = 0; i < l.n; i++) {
		if (k && !strcmp(l.v[k - 1], l.v[i])) {
			free(l.v[i]);
			continue;
		}
		l.v[k++] = l.v[i];
	}
	l.n = total = k;
	from = (size_t)(page - 1) * (size_t)per_page;
	items = json_object_new_array();
	invalid = json_object_new_array();
	for (i = from; i < total && i < from + (size_t)per_page; i++) {
		nl = strchr(l.v[i], '\n');
		*nl = '\0';
		rc = ids_get(ctx, l.v[i], nl + 1, &rec);
		if (rc == IDS_ERR_NOTFOUND)
			continue; /* deleted since the scan */
		/* one bad mapping does not hide the page: listed apart */
		if (rc == IDS_ERR_CORRUPT) {
			json_object_array_add(invalid,
								  identity_invalid_json(l.v[i], nl + 1, ctx));
			continue;
		}
		if (rc != IDS_OK) {
			json_object_put(items);
			json_object_put(invalid);
			list_free(&l);
			return res_identities_fail(r, ctx, rc, "identity");
		}
		json_object_array_add(items, identity_json(&rec));
	}
	list_free(&l);
	if (page == 1)
		for (i = 0; i < l.unaddressable; i++)
			json_object_array_add(invalid, identity_unaddressable_json());
	j = reply_page_json(items, page, per_page, total);
	json_object_object_add(j, "truncated", json_object_new_boolean(l.full));
	json_object_object_add(j, "invalid", invalid);
	return reply_json(r, MHD_HTTP_OK, j);
}
