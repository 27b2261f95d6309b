/* Unit tests: Redis Cluster key slots (CRC16 and hash tags, against the
 * values of the Redis Cluster specification), the CLUSTER SLOTS parser,
 * redirect parsing and the key names of the hash-tagged schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "idstore/idstore_schema.h"
#include "idstore/idstore_slots.h"

static int slot(const char *k)
{
	return ids_key_slot(k, strlen(k));
}

static void test_crc16_matches_the_specification(void **state)
{
	(void)state;
	/* the specification's check value: CRC16("123456789") = 0x31C3 */
	assert_int_equal(ids_crc16("123456789", 9), 0x31C3);
	assert_int_equal(ids_crc16("", 0), 0);
	/* CLUSTER KEYSLOT of Redis 7 for these keys */
	assert_int_equal(slot("foo"), 12182);
	assert_int_equal(slot("bar"), 5061);
	assert_int_equal(slot("hello"), 866);
	assert_int_equal(slot("123456789"), 0x31C3 & 16383);
}

static void test_hash_tags(void **state)
{
	(void)state;
	/* examples of the specification */
	assert_int_equal(slot("{user1000}.following"), slot("user1000"));
	assert_int_equal(slot("{user1000}.followers"), slot("user1000"));
	assert_int_equal(slot("foo{}{bar}"), ids_crc16("foo{}{bar}", 10) & 16383);
	assert_int_equal(slot("foo{{bar}}zap"), slot("{bar"));
	assert_int_equal(slot("foo{bar}{zap}"), slot("bar"));
	assert_int_equal(slot("{"), ids_crc16("{", 1) & 16383);
	assert_int_equal(slot("a{b"), ids_crc16("a{b", 3) & 16383);
	/* a mapping and its URI entry share the namespace's slot */
	assert_int_equal(slot("iwg:idm:map:{web}:alice"),
					 slot("iwg:idm:rev:{web}:sip:alice@iwg.test"));
	assert_int_equal(slot("iwg:idm:map:{web}:alice"), slot("web"));
	assert_int_not_equal(slot("iwg:idm:map:{web}:alice"),
						 slot("iwg:idm:map:{paas}:alice"));
}

static void test_key_names_carry_the_namespace_tag(void **state)
{
	char k[IDS_REDIS_KEY_MAX], n[IDS_REDIS_KEY_MAX];
	const char *ns, *rest;
	size_t nl;
	(void)state;
	assert_int_equal(ids_key_map(k, sizeof(k), "paas", "user-123"), 27);
	assert_string_equal(k, "iwg:idm:map:{paas}:user-123");
	ids_key_rev(k, sizeof(k), "web", "sip:alice@iwg.test");
	assert_string_equal(k, "iwg:idm:rev:{web}:sip:alice@iwg.test");
	assert_int_equal(ids_key_map(k, sizeof(k), "a}b", "x"), -1);
	assert_int_equal(ids_key_split(k, strlen(k), &ns, &nl, &rest), 0);
	assert_int_equal(nl, 3);
	assert_memory_equal(ns, "web", 3);
	assert_string_equal(rest, "sip:alice@iwg.test");
	assert_int_equal(ids_key_split("iwg:idm:did:+331", 16, &ns, &nl, &rest),
					 -1);
	/* the upgrade of names written before the tags */
	assert_int_equal(ids_key_upgrade("iwg:idm:map:web:bob", 19, n, sizeof(n)),
					 21);
	assert_string_equal(n, "iwg:idm:map:{web}:bob");
	assert_true(ids_key_upgrade("iwg:idm:rev:web:sip:b@x", 23, n, sizeof(n)) >
				0);
	assert_string_equal(n, "iwg:idm:rev:{web}:sip:b@x");
	assert_int_equal(ids_key_upgrade("iwg:idm:map:{web}:bob", 21, n, sizeof(n)),
					 0);
	assert_int_equal(ids_key_upgrade("iwg:idm:did:+33111", 18, n, sizeof(n)),
					 0);
	assert_int_equal(ids_key_upgrade("iwg:idm:map:web:bob", 19, n, 10), -1);
}

/* a reply parsed from RESP text */
static redisReply *resp(const char *text)
{
	redisReader *rd = redisReaderCreate();
	void *r = NULL;
	assert_non_null(rd);
	assert_int_equal(redisReaderFeed(rd, text, strlen(text)), REDIS_OK);
	assert_int_equal(redisReaderGetReply(rd, &r), REDIS_OK);
	redisReaderFree(rd);
	assert_non_null(r);
	return r;
}

