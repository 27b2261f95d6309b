/* Unit tests: CSV and JSON-lines import parsing with line-numbered errors,
 * duplicate detection, export round trips (lib/idstore/idstore_import). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "idstore/idstore_import.h"

static int parse(const char *s, ids_format_t fmt, const char *dns,
				 ids_batch_t *b)
{
	assert_int_equal(ids_batch_init(b, 16), 0);
	return ids_parse_buffer(s, strlen(s), fmt, dns, b);
}

static void test_csv_good_file(void **state)
{
	ids_batch_t b;
	const char *csv = "ns,key,sip_uri,display_name,enabled,not_after\r\n"
					  "# a comment\n"
					  "\n"
					  "paas,user-1,sip:u1@iwg.test,\"Doe, Jane\",true,\n"
					  "paas,user-2,sip:u2@iwg.test,\"say \"\"x\"\"\",0,"
					  "2030-01-01T00:00:00Z\n";
	(void)state;
	/* a display name with quotes is invalid: check that line 5 says so */
	assert_int_equal(parse(csv, IDS_FMT_AUTO, NULL, &b), -1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.lines[0], 4);
	assert_string_equal(b.recs[0].display_name, "Doe, Jane");
	assert_int_equal(b.errs_total, 1);
	assert_int_equal(b.errs[0].line, 5);
	assert_string_equal(b.errs[0].field, "display_name");
	ids_batch_free(&b);
}

static void test_csv_default_namespace_and_multiline_field(void **state)
{
	ids_batch_t b;
	const char *csv = "key,sip_uri,queue\n"
					  "\"alice\",sip:alice@iwg.test,sales\n"
					  "bob,\"sip:bob@iwg.test\",support\n";
	(void)state;
	assert_int_equal(parse(csv, IDS_FMT_CSV, "web", &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.recs[1].ns, "web");
	assert_string_equal(b.recs[1].queue, "support");
	assert_int_equal(b.lines[1], 3);
	ids_batch_free(&b);
}

static void test_csv_errors_carry_line_numbers(void **state)
{
	ids_batch_t b;
	const char *csv = "ns,key,sip_uri\n"
					  "web,a,sip:a@x\n"
					  "web,b\n"				   /* line 3 */
					  "web,\"c\nc\",sip:c@x\n" /* line 4-5 */
					  "web,d,\"sip:d@x\n"	   /* line 6 */
					  "web,e,sip:e@x\n";
	(void)state;
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &b), -1);
	assert_true(b.errs_total >= 3);
	assert_int_equal(b.errs[0].line, 3);
	assert_non_null(strstr(b.errs[0].msg, "columns"));
	assert_int_equal(b.errs[1].line, 4);
	assert_string_equal(b.errs[1].field, "key");
	assert_int_equal(b.errs[2].line, 6);
	assert_non_null(strstr(b.errs[2].msg, "not closed"));
	ids_batch_free(&b);
}

static void test_csv_bad_header(void **state)
{
	ids_batch_t b;
	(void)state;
	assert_int_equal(parse("ns,key,sip_uri,color\n", IDS_FMT_CSV, NULL, &b),
					 -1);
	assert_int_equal(b.errs[0].line, 1);
	assert_non_null(strstr(b.errs[0].msg, "unknown column 'color'"));
	ids_batch_free(&b);
	assert_int_equal(parse("key,sip_uri\nk,sip:k@x\n", IDS_FMT_CSV, NULL, &b),
					 -1);
	assert_non_null(strstr(b.errs[0].msg, "required"));
	ids_batch_free(&b);
	assert_int_equal(parse("", IDS_FMT_CSV, NULL, &b), -1);
	ids_batch_free(&b);
}

