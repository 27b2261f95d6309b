/*
 * test_ccroute_rules.c - iwg_ccroute rules: every condition form, first
 * match wins, header substitution (CR/LF stripped, empty values dropped,
 * 256-byte cut), every parse error with its line, the limits, the test
 * context parser and the shipped example file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "textfile/textfile.h"

#include "../../modules/iwg_ccroute/ccroute_rules.h"

static struct ccroute_table *parse(const char *text, struct ccroute_err *err)
{
	return ccroute_parse(text, strlen(text), "t.rules", err);
}

static struct ccroute_table *parse_ok(const char *text)
{
	struct ccroute_table *t;
	struct ccroute_err err;

	t = parse(text, &err);
	if (!t)
		fail_msg("'%s' refused: %s", text, err.msg);
	return t;
}

/* the name of the rule T picks for the context "k=v;k=v", "" for none */
static const char *route(const struct ccroute_table *t, const char *ctx)
{
	static char buf[2048];
	struct ccroute_kv kv[CCROUTE_CTX_MAX];
	char why[128];
	int n, i;

	snprintf(buf, sizeof(buf), "%s", ctx);
	n = ccroute_ctx_parse(buf, kv, CCROUTE_CTX_MAX, why, sizeof(why));
	if (n < 0)
		fail_msg("context '%s': %s", ctx, why);
	i = ccroute_eval(t, kv, n);
	return i < 0 ? "" : t->rules[i].name;
}

static void test_every_condition_form(void **state)
{
	static const struct {
		const char *when, *ctx;
		int match;
	} cases[] = {
			/* key=value: case-insensitive value, exact key */
			{"queue=billing", "queue=billing", 1},
			{"queue=billing", "queue=BilLing", 1},
			{"queue=billing", "queue=billing2", 0},
			{"queue=billing", "", 0},
			{"queue=billing", "Queue=billing", 0},
			{"page=https://x/?a=b", "page=https://x/?a=b", 1},
			/* key!=value: absent is not equal */
			{"queue!=billing", "queue=sales", 1},
			{"queue!=billing", "", 1},
			{"queue!=billing", "queue=BILLING", 0},
			/* key~ERE: case-insensitive, unanchored, absent is "" */
			{"dest~^8[0-9]+$", "dest=8123", 1},
			{"dest~^8[0-9]+$", "dest=81a", 0},
			{"dest~^8[0-9]+$", "dest=98", 0},
			{"dest~23", "dest=81234", 1},
			{"login~^ALICE@", "login=alice@example.com", 1},
			{"dest~^$", "", 1},
			{"dest~.", "", 0},
			/* key>=N, key<=N: integers only */
			{"priority>=5", "priority=5", 1},
			{"priority>=5", "priority=12", 1},
			{"priority>=5", "priority=4", 0},
			{"priority>=5", "priority=high", 0},
			{"priority>=5", "priority=5x", 0},
			{"priority>=5", "", 0},
			{"priority>=5", "priority=", 0},
			{"priority>=0", "priority=9999999999999999999999", 0},
			{"priority<=-1", "priority=-3", 1},
			{"priority<=2", "priority=+2", 1},
			{"priority<=2", "priority=3", 0},
			{"priority<=2", "priority=", 0},
			/* key? and !key */
			{"agent_id?", "agent_id=7", 1},
			{"agent_id?", "agent_id=", 0},
			{"agent_id?", "", 0},
			{"!agent_id", "", 1},
			{"!agent_id", "agent_id=", 1},
			{"!agent_id", "agent_id=7", 0},
			/* all conditions must hold; blanks or tabs between them */
			{"queue=billing language=fr", "queue=billing;language=fr", 1},
			{"queue=billing language=fr", "queue=billing;language=de", 0},
			{"queue=billing\tlanguage=fr", "language=FR;queue=billing", 1},
			{"*", "", 1},
			/* a key given twice: the first value counts */
			{"queue=a", "queue=a;queue=b", 1},
			{"queue=b", "queue=a;queue=b", 0},
	};
	struct ccroute_table *t;
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "r | %s | 7 | X-A: b\n", cases[i].when);
		t = parse_ok(text);
		assert_int_equal(t->rules[0].set, 7);
		if (strcmp(route(t, cases[i].ctx), cases[i].match ? "r" : "") != 0)
			fail_msg("'%s' with context '%s' should %smatch", cases[i].when,
					 cases[i].ctx, cases[i].match ? "" : "not ");
		ccroute_free(t);
	}
}

