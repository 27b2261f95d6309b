/*
 * res_nodes.c - GET /api/v1/nodes: every configured node with its state.
 */
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "depcheck.h"

static void kamailio_details(const admind_app *app, const depcheck_result *p,
							 struct json_object *j)
{
	const conf_kamailio *n = conf_find_kamailio(&app->conf, p->name);
	struct json_object *v, *up;
	backend_err e;

	if (p->info && json_object_object_get_ex(p->info, "uptime", &up))
		json_object_object_add(j, "uptime_s", json_object_get(up));
	if (n && backend_rpc_call(&app->conf, n, "core.version", NULL, &v, &e,
							  NULL) == 0) {
		json_object_object_add(j, "version", v);
	}
}

static void rtpengine_details(const admind_app *app, const depcheck_result *p,
							  struct json_object *j)
{
	const conf_rtpengine *n = conf_find_rtpengine(&app->conf, p->name);
	int64_t sessions;

	if (n && depcheck_rtpengine_sessions(app, n, &sessions) == 0)
		json_object_object_add(j, "sessions", json_object_new_int64(sessions));
}

int res_nodes(admind_req *r)
{
	struct json_object *j, *items, *it;
	depcheck_result *p;
	int i, n;

	n = depcheck_all(r->app, &p);
	if (n < 0)
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	items = json_object_new_array();
	for (i = 0; i < n; i++) {
		it = depcheck_json(&p[i]);
		if (p[i].up && !strcmp(p[i].kind, "kamailio"))
			kamailio_details(r->app, &p[i], it);
		else if (p[i].up && !strcmp(p[i].kind, "rtpengine"))
			rtpengine_details(r->app, &p[i], it);
		json_object_array_add(items, it);
	}
	depcheck_free_all(p, n);
	j = json_object_new_object();
	json_object_object_add(j, "items", items);
	return reply_json(r, MHD_HTTP_OK, j);
}
