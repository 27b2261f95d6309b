/*
 * res_series.c - GET /api/v1/series: the dashboard's time series as the
 * sampler (sampler.c) last filled it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"
#include "series.h"

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
		return reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
						   "out of memory");
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
	return reply_json(r, MHD_HTTP_OK, j);
}