static const char contract_example[] =
		"# name        | when                          | set | headers\n"
		"billing-fr    | queue=billing language=fr     | 2   | X-Skill: "
		"billing-fr | X-Language: {language}\n"
		"vip           | priority>=5                   | 3   | X-Priority: "
		"{priority}\n"
		"acme-sales    | tenant=acme dest~^8[0-9]+$    | 1   | X-Tenant: acme\n"
		"default       | *                             | 1   |\n";

static void test_first_match_wins(void **state)
{
	struct ccroute_table *t = parse_ok(contract_example);

	(void)state;
	assert_int_equal(t->n, 4);
	assert_string_equal(route(t, "queue=billing;language=fr;priority=9"),
						"billing-fr");
	assert_string_equal(route(t, "queue=billing;language=de;priority=9"),
						"vip");
	assert_string_equal(route(t, "tenant=acme;dest=8100;priority=9"), "vip");
	assert_string_equal(route(t, "tenant=acme;dest=8100;priority=1"),
						"acme-sales");
	assert_string_equal(route(t, "tenant=acme;dest=9100"), "default");
	assert_string_equal(route(t, ""), "default");
	ccroute_free(t);

	/* without a default, nothing matches */
	t = parse_ok("a | queue=x | 1\nb | queue=y | 2\n");
	assert_string_equal(route(t, "queue=z"), "");
	assert_string_equal(route(t, "queue=y"), "b");
	ccroute_free(t);
}

static void test_rule_fields(void **state)
{
	struct ccroute_table *t =
			parse_ok("# a comment\r\n"
					 "\r\n"
					 "   # an indented comment\n"
					 "\tvip.1 |\tpriority>=5   queue?\t| 65535 | X-Priority :  "
					 "{priority}  |  | X-B: x |\r\n"
					 "default|*|1|\n");
	const struct ccroute_rule *r;

	(void)state;
	assert_int_equal(t->n, 2);
	r = &t->rules[0];
	assert_string_equal(r->name, "vip.1");
	assert_string_equal(r->when, "priority>=5   queue?");
	assert_int_equal(r->set, 65535);
	assert_int_equal(r->line, 4);
	assert_int_equal(r->nconds, 2);
	assert_int_equal(r->conds[0].op, CCROUTE_GE);
	assert_int_equal(r->conds[0].num, 5);
	assert_int_equal(r->conds[1].op, CCROUTE_SET);
	assert_string_equal(r->conds[1].key, "queue");
	assert_int_equal(r->nhdrs, 2); /* the empty columns are skipped */
	assert_string_equal(r->hdrs[0].text, "X-Priority: {priority}");
	assert_int_equal(r->hdrs[0].name_len, 10);
	assert_string_equal(r->hdrs[0].tmpl, "{priority}");
	assert_string_equal(r->hdrs[1].text, "X-B: x");
	r = &t->rules[1];
	assert_string_equal(r->name, "default");
	assert_string_equal(r->when, "*");
	assert_int_equal(r->nconds, 0);
	assert_int_equal(r->nhdrs, 0);
	assert_int_equal(r->line, 5);
	ccroute_free(t);
}

static int subst(const struct ccroute_table *t, int h,
				 const struct ccroute_kv *kv, int n, char *out)
{
	return ccroute_subst(&t->rules[0].hdrs[h], kv, n, out, CCROUTE_HDR_BUF);
}

