/*
 * res_registrations.c - /api/v1/registrations: usrloc contents of every
 * Kamailio node over JSON-RPC (ul.dump, on request only and up to
 * registrations_list_max contacts a node), each contact once with the
 * node that holds it (regview.h), and static contacts added or removed by
 * an admin (ul.add / ul.rm), audit-logged.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "jsonv.h"
#include "log.h"
#include "regview.h"
#include "schemas.h"
#include "series.h"

_Static_assert(CONF_MAX_NODES <= REGVIEW_MAX_NODES,
			   "a regview holds every Kamailio node");

/* JSON-RPC params are built with json-c so every value is escaped */
static char *params_json(struct json_object *arr)
{
	const char *s = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
	char *out = strdup(s ? s : "[]");

	json_object_put(arr);
	return out;
}

/* Kamailio node i as far as registrations go (handlers.h) */
int res_registrations_ident(const admind_app *app, int i, regview_ident *id,
							backend_err *e)
{
	const conf_settings *c = &app->conf;
	const conf_kamailio *n = &c->kamailio[i];
	struct json_object *res;

	memset(id, 0, sizeof(*id));
	if (backend_rpc_call(c, n, "edge.info", NULL, &res, e, NULL) == 0) {
		regview_ident_edge(res, id);
		json_object_put(res);
	} else if (backend_rpc_no_method(e)) {
		id->known = 1; /* no iwg_edge: a node on its own */
	} else {
		goto err;
	}
	if (id->shared) {
		if (backend_rpc_call(c, n, "core.sockets_list", NULL, &res, e, NULL) <
			0)
			goto err;
		if (regview_ident_sockets(res, id) == 0)
			log_warn("%s shares registrations but core.sockets_list "
					 "names no listener: none of its contacts is counted as "
					 "its own",
					 n->name);
		json_object_put(res);
	}
	regview_cache_put(app->regcache, i, id);
	return 0;
err:
	regview_cache_get(app->regcache, i, id);
	return -1;
}

/* node i's ul.dump into v, the AoRs user matches (NULL: all); 0, or -1
 * with e set (v unchanged) */
static int add_dump(const admind_app *app, int i, regview *v, const char *user,
					backend_err *e)
{
	struct json_object *dump;
	int rc;

	if (backend_rpc_call(&app->conf, &app->conf.kamailio[i], "ul.dump", NULL,
						 &dump, e, NULL) < 0)
		return -1;
	rc = regview_add_dump(v, i, dump, user);
	json_object_put(dump);
	if (rc < 0) {
		memset(e, 0, sizeof(*e));
		snprintf(e->msg, sizeof(e->msg), "ul.dump: out of memory");
		return -1;
	}
	return 0;
}

/* node i's contacts by its usrloc statistics (a few lines, never its
 * contents) into *n, NAN when it has no usrloc statistic; 0, or -1 with e
 * set */
static int count_contacts(const admind_app *app, int i, double *n,
						  backend_err *e)
{
	struct json_object *res;
	const char *line;
	char name[96];
	size_t k, len;
	double v;

	*n = NAN;
	if (backend_rpc_call(&app->conf, &app->conf.kamailio[i],
						 "stats.get_statistics", "[\"usrloc:\"]", &res, e,
						 NULL) < 0)
		return -1;
	len = json_object_is_type(res, json_type_array)
				  ? json_object_array_length(res)
				  : 0;
	for (k = 0; k < len; k++) {
		line = json_object_get_string(json_object_array_get_idx(res, k));
		if (line && series_kstat_parse(line, name, sizeof(name), &v) == 0 &&
			series_kstat_is_contacts(name))
			*n = isnan(*n) ? v : *n + v;
	}
	json_object_put(res);
	return 0;
}

/* node i's identity into v and its contacts' count into *n; 0, or -1 with
 * e set */
static int check_node(const admind_app *app, int i, regview *v, double *n,
					  backend_err *e)
{
	regview_ident id;
	int rc;

	rc = res_registrations_ident(app, i, &id, e);
	regview_set_ident(v, i, &id);
	return rc < 0 ? -1 : count_contacts(app, i, n, e);
}

