/*
 * test_verto_cc.c - contact-center events of iwg_verto
 * (modules/iwg_verto/verto_cc.c): queue headers of provisional replies,
 * INFO bodies from the contact center (JSON, dtmf-relay, dtmf, other
 * types), the browser's messages for the contact center, and the msg
 * objects the browser gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_cc.h"

#define DUMP(o)                     \
	json_object_to_json_string_ext( \
			(o), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static verto_cc_text T(const char *s)
{
	verto_cc_text t = {s, s ? strlen(s) : 0};
	return t;
}

/* the msg of a provisional reply as JSON text ("" when none) */
static char last[1024];
static const char *queue(int code, const char *reason, const char *pos,
						 const char *wait, const char *menu, unsigned *bad)
{
	verto_cc_prov p = {code, T(reason), T(pos), T(wait), T(menu)};
	json_object *o = verto_cc_queue_msg(&p, bad);

	last[0] = '\0';
	if (o) {
		snprintf(last, sizeof(last), "%s", DUMP(o));
		json_object_put(o);
	}
	return last;
}

static void queue_event_of_182_with_headers(void **state)
{
	unsigned bad;

	(void)state;
	assert_string_equal(queue(182, "Queued", "3", "120", "main", &bad),
						"{\"iwg\":\"queue\",\"code\":182,\"reason\":\"Queued\","
						"\"position\":3,\"wait\":120,\"menu\":\"main\"}");
	assert_int_equal(bad, 0);
	/* a 182 alone is a queue event; absent values are left out */
	assert_string_equal(
			queue(182, "Queued", NULL, NULL, NULL, &bad),
			"{\"iwg\":\"queue\",\"code\":182,\"reason\":\"Queued\"}");
	/* white space around the values */
	assert_string_equal(
			queue(182, " In queue ", " 0 ", "\t7\t", " ivr-1 ", &bad),
			"{\"iwg\":\"queue\",\"code\":182,\"reason\":\"In queue\","
			"\"position\":0,\"wait\":7,\"menu\":\"ivr-1\"}");
	assert_int_equal(bad, 0);
}

static void other_provisionals_only_with_a_usable_header(void **state)
{
	unsigned bad;

	(void)state;
	/* a plain 180 or 183: nothing to tell */
	assert_string_equal(queue(180, "Ringing", NULL, NULL, NULL, &bad), "");
	assert_string_equal(queue(183, "Session Progress", NULL, NULL, NULL, &bad),
						"");
	/* a 183 with an IVR menu, a 180 with a position */
	assert_string_equal(
			queue(183, "Session Progress", NULL, NULL, "billing", &bad),
			"{\"iwg\":\"queue\",\"code\":183,\"reason\":"
			"\"Session Progress\",\"menu\":\"billing\"}");
	assert_string_equal(queue(180, "Ringing", "12", NULL, NULL, &bad),
						"{\"iwg\":\"queue\",\"code\":180,\"reason\":"
						"\"Ringing\",\"position\":12}");
	/* only an unusable value: nothing, and it is flagged */
	assert_string_equal(queue(180, "Ringing", "abc", NULL, NULL, &bad), "");
	assert_int_equal(bad, VERTO_CC_BAD_POSITION);
	/* outside 180..199: never */
	assert_string_equal(queue(100, "Trying", "1", NULL, NULL, &bad), "");
	assert_string_equal(queue(200, "OK", "1", NULL, NULL, &bad), "");
	assert_string_equal(queue(179, "x", "1", NULL, NULL, &bad), "");
	assert_non_null(strstr(queue(199, "x", "1", NULL, NULL, NULL), "199"));
}