static void test_substitution(void **state)
{
	struct ccroute_table *t =
			parse_ok("r | * | 1 | X-Skill: billing-fr | X-Language: {language} "
					 "| X-Mix: q={queue}/l={language} | X-Empty: {nothing} "
					 "| X-Pad: {pad} | X-Lead: {pad}x{pad} | X-Long: {long}\n");
	char longv[600], out[CCROUTE_HDR_BUF];
	struct ccroute_kv kv[] = {
			{"language", "fr"},
			{"queue", "bil\r\nInjected: yes\n"},
			{"pad", " \t "},
			{"long", longv},
	};
	int n = 4, len;

	(void)state;
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(subst(t, 0, kv, n, out), 19);
	assert_string_equal(out, "X-Skill: billing-fr");
	subst(t, 1, kv, n, out);
	assert_string_equal(out, "X-Language: fr");
	subst(t, 2, kv, n, out);
	assert_string_equal(out, "X-Mix: q=bilInjected: yes/l=fr");
	assert_null(strchr(out, '\r'));
	assert_null(strchr(out, '\n'));
	/* an absent key or a blank value leaves the header out */
	assert_int_equal(subst(t, 3, kv, n, out), 0);
	assert_int_equal(subst(t, 4, kv, n, out), 0);
	assert_int_equal(subst(t, 1, kv + 1, n - 1, out), 0);
	subst(t, 5, kv, n, out);
	assert_string_equal(out, "X-Lead: x");
	/* the value is cut at 256 bytes */
	len = subst(t, 6, kv, n, out);
	assert_int_equal(len, (int)strlen("X-Long: ") + CCROUTE_VALUE_MAX);
	assert_int_equal((int)strlen(out), len);
	/* a buffer below CCROUTE_HDR_BUF is refused */
	assert_int_equal(ccroute_subst(&t->rules[0].hdrs[0], kv, n, out,
								   CCROUTE_HDR_BUF - 1),
					 -1);
	ccroute_free(t);
}

static void test_literal_value_cut(void **state)
{
	char text[600], out[CCROUTE_HDR_BUF];
	struct ccroute_table *t;

	(void)state;
	snprintf(text, sizeof(text), "r | * | 1 | X-Lit: %0300d\n", 7);
	t = parse_ok(text);
	assert_int_equal(
			ccroute_subst(&t->rules[0].hdrs[0], NULL, 0, out, sizeof(out)),
			(int)strlen("X-Lit: ") + CCROUTE_VALUE_MAX);
	ccroute_free(t);
}