static void test_jsonl_good_and_bad(void **state)
{
	ids_batch_t b;
	const char *j =
			"{\"ns\":\"web\",\"key\":\"a\",\"sip_uri\":\"sip:a@x\","
			"\"enabled\":false,\"not_after\":1900000000}\n"
			"\n"
			"{\"ns\":\"web\",\"key\":\"b\",\"sip_uri\":\"sip:b@x\","
			"\"impi\":null}\r\n"
			"{\"ns\":\"web\",\"key\":\"c\"\n"				 /* line 4 */
			"{\"ns\":\"web\",\"key\":\"d\",\"sip\":1}\n"	 /* line 5 */
			"[1,2]\n"										 /* line 6 */
			"{\"ns\":\"web\",\"key\":\"e\",\"sip_uri\":7}\n" /* 7 */
			"{\"ns\":\"web\",\"key\":\"f\",\"sip_uri\":\"sip:f@x\"} x\n";
	(void)state;
	assert_int_equal(parse(j, IDS_FMT_AUTO, NULL, &b), -1);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.recs[0].enabled, 0);
	assert_int_equal(b.recs[0].not_after, 1900000000);
	assert_int_equal(b.lines[1], 3);
	assert_int_equal(b.errs_total, 5);
	assert_int_equal(b.errs[0].line, 4);
	assert_int_equal(b.errs[1].line, 5);
	assert_non_null(strstr(b.errs[1].msg, "unknown member 'sip'"));
	assert_int_equal(b.errs[2].line, 6);
	assert_int_equal(b.errs[3].line, 7);
	assert_string_equal(b.errs[3].field, "sip_uri");
	assert_int_equal(b.errs[4].line, 8);
	ids_batch_free(&b);
}

static void test_duplicates_name_both_lines(void **state)
{
	ids_batch_t b;
	const char *csv = "ns,key,sip_uri\n"
					  "web,a,sip:a@x\n"
					  "web,b,sip:A@X;transport=ws\n"
					  "web,c,sip:c@x\n"
					  "web,a,sip:z@x\n"
					  "pbx,a,sip:a@x\n";
	(void)state;
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &b), -1);
	assert_int_equal(b.errs_total, 1);
	assert_int_equal(b.errs[0].line, 5);
	assert_string_equal(b.errs[0].field, "key");
	assert_non_null(strstr(b.errs[0].msg, "line 2"));
	ids_batch_free(&b);
	/* same URI apart from host case and parameters: duplicate */
	csv = "ns,key,sip_uri\nweb,a,sip:a@x\nweb,b,sip:a@X;transport=ws\n";
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &b), -1);
	assert_string_equal(b.errs[0].field, "sip_uri");
	assert_int_equal(b.errs[0].line, 3);
	ids_batch_free(&b);
}

/* export a batch to text with writer, then parse it back */
static void roundtrip(int jsonl)
{
	ids_batch_t a, b;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;
	const char *csv = "ns,key,sip_uri,display_name,impi,tenant,agent_id,queue,"
					  "ha1,enabled,not_after\n"
					  "paas,user-123,sip:u@iwg.test,\"Doe, \"\"J\"\"\"x,"
					  "u@ims.test,t1,ag7,sales,"
					  "0123456789abcdef0123456789abcdef,0,1900000000\n"
					  "web,#hash,tel:+49301234,\" padded \",,,,,,1,0\n";
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &a), -1); /* quote */
	ids_batch_free(&a);
	csv = "ns,key,sip_uri,display_name,impi,tenant,agent_id,queue,language,"
		  "priority,did,ha1,enabled,not_after\n"
		  "paas,user-123,sip:u@iwg.test,\"Doe, Jane\",u@ims.test,t1,ag7,"
		  "sales,en-GB,9,+441234567890,0123456789abcdef0123456789abcdef,0,"
		  "1900000000\n"
		  "web,#hash,tel:+49301234,\" padded \",,,,,,,,,1,0\n";
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &a), 0);
	f = open_memstream(&text, &len);
	if (!jsonl)
		ids_export_csv_header(f);
	for (i = 0; i < a.n; i++)
		(jsonl ? ids_export_jsonl : ids_export_csv)(f, &a.recs[i]);
	fclose(f);
	assert_int_equal(parse(text, IDS_FMT_AUTO, NULL, &b), 0);
	assert_int_equal(b.n, a.n);
	for (i = 0; i < a.n; i++)
		assert_memory_equal(&a.recs[i], &b.recs[i], sizeof(a.recs[i]));
	free(text);
	ids_batch_free(&a);
	ids_batch_free(&b);
}

static void test_csv_export_round_trip(void **state)
{
	(void)state;
	roundtrip(0);
}

static void test_jsonl_export_round_trip(void **state)
{
	(void)state;
	roundtrip(1);
}