static void invalid_queue_values_are_left_out(void **state)
{
	static const char *const bad_counts[] = {
			"-1",	"+3",		  "3a",			 "",   " ", "1.5",
			"0x10", "2147483648", "99999999999", "1 2"};
	unsigned bad, i;

	(void)state;
	for (i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++) {
		assert_string_equal(
				queue(182, "Queued", bad_counts[i], bad_counts[i], NULL, &bad),
				"{\"iwg\":\"queue\",\"code\":182,\"reason\":\"Queued\"}");
		assert_int_equal(bad, VERTO_CC_BAD_POSITION | VERTO_CC_BAD_WAIT);
	}
	assert_non_null(strstr(queue(182, "Queued", "2147483647", NULL, NULL, &bad),
						   "\"position\":2147483647"));
	/* menu: a token of at most 64 bytes */
	char big[80];
	memset(big, 'm', 65);
	big[65] = '\0';
	assert_null(strstr(queue(182, "Q", NULL, NULL, big, &bad), "menu"));
	assert_int_equal(bad, VERTO_CC_BAD_MENU);
	big[64] = '\0';
	assert_non_null(strstr(queue(182, "Q", NULL, NULL, big, &bad), "menu"));
	assert_null(strstr(queue(182, "Q", NULL, NULL, "a b", &bad), "menu"));
	assert_null(strstr(queue(182, "Q", NULL, NULL, "\"x\"", &bad), "menu"));
	assert_null(strstr(queue(182, "Q", NULL, NULL, "", &bad), "menu"));
	/* a reason that is not printable UTF-8: the usual phrase */
	assert_non_null(strstr(queue(182, "Q\xff", NULL, NULL, NULL, &bad),
						   "\"reason\":\"Queued\""));
	assert_int_equal(bad, VERTO_CC_BAD_REASON);
	assert_non_null(strstr(queue(182, "", NULL, NULL, NULL, &bad),
						   "\"reason\":\"Queued\""));
	assert_non_null(strstr(queue(181, NULL, "1", NULL, NULL, &bad),
						   "\"reason\":\"Call Is Being Forwarded\""));
	assert_non_null(strstr(queue(182,
								 "En file d\xe2\x80\x99"
								 "attente",
								 NULL, NULL, NULL, &bad),
						   "attente"));
	assert_int_equal(bad, 0);
}

static void text_and_token_checks(void **state)
{
	(void)state;
	assert_true(verto_cc_text_ok("Alice", 5));
	assert_true(verto_cc_text_ok("Jos\xc3\xa9", 5));
	assert_true(verto_cc_text_ok("\xf0\x9f\x98\x80", 4));
	assert_true(verto_cc_text_ok("", 0));
	assert_false(verto_cc_text_ok(NULL, 0));
	assert_false(verto_cc_text_ok("a\tb", 3));
	assert_false(verto_cc_text_ok("a\x7f", 2));
	assert_false(verto_cc_text_ok("\xc3", 1));			   /* truncated */
	assert_false(verto_cc_text_ok("\xc0\xaf", 2));		   /* overlong */
	assert_false(verto_cc_text_ok("\xe0\x80\xaf", 3));	   /* overlong */
	assert_false(verto_cc_text_ok("\xf0\x80\x80\xaf", 4)); /* overlong */
	assert_false(verto_cc_text_ok("\xed\xa0\x80", 3));	   /* surrogate */
	assert_false(verto_cc_text_ok("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(verto_cc_text_ok("\xc2\x85", 2));		   /* C1 NEL */
	assert_false(verto_cc_text_ok("\x80", 1));
	assert_false(verto_cc_text_ok("a\0b", 3));
	assert_true(verto_cc_token_ok("X-Queue-Position", 16, 64));
	assert_true(verto_cc_token_ok("a.b!%*_+`'~", 11, 64));
	assert_false(verto_cc_token_ok("X Queue", 7, 64));
	assert_false(verto_cc_token_ok("X:Q", 3, 64));
	assert_false(verto_cc_token_ok("", 0, 64));
	assert_false(verto_cc_token_ok("abc", 3, 2));
}

static void content_kinds(void **state)
{
	(void)state;
	assert_int_equal(verto_cc_content_kind(T("application/vnd.iwg.cc+json")),
					 VERTO_CC_JSON);
	assert_int_equal(verto_cc_content_kind(
							 T(" Application/VND.iwg.CC+json ; charset=utf-8")),
					 VERTO_CC_JSON);
	assert_int_equal(verto_cc_content_kind(T("application/dtmf-relay")),
					 VERTO_CC_DTMF_RELAY);
	assert_int_equal(verto_cc_content_kind(T("application/dtmf")),
					 VERTO_CC_DTMF);
	assert_int_equal(verto_cc_content_kind(T("application/dtmfx")),
					 VERTO_CC_OTHER);
	assert_int_equal(verto_cc_content_kind(T("application/json")),
					 VERTO_CC_OTHER);
	assert_int_equal(verto_cc_content_kind(T("text/plain")), VERTO_CC_OTHER);
	assert_int_equal(verto_cc_content_kind(T(NULL)), VERTO_CC_NONE);
	assert_int_equal(verto_cc_content_kind(T("  ")), VERTO_CC_NONE);
}

static void dtmf_relay_bodies(void **state)
{
	char d;
	int ms;

	(void)state;
	assert_int_equal(verto_cc_dtmf_parse("Signal=5\r\nDuration=160\r\n", 24, 1,
										 100, &d, &ms),
					 0);
	assert_int_equal(d, '5');
	assert_int_equal(ms, 160);
	/* keys in any case, white space, LF only, Duration first */
	assert_int_equal(verto_cc_dtmf_parse("duration = 250\nSIGNAL = #\n", 26, 1,
										 100, &d, &ms),
					 0);
	assert_int_equal(d, '#');
	assert_int_equal(ms, 250);
	/* no Duration, or a bad one: the default */
	assert_int_equal(verto_cc_dtmf_parse("Signal=*", 8, 1, 100, &d, &ms), 0);
	assert_int_equal(d, '*');
	assert_int_equal(ms, 100);
	assert_int_equal(
			verto_cc_dtmf_parse("Signal=1\r\nDuration=0", 20, 1, 90, &d, &ms),
			0);
	assert_int_equal(ms, 90);
	assert_int_equal(
			verto_cc_dtmf_parse("Signal=1\r\nDuration=x", 20, 1, 90, &d, &ms),
			0);
	assert_int_equal(ms, 90);
	assert_int_equal(verto_cc_dtmf_parse("Signal=1\r\nDuration=60001", 24, 1,
										 90, &d, &ms),
					 0);
	assert_int_equal(ms, 90);
	/* a-d in upper case; the event codes 10-15 */
	assert_int_equal(verto_cc_dtmf_parse("Signal=b", 8, 1, 100, &d, &ms), 0);
	assert_int_equal(d, 'B');
	assert_int_equal(verto_cc_dtmf_parse("Signal=10", 9, 1, 100, &d, &ms), 0);
	assert_int_equal(d, '*');
	assert_int_equal(verto_cc_dtmf_parse("Signal=11", 9, 1, 100, &d, &ms), 0);
	assert_int_equal(d, '#');
	assert_int_equal(verto_cc_dtmf_parse("Signal=15", 9, 1, 100, &d, &ms), 0);
	assert_int_equal(d, 'D');
	/* the first Signal counts */
	assert_int_equal(
			verto_cc_dtmf_parse("Signal=2\nSignal=x", 17, 1, 100, &d, &ms), 0);
	assert_int_equal(d, '2');
	/* no valid signal */
	static const char *const bad[] = {
			"",			 "Signal=",			  "Signal=X", "Signal=16",
			"Signal=55", "Duration=100",	  "Signal 5", "Signal=E",
			"Signa=5",	 "Signal=x\nSignal=5"};
	size_t i;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
				verto_cc_dtmf_parse(bad[i], strlen(bad[i]), 1, 100, &d, &ms),
				-1);
		assert_int_equal(d, 0);
	}
	/* too large */
	char big[VERTO_CC_DTMF_BODY_MAX + 2];
	memset(big, ' ', sizeof(big));
	memcpy(big, "Signal=5\n", 9);
	assert_int_equal(verto_cc_dtmf_parse(big, sizeof(big), 1, 100, &d, &ms),
					 -1);
}

