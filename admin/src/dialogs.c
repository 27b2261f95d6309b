/*
 * dialogs.c - Kamailio dialogs over JSON-RPC (dialog module).
 */
#include <string.h>

#include <json-c/json.h>

#include "backend.h"
#include "dialogs.h"

static const char *const state_names[] = {"unknown",   "unconfirmed",
										  "early",	   "confirmed_no_ack",
										  "confirmed", "deleted"};

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static struct json_object *copy_str(struct json_object *o, const char *k)
{
	struct json_object *v = member(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get(v)
														 : NULL;
}

/* a Unix time, null when 0 (not reached yet) */
static struct json_object *time_or_null(struct json_object *o, const char *k)
{
	int64_t t = json_object_get_int64(member(o, k));

	return t > 0 ? json_object_new_int64(t) : NULL;
}

/* the admind view of one dlg.list entry */
static struct json_object *dialog_json(const char *node, struct json_object *d)
{
	struct json_object *j = json_object_new_object();
	int st = json_object_get_int(member(d, "state"));

	json_object_object_add(j, "node", json_object_new_string(node));
	json_object_object_add(
			j, "state",
			json_object_new_string(state_names[st >= 0 && st <= 5 ? st : 0]));
	json_object_object_add(j, "state_code", json_object_new_int(st));
	json_object_object_add(j, "from_uri", copy_str(d, "from_uri"));
	json_object_object_add(j, "to_uri", copy_str(d, "to_uri"));
	json_object_object_add(j, "from_tag", copy_str(member(d, "caller"), "tag"));
	json_object_object_add(j, "to_tag", copy_str(member(d, "callee"), "tag"));
	json_object_object_add(j, "init_time", time_or_null(d, "init_ts"));
	json_object_object_add(j, "start_time", time_or_null(d, "start_ts"));
	json_object_object_add(j, "duration_s",
						   json_object_new_int64(json_object_get_int64(
								   member(d, "duration"))));
	json_object_object_add(
			j, "h_entry",
			json_object_new_int64(json_object_get_int64(member(d, "h_entry"))));
	json_object_object_add(
			j, "h_id",
			json_object_new_int64(json_object_get_int64(member(d, "h_id"))));
	return j;
}

static void source_add(dialogs_set *s, const char *node, const char *status,
					   const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(node));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (msg)
		json_object_object_add(o, "message", json_object_new_string(msg));
	json_object_array_add(s->sources, o);
}

/* add the dialogs of one dlg.list (or dlg.dlg_list) result */
static void add_result(dialogs_set *s, const char *node,
					   struct json_object *res)
{
	struct json_object *d, *id;
	size_t i, n;
	int one = json_object_is_type(res, json_type_object);

	n = one ? 1
		: json_object_is_type(res, json_type_array)
				? json_object_array_length(res)
				: 0;
	for (i = 0; i < n; i++) {
		d = one ? res : json_object_array_get_idx(res, i);
		id = member(d, "call-id");
		if (!id || !json_object_is_type(id, json_type_string) ||
			json_object_object_get_ex(s->by_callid, json_object_get_string(id),
									  NULL))
			continue;
		json_object_object_add(s->by_callid, json_object_get_string(id),
							   dialog_json(node, d));
		json_object_array_add(s->order, json_object_get(id));
	}
}

static void set_init(dialogs_set *s)
{
	s->by_callid = json_object_new_object();
	s->order = json_object_new_array();
	s->sources = json_object_new_array();
}

/* one RPC on one node into s; the source status is recorded */
static void collect_node(const conf_settings *c, const conf_kamailio *n,
						 const char *method, const char *params, dialogs_set *s)
{
	struct json_object *res;
	backend_err e;

	if (backend_rpc_call(c, n, method, params, &res, &e, NULL) < 0) {
		if (backend_rpc_no_method(&e))
			source_add(s, n->name, "no_dialog_module", NULL);
		else
			source_add(s, n->name, e.down ? "unavailable" : "error", e.msg);
		return;
	}
	source_add(s, n->name, "ok", NULL);
	add_result(s, n->name, res);
	json_object_put(res);
}

void dialogs_collect(const conf_settings *c, dialogs_set *s)
{
	int i;

	set_init(s);
	for (i = 0; i < c->n_kamailio; i++)
		collect_node(c, &c->kamailio[i], "dlg.list", NULL, s);
}

struct json_object *dialogs_find(const conf_settings *c, const char *call_id)
{
	struct json_object *p = json_object_new_array(), *d = NULL;
	dialogs_set s;
	int i;

	json_object_array_add(p, json_object_new_string(call_id));
	set_init(&s);
	for (i = 0; i < c->n_kamailio && !d; i++) {
		collect_node(c, &c->kamailio[i], "dlg.dlg_list",
					 json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
					 &s);
		d = dialogs_get(&s, call_id);
	}
	json_object_get(d);
	dialogs_free(&s);
	json_object_put(p);
	return d;
}

struct json_object *dialogs_get(const dialogs_set *s, const char *call_id)
{
	struct json_object *d = NULL;

	json_object_object_get_ex(s->by_callid, call_id, &d);
	return d;
}

void dialogs_free(dialogs_set *s)
{
	json_object_put(s->by_callid);
	json_object_put(s->order);
	json_object_put(s->sources);
	memset(s, 0, sizeof(*s));
}
