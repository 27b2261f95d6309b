/*
 * res_metrics.c - GET /metrics: Prometheus text of every dependency and of
 * admind itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "backend.h"
#include "cluster.h"
#include "handlers.h"
#include "peers.h"
#include "depcheck.h"

/* labels text node="name" (escaped) */
static void node_label(char *out, size_t sz, const char *name)
{
	sbuf b;

	sbuf_init(&b);
	sbuf_puts(&b, "node=\"");
	metrics_label_value(&b, name);
	sbuf_puts(&b, "\"");
	snprintf(out, sz, "%s", b.s ? b.s : "");
	sbuf_free(&b);
}

/* "group:name = value" lines of stats.get_statistics */
static void kamailio_stats(const admind_app *app, const conf_kamailio *n,
						   metrics_set *set, const char *labels)
{
	struct json_object *res, *it;
	backend_err e;
	metrics_map m;
	char stat[160], *eq, *end;
	const char *line;
	size_t i, len;
	double v;

	if (backend_rpc_call(&app->conf, n, "stats.get_statistics", "[\"all\"]",
						 &res, &e, NULL) < 0)
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
		v = strtod(eq + 3, &end);
		if (end == eq + 3)
			continue;
		if (metrics_map_kamailio(stat, &m) == 0)
			metrics_set_add_map(set, &m, labels, v);
	}
	json_object_put(res);
}

/* dispatcher targets, trunks and routing rules of the node (res_peers.c) */
static void kamailio_peers(const admind_app *app, const conf_kamailio *n,
						   metrics_set *set, const char *labels)
{
	struct json_object *view;
	backend_err e;

	if (res_peers_node_view(&app->conf, n, &view, &e) < 0)
		return;
	peers_metrics(set, labels, view);
	json_object_put(view);
}

/* a number, or a string holding one (rtpengine prints some as "2.5") */
static int ng_number(const bencode_node *m, double *v)
{
	char *end;

	if (m->type == BENCODE_INT) {
		*v = (double)m->num;
		return 0;
	}
	if (m->type != BENCODE_STR || !m->len)
		return -1;
	*v = strtod(m->str, &end);
	return *end ? -1 : 0;
}

/* numeric members of dictionary d, mapped as members of section */
static void rtpengine_members(const bencode_node *d, const char *section,
							  metrics_set *set, const char *labels)
{
	const bencode_node *m;
	metrics_map map;
	double v;

	if (!d || d->type != BENCODE_DICT)
		return;
	for (m = d->child; m; m = m->next)
		if (m->key && !ng_number(m, &v) &&
			metrics_map_rtpengine(section, m->key, &map) == 0)
			metrics_set_add_map(set, &map, labels, v);
}

/* labels + name="<the string member key of e>" for each (name, key) pair */
static void element_labels(sbuf *b, const char *labels, const bencode_node *e,
						   const char *const *keys)
{
	const char *s;

	sbuf_puts(b, labels);
	for (; keys[0]; keys += 2) {
		s = bencode_dict_get_str(e, keys[1], NULL);
		sbuf_printf(b, ",%s=\"", keys[0]);
		metrics_label_value(b, s ? s : "");
		sbuf_puts(b, "\"");
	}
}

/* each element of list section (dictionaries), labelled by keys */
static void rtpengine_list(const bencode_node *st, const char *section,
						   const char *sub, const char *const *keys,
						   metrics_set *set, const char *labels)
{
	const bencode_node *l = bencode_dict_get(st, section), *e;
	sbuf b;

	if (!l || l->type != BENCODE_LIST)
		return;
	for (e = l->child; e; e = e->next) {
		if (e->type != BENCODE_DICT)
			continue;
		sbuf_init(&b);
		element_labels(&b, labels, e, keys);
		if (sbuf_ok(&b))
			rtpengine_members(sub ? bencode_dict_get(e, sub) : e, section, set,
							  b.s);
		sbuf_free(&b);
	}
}