static void dtmf_plain_bodies(void **state)
{
	char d;
	int ms;

	(void)state;
	assert_int_equal(verto_cc_dtmf_parse("7", 1, 0, 120, &d, &ms), 0);
	assert_int_equal(d, '7');
	assert_int_equal(ms, 120);
	assert_int_equal(verto_cc_dtmf_parse(" 11\r\n", 5, 0, 120, &d, &ms), 0);
	assert_int_equal(d, '#');
	assert_int_equal(verto_cc_dtmf_parse("77", 2, 0, 120, &d, &ms), -1);
	assert_int_equal(verto_cc_dtmf_parse("Signal=7", 8, 0, 120, &d, &ms), -1);
	assert_int_equal(verto_cc_dtmf_parse("", 0, 0, 120, &d, &ms), -1);
}

static void json_bodies(void **state)
{
	static const char *const bad[] = {
			"",
			"[1,2]",
			"\"event\"",
			"{\"event\":1}",
			"{\"event\":\"\"}",
			"{\"name\":\"Sam\"}",
			"{\"event\":\"x\"} junk",
			"{\"event\":\"x\",}",
			"{'event':'x'}",
			"{\"event\":\"\xff\"}",
			"{\"event\":\"x\",\"a\":[[[[[[[[[1]]]]]]]]]}",
	};
	json_object *o;
	const char *ev, *why;
	size_t i;

	(void)state;
	const char *ok = "{\"event\":\"supervisor\",\"name\":\"Sam\"}";
	assert_int_equal(verto_cc_json_body(ok, strlen(ok), &o, &ev, &why), 0);
	assert_string_equal(ev, "supervisor");
	json_object_put(o);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(
				verto_cc_json_body(bad[i], strlen(bad[i]), &o, &ev, &why), -1);
		assert_null(o);
		assert_non_null(why);
	}
	/* at most 4096 bytes */
	char *big = malloc(VERTO_CC_BODY_MAX + 2);
	size_t n = VERTO_CC_BODY_MAX;
	memset(big, ' ', n + 1);
	memcpy(big, "{\"event\":\"x\"}", 13);
	assert_int_equal(verto_cc_json_body(big, n, &o, &ev, &why), 0);
	json_object_put(o);
	assert_int_equal(verto_cc_json_body(big, n + 1, &o, &ev, &why), -1);
	assert_non_null(strstr(why, "4096"));
	free(big);
}

