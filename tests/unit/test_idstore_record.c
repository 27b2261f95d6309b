/* Unit tests: identity mapping records, key schema, URI normalisation,
 * change notices (lib/idstore, pure parts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "idstore/idstore_record.h"
#include "idstore/idstore_schema.h"

static int set(ids_record_t *r, ids_field_t f, const char *v, ids_error_t *e)
{
	return ids_record_set(r, f, v, strlen(v), e);
}

static void good_record(ids_record_t *r)
{
	ids_error_t e;
	ids_record_init(r);
	assert_int_equal(set(r, IDS_F_NS, "paas", &e), 0);
	assert_int_equal(set(r, IDS_F_KEY, "user-123", &e), 0);
	assert_int_equal(set(r, IDS_F_SIP_URI, "sip:alice@iwg.test", &e), 0);
}

static void test_valid_record_passes(void **state)
{
	ids_record_t r;
	ids_error_t e;
	(void)state;
	good_record(&r);
	assert_int_equal(set(&r, IDS_F_DISPLAY_NAME, "Alice Ünicode", &e), 0);
	assert_int_equal(set(&r, IDS_F_HA1, "0123456789abcdef0123456789ABCDEF", &e),
					 0);
	assert_int_equal(ids_record_validate(&r, &e), 0);
	assert_int_equal(r.enabled, 1);
}

static void test_required_fields_are_named(void **state)
{
	ids_record_t r;
	ids_error_t e;
	(void)state;
	good_record(&r);
	r.sip_uri[0] = '\0';
	assert_int_equal(ids_record_validate(&r, &e), -1);
	assert_string_equal(e.field, "sip_uri");
	assert_string_equal(e.msg, "is required");
	good_record(&r);
	r.ns[0] = '\0';
	assert_int_equal(ids_record_validate(&r, &e), -1);
	assert_string_equal(e.field, "ns");
}

static void test_bad_values_are_refused_with_field_names(void **state)
{
	static const struct {
		ids_field_t f;
		const char *v, *field;
	} bad[] = {
			{IDS_F_NS, "pa:as", "ns"},
			{IDS_F_KEY, "has space", "key"},
			{IDS_F_SIP_URI, "http://x", "sip_uri"},
			{IDS_F_SIP_URI, "sip:", "sip_uri"},
			{IDS_F_SIP_URI, "sip:<a>@b", "sip_uri"},
			{IDS_F_SIP_URI, "sip:@host", "sip_uri"},
			{IDS_F_DISPLAY_NAME, "say \"hi\"", "display_name"},
			{IDS_F_DISPLAY_NAME, "tab\there", "display_name"},
			{IDS_F_HA1, "abc", "ha1"},
			{IDS_F_HA1, "zz23456789abcdef0123456789abcdef", "ha1"},
			{IDS_F_ENABLED, "maybe", "enabled"},
			{IDS_F_NOT_AFTER, "tomorrow", "not_after"},
			{IDS_F_NOT_AFTER, "2026-02-30T00:00:00Z", "not_after"},
			{IDS_F_TENANT, "a b", "tenant"},
			{IDS_F_LANGUAGE, "fr_FR", "language"},
			{IDS_F_LANGUAGE, "en GB", "language"},
			{IDS_F_LANGUAGE, "abcdefghijklmnopq", "language"},
			{IDS_F_PRIORITY, "10", "priority"},
			{IDS_F_PRIORITY, "-1", "priority"},
			{IDS_F_PRIORITY, "x", "priority"},
			{IDS_F_DID, "33123456789", "did"},
			{IDS_F_DID, "+33 1 23 45 67 89", "did"},
			{IDS_F_DID, "+12345", "did"},
			{IDS_F_DID, "+1234567890123456", "did"},
			{IDS_F_DID, "+3312345678a", "did"},
	};
	size_t i;
	ids_record_t r;
	ids_error_t e;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_record(&r);
		memset(&e, 0, sizeof(e));
		assert_int_equal(set(&r, bad[i].f, bad[i].v, &e), -1);
		assert_string_equal(e.field, bad[i].field);
		assert_true(e.msg[0] != '\0');
	}
}

/* the routing attributes: their forms, their limits, the messages */
static void test_routing_attributes(void **state)
{
	ids_record_t r;
	ids_error_t e;
	(void)state;
	good_record(&r);
	assert_int_equal(ids_record_priority(&r), -1);
	assert_int_equal(set(&r, IDS_F_LANGUAGE, "en-GB", &e), 0);
	assert_int_equal(set(&r, IDS_F_PRIORITY, "7", &e), 0);
	assert_int_equal(set(&r, IDS_F_DID, "+33123456789", &e), 0);
	assert_int_equal(ids_record_validate(&r, &e), 0);
	assert_string_equal(r.language, "en-GB");
	assert_int_equal(ids_record_priority(&r), 7);
	assert_string_equal(r.did, "+33123456789");
	/* the bounds: 16 tag characters, 0 and 9, 6 and 15 digits */
	assert_int_equal(set(&r, IDS_F_LANGUAGE, "abcdefghijklmnop", &e), 0);
	assert_int_equal(set(&r, IDS_F_PRIORITY, "0", &e), 0);
	assert_int_equal(ids_record_priority(&r), 0);
	assert_int_equal(set(&r, IDS_F_PRIORITY, "9", &e), 0);
	assert_int_equal(set(&r, IDS_F_DID, "+123456", &e), 0);
	assert_int_equal(set(&r, IDS_F_DID, "+123456789012345", &e), 0);
	assert_int_equal(ids_record_validate(&r, &e), 0);
	/* each is optional: "" clears it */
	assert_int_equal(set(&r, IDS_F_DID, "", &e), 0);
	assert_int_equal(set(&r, IDS_F_PRIORITY, "", &e), 0);
	assert_int_equal(set(&r, IDS_F_LANGUAGE, "", &e), 0);
	assert_int_equal(ids_record_validate(&r, &e), 0);
	assert_int_equal(ids_record_priority(&r), -1);
	/* the messages say what is expected, also for a value too long */
	assert_int_equal(set(&r, IDS_F_DID, "+1234567890123456", &e), -1);
	assert_string_equal(e.msg, "must be an E.164 number: '+' then 6 to 15 "
							   "digits");
	assert_int_equal(set(&r, IDS_F_PRIORITY, "12", &e), -1);
	assert_string_equal(e.msg, "must be an integer from 0 to 9");
	assert_int_equal(set(&r, IDS_F_LANGUAGE, "fr.FR", &e), -1);
	assert_non_null(strstr(e.msg, "language tag"));
	/* a record filled by hand is checked as well */
	strcpy(r.did, "0612345678");
	assert_int_equal(ids_record_validate(&r, &e), -1);
	assert_string_equal(e.field, "did");
	r.did[0] = '\0';
	strcpy(r.priority, "x");
	assert_int_equal(ids_record_validate(&r, &e), -1);
	assert_string_equal(e.field, "priority");
	assert_int_equal(ids_record_priority(&r), -1);
	/* names and order of the fields */
	assert_int_equal(ids_field_by_name("did", 3), IDS_F_DID);
	assert_string_equal(ids_field_name(IDS_F_LANGUAGE), "language");
	assert_string_equal(ids_field_name(IDS_F_PRIORITY), "priority");
}

