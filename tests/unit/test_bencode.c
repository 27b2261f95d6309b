/*
 * test_bencode.c - bencode decoder/encoder, JSON conversion, NG framing.
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

#include "ng/bencode.h"
#include "ng/ng_client.h"

/* decode a NUL-free literal; the document must be freed by the caller */
static bencode_doc *dec(const char *s)
{
	bencode_doc *d = bencode_decode(s, strlen(s), NULL);
	assert_non_null(d);
	return d;
}

/* the input must be rejected with err code and errstr containing why */
static void reject(const char *in, size_t len, const bencode_limits *lim,
				   int code, const char *why)
{
	bencode_doc *d = bencode_decode(in, len, lim);

	assert_non_null(d);
	if (d->err != code || !strstr(d->errstr, why) ||
		strncmp(d->errstr, "offset ", 7)) {
		print_error("input \"%.*s\": expected err %d \"%s\", got err %d "
					"\"%s\"\n",
					(int)(len > 60 ? 60 : len), in, code, why, d->err,
					d->errstr);
		bencode_doc_free(d);
		fail();
	}
	assert_null(d->root);
	bencode_doc_free(d);
}

static void rej(const char *in, const char *why)
{
	reject(in, strlen(in), NULL, BENCODE_ERR_SYNTAX, why);
}

/* decode, re-encode, compare bytes */
static void roundtrip(const char *in, size_t len)
{
	bencode_doc *d = bencode_decode(in, len, NULL);
	bencode_buf b;

	assert_non_null(d);
	if (d->err)
		print_error("decode failed: %s\n", d->errstr);
	assert_int_equal(d->err, 0);
	bencode_buf_init(&b);
	assert_int_equal(bencode_put_node(&b, d->root), 0);
	assert_int_equal(bencode_buf_finish(&b), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, in, len);
	bencode_buf_free(&b);
	bencode_doc_free(d);
}

/* ------------------------------------------------------------ decoding */

static void test_decode_scalars(void **state)
{
	bencode_doc *d;

	(void)state;
	d = dec("i42e");
	assert_int_equal(d->err, 0);
	assert_int_equal(d->root->type, BENCODE_INT);
	assert_true(d->root->num == 42);
	bencode_doc_free(d);

	d = dec("i-7e");
	assert_true(d->root->num == -7);
	bencode_doc_free(d);

	d = dec("i0e");
	assert_true(d->root->num == 0);
	bencode_doc_free(d);

	d = dec("i9223372036854775807e");
	assert_true(d->root->num == INT64_MAX);
	bencode_doc_free(d);

	d = dec("i-9223372036854775808e");
	assert_true(d->root->num == INT64_MIN);
	bencode_doc_free(d);

	d = dec("4:spam");
	assert_int_equal(d->root->type, BENCODE_STR);
	assert_int_equal(d->root->len, 4);
	assert_string_equal(d->root->str, "spam");
	bencode_doc_free(d);

	d = dec("0:");
	assert_int_equal(d->root->type, BENCODE_STR);
	assert_int_equal(d->root->len, 0);
	assert_string_equal(d->root->str, "");
	bencode_doc_free(d);
}

static void test_decode_binary_string(void **state)
{
	static const char in[] = "5:a\0b\xff"
							 "c";
	bencode_doc *d = bencode_decode(in, sizeof(in) - 1, NULL);

	(void)state;
	assert_int_equal(d->err, 0);
	assert_int_equal(d->root->len, 5);
	assert_memory_equal(d->root->str,
						"a\0b\xff"
						"c",
						5);
	assert_int_equal(d->root->str[5], '\0'); /* NUL-terminated copy */
	bencode_doc_free(d);
}

static void test_decode_not_nul_terminated(void **state)
{
	/* the value ends exactly at the end of the buffer; no NUL after it */
	char *buf = malloc(6);
	bencode_doc *d;

	(void)state;
	memcpy(buf, "4:spam", 6);
	d = bencode_decode(buf, 6, NULL);
	free(buf); /* the document holds its own copy */
	assert_int_equal(d->err, 0);
	assert_string_equal(d->root->str, "spam");
	bencode_doc_free(d);

	buf = malloc(3);
	memcpy(buf, "i12", 3);
	d = bencode_decode(buf, 3, NULL);
	free(buf);
	assert_int_equal(d->err, BENCODE_ERR_SYNTAX);
	assert_non_null(strstr(d->errstr, "end of input"));
	bencode_doc_free(d);
}