static const struct {
	const char *text;
	const char *msg; /* the whole message */
} errors[] = {
		{"a | *\n", "t.rules:1: expected 'name | when | set [| Header: value "
					"...]'"},
		{"\n# c\nbad name | * | 1\n",
		 "t.rules:3: rule name 'bad name': letters, digits, '_', '.' and '-' "
		 "only"},
		{" | * | 1", "t.rules:1: rule name '': 1 to 32 characters"},
		{"a | x? | 1\n\na | y? | 1",
		 "t.rules:3: rule name 'a' already used at line 1"},
		{"a | * | 1\nb | x? | 1",
		 "t.rules:2: rule 'b' can never match: rule 'a' (line 1) matches "
		 "every call"},
		{"a |  | 1",
		 "t.rules:1: empty condition column (write * to match every call)"},
		{"a | * x? | 1",
		 "t.rules:1: '*' must stand alone in the condition column"},
		{"a | queue | 1",
		 "t.rules:1: bad condition 'queue' (key=value, key!=value, "
		 "key~regex, key>=N, key<=N, key? or !key)"},
		{"a | queue>x | 1",
		 "t.rules:1: bad condition 'queue>x' (key=value, key!=value, "
		 "key~regex, key>=N, key<=N, key? or !key)"},
		{"a | !queue=x | 1",
		 "t.rules:1: bad condition '!queue=x' (key=value, key!=value, "
		 "key~regex, key>=N, key<=N, key? or !key)"},
		{"a | queue=billing Queue=x | 1",
		 "t.rules:1: bad key 'Queue' in condition 'Queue=x' (a lower-case "
		 "letter, then letters, digits or '_', at most 32)"},
		{"a | 1queue=x | 1",
		 "t.rules:1: bad key '1queue' in condition '1queue=x' (a lower-case "
		 "letter, then letters, digits or '_', at most 32)"},
		{"a | =x | 1",
		 "t.rules:1: bad key '' in condition '=x' (a lower-case letter, then "
		 "letters, digits or '_', at most 32)"},
		{"a | queue= | 1", "t.rules:1: condition 'queue=' has no value "
						   "(absent or empty: !key)"},
		{"a | queue!= | 1", "t.rules:1: condition 'queue!=' has no value"},
		{"a | priority>=high | 1",
		 "t.rules:1: condition 'priority>=high': 'high' is not an integer"},
		{"a | priority<=1.5 | 1",
		 "t.rules:1: condition 'priority<=1.5': '1.5' is not an integer"},
		{"a | dest~(a)\\1 | 1", "t.rules:1: condition 'dest~(a)\\1': regex "
								"refused: back-references are not supported"},
		{"a | dest~a{300} | 1", "t.rules:1: condition 'dest~a{300}': regex "
								"refused: a repetition bound above 256"},
		{"a | dest~(a{16}){16} | 1",
		 "t.rules:1: condition 'dest~(a{16}){16}': regex refused: repetition "
		 "bounds multiplying beyond 256"},
		{"a | dest~a** | 1", "t.rules:1: condition 'dest~a**': regex refused: "
							 "stacked repetition operators"},
		{"a | * | 0", "t.rules:1: set '0': a dispatcher set id from 1 to "
					  "65535"},
		{"a | * | 65536", "t.rules:1: set '65536': a dispatcher set id from 1 "
						  "to 65535"},
		{"a | * | two", "t.rules:1: set 'two': a dispatcher set id from 1 to "
						"65535"},
		{"a | * | +1", "t.rules:1: set '+1': a dispatcher set id from 1 to "
					   "65535"},
		{"a | * |", "t.rules:1: set '': a dispatcher set id from 1 to 65535"},
		{"a | * | 1 | X-A",
		 "t.rules:1: header column 'X-A' is not 'Name: value'"},
		{"a | * | 1 | X A: b",
		 "t.rules:1: header name 'X A' is not a SIP token"},
		{"a | * | 1 | : b", "t.rules:1: header name '': 1 to 64 characters"},
		{"a | * | 1 | Via: x",
		 "t.rules:1: header Via cannot be added by a routing rule"},
		{"a | * | 1 | call-id: x",
		 "t.rules:1: header call-id cannot be added by a routing rule"},
		{"a | * | 1 | f: x",
		 "t.rules:1: header f cannot be added by a routing rule"},
		{"a | * | 1 | X-A:", "t.rules:1: header X-A has an empty value"},
		{"a | * | 1 | X-A: {language",
		 "t.rules:1: header X-A: '{' without '}'"},
		{"a | * | 1 | X-A: a}", "t.rules:1: header X-A: '}' without '{'"},
		{"a | * | 1 | X-A: {Lang}",
		 "t.rules:1: header X-A: bad placeholder '{Lang}' (a context key in "
		 "braces: {language})"},
		{"a | * | 1 | X-A: {}",
		 "t.rules:1: header X-A: bad placeholder '{}' (a context key in "
		 "braces: {language})"},
		{"a | x? | 1\nb | y? | 1 | X-A: \001",
		 "t.rules:2: control character 0x01 in the line"},
		{"a | x\177? | 1", "t.rules:1: control character 0x7f in the line"},
		{"", "t.rules:1: no rule (end the file with a default: 'default | * | "
			 "1 |')"},
		{"# only\n\n# comments\n",
		 "t.rules:3: no rule (end the file with a default: 'default | * | 1 "
		 "|')"},
};

static void test_errors(void **state)
{
	struct ccroute_table *t;
	struct ccroute_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		t = parse(errors[i].text, &err);
		if (t)
			fail_msg("'%s' was accepted", errors[i].text);
		if (strcmp(err.msg, errors[i].msg) != 0)
			fail_msg("'%s':\n  got      %s\n  expected %s", errors[i].text,
					 err.msg, errors[i].msg);
		assert_int_equal(err.line, atoi(err.msg + strlen("t.rules:")));
	}
}

static void test_bad_regex_and_nul(void **state)
{
	static const char nul[] = "a | x? | 1\nb | y\0? | 1\n";
	struct ccroute_err err;

	(void)state;
	assert_null(parse("a | x? | 1\n\nb | dest~([0-9] | 1", &err));
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "t.rules:3: condition 'dest~([0-9]': "
									"bad regex: "));
	assert_null(ccroute_parse(nul, sizeof(nul) - 1, "t.rules", &err));
	assert_string_equal(err.msg,
						"t.rules:2: control character 0x00 in the line");
}

/* PREFIX, N copies of the format ITEM (given the copy's index twice),
 * SUFFIX; malloc'd */
static char *repeat(const char *prefix, const char *item, int n,
					const char *suffix)
{
	size_t size = strlen(prefix) + (size_t)n * (strlen(item) + 16) +
				  strlen(suffix) + 1;
	char *s = malloc(size), *p;
	int i;

	assert_non_null(s);
	p = s + sprintf(s, "%s", prefix);
	for (i = 0; i < n; i++)
		p += sprintf(p, item, i, i);
	sprintf(p, "%s", suffix);
	return s;
}

