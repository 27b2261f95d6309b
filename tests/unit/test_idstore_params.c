/* Unit tests: the identity-store settings of iwg_idmap and iwg_verto
 * (lib/idstore/idstore_params.h): defaults, limits, error texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "idstore/idstore_params.h"

static void defaults_give_ids_conf_defaults(void **state)
{
	ids_params_t p = IDS_PARAMS_DEFAULT;
	ids_conf_t c, d;
	char err[128] = "";

	(void)state;
	assert_int_equal(ids_params_check(&p, 0, &c, err, sizeof(err)), 0);
	ids_conf_init(&d);
	assert_memory_equal(&c, &d, sizeof(c));
	assert_string_equal(c.addr, "127.0.0.1:6379");
	assert_string_equal(c.sentinel_master, "mymaster");
	assert_int_equal(c.connect_timeout_ms, 200);
	assert_int_equal(c.cmd_timeout_ms, 200);
}

static void values_are_copied(void **state)
{
	ids_params_t p = IDS_PARAMS_DEFAULT;
	ids_conf_t c;
	char err[128] = "";

	(void)state;
	p.addr = "cluster:10.0.0.1:6379,10.0.0.2:6379";
	p.sentinels = "127.0.0.1:26379";
	p.sentinel_master = "ids-1";
	p.password = "pw";
	p.db = 3;
	p.connect_timeout_ms = 10000;
	p.cmd_timeout_ms = 1;
	assert_int_equal(ids_params_check(&p, 10000, &c, err, sizeof(err)), 0);
	assert_string_equal(c.addr, p.addr);
	assert_string_equal(c.sentinels, "127.0.0.1:26379");
	assert_string_equal(c.sentinel_master, "ids-1");
	assert_string_equal(c.password, "pw");
	assert_int_equal(c.db, 3);
	assert_int_equal(c.connect_timeout_ms, 10000);
	assert_int_equal(c.cmd_timeout_ms, 1);
	assert_int_equal(c.wait_replicas, 0); /* not a module parameter */
}

/* p with one change is refused with exactly this message */
static void refused(const ids_params_t *p, int max, const char *want)
{
	ids_conf_t c;
	char err[128] = "";

	assert_int_equal(ids_params_check(p, max, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void integers_out_of_range_are_refused(void **state)
{
	ids_params_t p = IDS_PARAMS_DEFAULT;

	(void)state;
	p.db = -1;
	refused(&p, 0, "'redis_db' must be at least 0, not -1");
	p.db = 0;
	p.connect_timeout_ms = 0;
	refused(&p, 0, "'connect_timeout' must be at least 1, not 0");
	refused(&p, 10000, "'connect_timeout' must be 1..10000, not 0");
	p.connect_timeout_ms = 200;
	p.cmd_timeout_ms = 10001;
	refused(&p, 10000, "'cmd_timeout' must be 1..10000, not 10001");
}

static void no_upper_bound_unless_asked(void **state)
{
	ids_params_t p = IDS_PARAMS_DEFAULT;
	ids_conf_t c;
	char err[128];

	(void)state;
	p.connect_timeout_ms = p.cmd_timeout_ms = 60000;
	assert_int_equal(ids_params_check(&p, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.cmd_timeout_ms, 60000);
}

static void strings_too_long_or_unset_are_refused(void **state)
{
	ids_params_t p = IDS_PARAMS_DEFAULT;
	char big[300];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p.addr = big;
	refused(&p, 0, "'redis_addr' is longer than 255 characters");
	p.addr = IDS_DEFAULT_ADDR;
	p.sentinels = big;
	refused(&p, 0, "'sentinels' is longer than 255 characters");
	p.sentinels = "";
	big[64] = '\0';
	p.sentinel_master = big;
	refused(&p, 0, "'sentinel_master' is longer than 63 characters");
	big[63] = '\0';
	assert_int_equal(strlen(big), 63);
	{
		ids_conf_t c;
		char err[128];
		assert_int_equal(ids_params_check(&p, 0, &c, err, sizeof(err)), 0);
		assert_string_equal(c.sentinel_master, big);
	}
	p.sentinel_master = "mymaster";
	memset(big, 'a', 128);
	big[128] = '\0';
	p.password = big;
	refused(&p, 0, "'redis_password' is longer than 127 characters");
	p.password = NULL;
	refused(&p, 0, "'redis_password' is not set");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(defaults_give_ids_conf_defaults),
			cmocka_unit_test(values_are_copied),
			cmocka_unit_test(integers_out_of_range_are_refused),
			cmocka_unit_test(no_upper_bound_unless_asked),
			cmocka_unit_test(strings_too_long_or_unset_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
