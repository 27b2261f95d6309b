/*
 * test_hdrmed_rules.c - iwg_hdrmed rule parser: every action and directive
 * parses, and every error is reported with file:line and its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../modules/iwg_hdrmed/hdrmed_rules.h"

static struct hdrmed_ruleset *parse(const char *text, struct hdrmed_err *err)
{
	return hdrmed_rules_parse(text, strlen(text), "t.rules", err);
}

static void test_every_action_parses(void **state)
{
	static const char *lines[] = {
			"add X-A v",
			"add-if-absent X-A \"two words\"",
			"remove X-A",
			"rename X-A X-B",
			"set X-A $fU",
			"replace X-A v",
			"rewrite X-A \"^(a+)b\" \"\\1c\"",
			"param-add P-Charging-Vector orig-ioi=x",
			"param-set Contact expires=60",
			"param-remove Contact reg-id",
			"uri-param-add Contact transport=tcp",
			"uri-param-set To user=phone",
			"uri-param-remove Route ob",
			"tag-add "
			"+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\"",
			"tag-remove +sip.instance",
			"pcv",
			"pcv orig-ioi=a.net term-ioi=b.net",
			"pani \"3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=001\"",
			"pvni visited.net",
			"mask-ua iwg",
			"mask-server iwg",
			"strip-untrusted",
			"strip-untrusted P-Asserted-Identity X-Secret",
	};
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		rs = parse(lines[i], &err);
		if (!rs)
			fail_msg("'%s' rejected: %s", lines[i], err.msg);
		assert_int_equal(rs->n, 1);
		assert_string_equal(rs->rules[0].text, lines[i]);
		assert_int_equal(strncmp(lines[i], hdrmed_act_name(rs->rules[0].act),
								 strlen(hdrmed_act_name(rs->rules[0].act))),
						 0);
		assert_int_equal(
				lines[i][strlen(hdrmed_act_name(rs->rules[0].act))] & ~' ', 0);
		hdrmed_rules_free(rs);
	}
}

static void test_rule_fields(void **state)
{
	struct hdrmed_err err;
	struct hdrmed_ruleset *rs = parse(
			"# comment\n"
			"\n"
			"trusted 10.0.0.0/8 2001:db8::/32 192.0.2.1\n"
			"[out]\n"
			"tag-add +g.3gpp.icsi-ref=\"urn%3Aa b\"   # trailing comment\n"
			"[in]\n"
			"add X-A \"say \\\"hi\\\"\" if method=INVITE|MESSAGE !has=X-B\n"
			"[any]\n"
			"rename X-A X-B if reply status=2xx|486 match=X-A:\"^a b$\"\n",
			&err);

	(void)state;
	if (!rs)
		fail_msg("%s", err.msg);
	assert_int_equal(rs->n, 3);
	assert_int_equal(rs->ntrusted, 3);
	assert_int_equal(rs->rules[0].dir, HDRMED_DIR_OUT);
	assert_int_equal(rs->rules[0].line, 5);
	assert_string_equal(rs->rules[0].hdr, "Contact");
	assert_string_equal(rs->rules[0].pname, "+g.3gpp.icsi-ref");
	assert_string_equal(rs->rules[0].pval, "\"urn%3Aa b\"");
	assert_int_equal(rs->rules[1].dir, HDRMED_DIR_IN);
	assert_string_equal(rs->rules[1].val.s, "say \"hi\"");
	assert_int_equal(rs->rules[1].ncond, 2);
	assert_int_equal(rs->rules[1].cond[0].nlist, 2);
	assert_string_equal(rs->rules[1].cond[0].list[1], "MESSAGE");
	assert_int_equal(rs->rules[1].cond[1].neg, 1);
	assert_int_equal(rs->rules[2].dir, HDRMED_DIR_ANY);
	assert_int_equal(rs->rules[2].ncond, 3);
	assert_true(hdrmed_rules_trusted(rs, "10.1.2.3"));
	assert_true(hdrmed_rules_trusted(rs, "2001:db8::5"));
	assert_true(hdrmed_rules_trusted(rs, "192.0.2.1"));
	assert_false(hdrmed_rules_trusted(rs, "192.0.2.2"));
	assert_false(hdrmed_rules_trusted(rs, "11.0.0.1"));
	assert_false(hdrmed_rules_trusted(rs, "not-an-ip"));
	assert_false(hdrmed_rules_trusted(rs, NULL));
	assert_true(rs->rules[1].val.has_pv == 0);
	hdrmed_rules_free(rs);
}

/* every error names the file, the line and the reason */
static void test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
			{"ad X v", "t.rules:1: unknown action 'ad'"},
			{"\n\nadd X",
			 "t.rules:3: add takes HEADER VALUE (1 argument given)"},
			{"remove", "t.rules:1: remove takes HEADER (0 arguments given)"},
			{"remove A B",
			 "t.rules:1: remove takes HEADER (2 arguments given)"},
			{"add \"X\" v", "t.rules:1: 'X' is not a header name"},
			{"add X:Y v", "t.rules:1: 'X:Y' is not a header name"},
			{"remove Via", "t.rules:1: header Via is protected: changing it "
						   "would break the transaction or the body"},
			{"set i x", "t.rules:1: header i is protected: changing it would "
						"break the transaction or the body"},
			{"rename X-A CSeq", "t.rules:1: header CSeq is protected: changing "
								"it would break the transaction or the body"},
			{"rename X-A To", "t.rules:1: cannot rename a header to To"},
			{"param-remove From tag",
			 "t.rules:1: the tag parameter of From is protected"},
			{"param-remove Contact q=1",
			 "t.rules:1: a parameter to remove takes no value"},
			{"param-add Contact a=b;c",
			 "t.rules:1: parameter value contains ';' outside quotes"},
			{"param-add Contact =b", "t.rules:1: '' is not a parameter name"},
			{"tag-add a b",
			 "t.rules:1: tag-add takes NAME[=VALUE] (2 arguments "
			 "given)"},
			{"add X \"unterminated", "t.rules:1: unterminated quoted string"},
			{"add X a\"b", "t.rules:1: unterminated quoted string"},
			{"add X \"a\"b", "t.rules:1: a quoted string must be followed by a "
							 "blank"},
			{"rewrite X \"(\" y", "t.rules:1: bad regular expression '(': "},
			{"rewrite X \"(a)\" \"\\2\"",
			 "t.rules:1: replacement refers to \\2 "
			 "but the regex has 1 group(s)"},
			{"rewrite X \"((a+)+)+(b+)+(c+)+(d+)+(e+)+(f+)+(g+)+\" y",
			 "t.rules:1: regular expression too long or too complex"},
			{"rewrite X \"a{1000}\" y",
			 "t.rules:1: regular expression too long or too complex"},
			{"add X v if match=X:a**",
			 "t.rules:1: regular expression too long or too complex"},
			{"pcv foo=bar", "t.rules:1: pcv takes orig-ioi=VALUE and/or "
							"term-ioi=VALUE, not 'foo=bar'"},
			{"add X v if", "t.rules:1: 'if' without a condition"},
			{"add X v if sometimes",
			 "t.rules:1: unknown condition 'sometimes'"},
			{"add X v if method=", "t.rules:1: '' is not a method"},
			{"add X v if status=2x", "t.rules:1: '2x' is not a status (like "
									 "200 or 2xx)"},
			{"add X v if has=a:b", "t.rules:1: 'a:b' is not a header name"},
			{"add X v if match=X",
			 "t.rules:1: match takes HEADER:REGEX, not 'X'"},
			{"add X v if match=X:(", "t.rules:1: bad regular expression '('"},
			{"add X v if request request request request request request "
			 "request request request",
			 "t.rules:1: too many conditions (at most 8)"},
			{"[both]", "t.rules:1: unknown section '[both]'"},
			{"[in] add X v", "t.rules:1: a section line holds only"},
			{"trusted", "t.rules:1: trusted takes one or more addresses"},
			{"trusted 10.0.0.300", "t.rules:1: '10.0.0.300' is not an address"},
			{"trusted 10.0.0.0/33",
			 "t.rules:1: '10.0.0.0/33' has a bad prefix length"},
			{"trusted ::1/x", "t.rules:1: '::1/x' has a bad prefix length"},
			{"strip-untrusted Content-Length",
			 "t.rules:1: header Content-Length "
			 "is protected"},
			{"pvni a b c", "t.rules:1: pvni takes VALUE (3 arguments given)"},
			{"a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 "
			 "7",
			 "t.rules:1: too many words on one line (at most 32)"},
	};
	struct hdrmed_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].text, &err))
			fail_msg("'%s' was accepted", bad[i].text);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err.msg,
					 bad[i].msg);
		assert_true(err.line > 0);
	}
}