static void expect(const char *text, int ok, const char *msg)
{
	struct ccroute_table *t;
	struct ccroute_err err;

	t = parse(text, &err);
	if (ok && !t)
		fail_msg("refused: %s", err.msg);
	if (!ok && t)
		fail_msg("accepted, expected %s", msg);
	if (!ok && strcmp(err.msg, msg) != 0)
		fail_msg("got %s, expected %s", err.msg, msg);
	ccroute_free(t);
}

static void test_limits(void **state)
{
	char name[80], line[2100], key[64];
	char *s;

	(void)state;
	/* 256 rules; the 257th is refused on its own line */
	s = repeat("", "r%d | n%d? | 1\n", 256, "");
	expect(s, 1, NULL);
	free(s);
	s = repeat("", "r%d | n%d? | 1\n", 257, "");
	expect(s, 0, "t.rules:257: more than 256 rules");
	free(s);
	/* 8 conditions, 8 headers */
	s = repeat("r |", " k%d=%d", 8, " | 1\n");
	expect(s, 1, NULL);
	free(s);
	s = repeat("r |", " k%d=%d", 9, " | 1\n");
	expect(s, 0, "t.rules:1: more than 8 conditions");
	free(s);
	s = repeat("r | * | 1", " | X-H%d: %d", 8, "\n");
	expect(s, 1, NULL);
	free(s);
	s = repeat("r | * | 1", " | X-H%d: %d", 9, "\n");
	expect(s, 0, "t.rules:1: more than 8 headers");
	free(s);
	/* lines of 1024 bytes (CR LF not counted), not 1025 */
	snprintf(line, sizeof(line), "r | * | 1 | X-A: %01007d\r\n", 1);
	assert_int_equal(strlen(line), 1026);
	expect(line, 1, NULL);
	snprintf(line, sizeof(line), "r | * | 1 | X-A: %01008d\n", 1);
	expect(line, 0, "t.rules:1: line longer than 1024 bytes");
	/* names of 32, keys of 32, header names of 64 */
	memset(name, 'n', 32);
	name[32] = '\0';
	snprintf(line, sizeof(line), "%s | * | 1", name);
	expect(line, 1, NULL);
	snprintf(line, sizeof(line), "%sx | * | 1", name);
	expect(line, 0,
		   "t.rules:1: rule name 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnx': 1 to "
		   "32 characters");
	memset(key, 'k', 32);
	key[32] = '\0';
	snprintf(line, sizeof(line), "r | %s? | 1 | X-A: {%s}", key, key);
	expect(line, 1, NULL);
	snprintf(line, sizeof(line), "r | %sk? | 1", key);
	expect(line, 0,
		   "t.rules:1: bad key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' in "
		   "condition 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk?' (a lower-case "
		   "letter, then letters, digits or '_', at most 32)");
	snprintf(line, sizeof(line), "r | * | 1 | X-A: {%sk}", key);
	expect(line, 0,
		   "t.rules:1: header X-A: bad placeholder "
		   "'{kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk}' (a context key in braces: "
		   "{language})");
	memset(name, 'H', 64);
	name[64] = '\0';
	snprintf(line, sizeof(line), "r | * | 1 | %.64s: v", name);
	expect(line, 1, NULL);
	snprintf(line, sizeof(line), "r | * | 1 | %.64sH: v", name);
	expect(line, 0,
		   "t.rules:1: header name '"
		   "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH...': "
		   "1 to 64 characters");
	/* a regex of 256 characters, a bound of 256 */
	snprintf(line, sizeof(line), "r | d~%0256d | 1", 0);
	expect(line, 1, NULL);
	snprintf(line, sizeof(line), "r | d~%0257d | 1", 0);
	expect(line, 0,
		   "t.rules:1: condition 'd~"
		   "0000000000000000000000000000000000000000000000000000000...': "
		   "regex refused: longer than 256 characters");
	expect("r | d~a{255} | 1", 1, NULL);
	expect("r | d~a{1,256} | 1", 0,
		   "t.rules:1: condition 'd~a{1,256}': regex refused: repetition "
		   "bounds multiplying beyond 256");
}

