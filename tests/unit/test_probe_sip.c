/*
 * Unit tests of iwg-probe's SIP parse and build
 * (tools/probe/probe_sip.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_sip.h"

static const char ok_200[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKx1;rport=5000\r\n"
		"Record-Route: <sip:127.0.0.1:5060;r2=on;lr=on;ftag=F1>, "
		"<sip:127.0.0.1:8080;transport=ws;r2=on;lr=on;ftag=F1>\r\n"
		"Record-Route: <sip:10.0.0.9;lr>\r\n"
		"f: \"Probe\" <sip:probe@iwg.test>;tag=F1\r\n"
		"t: <sip:echo@iwg.test>;tag=T9\r\n"
		"i: call-1@x\r\n"
		"CSeq: 1 INVITE\r\n"
		"m: <sip:uas@127.0.0.1:5090;transport=udp>;expires=60\r\n"
		"c: application/sdp\r\n"
		"l: 4\r\n"
		"\r\n"
		"v=0\r\nEXTRA";

static void test_parse_response(void **state)
{
	probe_sip_msg m;
	char err[128];

	(void)state;
	assert_int_equal(
			probe_sip_parse(ok_200, strlen(ok_200), &m, err, sizeof(err)), 0);
	assert_false(m.is_request);
	assert_int_equal(m.status, 200);
	assert_true(probe_str_eq(m.reason, "OK"));
	assert_int_equal(m.nvia, 1);
	assert_int_equal(m.nrr, 3);
	assert_true(
			probe_str_eq(m.rr[0], "<sip:127.0.0.1:5060;r2=on;lr=on;ftag=F1>"));
	assert_true(probe_str_eq(m.rr[2], "<sip:10.0.0.9;lr>"));
	assert_true(probe_str_eq(m.from_tag, "F1"));
	assert_true(probe_str_eq(m.to_tag, "T9"));
	assert_true(probe_str_eq(m.call_id, "call-1@x"));
	assert_int_equal(m.cseq, 1);
	assert_true(probe_str_eq(m.cseq_method, "INVITE"));
	assert_true(probe_str_eq(m.contact_uri,
							 "sip:uas@127.0.0.1:5090;transport=udp"));
	assert_true(probe_str_eq(m.content_type, "application/sdp"));
	assert_int_equal(m.body.len, 4);
	assert_memory_equal(m.body.s, "v=0\r", 4);
	assert_int_equal(m.expires, 60);
}

/* the expiry a registrar granted: the smallest of Expires and every
 * Contact's expires parameter, never one inside a URI's <> */
static void test_parse_expires(void **state)
{
#define REG_200                                                        \
	"SIP/2.0 200 OK\r\n"                                               \
	"Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bKx1\r\n"                \
	"From: <sip:a@iwg.test>;tag=F1\r\nTo: <sip:a@iwg.test>;tag=T1\r\n" \
	"Call-ID: reg-1\r\nCSeq: 2 REGISTER\r\n"
	static const char reg_200[] = REG_200
			"Contact: <sip:a@x.invalid;expires=5;transport=ws>;expires=300, "
			"\"b;expires=7\" <sip:a@y.invalid>;EXPIRES=240\r\n"
			"Expires: 3600\r\n\r\n";
	static const char none[] = REG_200 "\r\n";
	probe_sip_msg m;
	char err[128];

	(void)state;
	assert_int_equal(
			probe_sip_parse(reg_200, strlen(reg_200), &m, err, sizeof(err)), 0);
	assert_int_equal(m.expires, 240);
	assert_int_equal(probe_sip_parse(none, strlen(none), &m, err, sizeof(err)),
					 0);
	assert_int_equal(m.expires, -1);
}

static void expect_err(const char *msg, const char *why)
{
	probe_sip_msg m;
	char err[128];

	assert_int_equal(probe_sip_parse(msg, strlen(msg), &m, err, sizeof(err)),
					 -1);
	if (!strstr(err, why))
		fail_msg("error '%s' does not contain '%s'", err, why);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_err("", "empty message");
	expect_err("HELLO\r\n\r\n", "line 1: bad start line");
	expect_err("SIP/2.0 99 Low\r\n\r\n", "line 1: bad start line");
	expect_err("INVITE sip:a@b SIP/3.0\r\n\r\n", "bad start line");
	expect_err("SIP/2.0 200 OK\r\nVia x\r\n\r\n",
			   "line 2: header without colon");
	expect_err("SIP/2.0 200 OK\r\nVia: a\r\n", "no empty line");
	expect_err("SIP/2.0 200 OK\r\nVia: a\r\n\r\n", "missing one of");
	expect_err(
			"SIP/2.0 200 OK\r\nVia: a\r\nFrom: <sip:a@b>\r\nTo: <sip:b@c>\r\n"
			"Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\nabc",
			"Content-Length beyond");
	expect_err("BYE sip:a@b SIP/2.0\r\nVia: a\r\nFrom: <sip:a@b>\r\nTo: "
			   "<sip:b@c>\r\n"
			   "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
			   "CSeq method differs");
	expect_err("SIP/2.0 200 OK\r\nVia: a\r\nCSeq: x INVITE\r\n\r\n",
			   "line 3: bad or too many");
	expect_err("SIP/2.0 200 OK\r\nContact: <sip:a@b\r\n\r\n", "line 2");
}

