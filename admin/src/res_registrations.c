/*
 * res_registrations.c - /api/v1/registrations: usrloc contents of every
 * Kamailio node over JSON-RPC (ul.dump), each contact once with the node
 * that holds it (regview.h), and static contacts added or removed by an
 * admin (ul.add / ul.rm), audit-logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "jsonv.h"
#include "regview.h"
#include "schemas.h"

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
int regs_ident(const admind_app *app, int i, regview_ident *id, backend_err *e)
{
	const admind_conf *c = &app->conf;
	const conf_kamailio *n = &c->kamailio[i];
	struct json_object *res;

	memset(id, 0, sizeof(*id));
	if (kamrpc_call(c, n, "edge.info", NULL, &res, e, NULL) == 0) {
		regview_ident_edge(res, id);
		json_object_put(res);
	} else if (kamrpc_no_method(e)) {
		id->known = 1; /* no iwg_edge: a node on its own */
	} else {
		goto failed;
	}
	if (id->shared) {
		if (kamrpc_call(c, n, "core.sockets_list", NULL, &res, e, NULL) < 0)
			goto failed;
		if (regview_ident_sockets(res, id) == 0)
			fprintf(stderr,
					"iwg-admind: %s shares registrations but core.sockets_list "
					"names no listener: none of its contacts is counted as "
					"its own\n",
					n->name);
		json_object_put(res);
	}
	regview_cache_put(app->regcache, i, id);
	return 0;
failed:
	regview_cache_get(app->regcache, i, id);
	return -1;
}

/* node i's ul.dump into v (handlers.h) */
int regs_add_dump(const admind_app *app, int i, regview *v, const char *user,
				  backend_err *e)
{
	struct json_object *dump;
	int rc;

	if (kamrpc_call(&app->conf, &app->conf.kamailio[i], "ul.dump", NULL, &dump,
					e, NULL) < 0)
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

/* node i's identity, then its ul.dump into v; 0, or -1 with e set */
static int dump_node(const admind_app *app, int i, regview *v, const char *user,
					 backend_err *e)
{
	regview_ident id;
	int rc;

	rc = regs_ident(app, i, &id, e);
	regview_set_ident(v, i, &id);
	return rc < 0 ? -1 : regs_add_dump(app, i, v, user, e);
}

/* a view of every Kamailio node with its last identity (handlers.h) */
regview *regs_view_new(const admind_app *app)
{
	const char *names[CONF_MAX_NODES];
	const admind_conf *c = &app->conf;
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

/*
 * Every node (or the one node= names) is asked; a node that fails while
 * all are asked is left out and said so in "sources", the others being
 * listed all the same. Only when every node asked failed is the answer an
 * error (503 when the last was unreachable, else 502). Contacts are
 * de-duplicated over the nodes that share registrations, each item naming
 * the node that holds the connection (regview.h); with node= only the
 * contacts that node holds.
 */
int res_registrations_list(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const char *user = admind_query(r, "user"), *node = admind_query(r, "node");
	struct json_object *all, *page_items, *sources, *j;
	int page, per_page, ret = 0, i, asked = 0, failed = 0, only = -1;
	size_t total, from, k;
	backend_err e;
	regview *v;

	if (admind_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (node && !conf_find_kamailio(c, node))
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "node", "no Kamailio node named '%.40s'",
								  node);
	if (!(v = regs_view_new(r->app)))
		return admind_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
								  NULL, "out of memory");
	sources = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		asked++;
		only = node ? i : -1;
		if (dump_node(r->app, i, v, user, &e) < 0) {
			failed++;
			json_object_array_add(sources,
								  source_json(c->kamailio[i].name, &e));
			continue;
		}
		json_object_array_add(sources, source_json(c->kamailio[i].name, NULL));
	}
	if (asked && failed == asked) {
		regview_free(v);
		json_object_put(sources);
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
		json_object_put(sources);
		return admind_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
								  NULL, "out of memory");
	}
	total = json_object_array_length(all);
	from = (size_t)(page - 1) * (size_t)per_page;
	page_items = json_object_new_array();
	for (k = from; k < total && k < from + (size_t)per_page; k++)
		json_object_array_add(
				page_items, json_object_get(json_object_array_get_idx(all, k)));
	json_object_put(all);
	j = admind_page_json(page_items, page, per_page, total);
	json_object_object_add(j, "sources", sources);
	return admind_reply_json(r, MHD_HTTP_OK, j);
}

int res_registrations_add(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const conf_kamailio *n = &c->kamailio[0];
	struct json_object *o, *p, *res;
	const char *contact, *node;
	jsonv_error ve;
	backend_err e;
	char *params;
	int rc;

	if (jsonv_parse(r->body, r->body_len, schema_registration,
					schema_registration_n, &o, &ve) < 0)
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  ve.field, "%s%s%s", ve.field,
								  ve.field[0] ? ": " : "", ve.msg);
	contact = jsonv_str(o, "contact");
	if (strncmp(contact, "sip:", 4) && strncmp(contact, "sips:", 5)) {
		json_object_put(o);
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "contact",
								  "contact: must be a sip: or sips: URI");
	}
	node = jsonv_str(o, "node");
	if (node && !(n = conf_find_kamailio(c, node))) {
		json_object_put(o);
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "node", "node: no Kamailio node named '%s'",
								  node);
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
	rc = kamrpc_call(c, n, "ul.add", params, &res, &e, NULL);
	free(params);
	if (rc < 0) {
		json_object_put(o);
		return reply_backend_error(r, n->name, &e);
	}
	json_object_put(res);
	if (audit_write(r, "registration.add", jsonv_str(o, "aor"),
					MHD_HTTP_CREATED, &e) < 0)
		fprintf(stderr, "iwg-admind: audit write failed: %s\n", e.msg);
	json_object_object_add(o, "node", json_object_new_string(n->name));
	return admind_reply_json(r, MHD_HTTP_CREATED, o);
}

int res_registrations_delete(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const char *aor = route_param(&r->params, "aor");
	const char *node = admind_query(r, "node");
	struct json_object *p, *res;
	backend_err e;
	char *params;
	int i, found = 0;

	if (node && !conf_find_kamailio(c, node))
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "node", "no Kamailio node named '%.40s'",
								  node);
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		p = json_object_new_array();
		json_object_array_add(p, json_object_new_string("location"));
		json_object_array_add(p, json_object_new_string(aor));
		params = params_json(p);
		/* ul.rm succeeds for unknown AoRs: look it up first */
		if (kamrpc_call(c, &c->kamailio[i], "ul.lookup", params, &res, &e,
						NULL) < 0) {
			free(params);
			if (e.down)
				return reply_backend_error(r, c->kamailio[i].name, &e);
			continue; /* not found on this node */
		}
		json_object_put(res);
		if (kamrpc_call(c, &c->kamailio[i], "ul.rm", params, &res, &e, NULL) <
			0) {
			free(params);
			return reply_backend_error(r, c->kamailio[i].name, &e);
		}
		json_object_put(res);
		free(params);
		found++;
	}
	if (!found)
		return admind_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "aor",
								  "no registration for '%.128s'", aor);
	if (audit_write(r, "registration.delete", aor, MHD_HTTP_NO_CONTENT, &e) < 0)
		fprintf(stderr, "iwg-admind: audit write failed: %s\n", e.msg);
	return admind_reply(r, MHD_HTTP_NO_CONTENT, "application/json", strdup(""),
						0, NULL);
}
