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

#include <cmocka.h>

#include "../../admin/src/conf.h"

#define HASH "0d70f4d47d471ae03bfb70505424c9c02beba78ea16e565a0b32b6bb16728d85"

static int parse(admind_conf *c, const char *text, conf_error *e)
{
	conf_defaults(c);
	return conf_parse(c, text, strlen(text), e);
}

static void defaults_fill_nodes(void **state)
{
	admind_conf c;
	conf_error e;

	(void)state;
	assert_int_equal(parse(&c, "# nothing\n\n", &e), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1");
	assert_int_equal(c.listen_port, 8088);
	assert_int_equal(c.redis_port, 6390);
	assert_int_equal(c.n_kamailio, 1);
	assert_string_equal(c.kamailio[0].url, "http://127.0.0.1:5065/RPC");
	assert_int_equal(c.n_rtpengine, 1);
	assert_int_equal(c.rtpengine[0].port, 2223);
	assert_int_equal(c.n_keys, 0);
	assert_string_equal(c.audit_stream, "iwg:audit");
}

static void full_file_parses(void **state)
{
	admind_conf c;
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
	assert_int_equal(c.keys[0].role, ROLE_NOC);
	assert_int_equal(c.keys[1].role, ROLE_ADMIN);
	assert_int_equal(c.keys[0].hash[0], 0x0d);
	assert_true(c.rate_key > 0.49 && c.rate_key < 0.51);
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
	};
	admind_conf c;
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
	admind_conf c;
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
	admind_conf c;
	char err[256];

	(void)state;
	conf_defaults(&c);
	assert_int_equal(
			conf_load_file(&c, "/nonexistent/x.conf", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

/* admin/iwg-admind.conf documents every key, and its values are the
 * defaults: parsing it gives the same configuration as an empty file */
static void example_file_documents_defaults(void **state)
{
	const char *top = getenv("IWG_TOP");
	admind_conf a, b;
	conf_error e;
	char path[512], err[256], pat[80], text[16384];
	const char *k;
	size_t i, n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/admin/iwg-admind.conf", top ? top : ".");
	conf_defaults(&a);
	if (conf_load_file(&a, path, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(parse(&b, "", &e), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
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
			cmocka_unit_test(errors_name_the_line),
			cmocka_unit_test(nul_and_long_lines_rejected),
			cmocka_unit_test(missing_file_is_named),
			cmocka_unit_test(example_file_documents_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