static void test_decode_ng_reply(void **state)
{
	const char *in = "d6:result2:ok5:callsl2:c12:c2e7:createdi1700000000e"
					 "4:tagsd3:ft1d3:tag3:ft1eee";
	const bencode_node *calls, *c, *tags;
	bencode_doc *d = dec(in);
	size_t len;

	(void)state;
	assert_int_equal(d->err, 0);
	assert_int_equal(d->root->type, BENCODE_DICT);
	assert_int_equal(d->root->count, 4);
	assert_string_equal(bencode_dict_get_str(d->root, "result", &len), "ok");
	assert_int_equal(len, 2);
	assert_true(bencode_str_eq(bencode_dict_get(d->root, "result"), "ok"));
	assert_false(bencode_str_eq(bencode_dict_get(d->root, "result"), "o"));
	calls = bencode_dict_get(d->root, "calls");
	assert_non_null(calls);
	assert_int_equal(calls->type, BENCODE_LIST);
	assert_int_equal(calls->count, 2);
	c = calls->child;
	assert_true(bencode_str_eq(c, "c1"));
	assert_true(bencode_str_eq(c->next, "c2"));
	assert_null(c->next->next);
	assert_true(bencode_dict_get(d->root, "created")->num == 1700000000);
	tags = bencode_dict_get(d->root, "tags");
	assert_string_equal(
			bencode_dict_get_str(bencode_dict_get(tags, "ft1"), "tag", NULL),
			"ft1");
	/* lookups that must miss */
	assert_null(bencode_dict_get(d->root, "nope"));
	assert_null(bencode_dict_get_str(d->root, "calls", NULL)); /* a list */
	assert_null(bencode_dict_get(calls, "c1"));				   /* not a dict */
	assert_null(bencode_dict_get(NULL, "x"));
	bencode_doc_free(d);
	roundtrip(in, strlen(in));
}

static void test_roundtrip(void **state)
{
	static const char *const ok[] = {
			"de",
			"le",
			"lli1eeleldeee",
			"d1:bi1e1:ai2ee", /* unsorted keys are accepted, order kept */
			"d0:0:e",		  /* empty key */
			"l0:i-1ei9223372036854775807ee",
			"d7:command5:offer7:call-id2:c15:flagsl13:trust-addressee",
	};
	static const char bin[] = "l3:\0\xff\x01i5ee";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		roundtrip(ok[i], strlen(ok[i]));
	roundtrip(bin, sizeof(bin) - 1);
}

static void test_reject_syntax(void **state)
{
	(void)state;
	rej("i1ex", "1 trailing bytes");
	rej("4:spamX", "trailing");
	rej("dei1e", "trailing");
	rej("i03e", "leading zero in integer");
	rej("i00e", "leading zero in integer");
	rej("i-03e", "leading zero in integer");
	rej("i-0e", "negative zero");
	rej("ie", "expected digit");
	rej("i-e", "expected digit");
	rej("i+1e", "expected digit");
	rej("i1", "end of input");
	rej("i1.5e", "expected 'e'");
	rej("i9223372036854775808e", "out of 64-bit range");
	rej("i-9223372036854775809e", "out of 64-bit range");
	rej("i99999999999999999999999e", "out of 64-bit range");
	rej("5:abc", "exceeds the input");
	rej("2:", "exceeds the input");
	rej("99999999999999999999999999:x", "exceeds the input");
	rej("03:abc", "leading zero in string length");
	rej("00:", "leading zero in string length");
	rej("4spam", "expected ':'");
	rej("4", "exceeds the input");
	rej("1", "end of input in string length");
	rej("-1:a", "unexpected byte 0x2d");
	rej("x", "unexpected byte 0x78");
	rej("e", "unexpected byte 0x65");
	rej("l", "end of input in list");
	rej("li1e", "end of input in list");
	rej("d", "end of input in dictionary");
	rej("d1:a", "end of input: dictionary key without value");
	rej("d1:ae", "dictionary key without value");
	rej("di1ei2ee", "dictionary key is not a string");
	rej("dlei2ee", "dictionary key is not a string");
	rej("d1:ai1e1:ai2ee", "duplicate dictionary key \"a\"");
	rej("d1:ai1e1:bi1e1:ci1e1:di1e1:ei1e1:fi1e1:gi1e1:hi1e1:ii1e1:bi2ee",
		"duplicate dictionary key \"b\""); /* > 8 keys: sorted check */
	rej("", "empty input");
}

