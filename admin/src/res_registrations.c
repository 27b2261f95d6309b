/*
 * res_registrations.c - /api/v1/registrations: usrloc contents of every
 * Kamailio node over JSON-RPC (ul.dump), and static contacts added or
 * removed by an admin (ul.add / ul.rm), audit-logged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "jsonv.h"
#include "schemas.h"

/* JSON-RPC params are built with json-c so every value is escaped */
static char *params_json(struct json_object *arr)
{
	const char *s = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN);
	char *out = strdup(s ? s : "[]");

	json_object_put(arr);
	return out;
}

/* copy a Contact object with snake_case keys ("Call-ID" -> "call_id") */
static struct json_object *contact_json(struct json_object *c)
{
	struct json_object *o = json_object_new_object();
	char k[64];
	size_t i;

	json_object_object_foreach(c, key, val)
	{
		for (i = 0; key[i] && i < sizeof(k) - 1; i++)
			k[i] = key[i] == '-' ? '_' : (char)tolower((unsigned char)key[i]);
		k[i] = '\0';
		json_object_object_add(o, k, json_object_get(val));
	}
	return o;
}

/* user filter: the AoR itself or its user part */
static int aor_matches(const char *aor, const char *user)
{
	size_t n = strlen(user);

	if (!user[0])
		return 1;
	return !strcmp(aor, user) || (!strncmp(aor, user, n) && aor[n] == '@');
}

/* append the AoRs of one ul.dump result matching user to items */
static void collect(struct json_object *dump, const char *node,
					const char *user, struct json_object *items)
{
	struct json_object *doms, *dom, *d, *aors, *info, *aor, *cts, *ct, *it, *cs;
	size_t i, k, m;

	if (!json_object_object_get_ex(dump, "Domains", &doms))
		return;
	for (i = 0; i < json_object_array_length(doms); i++) {
		dom = json_object_array_get_idx(doms, i);
		if (!json_object_object_get_ex(dom, "Domain", &d) ||
			!json_object_object_get_ex(d, "AoRs", &aors) ||
			!json_object_is_type(aors, json_type_array))
			continue;
		for (k = 0; k < json_object_array_length(aors); k++) {
			if (!json_object_object_get_ex(json_object_array_get_idx(aors, k),
										   "Info", &info) ||
				!json_object_object_get_ex(info, "AoR", &aor) ||
				!aor_matches(json_object_get_string(aor), user))
				continue;
			it = json_object_new_object();
			json_object_object_add(it, "node", json_object_new_string(node));
			json_object_object_add(it, "aor", json_object_get(aor));
			cs = json_object_new_array();
			if (json_object_object_get_ex(info, "Contacts", &cts))
				for (m = 0; m < json_object_array_length(cts); m++)
					if (json_object_object_get_ex(
								json_object_array_get_idx(cts, m), "Contact",
								&ct))
						json_object_array_add(cs, contact_json(ct));
			json_object_object_add(it, "contacts", cs);
			json_object_array_add(items, it);
		}
	}
}

/*
 * Every node (or the one node= names) is asked; a node that fails while
 * all are asked is left out and said so in "sources", the others being
 * listed all the same. Only when every node asked failed is the answer an
 * error (503 when the last was unreachable, else 502).
 */
int res_registrations_list(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const char *user = admind_query(r, "user"), *node = admind_query(r, "node");
	struct json_object *all, *page_items, *dump, *sources, *j;
	int page, per_page, ret = 0, i, asked = 0, failed = 0;
	size_t total, from, k;
	backend_err e;

	if (admind_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (node && !conf_find_kamailio(c, node))
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "node", "no Kamailio node named '%.40s'",
								  node);
	all = json_object_new_array();
	sources = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		asked++;
		if (kamrpc_call(c, &c->kamailio[i], "ul.dump", NULL, &dump, &e, NULL) <
			0) {
			failed++;
			json_object_array_add(sources,
								  source_json(c->kamailio[i].name, &e));
			continue;
		}
		json_object_array_add(sources, source_json(c->kamailio[i].name, NULL));
		collect(dump, c->kamailio[i].name, user ? user : "", all);
		json_object_put(dump);
	}
	if (asked && failed == asked) {
		json_object_put(all);
		json_object_put(sources);
		/* e is the last node's error; with node= the only one */
		return reply_backend_error(r,
								   asked == 1
										   ? (node ? node : c->kamailio[0].name)
										   : "every Kamailio node",
								   &e);
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
