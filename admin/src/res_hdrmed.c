/*
 * res_hdrmed.c - /api/v1/hdrmed: the header mediation module (iwg_hdrmed)
 * of every Kamailio node over JSON-RPC: discovered header and parameter
 * names, per-rule statistics, and the admin writes (discovery reset, rule
 * reload), audit-logged.
 *
 * A node whose Kamailio has no iwg_hdrmed (jsonrpcs: "Method Not Found") is
 * skipped and listed in "skipped"; when no node asked has the module the
 * answer is 404 "module_not_loaded". A reload refused by the module (a rule
 * file does not parse; its fault names file:line) is a 422 "rules_invalid"
 * naming it; the old rules stay active.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "jsonv.h"
#include "log.h"
#include "schemas.h"

/* what one request asks: nodes and an optional profile */
typedef struct hd_req {
	const char *node;	 /* NULL: every Kamailio node */
	const char *profile; /* NULL: every profile */
	struct json_object *body;
	struct json_object *skipped; /* nodes without the module */
	int asked;					 /* nodes asked */
} hd_req;

/* JSON-RPC params: [] or ["profile"] */
static char *hd_params(const hd_req *h)
{
	struct json_object *a = json_object_new_array();
	char *s;

	if (h->profile)
		json_object_array_add(a, json_object_new_string(h->profile));
	s = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return s;
}

/* answer for an RPC failure of node (method not found handled by caller) */
static int hd_error(admind_req *r, const char *node, const backend_err *e)
{
	if (e->down || !e->rpc_code)
		return reply_backend_error(r, node, e);
	if (e->rpc_code == 404)
		return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "profile",
						   "%s: %s", node, e->rpc_msg);
	if (e->rpc_code == 503)
		return reply_error(r, MHD_HTTP_CONFLICT, "discovery_off", NULL,
						   "%s: %s (iwg_hdrmed modparam discovery)", node,
						   e->rpc_msg);
	return reply_backend_error(r, node, e);
}

/* 404 when no node asked has the module */
static int hd_missing(admind_req *r, const hd_req *h)
{
	return reply_error(r, MHD_HTTP_NOT_FOUND, "module_not_loaded", NULL,
					   "%s no iwg_hdrmed module (JSON-RPC: Method Not Found)",
					   h->node ? "this Kamailio node has"
							   : "no Kamailio node has the");
}

/* query parameters of a GET; -1 after answering 400 */
static int hd_query(admind_req *r, hd_req *h, int *ret)
{
	const conf_settings *c = &r->app->conf;
	const char *p;

	memset(h, 0, sizeof(*h));
	h->node = http_query(r, "node");
	h->profile = http_query(r, "profile");
	if (h->node && !conf_find_kamailio(c, h->node)) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "no Kamailio node named '%.40s'", h->node);
		return -1;
	}
	for (p = h->profile; p && *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789-_.",
					*p))
			break;
	if (h->profile && (!h->profile[0] || *p || strlen(h->profile) > 63)) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "profile",
						   "profile must be 1..63 of [A-Za-z0-9._-]");
		return -1;
	}
	return 0;
}

/* body of a write ({"profile"?, "node"?}, empty = {}); -1 after 400 */
static int hd_body(admind_req *r, hd_req *h, int *ret)
{
	const conf_settings *c = &r->app->conf;
	jsonv_error ve;

	memset(h, 0, sizeof(*h));
	if (r->body_len == 0) {
		h->body = json_object_new_object();
	} else if (jsonv_parse(r->body, r->body_len, schemas_hdrmed,
						   schemas_hdrmed_n, &h->body, &ve) < 0) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						   "%s%s%s", ve.field, ve.field[0] ? ": " : "", ve.msg);
		return -1;
	}
	h->node = jsonv_str(h->body, "node");
	h->profile = jsonv_str(h->body, "profile");
	if (h->node && !conf_find_kamailio(c, h->node)) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "node: no Kamailio node named '%s'", h->node);
		json_object_put(h->body);
		return -1;
	}
	return 0;
}

/*
 * Call method on every node h asks. Answers per node go to cb(node, result,
 * items, arg). Returns 0 (nothing answered yet: the caller replies), or -1
 * after an error answer (*ret set).
 */
typedef void (*hd_cb)(const char *node, struct json_object *res,
					  struct json_object *items, void *arg);