static void test_build_request_roundtrip(void **state)
{
	probe_str routes[2] = {{"<sip:127.0.0.1:8080;transport=ws;lr>", 37},
						   {"<sip:127.0.0.1:5060;lr>", 23}};
	probe_sip_req r;
	probe_sip_msg m;
	char buf[2048], err[128];
	long n;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.method = "BYE";
	r.ruri = "sip:uas@127.0.0.1:5090";
	r.transport = "WS";
	r.via_host = "abc.invalid";
	r.branch = "b1";
	r.from = "sip:probe@iwg.test";
	r.from_tag = "F1";
	r.to = "sip:echo@iwg.test";
	r.to_tag = "T9";
	r.call_id = "c1";
	r.cseq = 2;
	r.route = routes;
	r.nroute = 2;
	n = probe_sip_build_request(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "BYE sip:uas@127.0.0.1:5090 SIP/2.0\r\n"));
	assert_non_null(strstr(
			buf, "Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKb1;rport\r\n"));
	assert_true(strstr(buf, "Route: <sip:127.0.0.1:8080") <
				strstr(buf, "Route: <sip:127.0.0.1:5060"));
	assert_int_equal(probe_sip_parse(buf, (size_t)n, &m, err, sizeof(err)), 0);
	assert_true(m.is_request);
	assert_true(probe_str_eq(m.method, "BYE"));
	assert_true(probe_str_eq(m.to_tag, "T9"));
	assert_int_equal(m.cseq, 2);
	assert_int_equal(m.content_length, 0);
	/* with a body */
	r.method = "INVITE";
	r.to_tag = NULL;
	r.nroute = 0;
	r.body = "v=0\r\n";
	r.body_len = 5;
	r.contact = "<sip:probe@abc.invalid;transport=ws>";
	n = probe_sip_build_request(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(probe_sip_parse(buf, (size_t)n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.body.len, 5);
	assert_null(m.to_tag.s);
	assert_true(
			probe_str_eq(m.contact_uri, "sip:probe@abc.invalid;transport=ws"));
	assert_int_equal(probe_sip_build_request(&r, buf, 64), -1);
}

static void test_build_response(void **state)
{
	static const char inv[] =
			"INVITE sip:probe@abc.invalid;transport=ws SIP/2.0\r\n"
			"Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKp2\r\n"
			"Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKp1\r\n"
			"Record-Route: <sip:127.0.0.1:8080;transport=ws;lr>\r\n"
			"Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
			"From: <sip:uac@x>;tag=A\r\n"
			"To: <sip:probe@iwg.test>\r\n"
			"Call-ID: z\r\n"
			"CSeq: 5 INVITE\r\n"
			"Content-Length: 0\r\n\r\n";
	probe_sip_msg req, resp;
	char buf[2048], err[128];
	long n;

	(void)state;
	assert_int_equal(probe_sip_parse(inv, strlen(inv), &req, err, sizeof(err)),
					 0);
	n = probe_sip_build_response(&req, 200, "OK", "MYTAG", "<sip:p@q>",
								 "application/sdp", "v=0\r\n", 5, buf,
								 sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(probe_sip_parse(buf, (size_t)n, &resp, err, sizeof(err)),
					 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.nvia, 2);
	assert_int_equal(resp.nrr, 2);
	assert_true(probe_str_eq(resp.to_tag, "MYTAG"));
	assert_int_equal(resp.cseq, 5);
	assert_int_equal(resp.body.len, 5);
	/* a provisional 100 gets no tag, an error no Record-Route */
	n = probe_sip_build_response(&req, 100, "Trying", "MYTAG", NULL, NULL, NULL,
								 0, buf, sizeof(buf));
	assert_int_equal(probe_sip_parse(buf, (size_t)n, &resp, err, sizeof(err)),
					 0);
	assert_null(resp.to_tag.s);
	n = probe_sip_build_response(&req, 486, "Busy Here", "MYTAG", NULL, NULL,
								 NULL, 0, buf, sizeof(buf));
	assert_int_equal(probe_sip_parse(buf, (size_t)n, &resp, err, sizeof(err)),
					 0);
	assert_int_equal(resp.nrr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_parse_response),
			cmocka_unit_test(test_parse_expires),
			cmocka_unit_test(test_parse_errors),
			cmocka_unit_test(test_build_request_roundtrip),
			cmocka_unit_test(test_build_response),
	};
	return cmocka_run_group_tests_name("probe_sip", tests, NULL, NULL);
}
