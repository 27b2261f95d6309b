/*
 * res_audit.c - GET /api/v1/audit: the audit log (XREVRANGE of the stream
 * audit.c writes, newest first).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"

/* a stream id: digits '-' digits */
static int stream_id_ok(const char *s)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '-' || !isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return !*p && p - s < 42;
}

static struct json_object *audit_entry(const redisReply *e)
{
	struct json_object *j = json_object_new_object();
	const redisReply *f;
	size_t i;

	json_object_object_add(j, "id", json_object_new_string(e->element[0]->str));
	f = e->element[1];
	for (i = 0; i + 1 < f->elements; i += 2) {
		if (f->element[i]->type != REDIS_REPLY_STRING ||
			f->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		if (!strcmp(f->element[i]->str, "time"))
			json_object_object_add(
					j, "time",
					json_object_new_double_s(atof(f->element[i + 1]->str),
											 f->element[i + 1]->str));
		else if (!strcmp(f->element[i]->str, "status"))
			json_object_object_add(
					j, "status",
					json_object_new_int(atoi(f->element[i + 1]->str)));
		else
			json_object_object_add(
					j, f->element[i]->str,
					json_object_new_string(f->element[i + 1]->str));
	}
	return j;
}

int res_audit_list(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *before = http_query(r, "before"), *log = http_query(r, "log");
	char start[48], count[16];
	const char *argv[] = {"XREVRANGE", c->audit_stream, start,
						  "-",		   "COUNT",			count};
	struct json_object *j, *items;
	backend_err e;
	redisReply *rep;
	int page, per_page, ret = 0;
	size_t i;

	if (http_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (http_query(r, "page"))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "page",
						   "the audit log pages with 'before', not 'page'");
	if (log && strcmp(log, "writes") && strcmp(log, "credentials"))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "log",
						   "log must be writes or credentials");
	if (log && !strcmp(log, "credentials"))
		argv[1] = c->cred_audit_stream;
	if (before && !stream_id_ok(before))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "before",
						   "before must be an entry id like 1700000000000-0");
	if (before)
		snprintf(start, sizeof(start), "(%s", before);
	else
		snprintf(start, sizeof(start), "+");
	snprintf(count, sizeof(count), "%d", per_page);
	rep = backend_redis_command(c, 6, argv, NULL, &e);
	if (!rep)
		return reply_backend_error(r, "audit log (Redis)", &e);
	j = json_object_new_object();
	items = json_object_new_array();
	for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
		const redisReply *ent = rep->element[i];
		if (ent->type != REDIS_REPLY_ARRAY || ent->elements != 2 ||
			ent->element[0]->type != REDIS_REPLY_STRING ||
			ent->element[1]->type != REDIS_REPLY_ARRAY)
			continue;
		json_object_array_add(items, audit_entry(ent));
	}
	json_object_object_add(j, "items", items);
	json_object_object_add(j, "per_page", json_object_new_int(per_page));
	if (json_object_array_length(items) == (size_t)per_page)
		json_object_object_add(
				j, "next_before",
				json_object_get(json_object_object_get(
						json_object_array_get_idx(items, (size_t)per_page - 1),
						"id")));
	else
		json_object_object_add(j, "next_before", NULL);
	freeReplyObject(rep);
	return reply_json(r, MHD_HTTP_OK, j);
}
