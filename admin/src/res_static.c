/*
 * res_static.c - the static files (console, portal, SDK) from web_root:
 * GET and HEAD, a folder's index.html, ETag/Last-Modified with 304, no
 * listing, regular files only, nothing outside web_root (symbolic links
 * are resolved and must stay inside). The path rules are static_path.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "admind.h"
#include "log.h"
#include "static_path.h"

#define STATIC_FILE_MAX (32L * 1024 * 1024) /* larger files are not served */

int res_static_init(admind_app *app)
{
	char buf[PATH_MAX];

	app->web_root = NULL;
	if (!app->conf.web_root[0])
		return 0;
	if (!realpath(app->conf.web_root, buf)) {
		log_warn("web_root '%s': %s; no static files", app->conf.web_root,
				 strerror(errno));
		return 0;
	}
	app->web_root = strdup(buf);
	return app->web_root ? 0 : -1;
}

static int static_404(admind_req *r)
{
	return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL,
					   "no such file");
}

/* 302 to loc (a path made of static_path.c's safe characters) */
static int static_redirect(admind_req *r, const char *loc)
{
	admind_header h[] = {{"Location", loc}, {NULL, NULL}};

	return reply_error_h(r, MHD_HTTP_FOUND, "found", h, "see %s", loc);
}

/* open rel under app->web_root: an fd on a regular file of at most
 * STATIC_FILE_MAX bytes that resolves inside it, or -1 with *is_dir set
 * when rel is a folder (anything else refused looks missing) */
static int static_open(const admind_app *app, const char *rel, struct stat *st,
					   int *is_dir)
{
	char full[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(app->web_root);
	int fd;

	*is_dir = 0;
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", app->web_root, rel) >=
				sizeof(full) ||
		!realpath(full, real) || strncmp(real, app->web_root, n) ||
		real[n] != '/')
		return -1;
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	if (S_ISREG(st->st_mode) && st->st_size <= STATIC_FILE_MAX)
		return fd;
	*is_dir = S_ISDIR(st->st_mode);
	close(fd);
	return -1;
}

/* the ETag in If-None-Match (a list, or "*") */
static int etag_matches(admind_req *r, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
												  "If-None-Match");

	return inm && (strstr(inm, etag) || !strcmp(inm, "*"));
}

static int static_file(admind_req *r, const char *rel)
{
	char etag[64], lastmod[64], loc[STATIC_PATH_MAX + 2];
	admind_header h[] = {
			{"ETag", etag}, {"Last-Modified", lastmod}, {NULL, NULL}};
	struct MHD_Response *resp;
	struct stat st;
	struct tm tm;
	int fd, is_dir, ret;

	if (!r->app->web_root)
		return static_404(r);
	fd = static_open(r->app, rel, &st, &is_dir);
	if (fd < 0) {
		/* "/console/help" naming a folder: to "/console/help/" */
		if (is_dir && strlen(r->path) + 2 <= sizeof(loc)) {
			snprintf(loc, sizeof(loc), "%s/", r->path);
			return static_redirect(r, loc);
		}
		return static_404(r);
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
			 (unsigned long long)st.st_size,
			 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
					 (unsigned long long)st.st_mtim.tv_nsec);
	gmtime_r(&st.st_mtim.tv_sec, &tm);
	strftime(lastmod, sizeof(lastmod), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (etag_matches(r, etag)) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, (void *)"",
											   MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
		ret = reply_queue(r, MHD_HTTP_NOT_MODIFIED, resp, NULL, "no-cache", h);
		MHD_destroy_response(resp);
		return ret;
	}
	resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	ret = reply_queue(r, MHD_HTTP_OK, resp, static_path_content_type(rel),
					  "no-cache", h);
	MHD_destroy_response(resp);
	return ret;
}

int res_static(admind_req *r, int *ret)
{
	admind_header allow[] = {{"Allow", "GET, HEAD"}, {NULL, NULL}};
	char rel[STATIC_PATH_MAX + 16];
	static_path_kind k;

	k = static_path_map(r->path, rel, sizeof(rel));
	if (k == STATIC_PATH_NONE)
		return 0;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		*ret = reply_error_h(r, MHD_HTTP_METHOD_NOT_ALLOWED,
							 "method_not_allowed", allow,
							 "static files answer GET and HEAD");
		return 1;
	}
	if (k == STATIC_PATH_REDIRECT)
		*ret = static_redirect(r, rel);
	else if (k == STATIC_PATH_FILE)
		*ret = static_file(r, rel);
	else
		*ret = static_404(r);
	return 1;
}