static void test_reject_offsets(void **state)
{
	bencode_doc *d;

	(void)state;
	d = dec("d1:ai03ee");
	assert_string_equal(d->errstr, "offset 4: leading zero in integer");
	bencode_doc_free(d);
	d = dec("li1e5:abce");
	assert_string_equal(
			d->errstr,
			"offset 4: string length 5 exceeds the input (4 bytes left)");
	bencode_doc_free(d);
	d = dec("le ");
	assert_string_equal(d->errstr,
						"offset 2: 1 trailing bytes after the value");
	bencode_doc_free(d);
}

static void test_reject_depth(void **state)
{
	char buf[2 * 70 + 1];
	bencode_limits lim = {.max_depth = 2, .max_nodes = 0};
	int i;

	(void)state;
	/* 64 nested lists: accepted with the default bound */
	for (i = 0; i < 64; i++) {
		buf[i] = 'l';
		buf[64 + i] = 'e';
	}
	roundtrip(buf, 128);
	/* 65: rejected */
	for (i = 0; i < 65; i++) {
		buf[i] = 'l';
		buf[65 + i] = 'e';
	}
	reject(buf, 130, NULL, BENCODE_ERR_LIMIT, "nesting deeper than 64");
	/* unterminated deep nesting hits the bound before the end of input */
	memset(buf, 'l', 70);
	reject(buf, 70, NULL, BENCODE_ERR_LIMIT, "nesting deeper than 64");
	/* custom bound */
	reject("llleee", 6, &lim, BENCODE_ERR_LIMIT, "nesting deeper than 2");
	lim.max_depth = 3;
	{
		bencode_doc *d = bencode_decode("llleee", 6, &lim);
		assert_int_equal(d->err, 0);
		bencode_doc_free(d);
	}
}

static void test_reject_nodes(void **state)
{
	bencode_limits lim = {.max_depth = 0, .max_nodes = 3};
	bencode_doc *d;
	char *big;
	size_t i, n = 100001;

	(void)state;
	d = bencode_decode("li1ei2ee", 8, &lim); /* 3 nodes */
	assert_int_equal(d->err, 0);
	bencode_doc_free(d);
	reject("li1ei2ei3ee", 11, &lim, BENCODE_ERR_LIMIT, "more than 3 nodes");
	/* keys count: dict + key + value + key = 4 */
	reject("d1:ai1e1:bi2ee", 14, &lim, BENCODE_ERR_LIMIT, "more than 3 nodes");
	/* the default bound: a list of 100001 empty strings (+ the list) */
	big = malloc(2 * n + 2);
	big[0] = 'l';
	for (i = 0; i < n; i++)
		memcpy(big + 1 + 2 * i, "0:", 2);
	big[2 * n + 1] = 'e';
	reject(big, 2 * n + 2, NULL, BENCODE_ERR_LIMIT, "more than 100000 nodes");
	free(big);
}

/* ------------------------------------------------------------ encoding */

static void test_encode_command(void **state)
{
	static const char *const flags[] = {"trust-address", "SDES-off"};
	static const char want[] = "d7:command5:offer7:call-id2:c15:limiti-3e"
							   "5:flagsl13:trust-address8:SDES-offe"
							   "7:replaced6:origin1:xe3:sdp3:a\0be";
	bencode_buf b;

	(void)state;
	bencode_buf_init(&b);
	assert_int_equal(bencode_dict_begin(&b), 0);
	assert_int_equal(bencode_dict_add_str(&b, "command", "offer"), 0);
	assert_int_equal(bencode_dict_add_str(&b, "call-id", "c1"), 0);
	assert_int_equal(bencode_dict_add_int(&b, "limit", -3), 0);
	assert_int_equal(bencode_dict_add_strlist(&b, "flags", flags, 2), 0);
	assert_int_equal(bencode_dict_add_dict(&b, "replace"), 0);
	assert_int_equal(bencode_dict_add_str(&b, "origin", "x"), 0);
	assert_int_equal(bencode_end(&b), 0);
	assert_int_equal(bencode_dict_add_strn(&b, "sdp", "a\0b", 3), 0);
	assert_int_equal(bencode_end(&b), 0);
	assert_int_equal(bencode_buf_finish(&b), 0);
	assert_int_equal(b.len, sizeof(want) - 1);
	assert_memory_equal(b.data, want, b.len);
	bencode_buf_free(&b);
}

