/*
 * test_verto_ident.c - the password and token checks of iwg_verto logins
 * (modules/iwg_verto/verto_ident.c) that need no Redis; the login through
 * the identity store is covered by tests/integration/verto.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_ident.h"

static void ha1_md5_and_sha256(void **state)
{
	/* printf '1008:cc.example:1234' | md5sum / sha256sum */
	const char *md5 = "cd153fa123a89ba3c2c77f9b9430a29c";
	const char *sha = "0f93d382e98ca87fddecdb6170fbe36e"
					  "6da6a3f968602c066544ec3034d3f275";
	(void)state;
	assert_true(verto_ident_ha1_ok(md5, "1008", "cc.example", "1234"));
	assert_true(verto_ident_ha1_ok("CD153FA123A89BA3C2C77F9B9430A29C", "1008",
								   "cc.example", "1234"));
	assert_true(verto_ident_ha1_ok(sha, "1008", "cc.example", "1234"));
	assert_false(verto_ident_ha1_ok(md5, "1008", "cc.example", "12345"));
	assert_false(verto_ident_ha1_ok(md5, "1008", "other", "1234"));
	assert_false(verto_ident_ha1_ok(sha, "1008", "cc.example", ""));
	assert_false(verto_ident_ha1_ok("cd153fa1", "1008", "cc.example", "1234"));
}

static void jwt_shape(void **state)
{
	(void)state;
	assert_true(verto_ident_is_jwt("eyJhbGciOi.eyJzdWIi.c2ln-_"));
	assert_false(verto_ident_is_jwt("1234"));
	assert_false(verto_ident_is_jwt("eyJ.a"));
	assert_false(verto_ident_is_jwt("eyJ.a.b c"));
	assert_false(verto_ident_is_jwt(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(ha1_md5_and_sha256),
			cmocka_unit_test(jwt_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