static int hd_each(admind_req *r, hd_req *h, const char *method, hd_cb cb,
				   struct json_object *items, void *arg, int *ret)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *res;
	char *params = hd_params(h);
	backend_err e;
	int i, rc;

	h->skipped = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (h->node && strcmp(h->node, c->kamailio[i].name))
			continue;
		h->asked++;
		rc = backend_rpc_call(c, &c->kamailio[i], method, params, &res, &e,
							  NULL);
		if (rc < 0 && backend_rpc_no_method(&e)) {
			json_object_array_add(h->skipped,
								  json_object_new_string(c->kamailio[i].name));
			continue;
		}
		if (rc < 0) {
			free(params);
			*ret = hd_error(r, c->kamailio[i].name, &e);
			return -1;
		}
		cb(c->kamailio[i].name, res, items, arg);
		json_object_put(res);
	}
	free(params);
	if (h->asked && (int)json_object_array_length(h->skipped) == h->asked) {
		*ret = hd_missing(r, h);
		return -1;
	}
	return 0;
}

/* {"items": items, "skipped": [...]} */
static int hd_reply(admind_req *r, hd_req *h, struct json_object *items)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "items", items);
	json_object_object_add(j, "skipped", h->skipped);
	h->skipped = NULL;
	return reply_json(r, MHD_HTTP_OK, j);
}

/* an RPC result as an array (one struct when the RPC is not RET_ARRAY) */
static struct json_object *as_array(struct json_object *res)
{
	struct json_object *a;

	if (json_object_is_type(res, json_type_array))
		return json_object_get(res);
	a = json_object_new_array();
	if (json_object_is_type(res, json_type_object))
		json_object_array_add(a, json_object_get(res));
	return a;
}

/* ------------------------------------------------------------- discovered */

/* one discovery entry, "unknown" as a boolean; NULL when filtered out */
static struct json_object *entry_json(struct json_object *e, int unknown_only)
{
	struct json_object *o, *u;
	int unknown = json_object_object_get_ex(e, "unknown", &u) &&
				  json_object_get_int(u) != 0;

	if ((unknown_only && !unknown) || !json_object_is_type(e, json_type_object))
		return NULL;
	o = json_object_new_object();
	json_object_object_foreach(e, k, v)
	{
		if (!strcmp(k, "unknown"))
			json_object_object_add(o, k, json_object_new_boolean(unknown));
		else
			json_object_object_add(o, k, json_object_get(v));
	}
	return o;
}

static void discovered_cb(const char *node, struct json_object *res,
						  struct json_object *items, void *arg)
{
	int unknown_only = *(int *)arg;
	struct json_object *tabs = as_array(res), *t, *o, *ents, *x;
	size_t i, k;

	for (i = 0; i < json_object_array_length(tabs); i++) {
		t = json_object_array_get_idx(tabs, i);
		if (!json_object_is_type(t, json_type_object))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "node", json_object_new_string(node));
		ents = json_object_new_array();
		json_object_object_foreach(t, key, val)
		{
			if (strcmp(key, "entries")) {
				json_object_object_add(o, key, json_object_get(val));
				continue;
			}
			for (k = 0; json_object_is_type(val, json_type_array) &&
						k < json_object_array_length(val);
				 k++) {
				x = entry_json(json_object_array_get_idx(val, k), unknown_only);
				if (x)
					json_object_array_add(ents, x);
			}
		}
		json_object_object_add(o, "entries", ents);
		json_object_array_add(items, o);
	}
	json_object_put(tabs);
}

int res_hdrmed_discovered(admind_req *r)
{
	const char *u = http_query(r, "unknown");
	struct json_object *items;
	int unknown_only = 0, ret = 0;
	hd_req h;

	if (hd_query(r, &h, &ret) < 0)
		return ret;
	if (u && (!strcmp(u, "true") || !strcmp(u, "1")))
		unknown_only = 1;
	else if (u && strcmp(u, "false") && strcmp(u, "0"))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "unknown",
						   "unknown must be true or false");
	items = json_object_new_array();
	if (hd_each(r, &h, "hdrmed.discovered", discovered_cb, items, &unknown_only,
				&ret) < 0) {
		json_object_put(items);
		json_object_put(h.skipped);
		return ret;
	}
	return hd_reply(r, &h, items);
}

/* ------------------------------------------------------------------ stats */

/* copy each struct of res into items with "node" first */
static void per_node_cb(const char *node, struct json_object *res,
						struct json_object *items, void *arg)
{
	struct json_object *a = as_array(res), *o, *x;
	size_t i;

