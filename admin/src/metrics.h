/*
 * metrics.h - admind's own request metrics, Prometheus text helpers, and
 * the tables that turn Kamailio and rtpengine statistics into typed
 * Prometheus families.
 *
 * Counters per (route, status) and a latency histogram per route, updated
 * with atomic operations from every worker thread. Pure C.
 */
#ifndef IWG_ADMIND_METRICS_H
#define IWG_ADMIND_METRICS_H

#include <stddef.h>

#include "route.h"
#include "sbuf.h"

typedef struct metrics metrics;

/* Metrics for n routes (+ one slot for unmatched paths); NULL on OOM. */
metrics *metrics_new(size_t n_routes);

/* Free; NULL is allowed. */
void metrics_free(metrics *m);

/*
 * Count one request: route index (-1 or >= n for unmatched), its method,
 * the HTTP status answered and the seconds it took.
 */
void metrics_observe(metrics *m, int route, unsigned status, double seconds);

/*
 * Append iwg_admind_requests_total and iwg_admind_request_duration_seconds
 * in the Prometheus text format; routes[] is the table the indexes refer to.
 */
void metrics_render(metrics *m, const route_entry *routes, sbuf *out);

/*
 * Append name made a valid Prometheus metric name: prefix, then name
 * lower-cased with every run of characters outside [a-z0-9] turned into
 * one '_' (none at either end).
 */
void metrics_name(sbuf *out, const char *prefix, const char *name);

/* Append s escaped for a label value (backslash, quote, newline). */
void metrics_label_value(sbuf *out, const char *s);

typedef enum metrics_type { METRICS_GAUGE = 0, METRICS_COUNTER } metrics_type;

/*
 * What one statistic of Kamailio or rtpengine becomes in /metrics: a family
 * name (counters end in _total, sizes in _bytes, times in _seconds), its
 * type, an extra label set (escaped text between braces, may be "") and a
 * HELP text (plain; escaped when rendered).
 */
typedef struct metrics_map {
	metrics_type type;
	int known; /* 0: not in the tables, the default applied (gauge) */
	char name[128];
	char label[96];
	char help[224];
} metrics_map;

/*
 * Map a Kamailio statistic "group:name" (as stats.get_statistics names it).
 * Known groups (core, shmem, sl, tmx, dialog, usrloc, registrar, websocket,
 * tcp, dns, pike, script, verto) are typed by table; any other statistic
 * is a gauge named iwg_kamailio_<group>_<name>. Returns 0 with *out filled,
 * -1 when stat is not "group:name" or the name would be too long.
 */
int metrics_map_kamailio(const char *stat, metrics_map *out);

/*
 * Map member key of one section of rtpengine's NG statistics answer:
 * "currentstatistics", "totalstatistics", "mos", "controlstatistics", and
 * the members of one element of the lists "interfaces" (its "ports"
 * dictionary) and "transcoders". Returns 0 with *out filled; 1 when the
 * member is left out (a sum or average of other figures, a member of
 * another section, an unknown member of a list element); -1 on a name too
 * long. An unknown member of a dictionary section is a gauge
 * iwg_rtpengine_<key> (known == 0).
 */
int metrics_map_rtpengine(const char *section, const char *key,
						  metrics_map *out);

/*
 * A set of samples gathered from several nodes, rendered grouped by family
 * (the text format wants each family in one block, with one HELP and one
 * TYPE line).
 */
typedef struct metrics_set metrics_set;

/* New empty set, NULL when out of memory. */
metrics_set *metrics_set_new(void);

/*
 * Add one sample of family name (a valid metric name, used as is); labels
 * is the text between the braces (already escaped, may be ""); help is
 * plain text. The type and help of the first sample added for a name win;
 * a second sample with the same name and labels is dropped.
 */
void metrics_set_add(metrics_set *s, const char *name, metrics_type type,
					 const char *help, const char *labels, double v);

/*
 * Add one sample described by a metrics_map, with labels then m->label; a map
 * with known == 0 is counted (metrics_set_unmapped).
 */
void metrics_set_add_map(metrics_set *s, const metrics_map *m,
						 const char *labels, double v);

/* How many samples metrics_set_add_map added with the default type so far. */
size_t metrics_set_unmapped(const metrics_set *s);

/* Append all samples, grouped and sorted by name, then free the set. */
void metrics_set_render_free(metrics_set *s, sbuf *out);

#endif