static void test_encode_errors(void **state)
{
	bencode_buf b;

	(void)state;
	bencode_buf_init(&b);
	assert_int_equal(bencode_end(&b), -1);
	assert_non_null(strstr(b.errstr, "end without open container"));
	/* sticky */
	assert_int_equal(bencode_put_int(&b, 1), -1);
	assert_int_equal(bencode_buf_finish(&b), -1);
	bencode_buf_free(&b);

	bencode_buf_init(&b);
	bencode_list_begin(&b);
	assert_int_equal(bencode_buf_finish(&b), -1);
	assert_non_null(strstr(b.errstr, "not closed"));
	bencode_buf_free(&b);

	bencode_buf_init(&b);
	assert_int_equal(bencode_buf_finish(&b), -1); /* nothing encoded */
	bencode_buf_free(&b);

	bencode_buf_init(&b);
	assert_int_equal(bencode_put_cstr(&b, NULL), -1);
	bencode_buf_free(&b);
}

static void test_encode_large(void **state)
{
	bencode_buf b;
	bencode_doc *d;
	int i;

	(void)state;
	bencode_buf_init(&b);
	bencode_list_begin(&b);
	for (i = 0; i < 5000; i++)
		bencode_put_int(&b, i * 1000003LL);
	bencode_end(&b);
	assert_int_equal(bencode_buf_finish(&b), 0);
	d = bencode_decode(b.data, b.len, NULL);
	assert_int_equal(d->err, 0);
	assert_int_equal(d->root->count, 5000);
	bencode_doc_free(d);
	bencode_buf_free(&b);
}

static void test_encode_from_json(void **state)
{
	static const char *const bad[][2] = {
			{"{\"a\":true}", "JSON boolean at .a"},
			{"{\"a\":[1,2.5]}", "JSON fraction at .a[1]"},
			{"{\"a\":{\"b\":null}}", "JSON null at .a.b"},
			{"{\"a\":18446744073709551615}", "out of 64-bit range"},
	};
	struct json_object *j;
	bencode_buf b;
	bencode_doc *d;
	size_t i;

	(void)state;
	j = json_tokener_parse(
			"{\"command\":\"offer\",\"call-id\":\"c1\","
			"\"flags\":[\"a\",\"b\"],\"n\":-5,"
			"\"replace\":{\"origin\":\"x\"},\"sdp\":\"\\u00e9\"}");
	assert_non_null(j);
	bencode_buf_init(&b);
	assert_int_equal(bencode_put_json(&b, j), 0);
	assert_int_equal(bencode_buf_finish(&b), 0);
	json_object_put(j);
	d = bencode_decode(b.data, b.len, NULL);
	assert_int_equal(d->err, 0);
	assert_string_equal(bencode_dict_get_str(d->root, "command", NULL),
						"offer");
	assert_true(bencode_dict_get(d->root, "n")->num == -5);
	assert_int_equal(bencode_dict_get(d->root, "flags")->count, 2);
	assert_string_equal(bencode_dict_get_str(d->root, "sdp", NULL), "\xc3\xa9");
	/* key order of the JSON object is kept */
	assert_string_equal(d->root->child->key, "command");
	bencode_doc_free(d);
	bencode_buf_free(&b);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_tokener_parse(bad[i][0]);
		assert_non_null(j);
		bencode_buf_init(&b);
		assert_int_equal(bencode_put_json(&b, j), -1);
		if (!strstr(b.errstr, bad[i][1])) {
			print_error("%s: expected \"%s\" in \"%s\"\n", bad[i][0], bad[i][1],
						b.errstr);
			fail();
		}
		bencode_buf_free(&b);
		json_object_put(j);
	}
}