	(void)arg;
	for (i = 0; i < json_object_array_length(a); i++) {
		x = json_object_array_get_idx(a, i);
		if (!json_object_is_type(x, json_type_object))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "node", json_object_new_string(node));
		json_object_object_foreach(x, k, v)
				json_object_object_add(o, k, json_object_get(v));
		json_object_array_add(items, o);
	}
	json_object_put(a);
}

int res_hdrmed_stats(admind_req *r)
{
	struct json_object *items;
	int ret = 0;
	hd_req h;

	if (hd_query(r, &h, &ret) < 0)
		return ret;
	items = json_object_new_array();
	if (hd_each(r, &h, "hdrmed.stats", per_node_cb, items, NULL, &ret) < 0) {
		json_object_put(items);
		json_object_put(h.skipped);
		return ret;
	}
	return hd_reply(r, &h, items);
}

/* ----------------------------------------------------------------- writes */

/* audit target: "node/profile" with "*" for all */
static void hd_target(const hd_req *h, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/%s", h->node ? h->node : "*",
			 h->profile ? h->profile : "*");
}

static void hd_audit(admind_req *r, const hd_req *h, const char *action,
					 unsigned status)
{
	char target[128];
	backend_err e;

	hd_target(h, target, sizeof(target));
	if (audit_write(r, action, target, status, &e) < 0)
		log_err("audit write failed: %s", e.msg);
}

static void reset_cb(const char *node, struct json_object *res,
					 struct json_object *items, void *arg)
{
	(void)res;
	(void)arg;
	json_object_array_add(items, json_object_new_string(node));
}

int res_hdrmed_reset(admind_req *r)
{
	struct json_object *items;
	int ret = 0;
	hd_req h;

	if (hd_body(r, &h, &ret) < 0)
		return ret;
	items = json_object_new_array();
	if (hd_each(r, &h, "hdrmed.discovered_reset", reset_cb, items, NULL, &ret) <
		0) {
		json_object_put(items);
		json_object_put(h.skipped);
		json_object_put(h.body);
		return ret;
	}
	hd_audit(r, &h, "hdrmed.discovered_reset", MHD_HTTP_OK);
	json_object_put(h.body);
	return hd_reply(r, &h, items);
}

/*
 * Reload on each node in turn; a node that refuses (fault 500 with
 * file:line) ends the request with 422 naming the node and the reason:
 * that node keeps its old rules; nodes before it have the new ones.
 */
int res_hdrmed_reload(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *items, *res, *j;
	char *params;
	backend_err e;
	int i, rc, ret = 0;
	hd_req h;

	if (hd_body(r, &h, &ret) < 0)
		return ret;
	params = hd_params(&h);
	items = json_object_new_array();
	h.skipped = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (h.node && strcmp(h.node, c->kamailio[i].name))
			continue;
		h.asked++;
		rc = backend_rpc_call(c, &c->kamailio[i], "hdrmed.reload", params, &res,
							  &e, NULL);
		if (rc < 0 && backend_rpc_no_method(&e)) {
			json_object_array_add(h.skipped,
								  json_object_new_string(c->kamailio[i].name));
			continue;
		}
		if (rc < 0 && !e.down && e.rpc_code == 500) {
			j = json_object_new_object();
			json_object_object_add(j, "error",
								   json_object_new_string("rules_invalid"));
			json_object_object_add(j, "message",
								   json_object_new_string(e.rpc_msg));
			json_object_object_add(j, "node",
								   json_object_new_string(c->kamailio[i].name));
			json_object_object_add(j, "reloaded", items);
			hd_audit(r, &h, "hdrmed.reload", MHD_HTTP_UNPROCESSABLE_CONTENT);
			ret = reply_json(r, MHD_HTTP_UNPROCESSABLE_CONTENT, j);
			goto out;
		}
		if (rc < 0) {
			ret = hd_error(r, c->kamailio[i].name, &e);
			json_object_put(items);
			goto out;
		}
		j = json_object_new_object();
		json_object_object_add(j, "node",
							   json_object_new_string(c->kamailio[i].name));
		json_object_object_add(j, "profiles", as_array(res));
		json_object_array_add(items, j);
		json_object_put(res);
	}
	if (h.asked && (int)json_object_array_length(h.skipped) == h.asked) {
		ret = hd_missing(r, &h);
		json_object_put(items);
		goto out;
	}
	hd_audit(r, &h, "hdrmed.reload", MHD_HTTP_OK);
	ret = hd_reply(r, &h, items);
out:
	free(params);
	json_object_put(h.skipped);
	json_object_put(h.body);
	return ret;
}
