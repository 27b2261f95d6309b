/*
 * test_hdrmed_plan.c - iwg_hdrmed's edit planner: the replacements the
 * Kamailio glue turns into lumps give the message the engine printed, with
 * one replacement per run of adjacent edited headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../modules/iwg_hdrmed/hdrmed_engine.h"
#include "../../modules/iwg_hdrmed/hdrmed_plan.h"

static const char options[] =
		"OPTIONS sip:+4930123456@ims.example.net SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
		"From: <sip:alice@iwg.test>;tag=1\r\n"
		"To: <sip:+4930123456@ims.example.net>\r\n"
		"Call-ID: c1\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Contact: <sip:alice@127.0.0.1:5070;transport=ws;ob>\r\n"
		"Max-Forwards: 70\r\n"
		"User-Agent: JsSIP 3.13.0\r\n"
		"P-Asserted-Identity: <sip:alice@iwg.test>\r\n"
		"Allow: INVITE,ACK\r\n"
		"X-Last: 1\r\n"
		"\r\n"
		"body";

/* a message mediated by RULES "out" from an untrusted source, and its plan
 * with FREE_FROM */
struct planned {
	struct hdrmed_ruleset *rs;
	struct hdrmed_msg m;
	struct hdrmed_plan p;
};

static void plan(struct planned *t, const char *rules, const char *msg,
				 int free_from)
{
	struct hdrmed_ctx ctx = {.dir = HDRMED_DIR_OUT, .src_ip = "192.0.2.9"};
	struct hdrmed_err err;
	char e[128];

	t->rs = hdrmed_rules_parse(rules, (int)strlen(rules), "t", &err);
	assert_non_null(t->rs);
	assert_int_equal(
			hdrmed_msg_parse(&t->m, msg, (int)strlen(msg), e, sizeof(e)), 0);
	assert_true(hdrmed_engine_apply(t->rs, &t->m, &ctx) >= 0);
	assert_int_equal(hdrmed_plan_make(&t->p, &t->m, free_from), 0);
}

static void done(struct planned *t)
{
	hdrmed_plan_free(&t->p);
	hdrmed_msg_free(&t->m);
	hdrmed_rules_free(t->rs);
}

/* the message with the plan applied equals what the engine prints */
static void assert_plan_prints(const struct planned *t)
{
	char *want, *got = malloc(t->m.len + t->p.text_len + 1);
	int wlen, i, from = 0, n = 0;
	const struct hdrmed_edit *e;

	assert_non_null(got);
	for (i = 0; i < t->p.n; i++) {
		e = &t->p.e[i];
		assert_true(e->off >= from);
		assert_true(e->off + e->len <= t->m.hdrs_end);
		memcpy(got + n, t->m.buf + from, e->off - from);
		n += e->off - from;
		if (e->text_len > 0)
			memcpy(got + n, t->p.text + e->text, e->text_len);
		n += e->text_len;
		from = e->off + e->len;
	}
	memcpy(got + n, t->m.buf + from, t->m.len - from);
	n += t->m.len - from;
	want = hdrmed_msg_print(&t->m, &wlen);
	assert_non_null(want);
	assert_int_equal(n, wlen);
	assert_memory_equal(got, want, wlen);
	free(want);
	free(got);
}

static void test_nothing_changed(void **state)
{
	struct planned t;

	(void)state;
	plan(&t, "remove X-Absent\n", options, 0);
	assert_int_equal(t.p.n, 0);
	assert_null(t.p.text);
	assert_plan_prints(&t);
	done(&t);
}

static void test_adjacent_headers_one_edit(void **state)
{
	struct planned t;
	const char *ua = strstr(options, "User-Agent");

	(void)state;
	plan(&t, "mask-ua iwg\nremove P-Asserted-Identity\n", options, 0);
	assert_int_equal(t.p.n, 1);
	assert_int_equal(t.p.e[0].off, ua - options);
	assert_int_equal(t.p.e[0].len,
					 strstr(options, "Allow") - ua); /* both lines */
	assert_int_equal(t.p.e[0].text_len, strlen("User-Agent: iwg\r\n"));
	assert_memory_equal(t.p.text, "User-Agent: iwg\r\n", t.p.e[0].text_len);
	assert_plan_prints(&t);
	done(&t);
}

