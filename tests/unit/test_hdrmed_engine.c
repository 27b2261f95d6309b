/*
 * test_hdrmed_engine.c - iwg_hdrmed message parser, engine actions,
 * conditions, generators and discovery.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "../../modules/iwg_hdrmed/hdrmed_disc.h"
#include "../../modules/iwg_hdrmed/hdrmed_engine.h"
#include "../../modules/iwg_hdrmed/hdrmed_known.h"

static const char invite[] =
		"INVITE sip:bob@example.net SIP/2.0\r\n"
		"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776\r\n"
		"From: \"Alice\" <sip:alice@iwg.test>;tag=1928\r\n"
		"To: <sip:+4930123456@example.net>\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Contact: <sip:a1b2@df7jal23ls0d.invalid;transport=ws;ob>"
		";+sip.instance=\"<urn:uuid:1>\";reg-id=1, sip:c@d;expires=3\r\n"
		"P-Asserted-Identity: <sip:evil@iwg.test>\r\n"
		"User-Agent: JsSIP 3.13.0\r\n"
		"X-Fold: one,\r\n two\r\n"
		"Content-Length: 0\r\n"
		"\r\n";

static const char reply[] = "SIP/2.0 183 Session Progress\r\n"
							"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
							"CSeq: 1 INVITE\r\n"
							"Server: CoreSwitch 9.1\r\n"
							"P-Charging-Vector: icid-value=abc\r\n"
							"Content-Length: 0\r\n"
							"\r\n";

static int expand_stub(void *arg, const char *in, int inlen, char *out,
					   int outsize)
{
	(void)arg;
	if (inlen == 3 && memcmp(in, "$fU", 3) == 0)
		return snprintf(out, outsize, "alice");
	return -1;
}

/* the message MSG after RULES for DIR from SRC (malloc'd) */
static char *run(const char *rules, const char *msg, int dir, const char *src)
{
	struct hdrmed_ctx ctx = {.dir = dir,
							 .src_ip = src,
							 .expand = expand_stub,
							 .icid_prefix = "T"};
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	struct hdrmed_msg m, m2;
	char e[128], *out;
	int len;

	rs = hdrmed_rules_parse(rules, strlen(rules), "t", &err);
	if (!rs)
		fail_msg("rules: %s", err.msg);
	if (hdrmed_msg_parse(&m, msg, (int)strlen(msg), e, sizeof(e)) < 0)
		fail_msg("message: %s", e);
	assert_true(hdrmed_engine_apply(rs, &m, &ctx) >= 0);
	out = hdrmed_msg_print(&m, &len);
	assert_non_null(out);
	/* the result is a SIP message again */
	if (hdrmed_msg_parse(&m2, out, len, e, sizeof(e)) < 0)
		fail_msg("result does not parse (%s):\n%s", e, out);
	hdrmed_msg_free(&m2);
	hdrmed_msg_free(&m);
	hdrmed_rules_free(rs);
	return out;
}

#define HAS(s, sub)                                       \
	do {                                                  \
		if (!strstr((s), (sub)))                          \
			fail_msg("missing '%s' in:\n%s", (sub), (s)); \
	} while (0)
#define HASNT(s, sub)                                        \
	do {                                                     \
		if (strstr((s), (sub)))                              \
			fail_msg("unexpected '%s' in:\n%s", (sub), (s)); \
	} while (0)

