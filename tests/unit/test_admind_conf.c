/*
 * test_admind_conf.c - iwg-admind configuration parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../admin/src/conf.h"

#define HASH "0d70f4d47d471ae03bfb70505424c9c02beba78ea16e565a0b32b6bb16728d85"

static int parse(conf_settings *c, const char *text, conf_error *e)
{
	conf_defaults(c);
	return conf_parse(c, text, strlen(text), e);
}

static void defaults_fill_nodes(void **state)
{
	conf_settings c;
	conf_error e;

	(void)state;
	assert_int_equal(parse(&c, "# nothing\n\n", &e), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1");
	assert_int_equal(c.listen_port, 8088);
	assert_int_equal(c.redis_port, 6379);
	assert_int_equal(c.n_kamailio, 1);
	assert_string_equal(c.kamailio[0].url, "http://127.0.0.1:5065/RPC");
	assert_int_equal(c.n_rtpengine, 1);
	assert_int_equal(c.rtpengine[0].port, 2223);
	assert_int_equal(c.n_keys, 0);
	assert_string_equal(c.audit_stream, "iwg:audit");
}

static void full_file_parses(void **state)
{
	conf_settings c;
	conf_error e;
	const char *t = "listen = [::1]:9000\n"
					"  threads=8\r\n"
					"kamailio = k1 http://127.0.0.1:5065/RPC\n"
					"kamailio = k2 https://10.0.0.2:5065/RPC\n"
					"rtpengine = r1 127.0.0.1:2223\n"
					"api_key = ops noc " HASH "\n"
					"api_key = boss admin " HASH "\n"
					"rate_limit_key = 0.5\n"
					"tls_cert = /etc/c.pem\n"
					"tls_key = /etc/k.pem\n";

	(void)state;
	assert_int_equal(parse(&c, t, &e), 0);
	assert_string_equal(c.listen_addr, "::1");
	assert_int_equal(c.listen_port, 9000);
	assert_int_equal(c.threads, 8);
	assert_int_equal(c.n_kamailio, 2);
	assert_string_equal(c.kamailio[1].name, "k2");
	assert_int_equal(c.n_rtpengine, 1);
	assert_int_equal(c.n_keys, 2);
	assert_int_equal(c.keys[0].role, CONF_ROLE_NOC);
	assert_int_equal(c.keys[1].role, CONF_ROLE_ADMIN);
	assert_int_equal(c.keys[0].hash[0], 0x0d);
	assert_true(c.rate_key > 0.49 && c.rate_key < 0.51);
}

/* the Sentinel list is normalised (no blanks, IPv6 in brackets), the
 * master name and WAIT settings are kept; defaults: none, mymaster, off */
static void sentinels_and_wait(void **state)
{
	conf_settings c;
	conf_error e;

	(void)state;
	assert_int_equal(parse(&c, "\n", &e), 0);
	assert_string_equal(c.redis_sentinels, "");
	assert_string_equal(c.redis_sentinel_master, "mymaster");
	assert_int_equal(c.redis_wait_replicas, 0);
	assert_int_equal(c.redis_wait_timeout_ms, 500);
	assert_int_equal(parse(&c,
						   "redis_sentinels = 127.0.0.2:26379 , "
						   "[::1]:26380,s3.example.net:26381\n"
						   "redis_sentinel_master = ids-1\n"
						   "redis_wait_replicas = 2\n"
						   "redis_wait_timeout_ms = 250\n",
						   &e),
					 0);
	assert_string_equal(c.redis_sentinels, "127.0.0.2:26379,[::1]:26380,"
										   "s3.example.net:26381");
	assert_string_equal(c.redis_sentinel_master, "ids-1");
	assert_int_equal(c.redis_wait_replicas, 2);
	assert_int_equal(c.redis_wait_timeout_ms, 250);
}

