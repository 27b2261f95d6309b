/*
 * test_verto_jsonrpc.c - Verto JSON-RPC envelope and Q.850 causes
 * (modules/iwg_verto/verto_jsonrpc.c, verto_cause.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_cause.h"
#include "../../modules/iwg_verto/verto_jsonrpc.h"

static int parse(const char *s, verto_jsonrpc_msg *m)
{
	char why[96];
	return verto_jsonrpc_parse(s, strlen(s), NULL, m, why, sizeof(why));
}

static void request_with_string_id(void **state)
{
	verto_jsonrpc_msg m;
	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":\"c0e7\",\"method\":"
						   "\"login\",\"params\":{\"login\":\"1008\"}}",
						   &m),
					 0);
	assert_int_equal(m.kind, VERTO_JSONRPC_REQUEST);
	assert_string_equal(m.method, "login");
	assert_string_equal(json_object_get_string(m.id), "c0e7");
	assert_non_null(m.params);
	verto_jsonrpc_msg_clear(&m);
}

static void request_without_params_gets_empty_object(void **state)
{
	verto_jsonrpc_msg m;
	(void)state;
	assert_int_equal(
			parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\"}", &m), 0);
	assert_true(json_object_is_type(m.params, json_type_object));
	assert_int_equal(json_object_get_int(m.id), 7);
	verto_jsonrpc_msg_clear(&m);
}

static void client_ack_is_a_result(void **state)
{
	verto_jsonrpc_msg m;
	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{"
						   "\"method\":\"verto.media\"}}",
						   &m),
					 0);
	assert_int_equal(m.kind, VERTO_JSONRPC_RESULT);
	verto_jsonrpc_msg_clear(&m);
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":"
						   "-32000,\"message\":\"x\"}}",
						   &m),
					 0);
	assert_int_equal(m.kind, VERTO_JSONRPC_ERROR);
	assert_int_equal(m.err_code, -32000);
	assert_string_equal(m.err_message, "x");
	verto_jsonrpc_msg_clear(&m);
}

static void bad_frames_get_the_right_codes(void **state)
{
	static const struct {
		const char *in;
		int code;
		int has_id;
	} cases[] = {
			{"not json", VERTO_ERR_PARSE, 0},
			{"{\"id\":1,\"method\":\"x\"", VERTO_ERR_PARSE, 0},
			{"{\"id\":1,\"method\":\"x\"} x", VERTO_ERR_PARSE, 0},
			{"[1,2]", VERTO_ERR_INVALID, 0},
			{"\"str\"", VERTO_ERR_INVALID, 0},
			{"{\"id\":1}", VERTO_ERR_INVALID, 1},
			{"{\"id\":1,\"method\":5}", VERTO_ERR_INVALID, 1},
			{"{\"id\":1,\"method\":\"\"}", VERTO_ERR_INVALID, 1},
			{"{\"id\":\"a\",\"method\":\"x\",\"params\":[]}", VERTO_ERR_PARAMS,
			 1},
			{"{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"x\"}",
			 VERTO_ERR_INVALID, 1},
			{"{\"id\":{},\"method\":\"x\"}", VERTO_ERR_INVALID, 0},
			{"{\"id\":1,\"error\":{\"message\":\"x\"}}", VERTO_ERR_INVALID, 1},
			{"{\"a\":\"\xff\xfe\"}", VERTO_ERR_PARSE, 0},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		verto_jsonrpc_msg m;
		int rc = parse(cases[i].in, &m);
		if (rc != cases[i].code)
			fail_msg("case %zu '%s': code %d, want %d", i, cases[i].in, rc,
					 cases[i].code);
		assert_null(m.root);
		assert_int_equal(m.id != NULL, cases[i].has_id);
		verto_jsonrpc_msg_clear(&m);
	}
}

static void limits_are_enforced(void **state)
{
	verto_jsonrpc_limits lim = {.max_len = 64, .max_depth = 4};
	verto_jsonrpc_msg m;
	char big[200];
	(void)state;
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"id\":1,\"method\":\"x\"}", 21);
	assert_int_equal(verto_jsonrpc_parse(big, sizeof(big), &lim, &m, NULL, 0),
					 VERTO_ERR_INVALID);
	assert_int_equal(verto_jsonrpc_parse(big, 40, &lim, &m, NULL, 0), 0);
	verto_jsonrpc_msg_clear(&m);
	const char *deep = "{\"id\":1,\"method\":\"x\",\"params\":{\"a\":{\"b\":{"
					   "\"c\":{\"d\":1}}}}}";
	lim.max_len = 0;
	assert_int_equal(verto_jsonrpc_parse(deep, strlen(deep), &lim, &m, NULL, 0),
					 VERTO_ERR_INVALID);
	verto_jsonrpc_msg_clear(&m);
	assert_int_equal(verto_jsonrpc_parse("{\"a\":1}\0", 8, NULL, &m, NULL, 0),
					 VERTO_ERR_PARSE);
}

static void builders_echo_id_and_keep_slashes(void **state)
{
	json_object *id = json_object_new_string("71aa-9");
	json_object *r = json_object_new_object();
	size_t n;
	char *s;
	(void)state;
	json_object_object_add(r, "sdp", json_object_new_string("a=x/y\r\n"));
	s = verto_jsonrpc_result(id, r, &n);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":\"71aa-9\",\"result\":{"
						   "\"sdp\":\"a=x/y\\r\\n\"}}");
	assert_int_equal(n, strlen(s));
	free(s);
	s = verto_jsonrpc_result(NULL, NULL, NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}");
	free(s);
	json_object *x = json_object_new_object();
	json_object_object_add(x, "cause", json_object_new_string("USER_BUSY"));
	s = verto_jsonrpc_error(id, VERTO_ERR_CALL, NULL, x, NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":\"71aa-9\",\"error\":{"
						   "\"code\":-32002,\"message\":\"CALL ERROR\","
						   "\"cause\":\"USER_BUSY\"}}");
	free(s);
	s = verto_jsonrpc_request(4, "verto.answer", NULL, NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":"
						   "\"verto.answer\",\"params\":{}}");
	free(s);
	json_object_put(id);
}

static void sip_status_maps_to_q850(void **state)
{
	(void)state;
	assert_string_equal(verto_cause_name(verto_cause_from_sip(486)),
						"USER_BUSY");
	assert_int_equal(verto_cause_code(verto_cause_from_sip(486)), 17);
	assert_string_equal(verto_cause_name(verto_cause_from_sip(404)),
						"UNALLOCATED_NUMBER");
	assert_string_equal(verto_cause_name(verto_cause_from_sip(480)),
						"NO_USER_RESPONSE");
	assert_string_equal(verto_cause_name(verto_cause_from_sip(408)),
						"RECOVERY_ON_TIMER_EXPIRE");
	assert_string_equal(verto_cause_name(verto_cause_from_sip(603)),
						"CALL_REJECTED");
	assert_string_equal(verto_cause_name(verto_cause_from_sip(487)),
						"ORIGINATOR_CANCEL");
	assert_string_equal(verto_cause_name(verto_cause_from_sip(499)),
						"NORMAL_UNSPECIFIED");
	assert_int_equal(verto_cause_code(VERTO_CAUSE_NORMAL_CLEARING), 16);
	assert_int_equal(verto_cause_to_sip(VERTO_CAUSE_USER_BUSY), 486);
	assert_string_equal(verto_cause_name(VERTO_CAUSE_COUNT),
						"NORMAL_UNSPECIFIED");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(request_with_string_id),
			cmocka_unit_test(request_without_params_gets_empty_object),
			cmocka_unit_test(client_ack_is_a_result),
			cmocka_unit_test(bad_frames_get_the_right_codes),
			cmocka_unit_test(limits_are_enforced),
			cmocka_unit_test(builders_echo_id_and_keep_slashes),
			cmocka_unit_test(sip_status_maps_to_q850),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
