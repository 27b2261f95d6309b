/*
 * static_path.h - the pure part of static file serving: which URL paths
 * are static, how one maps to a file name relative to web_root (or is
 * refused), and the content type of a file name. No I/O: the glue
 * (res_static.c) opens the file and checks that it is a regular file that
 * resolves inside web_root.
 *
 * Static paths: "/" (redirected to /console/) and everything under
 * /console, /portal and /sdk. A path segment is 1..STATIC_PATH_SEG_MAX bytes of
 * [A-Za-z0-9_.~+@,-] and does not start with '.' (so no ".", "..", hidden
 * file, and no '%', '\\', NUL or control byte: libmicrohttpd has already
 * decoded %XX, so a '%' left is a double encoding and refused).
 */
#ifndef IWG_ADMIND_STATIC_PATH_H
#define IWG_ADMIND_STATIC_PATH_H

#include <stddef.h>

#define STATIC_PATH_MAX		1024 /* longest URL path considered */
#define STATIC_PATH_SEG_MAX 128	 /* longest path segment */
#define STATIC_PATH_DEPTH	16	 /* most segments */

typedef enum static_path_kind {
	STATIC_PATH_NONE = 0, /* not a static path: the API answers (404 there) */
	STATIC_PATH_FILE,	  /* rel names a file (or a folder: see glue) */
	STATIC_PATH_REDIRECT, /* answer 302 to rel (an absolute URL path) */
	STATIC_PATH_BAD,	  /* a static path refused: answer 404 */
} static_path_kind;

/*
 * Classify the decoded URL path and, for STATIC_PATH_FILE, write the file name
 * relative to web_root into rel[0..relsz) (e.g. "console/index.html" for
 * "/console/"; a path ending in '/' gets "index.html"); for
 * STATIC_PATH_REDIRECT the Location path ("/console/" for "/" and "/console").
 * rel is "" for STATIC_PATH_NONE and STATIC_PATH_BAD.
 */
static_path_kind static_path_map(const char *path, char *rel, size_t relsz);

/*
 * Decode %XX escapes of s in place (libmicrohttpd's unescape callback, for
 * the path and query arguments): "%00" and malformed escapes stay as they
 * are, so a NUL never cuts a path short (the '%' left is then refused by
 * static_path_map() and by every route). Returns the new length.
 */
size_t static_path_unescape(char *s);

/*
 * Content type of a file name by its extension (case-insensitive);
 * "application/octet-stream" for an unknown one. Never NULL.
 */
const char *static_path_content_type(const char *name);

#endif
