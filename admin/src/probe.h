/*
 * probe.h - reachability checks of the dependencies (readyz, nodes,
 * metrics): Redis PING, Kamailio JSON-RPC core.uptime, rtpengine NG ping.
 */
#ifndef ADMIND_PROBE_H
#define ADMIND_PROBE_H

#include <stdint.h>

#include "admind.h"

struct json_object;

typedef struct probe_result {
	const char *kind; /* "redis", "kamailio", "rtpengine" */
	const char *name; /* node name */
	char target[300]; /* address or URL */
	int up;
	double secs; /* round trip */
	char error[200];
	struct json_object *info; /* kamailio: core.uptime result; else NULL */
} probe_result;

/* Each fills *p (release p->info with probe_done()). */
void probe_redis(const admind_app *app, probe_result *p);
void probe_kamailio(const admind_app *app, const conf_kamailio *n,
					probe_result *p);
void probe_rtpengine(const admind_app *app, const conf_rtpengine *n,
					 probe_result *p);
void probe_done(probe_result *p);

/*
 * Probe every dependency into a new array (*out, n from the return value:
 * 1 + kamailio nodes + rtpengine nodes; -1 when out of memory). Free with
 * probe_free_all().
 */
int probe_all(const admind_app *app, probe_result **out);
void probe_free_all(probe_result *p, int n);

/*
 * The sessions an rtpengine node holds now (NG statistics,
 * currentstatistics.sessionstotal). Returns 0 with *n, or -1 when the node
 * does not answer or the figure is missing.
 */
int probe_rtpengine_sessions(const admind_app *app, const conf_rtpengine *node,
							 int64_t *n);

/* {"kind","name","target","status","latency_ms"[,"error"]} of p. */
struct json_object *probe_json(const probe_result *p);

#endif
