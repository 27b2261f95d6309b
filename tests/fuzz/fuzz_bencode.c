/*
 * fuzz_bencode.c - libFuzzer target for the bencode decoder.
 *
 * For any input: decoding must not crash. When it decodes, the strict
 * grammar makes the input canonical, so re-encoding must give the same
 * bytes and decoding those must give an equal tree; converting to JSON
 * must give valid UTF-8 that json-c parses back. The input is also split
 * as an NG message ("<cookie> <body>") and the body decoded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ng/bencode.h"
#include "ng/ng_client.h"

#define CHECK(cond, what)                                \
	do {                                                 \
		if (!(cond)) {                                   \
			fprintf(stderr, "fuzz_bencode: %s\n", what); \
			abort();                                     \
		}                                                \
	} while (0)

static void check_json(const bencode_node *root)
{
	struct json_object *j = bencode_to_json(root), *back;
	struct json_tokener *tok;
	const char *s;
	size_t len;

	CHECK(j != NULL, "bencode_to_json failed on a decoded tree");
	s = json_object_to_json_string_ext(
			j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	CHECK(bencode_utf8_valid(s, len), "JSON output is not valid UTF-8");
	/* json-c's default depth (32) is below ours (64) */
	tok = json_tokener_new_ex(BENCODE_DEFAULT_MAX_DEPTH + 2);
	CHECK(tok != NULL, "json_tokener_new_ex");
	/* len + 1: the NUL ends a top-level number */
	back = json_tokener_parse_ex(tok, s, (int)len + 1);
	CHECK(back != NULL, "JSON output does not parse back");
	CHECK(json_object_get_type(back) == json_object_get_type(j),
		  "JSON type changed on re-parse");
	json_object_put(back);
	json_tokener_free(tok);
	json_object_put(j);
}

static void check_value(const uint8_t *data, size_t size)
{
	bencode_doc *d = bencode_decode(data, size, NULL), *d2;
	bencode_buf b;

	if (!d)
		return;
	if (d->err) {
		CHECK(d->root == NULL, "root set on error");
		CHECK(!strncmp(d->errstr, "offset ", 7), "errstr without offset");
		bencode_doc_free(d);
		return;
	}
	bencode_buf_init(&b);
	CHECK(bencode_put_node(&b, d->root) == 0, "re-encode failed");
	CHECK(bencode_buf_finish(&b) == 0, "re-encode unfinished");
	CHECK(b.len == size && !memcmp(b.data, data, size),
		  "re-encoding differs from the accepted input");
	d2 = bencode_decode(b.data, b.len, NULL);
	CHECK(d2 && !d2->err, "re-encoded bytes do not decode");
	CHECK(bencode_node_equal(d->root, d2->root), "trees differ");
	check_json(d->root);
	bencode_doc_free(d2);
	bencode_buf_free(&b);
	bencode_doc_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ck, *body;
	size_t ckl, bl;

	check_value(data, size);
	if (!ng_msg_split((const char *)data, size, &ck, &ckl, &body, &bl)) {
		CHECK(ckl + 1 + bl == size, "split lengths");
		CHECK(!memchr(ck, ' ', ckl), "cookie holds a space");
		check_value((const uint8_t *)body, bl);
	}
	return 0;
}