static void test_msg_parse(void **state)
{
	struct hdrmed_msg m;
	char e[128], *out;
	int len;

	(void)state;
	assert_int_equal(hdrmed_msg_parse(&m, invite, sizeof(invite) - 1, e, 128),
					 0);
	assert_true(m.is_request);
	assert_int_equal(m.method_len, 6);
	assert_int_equal(m.n, 10);
	assert_int_equal(hdrmed_msg_find(&m, "x-fold", 6, 0), 8);
	assert_int_equal(m.h[8].value_len, (int)strlen("one,\r\n two"));
	assert_int_equal(hdrmed_msg_find(&m, "m", 1, 0), 5); /* compact form */
	assert_false(hdrmed_msg_changed(&m));
	out = hdrmed_msg_print(&m, &len);
	assert_int_equal(len, sizeof(invite) - 1);
	assert_memory_equal(out, invite, len);
	free(out);
	hdrmed_msg_free(&m);

	assert_int_equal(hdrmed_msg_parse(&m, reply, sizeof(reply) - 1, e, 128), 0);
	assert_false(m.is_request);
	assert_int_equal(m.status, 183);
	assert_int_equal(m.method_len, 6); /* from CSeq */
	hdrmed_msg_free(&m);

	assert_int_equal(hdrmed_msg_parse(&m, "", 0, e, 128), -1);
	assert_string_equal(e, "empty message");
	assert_int_equal(hdrmed_msg_parse(&m, "\r\n", 2, e, 128), -1);
	assert_string_equal(e, "empty start line");
	assert_int_equal(hdrmed_msg_parse(&m, "SIP/2.0 99 x\r\n", 14, e, 128), -1);
	assert_string_equal(e, "bad status line");
	assert_int_equal(hdrmed_msg_parse(&m, "INVITE\r\n", 8, e, 128), -1);
	assert_string_equal(e, "bad request line");
	assert_int_equal(hdrmed_msg_parse(&m, "A b\r\nNoColon\r\n", 14, e, 128),
					 -1);
	assert_string_equal(e, "line 2: header without a colon");
	assert_int_equal(hdrmed_msg_parse(&m, "A b\r\n x\r\n", 9, e, 128), -1);
	assert_string_equal(e, "line 2: continuation without a header");
	assert_int_equal(hdrmed_msg_parse(&m, "A b\r\nA B: c\r\n", 13, e, 128), -1);
	assert_string_equal(e, "line 2: header name is not a token");
	/* LF-only line ends and a missing empty line are accepted */
	assert_int_equal(hdrmed_msg_parse(&m, "A b\nX: 1\nY: 2", 14, e, 128), 0);
	assert_int_equal(m.n, 2);
	hdrmed_msg_free(&m);
}

/* a message cut right after a line's CR: an added header still starts a
 * line of its own (run() also checks that the result parses) */
static void test_add_after_unterminated_line(void **state)
{
	char *o;

	(void)state;
	o = run("add X-New 1\n", "SIP/2.0 100\r", HDRMED_DIR_OUT, NULL);
	assert_string_equal(o, "SIP/2.0 100\r\nX-New: 1\r\n");
	free(o);
	o = run("add X-New 1\n", "SIP/2.0 100", HDRMED_DIR_OUT, NULL);
	assert_string_equal(o, "SIP/2.0 100\r\nX-New: 1\r\n");
	free(o);
}

static void test_add_remove_rename_set(void **state)
{
	char *o;

	(void)state;
	o = run("add X-New \"a b\"\n"
			"add-if-absent User-Agent never\n"
			"add-if-absent X-Absent yes\n"
			"remove P-Asserted-Identity\n"
			"rename X-Fold X-Unfolded\n"
			"set X-Set $fU\n"
			"replace X-Nothing v\n"
			"replace User-Agent \"iwg 1\"\n",
			invite, HDRMED_DIR_OUT, NULL);
	HAS(o, "\r\nX-New: a b\r\n");
	HASNT(o, "never");
	HAS(o, "X-Absent: yes\r\n");
	HASNT(o, "P-Asserted-Identity");
	HAS(o, "X-Unfolded: one,\r\n two\r\n");
	HAS(o, "X-Set: alice\r\n");
	HASNT(o, "X-Nothing");
	HAS(o, "User-Agent: iwg 1\r\n");
	HASNT(o, "JsSIP");
	HAS(o, "Content-Length: 0\r\n"); /* order of the others kept */
	free(o);
}

