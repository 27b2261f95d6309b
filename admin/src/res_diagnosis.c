/*
 * res_diagnosis.c - GET /api/v1/calls/{call_id}/diagnosis: the
 * one-way-audio verdict of a call (diag.c) from rtpengine's NG query
 * (found as the calls view finds it, res_calls.c).
 */
#include <math.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "diag.h"
#include "handlers.h"

static struct json_object *dir_json(const diag_dir *x)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(
			j, "from",
			json_object_new_string(x->browser ? "browser" : "sip_peer"));
	json_object_object_add(j, "to", json_object_new_string("gateway"));
	json_object_object_add(j, "tag", json_object_new_string(x->tag));
	json_object_object_add(
			j, "media", json_object_new_string(x->video ? "video" : "audio"));
	json_object_object_add(j, "packets", json_object_new_int64(x->packets));
	json_object_object_add(
			j, "last_packet_age_seconds",
			x->age >= 0 ? json_object_new_double(round(x->age * 10) / 10)
						: NULL);
	json_object_object_add(j, "flowing", json_object_new_boolean(x->flowing));
	return j;
}

int res_diagnosis_get(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *call_id = route_param(&r->params, "call_id");
	struct json_object *j, *dirs;
	static __thread diag_call d;
	bencode_doc *reply;
	backend_err e;
	int node = 0, rc;
	size_t i;

	rc = res_calls_query_any(c, call_id, &reply, &node, &e);
	if (rc < 0)
		return reply_backend_error(r, c->rtpengine[node].name, &e);
	if (rc == 0)
		return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "call_id",
						   "no rtpengine knows call '%.128s'", call_id);
	d.now = admind_wallclock();
	d.quiet_s = c->diagnosis_quiet_s;
	diag_from_query(&d, reply->root);
	bencode_doc_free(reply);
	diag_decide(&d);
	j = json_object_new_object();
	json_object_object_add(j, "call_id", json_object_new_string(call_id));
	json_object_object_add(
			j, "verdict", json_object_new_string(diag_verdict_name(d.verdict)));
	json_object_object_add(j, "message", json_object_new_string(d.message));
	json_object_object_add(j, "quiet_seconds", json_object_new_int(d.quiet_s));
	dirs = json_object_new_array();
	for (i = 0; i < d.n; i++)
		json_object_array_add(dirs, dir_json(&d.dir[i]));
	json_object_object_add(j, "directions", dirs);
	return reply_json(r, MHD_HTTP_OK, j);
}
