/*
 * test_verto_creds.c - the temporary static credentials file of iwg_verto
 * (modules/iwg_verto/verto_creds.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_creds.h"

static void parses_users_and_checks_passwords(void **state)
{
	const char *txt = "# users\r\n\n1008@cc.example 1234 sip:1008@cc.example "
					  "Web User \r\n  2001 pw sips:2001@cc\n";
	char err[128];
	verto_creds *t = verto_creds_parse(txt, strlen(txt), "c", err, sizeof(err));
	(void)state;
	assert_non_null(t);
	assert_int_equal(t->n, 2);
	assert_string_equal(t->users[0].display, "Web User");
	assert_string_equal(t->users[1].display, "");
	assert_non_null(verto_creds_check(t, "1008@cc.example", "1234"));
	assert_null(verto_creds_check(t, "1008@cc.example", "123"));
	assert_null(verto_creds_check(t, "1008@cc.example", "12345"));
	assert_null(verto_creds_check(t, "nobody", "1234"));
	free(t);
}

static void errors_name_file_and_line(void **state)
{
	static const struct {
		const char *txt, *want;
	} cases[] = {
			{"a b sip:x\nonly-login\n", "c:2: password missing"},
			{"a b\n", "c:1: SIP URI missing"},
			{"a b tel:1\n", "c:1: SIP URI must start with sip:"},
			{"a b sip:x\n#\na c sip:y\n", "c:3: duplicate login"},
	};
	size_t i;
	char err[128];
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(verto_creds_parse(cases[i].txt, strlen(cases[i].txt), "c",
									  err, sizeof(err)));
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
	}
	assert_null(verto_creds_load("/nonexistent/creds", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(parses_users_and_checks_passwords),
			cmocka_unit_test(errors_name_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
