/*
 * res_health.c - GET /healthz and GET /readyz.
 */
#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "depcheck.h"

int res_health_healthz(admind_req *r)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "status", json_object_new_string("ok"));
	json_object_object_add(j, "version",
						   json_object_new_string(ADMIND_VERSION));
	json_object_object_add(
			j, "uptime_s",
			json_object_new_int64((int64_t)(admind_now() - r->app->started)));
	return reply_json(r, MHD_HTTP_OK, j);
}

int res_health_readyz(admind_req *r)
{
	struct json_object *j, *deps;
	depcheck_result *p;
	int i, n, ready = 1;

	n = depcheck_all(r->app, &p);
	if (n < 0)
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	j = json_object_new_object();
	deps = json_object_new_array();
	for (i = 0; i < n; i++) {
		ready &= p[i].up;
		json_object_array_add(deps, depcheck_json(&p[i]));
	}
	depcheck_free_all(p, n);
	json_object_object_add(
			j, "status", json_object_new_string(ready ? "ready" : "not_ready"));
	json_object_object_add(j, "dependencies", deps);
	return reply_json(r, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, j);
}
