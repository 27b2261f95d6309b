/* Unit tests: lib/idstore against a real, throwaway redis-server started by
 * the test on a unix socket in a temporary directory. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "idstore/idstore.h"
#include "idstore/idstore_conn.h"

static char dir[] = "/tmp/iwg-idstore-XXXXXX";
static char sock[128];
static pid_t redis_pid;

static ids_ctx_t *conn(void)
{
	ids_conf_t cf;
	ids_ctx_t *c;
	ids_conf_init(&cf);
	snprintf(cf.addr, sizeof(cf.addr), "unix:%s", sock);
	c = ids_connect(&cf);
	assert_non_null(c);
	return c;
}

static int start_redis(void **state)
{
	int i;
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/redis.sock", dir);
	redis_pid = fork();
	if (redis_pid == 0) {
		char logf[160];
		snprintf(logf, sizeof(logf), "%s/redis.log", dir);
		execlp("redis-server", "redis-server", "--port", "0", "--unixsocket",
			   sock, "--dir", dir, "--save", "", "--appendonly", "no",
			   "--logfile", logf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) { /* poll up to 10 s */
		ids_ctx_t *c;
		ids_conf_t cf;
		struct timespec ts = {0, 50 * 1000 * 1000};
		ids_conf_init(&cf);
		snprintf(cf.addr, sizeof(cf.addr), "unix:%s", sock);
		c = ids_connect(&cf);
		if (c && c->err == IDS_OK && ids_ping(c) == IDS_OK) {
			ids_free(c);
			return 0;
		}
		ids_free(c);
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "redis-server did not start (log %s/redis.log)\n", dir);
	return -1;
}

static int stop_redis(void **state)
{
	char cmd[200];
	(void)state;
	if (redis_pid > 0) {
		kill(redis_pid, SIGTERM);
		waitpid(redis_pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void rec(ids_record_t *r, const char *ns, const char *key,
				const char *uri)
{
	ids_error_t e;
	ids_record_init(r);
	ids_record_set(r, IDS_F_NS, ns, strlen(ns), &e);
	ids_record_set(r, IDS_F_KEY, key, strlen(key), &e);
	ids_record_set(r, IDS_F_SIP_URI, uri, strlen(uri), &e);
}

static void test_put_get_round_trip(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	rec(&r, "paas", "user-123", "sip:alice@iwg.test");
	ids_record_set(&r, IDS_F_DISPLAY_NAME, "Alice A", 7, &e);
	ids_record_set(&r, IDS_F_QUEUE, "sales", 5, &e);
	r.not_after = 1900000000;
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_get(c, "paas", "user-123", &g), IDS_OK);
	assert_memory_equal(&r, &g, sizeof(r));
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_ERR_EXISTS);
	assert_int_equal(ids_get(c, "paas", "nobody", &g), IDS_ERR_NOTFOUND);
	assert_int_equal(c->err, IDS_ERR_NOTFOUND);
	ids_free(c);
}

static void test_reverse_follows_updates(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	(void)state;
	rec(&r, "web", "bob", "sip:Bob@IWG.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(
			ids_reverse(c, "web", "<sip:Bob@iwg.TEST;transport=ws>", &g),
			IDS_OK);
	assert_string_equal(g.key, "bob");
	/* moving the URI drops the old reverse entry */
	rec(&r, "web", "bob", "sip:bob2@iwg.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_reverse(c, "web", "sip:Bob@iwg.test", &g),
					 IDS_ERR_NOTFOUND);
	assert_int_equal(ids_reverse(c, "web", "sip:bob2@iwg.test", &g), IDS_OK);
	/* another key may not take the URI */
	rec(&r, "web", "mallory", "sip:bob2@iwg.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_ERR_CONFLICT);
	assert_non_null(strstr(c->errstr, "bob"));
	assert_int_equal(ids_get(c, "web", "mallory", &g), IDS_ERR_NOTFOUND);
	/* delete removes both entries */
	assert_int_equal(ids_del(c, "web", "bob"), IDS_OK);
	assert_int_equal(ids_reverse(c, "web", "sip:bob2@iwg.test", &g),
					 IDS_ERR_NOTFOUND);
	assert_int_equal(ids_del(c, "web", "bob"), IDS_ERR_NOTFOUND);
	rec(&r, "web", "ghost", "sip:g@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_ERR_NOTFOUND);
	ids_free(c);
}

/* a record with the routing attributes */
static void rec_cc(ids_record_t *r, const char *ns, const char *key,
				   const char *uri, const char *lang, const char *prio,
				   const char *did)
{
	ids_error_t e;
	rec(r, ns, key, uri);
	assert_int_equal(ids_record_set(r, IDS_F_LANGUAGE, lang, strlen(lang), &e),
					 0);
	assert_int_equal(ids_record_set(r, IDS_F_PRIORITY, prio, strlen(prio), &e),
					 0);
	assert_int_equal(ids_record_set(r, IDS_F_DID, did, strlen(did), &e), 0);
}

static void test_routing_attributes_round_trip(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	(void)state;
	rec_cc(&r, "cc", "ann", "sip:ann@iwg.test", "fr", "5", "+33123456789");
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_get(c, "cc", "ann", &g), IDS_OK);
	assert_memory_equal(&r, &g, sizeof(r));
	assert_string_equal(g.language, "fr");
	assert_int_equal(ids_record_priority(&g), 5);
	/* the DID finds the mapping, in one call, with its namespace */
	memset(&g, 0, sizeof(g));
	assert_int_equal(ids_reverse_did(c, "+33123456789", &g), IDS_OK);
	assert_memory_equal(&r, &g, sizeof(r));
	assert_string_equal(g.ns, "cc");
	assert_string_equal(g.key, "ann");
	/* a lookup of a malformed DID is an argument error, not a miss */
	assert_int_equal(ids_reverse_did(c, "0123456789", &g), IDS_ERR_ARG);
	assert_non_null(strstr(c->errstr, "E.164"));
	assert_int_equal(ids_reverse_did(c, "", &g), IDS_ERR_ARG);
	assert_int_equal(ids_reverse_did(c, "+33999999999", &g), IDS_ERR_NOTFOUND);
	/* an invalid attribute is refused before anything is written */
	rec(&r, "cc", "bad", "sip:bad@iwg.test");
	strcpy(r.priority, "10");
	{
		ids_error_t e;
		assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_INVALID);
		assert_string_equal(e.field, "priority");
	}
	assert_int_equal(ids_get(c, "cc", "bad", &g), IDS_ERR_NOTFOUND);
	ids_free(c);
}

static void test_did_is_unique_and_follows_updates(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	rec_cc(&r, "cc", "bea", "sip:bea@iwg.test", "", "", "+4930111111");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	/* another mapping, in any namespace, may not take the DID */
	rec_cc(&r, "paas", "eve", "sip:eve@iwg.test", "", "", "+4930111111");
	memset(&e, 0, sizeof(e));
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(c->errstr, "did +4930111111 is already mapped by key "
								   "bea (namespace cc)");
	assert_string_equal(e.field, "did");
	assert_string_equal(e.msg, "already mapped by key bea (namespace cc)");
	/* ... and nothing of it was written: no hash, no URI entry */
	assert_int_equal(ids_get(c, "paas", "eve", &g), IDS_ERR_NOTFOUND);
	assert_int_equal(ids_reverse(c, "paas", "sip:eve@iwg.test", &g),
					 IDS_ERR_NOTFOUND);
	/* a refused update leaves the mapping as it was */
	rec_cc(&r, "paas", "eve", "sip:eve@iwg.test", "", "", "+4930222222");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	rec_cc(&r, "paas", "eve", "sip:eve2@iwg.test", "de", "1", "+4930111111");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_ERR_CONFLICT);
	assert_int_equal(ids_get(c, "paas", "eve", &g), IDS_OK);
	assert_string_equal(g.did, "+4930222222");
	assert_string_equal(g.sip_uri, "sip:eve@iwg.test");
	assert_int_equal(ids_reverse_did(c, "+4930222222", &g), IDS_OK);
	assert_string_equal(g.key, "eve");
	/* the sip_uri conflict is named as such */
	rec_cc(&r, "cc", "bob2", "sip:bea@iwg.test", "", "", "+4930333333");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.field, "sip_uri");
	assert_int_equal(ids_reverse_did(c, "+4930333333", &g), IDS_ERR_NOTFOUND);
	/* a new DID moves the entry; the old one is free again */
	rec_cc(&r, "cc", "bea", "sip:bea@iwg.test", "", "", "+4930444444");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+4930111111", &g), IDS_ERR_NOTFOUND);
	assert_int_equal(ids_reverse_did(c, "+4930444444", &g), IDS_OK);
	assert_string_equal(g.key, "bea");
	rec_cc(&r, "cc", "cal", "sip:cal@iwg.test", "", "", "+4930111111");
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_del(c, "cc", "cal"), IDS_OK);
	/* a disabled mapping keeps its DID; the caller sees it disabled */
	assert_int_equal(ids_set_enabled(c, "cc", "bea", 0), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+4930444444", &g), IDS_OK);
	assert_int_equal(g.enabled, 0);
	assert_int_equal(ids_record_usable(&g, 1), 0);
	rec_cc(&r, "paas", "eve", "sip:eve@iwg.test", "", "", "+4930444444");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_ERR_CONFLICT);
	/* a write without a DID drops the entry */
	rec(&r, "cc", "bea", "sip:bea@iwg.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+4930444444", &g), IDS_ERR_NOTFOUND);
	rec_cc(&r, "cc", "cal", "sip:cal@iwg.test", "", "", "+4930444444");
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_del(c, "cc", "cal"), IDS_OK);
	/* delete drops it too, and the DID can be given to someone else */
	assert_int_equal(ids_del(c, "paas", "eve"), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+4930222222", &g), IDS_ERR_NOTFOUND);
	rec_cc(&r, "cc", "bea", "sip:bea@iwg.test", "", "", "+4930222222");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_del(c, "cc", "bea"), IDS_OK);
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+4930222222", &g), IDS_OK);
	assert_string_equal(g.ns, "cc");
	assert_int_equal(ids_del(c, "cc", "bea"), IDS_OK);
	ids_free(c);
}

