/*
 * static_path.c - URL path to file name, and content types, for the static
 * files (see static_path.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "static_path.h"

/* the folders of web_root served, each at /NAME/ */
static const char *const static_roots[] = {"console", "portal", "sdk",
										   "verto-cc"};

static int seg_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		   (ch >= '0' && ch <= '9') || strchr("_.~+@,-", ch) != NULL;
}

/* the first segment of path (after the leading '/') is one of the roots */
static int static_root_of(const char *path, size_t *len)
{
	size_t i, n;

	for (i = 0; i < sizeof(static_roots) / sizeof(static_roots[0]); i++) {
		n = strlen(static_roots[i]);
		if (!strncmp(path + 1, static_roots[i], n) &&
			(path[1 + n] == '/' || path[1 + n] == '\0')) {
			*len = n;
			return 1;
		}
	}
	return 0;
}

static static_path_kind static_set(char *rel, size_t relsz, static_path_kind k,
								   const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb >= relsz) {
		if (relsz)
			rel[0] = '\0';
		return STATIC_PATH_BAD;
	}
	memcpy(rel, a, la);
	memcpy(rel + la, b, lb + 1);
	return k;
}

static_path_kind static_path_map(const char *path, char *rel, size_t relsz)
{
	size_t root_len, n, seg, depth = 0;
	const char *p;

	if (relsz)
		rel[0] = '\0';
	if (!path || path[0] != '/')
		return STATIC_PATH_NONE;
	if (!strcmp(path, "/"))
		return static_set(rel, relsz, STATIC_PATH_REDIRECT, "/console/", "");
	if (!static_root_of(path, &root_len))
		return STATIC_PATH_NONE;
	n = strlen(path);
	if (n > STATIC_PATH_MAX)
		return STATIC_PATH_BAD;
	if (path[1 + root_len] == '\0') /* "/console": its folder, with '/' */
		return static_set(rel, relsz, STATIC_PATH_REDIRECT, path, "/");
	/* every segment after the root: non-empty, safe characters, no '.'
	 * first; the last may be empty (a folder: its index.html) */
	for (p = path + 1 + root_len + 1;; p += seg + 1) {
		for (seg = 0; p[seg] && p[seg] != '/'; seg++)
			if (!seg_char_ok((unsigned char)p[seg]))
				return STATIC_PATH_BAD;
		if (seg > STATIC_PATH_SEG_MAX || ++depth > STATIC_PATH_DEPTH)
			return STATIC_PATH_BAD;
		if (seg == 0)
			return p[0] ? STATIC_PATH_BAD /* "//" */
						: static_set(rel, relsz, STATIC_PATH_FILE, path + 1,
									 "index.html");
		if (p[0] == '.')
			return STATIC_PATH_BAD;
		if (!p[seg])
			return static_set(rel, relsz, STATIC_PATH_FILE, path + 1, "");
	}
}

size_t static_path_unescape(char *s)
{
	char *r = s, *w = s, hx[3] = "";
	long v;

	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) &&
			isxdigit((unsigned char)r[2])) {
			hx[0] = r[1];
			hx[1] = r[2];
			v = strtol(hx, NULL, 16);
			if (v) {
				*w++ = (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

typedef struct static_type {
	const char *ext;
	const char *type;
} static_type;

/* by extension; api.md's list, plus the manifest and font a page may use */
static const static_type static_types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".webmanifest", "application/manifest+json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".map", "application/json"},
		{".txt", "text/plain; charset=utf-8"},
		{".yaml", "text/yaml; charset=utf-8"},
		{".d.ts", "text/plain; charset=utf-8"},
};

const char *static_path_content_type(const char *name)
{
	size_t i, n = name ? strlen(name) : 0, e;

	for (i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++) {
		e = strlen(static_types[i].ext);
		if (n > e && !strcasecmp(name + n - e, static_types[i].ext))
			return static_types[i].type;
	}
	return "application/octet-stream";
}
