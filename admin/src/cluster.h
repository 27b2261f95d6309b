/*
 * cluster.h - the cluster view (GET /api/v1/cluster): every Kamailio and
 * rtpengine node as the sampler last saw it (state, reason, last seen,
 * registrations, active calls, media sessions) and the totals over the
 * nodes that answered.
 *
 * Registrations are contacts (a browser's registration). Nodes that
 * share their registrations (WITH_CLUSTER: DMQ copies every contact to
 * every node) each list the whole cluster's, so the cluster's figure is
 * the largest of theirs, not their sum; how many of them a sharing node
 * holds the connection of is not known from its statistics (NAN).
 *
 * The sampler thread (sampler.c) puts a whole view after each sample;
 * request threads read the last one, so a request never waits on a node.
 * A node that did not answer is down and its figures are unknown (never
 * counted as 0): the totals name it in not_counted. Pure C (json-c and
 * pthreads); the store has its own mutex.
 */
#ifndef IWG_ADMIND_CLUSTER_H
#define IWG_ADMIND_CLUSTER_H

#include <stdint.h>

struct json_object;

typedef enum cluster_state {
	CLUSTER_DOWN = 0, /* the probe failed: no figure */
	CLUSTER_DEGRADED, /* the probe answered, a figure request failed */
	CLUSTER_UP,
	CLUSTER_N_STATES
} cluster_state;

typedef enum cluster_kind {
	CLUSTER_KAMAILIO = 0,
	CLUSTER_RTPENGINE,
	CLUSTER_N_KINDS
} cluster_kind;

typedef struct cluster_node {
	cluster_kind kind;
	char name[32];
	char target[300]; /* URL or HOST:PORT */
	cluster_state state;
	char reason[256];  /* why down or degraded; "" when up */
	double latency_s;  /* the probe's round trip */
	int64_t last_seen; /* unix seconds of the last answer; 0: never */
	char version[96];  /* Kamailio core.version; "": unknown */
	double uptime_s;   /* Kamailio core.uptime; NAN: unknown */
	int shared;		   /* Kamailio: shares its registrations (edge.info) */
	/* Kamailio: the contacts whose connection it holds: a node that does
	 * not share, every contact of its usrloc (usrloc:*_contacts); a node
	 * that shares, NAN (not known cheaply); NAN when unknown */
	double registrations;
	/* Kamailio: the contacts its usrloc lists (usrloc:*_contacts; when it
	 * shares: the whole cluster's); NAN */
	double registrations_listed;
	double calls_active; /* Kamailio dialog:active_dialogs; NAN */
	double sessions;	 /* rtpengine sessionstotal; NAN */
} cluster_node;

typedef struct cluster cluster;

/* Every figure unknown, state down, no reason: a node before sampling. */
void cluster_node_init(cluster_node *n, cluster_kind kind, const char *name,
					   const char *target);

/* An empty store, or NULL when out of memory. Free with cluster_free(). */
cluster *cluster_new(void);

/* Free it; NULL is allowed. */
void cluster_free(cluster *c);

/*
 * The registrations of the cluster over the Kamailio nodes of nodes[0..n)
 * that are up: the registrations of those that do not share theirs,
 * summed, plus the largest registrations_listed of those that share
 * theirs (each lists the whole cluster's once DMQ is in step; one still
 * catching up lists fewer). NAN when no figure is known.
 */
double cluster_registrations(const cluster_node *nodes, int n);

/*
 * cluster_registrations() of the last view (c's lock taken); NAN before
 * the first view or when no figure is known.
 */
double cluster_total_registrations(cluster *c);

/*
 * Replace the view with nodes[0..n) sampled at t (unix seconds, > 0). Each
 * node's last_seen is set here: t when it answered (up or degraded), else
 * what the previous view had for the same kind and name (0: never). The
 * nodes are copied. Returns 0, or -1 when out of memory (the previous
 * view is kept).
 */
int cluster_put(cluster *c, const cluster_node *nodes, int n, double t);

/*
 * The last view as a new JSON object (caller releases it): {"sampled_at",
 * "age_seconds", "interval_seconds", "nodes": [...], "totals": {...}},
 * age counted from now (unix seconds) and interval the sampler's. NULL
 * when nothing was put yet (or out of memory).
 */
struct json_object *cluster_json(cluster *c, double now, int interval);

#endif