static void test_invalid_record_is_not_written(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	rec(&r, "web", "bad", "sip:bad@x");
	strcpy(r.ha1, "xyz");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_INVALID);
	assert_string_equal(e.field, "ha1");
	assert_int_equal(ids_get(c, "web", "bad", &g), IDS_ERR_NOTFOUND);
	ids_free(c);
}

static void test_enable_disable(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	(void)state;
	rec(&r, "web", "carol", "sip:carol@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_set_enabled(c, "web", "carol", 0), IDS_OK);
	assert_int_equal(ids_get(c, "web", "carol", &g), IDS_OK);
	assert_int_equal(g.enabled, 0);
	assert_int_equal(ids_set_enabled(c, "web", "carol", 1), IDS_OK);
	assert_int_equal(ids_get(c, "web", "carol", &g), IDS_OK);
	assert_int_equal(g.enabled, 1);
	assert_int_equal(ids_set_enabled(c, "web", "nobody", 1), IDS_ERR_NOTFOUND);
	ids_free(c);
}

static int count_cb(const char *ns, const char *key, void *arg)
{
	(void)ns;
	(void)key;
	(*(int *)arg)++;
	return 0;
}

static void test_list_by_pattern(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r;
	char k[16], u[32];
	uint64_t cur = 0;
	int i, n = 0, steps = 0;
	(void)state;
	for (i = 0; i < 30; i++) {
		snprintf(k, sizeof(k), "lst-%02d", i);
		snprintf(u, sizeof(u), "sip:lst%d@x", i);
		rec(&r, "lst", k, u);
		assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	}
	do {
		assert_int_equal(
				ids_list(c, "lst", "lst-1*", &cur, 5, count_cb, &n, NULL),
				IDS_OK);
		steps++;
	} while (cur != 0 && steps < 1000);
	assert_int_equal(n, 10);
	n = 0;
	cur = 0;
	do {
		assert_int_equal(ids_list(c, NULL, NULL, &cur, 0, count_cb, &n, NULL),
						 IDS_OK);
	} while (cur != 0);
	assert_true(n >= 30);
	ids_free(c);
}

static void test_import_is_all_or_nothing(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t recs[3], g;
	ids_error_t errs[8];
	size_t nerrs;
	(void)state;
	rec(&recs[0], "imp", "owner", "sip:taken@x");
	assert_int_equal(ids_put(c, &recs[0], IDS_PUT_UPSERT, NULL), IDS_OK);
	rec(&recs[0], "imp", "n1", "sip:n1@x");
	rec(&recs[1], "imp", "n2", "sip:taken@x");
	rec(&recs[2], "imp", "n3", "sip:n3@x");
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_UPSERT, errs, 8, &nerrs),
					 IDS_ERR_CONFLICT);
	assert_int_equal(nerrs, 1);
	assert_int_equal(errs[0].line, 2);
	assert_string_equal(errs[0].field, "sip_uri");
	assert_int_equal(ids_get(c, "imp", "n1", &g), IDS_ERR_NOTFOUND);
	assert_int_equal(ids_get(c, "imp", "n3", &g), IDS_ERR_NOTFOUND);
	rec(&recs[1], "imp", "n2", "sip:n2@x");
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_CREATE, errs, 8, &nerrs),
					 IDS_OK);
	assert_int_equal(ids_reverse(c, "imp", "sip:n2@x", &g), IDS_OK);
	assert_string_equal(g.key, "n2");
	/* create again: every record exists */
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_CREATE, errs, 8, &nerrs),
					 IDS_ERR_EXISTS);
	assert_int_equal(nerrs, 3);
	ids_free(c);
}

static void test_import_checks_dids(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t recs[3], g;
	ids_error_t errs[8];
	size_t nerrs;
	(void)state;
	rec_cc(&recs[0], "web", "holder", "sip:holder@x", "", "", "+3222222222");
	assert_int_equal(ids_put(c, &recs[0], IDS_PUT_UPSERT, NULL), IDS_OK);
	rec_cc(&recs[0], "imd", "d1", "sip:d1@x", "fr", "3", "+3211111111");
	rec_cc(&recs[1], "imd", "d2", "sip:d2@x", "", "", "+3222222222");
	rec_cc(&recs[2], "imd", "d3", "sip:d3@x", "", "", "");
	/* held in Redis by a mapping of another namespace */
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_UPSERT, errs, 8, &nerrs),
					 IDS_ERR_CONFLICT);
	assert_int_equal(nerrs, 1);
	assert_int_equal(errs[0].line, 2);
	assert_string_equal(errs[0].field, "did");
	assert_string_equal(errs[0].msg,
						"already mapped by key holder (namespace web)");
	assert_int_equal(ids_get(c, "imd", "d1", &g), IDS_ERR_NOTFOUND);
	/* twice in the set */
	rec_cc(&recs[1], "imd", "d2", "sip:d2@x", "", "", "+3211111111");
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_UPSERT, errs, 8, &nerrs),
					 IDS_ERR_INVALID);
	assert_string_equal(errs[0].field, "did");
	assert_int_equal(errs[0].line, 2);
	/* clean: written with their reverse entries */
	rec_cc(&recs[1], "imd", "d2", "sip:d2@x", "", "", "+3233333333");
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_UPSERT, errs, 8, &nerrs),
					 IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+3211111111", &g), IDS_OK);
	assert_memory_equal(&recs[0], &g, sizeof(g));
	assert_int_equal(ids_reverse_did(c, "+3233333333", &g), IDS_OK);
	assert_string_equal(g.key, "d2");
	/* importing the same set again keeps the DIDs (they are its own) */
	assert_int_equal(ids_import(c, recs, 3, IDS_PUT_UPSERT, errs, 8, &nerrs),
					 IDS_OK);
	ids_free(c);
}

