/*
 * res_peers.c - /api/v1/peers, /api/v1/routing and /api/v1/routing/test:
 * the contact center's entry points and trunks as each Kamailio node sees
 * them, and its routing rules, over JSON-RPC (dispatcher.list, htable.dump
 * peerfail, uac.reg_dump, ccroute.list, ccroute.test); the same view feeds
 * the iwg_peer_*, iwg_trunk_* and iwg_ccroute_* families of /metrics.
 *
 * A module that is not loaded shows as nothing (no peers, no trunks,
 * routing null; see peers_fault_absent). /api/v1/peers lists every node
 * with its status so one unreachable node does not hide the others;
 * /api/v1/routing and the routing test answer like /api/v1/hdrmed (nodes
 * without iwg_ccroute in "skipped", 404 module_not_loaded when none has
 * it, 502/503 when a node fails).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "peers.h"

/*
 * Call rpc (method of peers_rpc_method, or method when not NULL) on node n.
 * Returns 1 with *res, 0 when the fault means "nothing here" (*res NULL),
 * -1 with e set.
 */
static int peers_call(const conf_settings *c, const conf_kamailio *n,
					  peers_rpc rpc, const char *method, const char *params,
					  struct json_object **res, backend_err *e)
{
	if (backend_rpc_call(c, n, method ? method : peers_rpc_method(rpc), params,
						 res, e, NULL) == 0)
		return 1;
	*res = NULL;
	if (!e->down && peers_fault_absent(rpc, e->rpc_code, e->rpc_msg))
		return 0;
	return -1;
}

int res_peers_node_view(const conf_settings *c, const conf_kamailio *n,
						struct json_object **view, backend_err *e)
{
	struct json_object *v, *res, *fails = NULL, *peers = NULL;
	int rc;

	*view = NULL;
	rc = peers_call(c, n, PEERS_DISPATCHER, NULL, NULL, &res, e);
	if (rc < 0)
		return -1;
	peers = rc ? peers_from_dispatcher(res) : json_object_new_array();
	json_object_put(res);
	rc = peers_call(c, n, PEERS_HTABLE, NULL, "[\"peerfail\"]", &res, e);
	if (rc < 0)
		goto err;
	if (rc)
		fails = peers_failures(res);
	json_object_put(res);
	peers_add_failures(peers, fails);
	json_object_put(fails);
	v = json_object_new_object();
	json_object_object_add(v, "peers", peers);
	peers = NULL;
	rc = peers_call(c, n, PEERS_UAC, NULL, NULL, &res, e);
	if (rc < 0) {
		json_object_put(v);
		return -1;
	}
	json_object_object_add(v, "trunks",
						   rc ? peers_trunks(res) : json_object_new_array());
	json_object_put(res);
	rc = peers_call(c, n, PEERS_CCROUTE, NULL, NULL, &res, e);
	if (rc < 0) {
		json_object_put(v);
		return -1;
	}
	json_object_object_add(v, "routing", rc ? peers_routing(res) : NULL);
	json_object_put(res);
	*view = v;
	return 0;
err:
	json_object_put(peers);
	return -1;
}

/* ?node= : NULL for every node; -1 after answering 400 */
static int node_query(admind_req *r, const char **node, int *ret)
{
	*node = http_query(r, "node");
	if (*node && !conf_find_kamailio(&r->app->conf, *node)) {
		*ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "no Kamailio node named '%.40s'", *node);
		return -1;
	}
	return 0;
}

int res_peers(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *items, *it, *view, *j;
	const char *node;
	backend_err e;
	int i, ret = 0;

	if (node_query(r, &node, &ret) < 0)
		return ret;
	items = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		it = json_object_new_object();
		json_object_object_add(it, "node",
							   json_object_new_string(c->kamailio[i].name));
		if (res_peers_node_view(c, &c->kamailio[i], &view, &e) < 0) {
			json_object_object_add(
					it, "status",
					json_object_new_string(e.down ? "unavailable" : "error"));
			json_object_object_add(it, "message",
								   json_object_new_string(e.msg));
			json_object_object_add(it, "peers", json_object_new_array());
			json_object_object_add(it, "trunks", json_object_new_array());
			json_object_object_add(it, "routing", NULL);
		} else {
			json_object_object_add(it, "status", json_object_new_string("ok"));
			json_object_object_foreach(view, k, v)
					json_object_object_add(it, k, json_object_get(v));
			json_object_put(view);
		}
		json_object_array_add(items, it);
	}
	j = json_object_new_object();
	json_object_object_add(j, "items", items);
	return reply_json(r, MHD_HTTP_OK, j);
}