static void test_too_long_is_refused(void **state)
{
	char big[IDS_KEY_MAX + 2];
	ids_record_t r;
	ids_error_t e;
	(void)state;
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	good_record(&r);
	assert_int_equal(set(&r, IDS_F_KEY, big, &e), -1);
	assert_string_equal(e.field, "key");
	big[IDS_KEY_MAX] = '\0';
	assert_int_equal(set(&r, IDS_F_KEY, big, &e), 0);
}

static void test_not_after_forms(void **state)
{
	ids_record_t r;
	ids_error_t e;
	(void)state;
	good_record(&r);
	assert_int_equal(set(&r, IDS_F_NOT_AFTER, "1700000000", &e), 0);
	assert_int_equal(r.not_after, 1700000000);
	assert_int_equal(set(&r, IDS_F_NOT_AFTER, "2024-02-29T12:00:00Z", &e), 0);
	assert_int_equal(r.not_after, 1709208000);
	assert_int_equal(set(&r, IDS_F_NOT_AFTER, "", &e), 0);
	assert_int_equal(r.not_after, 0);
	assert_int_equal(ids_record_usable(&r, 2000000000), 1);
	r.not_after = 100;
	assert_int_equal(ids_record_usable(&r, 101), -1);
	r.not_after = 0;
	r.enabled = 0;
	assert_int_equal(ids_record_usable(&r, 1), 0);
}