static void rtpengine_stats(const admind_app *app, const conf_rtpengine *n,
							metrics_set *set, const char *labels)
{
	static const char *const if_keys[] = {"interface", "name", "address",
										  "address", NULL};
	static const char *const tc_keys[] = {"chain", "chain", NULL};
	static const char *const sections[] = {
			"currentstatistics", "totalstatistics", "mos", "controlstatistics"};
	bencode_doc *reply = NULL;
	const bencode_node *st;
	backend_err e;
	size_t i;
	ng_client *ng = backend_ng_open(&app->conf, n, &e);

	if (!ng)
		return;
	if (ng_statistics(ng, &reply) == NG_OK) {
		st = bencode_dict_get(reply->root, "statistics");
		for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
			rtpengine_members(bencode_dict_get(st, sections[i]), sections[i],
							  set, labels);
		rtpengine_list(st, "interfaces", "ports", if_keys, set, labels);
		rtpengine_list(st, "transcoders", NULL, tc_keys, set, labels);
	}
	bencode_doc_free(reply);
	ng_client_free(ng);
}

static const char up_help[] =
		"1 when the dependency answered its probe (Redis PING, Kamailio "
		"core.uptime, rtpengine NG ping), else 0.";
static const char latency_help[] = "Round trip of the last probe.";
static const char cluster_regs_help[] =
		"Contacts registered in the cluster as last sampled (GET "
		"/api/v1/cluster totals.registrations): nodes that share "
		"registrations counted once, nodes down not counted.";
static const char unmapped_help[] =
		"Statistics of the node that iwg-admind's tables do not name, "
		"exported as gauges under their own names.";

int res_metrics(admind_req *r)
{
	const admind_app *app = r->app;
	char labels[128], all[256];
	depcheck_result *p;
	metrics_set *set;
	size_t len, before;
	double regs;
	sbuf out;
	int i, n;

	n = depcheck_all(app, &p);
	set = metrics_set_new();
	if (n < 0 || !set) {
		depcheck_free_all(p, n);
		free(set);
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
	}
	for (i = 0; i < n; i++) {
		node_label(labels, sizeof(labels), p[i].name);
		snprintf(all, sizeof(all), "kind=\"%s\",%s", p[i].kind, labels);
		metrics_set_add(set, "iwg_up", METRICS_GAUGE, up_help, all, p[i].up);
		metrics_set_add(set, "iwg_probe_latency_seconds", METRICS_GAUGE,
						latency_help, all, p[i].secs);
		if (!strcmp(p[i].kind, "redis")) {
			metrics_set_add(set, "iwg_redis_up", METRICS_GAUGE, up_help, "",
							p[i].up);
			metrics_set_add(set, "iwg_redis_latency_seconds", METRICS_GAUGE,
							latency_help, "", p[i].secs);
			continue;
		}
		if (!p[i].up)
			continue;
		before = metrics_set_unmapped(set);
		if (!strcmp(p[i].kind, "kamailio")) {
			kamailio_stats(app, conf_find_kamailio(&app->conf, p[i].name), set,
						   labels);
			kamailio_peers(app, conf_find_kamailio(&app->conf, p[i].name), set,
						   labels);
		} else
			rtpengine_stats(app, conf_find_rtpengine(&app->conf, p[i].name),
							set, labels);
		metrics_set_add(set, "iwg_admind_unmapped_statistics", METRICS_GAUGE,
						unmapped_help, all,
						(double)(metrics_set_unmapped(set) - before));
	}
	depcheck_free_all(p, n);
	regs = app->cluster ? cluster_total_registrations(app->cluster) : NAN;
	if (!isnan(regs))
		metrics_set_add(set, "iwg_cluster_registrations", METRICS_GAUGE,
						cluster_regs_help, "", regs);
	sbuf_init(&out);
	metrics_set_render_free(set, &out);
	metrics_render(app->metrics, app->routes, &out);
	{
		char *body = sbuf_steal(&out, &len);
		if (!body)
			return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
							   NULL, "out of memory");
		return reply_send(r, MHD_HTTP_OK,
						  "text/plain; version=0.0.4; charset=utf-8", body, len,
						  NULL);
	}
}
