/*
 * admind.h - the daemon's shared state and the per-request context.
 *
 * The application (admind_app) is built once in main() and passed to
 * libmicrohttpd as the handler closure; it is read-only after start except
 * for the rate limiters and metrics, which lock or use atomics themselves.
 * A request context (admind_req) lives from the first call of the access
 * handler to the completion callback, which frees it.
 */
#ifndef IWG_ADMIND_ADMIND_H
#define IWG_ADMIND_ADMIND_H

#include <stddef.h>

#include "conf.h"
#include "cred.h"
#include "metrics.h"
#include "ratelimit.h"
#include "route.h"

#define ADMIND_VERSION "0.1.0"

struct MHD_Daemon;
struct MHD_Connection;
struct json_object;

typedef struct admind_app {
	conf_settings conf;
	struct MHD_Daemon *mhd;
	ratelimit *rl_key;
	ratelimit *rl_addr;
	metrics *metrics;
	const route_entry *routes;
	size_t n_routes;
	double started;					  /* monotonic seconds */
	char *tls_cert_pem, *tls_key_pem; /* kept while the daemon runs */
	char *csp;			/* Content-Security-Policy of every response */
	char *web_root;		/* realpath of conf.web_root, NULL: no static files */
	cred_signer cred;	/* credential key material (cred_load) */
	ratelimit *rl_cred; /* per key on POST /api/v1/credentials */
	/* filled by sampler.c, served by res_series.c (GET /api/v1/series) */
	struct series *series;
	/* filled by sampler.c, served by res_cluster.c (GET /api/v1/cluster);
	 * res_metrics.c reads its registration total */
	struct cluster *cluster;
	/* each Kamailio node's last registration identity (regview.h), made
	 * by sampler_start */
	struct regview_cache *regcache;
} admind_app;

struct admind_req {
	admind_app *app;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const route_entry *route; /* NULL until matched */
	route_params params;
	char *body;
	size_t body_len;
	int body_over;		 /* body exceeded max_body: answer 413 */
	const conf_key *key; /* the authenticated key, NULL on public routes */
	char client[64];	 /* client address, no port */
	double t0;			 /* monotonic seconds at arrival */
	unsigned status;	 /* status queued, 0 until then */
};

/* --------------------------------------------------------------- admind.c */

/* Monotonic clock in seconds. */
double admind_now(void);

/* Wall clock in seconds since the epoch (with fraction). */
double admind_wallclock(void);

/* ---------------------------------------------------------------- reply.c */

/* one extra response header */
typedef struct admind_header {
	const char *name;
	const char *value;
} admind_header;

struct MHD_Response;

/*
 * Build app->csp from the configuration (connect-src 'self' plus
 * web_connect_src). Returns 0, or -1 when out of memory.
 */
int reply_csp_init(admind_app *app);

/*
 * Queue resp (not destroyed here) with status after adding the headers of
 * every response: Content-Type ctype (NULL: none), Cache-Control cache,
 * the security headers (CSP, nosniff, Referrer-Policy) and hdrs ({NULL,
 * NULL}-terminated, may be NULL). Returns the MHD_queue_response() result.
 */
int reply_queue(admind_req *r, unsigned status, struct MHD_Response *resp,
				const char *ctype, const char *cache,
				const admind_header *hdrs);

/*
 * The single place every response is built and queued: status, content
 * type, body (ownership passes to the response; freed with free()) and
 * extra headers (NULL-terminated by a {NULL, NULL} entry, may be NULL).
 * Returns the MHD_queue_response() result (MHD_YES/MHD_NO).
 */
int reply_send(admind_req *r, unsigned status, const char *ctype, char *body,
			   size_t len, const admind_header *hdrs);

/* JSON response of j (released here, may be NULL for "{}"). */
int reply_json(admind_req *r, unsigned status, struct json_object *j);

/* Like reply_json() with extra headers. */
int reply_json_h(admind_req *r, unsigned status, struct json_object *j,
				 const admind_header *hdrs);

/*
 * JSON error body {"error": code, "message": msg[, "field": field]};
 * field may be NULL or "".
 */
int reply_error(admind_req *r, unsigned status, const char *code,
				const char *field, const char *fmt, ...)
		__attribute__((format(printf, 5, 6)));

/* Like reply_error() without a field and with extra headers hdrs
 * (NULL: the status's usual ones, e.g. WWW-Authenticate on 401). */
int reply_error_h(admind_req *r, unsigned status, const char *code,
				  const admind_header *hdrs, const char *fmt, ...)
		__attribute__((format(printf, 5, 6)));

/* {"items": items, "page", "per_page", "total"}; takes items. */
struct json_object *reply_page_json(struct json_object *items, int page,
									int per_page, size_t total);

struct backend_err;

/* Answer 502/503 for a backend error e (backend.h): 503 unavailable when
 * the service is down, else 502 bad_gateway; the message starts with
 * what. */
int reply_backend_error(admind_req *r, const char *what,
						const struct backend_err *e);

/* ----------------------------------------------------------- res_static.c */

/*
 * Serve a static file when r->path is a static path (GET/HEAD of /,
 * /console/..., /portal/..., /sdk/...). Returns 1 with *ret set when it
 * answered (file, redirect, 304, 404, 405), 0 when the path is not static.
 */
int res_static(admind_req *r, int *ret);

/*
 * Resolve conf.web_root into app->web_root (NULL when empty). A missing
 * folder is not an error (the static paths then answer 404): a warning
 * goes to stderr. Returns 0, or -1 when out of memory.
 */
int res_static_init(admind_app *app);

/* --------------------------------------------------------------- http.c */

/* Start libmicrohttpd for app (app->conf). Returns 0, or -1 with errbuf. */
int http_start(admind_app *app, char *errbuf, size_t errsz);

/* Stop it (waits for the workers). */
void http_stop(admind_app *app);

/*
 * Answer 429 rate_limited with Retry-After: wait (seconds) and the
 * message what.
 */
int http_reply_429(admind_req *r, int wait, const char *what);

/* Query argument of the request, or NULL. */
const char *http_query(admind_req *r, const char *name);

/*
 * Paging arguments "page" (1-based) and "per_page" with the configured
 * default and maximum. Returns 0, or -1 after answering 400.
 */
int http_paging(admind_req *r, int *page, int *per_page, int *replied);

#endif