/* each bad line is reported with its line number and a reason */
static void errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *needle;
	} cases[] = {
			{"threads = 4\nbogus = 1\n", 2, "unknown key"},
			{"threads = 4\nthreads = 5\n", 2, "given twice"},
			{"\n\nthreads = x\n", 3, "not an integer"},
			{"threads = 65\n", 1, "1..64"},
			{"listen = localhost:80\n", 1, "numeric IP"},
			{"listen = 127.0.0.1:0\n", 1, "HOST:PORT"},
			{"kamailio = k1\n", 1, "NAME URL"},
			{"kamailio = k1 ftp://x\n", 1, "http://"},
			{"kamailio = k1 http://a\nkamailio = k1 http://b\n", 2,
			 "used twice"},
			{"rtpengine = r1 127.0.0.1:99999\n", 1, "HOST:PORT"},
			{"rtpengine = bad/name 127.0.0.1:1\n", 1, "node name"},
			{"api_key = a root " HASH "\n", 1, "role"},
			{"api_key = a noc abc\n", 1, "64 hex"},
			{"api_key = a noc\n", 1, "ID ROLE"},
			{"threads 4\n", 1, "key = value"},
			{"rate_limit_key = -1\n", 1, "number"},
			{"tls_cert = /x\n", 0, "together"},
			{"page_size_default = 900\n", 0, "exceeds"},
			{"kamailio_rpc_key_file = /a\nkamailio_rpc_key_file = /b\n", 2,
			 "given twice"},
			{"redis_sentinels = 127.0.0.1\n", 1, "HOST:PORT"},
			{"redis_sentinels = 127.0.0.1:1,::1\n", 1,
			 "'::1' is not HOST:PORT"},
			{"redis_sentinels = 127.0.0.1:0\n", 1, "HOST:PORT"},
			{"redis_sentinels = [::1\n", 1, "HOST:PORT"},
			{"redis_sentinel_master = a b\n", 1, "redis_sentinel_master"},
			{"redis_sentinel_master =\n", 1, "redis_sentinel_master"},
			{"redis_wait_replicas = -1\n", 1, "0..16"},
			{"redis_wait_timeout_ms = 0\n", 1, "1..60000"},
	};
	conf_settings c;
	conf_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, cases[i].text, &e), -1);
		if (e.line != cases[i].line || !strstr(e.msg, cases[i].needle))
			fail_msg("case %zu: got line %ld '%s'", i, e.line, e.msg);
	}
}

