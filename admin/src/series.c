/*
 * series.c - the ring of dashboard samples and counter rates (series.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"

struct series {
	pthread_mutex_t lock;
	series_point *ring;
	size_t cap, start, n;
	series_sample prev; /* the last sample added */
	int have_prev;
};

series *series_new(size_t cap)
{
	series *s;

	if (cap < 2)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ring = calloc(cap, sizeof(*s->ring));
	if (!s->ring) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void series_free(series *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s);
}

double series_rate(const double *prev, const double *cur, int n, double dt)
{
	double sum = 0;
	int i, used = 0;

	if (!(dt > 0))
		return NAN;
	for (i = 0; i < n; i++) {
		if (isnan(prev[i]) || isnan(cur[i]) || cur[i] < prev[i])
			continue;
		sum += cur[i] - prev[i];
		used++;
	}
	return used ? sum / dt : NAN;
}

void series_add(series *s, const series_sample *x)
{
	series_point p;
	double dt;
	int n;

	memset(&p, 0, sizeof(p));
	p.t = x->t;
	p.registrations = x->registrations;
	p.calls_active = x->calls_active;
	p.nodes_up = x->nodes_up;
	p.nodes_total = x->nodes_total;
	p.calls_per_second = p.failures_per_second = NAN;
	pthread_mutex_lock(&s->lock);
	if (s->have_prev) {
		/* nodes are the configured ones, in order: compare the common ones */
		n = x->n_nodes < s->prev.n_nodes ? x->n_nodes : s->prev.n_nodes;
		dt = x->mono - s->prev.mono;
		p.calls_per_second =
				series_rate(s->prev.calls_total, x->calls_total, n, dt);
		p.failures_per_second =
				series_rate(s->prev.failures_total, x->failures_total, n, dt);
	}
	s->prev = *x;
	s->have_prev = 1;
	if (s->n < s->cap) {
		s->ring[(s->start + s->n) % s->cap] = p;
		s->n++;
	} else {
		s->ring[s->start] = p;
		s->start = (s->start + 1) % s->cap;
	}
	pthread_mutex_unlock(&s->lock);
}

size_t series_copy(series *s, series_point *out, size_t max)
{
	size_t i, n;

	pthread_mutex_lock(&s->lock);
	n = s->n < max ? s->n : max;
	/* the newest n when max is smaller, still oldest first */
	for (i = 0; i < n; i++)
		out[i] = s->ring[(s->start + s->n - n + i) % s->cap];
	pthread_mutex_unlock(&s->lock);
	return n;
}

int series_kstat_parse(const char *line, char *name, size_t namesz,
					   double *value)
{
	const char *eq = strstr(line, " = ");
	size_t n;
	char *end;

	if (!eq || eq == line || !memchr(line, ':', (size_t)(eq - line)))
		return -1;
	n = (size_t)(eq - line);
	if (n >= namesz)
		return -1;
	*value = strtod(eq + 3, &end);
	if (end == eq + 3 || *end || !isfinite(*value))
		return -1;
	memcpy(name, line, n);
	name[n] = '\0';
	return 0;
}

int series_kstat_is_contacts(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "usrloc:", 7) && n > 16 &&
		   !strcmp(name + n - 8, "contacts") &&
		   (name[n - 9] == '_' || name[n - 9] == '-');
}