static void test_rewrite(void **state)
{
	char *o;

	(void)state;
	o = run("rewrite To \"<sip:\\+([0-9]+)@([^>]*)>\" \"<tel:+\\1;dom=\\2>\"\n"
			"rewrite User-Agent \"^(JsSIP) ([0-9.]+)$\" \"\\1\"\n"
			"rewrite Call-ID-X nomatch x\n",
			invite, HDRMED_DIR_OUT, NULL);
	HAS(o, "To: <tel:+4930123456;dom=example.net>\r\n");
	HAS(o, "User-Agent: JsSIP\r\n");
	free(o);
}

static void test_params(void **state)
{
	char *o;

	(void)state;
	o = run("param-remove Contact reg-id\n"
			"param-set Contact expires=60\n"
			"param-add Contact +sip.instance=other\n"
			"uri-param-remove Contact transport\n"
			"uri-param-add Contact gr\n"
			"uri-param-set To user=phone\n"
			"param-add From x=1\n"
			"uri-param-set From user=ip\n",
			invite, HDRMED_DIR_OUT, NULL);
	HAS(o, "Contact: <sip:a1b2@df7jal23ls0d.invalid;ob;gr>"
		   ";+sip.instance=\"<urn:uuid:1>\";expires=60, "
		   "<sip:c@d;gr>;expires=60;+sip.instance=other\r\n");
	HAS(o, "To: <sip:+4930123456@example.net;user=phone>\r\n");
	HAS(o, "From: \"Alice\" <sip:alice@iwg.test;user=ip>;tag=1928;x=1\r\n");
	free(o);
	/* feature tags */
	o = run("tag-add +g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi."
			"mmtel\"\n"
			"tag-remove +sip.instance\n",
			invite, HDRMED_DIR_OUT, NULL);
	HAS(o, "Contact: <sip:a1b2@df7jal23ls0d.invalid;transport=ws;ob>;reg-id=1"
		   ";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\", "
		   "sip:c@d;expires=3;+g.3gpp.icsi-ref=");
	free(o);
}

static void test_conditions(void **state)
{
	char *o;

	(void)state;
	o = run("add X-1 y if method=INVITE\n"
			"add X-2 y if method=BYE\n"
			"add X-3 y if request !has=X-Nope has=X-Fold\n"
			"add X-4 y if reply\n"
			"add X-5 y if match=User-Agent:\"^JsSIP [0-9]\"\n"
			"add X-6 y if !match=User-Agent:JsSIP\n"
			"add X-7 y if trusted\n"
			"add X-8 y if untrusted\n"
			"[in]\n"
			"add X-9 y\n",
			invite, HDRMED_DIR_OUT, "10.0.0.1");
	HAS(o, "X-1: y");
	HASNT(o, "X-2");
	HAS(o, "X-3: y");
	HASNT(o, "X-4");
	HAS(o, "X-5: y");
	HASNT(o, "X-6");
	HASNT(o, "X-7");
	HAS(o, "X-8: y");
	HASNT(o, "X-9");
	free(o);
	o = run("trusted 10.0.0.0/8\n"
			"add X-7 y if trusted\n"
			"add X-R y if reply status=1xx method=INVITE\n"
			"add X-S y if status=180|2xx\n"
			"[in]\n"
			"add X-9 y\n",
			reply, HDRMED_DIR_IN, "10.0.0.1");
	HAS(o, "X-7: y");
	HAS(o, "X-R: y");
	HASNT(o, "X-S");
	HAS(o, "X-9: y");
	free(o);
}