static void test_nul_and_limits(void **state)
{
	struct hdrmed_err err;
	struct hdrmed_ruleset *rs;
	char *big;
	int i, n = 0;

	(void)state;
	assert_null(hdrmed_rules_parse("add X a\0b", 9, "n.rules", &err));
	assert_string_equal(err.msg, "n.rules:1: NUL byte in the rule file");
	big = malloc(20 * (HDRMED_MAX_RULES + 1) + 1);
	for (i = 0; i <= HDRMED_MAX_RULES; i++)
		n += sprintf(big + n, "remove X-%d\n", i);
	assert_null(parse(big, &err));
	assert_string_equal(err.msg, "t.rules:1025: too many rules (at most 1024)");
	/* exactly the maximum is fine */
	big[n - (int)strlen("remove X-1024\n")] = '\0';
	rs = parse(big, &err);
	assert_non_null(rs);
	assert_int_equal(rs->n, HDRMED_MAX_RULES);
	hdrmed_rules_free(rs);
	free(big);
}

static void test_load(void **state)
{
	char path[] = "/tmp/hdrmed-rules-XXXXXX";
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	char *text = NULL;
	size_t len = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "remove X\nbogus\n", 15), 15);
	close(fd);
	assert_null(hdrmed_rules_load(path, &err, &text, &len));
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, ":2: unknown action 'bogus'"));
	assert_null(text);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "remove X\n", 9), 9);
	close(fd);
	rs = hdrmed_rules_load(path, &err, &text, &len);
	assert_non_null(rs);
	assert_int_equal(len, 9);
	assert_string_equal(text, "remove X\n");
	free(text);
	hdrmed_rules_free(rs);
	unlink(path);
	assert_null(hdrmed_rules_load(path, &err, NULL, NULL));
	assert_non_null(strstr(err.msg, ": cannot open: No such file"));
	assert_int_equal(err.line, 0);
}

static void test_shipped_profiles_parse(void **state)
{
	static const char *names[] = {"ims-volte", "ims-rcs", "contact-center"};
	const char *top = getenv("IWG_TOP");
	struct hdrmed_ruleset *rs;
	struct hdrmed_err err;
	char path[512];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/kamcfg/hdrmed/%s.rules",
				 top ? top : ".", names[i]);
		rs = hdrmed_rules_load(path, &err, NULL, NULL);
		if (!rs)
			fail_msg("%s", err.msg);
		assert_true(rs->n > 5);
		hdrmed_rules_free(rs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_every_action_parses),
			cmocka_unit_test(test_rule_fields),
			cmocka_unit_test(test_errors),
			cmocka_unit_test(test_nul_and_limits),
			cmocka_unit_test(test_load),
			cmocka_unit_test(test_shipped_profiles_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
