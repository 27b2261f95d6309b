/*
 * metrics.c - request counters and latency histograms.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static const unsigned metrics_codes[] = {
		200, 201, 204, 400, 401, 403, 404, 405,
		409, 413, 429, 500, 502, 503, 0 /* other */};
#define N_CODES (sizeof(metrics_codes) / sizeof(metrics_codes[0]))

static const double metrics_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
										 0.025,	 0.05,	0.1,	0.25,  0.5,
										 1,		 2.5,	5};
#define N_BUCKETS (sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

typedef struct route_stats {
	uint64_t count[N_CODES];
	uint64_t bucket[N_BUCKETS]; /* not cumulative; summed when rendered */
	uint64_t total;
	uint64_t sum_ns;
} route_stats;

struct admind_metrics {
	size_t n;			/* routes; slot n is "unmatched" */
	route_stats *stats; /* n + 1 */
};

admind_metrics *metrics_new(size_t n_routes)
{
	admind_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->stats = calloc(n_routes + 1, sizeof(route_stats));
	if (!m->stats) {
		free(m);
		return NULL;
	}
	m->n = n_routes;
	return m;
}

void metrics_free(admind_metrics *m)
{
	if (!m)
		return;
	free(m->stats);
	free(m);
}

static void add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void metrics_observe(admind_metrics *m, int route, unsigned status,
					 double seconds)
{
	route_stats *s;
	size_t i;

	if (route < 0 || (size_t)route >= m->n)
		route = (int)m->n;
	s = &m->stats[route];
	for (i = 0; i < N_CODES - 1 && metrics_codes[i] != status; i++)
		;
	add(&s->count[i], 1);
	for (i = 0; i < N_BUCKETS && seconds > metrics_buckets[i]; i++)
		;
	if (i < N_BUCKETS)
		add(&s->bucket[i], 1);
	add(&s->total, 1);
	if (seconds > 0)
		add(&s->sum_ns, (uint64_t)(seconds * 1e9));
}

void prom_name(sbuf *out, const char *prefix, const char *name)
{
	char ch;

	sbuf_puts(out, prefix);
	for (; *name; name++) {
		ch = (char)tolower((unsigned char)*name);
		if (!isalnum((unsigned char)ch))
			ch = '_';
		sbuf_add(out, &ch, 1);
	}
}

void prom_label_value(sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sbuf_puts(out, "\\\\");
		else if (*s == '"')
			sbuf_puts(out, "\\\"");
		else if (*s == '\n')
			sbuf_puts(out, "\\n");
		else
			sbuf_add(out, s, 1);
	}
}

void prom_value(sbuf *out, double v)
{
	if (isnan(v))
		sbuf_puts(out, "NaN");
	else if (isinf(v))
		sbuf_puts(out, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		sbuf_printf(out, "%.0f", v);
	else
		sbuf_printf(out, "%.9g", v);
}

static void route_labels(sbuf *out, const admind_route *routes, size_t n,
						 size_t i)
{
	sbuf_puts(out, "route=\"");
	prom_label_value(out, i < n ? routes[i].pattern : "unmatched");
	sbuf_puts(out, "\",method=\"");
	sbuf_puts(out, i < n ? routes[i].method : "any");
	sbuf_puts(out, "\"");
}

void metrics_render(admind_metrics *m, const admind_route *routes, sbuf *out)
{
	size_t i, c, b;
	uint64_t v, cum;

	sbuf_puts(out, "# HELP iwg_admind_requests_total HTTP requests answered "
				   "by iwg-admind.\n"
				   "# TYPE iwg_admind_requests_total counter\n");
	for (i = 0; i <= m->n; i++)
		for (c = 0; c < N_CODES; c++) {
			v = get(&m->stats[i].count[c]);
			if (!v)
				continue;
			sbuf_puts(out, "iwg_admind_requests_total{");
			route_labels(out, routes, m->n, i);
			if (metrics_codes[c])
				sbuf_printf(out, ",code=\"%u\"} ", metrics_codes[c]);
			else
				sbuf_puts(out, ",code=\"other\"} ");
			sbuf_printf(out, "%llu\n", (unsigned long long)v);
		}
	sbuf_puts(out, "# HELP iwg_admind_request_duration_seconds Time to "
				   "answer a request.\n"
				   "# TYPE iwg_admind_request_duration_seconds histogram\n");
	for (i = 0; i <= m->n; i++) {
		v = get(&m->stats[i].total);
		if (!v)
			continue;
		cum = 0;
		for (b = 0; b < N_BUCKETS; b++) {
			cum += get(&m->stats[i].bucket[b]);
			sbuf_puts(out, "iwg_admind_request_duration_seconds_bucket{");
			route_labels(out, routes, m->n, i);
			sbuf_printf(out, ",le=\"%g\"} %llu\n", metrics_buckets[b],
						(unsigned long long)cum);
		}
		sbuf_puts(out, "iwg_admind_request_duration_seconds_bucket{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)v);
		sbuf_puts(out, "iwg_admind_request_duration_seconds_sum{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, "} %.9f\n", (double)get(&m->stats[i].sum_ns) / 1e9);
		sbuf_puts(out, "iwg_admind_request_duration_seconds_count{");
		route_labels(out, routes, m->n, i);
		sbuf_printf(out, "} %llu\n", (unsigned long long)v);
	}
}

typedef struct prom_sample {
	char *name;
	char *labels;
	const char *type;
	double v;
	size_t seq;
} prom_sample;

struct prom_set {
	prom_sample *v;
	size_t n, cap;
	int oom;
};

prom_set *promset_new(void)
{
	return calloc(1, sizeof(prom_set));
}

void promset_add(prom_set *s, const char *prefix, const char *raw,
				 const char *type, const char *labels, double v)
{
	prom_sample *nv, *p;
	sbuf name;

	if (s->oom)
		return;
	if (s->n == s->cap) {
		nv = realloc(s->v, (s->cap ? s->cap * 2 : 64) * sizeof(*nv));
		if (!nv) {
			s->oom = 1;
			return;
		}
		s->v = nv;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	sbuf_init(&name);
	prom_name(&name, prefix, raw);
	p = &s->v[s->n];
	p->name = sbuf_steal(&name, NULL);
	p->labels = strdup(labels);
	if (!p->name || !p->labels) {
		free(p->name);
		free(p->labels);
		s->oom = 1;
		return;
	}
	p->type = type;
	p->v = v;
	p->seq = s->n++;
}

static int sample_cmp(const void *a, const void *b)
{
	const prom_sample *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void promset_render_free(prom_set *s, sbuf *out)
{
	size_t i;

	if (!s)
		return;
	qsort(s->v, s->n, sizeof(*s->v), sample_cmp);
	for (i = 0; i < s->n; i++) {
		if (i == 0 || strcmp(s->v[i].name, s->v[i - 1].name))
			sbuf_printf(out, "# TYPE %s %s\n", s->v[i].name, s->v[i].type);
		sbuf_puts(out, s->v[i].name);
		if (s->v[i].labels[0])
			sbuf_printf(out, "{%s}", s->v[i].labels);
		sbuf_puts(out, " ");
		prom_value(out, s->v[i].v);
		sbuf_puts(out, "\n");
	}
	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].labels);
	}
	free(s->v);
	free(s);
}