/* a view of every Kamailio node with its last identity; NULL when out of
 * memory (or no Kamailio node) */
static regview *view_new(const admind_app *app)
{
	const char *names[CONF_MAX_NODES];
	const conf_settings *c = &app->conf;
	regview_ident id;
	regview *v;
	int i;

	for (i = 0; i < c->n_kamailio; i++)
		names[i] = c->kamailio[i].name;
	v = regview_new(c->n_kamailio, names);
	for (i = 0; v && i < c->n_kamailio; i++) {
		regview_cache_get(app->regcache, i, &id);
		regview_set_ident(v, i, &id);
	}
	return v;
}

/* 422 too_many_registrations: node lists n contacts, more than max */
static int reply_too_many(admind_req *r, const char *node, double n, int max)
{
	struct json_object *j = json_object_new_object();
	char msg[400];

	snprintf(msg, sizeof(msg),
			 "%s holds %.0f contacts, more than registrations_list_max (%d): "
			 "listing them would make it build its whole usrloc in one RPC "
			 "answer; the counts are in /api/v1/cluster",
			 node, n, max);
	log_warn("registrations listing refused: %s", msg);
	json_object_object_add(j, "error",
						   json_object_new_string("too_many_registrations"));
	json_object_object_add(j, "message", json_object_new_string(msg));
	json_object_object_add(j, "node", json_object_new_string(node));
	json_object_object_add(j, "contacts", json_object_new_int64((int64_t)n));
	json_object_object_add(j, "limit", json_object_new_int(max));
	return reply_json(r, MHD_HTTP_UNPROCESSABLE_CONTENT, j);
}

/* the sources in node order (src[i] NULL: not asked) into a new array */
static struct json_object *sources_json(struct json_object **src, int n)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
		if (src[i])
			json_object_array_add(a, src[i]);
	return a;
}

/*
 * Every node (or the one node= names) is asked; a node that fails while
 * all are asked is left out and said so in "sources", the others being
 * listed all the same. Only when every node asked failed is the answer an
 * error (503 when the last was unreachable, else 502). Before any ul.dump,
 * each node's contacts are counted from its usrloc statistics: one over
 * registrations_list_max refuses the whole listing (422). Contacts are
 * de-duplicated over the nodes that share registrations, each item naming
 * the node that holds the connection (regview.h); with node= only the
 * contacts that node holds.
 */
int res_registrations_list(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *user = http_query(r, "user"), *node = http_query(r, "node");
	struct json_object *all, *page_items, *j, *src[CONF_MAX_NODES] = {0};
	int page, per_page, ret = 0, i, asked = 0, failed = 0, only = -1;
	size_t total, from, k;
	backend_err e;
	regview *v;
	double n;

	if (http_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (node && !conf_find_kamailio(c, node))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "no Kamailio node named '%.40s'", node);
	if (!(v = view_new(r->app)))
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		asked++;
		only = node ? i : -1;
		if (check_node(r->app, i, v, &n, &e) < 0) {
			failed++;
			src[i] = backend_source_json(c->kamailio[i].name, &e);
		} else if (n > c->registrations_list_max) {
			regview_free(v);
			json_object_put(sources_json(src, c->n_kamailio));
			return reply_too_many(r, c->kamailio[i].name, n,
								  c->registrations_list_max);
		}
	}
	for (i = 0; i < c->n_kamailio; i++) {
		if ((node && strcmp(node, c->kamailio[i].name)) || src[i])
			continue;
		if (add_dump(r->app, i, v, user, &e) < 0) {
			failed++;
			src[i] = backend_source_json(c->kamailio[i].name, &e);
		} else {
			src[i] = backend_source_json(c->kamailio[i].name, NULL);
		}
	}
	if (asked && failed == asked) {
		regview_free(v);
		json_object_put(sources_json(src, c->n_kamailio));
		/* e is the last node's error; with node= the only one */
		return reply_backend_error(r,
								   asked == 1
										   ? (node ? node : c->kamailio[0].name)
										   : "every Kamailio node",
								   &e);
	}
	all = regview_items(v, only);
	regview_free(v);
	if (!all) {
		json_object_put(sources_json(src, c->n_kamailio));
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	}
	total = json_object_array_length(all);
	from = (size_t)(page - 1) * (size_t)per_page;
	page_items = json_object_new_array();
	for (k = from; k < total && k < from + (size_t)per_page; k++)
		json_object_array_add(
				page_items, json_object_get(json_object_array_get_idx(all, k)));
	json_object_put(all);
	j = reply_page_json(page_items, page, per_page, total);
	json_object_object_add(j, "sources", sources_json(src, c->n_kamailio));
	return reply_json(r, MHD_HTTP_OK, j);
}