static void test_routing_attributes_in_files(void **state)
{
	ids_batch_t b;
	const char *csv = "key,sip_uri,language,priority,did\n"
					  "a,sip:a@x,fr,5,+33123456789\n"
					  "b,sip:b@x,,,\n"
					  "c,sip:c@x,fr_FR,5,\n"		 /* line 4 */
					  "d,sip:d@x,de,10,\n"			 /* line 5 */
					  "e,sip:e@x,de,1,0612345678\n"; /* line 6 */
	const char *j = "{\"ns\":\"web\",\"key\":\"a\",\"sip_uri\":\"sip:a@x\","
					"\"language\":\"en-GB\",\"priority\":3,\"did\":"
					"\"+4930123456\"}\n"
					"{\"ns\":\"web\",\"key\":\"b\",\"sip_uri\":\"sip:b@x\","
					"\"priority\":\"4\",\"did\":null}\n"
					"{\"ns\":\"web\",\"key\":\"c\",\"sip_uri\":\"sip:c@x\","
					"\"priority\":12}\n"
					"{\"ns\":\"web\",\"key\":\"d\",\"sip_uri\":\"sip:d@x\","
					"\"did\":4930123456}\n";
	(void)state;
	assert_int_equal(parse(csv, IDS_FMT_CSV, "web", &b), -1);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.recs[0].language, "fr");
	assert_string_equal(b.recs[0].priority, "5");
	assert_string_equal(b.recs[0].did, "+33123456789");
	assert_string_equal(b.recs[1].did, "");
	assert_int_equal(b.errs_total, 3);
	assert_int_equal(b.errs[0].line, 4);
	assert_string_equal(b.errs[0].field, "language");
	assert_int_equal(b.errs[1].line, 5);
	assert_string_equal(b.errs[1].field, "priority");
	assert_string_equal(b.errs[1].msg, "must be an integer from 0 to 9");
	assert_int_equal(b.errs[2].line, 6);
	assert_string_equal(b.errs[2].field, "did");
	ids_batch_free(&b);
	/* JSON lines: priority as a number or a string, no number for a DID */
	assert_int_equal(parse(j, IDS_FMT_AUTO, NULL, &b), -1);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.recs[0].priority, "3");
	assert_string_equal(b.recs[0].did, "+4930123456");
	assert_string_equal(b.recs[1].priority, "4");
	assert_int_equal(b.errs_total, 2);
	assert_int_equal(b.errs[0].line, 3);
	assert_string_equal(b.errs[0].field, "priority");
	assert_int_equal(b.errs[1].line, 4);
	assert_string_equal(b.errs[1].field, "did");
	ids_batch_free(&b);
}

static void test_duplicate_dids_across_namespaces(void **state)
{
	ids_batch_t b;
	const char *csv = "ns,key,sip_uri,did\n"
					  "web,a,sip:a@x,+33100000001\n"
					  "web,b,sip:b@x,\n"
					  "web,c,sip:c@x,\n" /* no DID twice: fine */
					  "paas,a,sip:a@x,+33100000001\n";
	(void)state;
	assert_int_equal(parse(csv, IDS_FMT_CSV, NULL, &b), -1);
	assert_int_equal(b.errs_total, 1);
	assert_int_equal(b.errs[0].line, 5);
	assert_string_equal(b.errs[0].field, "did");
	assert_non_null(strstr(b.errs[0].msg, "duplicate of line 2"));
	ids_batch_free(&b);
}

static void test_error_list_is_bounded(void **state)
{
	ids_batch_t b;
	char *csv = malloc(64 * 1000 + 32);
	size_t i, n;
	(void)state;
	n = (size_t)sprintf(csv, "ns,key,sip_uri\n");
	for (i = 0; i < 1000; i++)
		n += (size_t)sprintf(csv + n, "web,k%zu,nope\n", i);
	assert_int_equal(ids_batch_init(&b, 10), 0);
	assert_int_equal(ids_parse_buffer(csv, n, IDS_FMT_CSV, NULL, &b), -1);
	assert_int_equal(b.nerrs, 10);
	assert_int_equal(b.errs_total, 1000);
	assert_int_equal(b.errs[9].line, 11);
	ids_batch_free(&b);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_csv_good_file),
			cmocka_unit_test(test_csv_default_namespace_and_multiline_field),
			cmocka_unit_test(test_csv_errors_carry_line_numbers),
			cmocka_unit_test(test_csv_bad_header),
			cmocka_unit_test(test_jsonl_good_and_bad),
			cmocka_unit_test(test_duplicates_name_both_lines),
			cmocka_unit_test(test_csv_export_round_trip),
			cmocka_unit_test(test_jsonl_export_round_trip),
			cmocka_unit_test(test_routing_attributes_in_files),
			cmocka_unit_test(test_duplicate_dids_across_namespaces),
			cmocka_unit_test(test_error_list_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
