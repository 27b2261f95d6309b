/*
 * sampler.c - the thread that fills the dashboard's time series
 * (series.h) and the cluster view (cluster.h) every series_interval
 * seconds (GET /api/v1/series reads it: res_series.c).
 *
 * Per sample:
 *   registrations  contacts over the Kamailio nodes (cluster.h), from
 *                  their statistics only (usrloc:<table>_contacts): of a
 *                  node that does not share its registrations, its
 *                  usrloc's; of the nodes that share theirs (edge.info
 *                  cluster_nodes), each of which lists the whole
 *                  cluster's, the largest. Never a ul.dump: on a node
 *                  sharing a large cluster's registrations that would be
 *                  hundreds of MB built in its RPC process per sample
 *   calls_active   sum over rtpengine nodes of the sessions they hold
 *                  (NG statistics, currentstatistics.sessionstotal)
 *   calls/s        per node, the increase of dialog:processed_dialogs (a
 *                  dialog made for each initial INVITE the edge relays,
 *                  after authentication: the figure the Grafana
 *                  dashboard shows); a node without the dialog module:
 *                  of the final answers to INVITE it received from the
 *                  next hop (core:rcv_replies_{2,3,4,5,6}xx_invite, which
 *                  also counts re-INVITEs and forked branches)
 *   failures/s     dialog:failed_dialogs (a negative final answer:
 *                  busy, declined, cancelled and unreachable included, as
 *                  in an answer-seizure ratio); without the dialog module
 *                  the 4xx, 5xx and 6xx answers to INVITE
 *   nodes          the dependencies of /readyz that answer, of all
 * A figure no node gave is NAN (null in JSON); a sum covers the nodes
 * that answered (nodes_up says when some did not).
 *
 * The cluster view takes per node what the same sample read: its state
 * (down when its dependency check failed, degraded when that answered and a
 * figure request failed), Kamailio's core.version, uptime,
 * registrations (held, listed) and dialog:active_dialogs, rtpengine's
 * sessions. A node down is asked nothing more, so a silent node costs one
 * timeout per sample, in this thread only: requests read the last view.
 */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cluster.h"
#include "depcheck.h"
#include "handlers.h"
#include "log.h"
#include "regview.h"
#include "sampler.h"
#include "series.h"

/* the statistics asked from each Kamailio node (by name without group, or
 * a whole group: stats.get_statistics matches "group:" or a bare name, and
 * answers "group:name = value" lines) */
#define KSTATS                                               \
	"[\"usrloc:\",\"active_dialogs\","                       \
	"\"processed_dialogs\",\"failed_dialogs\","              \
	"\"rcv_replies_2xx_invite\",\"rcv_replies_3xx_invite\"," \
	"\"rcv_replies_4xx_invite\",\"rcv_replies_5xx_invite\"," \
	"\"rcv_replies_6xx_invite\"]"

static pthread_t sampler_thread;
static pthread_mutex_t sampler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sampler_cond;
static int sampler_running, sampler_stopping;

/* add x to *sum (NAN: none yet) */
static void add_known(double *sum, double x)
{
	*sum = isnan(*sum) ? x : *sum + x;
}

/* the statistics of node i (answered) into cn and, for i below
 * SERIES_MAX_NODES, its counters into x */
static void kamailio_stats(struct json_object *res, int i, cluster_node *cn,
						   series_sample *x)
{
	double v, calls = 0, fails = 0, dlgs = NAN, dlg_fails = NAN;
	char name[96];
	const char *line;
	size_t k, len;
	int classes = 0;

	len = json_object_is_type(res, json_type_array)
				  ? json_object_array_length(res)
				  : 0;
	for (k = 0; k < len; k++) {
		line = json_object_get_string(json_object_array_get_idx(res, k));
		if (!line || series_kstat_parse(line, name, sizeof(name), &v) < 0)
			continue;
		if (series_kstat_is_contacts(name)) {
			/* each usrloc domain (table): "usrloc:location_contacts" */
			add_known(&cn->registrations, v);
		} else if (!strcmp(name, "dialog:active_dialogs")) {
			cn->calls_active = v;
		} else if (!strcmp(name, "dialog:processed_dialogs")) {
			dlgs = v;
		} else if (!strcmp(name, "dialog:failed_dialogs")) {
			dlg_fails = v;
		} else if (!strncmp(name, "core:rcv_replies_", 17) && name[17] >= '2' &&
				   name[17] <= '6' && !strcmp(name + 18, "xx_invite")) {
			calls += v;
			if (name[17] >= '4')
				fails += v;
			classes++;
		}
	}
	cn->registrations_listed = cn->registrations;
	if (i >= SERIES_MAX_NODES)
		return;
	if (!isnan(dlgs) && !isnan(dlg_fails)) {
		x->calls_total[i] = dlgs;
		x->failures_total[i] = dlg_fails;
	} else if (classes == 5) {
		x->calls_total[i] = calls;
		x->failures_total[i] = fails;
	}
}

/* Kamailio node i: its state, version, uptime and figures into cn (a
 * node that shares registrations: those it holds unknown), its counters
 * into x, its identity into app->regcache (res_registrations_ident: edge.info,
 * and core.sockets_list when it shares); a node that does not answer its
 * dependency check is not asked more (a silent one costs one timeout) */
