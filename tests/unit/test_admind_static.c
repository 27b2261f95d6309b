/*
 * test_admind_static.c - iwg-admind static files, pure part: which URL
 * paths are static, their file names under web_root, the refusals
 * (traversal, hidden files, odd bytes) and the content types.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../admin/src/static_path.h"

static void maps_files_and_folders(void **state)
{
	static const struct {
		const char *path, *rel;
	} cases[] = {
			{"/console/", "console/index.html"},
			{"/console/app.js", "console/app.js"},
			{"/portal/docs/", "portal/docs/index.html"},
			{"/portal/docs/api.html", "portal/docs/api.html"},
			{"/sdk/iwg.min.js", "sdk/iwg.min.js"},
			{"/sdk/iwg.d.ts", "sdk/iwg.d.ts"},
			{"/verto-cc/verto-cc.js", "verto-cc/verto-cc.js"},
			{"/sdk/v1.2.3/iwg-1.2.3+b~1@x,y.js",
			 "sdk/v1.2.3/iwg-1.2.3+b~1@x,y.js"},
			{"/console/help", "console/help"},
	};
	char rel[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (static_path_map(cases[i].path, rel, sizeof(rel)) !=
			STATIC_PATH_FILE)
			fail_msg("%s: not a static file", cases[i].path);
		assert_string_equal(rel, cases[i].rel);
	}
}

static void redirects_root_and_bare_folders(void **state)
{
	char rel[64];

	(void)state;
	assert_int_equal(static_path_map("/", rel, sizeof(rel)),
					 STATIC_PATH_REDIRECT);
	assert_string_equal(rel, "/console/");
	assert_int_equal(static_path_map("/portal", rel, sizeof(rel)),
					 STATIC_PATH_REDIRECT);
	assert_string_equal(rel, "/portal/");
	assert_int_equal(static_path_map("/sdk", rel, sizeof(rel)),
					 STATIC_PATH_REDIRECT);
	assert_string_equal(rel, "/sdk/");
}

/* the API and unknown top folders are not static (the API's 404 answers) */
static void api_paths_are_not_static(void **state)
{
	static const char *const paths[] = {
			"/api/v1/calls", "/healthz", "/metrics", "/consoles/x", "/sdkx",
			"/etc/passwd",	 "",		 "console/", "/Console/",	NULL,
	};
	char rel[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (static_path_map(paths[i], rel, sizeof(rel)) != STATIC_PATH_NONE)
			fail_msg("'%s' taken as static", paths[i] ? paths[i] : "(null)");
		assert_string_equal(rel, "");
	}
}

/* traversal and odd names are refused, whatever the encoding left */
static void refuses_traversal_and_odd_names(void **state)
{
	static const char *const paths[] = {
			"/console/../etc/passwd",
			"/console/..",
			"/console/a/../../x",
			"/console/./index.html",
			"/console/.",
			"/console/.git/config",
			"/console/.env",
			"/console//index.html",
			"/console/a//",
			"/console/%2e%2e/x",
			"/console/%252e%252e/x",
			"/console/a\\..\\b",
			"/console/a b",
			"/console/a\tb",
			"/console/\x01",
			"/console/\xc3\xa9.html",
			"/console/a?b",
			"/console/a#b",
			"/console/a:b",
			"/console/a;b",
			"/console/a*",
			"/console/a\"b",
			"/console/a'b",
	};
	char rel[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (static_path_map(paths[i], rel, sizeof(rel)) != STATIC_PATH_BAD)
			fail_msg("'%s' not refused", paths[i]);
		assert_string_equal(rel, "");
	}
}

