/* Unit tests: the web-token settings of iwg_idmap and iwg_verto
 * (lib/token/token_params.h): defaults, key specs, limits, the options
 * they give to tok_verify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "token/token_params.h"

static void defaults_check_nothing_and_hold_no_key(void **state)
{
	tok_params_t p = TOK_PARAMS_DEFAULT;
	tok_opts_t o;
	char err[128] = "";

	(void)state;
	assert_int_equal(tok_params_check(&p, err, sizeof(err)), 0);
	assert_int_equal(p.keys.n, 0);
	tok_params_opts(&p, 1700000000, &o);
	assert_null(o.audience);
	assert_null(o.issuer);
	assert_int_equal(o.skew_s, 30);
	assert_int_equal(o.now, 1700000000);
	assert_int_equal(o.max_len, 8192);
}

static void audience_and_issuer_are_checked_when_set(void **state)
{
	tok_params_t p = TOK_PARAMS_DEFAULT;
	tok_opts_t o;

	(void)state;
	p.audience = "iwg";
	p.issuer = "https://idp.example.com";
	p.skew_s = 0;
	p.max_len = 16;
	tok_params_opts(&p, 5, &o);
	assert_string_equal(o.audience, "iwg");
	assert_string_equal(o.issuer, "https://idp.example.com");
	assert_int_equal(o.skew_s, 0);
	assert_int_equal(o.max_len, 16);
}

static void refused(const tok_params_t *p, const char *want)
{
	char err[128] = "";

	assert_int_equal(tok_params_check(p, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void limits_are_enforced(void **state)
{
	tok_params_t p = TOK_PARAMS_DEFAULT;

	(void)state;
	p.skew_s = -1;
	refused(&p, "'token_skew' must be at least 0, not -1");
	p.skew_s = 30;
	p.max_len = 15;
	refused(&p, "'token_max_len' must be 16 to 65536, not 15");
	p.max_len = 65537;
	refused(&p, "'token_max_len' must be 16 to 65536, not 65537");
	p.max_len = 8192;
	p.issuer = NULL;
	refused(&p, "'token_issuer' is not set");
	p.issuer = "";
	p.audience = NULL;
	refused(&p, "'token_audience' is not set");
}

static void keys_are_added_and_freed(void **state)
{
	static const char secret[] = "0123456789abcdef0123456789abcdef-one\n";
	tok_params_t p = TOK_PARAMS_DEFAULT;
	char path[] = "/tmp/test_token_params_XXXXXX", spec[128], err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret, strlen(secret)), (int)strlen(secret));
	close(fd);
	snprintf(spec, sizeof(spec), "kid=k1;alg=HS256;file=%s", path);
	assert_int_equal(tok_params_add_key(&p, spec, err, sizeof(err)), 0);
	assert_int_equal(p.keys.n, 1);
	assert_string_equal(p.keys.keys[0].kid, "k1");
	/* the same kid twice is refused, with the parameter named */
	assert_int_equal(tok_params_add_key(&p, spec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'token_key': "));
	assert_int_equal(strncmp(err, "'token_key': ", 13), 0);
	assert_int_equal(p.keys.n, 1);
	assert_int_equal(tok_params_add_key(&p, "alg=HS256", err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "'token_key': ", 13), 0);
	assert_int_equal(tok_params_add_key(&p, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "'token_key' is not set");
	tok_params_free(&p);
	assert_int_equal(p.keys.n, 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(defaults_check_nothing_and_hold_no_key),
			cmocka_unit_test(audience_and_issuer_are_checked_when_set),
			cmocka_unit_test(limits_are_enforced),
			cmocka_unit_test(keys_are_added_and_freed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