/* what verto_cc_info says of an INFO, the msg as JSON text in last[] */
static int info(const char *ctype, const char *body)
{
	verto_cc_info_out r;

	verto_cc_info(T(ctype), T(body), 100, &r);
	last[0] = '\0';
	if (r.msg) {
		assert_int_equal(r.code, 200);
		snprintf(last, sizeof(last), "%s", DUMP(r.msg));
		json_object_put(r.msg);
	}
	if (r.code != 200)
		assert_non_null(r.why);
	return r.code;
}

static void info_from_the_contact_center(void **state)
{
	(void)state;
	assert_int_equal(info("application/vnd.iwg.cc+json",
						  "{\"event\":\"supervisor\",\"name\":\"Sam\","
						  "\"mode\":\"listen\"}"),
					 200);
	assert_string_equal(last, "{\"iwg\":\"cc\",\"event\":\"supervisor\","
							  "\"name\":\"Sam\",\"mode\":\"listen\"}");
	/* nested members are copied; the body's own "iwg" is not */
	assert_int_equal(info("application/vnd.iwg.cc+json",
						  "{\"iwg\":\"agent\",\"event\":\"queue\",\"queue\":"
						  "\"billing\",\"position\":2,\"x\":{\"a\":[1,null]}}"),
					 200);
	assert_string_equal(last, "{\"iwg\":\"cc\",\"event\":\"queue\",\"queue\":"
							  "\"billing\",\"position\":2,\"x\":{\"a\":[1,"
							  "null]}}");
	assert_int_equal(info("application/vnd.iwg.cc+json", "{\"name\":\"Sam\"}"),
					 400);
	assert_int_equal(info("application/vnd.iwg.cc+json", "not json"), 400);
	assert_int_equal(info("application/vnd.iwg.cc+json", NULL), 400);
	assert_int_equal(
			info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
			200);
	assert_string_equal(last,
						"{\"iwg\":\"dtmf\",\"digits\":\"5\",\"duration\":160}");
	assert_int_equal(info("application/dtmf-relay", "Signal=Z\r\n"), 400);
	assert_int_equal(info("application/dtmf", "9"), 200);
	assert_string_equal(last,
						"{\"iwg\":\"dtmf\",\"digits\":\"9\",\"duration\":100}");
	assert_int_equal(info("application/dtmf", "99"), 400);
	/* other types: 415; no body: 200 and nothing to tell */
	assert_int_equal(info("text/plain", "hello"), 415);
	assert_int_equal(info(NULL, "hello"), 415);
	assert_int_equal(info("application/json", "{\"event\":\"x\"}"), 415);
	assert_int_equal(info(NULL, NULL), 200);
	assert_string_equal(last, "");
	assert_int_equal(info("text/plain", NULL), 200);
	assert_string_equal(last, "");
}

/* a browser's msg (JSON text); rc, and the body/event it gives */
static int client(const char *msg, char **body, char **event, const char **why)
{
	json_object *m = json_tokener_parse(msg);
	int rc;

	assert_non_null(m);
	*why = NULL;
	rc = verto_cc_client_msg(m, body, event, why);
	json_object_put(m);
	if (rc)
		assert_null(*body);
	if (rc < 0)
		assert_non_null(*why);
	return rc;
}