static void test_changes_are_published(void **state)
{
	ids_ctx_t *c = conn(), *s = conn();
	ids_record_t r;
	char buf[600];
	size_t len;
	(void)state;
	assert_int_equal(ids_subscribe(s), IDS_OK);
	assert_int_equal(ids_next_notice(s, 50, buf, sizeof(buf), &len),
					 IDS_ERR_NOTFOUND);
	rec(&r, "pub", "dave", "sip:dave@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dave sip:dave@x");
	rec(&r, "pub", "dave", "sip:dave2@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dave sip:dave2@x sip:dave@x");
	assert_int_equal(ids_set_enabled(c, "pub", "dave", 0), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dave sip:dave2@x");
	assert_int_equal(ids_del(c, "pub", "dave"), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dave sip:dave2@x");
	/* DIDs: the new one, the old one when it changes, on every write */
	rec_cc(&r, "pub", "dora", "sip:dora@x", "", "", "+4412345678");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dora sip:dora@x +4412345678");
	rec_cc(&r, "pub", "dora", "sip:dora2@x", "", "", "+4487654321");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(
			buf, "pub dora sip:dora2@x sip:dora@x +4487654321 +4412345678");
	{
		ids_inval_t iv;
		assert_int_equal(ids_inval_parse(buf, len, &iv), 0);
		assert_int_equal(iv.nuris, 2);
		assert_int_equal(iv.ndids, 2);
	}
	rec(&r, "pub", "dora", "sip:dora2@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dora sip:dora2@x +4487654321");
	rec_cc(&r, "pub", "dora", "sip:dora2@x", "", "", "+4412345678");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_int_equal(ids_set_enabled(c, "pub", "dora", 0), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dora sip:dora2@x +4412345678");
	assert_int_equal(ids_del(c, "pub", "dora"), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "pub dora sip:dora2@x +4412345678");
	assert_int_equal(ids_publish_flush(c), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "*");
	ids_free(s);
	ids_free(c);
}

static void test_unreachable_server_fails_fast(void **state)
{
	ids_conf_t cf;
	ids_ctx_t *c;
	ids_record_t g;
	(void)state;
	ids_conf_init(&cf);
	snprintf(cf.addr, sizeof(cf.addr), "unix:%s/nothing.sock", dir);
	c = ids_connect(&cf);
	assert_non_null(c);
	assert_int_equal(c->err, IDS_ERR_IO);
	assert_int_equal(ids_get(c, "web", "x", &g), IDS_ERR_IO);
	ids_free(c);
	snprintf(cf.addr, sizeof(cf.addr), "127.0.0.1:99999");
	c = ids_connect(&cf);
	assert_int_equal(c->err, IDS_ERR_ARG);
	ids_free(c);
	/* a sentinel list where nothing answers */
	snprintf(cf.sentinels, sizeof(cf.sentinels), "unix:%s/none1,unix:%s/n2",
			 dir, dir);
	c = ids_connect(&cf);
	assert_int_equal(c->err, IDS_ERR_IO);
	ids_free(c);
}

/* a server without replicas: with wait_replicas set, every write is made
 * but answered IDS_ERR_NOT_REPLICATED (saying how many acknowledged); a
 * write refused or finding nothing does not wait */
static void test_wait_without_replicas(void **state)
{
	ids_conf_t cf;
	ids_ctx_t *c;
	ids_record_t r, g, recs[2];
	ids_error_t errs[4];
	size_t nerrs;
	(void)state;
	ids_conf_init(&cf);
	assert_int_equal(cf.wait_replicas, 0);
	assert_int_equal(cf.wait_timeout_ms, IDS_DEFAULT_WAIT_TIMEOUT_MS);
	snprintf(cf.addr, sizeof(cf.addr), "unix:%s", sock);
	cf.wait_replicas = 1;
	cf.wait_timeout_ms = 0;
	c = ids_connect(&cf);
	assert_int_equal(c->err, IDS_ERR_ARG);
	ids_free(c);
	cf.wait_timeout_ms = 20;
	c = ids_connect(&cf);
	assert_int_equal(c->err, IDS_OK);
	rec(&r, "wait", "w1", "sip:w1@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL),
					 IDS_ERR_NOT_REPLICATED);
	assert_non_null(strstr(c->errstr, "acknowledged by 0 of 1 replica(s)"));
	assert_string_equal(ids_strerror(c->err), "not replicated");
	/* made on the master, and the connection stays usable */
	assert_int_equal(ids_get(c, "wait", "w1", &g), IDS_OK);
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_ERR_EXISTS);
	assert_int_equal(ids_set_enabled(c, "wait", "w1", 0),
					 IDS_ERR_NOT_REPLICATED);
	assert_int_equal(ids_get(c, "wait", "w1", &g), IDS_OK);
	assert_int_equal(g.enabled, 0);
	assert_int_equal(ids_del(c, "wait", "w1"), IDS_ERR_NOT_REPLICATED);
	assert_int_equal(ids_del(c, "wait", "w1"), IDS_ERR_NOTFOUND);
	rec(&recs[0], "wait", "i1", "sip:i1@x");
	rec(&recs[1], "wait", "i2", "sip:i2@x");
	assert_int_equal(ids_import(c, recs, 2, IDS_PUT_CREATE, errs, 4, &nerrs),
					 IDS_ERR_NOT_REPLICATED);
	assert_int_equal(nerrs, 0);
	assert_int_equal(ids_get(c, "wait", "i2", &g), IDS_OK);
	/* refused before writing: no WAIT, the refusal is reported */
	assert_int_equal(ids_import(c, recs, 2, IDS_PUT_CREATE, errs, 4, &nerrs),
					 IDS_ERR_EXISTS);
	ids_free(c);
	/* without wait_replicas the same writes succeed */
	cf.wait_replicas = 0;
	c = ids_connect(&cf);
	assert_int_equal(ids_del(c, "wait", "i1"), IDS_OK);
	ids_free(c);
}

/* a master turned replica answers writes READONLY: IDS_ERR_IO, and the
 * connection is closed so the caller connects again (to the new master) */
static void test_demoted_master_closes(void **state)
{
	ids_ctx_t *c = conn(), *admin = conn();
	ids_record_t r, g;
	redisReply *rep;
	(void)state;
	rec(&r, "ro", "r1", "sip:r1@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	/* a replica of a master that does not exist: reads work, writes not */
	rep = redisCommand(ids_redis(admin), "REPLICAOF 127.0.0.1 1");
	assert_non_null(rep);
	freeReplyObject(rep);
	assert_int_equal(ids_get(c, "ro", "r1", &g), IDS_OK);
	assert_int_equal(ids_del(c, "ro", "r1"), IDS_ERR_IO);
	assert_non_null(strstr(c->errstr, "no longer the master"));
	assert_null(ids_redis(c));
	assert_int_equal(ids_ping(c), IDS_ERR_IO);
	rep = redisCommand(ids_redis(admin), "REPLICAOF NO ONE");
	assert_non_null(rep);
	freeReplyObject(rep);
	assert_int_equal(ids_get(admin, "ro", "r1", &g), IDS_OK);
	ids_free(admin);
	ids_free(c);
}

/* raw command on the test server, reply freed; the integer or -1 */
static long long raw(ids_ctx_t *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;
	long long v;
	va_start(ap, fmt);
	r = redisvCommand(ids_redis(c), fmt, ap);
	va_end(ap);
	assert_non_null(r);
	v = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
	freeReplyObject(r);
	return v;
}

/* ids_upgrade_cb: the old keys left, "old|why" lines */
static void upgrade_conflict(const char *old_key, const char *new_key,
							 const char *why, void *arg)
{
	char *out = arg;
	(void)new_key;
	snprintf(out + strlen(out), 1024 - strlen(out), "%s|%s\n", old_key, why);
}

static void test_upgrade_moves_legacy_keys(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t g;
	uint64_t cur = 0;
	ids_upgrade_stats_t st = {0, 0, 0};
	char left[1024] = "";
	int steps = 0;
	(void)state;
	/* a mapping as written before the hash tags */
	raw(c, "HSET iwg:idm:map:old:k1 sip_uri sip:k1@iwg.test enabled 1 "
		   "not_after 0 did +33900000001 _rev_uri sip:k1@iwg.test");
	raw(c, "SET iwg:idm:rev:old:sip:k1@iwg.test k1");
	raw(c, "SET iwg:idm:did:+33900000001 old:k1");
	/* and one already written again under the new name: that one wins,
	 * with its URI entry; the old entry of its old URI is stale */
	raw(c, "HSET iwg:idm:map:old:k2 sip_uri sip:stale@iwg.test enabled 1 "
		   "_rev_uri sip:stale@iwg.test");
	raw(c, "SET iwg:idm:rev:old:sip:stale@iwg.test k2");
	raw(c, "HSET iwg:idm:map:{old}:k2 sip_uri sip:k2@iwg.test enabled 1 "
		   "not_after 0 _rev_uri sip:k2@iwg.test");
	raw(c, "SET iwg:idm:rev:old:sip:k2@iwg.test k2");
	raw(c, "SET iwg:idm:rev:{old}:sip:k2@iwg.test k2");
	/* an old URI entry naming another key than the new one does */
	raw(c, "SET iwg:idm:rev:old:sip:k9@iwg.test k3");
	raw(c, "SET iwg:idm:rev:{old}:sip:k9@iwg.test k9");
	assert_int_equal(ids_get(c, "old", "k1", &g), IDS_ERR_NOTFOUND);
	do {
		assert_int_equal(
				ids_upgrade_step(c, &cur, 2, &st, upgrade_conflict, left),
				IDS_OK);
		assert_true(++steps < 1000);
	} while (cur != 0);
	assert_int_equal(st.moved, 2);
	assert_int_equal(st.kept, 2);
	assert_int_equal(st.conflicts, 2);
	assert_non_null(strstr(left, "iwg:idm:rev:old:sip:k9@iwg.test|held by key "
								 "'k3' under the old name, by 'k9' under the "
								 "new one\n"));
	assert_non_null(strstr(left, "iwg:idm:rev:old:sip:stale@iwg.test|names "
								 "key 'k2', which holds sip:k2@iwg.test now"
								 "\n"));
	assert_int_equal(ids_get(c, "old", "k1", &g), IDS_OK);
	assert_string_equal(g.did, "+33900000001");
	assert_int_equal(ids_reverse(c, "old", "sip:k1@iwg.test", &g), IDS_OK);
	assert_string_equal(g.key, "k1");
	assert_int_equal(ids_reverse_did(c, "+33900000001", &g), IDS_OK);
	assert_string_equal(g.key, "k1");
	assert_int_equal(ids_get(c, "old", "k2", &g), IDS_OK);
	assert_string_equal(g.sip_uri, "sip:k2@iwg.test");
	assert_int_equal(ids_reverse(c, "old", "sip:k9@iwg.test", &g),
					 IDS_ERR_NOTFOUND); /* k9 has no hash: the new entry */
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:old:k1 iwg:idm:map:old:k2 "
							"iwg:idm:rev:old:sip:k1@iwg.test "
							"iwg:idm:rev:old:sip:k2@iwg.test "
							"iwg:idm:rev:{old}:sip:stale@iwg.test"),
					 0);
	/* the conflicts stay, and a second run reports only them */
	assert_int_equal(raw(c, "EXISTS iwg:idm:rev:old:sip:k9@iwg.test "
							"iwg:idm:rev:old:sip:stale@iwg.test"),
					 2);
	memset(&st, 0, sizeof(st));
	do
		assert_int_equal(ids_upgrade_step(c, &cur, 100, &st, NULL, NULL),
						 IDS_OK);
	while (cur != 0);
	assert_int_equal(st.moved + st.kept, 0);
	assert_int_equal(st.conflicts, 2);
	raw(c,
		"DEL iwg:idm:rev:old:sip:k9@iwg.test iwg:idm:rev:{old}:sip:k9@iwg.test "
		"iwg:idm:rev:old:sip:stale@iwg.test");
	assert_int_equal(ids_del(c, "old", "k1"), IDS_OK);
	assert_int_equal(ids_del(c, "old", "k2"), IDS_OK);
	ids_free(c);
}

static void test_unheld_did_entry_is_ignored(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	/* a claim left by a writer stopped before it wrote its mapping */
	raw(c, "SET iwg:idm:did:+33900000002 gone:ghost");
	assert_int_equal(ids_reverse_did(c, "+33900000002", &g), IDS_ERR_NOTFOUND);
	/* it names a mapping that exists but holds another DID: still no, and
	 * *out holds nothing of that mapping (its ha1 least of all) */
	rec(&r, "gone", "ghost", "sip:ghost@iwg.test");
	ids_record_set(&r, IDS_F_HA1, "0123456789abcdef0123456789abcdef", 32, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+33900000002", &g), IDS_ERR_NOTFOUND);
	assert_string_equal(g.ha1, "");
	assert_string_equal(g.key, "");
	/* the mapping it names takes it (the claim is its own) */
	ids_record_set(&r, IDS_F_DID, "+33900000002", 12, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+33900000002", &g), IDS_OK);
	assert_string_equal(g.key, "ghost");
	/* a refused write releases the DID it had just claimed */
	rec(&r, "gone", "other", "sip:ghost@iwg.test"); /* URI taken */
	ids_record_set(&r, IDS_F_DID, "+33900000003", 12, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.field, "sip_uri");
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000003"), 0);
	assert_int_equal(ids_del(c, "gone", "ghost"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000002"), 0);
	ids_free(c);
}

/* ---- concurrent writers of one mapping, step by step (ids_step_hook) ---- */

/* the other writer's work, run once at step 'at' of the first writer */
static struct {
	int at;
	void (*run)(ids_ctx_t *c2);
	ids_ctx_t *c2;
} other;

static void run_other(ids_ctx_t *ctx, int step)
{
	void (*run)(ids_ctx_t *) = other.run;
	(void)ctx;
	if (step != other.at || !run)
		return;
	other.run = NULL; /* once: it writes through the hook too */
	run(other.c2);
}

static void with_other(int at, void (*run)(ids_ctx_t *))
{
	other.at = at;
	other.run = run;
	other.c2 = conn();
	ids_step_hook = run_other;
}

static void other_done(void)
{
	ids_step_hook = NULL;
	assert_null(other.run); /* it did run */
	ids_free(other.c2);
}

static void put_did(ids_ctx_t *c, const char *key, const char *did, int mode,
					int want)
{
	ids_record_t r;
	ids_error_t e;
	char uri[64];
	snprintf(uri, sizeof(uri), "sip:%s@iwg.test", key);
	rec(&r, "race", key, uri);
	ids_record_set(&r, IDS_F_DID, did, strlen(did), &e);
	assert_int_equal(ids_put(c, &r, mode, NULL), want);
}

/* X holds did; another mapping may not take it; a lookup finds X */
static void assert_did_held(ids_ctx_t *c, const char *did, const char *key)
{
	ids_record_t g;
	assert_int_equal(ids_reverse_did(c, did, &g), IDS_OK);
	assert_string_equal(g.key, key);
	put_did(c, "intruder", did, IDS_PUT_UPSERT, IDS_ERR_CONFLICT);
}

static void x_back_to_d1(ids_ctx_t *c2)
{
	put_did(c2, "x", "+33900000011", IDS_PUT_UPSERT, IDS_OK);
}

static void test_did_release_after_a_later_write(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t g;
	(void)state;
	put_did(c, "x", "+33900000011", IDS_PUT_CREATE, IDS_OK);
	/* T1 moves x from D1 to D2 and, before it releases D1, T2 sets x back
	 * to D1 (its claim of D1 finds x named already) */
	with_other(IDS_STEP_WRITTEN, x_back_to_d1);
	put_did(c, "x", "+33900000012", IDS_PUT_UPSERT, IDS_OK);
	other_done();
	/* T1's release of D1 must not delete the entry x holds now */
	assert_int_equal(ids_get(c, "race", "x", &g), IDS_OK);
	assert_string_equal(g.did, "+33900000011");
	assert_did_held(c, "+33900000011", "x");
	/* and T2's release of D2 (which x held when T2 wrote) freed it */
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000012"), 0);
	assert_int_equal(ids_del(c, "race", "x"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000011"), 0);
	ids_free(c);
}

static void x_created_with_d3(ids_ctx_t *c2)
{
	put_did(c2, "x", "+33900000013", IDS_PUT_UPSERT, IDS_OK);
}

static void test_refused_write_keeps_a_later_claim(void **state)
{
	ids_ctx_t *c = conn();
	(void)state;
	/* T1 creates x with D3 and claims it; T2 creates x with D3 before T1
	 * writes, so T1's create is refused: its undo must leave T2's claim */
	with_other(IDS_STEP_CLAIMED, x_created_with_d3);
	put_did(c, "x", "+33900000013", IDS_PUT_CREATE, IDS_ERR_EXISTS);
	other_done();
	assert_did_held(c, "+33900000013", "x");
	/* a refused write of x that held the DID already puts its entry back
	 * as it was: a later release by x's holder still matches it */
	put_did(c, "x", "+33900000013", IDS_PUT_CREATE, IDS_ERR_EXISTS);
	assert_did_held(c, "+33900000013", "x");
	assert_int_equal(ids_del(c, "race", "x"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000013"), 0);
	ids_free(c);
}

static void x_recreated(ids_ctx_t *c2)
{
	put_did(c2, "x", "+33900000015", IDS_PUT_CREATE, IDS_OK);
}

static void test_delete_racing_a_recreate(void **state)
{
	ids_ctx_t *c = conn();
	(void)state;
	put_did(c, "x", "+33900000015", IDS_PUT_CREATE, IDS_OK);
	/* T1 deletes x; before it releases the DID, T2 creates x again */
	with_other(IDS_STEP_WRITTEN, x_recreated);
	assert_int_equal(ids_del(c, "race", "x"), IDS_OK);
	other_done();
	assert_did_held(c, "+33900000015", "x");
	assert_int_equal(ids_del(c, "race", "x"), IDS_OK);
	ids_free(c);
}

static void test_did_entry_format(void **state)
{
	ids_ctx_t *c = conn();
	redisReply *r;
	ids_record_t g;
	(void)state;
	put_did(c, "x", "+33900000016", IDS_PUT_CREATE, IDS_OK);
	r = redisCommand(ids_redis(c), "GET iwg:idm:did:+33900000016");
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	/* "<ns>:<key> <16 hex digits>", the token kept in the hash too */
	assert_int_equal(r->len, strlen("race:x ") + 16);
	assert_memory_equal(r->str, "race:x ", 7);
	assert_int_equal(raw(c, "HEXISTS iwg:idm:map:{race}:x _did_tok"), 1);
	freeReplyObject(r);
	/* an entry and a hash written before the tokens still work */
	raw(c, "SET iwg:idm:did:+33900000016 race:x");
	raw(c, "HDEL iwg:idm:map:{race}:x _did_tok");
	assert_did_held(c, "+33900000016", "x");
	put_did(c, "x", "+33900000017", IDS_PUT_UPSERT, IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000016"), 0);
	raw(c, "SET iwg:idm:did:+33900000018 race:x");
	put_did(c, "x", "+33900000018", IDS_PUT_UPSERT, IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+33900000018", &g), IDS_OK);
	assert_int_equal(ids_del(c, "race", "x"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000018"), 0);
	/* a malformed entry is stored data that fails validation, not a
	 * match; the connection stays usable */
	raw(c, "SET iwg:idm:did:+33900000019 %s", "race:x zz");
	assert_int_equal(ids_reverse_did(c, "+33900000019", &g), IDS_ERR_CORRUPT);
	assert_int_equal(ids_ping(c), IDS_OK);
	raw(c, "DEL iwg:idm:did:+33900000019");
	ids_free(c);
}

/* ---- stored data that fails validation: IDS_ERR_CORRUPT ---- */

/* lookup of (ns, key) answers IDS_ERR_CORRUPT naming field; the next
 * lookup of a good mapping on the same context works */
static void assert_corrupt_get(ids_ctx_t *c, const char *key, const char *field)
{
	ids_record_t g;
	assert_int_equal(ids_get(c, "crpt", key, &g), IDS_ERR_CORRUPT);
	assert_int_equal(c->err, IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, field);
	assert_true(c->corrupt.msg[0] != '\0');
	assert_int_equal(ids_get(c, "crpt", "good", &g), IDS_OK);
	assert_string_equal(g.sip_uri, "sip:good@iwg.test");
}

static void test_corrupt_record_leaves_the_connection_usable(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	(void)state;
	rec(&r, "crpt", "good", "sip:good@iwg.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	/* a field with a bad syntax: named, its value never shown */
	raw(c, "HSET iwg:idm:map:{crpt}:b1 sip_uri %s", "sip:b1@x>\"Eve\"");
	assert_int_equal(ids_get(c, "crpt", "b1", &g), IDS_ERR_CORRUPT);
	assert_non_null(strstr(c->errstr, "stored mapping crpt:b1: sip_uri"));
	assert_null(strstr(c->errstr, "Eve"));
	assert_corrupt_get(c, "b1", "sip_uri");
	raw(c, "HSET iwg:idm:map:{crpt}:b1 sip_uri sip:b1@x display_name %b",
		"A\r\nB", (size_t)4);
	assert_corrupt_get(c, "b1", "display_name");
	/* a field that no syntax check sees: sip_uri empty or absent */
	raw(c, "HSET iwg:idm:map:{crpt}:b2 sip_uri %s", "");
	assert_corrupt_get(c, "b2", "sip_uri");
	raw(c, "HDEL iwg:idm:map:{crpt}:b2 sip_uri");
	raw(c, "HSET iwg:idm:map:{crpt}:b2 display_name Bee");
	assert_corrupt_get(c, "b2", "sip_uri");
	/* another Redis type at a mapping's key */
	raw(c, "SET iwg:idm:map:{crpt}:b3 x");
	assert_corrupt_get(c, "b3", "");
	assert_int_equal(ids_set_enabled(c, "crpt", "b3", 0), IDS_ERR_CORRUPT);
	/* a URI entry naming a key that is not one: not shown */
	raw(c, "SET iwg:idm:rev:{crpt}:sip:ghost@x %s", "bad key");
	raw(c, "HSET %s sip_uri sip:ghost@x", "iwg:idm:map:{crpt}:bad key");
	assert_int_equal(ids_reverse(c, "crpt", "sip:ghost@x", &g),
					 IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, "key");
	assert_null(strstr(c->errstr, "bad key"));
	/* a URI entry naming a corrupt mapping */
	raw(c, "SET iwg:idm:rev:{crpt}:sip:b1@x b1");
	assert_int_equal(ids_reverse(c, "crpt", "sip:b1@x", &g), IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, "display_name");
	/* a DID entry naming a namespace that is not one */
	raw(c, "SET iwg:idm:did:+33900000020 %s", "cr{pt}:good");
	assert_int_equal(ids_reverse_did(c, "+33900000020", &g), IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, "");
	assert_int_equal(ids_get(c, "crpt", "good", &g), IDS_OK);
	assert_int_equal(c->err, IDS_OK);
	raw(c, "DEL iwg:idm:did:+33900000020 iwg:idm:rev:{crpt}:sip:ghost@x");
	raw(c, "DEL %s", "iwg:idm:map:{crpt}:bad key");
	ids_free(c);
}

static void test_corrupt_record_is_replaced_or_deleted(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	/* a did that cannot be one: the write stands, its claim is kept */
	raw(c, "HSET iwg:idm:map:{crpt}:f1 sip_uri sip:f1@x did %s _did_tok %s",
		"+123456789012345678901", "not-a-token-of-16-hex-digits");
	assert_int_equal(ids_get(c, "crpt", "f1", &g), IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, "did");
	rec(&r, "crpt", "f1", "sip:f1@iwg.test");
	ids_record_set(&r, IDS_F_DID, "+33900000021", 12, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_get(c, "crpt", "f1", &g), IDS_OK);
	assert_int_equal(ids_reverse_did(c, "+33900000021", &g), IDS_OK);
	assert_string_equal(g.key, "f1");
	assert_int_equal(ids_del(c, "crpt", "f1"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000021"), 0);
	/* deleted, not "not found" */
	raw(c, "HSET iwg:idm:map:{crpt}:f2 sip_uri %s did %s", "", "garbage");
	assert_int_equal(ids_del(c, "crpt", "f2"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{crpt}:f2"), 0);
	/* another Redis type: it exists (create refused), upsert replaces it,
	 * delete removes it */
	raw(c, "SET iwg:idm:map:{crpt}:f3 x");
	rec(&r, "crpt", "f3", "sip:f3@iwg.test");
	assert_int_equal(ids_put(c, &r, IDS_PUT_CREATE, NULL), IDS_ERR_EXISTS);
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_reverse(c, "crpt", "sip:f3@iwg.test", &g), IDS_OK);
	raw(c, "DEL iwg:idm:map:{crpt}:f3");
	raw(c, "LPUSH iwg:idm:map:{crpt}:f3 x");
	assert_int_equal(ids_del(c, "crpt", "f3"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{crpt}:f3"), 0);
	ids_free(c);
}

/* a reverse entry holding another Redis type names no mapping: it stops
 * no delete (every read before the first write: nothing half done); a
 * write that would take it is refused, deleting nothing (another mapping
 * may still name it), unless it is the URI entry the written mapping
 * itself names (the repair) */
static void test_wrong_type_entries_do_not_stop_deletes(void **state)
{
	ids_ctx_t *c = conn(), *s = conn();
	ids_record_t r, g;
	ids_error_t e;
	char buf[600];
	size_t len;
	(void)state;
	assert_int_equal(ids_subscribe(s), IDS_OK);
	/* delete: the mapping's URI entry and DID entry are lists */
	rec(&r, "wt", "w1", "sip:w1@x");
	ids_record_set(&r, IDS_F_DID, "+33900000030", 12, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	raw(c, "DEL iwg:idm:rev:{wt}:sip:w1@x iwg:idm:did:+33900000030");
	raw(c, "LPUSH iwg:idm:rev:{wt}:sip:w1@x other");
	raw(c, "LPUSH iwg:idm:did:+33900000030 other");
	assert_int_equal(ids_del(c, "wt", "w1"), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{wt}:w1"), 0);
	assert_int_equal(ids_next_notice(s, 2000, buf, sizeof(buf), &len), IDS_OK);
	assert_string_equal(buf, "wt w1 sip:w1@x +33900000030");
	/* not this mapping's: left alone */
	assert_int_equal(raw(c, "LLEN iwg:idm:rev:{wt}:sip:w1@x"), 1);
	assert_int_equal(raw(c, "LLEN iwg:idm:did:+33900000030"), 1);
	/* a write moving away from a URI whose entry is a list leaves it */
	rec(&r, "wt", "w2", "sip:w2@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	raw(c, "HSET iwg:idm:map:{wt}:w2 _rev_uri sip:w1@x");
	rec(&r, "wt", "w2", "sip:w3@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(ids_reverse(c, "wt", "sip:w3@x", &g), IDS_OK);
	assert_string_equal(g.key, "w2");
	assert_int_equal(raw(c, "LLEN iwg:idm:rev:{wt}:sip:w1@x"), 1);
	assert_int_equal(ids_del(c, "wt", "w2"), IDS_OK);
	raw(c, "DEL iwg:idm:rev:{wt}:sip:w1@x iwg:idm:did:+33900000030");
	raw(c, "DEL iwg:idm:rev:{wt}:sip:w2@x");
	ids_free(s);
	ids_free(c);
}

/* r's write (ids_put and ids_import) refused as a conflict on field,
 * "already held by an entry that is not one" */
static void assert_held_by_non_entry(ids_ctx_t *c, const ids_record_t *r,
									 const char *field)
{
	ids_error_t e, errs[4];
	size_t n;
	memset(&e, 0, sizeof(e));
	assert_int_equal(ids_put(c, r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.field, field);
	assert_string_equal(e.msg, "already held by an entry that is not one");
	assert_non_null(strstr(c->errstr, "held by an entry that is not one"));
	assert_int_equal(ids_import(c, r, 1, IDS_PUT_UPSERT, errs, 4, &n),
					 IDS_ERR_CONFLICT);
	assert_int_equal(n, 1);
	assert_string_equal(errs[0].field, field);
	assert_string_equal(errs[0].msg,
						"already held by an entry that is not one");
}

static void test_wrong_type_entries_are_conflicts(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, x, g;
	ids_error_t e;
	size_t n;
	(void)state;
	/* mapping x names URI sip:wx@x and DID +33900000031 in its hash; both
	 * entries replaced by lists (by something else) */
	rec(&x, "wt", "x", "sip:wx@x");
	ids_record_set(&x, IDS_F_DID, "+33900000031", 12, &e);
	assert_int_equal(ids_put(c, &x, IDS_PUT_UPSERT, NULL), IDS_OK);
	raw(c, "DEL iwg:idm:rev:{wt}:sip:wx@x iwg:idm:did:+33900000031");
	raw(c, "LPUSH iwg:idm:rev:{wt}:sip:wx@x other");
	raw(c, "LPUSH iwg:idm:did:+33900000031 other");
	/* y asking for x's URI: refused, nothing written or deleted */
	rec(&r, "wt", "y", "sip:wx@x");
	assert_held_by_non_entry(c, &r, "sip_uri");
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{wt}:y"), 0);
	assert_int_equal(raw(c, "LLEN iwg:idm:rev:{wt}:sip:wx@x"), 1);
	/* y asking for x's DID: refused before the mapping is written */
	rec(&r, "wt", "y", "sip:wy@x");
	ids_record_set(&r, IDS_F_DID, "+33900000031", 12, &e);
	assert_held_by_non_entry(c, &r, "did");
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{wt}:y"), 0);
	assert_int_equal(raw(c, "LLEN iwg:idm:did:+33900000031"), 1);
	/* a free DID claimed for a write refused on its URI: the claim it
	 * made is undone, the URI entry stays */
	rec(&r, "wt", "y", "sip:wx@x");
	ids_record_set(&r, IDS_F_DID, "+33900000032", 12, &e);
	assert_held_by_non_entry(c, &r, "sip_uri");
	assert_int_equal(raw(c, "EXISTS iwg:idm:did:+33900000032"), 0);
	assert_int_equal(raw(c, "LLEN iwg:idm:rev:{wt}:sip:wx@x"), 1);
	assert_int_equal(raw(c, "EXISTS iwg:idm:map:{wt}:y"), 0);
	/* x's own DID entry is refused to x too (DID entries: no exception) */
	assert_int_equal(ids_put(c, &x, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.field, "did");
	assert_int_equal(raw(c, "LLEN iwg:idm:did:+33900000031"), 1);
	raw(c, "DEL iwg:idm:did:+33900000031");
	/* x written again with the URI its hash names: the repair */
	assert_int_equal(ids_put(c, &x, IDS_PUT_UPSERT, NULL), IDS_OK);
	assert_int_equal(ids_reverse(c, "wt", "sip:wx@x", &g), IDS_OK);
	assert_string_equal(g.key, "x");
	/* and by an import */
	raw(c, "DEL iwg:idm:rev:{wt}:sip:wx@x");
	raw(c, "LPUSH iwg:idm:rev:{wt}:sip:wx@x other");
	assert_int_equal(ids_import(c, &x, 1, IDS_PUT_UPSERT, &e, 1, &n), IDS_OK);
	assert_int_equal(ids_reverse(c, "wt", "sip:wx@x", &g), IDS_OK);
	assert_string_equal(g.key, "x");
	assert_int_equal(ids_del(c, "wt", "x"), IDS_OK);
	ids_free(c);
}

/* a URI entry left behind names a mapping that holds another URI now: a
 * reverse lookup of the old URI finds nothing (never that mapping) */
static void test_reverse_ignores_a_stale_uri_entry(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e;
	(void)state;
	/* written by something else (no _rev_uri), then repaired by a write
	 * of another URI: the old entry is not known to be the mapping's */
	raw(c, "HSET iwg:idm:map:{st}:s1 sip_uri sip:old@x");
	raw(c, "SET iwg:idm:rev:{st}:sip:old@x s1");
	assert_int_equal(ids_reverse(c, "st", "sip:old@x", &g), IDS_OK);
	rec(&r, "st", "s1", "sip:New@X.test;transport=ws");
	ids_record_set(&r, IDS_F_HA1, "0123456789abcdef0123456789abcdef", 32, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_REPLACE, NULL), IDS_OK);
	assert_int_equal(raw(c, "EXISTS iwg:idm:rev:{st}:sip:old@x"), 1);
	assert_int_equal(ids_reverse(c, "st", "sip:old@x", &g), IDS_ERR_NOTFOUND);
	assert_int_equal(c->err, IDS_ERR_NOTFOUND);
	/* *out holds nothing of the mapping reached */
	assert_string_equal(g.ha1, "");
	assert_string_equal(g.key, "");
	/* the URI it holds is found, written any way that normalises alike */
	assert_int_equal(ids_reverse(c, "st", "<sip:New@x.TEST>", &g), IDS_OK);
	assert_string_equal(g.key, "s1");
	/* an entry naming another user's mapping */
	raw(c, "SET iwg:idm:rev:{st}:sip:mallory@x s1");
	assert_int_equal(ids_reverse(c, "st", "sip:mallory@x", &g),
					 IDS_ERR_NOTFOUND);
	assert_int_equal(ids_del(c, "st", "s1"), IDS_OK);
	raw(c, "DEL iwg:idm:rev:{st}:sip:old@x iwg:idm:rev:{st}:sip:mallory@x");
	ids_free(c);
}

/* names read from Redis reach a message only when they are valid keys:
 * a conflict's owner, a mapping named by a listing */
static void test_stored_names_are_checked_before_shown(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r, g;
	ids_error_t e, errs[4];
	size_t n;
	(void)state;
	raw(c, "SET iwg:idm:rev:{sn}:sip:taken@x %s", "\x1b[2Jowner");
	rec(&r, "sn", "k1", "sip:taken@x");
	memset(&e, 0, sizeof(e));
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_null(strchr(c->errstr, '\x1b'));
	assert_non_null(strstr(c->errstr, "by a key that is not one"));
	assert_string_equal(e.field, "sip_uri");
	assert_string_equal(e.msg, "already mapped by a key that is not one");
	assert_int_equal(ids_import(c, &r, 1, IDS_PUT_UPSERT, errs, 4, &n),
					 IDS_ERR_CONFLICT);
	assert_int_equal(n, 1);
	assert_string_equal(errs[0].msg, "already mapped by a key that is not one");
	/* a valid owner is named */
	raw(c, "SET iwg:idm:rev:{sn}:sip:taken@x owner");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.msg, "already mapped by key owner");
	/* a DID entry naming a key that is not one */
	raw(c, "SET iwg:idm:did:+33900000040 %s",
		"sn:\x1b]0;x\x07 0123456789abcdef");
	rec(&r, "sn", "k2", "sip:k2@x");
	ids_record_set(&r, IDS_F_DID, "+33900000040", 12, &e);
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_null(strchr(c->errstr, '\x1b'));
	assert_string_equal(e.field, "did");
	assert_string_equal(e.msg, "already mapped by a key that is not one");
	assert_int_equal(ids_import(c, &r, 1, IDS_PUT_UPSERT, errs, 4, &n),
					 IDS_ERR_CONFLICT);
	assert_string_equal(errs[0].msg, "already mapped by a key that is not one");
	raw(c, "SET iwg:idm:did:+33900000040 %s", "sn:k9 0123456789abcdef");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, &e), IDS_ERR_CONFLICT);
	assert_string_equal(e.msg, "already mapped by key k9 (namespace sn)");
	/* a listed mapping whose key is not one, stored as another type */
	raw(c, "SET %s x", "iwg:idm:map:{sn}:\x1b[31mk3");
	assert_int_equal(ids_get(c, "sn", "\x1b[31mk3", &g), IDS_ERR_CORRUPT);
	assert_null(strchr(c->errstr, '\x1b'));
	raw(c, "DEL iwg:idm:did:+33900000040 iwg:idm:rev:{sn}:sip:taken@x");
	raw(c, "DEL %s", "iwg:idm:map:{sn}:\x1b[31mk3");
	ids_free(c);
}

/* ids_list_cb: the names passed, "ns|key;" each */
static int names_cb(const char *ns, const char *key, void *arg)
{
	char *out = arg;
	snprintf(out + strlen(out), 256 - strlen(out), "%s|%s;", ns, key);
	return 0;
}

/* a map key name with a NUL byte, or a namespace that is not one, names
 * no mapping: counted, never passed (cut at the NUL, "alice\0evil" was
 * passed as alice, "bob\0evil" as a bob that does not exist) */
static void test_list_counts_unaddressable_names(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t r;
	char names[256] = "";
	uint64_t cur = 0;
	size_t bad = 0;
	(void)state;
	rec(&r, "nul", "alice", "sip:alice@x");
	assert_int_equal(ids_put(c, &r, IDS_PUT_UPSERT, NULL), IDS_OK);
	raw(c, "HSET %b sip_uri sip:evil@x", "iwg:idm:map:{nul}:alice\0evil",
		(size_t)28);
	raw(c, "HSET %b sip_uri sip:evil@x", "iwg:idm:map:{nul}:bob\0evil",
		(size_t)26);
	raw(c, "HSET %s sip_uri sip:evil@x", "iwg:idm:map:{n.l}}:k");
	raw(c, "HSET %s sip_uri sip:evil@x", "iwg:idm:map:{n\x1bl}:k");
	do {
		assert_int_equal(
				ids_list(c, "nul", NULL, &cur, 0, names_cb, names, &bad),
				IDS_OK);
	} while (cur != 0);
	assert_string_equal(names, "nul|alice;");
	assert_int_equal(bad, 2);
	bad = 0;
	names[0] = '\0';
	do {
		assert_int_equal(ids_list(c, NULL, "k", &cur, 0, names_cb, names, &bad),
						 IDS_OK);
	} while (cur != 0);
	assert_string_equal(names, "");
	assert_int_equal(bad, 2);
	raw(c, "DEL %b", "iwg:idm:map:{nul}:alice\0evil", (size_t)28);
	raw(c, "DEL %b", "iwg:idm:map:{nul}:bob\0evil", (size_t)26);
	raw(c, "DEL %s %s", "iwg:idm:map:{n.l}}:k", "iwg:idm:map:{n\x1bl}:k");
	assert_int_equal(ids_del(c, "nul", "alice"), IDS_OK);
	ids_free(c);
}

/* a listing may find a key name longer than any key: read, it is invalid
 * (not a bad argument of the caller's), and it can be deleted */
static void test_overlong_stored_key(void **state)
{
	ids_ctx_t *c = conn();
	ids_record_t g;
	char key[1001];
	(void)state;
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_int_equal(ids_get(c, "lk", key, &g), IDS_ERR_NOTFOUND);
	raw(c, "HSET iwg:idm:map:{lk}:%s sip_uri sip:lk@x", key);
	assert_int_equal(ids_get(c, "lk", key, &g), IDS_ERR_CORRUPT);
	assert_string_equal(c->corrupt.field, "key");
	assert_null(strstr(c->errstr, "kkkk"));
	assert_int_equal(ids_del(c, "lk", key), IDS_OK);
	assert_int_equal(ids_get(c, "lk", key, &g), IDS_ERR_NOTFOUND);
	/* a namespace that cannot be one is still the caller's error */
	assert_int_equal(ids_get(c, "l{k}", "a", &g), IDS_ERR_ARG);
	ids_free(c);
}

/* which error replies say "another Redis type" (Redis 7 and Redis 6
 * forms), and that a stored value in a script's error does not */
static void test_wrongtype_replies(void **state)
{
	redisReply r = {0};
	(void)state;
	r.type = REDIS_REPLY_ERROR;
	r.str = "WRONGTYPE Operation against a key holding the wrong kind of "
			"value script: 11a9, on @user_script:1.";
	assert_true(ids_reply_wrongtype(&r));
	r.str = "ERR Error running script (call to f_11a9): @user_script:1: "
			"WRONGTYPE Operation against a key holding the wrong kind of value";
	assert_true(ids_reply_wrongtype(&r));
	r.str = "CONFLICT x: WRONGTYPE y";
	assert_false(ids_reply_wrongtype(&r));
	r.str = "ERR Error running script (call to f_11a9): @user_script:1: "
			"oops";
	assert_false(ids_reply_wrongtype(&r));
}

/* ---- ids_eval: a caller's script, routed by KEYS[1] ---- */

#define SET_GET                                    \
	"redis.call('SET', KEYS[1], ARGV[1])\n"        \
	"redis.call('SET', KEYS[2], ARGV[1] .. '+')\n" \
	"return {redis.call('GET', KEYS[1]), #ARGV[1]}\n"

/* SET_GET on two keys of one tag; asserts the reply */
static void eval_set_get(ids_ctx_t *c, const char *k1, const char *k2)
{
	const char *argv[3] = {k1, k2, "v\0x"};
	size_t lens[3] = {strlen(k1), strlen(k2), 3};
	redisReply *r = NULL;
	assert_int_equal(ids_eval(c, SET_GET, 2, 3, argv, lens, &r), IDS_OK);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_int_equal(r->elements, 2);
	assert_int_equal(r->element[0]->len, 3); /* binary safe */
	assert_memory_equal(r->element[0]->str, "v\0x", 3);
	assert_int_equal(r->element[1]->integer, 3);
	freeReplyObject(r);
}

static void test_eval_runs_a_callers_script(void **state)
{
	ids_ctx_t *c = conn();
	redisReply *r = (redisReply *)1;
	const char *two[2] = {"app:{s1}:a", "app:{s2}:b"};
	const char *one[1] = {"app:{s1}:a"};
	(void)state;
	raw(c, "SCRIPT FLUSH");
	eval_set_get(c, "app:{s1}:a", "app:{s1}:b"); /* EVAL (not cached) */
	eval_set_get(c, "app:{s1}:a", "app:{s1}:b"); /* EVALSHA */
	/* an error reply is IDS_ERR_REMOTE with its text; the connection
	 * stays usable */
	assert_int_equal(ids_eval(c, "return redis.error_reply('OWNER node-b')", 1,
							  1, one, NULL, &r),
					 IDS_ERR_REMOTE);
	assert_null(r);
	assert_string_equal(c->errstr, "OWNER node-b");
	assert_int_equal(ids_eval(c, "return redis.call('HGET', KEYS[1], 'f')", 1,
							  1, one, NULL, &r),
					 IDS_ERR_REMOTE);
	assert_non_null(strstr(c->errstr, "WRONGTYPE"));
	assert_int_equal(ids_ping(c), IDS_OK);
	/* keys of two slots are refused before anything is sent, here too */
	assert_int_equal(ids_eval(c, "return 1", 2, 2, two, NULL, &r), IDS_ERR_ARG);
	assert_int_equal(ids_eval(c, "return 1", 2, 1, one, NULL, &r), IDS_ERR_ARG);
	/* no key: any node; a nil reply is a reply */
	assert_int_equal(ids_eval(c, "return false", 0, 0, NULL, NULL, &r), IDS_OK);
	assert_int_equal(r->type, REDIS_REPLY_NIL);
	freeReplyObject(r);
	raw(c, "DEL app:{s1}:a app:{s1}:b");
	ids_free(c);
}

/* with IWG_IDS_CLUSTER=seeds (tests/integration/idmap/10-cluster): the
 * script on keys of IWG_IDS_EVAL_TAG, whose slot another master serves */
static void test_eval_on_cluster(void **state)
{
	ids_conf_t cf;
	ids_ctx_t *c;
	char k1[64], k2[64];
	(void)state;
	ids_conf_init(&cf);
	snprintf(cf.addr, sizeof(cf.addr), "cluster:%s", getenv("IWG_IDS_CLUSTER"));
	c = ids_connect(&cf);
	assert_non_null(c);
	assert_int_equal(c->err, IDS_OK);
	snprintf(k1, sizeof(k1), "app:{%s}:a", getenv("IWG_IDS_EVAL_TAG"));
	snprintf(k2, sizeof(k2), "app:{%s}:b", getenv("IWG_IDS_EVAL_TAG"));
	eval_set_get(c, k1, k2);
	ids_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_put_get_round_trip),
			cmocka_unit_test(test_reverse_follows_updates),
			cmocka_unit_test(test_routing_attributes_round_trip),
			cmocka_unit_test(test_did_is_unique_and_follows_updates),
			cmocka_unit_test(test_invalid_record_is_not_written),
			cmocka_unit_test(test_enable_disable),
			cmocka_unit_test(test_list_by_pattern),
			cmocka_unit_test(test_list_counts_unaddressable_names),
			cmocka_unit_test(test_import_is_all_or_nothing),
			cmocka_unit_test(test_import_checks_dids),
			cmocka_unit_test(test_changes_are_published),
			cmocka_unit_test(test_unreachable_server_fails_fast),
			cmocka_unit_test(test_wait_without_replicas),
			cmocka_unit_test(test_demoted_master_closes),
			cmocka_unit_test(test_upgrade_moves_legacy_keys),
			cmocka_unit_test(test_unheld_did_entry_is_ignored),
			cmocka_unit_test(test_did_release_after_a_later_write),
			cmocka_unit_test(test_refused_write_keeps_a_later_claim),
			cmocka_unit_test(test_delete_racing_a_recreate),
			cmocka_unit_test(test_did_entry_format),
			cmocka_unit_test(test_corrupt_record_leaves_the_connection_usable),
			cmocka_unit_test(test_corrupt_record_is_replaced_or_deleted),
			cmocka_unit_test(test_wrong_type_entries_do_not_stop_deletes),
			cmocka_unit_test(test_wrong_type_entries_are_conflicts),
			cmocka_unit_test(test_reverse_ignores_a_stale_uri_entry),
			cmocka_unit_test(test_stored_names_are_checked_before_shown),
			cmocka_unit_test(test_overlong_stored_key),
			cmocka_unit_test(test_wrongtype_replies),
			cmocka_unit_test(test_eval_runs_a_callers_script),
	};
	const struct CMUnitTest cluster[] = {
			cmocka_unit_test(test_eval_on_cluster),
	};
	if (getenv("IWG_IDS_CLUSTER") && getenv("IWG_IDS_EVAL_TAG"))
		return cmocka_run_group_tests(cluster, NULL, NULL);
	return cmocka_run_group_tests(tests, start_redis, stop_redis);
}
