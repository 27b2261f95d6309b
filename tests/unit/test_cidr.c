/*
 * test_cidr.c - networks from text and address matching (lib/cidr)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cidr/cidr.h"

static int parse(const char *s, cidr_t *k, char *why, size_t whysz)
{
	return cidr_parse(s, strlen(s), k, why, whysz);
}

static void test_address_is_a_full_length_network(void **state)
{
	cidr_t k;

	(void)state;
	assert_int_equal(parse("192.0.2.7", &k, NULL, 0), 0);
	assert_int_equal(k.family, 4);
	assert_int_equal(k.bits, 32);
	assert_int_equal(cidr_match(&k, "192.0.2.7"), 1);
	assert_int_equal(cidr_match(&k, "192.0.2.8"), 0);
	assert_int_equal(parse("::1", &k, NULL, 0), 0);
	assert_int_equal(k.family, 6);
	assert_int_equal(k.bits, 128);
	assert_int_equal(cidr_match(&k, "::1"), 1);
	assert_int_equal(cidr_match(&k, "127.0.0.1"), 0);
}

static void test_prefix_bounds_the_match(void **state)
{
	cidr_t k;

	(void)state;
	assert_int_equal(parse("10.17.0.0/20", &k, NULL, 0), 0);
	assert_int_equal(cidr_match(&k, "10.17.15.255"), 1);
	assert_int_equal(cidr_match(&k, "10.17.16.0"), 0);
	assert_int_equal(parse("2001:db8::/33", &k, NULL, 0), 0);
	assert_int_equal(cidr_match(&k, "2001:db8:7fff::1"), 1);
	assert_int_equal(cidr_match(&k, "2001:db8:8000::1"), 0);
	assert_int_equal(parse("0.0.0.0/0", &k, NULL, 0), 0);
	assert_int_equal(cidr_match(&k, "203.0.113.9"), 1);
	assert_int_equal(cidr_match(&k, "not-an-ip"), 0);
	assert_int_equal(cidr_match(&k, NULL), 0);
}

static void test_bad_networks_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {"",
									  "10.0.0.1/33",
									  "::1/129",
									  "10.0.0/8",
									  "10.0.0.1/",
									  "10.0.0.1/-1",
									  "10.0.0.1/8x",
									  "host.example",
									  "10.0.0.1/0008"};
	char why[128];
	cidr_t k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why[0] = '\0';
		if (parse(bad[i], &k, why, sizeof(why)) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		if (strstr(why, bad[i]) == NULL)
			fail_msg("reason '%s' does not quote '%s'", why, bad[i]);
	}
}

static void test_list_counts_items_and_names_the_bad_one(void **state)
{
	char why[128] = "";
	const char *l = "127.0.0.21/32, 127.0.0.22/32,::1";

	(void)state;
	assert_int_equal(cidr_list_check(l, strlen(l), 0, 0, why, sizeof(why)), 3);
	l = "127.0.0.21/32,WITH_CLUSTER-needs-WITH_REGISTRAR";
	assert_int_equal(cidr_list_check(l, strlen(l), 0, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "'WITH_CLUSTER-needs-WITH_REGISTRAR'"));
	assert_int_equal(cidr_list_check("", 0, 0, 0, why, sizeof(why)), -1);
	assert_int_equal(cidr_list_check("10.0.0.1,", 9, 0, 0, why, sizeof(why)),
					 -1);
}

static void test_list_refuses_too_wide_networks(void **state)
{
	char why[128] = "";
	const char *l = "10.0.1.0/24,2001:db8::/64";

	(void)state;
	assert_int_equal(cidr_list_check(l, strlen(l), 16, 48, why, sizeof(why)),
					 2);
	l = "10.0.1.11/32,0.0.0.0/0";
	assert_int_equal(cidr_list_check(l, strlen(l), 16, 48, why, sizeof(why)),
					 -1);
	assert_non_null(strstr(why, "'0.0.0.0/0' is too wide"));
	l = "::/0";
	assert_int_equal(cidr_list_check(l, strlen(l), 16, 48, why, sizeof(why)),
					 -1);
	assert_int_equal(cidr_list_check(l, strlen(l), 0, 0, why, sizeof(why)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_address_is_a_full_length_network),
			cmocka_unit_test(test_prefix_bounds_the_match),
			cmocka_unit_test(test_bad_networks_are_refused_with_a_reason),
			cmocka_unit_test(test_list_counts_items_and_names_the_bad_one),
			cmocka_unit_test(test_list_refuses_too_wide_networks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