static void test_get_renders_every_field(void **state)
{
	ids_record_t r;
	ids_error_t e;
	char buf[300];
	(void)state;
	good_record(&r);
	set(&r, IDS_F_ENABLED, "no", &e);
	assert_int_equal(ids_record_get(&r, IDS_F_ENABLED, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(ids_record_get(&r, IDS_F_SIP_URI, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "sip:alice@iwg.test");
	assert_int_equal(ids_record_get(&r, IDS_F_SIP_URI, buf, 5), -1);
	assert_int_equal(ids_field_by_name("queue", 5), IDS_F_QUEUE);
	assert_int_equal(ids_field_by_name("nope", 4), -1);
}

static void test_key_names(void **state)
{
	char k[IDS_REDIS_KEY_MAX];
	(void)state;
	assert_int_equal(ids_key_map(k, sizeof(k), "paas", "user-123"), 27);
	assert_string_equal(k, "iwg:idm:map:{paas}:user-123");
	ids_key_rev(k, sizeof(k), "web", "sip:alice@iwg.test");
	assert_string_equal(k, "iwg:idm:rev:{web}:sip:alice@iwg.test");
	assert_int_equal(ids_key_map(k, 10, "paas", "user-123"), -1);
	assert_int_equal(ids_key_did(k, sizeof(k), "+33123456789"), 24);
	assert_string_equal(k, "iwg:idm:did:+33123456789");
	assert_int_equal(ids_key_did(k, 20, "+33123456789"), -1);
}

static void test_uri_normalisation(void **state)
{
	static const char *in[][2] = {
			{"sip:Alice@Example.COM;transport=ws", "sip:Alice@example.com"},
			{" <SIP:bob@H.test:5060?X=1> ", "sip:bob@h.test:5060"},
			{"sips:Host.Only", "sips:host.only"},
			{"tel:+4930123;phone-context=x", "tel:+4930123"},
	};
	char out[IDS_URI_MAX + 1];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_true(ids_uri_norm(in[i][0], strlen(in[i][0]), out, sizeof(out)) >
					0);
		assert_string_equal(out, in[i][1]);
	}
	assert_int_equal(ids_uri_norm("  ", 2, out, sizeof(out)), -1);
	assert_int_equal(ids_uri_norm("sip:a@b", 7, out, 4), -1);
}

static void test_change_notice_parse(void **state)
{
	ids_inval_t iv;
	const char *m = "web alice sip:alice@x sip:old@x";
	(void)state;
	assert_int_equal(ids_inval_parse(m, strlen(m), &iv), 0);
	assert_int_equal(iv.all, 0);
	assert_int_equal(iv.ns_len, 3);
	assert_memory_equal(iv.key, "alice", 5);
	assert_int_equal(iv.nuris, 2);
	assert_memory_equal(iv.uri[1], "sip:old@x", 9);
	assert_int_equal(ids_inval_parse("*", 1, &iv), 0);
	assert_int_equal(iv.all, 1);
	assert_int_equal(ids_inval_parse("web", 3, &iv), -1);
	assert_int_equal(ids_inval_parse("", 0, &iv), -1);
	assert_int_equal(ids_inval_parse("a b c d e", 9, &iv), -1);
	/* DIDs (they start with '+') apart from the URIs, in any order */
	m = "web alice sip:alice@x +33123456789 sip:old@x +33999999999";
	assert_int_equal(ids_inval_parse(m, strlen(m), &iv), 0);
	assert_int_equal(iv.nuris, 2);
	assert_int_equal(iv.ndids, 2);
	assert_int_equal(iv.did_len[0], 12);
	assert_memory_equal(iv.did[0], "+33123456789", 12);
	assert_memory_equal(iv.did[1], "+33999999999", 12);
	assert_memory_equal(iv.uri[1], "sip:old@x", 9);
	m = "web alice +1234567 +2345678 +3456789";
	assert_int_equal(ids_inval_parse(m, strlen(m), &iv), -1);
	m = "web alice +12345678901234567890";
	assert_int_equal(ids_inval_parse(m, strlen(m), &iv), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_valid_record_passes),
			cmocka_unit_test(test_required_fields_are_named),
			cmocka_unit_test(test_bad_values_are_refused_with_field_names),
			cmocka_unit_test(test_routing_attributes),
			cmocka_unit_test(test_too_long_is_refused),
			cmocka_unit_test(test_not_after_forms),
			cmocka_unit_test(test_get_renders_every_field),
			cmocka_unit_test(test_key_names),
			cmocka_unit_test(test_uri_normalisation),
			cmocka_unit_test(test_change_notice_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