static void sample_kamailio(const admind_app *app, int i, cluster_node *cn,
							series_sample *x)
{
	regview_ident id;
	const conf_kamailio *n = &app->conf.kamailio[i];
	struct json_object *res, *up;
	depcheck_result p;
	backend_err e;

	if (i < SERIES_MAX_NODES)
		x->calls_total[i] = x->failures_total[i] = NAN;
	cluster_node_init(cn, CLUSTER_KAMAILIO, n->name, n->url);
	depcheck_kamailio(app, n, &p);
	cn->latency_s = p.secs;
	if (p.up && p.info && json_object_object_get_ex(p.info, "uptime", &up))
		cn->uptime_s = json_object_get_double(up);
	depcheck_done(&p);
	if (!p.up) {
		snprintf(cn->reason, sizeof(cn->reason), "%s", p.error);
		return;
	}
	cn->state = CLUSTER_UP;
	if (backend_rpc_call(&app->conf, n, "core.version", NULL, &res, &e, NULL) ==
		0) {
		snprintf(cn->version, sizeof(cn->version), "%s",
				 json_object_get_string(res));
		json_object_put(res);
	}
	if (backend_rpc_call(&app->conf, n, "stats.get_statistics", KSTATS, &res,
						 &e, NULL) < 0) {
		cn->state = CLUSTER_DEGRADED;
		snprintf(cn->reason, sizeof(cn->reason), "stats.get_statistics: %s",
				 e.msg);
		return;
	}
	kamailio_stats(res, i, cn, x);
	json_object_put(res);
	if (res_registrations_ident(app, i, &id, &e) < 0) {
		cn->state = CLUSTER_DEGRADED;
		snprintf(cn->reason, sizeof(cn->reason), "edge.info: %s", e.msg);
		return;
	}
	cn->shared = id.shared;
	if (id.shared) /* it lists every node's: which it holds is unknown */
		cn->registrations = NAN;
}

/* rtpengine node i: its state and sessions into cn */
static void sample_rtpengine(const admind_app *app, int i, cluster_node *cn)
{
	const conf_rtpengine *n = &app->conf.rtpengine[i];
	depcheck_result p;
	int64_t sessions;

	depcheck_rtpengine(app, n, &p);
	cluster_node_init(cn, CLUSTER_RTPENGINE, n->name, p.target);
	cn->latency_s = p.secs;
	depcheck_done(&p);
	if (!p.up) {
		snprintf(cn->reason, sizeof(cn->reason), "%s", p.error);
		return;
	}
	cn->state = CLUSTER_UP;
	if (depcheck_rtpengine_sessions(app, n, &sessions) == 0) {
		cn->sessions = (double)sessions;
	} else {
		cn->state = CLUSTER_DEGRADED;
		snprintf(cn->reason, sizeof(cn->reason),
				 "NG statistics: no answer with currentstatistics");
	}
}

static void sample_once(admind_app *app)
{
	const conf_settings *c = &app->conf;
	cluster_node nodes[2 * CONF_MAX_NODES];
	series_sample x;
	depcheck_result p;
	int i, k = 0;

	memset(&x, 0, sizeof(x));
	x.t = (int64_t)admind_wallclock();
	x.mono = admind_now();
	x.registrations = x.calls_active = NAN;
	depcheck_redis(app, &p);
	x.nodes_up = p.up;
	depcheck_done(&p);
	x.n_nodes =
			c->n_kamailio < SERIES_MAX_NODES ? c->n_kamailio : SERIES_MAX_NODES;
	for (i = 0; i < c->n_kamailio; i++, k++)
		sample_kamailio(app, i, &nodes[k], &x);
	x.registrations = cluster_registrations(nodes, c->n_kamailio);
	for (i = 0; i < c->n_rtpengine; i++, k++) {
		sample_rtpengine(app, i, &nodes[k]);
		if (!isnan(nodes[k].sessions))
			add_known(&x.calls_active, nodes[k].sessions);
	}
	for (i = 0; i < k; i++)
		x.nodes_up += nodes[i].state != CLUSTER_DOWN;
	x.nodes_total = 1 + k;
	series_add(app->series, &x);
	if (cluster_put(app->cluster, nodes, k, admind_wallclock()) < 0)
		log_err("cluster view: out of memory");
}

static void *sampler_main(void *arg)
{
	admind_app *app = arg;
	struct timespec until;

	pthread_mutex_lock(&sampler_lock);
	while (!sampler_stopping) {
		pthread_mutex_unlock(&sampler_lock);
		sample_once(app);
		pthread_mutex_lock(&sampler_lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += app->conf.series_interval;
		while (!sampler_stopping &&
			   pthread_cond_timedwait(&sampler_cond, &sampler_lock, &until) !=
					   ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&sampler_lock);
	return NULL;
}

int sampler_start(admind_app *app)
{
	pthread_condattr_t ca;

	app->series = series_new((size_t)app->conf.series_points);
	app->cluster = cluster_new();
	app->regcache = regview_cache_new(app->conf.n_kamailio);
	if (!app->series || !app->cluster || !app->regcache)
		return -1;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sampler_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&sampler_thread, NULL, sampler_main, app) != 0)
		return -1;
	sampler_running = 1;
	return 0;
}

void sampler_stop(admind_app *app)
{
	if (sampler_running) {
		pthread_mutex_lock(&sampler_lock);
		sampler_stopping = 1;
		pthread_cond_signal(&sampler_cond);
		pthread_mutex_unlock(&sampler_lock);
		pthread_join(sampler_thread, NULL);
		sampler_running = 0;
	}
	series_free(app->series);
	app->series = NULL;
	cluster_free(app->cluster);
	app->cluster = NULL;
	regview_cache_free(app->regcache);
	app->regcache = NULL;
}
