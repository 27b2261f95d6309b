/*
 * res_metrics.c - GET /metrics: Prometheus text of every dependency and of
 * admind itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "backend.h"
#include "handlers.h"
#include "probe.h"

/* labels text node="name" (escaped) */
static void node_label(char *out, size_t sz, const char *name)
{
	sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "node=\"");
	prom_label_value(&b, name);
	sbuf_puts(&b, "\"");
	snprintf(out, sz, "%s", b.s ? b.s : "");
	sbuf_free(&b);
}

/* "group:name = value" lines of stats.get_statistics */
static void kamailio_stats(const admind_app *app, const conf_kamailio *n,
						   prom_set *set, const char *labels)
{
	struct json_object *res, *it;
	backend_err e;
	char stat[160], *eq;
	const char *line;
	size_t i, len;
	double v;

	if (kamrpc_call(&app->conf, n, "stats.get_statistics", "[\"all\"]", &res,
					&e, NULL) < 0)
		return;
	len = json_object_is_type(res, json_type_array)
				  ? json_object_array_length(res)
				  : 0;
	for (i = 0; i < len; i++) {
		it = json_object_array_get_idx(res, i);
		line = json_object_get_string(it);
		if (!line || strlen(line) >= sizeof(stat))
			continue;
		strcpy(stat, line);
		eq = strstr(stat, " = ");
		if (!eq)
			continue;
		*eq = '\0';
		if (sscanf(eq + 3, "%lf", &v) != 1)
			continue;
		promset_add(set, "iwg_kamailio_", stat, "untyped", labels, v);
	}
	json_object_put(res);
}

/* numeric members of one section of the NG statistics answer */
static void rtpengine_section(const bencode_node *stats, const char *section,
							  const char *prefix, prom_set *set,
							  const char *labels)
{
	const bencode_node *d = bencode_dict_get(stats, section), *m;
	char *end;
	double v;

	if (!d || d->type != BENCODE_DICT)
		return;
	for (m = d->child; m; m = m->next) {
		if (m->type == BENCODE_INT) {
			v = (double)m->num;
		} else if (m->type == BENCODE_STR && m->len) {
			v = strtod(m->str, &end);
			if (*end)
				continue;
		} else {
			continue;
		}
		promset_add(set, prefix, m->key, "untyped", labels, v);
	}
}

static void rtpengine_stats(const admind_app *app, const conf_rtpengine *n,
							prom_set *set, const char *labels)
{
	bencode_doc *reply = NULL;
	const bencode_node *st;
	backend_err e;
	ng_client *ng = ngc_open(&app->conf, n, &e);

	if (!ng)
		return;
	if (ng_statistics(ng, &reply) == NG_OK) {
		st = bencode_dict_get(reply->root, "statistics");
		rtpengine_section(st, "currentstatistics", "iwg_rtpengine_", set,
						  labels);
		rtpengine_section(st, "totalstatistics", "iwg_rtpengine_total_", set,
						  labels);
	}
	bencode_doc_free(reply);
	ng_client_free(ng);
}

int res_metrics(admind_req *r)
{
	const admind_app *app = r->app;
	char labels[128], all[256];
	probe_result *p;
	prom_set *set;
	size_t len;
	sbuf out;
	int i, n;

	n = probe_all(app, &p);
	set = promset_new();
	if (n < 0 || !set) {
		probe_free_all(p, n);
		free(set);
		return admind_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
								  NULL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		node_label(labels, sizeof(labels), p[i].name);
		snprintf(all, sizeof(all), "kind=\"%s\",%s", p[i].kind, labels);
		promset_add(set, "iwg_", "up", "gauge", all, p[i].up);
		promset_add(set, "iwg_", "probe_latency_seconds", "gauge", all,
					p[i].secs);
		if (!strcmp(p[i].kind, "redis")) {
			promset_add(set, "iwg_", "redis_up", "gauge", "", p[i].up);
			promset_add(set, "iwg_", "redis_latency_seconds", "gauge", "",
						p[i].secs);
		} else if (p[i].up && !strcmp(p[i].kind, "kamailio")) {
			kamailio_stats(app, conf_find_kamailio(&app->conf, p[i].name), set,
						   labels);
		} else if (p[i].up && !strcmp(p[i].kind, "rtpengine")) {
			rtpengine_stats(app, conf_find_rtpengine(&app->conf, p[i].name),
							set, labels);
		}
	}
	probe_free_all(p, n);
	sbuf_init(&out);
	promset_render_free(set, &out);
	metrics_render(app->metrics, app->routes, &out);
	{
		char *body = sbuf_steal(&out, &len);
		if (!body)
			return admind_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
									  "internal", NULL, "out of memory");
		return admind_reply(r, MHD_HTTP_OK,
							"text/plain; version=0.0.4; charset=utf-8", body,
							len, NULL);
	}
}