static void browser_messages_for_the_contact_center(void **state)
{
	char *body, *event;
	const char *why;

	(void)state;
	assert_int_equal(
			client("{\"from\":\"1008@cc\",\"to\":\"iwg-cc\",\"body\":"
				   "\"{ \\\"event\\\" : \\\"callback\\\", \\\"number\\\": "
				   "\\\"+33612345678\\\", \\\"when\\\":\\\"asap\\\" }\"}",
				   &body, &event, &why),
			0);
	/* re-serialised, not copied */
	assert_string_equal(body, "{\"event\":\"callback\",\"number\":"
							  "\"+33612345678\",\"when\":\"asap\"}");
	assert_string_equal(event, "callback");
	free(body);
	free(event);
	/* the object itself is taken too; no escaped slash */
	assert_int_equal(client("{\"to\":\"iwg-cc\",\"body\":{\"event\":"
							"\"change-queue\",\"queue\":\"sales/fr\"}}",
							&body, &event, &why),
					 0);
	assert_string_equal(body, "{\"event\":\"change-queue\",\"queue\":"
							  "\"sales/fr\"}");
	free(body);
	free(event);
	/* not for the contact center: handled as before */
	assert_int_equal(
			client("{\"to\":\"1009@cc\",\"body\":\"hi\"}", &body, &event, &why),
			1);
	assert_int_equal(client("{\"body\":\"{\\\"event\\\":\\\"x\\\"}\"}", &body,
							&event, &why),
					 1);
	assert_int_equal(client("[1]", &body, &event, &why), 1);
	assert_int_equal(client("{\"to\":7}", &body, &event, &why), 1);
	/* for the contact center, unusable */
	static const char *const bad[] = {
			"{\"to\":\"iwg-cc\"}",
			"{\"to\":\"iwg-cc\",\"body\":7}",
			"{\"to\":\"iwg-cc\",\"body\":\"hello\"}",
			"{\"to\":\"iwg-cc\",\"body\":\"[1]\"}",
			"{\"to\":\"iwg-cc\",\"body\":\"{\\\"name\\\":\\\"x\\\"}\"}",
			"{\"to\":\"iwg-cc\",\"body\":{\"event\":3}}",
			"{\"to\":\"iwg-cc\",\"body\":[]}",
	};
	size_t i;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(client(bad[i], &body, &event, &why), -1);
	/* larger than 4096 bytes */
	char *big = malloc(VERTO_CC_BODY_MAX + 100);
	json_object *m = json_object_new_object(), *b = json_object_new_object();
	memset(big, 'a', VERTO_CC_BODY_MAX);
	big[VERTO_CC_BODY_MAX] = '\0';
	json_object_object_add(b, "event", json_object_new_string("x"));
	json_object_object_add(b, "pad", json_object_new_string(big));
	json_object_object_add(m, "to", json_object_new_string("iwg-cc"));
	json_object_object_add(m, "body", b);
	assert_int_equal(verto_cc_client_msg(m, &body, &event, &why), -1);
	assert_non_null(strstr(why, "4096"));
	json_object_put(m);
	free(big);
}

static void agent_and_result_msgs(void **state)
{
	json_object *o;

	(void)state;
	o = verto_cc_agent_msg("Alice Agent", "2001");
	assert_string_equal(DUMP(o), "{\"iwg\":\"agent\",\"name\":\"Alice Agent\","
								 "\"number\":\"2001\"}");
	json_object_put(o);
	/* no name, or not printable UTF-8: the number */
	o = verto_cc_agent_msg("", "2001");
	assert_string_equal(DUMP(o), "{\"iwg\":\"agent\",\"name\":\"2001\","
								 "\"number\":\"2001\"}");
	json_object_put(o);
	o = verto_cc_agent_msg("Al\xffice", "2001");
	assert_non_null(strstr(DUMP(o), "\"name\":\"2001\""));
	json_object_put(o);
	assert_null(verto_cc_agent_msg("Alice", ""));
	assert_null(verto_cc_agent_msg("Alice", NULL));
	assert_null(verto_cc_agent_msg("Alice", "20\x01"));
	o = verto_cc_result_msg("callback", 200);
	assert_string_equal(DUMP(o), "{\"iwg\":\"cc-result\",\"event\":"
								 "\"callback\",\"code\":200}");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(queue_event_of_182_with_headers),
			cmocka_unit_test(other_provisionals_only_with_a_usable_header),
			cmocka_unit_test(invalid_queue_values_are_left_out),
			cmocka_unit_test(text_and_token_checks),
			cmocka_unit_test(content_kinds),
			cmocka_unit_test(dtmf_relay_bodies),
			cmocka_unit_test(dtmf_plain_bodies),
			cmocka_unit_test(json_bodies),
			cmocka_unit_test(info_from_the_contact_center),
			cmocka_unit_test(browser_messages_for_the_contact_center),
			cmocka_unit_test(agent_and_result_msgs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
