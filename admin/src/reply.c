/*
 * reply.c - the one response builder.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "admind.h"
#include "backend.h"

int reply_csp_init(admind_app *app)
{
	static const char fmt[] =
			"default-src 'none'; script-src 'self'; style-src 'self'; "
			"img-src 'self' data:; font-src 'self'; connect-src 'self'%s%s; "
			"manifest-src 'self'; base-uri 'none'; form-action 'self'; "
			"frame-ancestors 'none'";
	const char *extra = app->conf.web_connect_src;
	size_t n = sizeof(fmt) + strlen(extra) + 2;

	app->csp = malloc(n);
	if (!app->csp)
		return -1;
	snprintf(app->csp, n, fmt, extra[0] ? " " : "", extra);
	return 0;
}

int reply_queue(admind_req *r, unsigned status, struct MHD_Response *resp,
				const char *ctype, const char *cache, const admind_header *hdrs)
{
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	if (r->app->csp)
		MHD_add_response_header(resp, "Content-Security-Policy", r->app->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	for (; hdrs && hdrs->name; hdrs++)
		MHD_add_response_header(resp, hdrs->name, hdrs->value);
	r->status = status;
	return MHD_queue_response(r->conn, status, resp);
}

int reply_send(admind_req *r, unsigned status, const char *ctype, char *body,
			   size_t len, const admind_header *hdrs)
{
	struct MHD_Response *resp;
	int ret;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	ret = reply_queue(r, status, resp, ctype, "no-store", hdrs);
	MHD_destroy_response(resp);
	return ret;
}

int reply_json_h(admind_req *r, unsigned status, struct json_object *j,
				 const admind_header *hdrs)
{
	const char *txt;
	size_t len;
	char *body;

	txt = j ? json_object_to_json_string_length(
					  j,
					  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
					  &len)
			: "{}";
	if (!j)
		len = 2;
	body = malloc(len + 1);
	if (!body) {
		json_object_put(j);
		return MHD_NO;
	}
	memcpy(body, txt, len);
	body[len] = '\n';
	json_object_put(j);
	return reply_send(r, status, "application/json", body, len + 1, hdrs);
}

int reply_json(admind_req *r, unsigned status, struct json_object *j)
{
	return reply_json_h(r, status, j, NULL);
}

/* extra headers some error statuses need */
static const admind_header *error_headers(unsigned status)
{
	static const admind_header unauth[] = {
			{"WWW-Authenticate", "Bearer realm=\"iwg-admind\""}, {NULL, NULL}};

	return status == MHD_HTTP_UNAUTHORIZED ? unauth : NULL;
}

static int reply_error_v(admind_req *r, unsigned status, const char *code,
						 const char *field, const admind_header *hdrs,
						 const char *fmt, va_list ap)
{
	struct json_object *j = json_object_new_object();
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	json_object_object_add(j, "error", json_object_new_string(code));
	json_object_object_add(j, "message", json_object_new_string(msg));
	if (field && *field)
		json_object_object_add(j, "field", json_object_new_string(field));
	return reply_json_h(r, status, j, hdrs ? hdrs : error_headers(status));
}

int reply_error(admind_req *r, unsigned status, const char *code,
				const char *field, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = reply_error_v(r, status, code, field, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int reply_error_h(admind_req *r, unsigned status, const char *code,
				  const admind_header *hdrs, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = reply_error_v(r, status, code, NULL, hdrs, fmt, ap);
	va_end(ap);
	return ret;
}

struct json_object *reply_page_json(struct json_object *items, int page,
									int per_page, size_t total)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "items", items);
	json_object_object_add(j, "page", json_object_new_int(page));
	json_object_object_add(j, "per_page", json_object_new_int(per_page));
	json_object_object_add(j, "total", json_object_new_int64((int64_t)total));
	return j;
}

int reply_backend_error(admind_req *r, const char *what, const backend_err *e)
{
	if (e->down)
		return reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
						   "%s unavailable: %s", what, e->msg);
	return reply_error(r, MHD_HTTP_BAD_GATEWAY, "bad_gateway", NULL, "%s: %s",
					   what, e->msg);
}
