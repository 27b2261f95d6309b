/*
 * http.c - libmicrohttpd wiring: request context, body limit, rate limits,
 * authentication, role check and dispatch through the route table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "admind.h"
#include "auth.h"
#include "backend.h"
#include "log.h"
#include "static_path.h"

const char *http_query(admind_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* a query integer: 1 set, 0 absent, -1 malformed */
static int query_int(admind_req *r, const char *name, long min, long max,
					 long *out)
{
	const char *v = http_query(r, name);
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < min || n > max)
		return -1;
	*out = n;
	return 1;
}

int http_paging(admind_req *r, int *page, int *per_page, int *replied)
{
	const conf_settings *c = &r->app->conf;
	long v;

	*page = 1;
	*per_page = c->page_size_default;
	if (query_int(r, "page", 1, 1000000, &v) < 0) {
		*replied = reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "page",
							   "page must be an integer in 1..1000000");
		return -1;
	} else if (http_query(r, "page")) {
		*page = (int)v;
	}
	if (query_int(r, "per_page", 1, c->page_size_max, &v) < 0) {
		*replied = reply_error(
				r, MHD_HTTP_BAD_REQUEST, "bad_request", "per_page",
				"per_page must be an integer in 1..%d", c->page_size_max);
		return -1;
	} else if (http_query(r, "per_page")) {
		*per_page = (int)v;
	}
	return 0;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t sz)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, sz, "unknown");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
				  (socklen_t)sz);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
				  (socklen_t)sz);
}

int http_reply_429(admind_req *r, int wait, const char *what)
{
	struct json_object *j = json_object_new_object();
	char secs[16];
	admind_header h[] = {{"Retry-After", secs}, {NULL, NULL}};

	snprintf(secs, sizeof(secs), "%d", wait);
	json_object_object_add(j, "error", json_object_new_string("rate_limited"));
	json_object_object_add(j, "message", json_object_new_string(what));
	json_object_object_add(j, "retry_after", json_object_new_int(wait));
	return reply_json_h(r, MHD_HTTP_TOO_MANY_REQUESTS, j, h);
}

static int reply_405(admind_req *r)
{
	char allow[64] = "";
	admind_header h[] = {{"Allow", allow}, {NULL, NULL}};
	size_t i;

	for (i = 0; i < r->app->n_routes; i++) {
		const route_entry *rt = &r->app->routes[i];
		if (!route_match(rt->pattern, r->path, NULL) ||
			strlen(allow) + strlen(rt->method) + 3 > sizeof(allow))
			continue;
		if (allow[0])
			strcat(allow, ", ");
		strcat(allow, rt->method);
	}
	return reply_error_h(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
						 h, "method not allowed on this path");
}

/* API key check and role check; returns -1 after having answered */
static int authorize(admind_req *r, int *ret)
{
	const char *key;
	size_t len;
	int rc, wait;

	rc = auth_extract(
			MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
										MHD_HTTP_HEADER_AUTHORIZATION),
			MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-API-Key"),
			&key, &len);
	if (rc == 0) {
		*ret = reply_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL,
						   "API key required: Authorization: Bearer <key>");
		return -1;
	}
	if (rc < 0) {
		*ret = reply_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL,
						   "malformed API key header");
		return -1;
	}
	r->key = auth_lookup(&r->app->conf, key, len);
	if (!r->key) {
		*ret = reply_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL,
						   "unknown API key");
		return -1;
	}
	wait = ratelimit_take(r->app->rl_key, r->key->id, admind_now());
	if (wait) {
		*ret = http_reply_429(r, wait, "too many requests for this API key");
		return -1;
	}
	if (!(r->route->roles & r->key->role)) {
		*ret = reply_error(r, MHD_HTTP_FORBIDDEN, "forbidden", NULL,
						   "role %s may not %s %s",
						   conf_role_name(r->key->role), r->route->method,
						   r->route->pattern);
		return -1;
	}
	return 0;
}

/* every write is audit-logged: refuse it while the log cannot be written */
static int audit_ready(admind_req *r, int *ret)
{
	const char *argv[] = {"PING"};
	backend_err e;
	redisReply *rep = backend_redis_command(&r->app->conf, 1, argv, NULL, &e);

	if (rep) {
		freeReplyObject(rep);
		return 0;
	}
	*ret = reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
					   "audit log unavailable, write refused: %s", e.msg);
	return -1;
}