static void test_generators(void **state)
{
	char *o;

	(void)state;
	o = run("trusted 192.0.2.0/24\n"
			"strip-untrusted\n"
			"pcv orig-ioi=home.net\n"
			"pani \"3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=001\"\n"
			"pvni visited.net\n"
			"mask-ua iwg\n"
			"mask-server iwg\n",
			invite, HDRMED_DIR_OUT, "10.0.0.1");
	HASNT(o, "P-Asserted-Identity");
	HAS(o, "P-Charging-Vector: icid-value=T");
	HAS(o, ";orig-ioi=home.net\r\n");
	HAS(o,
		"P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=001\r\n");
	HAS(o, "P-Visited-Network-ID: visited.net\r\n");
	HAS(o, "User-Agent: iwg\r\n");
	HASNT(o, "Server:");
	free(o);
	/* a trusted source keeps its identity */
	o = run("trusted 192.0.2.0/24\nstrip-untrusted\n", invite, HDRMED_DIR_OUT,
			"192.0.2.9");
	HAS(o, "P-Asserted-Identity");
	free(o);
	o = run("strip-untrusted X-Fold\n", invite, HDRMED_DIR_OUT, NULL);
	HAS(o, "P-Asserted-Identity");
	HASNT(o, "X-Fold");
	free(o);
	/* replies: term-ioi added to an existing vector, Server masked */
	o = run("pcv orig-ioi=a term-ioi=b.net\nmask-server iwg\n", reply,
			HDRMED_DIR_IN, NULL);
	HAS(o, "P-Charging-Vector: icid-value=abc;term-ioi=b.net\r\n");
	HAS(o, "Server: iwg\r\n");
	free(o);
}

static void test_icid_unique(void **state)
{
	char a[64], b[64];

	(void)state;
	hdrmed_engine_icid(a, sizeof(a), "p");
	hdrmed_engine_icid(b, sizeof(b), "p");
	assert_string_not_equal(a, b);
	assert_int_equal(a[0], 'p');
}

static void test_hits(void **state)
{
	struct hdrmed_err err;
	struct hdrmed_ruleset *rs =
			hdrmed_rules_parse("add X a\nadd Y b if reply\n", 25, "t", &err);
	uint64_t hits[2] = {0, 0};
	struct hdrmed_ctx ctx = {.dir = HDRMED_DIR_OUT, .hits = hits};
	struct hdrmed_msg m;
	char e[64];

	(void)state;
	assert_non_null(rs);
	assert_int_equal(hdrmed_msg_parse(&m, invite, sizeof(invite) - 1, e, 64),
					 0);
	assert_int_equal(hdrmed_engine_apply(rs, &m, &ctx), 1);
	assert_int_equal(hdrmed_engine_apply(rs, &m, &ctx), 1);
	assert_int_equal(hits[0], 2);
	assert_int_equal(hits[1], 0);
	hdrmed_msg_free(&m);
	hdrmed_rules_free(rs);
}

static void sorted(const char *const *l)
{
	for (; l[0] && l[1]; l++)
		if (strcasecmp(l[0], l[1]) >= 0)
			fail_msg("'%s' sorts after '%s'", l[0], l[1]);
}

static void test_known(void **state)
{
	extern const char *const hdrmed_known_headers[];
	extern const char *const hdrmed_known_params[];

	(void)state;
	sorted(hdrmed_known_headers);
	sorted(hdrmed_known_params);
	assert_true(hdrmed_known_header("p-charging-vector", 17));
	assert_true(hdrmed_known_header("Via", 3));
	assert_true(hdrmed_known_header("WWW-Authenticate", 16));
	assert_true(hdrmed_known_header("Accept", 6));
	assert_true(hdrmed_known_header("m", 1));
	assert_false(hdrmed_known_header("X-Foo", 5));
	assert_false(hdrmed_known_header("Acc", 3));
	assert_true(hdrmed_known_param("+g.3gpp.icsi-ref", 16));
	assert_true(hdrmed_known_param("video", 5));
	assert_true(hdrmed_known_param("+g.3gpp.accesstype", 18));
	assert_false(hdrmed_known_param("x-vendor", 8));
}

static const struct hdrmed_disc_entry *
find(const struct hdrmed_disc *d, int kind, const char *hdr, const char *name)
{
	uint32_t i;

	for (i = 0; i < d->slots; i++)
		if (d->e[i].kind == kind && strcasecmp(d->e[i].hdr, hdr) == 0 &&
			strcmp(d->e[i].name, name) == 0)
			return &d->e[i];
	return NULL;
}