static int no_ccroute(admind_req *r, const char *node)
{
	return reply_error(r, MHD_HTTP_NOT_FOUND, "module_not_loaded", NULL,
					   "%s no iwg_ccroute module (JSON-RPC: Method Not Found)",
					   node ? "this Kamailio node has"
							: "no Kamailio node has the");
}

int res_peers_routing(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *items, *skipped, *res, *routing, *it, *j;
	const char *node;
	backend_err e;
	int i, rc, ret = 0, asked = 0;

	if (node_query(r, &node, &ret) < 0)
		return ret;
	items = json_object_new_array();
	skipped = json_object_new_array();
	for (i = 0; i < c->n_kamailio; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		asked++;
		rc = peers_call(c, &c->kamailio[i], PEERS_CCROUTE, NULL, NULL, &res,
						&e);
		if (rc < 0) {
			json_object_put(items);
			json_object_put(skipped);
			return reply_backend_error(r, c->kamailio[i].name, &e);
		}
		routing = rc ? peers_routing(res) : NULL;
		json_object_put(res);
		if (!routing) {
			json_object_array_add(skipped,
								  json_object_new_string(c->kamailio[i].name));
			continue;
		}
		it = json_object_new_object();
		json_object_object_add(it, "node",
							   json_object_new_string(c->kamailio[i].name));
		json_object_object_foreach(routing, k, v)
				json_object_object_add(it, k, json_object_get(v));
		json_object_put(routing);
		json_object_array_add(items, it);
	}
	if (asked && (int)json_object_array_length(skipped) == asked) {
		json_object_put(items);
		json_object_put(skipped);
		return no_ccroute(r, node);
	}
	j = json_object_new_object();
	json_object_object_add(j, "items", items);
	json_object_object_add(j, "skipped", skipped);
	return reply_json(r, MHD_HTTP_OK, j);
}

/* the first node (or the one named) whose iwg_ccroute answers the test */
int res_peers_routing_test(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	struct json_object *body, *res, *params, *j;
	char *ctx = NULL;
	const char *node;
	jsonv_error ve;
	backend_err e;
	int i, rc, ret;

	if (jsonv_parse(r->body ? r->body : "", r->body_len,
					peers_schema_routing_test, peers_schema_routing_test_n,
					&body, &ve) < 0)
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						   "%s%s%s", ve.field, ve.field[0] ? ": " : "", ve.msg);
	node = jsonv_str(body, "node");
	ctx = malloc(PEERS_CTX_BUF);
	if (!ctx) {
		json_object_put(body);
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	}
	if (node && !conf_find_kamailio(c, node)) {
		ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						  "node: no Kamailio node named '%s'", node);
		goto out;
	}
	json_object_object_get_ex(body, "context", &j);
	if (peers_context_param(j, ctx, PEERS_CTX_BUF, &ve) < 0) {
		ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", ve.field,
						  "%s: %s", ve.field, ve.msg);
		goto out;
	}
	/* ["k=v;k=v"]: the text escaped may be longer than the buffer */
	params = json_object_new_array();
	json_object_array_add(params, json_object_new_string(ctx));
	free(ctx);
	ctx = strdup(
			json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN));
	json_object_put(params);
	if (!ctx) {
		ret = reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						  "out of memory");
		goto out;
	}
	ret = -1;
	for (i = 0; i < c->n_kamailio && ret < 0; i++) {
		if (node && strcmp(node, c->kamailio[i].name))
			continue;
		rc = peers_call(c, &c->kamailio[i], PEERS_CCROUTE, "ccroute.test", ctx,
						&res, &e);
		if (rc == 0)
			continue;
		if (rc < 0 && !e.down && e.rpc_code == 400)
			ret = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "context",
							  "%s: %s", c->kamailio[i].name, e.rpc_msg);
		else if (rc < 0)
			ret = reply_backend_error(r, c->kamailio[i].name, &e);
		else if (!(j = peers_route_test(res)))
			ret = reply_error(r, MHD_HTTP_BAD_GATEWAY, "bad_gateway", NULL,
							  "%s: ccroute.test answered no object",
							  c->kamailio[i].name);
		else {
			json_object_object_add(j, "node",
								   json_object_new_string(c->kamailio[i].name));
			ret = reply_json(r, MHD_HTTP_OK, j);
		}
		json_object_put(res);
	}
	if (ret < 0)
		ret = no_ccroute(r, node);
out:
	free(ctx);
	json_object_put(body);
	return ret;
}