static void test_removal_inserts_nothing(void **state)
{
	struct planned t;

	(void)state;
	plan(&t, "remove Max-Forwards\n", options, 0);
	assert_int_equal(t.p.n, 1);
	assert_int_equal(t.p.e[0].len, strlen("Max-Forwards: 70\r\n"));
	assert_int_equal(t.p.e[0].text_len, 0);
	assert_plan_prints(&t);
	done(&t);
}

static void test_runs_apart_and_new_headers(void **state)
{
	struct planned t;

	(void)state;
	/* the bench's shape: Contact, then User-Agent + P-Asserted-Identity,
	 * then two new headers at the end */
	plan(&t,
		 "strip-untrusted\npcv orig-ioi=o.net\npani \"IEEE-802.11\"\n"
		 "mask-ua iwg\nuri-param-remove Contact transport\n",
		 options, 0);
	assert_int_equal(t.p.n, 3);
	assert_int_equal(t.p.e[2].off, t.m.hdrs_end);
	assert_int_equal(t.p.e[2].len, 0);
	assert_non_null(strstr(t.p.text + t.p.e[2].text, "P-Charging-Vector: "));
	assert_int_equal(t.p.e[0].text, 0);
	assert_int_equal(t.p.e[1].text, t.p.e[0].text_len);
	assert_int_equal(t.p.text_len, t.p.e[2].text + t.p.e[2].text_len);
	assert_plan_prints(&t);
	done(&t);
}

static void test_new_headers_join_last_run(void **state)
{
	struct planned t;

	(void)state;
	plan(&t, "set X-Last 2\nadd X-New a\n", options, 0);
	assert_int_equal(t.p.n, 1);
	assert_int_equal(t.p.e[0].off + t.p.e[0].len, t.m.hdrs_end);
	assert_int_equal(t.p.text_len, strlen("X-Last: 2\r\nX-New: a\r\n"));
	assert_memory_equal(t.p.text, "X-Last: 2\r\nX-New: a\r\n", t.p.text_len);
	assert_plan_prints(&t);
	done(&t);
}

static void test_new_headers_apart_when_not_free(void **state)
{
	struct planned t;

	(void)state;
	/* something else edits the header section after the last run */
	plan(&t, "set X-Last 2\nadd X-New a\n", options,
		 (int)(strstr(options, "X-Last") - options) + 1);
	assert_int_equal(t.p.n, 2);
	assert_int_equal(t.p.e[1].off, t.m.hdrs_end);
	assert_int_equal(t.p.e[1].len, 0);
	assert_plan_prints(&t);
	done(&t);
}

static void test_only_new_headers(void **state)
{
	struct planned t;

	(void)state;
	plan(&t, "add X-A 1\nadd X-B 2\n", options, 0);
	assert_int_equal(t.p.n, 1);
	assert_int_equal(t.p.e[0].off, t.m.hdrs_end);
	assert_int_equal(t.p.e[0].len, 0);
	assert_memory_equal(t.p.text, "X-A: 1\r\nX-B: 2\r\n", t.p.text_len);
	assert_plan_prints(&t);
	done(&t);
}

static void test_name_key(void **state)
{
	(void)state;
	assert_int_equal(hdrmed_name_key("Contact", 7), hdrmed_name_key("m", 1));
	assert_int_equal(hdrmed_name_key("CONTACT", 7),
					 hdrmed_name_key("contact", 7));
	assert_int_not_equal(hdrmed_name_key("Contact", 7),
						 hdrmed_name_key("Contacts", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_nothing_changed),
			cmocka_unit_test(test_adjacent_headers_one_edit),
			cmocka_unit_test(test_removal_inserts_nothing),
			cmocka_unit_test(test_runs_apart_and_new_headers),
			cmocka_unit_test(test_new_headers_join_last_run),
			cmocka_unit_test(test_new_headers_apart_when_not_free),
			cmocka_unit_test(test_only_new_headers),
			cmocka_unit_test(test_name_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
