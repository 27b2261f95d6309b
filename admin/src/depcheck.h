/*
 * depcheck.h - reachability checks of the dependencies (readyz, nodes,
 * metrics): Redis PING, Kamailio JSON-RPC core.uptime, rtpengine NG ping.
 */
#ifndef IWG_ADMIND_DEPCHECK_H
#define IWG_ADMIND_DEPCHECK_H

#include <stdint.h>

#include "admind.h"

struct json_object;

typedef struct depcheck_result {
	const char *kind; /* "redis", "kamailio", "rtpengine" */
	const char *name; /* node name */
	char target[300]; /* address or URL */
	int up;
	double secs; /* round trip */
	char error[200];
	struct json_object *info; /* kamailio: core.uptime result; else NULL */
} depcheck_result;

/* Each fills *p (release p->info with depcheck_done()). */
void depcheck_redis(const admind_app *app, depcheck_result *p);
void depcheck_kamailio(const admind_app *app, const conf_kamailio *n,
					   depcheck_result *p);
void depcheck_rtpengine(const admind_app *app, const conf_rtpengine *n,
						depcheck_result *p);
void depcheck_done(depcheck_result *p);

/*
 * Probe every dependency into a new array (*out, n from the return value:
 * 1 + kamailio nodes + rtpengine nodes; -1 when out of memory). Free with
 * depcheck_free_all().
 */
int depcheck_all(const admind_app *app, depcheck_result **out);
void depcheck_free_all(depcheck_result *p, int n);

/*
 * The sessions an rtpengine node holds now (NG statistics,
 * currentstatistics.sessionstotal). Returns 0 with *n, or -1 when the node
 * does not answer or the figure is missing.
 */
int depcheck_rtpengine_sessions(const admind_app *app,
								const conf_rtpengine *node, int64_t *n);

/* {"kind","name","target","status","latency_ms"[,"error"]} of p. */
struct json_object *depcheck_json(const depcheck_result *p);

#endif
