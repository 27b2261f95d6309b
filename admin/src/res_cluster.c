/*
 * res_cluster.c - GET /api/v1/cluster: the cluster view the sampler made
 * last (cluster.h); a request never waits on a node.
 */
#include <json-c/json.h>
#include <microhttpd.h>

#include "cluster.h"
#include "handlers.h"

int res_cluster(admind_req *r)
{
	static const admind_header retry[] = {{"Retry-After", "1"}, {NULL, NULL}};
	struct json_object *j = NULL;

	if (r->app->cluster)
		j = cluster_json(r->app->cluster, admind_wallclock(),
						 r->app->conf.series_interval);
	if (!j)
		return reply_error_h(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
							 retry,
							 "the first sample of the nodes is under "
							 "way: ask again in a second");
	return reply_json(r, MHD_HTTP_OK, j);
}
