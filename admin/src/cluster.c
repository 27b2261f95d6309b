/*
 * cluster.c - the cluster view store and its JSON (cluster.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cluster.h"

struct cluster {
	pthread_mutex_t lock;
	cluster_node *nodes;
	int n;
	double t; /* unix seconds; 0: nothing put yet */
};

static const char *const state_names[] = {
		[CLUSTER_DOWN] = "down",
		[CLUSTER_DEGRADED] = "degraded",
		[CLUSTER_UP] = "up",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == CLUSTER_N_STATES,
			   "a name per cluster_state");

static const char *const kind_names[] = {
		[CLUSTER_KAMAILIO] = "kamailio",
		[CLUSTER_RTPENGINE] = "rtpengine",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == CLUSTER_N_KINDS,
			   "a name per cluster_kind");

/* "down", "degraded", "up" */
static const char *cluster_state_name(cluster_state s)
{
	return (unsigned)s < CLUSTER_N_STATES ? state_names[s] : "down";
}

/* "kamailio", "rtpengine" */
static const char *cluster_kind_name(cluster_kind k)
{
	return (unsigned)k < CLUSTER_N_KINDS ? kind_names[k] : "?";
}

void cluster_node_init(cluster_node *n, cluster_kind kind, const char *name,
					   const char *target)
{
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->target, sizeof(n->target), "%s", target);
	n->state = CLUSTER_DOWN;
	n->latency_s = n->uptime_s = NAN;
	n->registrations = n->registrations_listed = NAN;
	n->calls_active = n->sessions = NAN;
}

cluster *cluster_new(void)
{
	cluster *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void cluster_free(cluster *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->nodes);
	free(c);
}

/* the previous view's entry for kind and name, or NULL; lock held */
static const cluster_node *previous(const cluster *c, const cluster_node *x)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->nodes[i].kind == x->kind && !strcmp(c->nodes[i].name, x->name))
			return &c->nodes[i];
	return NULL;
}

int cluster_put(cluster *c, const cluster_node *nodes, int n, double t)
{
	cluster_node *copy = NULL;
	const cluster_node *old;
	int i;

	if (n > 0) {
		copy = malloc((size_t)n * sizeof(*copy));
		if (!copy)
			return -1;
		memcpy(copy, nodes, (size_t)n * sizeof(*copy));
	}
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < n; i++) {
		if (copy[i].state != CLUSTER_DOWN)
			copy[i].last_seen = (int64_t)t;
		else
			copy[i].last_seen =
					(old = previous(c, &copy[i])) ? old->last_seen : 0;
	}
	free(c->nodes);
	c->nodes = copy;
	c->n = n;
	c->t = t;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static struct json_object *iso_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

/* v rounded to the millisecond, or null when unknown */
static struct json_object *num(double v, int integer)
{
	char s[40];

	if (isnan(v))
		return NULL;
	if (integer)
		return json_object_new_int64((int64_t)llround(v));
	snprintf(s, sizeof(s), "%.3f", v);
	return json_object_new_double_s(atof(s), s);
}

static struct json_object *node_json(const cluster_node *x)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "kind",
						   json_object_new_string(cluster_kind_name(x->kind)));
	json_object_object_add(j, "name", json_object_new_string(x->name));
	json_object_object_add(j, "target", json_object_new_string(x->target));
	json_object_object_add(
			j, "state", json_object_new_string(cluster_state_name(x->state)));
	json_object_object_add(j, "reason",
						   x->reason[0] ? json_object_new_string(x->reason)
										: NULL);
	json_object_object_add(j, "latency_ms", num(x->latency_s * 1e3, 0));
	json_object_object_add(j, "last_seen", iso_time(x->last_seen));
	if (x->kind == CLUSTER_KAMAILIO) {
		json_object_object_add(
				j, "version",
				x->version[0] ? json_object_new_string(x->version) : NULL);
		json_object_object_add(j, "uptime_s", num(x->uptime_s, 1));
		json_object_object_add(j, "shares_registrations",
							   json_object_new_boolean(x->shared));
		json_object_object_add(j, "registrations", num(x->registrations, 1));
		json_object_object_add(j, "registrations_listed",
							   num(x->registrations_listed, 1));
		json_object_object_add(j, "calls_active", num(x->calls_active, 1));
	} else {
		json_object_object_add(j, "sessions", num(x->sessions, 1));
	}
	return j;
}