/* ------------------------------------------------------------ JSON */

static void json_is(const char *in, size_t len, const char *want)
{
	bencode_doc *d = bencode_decode(in, len, NULL);
	struct json_object *j;
	const char *s;

	assert_int_equal(d->err, 0);
	j = bencode_to_json(d->root);
	assert_non_null(j);
	s = json_object_to_json_string_ext(
			j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (strcmp(s, want)) {
		print_error("bencode \"%.*s\": JSON %s, expected %s\n", (int)len, in, s,
					want);
		fail();
	}
	/* output must be valid JSON (json-c re-parses it) */
	{
		struct json_object *r = json_tokener_parse(s);
		assert_non_null(r);
		json_object_put(r);
	}
	json_object_put(j);
	bencode_doc_free(d);
}

static void test_to_json(void **state)
{
	static const char bad_utf8[] = "d1:s4:a\xff\xc3\xa9"
								   "e";
	static const char nul_val[] = "d1:s3:a\0be";
	static const char nul_key[] = "d3:k\0yi1ee";
	static const char bad_key[] = "d2:\xc0\x80i1ee";
	static const char surr[] = "3:\xed\xa0\x80";

	(void)state;
	json_is("d6:result2:ok5:callsl2:c1e1:ni-2e1:dde1:llee", 44,
			"{\"result\":\"ok\",\"calls\":[\"c1\"],\"n\":-2,\"d\":{},"
			"\"l\":[]}");
	json_is(bad_utf8, sizeof(bad_utf8) - 1, "{\"s\":\"a\\\\xff\xc3\xa9\"}");
	json_is(nul_val, sizeof(nul_val) - 1, "{\"s\":\"a\\u0000b\"}");
	json_is(nul_key, sizeof(nul_key) - 1, "{\"k\\\\x00y\":1}");
	json_is(bad_key, sizeof(bad_key) - 1, "{\"\\\\xc0\\\\x80\":1}");
	json_is(surr, sizeof(surr) - 1, "\"\\\\xed\\\\xa0\\\\x80\"");
	json_is("2:\"\\", 4, "\"\\\"\\\\\"");
	assert_null(bencode_to_json(NULL));
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(bencode_utf8_valid("", 0));
	assert_true(bencode_utf8_valid("abc", 3));
	assert_true(bencode_utf8_valid("\xc3\xa9", 2));
	assert_true(bencode_utf8_valid("\xe2\x82\xac", 3));
	assert_true(bencode_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_true(bencode_utf8_valid("\xf4\x8f\xbf\xbf", 4));	 /* U+10FFFF */
	assert_false(bencode_utf8_valid("\xc0\x80", 2));		 /* overlong */
	assert_false(bencode_utf8_valid("\xe0\x80\x80", 3));	 /* overlong */
	assert_false(bencode_utf8_valid("\xed\xa0\x80", 3));	 /* surrogate */
	assert_false(bencode_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(bencode_utf8_valid("\xc3", 1));			 /* truncated */
	assert_false(bencode_utf8_valid("\x80", 1));
	assert_false(bencode_utf8_valid("\xff", 1));
}

static void test_node_equal(void **state)
{
	bencode_doc *a = dec("d1:al1:xi1eee"), *b = dec("d1:al1:xi1eee"),
				*c = dec("d1:bl1:xi1eee"), *e = dec("d1:al1:xi2eee");

	(void)state;
	assert_true(bencode_node_equal(a->root, b->root));
	assert_false(bencode_node_equal(a->root, c->root));
	assert_false(bencode_node_equal(a->root, e->root));
	assert_false(bencode_node_equal(a->root, NULL));
	assert_true(bencode_node_equal(NULL, NULL));
	bencode_doc_free(a);
	bencode_doc_free(b);
	bencode_doc_free(c);
	bencode_doc_free(e);
}

/* ------------------------------------------------------------ NG framing */

static void test_ng_split(void **state)
{
	const char *msg = "5432_1 d6:result4:ponge", *ck, *body;
	size_t ckl, bl;

	(void)state;
	assert_int_equal(ng_msg_split(msg, strlen(msg), &ck, &ckl, &body, &bl), 0);
	assert_int_equal(ckl, 6);
	assert_memory_equal(ck, "5432_1", 6);
	assert_int_equal(bl, 16);
	assert_memory_equal(body, "d6:result4:ponge", 16);
	/* only the first space splits: the body may contain spaces */
	msg = "c d3:sdp3:a bee";
	assert_int_equal(ng_msg_split(msg, strlen(msg), &ck, &ckl, &body, &bl), 0);
	assert_int_equal(ckl, 1);
	assert_int_equal(bl, 13);
	/* cookie and empty body */
	assert_int_equal(ng_msg_split("c ", 2, &ck, &ckl, &body, &bl), 0);
	assert_int_equal(bl, 0);
	assert_int_equal(ng_msg_split("nospace", 7, &ck, &ckl, &body, &bl), -1);
	assert_int_equal(ng_msg_split(" d1:ae", 6, &ck, &ckl, &body, &bl), -1);
	assert_int_equal(ng_msg_split("", 0, &ck, &ckl, &body, &bl), -1);
	/* bounded: the space after len does not count */
	assert_int_equal(ng_msg_split("ab cd", 2, &ck, &ckl, &body, &bl), -1);
}

static void test_ng_build(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(
			ng_msg_build(out, sizeof(out), "ck1", "d7:command4:pinge", 17), 21);
	assert_memory_equal(out, "ck1 d7:command4:pinge", 21);
	assert_int_equal(ng_msg_build(out, sizeof(out), "a b", "de", 2), -1);
	assert_int_equal(ng_msg_build(out, sizeof(out), "", "de", 2), -1);
	assert_int_equal(ng_msg_build(out, 4, "abc", "de", 2), -1);
	assert_int_equal(ng_msg_build(out, 6, "abc", "de", 2), 6);
}

static void test_ng_hostport(void **state)
{
	char h[64];
	unsigned short p;

	(void)state;
	assert_int_equal(ng_parse_hostport("127.0.0.1:2224", h, sizeof(h), &p), 0);
	assert_string_equal(h, "127.0.0.1");
	assert_int_equal(p, 2224);
	assert_int_equal(ng_parse_hostport("[::1]:9", h, sizeof(h), &p), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(p, 9);
	assert_int_equal(ng_parse_hostport("[::1]", h, sizeof(h), &p), 0);
	assert_int_equal(p, NG_DEFAULT_PORT);
	assert_int_equal(ng_parse_hostport("::1", h, sizeof(h), &p), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(ng_parse_hostport("localhost", h, sizeof(h), &p), 0);
	assert_string_equal(h, "localhost");
	assert_int_equal(p, NG_DEFAULT_PORT);
	assert_int_equal(ng_parse_hostport("2230", h, sizeof(h), &p), 0);
	assert_string_equal(h, NG_DEFAULT_HOST);
	assert_int_equal(p, 2230);
	assert_int_equal(ng_parse_hostport("h:0", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("h:65536", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("h:", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport(":5", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("h:5x", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("[::1", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("[::1]x", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("", h, sizeof(h), &p), -1);
	assert_int_equal(ng_parse_hostport("abcdef:1", h, 4, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_decode_scalars),
			cmocka_unit_test(test_decode_binary_string),
			cmocka_unit_test(test_decode_not_nul_terminated),
			cmocka_unit_test(test_decode_ng_reply),
			cmocka_unit_test(test_roundtrip),
			cmocka_unit_test(test_reject_syntax),
			cmocka_unit_test(test_reject_offsets),
			cmocka_unit_test(test_reject_depth),
			cmocka_unit_test(test_reject_nodes),
			cmocka_unit_test(test_encode_command),
			cmocka_unit_test(test_encode_errors),
			cmocka_unit_test(test_encode_large),
			cmocka_unit_test(test_encode_from_json),
			cmocka_unit_test(test_to_json),
			cmocka_unit_test(test_utf8),
			cmocka_unit_test(test_node_equal),
			cmocka_unit_test(test_ng_split),
			cmocka_unit_test(test_ng_build),
			cmocka_unit_test(test_ng_hostport),
	};

	return cmocka_run_group_tests_name("bencode", tests, NULL, NULL);
}