static int dispatch(admind_req *r)
{
	int known = 0, ret, wait;

	wait = ratelimit_take(r->app->rl_addr, r->client, admind_now());
	if (wait)
		return http_reply_429(r, wait, "too many requests from this address");
	if (r->body_over)
		return reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
						   NULL, "request body exceeds %zu bytes",
						   r->app->conf.max_body);
	if (res_static(r, &ret))
		return ret;
	r->route = route_find(r->app->routes, r->app->n_routes, r->method, r->path,
						  &r->params, &known);
	if (!r->route) {
		if (known)
			return reply_405(r);
		return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL,
						   "no such resource: %.200s", r->path);
	}
	if (r->route->roles && authorize(r, &ret) < 0)
		return ret;
	if (r->route->write && audit_ready(r, &ret) < 0)
		return ret;
	return r->route->handler(r);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn,
								 const char *url, const char *method,
								 const char *version, const char *upload_data,
								 size_t *upload_data_size, void **con_cls)
{
	admind_app *app = cls;
	admind_req *r = *con_cls;
	const char *cl;
	char *nb;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->app = app;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->t0 = admind_now();
		client_address(conn, r->client, sizeof(r->client));
		*con_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
										 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > app->conf.max_body) {
			/* refuse before reading (and before 100-continue) */
			r->body_over = 1;
			return (enum MHD_Result)reply_error(
					r, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large", NULL,
					"request body exceeds %zu bytes", app->conf.max_body);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->body_over &&
			r->body_len + *upload_data_size > app->conf.max_body) {
			r->body_over = 1;
			free(r->body);
			r->body = NULL;
			r->body_len = 0;
		}
		if (!r->body_over) {
			nb = realloc(r->body, r->body_len + *upload_data_size + 1);
			if (!nb)
				return MHD_NO;
			memcpy(nb + r->body_len, upload_data, *upload_data_size);
			r->body = nb;
			r->body_len += *upload_data_size;
			r->body[r->body_len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES; /* already answered (early 413) */
	return (enum MHD_Result)dispatch(r);
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
						 enum MHD_RequestTerminationCode toe)
{
	admind_app *app = cls;
	admind_req *r = *con_cls;
	int idx;

	(void)conn;
	(void)toe;
	if (!r)
		return;
	idx = r->route ? (int)(r->route - app->routes) : -1;
	if (r->status)
		metrics_observe(app->metrics, idx, r->status, admind_now() - r->t0);
	free(r->body);
	free(r);
	*con_cls = NULL;
}

/* %XX decoding that keeps %00 (static_path.h) */
static size_t unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return static_path_unescape(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX];

	(void)cls;
	vsnprintf(text, sizeof(text), fmt, ap);
	log_err("http: %s", text);
}

/* read a whole PEM file into a new NUL-terminated buffer */
static char *read_pem(const char *path, char *errbuf, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(1024 * 1024);
	if (!buf) {
		fclose(f);
		snprintf(errbuf, errsz, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, 1024 * 1024 - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!n || !strstr(buf, "-----BEGIN ")) {
		free(buf);
		snprintf(errbuf, errsz, "%s: not a PEM file", path);
		return NULL;
	}
	return buf;
}

int http_start(admind_app *app, char *errbuf, size_t errsz)
{
	const conf_settings *c = &app->conf;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	unsigned int flags =
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	char *cert = NULL, *key = NULL;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, c->listen_addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(c->listen_port);
	} else if (inet_pton(AF_INET6, c->listen_addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->listen_port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(errbuf, errsz, "listen address %s is not numeric",
				 c->listen_addr);
		return -1;
	}
	if (c->tls_cert[0]) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(errbuf, errsz, "this libmicrohttpd has no TLS support");
			return -1;
		}
		cert = read_pem(c->tls_cert, errbuf, errsz);
		if (!cert)
			return -1;
		key = read_pem(c->tls_key, errbuf, errsz);
		if (!key) {
			free(cert);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	app->mhd = MHD_start_daemon(
			flags, c->listen_port, NULL, NULL, access_cb, app,
			MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)c->threads,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned int)c->connection_limit,
			MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned int)c->connection_timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
			completed_cb, app,
			cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
			MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	/* libmicrohttpd does not copy them: kept until http_stop() */
	app->tls_cert_pem = cert;
	app->tls_key_pem = key;
	if (!app->mhd) {
		http_stop(app);
		snprintf(errbuf, errsz,
				 "cannot listen on %s port %u (in use, or bad TLS "
				 "certificate/key)",
				 c->listen_addr, c->listen_port);
		return -1;
	}
	return 0;
}

void http_stop(admind_app *app)
{
	if (app->mhd)
		MHD_stop_daemon(app->mhd);
	app->mhd = NULL;
	free(app->tls_cert_pem);
	free(app->tls_key_pem);
	app->tls_cert_pem = app->tls_key_pem = NULL;
}