/* add v to *sum when known (the sum starts NAN: nothing known) */
static void add_known(double *sum, double v)
{
	if (!isnan(v))
		*sum = isnan(*sum) ? v : *sum + v;
}

double cluster_registrations(const cluster_node *nodes, int n)
{
	double sum = NAN, shared = NAN;
	int i;

	for (i = 0; i < n; i++) {
		if (nodes[i].kind != CLUSTER_KAMAILIO || nodes[i].state != CLUSTER_UP)
			continue;
		if (!nodes[i].shared)
			add_known(&sum, nodes[i].registrations);
		else if (!isnan(nodes[i].registrations_listed) &&
				 (isnan(shared) || nodes[i].registrations_listed > shared))
			shared = nodes[i].registrations_listed; /* the largest */
	}
	add_known(&sum, shared);
	return sum;
}

double cluster_total_registrations(cluster *c)
{
	double v = NAN;

	pthread_mutex_lock(&c->lock);
	if (c->t > 0)
		v = cluster_registrations(c->nodes, c->n);
	pthread_mutex_unlock(&c->lock);
	return v;
}

/* totals over the nodes that answered; lock held */
static struct json_object *totals_json(const cluster *c)
{
	struct json_object *j = json_object_new_object(), *missing;
	double calls = NAN, sessions = NAN;
	int count[CLUSTER_N_STATES] = {0}, i;
	const cluster_node *x;

	missing = json_object_new_array();
	for (i = 0; i < c->n; i++) {
		x = &c->nodes[i];
		count[(unsigned)x->state < CLUSTER_N_STATES ? x->state
													: CLUSTER_DOWN]++;
		if (x->state != CLUSTER_UP) {
			/* a degraded node's figures are unknown too: not counted */
			json_object_array_add(missing, json_object_new_string(x->name));
			continue;
		}
		add_known(&calls, x->calls_active);
		add_known(&sessions, x->sessions);
	}
	json_object_object_add(j, "nodes_total", json_object_new_int(c->n));
	json_object_object_add(j, "nodes_up",
						   json_object_new_int(count[CLUSTER_UP]));
	json_object_object_add(j, "nodes_degraded",
						   json_object_new_int(count[CLUSTER_DEGRADED]));
	json_object_object_add(j, "nodes_down",
						   json_object_new_int(count[CLUSTER_DOWN]));
	json_object_object_add(j, "registrations",
						   num(cluster_registrations(c->nodes, c->n), 1));
	json_object_object_add(j, "calls_active", num(calls, 1));
	json_object_object_add(j, "media_sessions", num(sessions, 1));
	json_object_object_add(
			j, "complete",
			json_object_new_boolean(json_object_array_length(missing) == 0));
	json_object_object_add(j, "not_counted", missing);
	return j;
}

struct json_object *cluster_json(cluster *c, double now, int interval)
{
	struct json_object *j = NULL, *nodes;
	int i;

	pthread_mutex_lock(&c->lock);
	if (!(c->t > 0))
		goto out;
	j = json_object_new_object();
	nodes = json_object_new_array_ext(c->n);
	for (i = 0; i < c->n; i++)
		json_object_array_add(nodes, node_json(&c->nodes[i]));
	json_object_object_add(j, "sampled_at", iso_time((int64_t)c->t));
	json_object_object_add(j, "age_seconds",
						   num(now > c->t ? now - c->t : 0, 0));
	json_object_object_add(j, "interval_seconds",
						   json_object_new_int(interval));
	json_object_object_add(j, "nodes", nodes);
	json_object_object_add(j, "totals", totals_json(c));
out:
	pthread_mutex_unlock(&c->lock);
	return j;
}