static void test_ctx_parse(void **state)
{
	struct ccroute_kv kv[CCROUTE_CTX_MAX];
	char buf[1024], why[128];
	int i;

	(void)state;
	strcpy(buf, " queue=billing; language = fr ;;page=https://a/?x=1;e=");
	assert_int_equal(ccroute_ctx_parse(buf, kv, 8, why, sizeof(why)), 4);
	assert_string_equal(kv[0].key, "queue");
	assert_string_equal(kv[0].val, "billing");
	assert_string_equal(kv[1].key, "language");
	assert_string_equal(kv[1].val, "fr");
	assert_string_equal(kv[2].key, "page");
	assert_string_equal(kv[2].val, "https://a/?x=1");
	assert_string_equal(kv[3].val, "");
	strcpy(buf, "");
	assert_int_equal(ccroute_ctx_parse(buf, kv, 8, why, sizeof(why)), 0);
	strcpy(buf, "queue=a;novalue");
	assert_int_equal(ccroute_ctx_parse(buf, kv, 8, why, sizeof(why)), -1);
	assert_string_equal(why, "'novalue' is not key=value");
	strcpy(buf, " =x");
	assert_int_equal(ccroute_ctx_parse(buf, kv, 8, why, sizeof(why)), -1);
	assert_string_equal(why, "empty key before '=x'");
	buf[0] = '\0';
	for (i = 0; i < 9; i++)
		sprintf(buf + strlen(buf), "k%d=v;", i);
	assert_int_equal(ccroute_ctx_parse(buf, kv, 8, why, sizeof(why)), -1);
	assert_string_equal(why, "more than 8 pairs");
}

static void test_load(void **state)
{
	char path[] = "/tmp/ccroute-test-XXXXXX";
	struct ccroute_table *t;
	struct ccroute_err err;
	char expect_msg[128];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, contract_example, strlen(contract_example)),
					 (int)strlen(contract_example));
	close(fd);
	t = ccroute_load(path, &err);
	assert_non_null(t);
	assert_int_equal(t->n, 4);
	assert_string_equal(t->rules[3].name, "default");
	ccroute_free(t);
	unlink(path);
	assert_null(ccroute_load(path, &err));
	snprintf(expect_msg, sizeof(expect_msg),
			 "%s: cannot open: No such file or directory", path);
	assert_string_equal(err.msg, expect_msg);
	assert_int_equal(err.line, 0);
}

/* the shipped example parses, ends with the default, and its commented
 * examples parse too once uncommented */
static void test_shipped_example(void **state)
{
	const char *top = getenv("IWG_TOP");
	struct ccroute_table *t;
	struct ccroute_err err;
	char path[512], *text, *p;
	size_t len;
	int n;

	(void)state;
	snprintf(path, sizeof(path), "%s/kamcfg/cc-routing.rules", top ? top : ".");
	t = ccroute_load(path, &err);
	if (!t)
		fail_msg("%s", err.msg);
	n = t->n;
	assert_string_equal(t->rules[n - 1].name, "default");
	assert_int_equal(t->rules[n - 1].nconds, 0);
	assert_string_equal(route(t, "queue=billing;language=fr"), "billing-fr");
	assert_string_equal(route(t, "queue=BILLING;language=de"), "billing");
	assert_string_equal(route(t, "queue=other"), "default");
	ccroute_free(t);
	/* "#name  |" lines are commented-out examples */
	text = textfile_read(path, CCROUTE_MAX_FILE, &len, err.msg,
						 sizeof(err.msg));
	assert_non_null(text);
	for (p = text; (p = strstr(p, "\n#")); p++)
		if (p[2] >= 'a' && p[2] <= 'z' && strchr(p + 2, '|') &&
			strchr(p + 2, '|') < strchr(p + 2, '\n'))
			p[1] = ' ';
	t = ccroute_parse(text, len, path, &err);
	free(text);
	if (!t)
		fail_msg("uncommented examples: %s", err.msg);
	assert_true(t->n > n);
	assert_string_equal(route(t, "priority=7;queue=other"), "vip");
	ccroute_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_every_condition_form),
			cmocka_unit_test(test_first_match_wins),
			cmocka_unit_test(test_rule_fields),
			cmocka_unit_test(test_substitution),
			cmocka_unit_test(test_literal_value_cut),
			cmocka_unit_test(test_errors),
			cmocka_unit_test(test_bad_regex_and_nul),
			cmocka_unit_test(test_limits),
			cmocka_unit_test(test_ctx_parse),
			cmocka_unit_test(test_load),
			cmocka_unit_test(test_shipped_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
