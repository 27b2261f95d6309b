/*
 * sampler.c - the thread that fills the dashboard's time series
 * (series.h) every series_interval seconds, and GET /api/v1/series.
 *
 * Per sample:
 *   registrations  sum over Kamailio nodes of usrloc:registered_users
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
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "probe.h"
#include "sampler.h"
#include "series.h"

/* the statistics asked from each Kamailio node (by name without group:
 * stats.get_statistics matches "group:" or a bare name, and answers
 * "group:name = value" lines) */
#define KSTATS                                               \
	"[\"registered_users\",\"processed_dialogs\","           \
	"\"failed_dialogs\",\"rcv_replies_2xx_invite\","         \
	"\"rcv_replies_3xx_invite\",\"rcv_replies_4xx_invite\"," \
	"\"rcv_replies_5xx_invite\",\"rcv_replies_6xx_invite\"]"

static pthread_t sampler_thread;
static pthread_mutex_t sampler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sampler_cond;
static int sampler_running, sampler_stopping;

/* add x to *sum (NAN: none yet) */
static void add_known(double *sum, double x)
{
	*sum = isnan(*sum) ? x : *sum + x;
}

/* node i's registrations and counters into x */
static void sample_kamailio(const admind_app *app, int i, series_sample *x)
{
	struct json_object *res;
	double v, calls = 0, fails = 0, regs = NAN, dlgs = NAN, dlg_fails = NAN;
	char name[96];
	const char *line;
	backend_err e;
	size_t k, len;
	int classes = 0;

	x->calls_total[i] = x->failures_total[i] = NAN;
	if (kamrpc_call(&app->conf, &app->conf.kamailio[i], "stats.get_statistics",
					KSTATS, &res, &e, NULL) < 0)
		return;
	len = json_object_is_type(res, json_type_array)
				  ? json_object_array_length(res)
				  : 0;
	for (k = 0; k < len; k++) {
		line = json_object_get_string(json_object_array_get_idx(res, k));
		if (!line || kstat_parse(line, name, sizeof(name), &v) < 0)
			continue;
		if (!strcmp(name, "usrloc:registered_users")) {
			regs = v;
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
	json_object_put(res);
	if (!isnan(regs))
		add_known(&x->registrations, regs);
	if (!isnan(dlgs) && !isnan(dlg_fails)) {
		x->calls_total[i] = dlgs;
		x->failures_total[i] = dlg_fails;
	} else if (classes == 5) {
		x->calls_total[i] = calls;
		x->failures_total[i] = fails;
	}
}

static void sample_once(admind_app *app)
{
	const admind_conf *c = &app->conf;
	series_sample x;
	probe_result *p;
	int64_t sessions;
	int i, n;

	memset(&x, 0, sizeof(x));
	x.t = (int64_t)admind_wallclock();
	x.mono = admind_now();
	x.registrations = x.calls_active = NAN;
	n = probe_all(app, &p);
	for (i = 0; i < n; i++)
		x.nodes_up += p[i].up;
	x.nodes_total = n > 0 ? n : 0;
	probe_free_all(p, n);
	x.n_nodes =
			c->n_kamailio < SERIES_MAX_NODES ? c->n_kamailio : SERIES_MAX_NODES;
	for (i = 0; i < x.n_nodes; i++)
		sample_kamailio(app, i, &x);
	for (i = 0; i < c->n_rtpengine; i++)
		if (probe_rtpengine_sessions(app, &c->rtpengine[i], &sessions) == 0)
			add_known(&x.calls_active, (double)sessions);
	series_add(app->series, &x);
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
	if (!app->series)
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
}

/* a figure, or null */
static struct json_object *num_or_null(double v, int integer)
{
	if (isnan(v))
		return NULL;
	if (integer)
		return json_object_new_int64((int64_t)llround(v));
	return json_object_new_double(round(v * 1000) / 1000);
}

int res_series(admind_req *r)
{
	size_t n, i, cap = (size_t)r->app->conf.series_points;
	struct json_object *j, *pts, *o;
	series_point *p = malloc(cap * sizeof(*p));

	if (!p)
		return admind_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
								  NULL, "out of memory");
	n = series_copy(r->app->series, p, cap);
	pts = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "t", json_object_new_int64(p[i].t));
		json_object_object_add(o, "registrations",
							   num_or_null(p[i].registrations, 1));
		json_object_object_add(o, "calls_active",
							   num_or_null(p[i].calls_active, 1));
		json_object_object_add(o, "calls_per_second",
							   num_or_null(p[i].calls_per_second, 0));
		json_object_object_add(o, "failures_per_second",
							   num_or_null(p[i].failures_per_second, 0));
		json_object_object_add(o, "nodes_up",
							   json_object_new_int(p[i].nodes_up));
		json_object_object_add(o, "nodes_total",
							   json_object_new_int(p[i].nodes_total));
		json_object_array_add(pts, o);
	}
	free(p);
	j = json_object_new_object();
	json_object_object_add(j, "interval_seconds",
						   json_object_new_int(r->app->conf.series_interval));
	json_object_object_add(j, "points", pts);
	return admind_reply_json(r, MHD_HTTP_OK, j);
}