static void test_discovery(void **state)
{
	static const char msg[] =
			"INVITE sip:x@y SIP/2.0\r\n"
			"Via: SIP/2.0/UDP h;branch=z9;x-vendor-hop=7\r\n"
			"f: <sip:+4930123456@ims.net;cpc=ordinary;zz=1>;tag=9\r\n"
			"X-Acme-Trace: 0049301234567890 abc\r\n"
			"X-Bin: a\001b\r\n"
			"\r\n";
	struct hdrmed_disc *d = malloc(hdrmed_disc_size(8));
	const struct hdrmed_disc_entry *e;
	struct hdrmed_msg m;
	char err[64];

	(void)state;
	hdrmed_disc_init(d, 8);
	assert_int_equal(hdrmed_msg_parse(&m, msg, sizeof(msg) - 1, err, 64), 0);
	hdrmed_disc_scan(d, &m, 1000, 64);
	hdrmed_disc_scan(d, &m, 2000, 64);
	e = find(d, HDRMED_K_HEADER, "Via", "");
	assert_non_null(e);
	assert_int_equal(e->count, 2);
	assert_int_equal(e->first_seen, 1000);
	assert_false(e->unknown);
	e = find(d, HDRMED_K_HPARAM, "Via", "x-vendor-hop");
	assert_non_null(e);
	assert_true(e->unknown);
	assert_string_equal(e->sample, "7");
	e = find(d, HDRMED_K_HEADER, "From", ""); /* compact form resolved */
	assert_non_null(e);
	assert_string_equal(e->sample,
						"<sip:+xxxxxxxxxx@ims.net;cpc=ordinary;zz=1>;tag=9");
	e = find(d, HDRMED_K_UPARAM, "From", "cpc");
	assert_non_null(e);
	assert_false(e->unknown);
	e = find(d, HDRMED_K_HEADER, "X-Acme-Trace", "");
	assert_non_null(e);
	assert_true(e->unknown);
	assert_string_equal(e->sample, "xxxxxxxxxxxxxxxx abc");
	/* 11 names seen, 8 kept: the rest is counted as dropped */
	assert_int_equal(d->used, 8);
	assert_true(d->dropped > 0);
	assert_int_equal(d->messages, 2);
	hdrmed_disc_init(d, 8);
	assert_int_equal(d->used, 0);
	hdrmed_msg_free(&m);
	free(d);
}

static void test_param_edge_cases(void **state)
{
	char *o;
	static const char m[] = "OPTIONS sip:x SIP/2.0\r\n"
							"Contact: *\r\n"
							"Route: <sip:a;lr>,<sip:b;lr>\r\n"
							"X-Q: \"a;b,c\";p=\"x;y\"\r\n"
							"X-Broken: <sip:a;p=1\r\n"
							"\r\n";

	(void)state;
	o = run("param-add Contact q=1\n"
			"uri-param-remove Route lr\n"
			"param-set X-Q p=2\n"
			"uri-param-add X-Broken z\n"
			"param-add X-Broken z\n",
			m, HDRMED_DIR_OUT, NULL);
	HAS(o, "Contact: *\r\n");
	HAS(o, "Route: <sip:a>,<sip:b>\r\n");
	HAS(o, "X-Q: \"a;b,c\";p=2\r\n");
	HAS(o, "X-Broken: <sip:a;p=1\r\n");
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_msg_parse),
			cmocka_unit_test(test_add_after_unterminated_line),
			cmocka_unit_test(test_add_remove_rename_set),
			cmocka_unit_test(test_rewrite),
			cmocka_unit_test(test_params),
			cmocka_unit_test(test_conditions),
			cmocka_unit_test(test_generators),
			cmocka_unit_test(test_icid_unique),
			cmocka_unit_test(test_hits),
			cmocka_unit_test(test_known),
			cmocka_unit_test(test_discovery),
			cmocka_unit_test(test_param_edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