static void test_slot_map_parser(void **state)
{
	ids_slotmap_t *m = malloc(sizeof(*m));
	char err[96];
	redisReply *r;
	(void)state;
	assert_non_null(m);
	/* three masters, one with a replica, one with an unknown address */
	r = resp("*3\r\n"
			 "*4\r\n:0\r\n:5460\r\n*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n$"
			 "2\r\nid\r\n"
			 "*3\r\n$9\r\n127.0.0.1\r\n:7003\r\n$2\r\nir\r\n"
			 "*3\r\n:5461\r\n:10922\r\n*3\r\n$3\r\n::1\r\n:7001\r\n$2\r\nid\r\n"
			 "*3\r\n:10923\r\n:16383\r\n*3\r\n$0\r\n\r\n:7002\r\n$2\r\nid\r\n");
	assert_int_equal(ids_slotmap_parse(r, "10.0.0.9", m, err, sizeof(err)),
					 16384);
	assert_int_equal(m->nnodes, 3);
	assert_string_equal(m->node[m->slot[0]], "127.0.0.1:7000");
	assert_string_equal(m->node[m->slot[5460]], "127.0.0.1:7000");
	assert_string_equal(m->node[m->slot[5461]], "[::1]:7001");
	assert_string_equal(m->node[m->slot[16383]], "10.0.0.9:7002");
	assert_int_equal(ids_slotmap_find(m, "[::1]:7001"), m->slot[6000]);
	freeReplyObject(r);

	/* a partial map: uncovered slots stay unknown */
	r = resp("*1\r\n*3\r\n:100\r\n:199\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), 100);
	assert_int_equal(m->slot[99], IDS_SLOT_NONE);
	assert_int_equal(m->slot[150], 0);
	freeReplyObject(r);

	/* malformed replies are refused with a reason */
	r = resp("*1\r\n*3\r\n:200\r\n:100\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad range"));
	freeReplyObject(r);
	r = resp("*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	freeReplyObject(r);
	r = resp("*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n$0\r\n\r\n:1\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	freeReplyObject(r);
	r = resp("*1\r\n*2\r\n:0\r\n:1\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	freeReplyObject(r);
	r = resp("-ERR This instance has cluster support disabled\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	freeReplyObject(r);
	r = resp("*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n$1\r\nh\r\n:70000\r\n");
	assert_int_equal(ids_slotmap_parse(r, NULL, m, err, sizeof(err)), -1);
	freeReplyObject(r);
	free(m);
}

static void test_redirects(void **state)
{
	char a[IDS_NODE_ADDR];
	int s = -1;
	(void)state;
	assert_int_equal(ids_redirect_parse("MOVED 3999 127.0.0.1:6381", 25, NULL,
										&s, a, sizeof(a)),
					 1);
	assert_int_equal(s, 3999);
	assert_string_equal(a, "127.0.0.1:6381");
	assert_int_equal(ids_redirect_parse("ASK 16383 ::1:7002", 18, NULL, &s, a,
										sizeof(a)),
					 2);
	assert_int_equal(s, 16383);
	assert_string_equal(a, "[::1]:7002");
	assert_int_equal(
			ids_redirect_parse("MOVED 1 :7005", 13, "h1", &s, a, sizeof(a)), 1);
	assert_string_equal(a, "h1:7005");
	assert_int_equal(
			ids_redirect_parse("MOVED 1 :7005", 13, NULL, &s, a, sizeof(a)), 0);
	assert_int_equal(
			ids_redirect_parse("MOVED 16384 h:1", 15, NULL, &s, a, sizeof(a)),
			0);
	assert_int_equal(
			ids_redirect_parse("MOVED x h:1", 11, NULL, &s, a, sizeof(a)), 0);
	assert_int_equal(
			ids_redirect_parse("MOVED 1 h:", 10, NULL, &s, a, sizeof(a)), 0);
	assert_int_equal(
			ids_redirect_parse("MOVED 1 h:1 x", 13, NULL, &s, a, sizeof(a)), 0);
	assert_int_equal(ids_redirect_parse("ERR nope", 8, NULL, &s, a, sizeof(a)),
					 0);
	assert_int_equal(ids_redirect_parse("MOVED 1 h:1", 11, NULL, &s, a, 3), 0);
}

static void test_did_owner_values(void **state)
{
	const char *ns, *key, *tok;
	size_t nl, kl, tl;
	const char *v = "cc:agent:7 0123456789abcdef";
	(void)state;
	assert_int_equal(
			ids_did_owner_parse(v, strlen(v), &ns, &nl, &key, &kl, &tok, &tl),
			0);
	assert_int_equal(nl, 2);
	assert_memory_equal(ns, "cc", 2);
	assert_int_equal(kl, 7); /* a key may hold ':' */
	assert_memory_equal(key, "agent:7", 7);
	assert_int_equal(tl, IDS_DID_TOK_LEN);
	assert_memory_equal(tok, "0123456789abcdef", 16);
	/* written before the tokens */
	assert_int_equal(
			ids_did_owner_parse("web:ann", 7, &ns, &nl, &key, &kl, &tok, &tl),
			0);
	assert_int_equal(kl, 3);
	assert_int_equal(tl, 0);
	/* malformed */
	assert_int_equal(
			ids_did_owner_parse("webann", 6, &ns, &nl, &key, &kl, &tok, &tl),
			-1);
	assert_int_equal(
			ids_did_owner_parse(":k", 2, &ns, &nl, &key, &kl, &tok, &tl), -1);
	assert_int_equal(
			ids_did_owner_parse("w:", 2, &ns, &nl, &key, &kl, &tok, &tl), -1);
	assert_int_equal(
			ids_did_owner_parse("w:k zz", 6, &ns, &nl, &key, &kl, &tok, &tl),
			-1);
	assert_int_equal(ids_did_owner_parse("w:k 0123456789abcdeg", 20, &ns, &nl,
										 &key, &kl, &tok, &tl),
					 -1);
	assert_int_equal(ids_did_owner_parse("w:k 0123456789abcdef ", 21, &ns, &nl,
										 &key, &kl, &tok, &tl),
					 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_crc16_matches_the_specification),
			cmocka_unit_test(test_hash_tags),
			cmocka_unit_test(test_key_names_carry_the_namespace_tag),
			cmocka_unit_test(test_slot_map_parser),
			cmocka_unit_test(test_redirects),
			cmocka_unit_test(test_did_owner_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
