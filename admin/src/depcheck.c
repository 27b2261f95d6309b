/*
 * depcheck.c - dependency reachability checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "backend.h"
#include "depcheck.h"

static void depcheck_init(depcheck_result *p, const char *kind,
						  const char *name)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->name = name;
}

void depcheck_redis(const admind_app *app, depcheck_result *p)
{
	const char *argv[] = {"PING"};
	backend_err e;
	redisReply *rep;
	double t0 = admind_now();

	depcheck_init(p, "redis", "redis");
	backend_redis_target(&app->conf, p->target, sizeof(p->target));
	rep = backend_redis_command(&app->conf, 1, argv, NULL, &e);
	p->secs = admind_now() - t0;
	if (!rep) {
		snprintf(p->error, sizeof(p->error), "%s", e.msg);
		return;
	}
	p->up = rep->type == REDIS_REPLY_STATUS && !strcmp(rep->str, "PONG");
	if (!p->up)
		snprintf(p->error, sizeof(p->error), "unexpected PING answer");
	freeReplyObject(rep);
}

void depcheck_kamailio(const admind_app *app, const conf_kamailio *n,
					   depcheck_result *p)
{
	backend_err e;

	depcheck_init(p, "kamailio", n->name);
	snprintf(p->target, sizeof(p->target), "%s", n->url);
	if (backend_rpc_call(&app->conf, n, "core.uptime", NULL, &p->info, &e,
						 &p->secs) < 0) {
		snprintf(p->error, sizeof(p->error), "%s", e.msg);
		return;
	}
	p->up = 1;
}

void depcheck_rtpengine(const admind_app *app, const conf_rtpengine *n,
						depcheck_result *p)
{
	bencode_doc *reply = NULL;
	backend_err e;
	ng_client *ng;
	double t0 = admind_now();

	depcheck_init(p, "rtpengine", n->name);
	snprintf(p->target, sizeof(p->target), "%s:%u", n->host, n->port);
	ng = backend_ng_open(&app->conf, n, &e);
	if (!ng) {
		snprintf(p->error, sizeof(p->error), "%s", e.msg);
		return;
	}
	if (ng_ping(ng, &reply) != NG_OK) {
		backend_ng_error(ng, &e);
		snprintf(p->error, sizeof(p->error), "%s", e.msg);
	} else {
		p->up = 1;
	}
	p->secs = admind_now() - t0;
	bencode_doc_free(reply);
	ng_client_free(ng);
}

void depcheck_done(depcheck_result *p)
{
	json_object_put(p->info);
	p->info = NULL;
}

int depcheck_rtpengine_sessions(const admind_app *app,
								const conf_rtpengine *node, int64_t *n)
{
	const bencode_node *st;
	bencode_doc *reply = NULL;
	backend_err e;
	ng_client *ng;
	int rc = -1;

	if (!(ng = backend_ng_open(&app->conf, node, &e)))
		return -1;
	if (ng_statistics(ng, &reply) == NG_OK) {
		st = bencode_dict_get(reply->root, "statistics");
		st = bencode_dict_get(st, "currentstatistics");
		st = bencode_dict_get(st, "sessionstotal");
		if (st && st->type == BENCODE_INT) {
			*n = st->num;
			rc = 0;
		}
	}
	bencode_doc_free(reply);
	ng_client_free(ng);
	return rc;
}

int depcheck_all(const admind_app *app, depcheck_result **out)
{
	const conf_settings *c = &app->conf;
	int i, n = 0;
	depcheck_result *p;

	p = calloc((size_t)(1 + c->n_kamailio + c->n_rtpengine), sizeof(*p));
	*out = p;
	if (!p)
		return -1;
	depcheck_redis(app, &p[n++]);
	for (i = 0; i < c->n_kamailio; i++)
		depcheck_kamailio(app, &c->kamailio[i], &p[n++]);
	for (i = 0; i < c->n_rtpengine; i++)
		depcheck_rtpengine(app, &c->rtpengine[i], &p[n++]);
	return n;
}

void depcheck_free_all(depcheck_result *p, int n)
{
	int i;

	for (i = 0; p && i < n; i++)
		depcheck_done(&p[i]);
	free(p);
}

struct json_object *depcheck_json(const depcheck_result *p)
{
	struct json_object *j = json_object_new_object();
	char ms[32];

	json_object_object_add(j, "kind", json_object_new_string(p->kind));
	json_object_object_add(j, "name", json_object_new_string(p->name));
	json_object_object_add(j, "target", json_object_new_string(p->target));
	json_object_object_add(j, "status",
						   json_object_new_string(p->up ? "up" : "down"));
	snprintf(ms, sizeof(ms), "%.3f", p->secs * 1e3);
	json_object_object_add(j, "latency_ms",
						   json_object_new_double_s(atof(ms), ms));
	if (!p->up)
		json_object_object_add(j, "error", json_object_new_string(p->error));
	return j;
}
