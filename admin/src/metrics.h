/*
 * metrics.h - admind's own request metrics and Prometheus text helpers.
 *
 * Counters per (route, status) and a latency histogram per route, updated
 * with atomic operations from every worker thread. Pure C.
 */
#ifndef ADMIND_METRICS_H
#define ADMIND_METRICS_H

#include <stddef.h>

#include "route.h"
#include "sbuf.h"

typedef struct admind_metrics admind_metrics;

/* Metrics for n routes (+ one slot for unmatched paths); NULL on OOM. */
admind_metrics *metrics_new(size_t n_routes);

/* Free; NULL is allowed. */
void metrics_free(admind_metrics *m);

/*
 * Count one request: route index (-1 or >= n for unmatched), its method,
 * the HTTP status answered and the seconds it took.
 */
void metrics_observe(admind_metrics *m, int route, unsigned status,
					 double seconds);

/*
 * Append iwg_admind_requests_total and iwg_admind_request_duration_seconds
 * in the Prometheus text format; routes[] is the table the indexes refer to.
 */
void metrics_render(admind_metrics *m, const admind_route *routes, sbuf *out);

/*
 * Append name made a valid Prometheus metric name: prefix, then name with
 * every character outside [a-zA-Z0-9_] turned into '_', lower-cased.
 */
void prom_name(sbuf *out, const char *prefix, const char *name);

/* Append s escaped for a label value (backslash, quote, newline). */
void prom_label_value(sbuf *out, const char *s);

/* Append a sample value: integers without a fraction, NaN/Inf by name. */
void prom_value(sbuf *out, double v);

#endif

/*
 * A set of samples gathered from several nodes, rendered grouped by metric
 * name (the text format wants each family in one block, with one TYPE line).
 */
typedef struct prom_set prom_set;

/* New empty set, NULL when out of memory. */
prom_set *promset_new(void);

/*
 * Add one sample: name is sanitised with prom_name(prefix, raw); labels
 * is the text between the braces (already escaped, may be ""); type is
 * "gauge", "counter" or "untyped" (the first type seen for a name wins).
 */
void promset_add(prom_set *s, const char *prefix, const char *raw,
				 const char *type, const char *labels, double v);

/* Append all samples, grouped and sorted by name, then free the set. */
void promset_render_free(prom_set *s, sbuf *out);