static void refuses_long_and_deep_paths(void **state)
{
	char path[STATIC_PATH_MAX + 64], rel[STATIC_PATH_MAX + 64];
	size_t i;

	(void)state;
	/* a segment over STATIC_PATH_SEG_MAX */
	strcpy(path, "/sdk/");
	memset(path + 5, 'a', STATIC_PATH_SEG_MAX + 1);
	path[5 + STATIC_PATH_SEG_MAX + 1] = '\0';
	assert_int_equal(static_path_map(path, rel, sizeof(rel)), STATIC_PATH_BAD);
	path[5 + STATIC_PATH_SEG_MAX] = '\0';
	assert_int_equal(static_path_map(path, rel, sizeof(rel)), STATIC_PATH_FILE);
	/* deeper than STATIC_PATH_DEPTH */
	strcpy(path, "/sdk");
	for (i = 0; i < STATIC_PATH_DEPTH + 1; i++)
		strcat(path, "/a");
	assert_int_equal(static_path_map(path, rel, sizeof(rel)), STATIC_PATH_BAD);
	/* longer than STATIC_PATH_MAX */
	strcpy(path, "/sdk");
	for (i = 0; strlen(path) <= STATIC_PATH_MAX; i++)
		strcat(path, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(static_path_map(path, rel, sizeof(rel)), STATIC_PATH_BAD);
	/* a rel buffer too small is a refusal, never a truncated name */
	assert_int_equal(static_path_map("/console/", rel, 10), STATIC_PATH_BAD);
	assert_string_equal(rel, "");
}

static void content_types_by_extension(void **state)
{
	(void)state;
	assert_string_equal(static_path_content_type("console/index.html"),
						"text/html; charset=utf-8");
	assert_string_equal(static_path_content_type("a/B.JS"),
						"text/javascript; charset=utf-8");
	assert_string_equal(static_path_content_type("x.mjs"),
						"text/javascript; charset=utf-8");
	assert_string_equal(static_path_content_type("x.css"),
						"text/css; charset=utf-8");
	assert_string_equal(static_path_content_type("x.json"), "application/json");
	assert_string_equal(static_path_content_type("x.js.map"),
						"application/json");
	assert_string_equal(static_path_content_type("x.svg"), "image/svg+xml");
	assert_string_equal(static_path_content_type("x.png"), "image/png");
	assert_string_equal(static_path_content_type("x.ico"), "image/x-icon");
	assert_string_equal(static_path_content_type("x.txt"),
						"text/plain; charset=utf-8");
	assert_string_equal(static_path_content_type("openapi.yaml"),
						"text/yaml; charset=utf-8");
	assert_string_equal(static_path_content_type("iwg.d.ts"),
						"text/plain; charset=utf-8");
	assert_string_equal(static_path_content_type("x.exe"),
						"application/octet-stream");
	assert_string_equal(static_path_content_type(".js"),
						"application/octet-stream");
	assert_string_equal(static_path_content_type(""),
						"application/octet-stream");
}

static void unescape_keeps_nul_escaped(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
			{"/console/a%20b", "/console/a b"},
			{"/console/%2e%2E/x", "/console/../x"},
			{"/console/a%2Fb", "/console/a/b"},
			{"/console/app.js%00.png", "/console/app.js%00.png"},
			{"%", "%"},
			{"%4", "%4"},
			{"%zz%4g", "%zz%4g"},
			{"%25%32%65", "%2e"},
			{"", ""},
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(buf, cases[i].in);
		assert_int_equal(static_path_unescape(buf), strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
	/* what is left of a NUL escape is refused as a static path */
	strcpy(buf, "/console/app.js%00.png");
	static_path_unescape(buf);
	assert_int_equal(static_path_map(buf, buf + 40, 24), STATIC_PATH_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(maps_files_and_folders),
			cmocka_unit_test(redirects_root_and_bare_folders),
			cmocka_unit_test(api_paths_are_not_static),
			cmocka_unit_test(refuses_traversal_and_odd_names),
			cmocka_unit_test(refuses_long_and_deep_paths),
			cmocka_unit_test(content_types_by_extension),
			cmocka_unit_test(unescape_keeps_nul_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