static void nul_and_long_lines_rejected(void **state)
{
	char big[2048];
	conf_settings c;
	conf_error e;

	(void)state;
	conf_defaults(&c);
	assert_int_equal(conf_parse(&c, "threads = 4\0x\n", 14, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(&c, big, &e), -1);
	assert_non_null(strstr(e.msg, "longer"));
}

static void missing_file_is_named(void **state)
{
	conf_settings c;
	char err[256];

	(void)state;
	conf_defaults(&c);
	assert_int_equal(
			conf_load_file(&c, "/nonexistent/x.conf", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

/*
 * Write data[0..len) as the file NAME (none when data is NULL) and a
 * configuration of head then "KEY = <that file>", both in a fresh temp dir,
 * and load that configuration; path gets the file's path. Returns
 * conf_load_file()'s result; err holds its message.
 */
static int load_with_file(const char *head, const char *key, const char *name,
						  const char *data, size_t len, conf_settings *c,
						  char *path, size_t psz, char *err, size_t errsz)
{
	char dir[] = "/tmp/test_admind_conf.XXXXXX";
	char confpath[64];
	FILE *f;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, psz, "%s/%s", dir, name);
	snprintf(confpath, sizeof(confpath), "%s/admind.conf", dir);
	if (data) {
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	f = fopen(confpath, "w");
	assert_non_null(f);
	fprintf(f, "%s%s = %s\n", head, key, path);
	assert_int_equal(fclose(f), 0);
	conf_defaults(c);
	rc = conf_load_file(c, confpath, err, errsz);
	unlink(path);
	unlink(confpath);
	rmdir(dir);
	return rc;
}

/* the RPC key file holding key[0..keylen) (none when key is NULL) */
static int load_with_key_file(const char *key, size_t keylen, conf_settings *c,
							  char *err, size_t errsz)
{
	char path[64];

	return load_with_file("threads = 2\n", "kamailio_rpc_key_file", "rpc.key",
						  key, keylen, c, path, sizeof(path), err, errsz);
}

/* the key is the file's first line without its LF or CRLF */
static void rpc_key_is_first_line(void **state)
{
	static const struct {
		const char *file;
		const char *key;
	} cases[] = {
			{"s3cret-Key_1\n", "s3cret-Key_1"},
			{"s3cret\r\n", "s3cret"},
			{"no-newline", "no-newline"},
			{"first line\nsecond line\n", "first line"},
	};
	char key256[CONF_RPC_KEY_MAX + 2], err[512];
	conf_settings c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load_with_key_file(cases[i].file, strlen(cases[i].file), &c, err,
							   sizeof(err)) < 0)
			fail_msg("case %zu: %s", i, err);
		assert_string_equal(c.kamailio_rpc_key, cases[i].key);
		assert_int_equal(c.threads, 2);
	}
	memset(key256, 'k', CONF_RPC_KEY_MAX);
	key256[CONF_RPC_KEY_MAX] = '\n';
	if (load_with_key_file(key256, CONF_RPC_KEY_MAX + 1, &c, err, sizeof(err)) <
		0)
		fail_msg("a key of %d bytes: %s", CONF_RPC_KEY_MAX, err);
	assert_int_equal(strlen(c.kamailio_rpc_key), CONF_RPC_KEY_MAX);
}

/* a missing file or a bad key stops the load, names the key and the file,
 * and never shows the key */
static void rpc_key_file_errors(void **state)
{
	static const struct {
		const char *file; /* NULL: no file */
		size_t len;
		const char *needle;
	} cases[] = {
			{NULL, 0, "No such file"},
			{"", 0, "is empty"},
			{"\n", 1, "is empty"},
			{"\r\nsecret\n", 8, "is empty"},
			{"secret\tkey\n", 11, "control character"},
			{"secret\001key\n", 11, "control character"},
			{"secret\0key\n", 11, "control character"},
			{"secret\r\r\n", 9, "control character"},
			{"secret\177\n", 8, "control character"},
			{" secret\n", 8, "a space"},
			{"secret \n", 8, "a space"},
	};
	char big[CONF_RPC_KEY_MAX + 8], err[512];
	conf_settings c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load_with_key_file(cases[i].file, cases[i].len, &c,
											err, sizeof(err)),
						 -1);
		if (!strstr(err, cases[i].needle) ||
			!strstr(err, "kamailio_rpc_key_file: '/tmp/") ||
			!strstr(err, "/rpc.key'") || strstr(err, "secret"))
			fail_msg("case %zu: got '%s'", i, err);
	}
	memset(big, 'k', sizeof(big));
	assert_int_equal(
			load_with_key_file(big, CONF_RPC_KEY_MAX + 1, &c, err, sizeof(err)),
			-1);
	assert_non_null(strstr(err, "longer than 256 bytes"));
	assert_int_equal(load_with_key_file(big, sizeof(big), &c, err, sizeof(err)),
					 -1);
	assert_non_null(strstr(err, "longer than 256 bytes"));
}

/* conf_parse() only records the path (no I/O: the fuzz target relies on
 * it); without the key no header is configured */
static void rpc_key_file_read_by_load_only(void **state)
{
	conf_settings c;
	conf_error e;

	(void)state;
	assert_int_equal(parse(&c, "kamailio_rpc_key_file = /nonexistent/k\n", &e),
					 0);
	assert_string_equal(c.kamailio_rpc_key_file, "/nonexistent/k");
	assert_string_equal(c.kamailio_rpc_key, "");
	assert_int_equal(parse(&c, "", &e), 0);
	assert_string_equal(c.kamailio_rpc_key_file, "");
	assert_string_equal(c.kamailio_rpc_key, "");
}

/* an api_key_file holding keys after the configuration conf_text */
static int load_with_api_key_file(const char *conf_text, const char *keys,
								  conf_settings *c, char *keypath, size_t kpsz,
								  char *err, size_t errsz)
{
	return load_with_file(conf_text, "api_key_file", "api-keys.conf", keys,
						  strlen(keys), c, keypath, kpsz, err, errsz);
}

/* the keys of api_key_file add to the configuration's own; anything but an
 * api_key there, a bad key or an id used twice names the key file's line */