int res_registrations_add(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const conf_kamailio *n = &c->kamailio[0];
	struct json_object *o, *p, *res;
	const char *contact, *node;
	jsonv_error ve;
	backend_err e;
	char *params;
	int rc;

	if (jsonv_parse(r->body, r->body_len, schemas_registration,
					schemas_registration_n, &o, &ve) < 0)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						   "%s%s%s", ve.field, ve.field[0] ? ": " : "", ve.msg);
	contact = jsonv_str(o, "contact");
	if (strncmp(contact, "sip:", 4) && strncmp(contact, "sips:", 5)) {
		json_object_put(o);
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "contact",
						   "contact: must be a sip: or sips: URI");
	}
	node = jsonv_str(o, "node");
	if (node && !(n = conf_find_kamailio(c, node))) {
		json_object_put(o);
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "node: no Kamailio node named '%s'", node);
	}
	p = json_object_new_array();
	json_object_array_add(p, json_object_new_string("location"));
	json_object_array_add(p, json_object_new_string(jsonv_str(o, "aor")));
	json_object_array_add(p, json_object_new_string(contact));
	json_object_array_add(p,
						  json_object_new_int64(jsonv_int(o, "expires", 3600)));
	json_object_array_add(p, json_object_new_double(-1));  /* no q */
	json_object_array_add(p, json_object_new_string("0")); /* no path */
	json_object_array_add(p, json_object_new_int(0));	   /* flags */
	json_object_array_add(p, json_object_new_int(0));	   /* cflags */
	json_object_array_add(p, json_object_new_int(0));	   /* methods */
	params = params_json(p);
	rc = backend_rpc_call(c, n, "ul.add", params, &res, &e, NULL);
	free(params);
	if (rc < 0) {
		json_object_put(o);
		return reply_backend_error(r, n->name, &e);
	}
	json_object_put(res);
	if (audit_write(r, "registration.add", jsonv_str(o, "aor"),
					MHD_HTTP_CREATED, &e) < 0)
		log_err("audit write failed: %s", e.msg);
	json_object_object_add(o, "node", json_object_new_string(n->name));
	return reply_json(r, MHD_HTTP_CREATED, o);
}

int res_registrations_delete(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *aor = route_param(&r->params, "aor");
	const char *node = http_query(r, "node");
	struct json_object *p, *res;
	backend_err e;
	char *params;
	int i, found = 0;

	if (node && !conf_find_kamailio(c, node))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "no Kamailio node named '%.40s'", node);
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		p = json_object_new_array();
		json_object_array_add(p, json_object_new_string("location"));
		json_object_array_add(p, json_object_new_string(aor));
		params = params_json(p);
		/* ul.rm succeeds for unknown AoRs: look it up first */
		if (backend_rpc_call(c, &c->kamailio[i], "ul.lookup", params, &res, &e,
							 NULL) < 0) {
			free(params);
			if (e.down)
				return reply_backend_error(r, c->kamailio[i].name, &e);
			continue; /* not found on this node */
		}
		json_object_put(res);
		if (backend_rpc_call(c, &c->kamailio[i], "ul.rm", params, &res, &e,
							 NULL) < 0) {
			free(params);
			return reply_backend_error(r, c->kamailio[i].name, &e);
		}
		json_object_put(res);
		free(params);
		found++;
	}
	if (!found)
		return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "aor",
						   "no registration for '%.128s'", aor);
	if (audit_write(r, "registration.delete", aor, MHD_HTTP_NO_CONTENT, &e) < 0)
		log_err("audit write failed: %s", e.msg);
	return reply_send(r, MHD_HTTP_NO_CONTENT, "application/json", strdup(""), 0,
					  NULL);
}
