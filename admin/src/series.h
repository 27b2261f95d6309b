/*
 * series.h - the dashboard's time series: a fixed ring of samples in
 * memory (GET /api/v1/series), and the arithmetic that turns cumulative
 * Kamailio counters into rates.
 *
 * A sample carries the figures read at one instant (NAN when unreadable)
 * and, per Kamailio node, the cumulative counters of call attempts and
 * failures; series_add() makes a point whose rates are the per-node
 * counter deltas since the previous sample over the elapsed monotonic time.
 * A node whose counter went backwards (restarted) or could not be read in
 * either sample adds nothing; when no node gives a delta the rate is NAN.
 * Pure C; the ring has its own mutex, so the sampler thread writes while
 * request threads read.
 */
#ifndef IWG_ADMIND_SERIES_H
#define IWG_ADMIND_SERIES_H

#include <stddef.h>
#include <stdint.h>

#define SERIES_MAX_NODES 16

typedef struct series_sample {
	int64_t t;			  /* wall clock, unix seconds */
	double mono;		  /* monotonic seconds */
	double registrations; /* NAN: unknown */
	double calls_active;  /* NAN: unknown */
	int nodes_up, nodes_total;
	int n_nodes; /* Kamailio nodes with counters below */
	double calls_total[SERIES_MAX_NODES];	 /* cumulative, NAN unknown */
	double failures_total[SERIES_MAX_NODES]; /* cumulative, NAN unknown */
} series_sample;

typedef struct series_point {
	int64_t t;
	double registrations, calls_active;			  /* NAN: null */
	double calls_per_second, failures_per_second; /* NAN: null */
	int nodes_up, nodes_total;
} series_point;

typedef struct series series;

/* A ring of cap (>= 2) points, or NULL when out of memory. */
series *series_new(size_t cap);

/* Free it; NULL is allowed. */
void series_free(series *s);

/*
 * Append the point made from x (rates against the previous sample; the
 * first sample has NAN rates), dropping the oldest point when full.
 */
void series_add(series *s, const series_sample *x);

/*
 * Copy at most max points, oldest first, into out. Returns how many.
 */
size_t series_copy(series *s, series_point *out, size_t max);

/*
 * Sum over nodes 0..n-1 of (cur - prev) / dt where both are known and cur
 * >= prev; NAN when no node qualifies or dt <= 0.
 */
double series_rate(const double *prev, const double *cur, int n, double dt);

/*
 * One line of Kamailio's stats.get_statistics answer, "group:name = value":
 * the name (group:name) into name[0..namesz) and the value. Returns 0, or
 * -1 when the line is not of that form (or the name does not fit).
 */
int series_kstat_parse(const char *line, char *name, size_t namesz,
					   double *value);

/*
 * 1 when name (as series_kstat_parse() gives it) counts the contacts of one
 * usrloc domain ("usrloc:location_contacts", "usrloc:<table>-contacts"),
 * else 0. A node's contacts are the sum over its domains.
 */
int series_kstat_is_contacts(const char *name);

#endif
