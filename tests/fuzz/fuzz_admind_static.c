/*
 * fuzz_admind_static.c - static file path mapping on arbitrary paths: no
 * crash, and a file name it gives never climbs out of web_root (no ".."
 * or "." segment, no empty segment, no leading '/', no byte outside the
 * safe set) and starts with one of the served folders; %XX decoding never
 * grows the path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../admin/src/static_path.h"

static int rel_is_safe(const char *rel)
{
	const char *p = rel, *e;

	if (strncmp(rel, "console/", 8) && strncmp(rel, "portal/", 7) &&
		strncmp(rel, "sdk/", 4) && strncmp(rel, "verto-cc/", 9))
		return 0;
	for (;;) {
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if (e == p || p[0] == '.')
			return 0;
		for (; p < e; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				  (*p >= '0' && *p <= '9') || strchr("_.~+@,-", *p)))
				return 0;
		if (!*e)
			return 1;
		p = e + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1), rel[STATIC_PATH_MAX + 16];
	static_path_kind k;

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	k = static_path_map(path, rel, sizeof(rel));
	if (k == STATIC_PATH_FILE && !rel_is_safe(rel))
		abort();
	if (k == STATIC_PATH_REDIRECT && (rel[0] != '/' || strchr(rel, '.')))
		abort();
	if ((k == STATIC_PATH_NONE || k == STATIC_PATH_BAD) && rel[0])
		abort();
	static_path_content_type(path);
	/* decoding never grows the string nor leaves a NUL inside it */
	if (static_path_unescape(path) != strlen(path) || strlen(path) > size)
		abort();
	free(path);
	return 0;
}
