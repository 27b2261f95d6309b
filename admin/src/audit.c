/*
 * audit.c - the audit log: a Redis stream (XADD with an approximate MAXLEN)
 * and GET /api/v1/audit (XREVRANGE, newest first).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"

int reply_backend_error(admind_req *r, const char *what, const backend_err *e)
{
	if (e->down)
		return admind_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
								  "unavailable", NULL, "%s unavailable: %s",
								  what, e->msg);
	return admind_reply_error(r, MHD_HTTP_BAD_GATEWAY, "bad_gateway", NULL,
							  "%s: %s", what, e->msg);
}

struct json_object *source_json(const char *node, const backend_err *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(node));
	json_object_object_add(o, "status",
						   json_object_new_string(!e		? "ok"
												  : e->down ? "unavailable"
															: "error"));
	if (e)
		json_object_object_add(o, "message", json_object_new_string(e->msg));
	return o;
}

static int audit_xadd(admind_req *r, const char *stream, long max,
					  const char *action, const char *target, unsigned status,
					  backend_err *e)
{
	const admind_conf *c = &r->app->conf;
	char maxlen[24], when[32], st[8];
	const char *argv[] = {"XADD",	stream,
						  "MAXLEN", "~",
						  maxlen,	"*",
						  "time",	when,
						  "key_id", r->key ? r->key->id : "-",
						  "role",	r->key ? conf_role_name(r->key->role) : "-",
						  "action", action,
						  "target", target,
						  "client", r->client,
						  "status", st};
	redisReply *rep;

	snprintf(maxlen, sizeof(maxlen), "%ld", max);
	snprintf(when, sizeof(when), "%.3f", admind_wallclock());
	snprintf(st, sizeof(st), "%u", status);
	rep = rdb_command(c, (int)(sizeof(argv) / sizeof(argv[0])), argv, NULL, e);
	if (!rep)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int audit_write(admind_req *r, const char *action, const char *target,
				unsigned status, backend_err *e)
{
	const admind_conf *c = &r->app->conf;

	return audit_xadd(r, c->audit_stream, c->audit_maxlen, action, target,
					  status, e);
}

int audit_write_credential(admind_req *r, const char *action,
						   const char *target, unsigned status, backend_err *e)
{
	const admind_conf *c = &r->app->conf;

	return audit_xadd(r, c->cred_audit_stream, c->cred_audit_maxlen, action,
					  target, status, e);
}

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
	const admind_conf *c = &r->app->conf;
	const char *before = admind_query(r, "before"),
			   *log = admind_query(r, "log");
	char start[48], count[16];
	const char *argv[] = {"XREVRANGE", c->audit_stream, start,
						  "-",		   "COUNT",			count};
	struct json_object *j, *items;
	backend_err e;
	redisReply *rep;
	int page, per_page, ret = 0;
	size_t i;

	if (admind_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (admind_query(r, "page"))
		return admind_reply_error(
				r, MHD_HTTP_BAD_REQUEST, "bad_request", "page",
				"the audit log pages with 'before', not 'page'");
	if (log && strcmp(log, "writes") && strcmp(log, "credentials"))
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "log",
								  "log must be writes or credentials");
	if (log && !strcmp(log, "credentials"))
		argv[1] = c->cred_audit_stream;
	if (before && !stream_id_ok(before))
		return admind_reply_error(
				r, MHD_HTTP_BAD_REQUEST, "bad_request", "before",
				"before must be an entry id like 1700000000000-0");
	if (before)
		snprintf(start, sizeof(start), "(%s", before);
	else
		snprintf(start, sizeof(start), "+");
	snprintf(count, sizeof(count), "%d", per_page);
	rep = rdb_command(c, 6, argv, NULL, &e);
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
	return admind_reply_json(r, MHD_HTTP_OK, j);
}