static void api_key_file_adds_keys(void **state)
{
	static const struct {
		const char *conf, *keys, *needle;
		long line;
	} bad[] = {
			{"", "# c\nthreads = 2\n", "only api_key lines", 2},
			{"", "api_key = a noc 12\n", "64 hex digits", 1},
			{"api_key = a noc " HASH "\n", "\napi_key = a admin " HASH "\n",
			 "used twice", 2},
			{"", "api_key = a noc " HASH "\napi_key = a noc " HASH "\n",
			 "used twice", 2},
	};
	char keypath[64], err[512], want[128];
	conf_settings c;
	size_t i;

	(void)state;
	if (load_with_api_key_file("api_key = ops noc " HASH "\n",
							   "# made at installation\n\n"
							   "api_key = admin1 admin " HASH "\n"
							   "api_key = noc1 noc " HASH "\n",
							   &c, keypath, sizeof(keypath), err,
							   sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(c.n_keys, 3);
	assert_string_equal(c.keys[0].id, "ops");
	assert_string_equal(c.keys[1].id, "admin1");
	assert_int_equal(c.keys[1].role, CONF_ROLE_ADMIN);
	assert_string_equal(c.keys[2].id, "noc1");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_with_api_key_file(bad[i].conf, bad[i].keys, &c,
												keypath, sizeof(keypath), err,
												sizeof(err)),
						 -1);
		snprintf(want, sizeof(want), "%s:%ld: ", keypath, bad[i].line);
		if (!strstr(err, want) || !strstr(err, bad[i].needle))
			fail_msg("case %zu: got '%s'", i, err);
	}
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, "/dev/null", err, sizeof(err)), 0);
	assert_string_equal(c.api_key_file, "");
}

/* a missing api_key_file is named; relative paths of both files are
 * refused (a daemon's working directory is not the operator's) */
static void key_files_named_and_absolute(void **state)
{
	conf_settings c;
	conf_error e;
	char err[512];
	FILE *f;
	char path[] = "/tmp/test_admind_conf_missing.XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("api_key_file = /nonexistent/api-keys.conf\n", f);
	assert_int_equal(fclose(f), 0);
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, path, err, sizeof(err)), -1);
	unlink(path);
	assert_non_null(strstr(err, "/nonexistent/api-keys.conf: No such file"));
	assert_int_equal(parse(&c, "api_key_file = keys.conf\n", &e), -1);
	assert_non_null(strstr(e.msg, "not an absolute path"));
	assert_int_equal(parse(&c, "kamailio_rpc_key_file = rpc.key\n", &e), -1);
	assert_non_null(strstr(e.msg, "not an absolute path"));
}

/* admin/iwg-admind.conf documents every key, and its values are the
 * defaults but for the two secret files made at installation
 * (packaging/iwg-first-secrets): parsed, it gives an empty file's
 * configuration with those two paths */
static void example_file_documents_defaults(void **state)
{
	const char *top = getenv("IWG_TOP");
	conf_settings a, b;
	conf_error e;
	char path[512], pat[80], text[16384];
	const char *k;
	size_t i, n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/admin/iwg-admind.conf", top ? top : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (parse(&a, text, &e) < 0)
		fail_msg("%s:%ld: %s", path, e.line, e.msg);
	assert_int_equal(
			parse(&b,
				  "api_key_file = /etc/iwg/admind-api-keys.conf\n"
				  "kamailio_rpc_key_file = /etc/iwg/kamailio-rpc.key\n",
				  &e),
			0);
	assert_memory_equal(&a, &b, sizeof(a));
	for (i = 0; (k = conf_key_name(i)); i++) {
		snprintf(pat, sizeof(pat), "\n%s =", k);
		if (!strstr(text, pat)) {
			snprintf(pat, sizeof(pat), "\n#%s =", k);
			if (!strstr(text, pat))
				fail_msg("key '%s' is not documented in %s", k, path);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(defaults_fill_nodes),
			cmocka_unit_test(full_file_parses),
			cmocka_unit_test(sentinels_and_wait),
			cmocka_unit_test(errors_name_the_line),
			cmocka_unit_test(nul_and_long_lines_rejected),
			cmocka_unit_test(missing_file_is_named),
			cmocka_unit_test(rpc_key_is_first_line),
			cmocka_unit_test(rpc_key_file_errors),
			cmocka_unit_test(rpc_key_file_read_by_load_only),
			cmocka_unit_test(api_key_file_adds_keys),
			cmocka_unit_test(key_files_named_and_absolute),
			cmocka_unit_test(example_file_documents_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
