/*
 * test_ng_client.c - NG client against an in-process UDP peer on loopback
 * (127.0.0.1 or ::1, ephemeral port) that answers canned replies.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ng/bencode.h"
#include "ng/ng_client.h"

enum act {
	ACT_REPLY,		  /* "<cookie> <body>" */
	ACT_WRONG_COOKIE, /* "x<cookie> <body>", then wait for nothing else */
	ACT_DROP,		  /* no answer */
	ACT_RAW,		  /* body sent as is, no cookie */
};

struct step {
	enum act act;
	const char *body;
};

#define MAX_STEPS 4

struct peer {
	int fd;
	unsigned short port;
	struct step steps[MAX_STEPS];
	int nsteps;
	/* what the peer received */
	char cookie[MAX_STEPS][64];
	char req[MAX_STEPS][512];
	int nreq;
	pthread_t th;
};

static void *peer_run(void *arg)
{
	struct peer *p = arg;
	char buf[2048], out[2048];
	int i;

	for (i = 0; i < p->nsteps; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		const char *ck, *body;
		size_t ckl, bl;
		ssize_t n = recvfrom(p->fd, buf, sizeof(buf), 0,
							 (struct sockaddr *)&from, &fl);
		int m = 0;

		if (n <= 0)
			break;
		if (ng_msg_split(buf, (size_t)n, &ck, &ckl, &body, &bl) < 0)
			break;
		snprintf(p->cookie[i], sizeof(p->cookie[i]), "%.*s", (int)ckl, ck);
		snprintf(p->req[i], sizeof(p->req[i]), "%.*s", (int)bl, body);
		p->nreq = i + 1;
		switch (p->steps[i].act) {
		case ACT_DROP:
			continue;
		case ACT_WRONG_COOKIE:
			m = snprintf(out, sizeof(out), "x%.*s %s", (int)ckl, ck,
						 p->steps[i].body);
			sendto(p->fd, out, (size_t)m, 0, (struct sockaddr *)&from, fl);
			/* then the right one */
			__attribute__((fallthrough));
		case ACT_REPLY:
			m = snprintf(out, sizeof(out), "%.*s %s", (int)ckl, ck,
						 p->steps[i].body);
			break;
		case ACT_RAW:
			m = snprintf(out, sizeof(out), "%s", p->steps[i].body);
			break;
		}
		sendto(p->fd, out, (size_t)m, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

/* start a peer on 127.0.0.1 (v6 = 0) or ::1; returns NULL if impossible */
static struct peer *peer_start(int v6, const struct step *steps, int n)
{
	struct peer *p = calloc(1, sizeof(*p));
	struct sockaddr_storage ss;
	socklen_t sl;
	struct timeval tv = {.tv_sec = 3};

	assert_non_null(p);
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	p->fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&ss, sl) < 0) {
		if (p->fd >= 0)
			close(p->fd);
		free(p);
		return NULL;
	}
	setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	getsockname(p->fd, (struct sockaddr *)&ss, &sl);
	p->port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					   : ((struct sockaddr_in *)&ss)->sin_port);
	if (n)
		memcpy(p->steps, steps, (size_t)n * sizeof(*steps));
	p->nsteps = n;
	assert_int_equal(pthread_create(&p->th, NULL, peer_run, p), 0);
	return p;
}

static void peer_stop(struct peer *p)
{
	shutdown(p->fd, SHUT_RDWR);
	pthread_join(p->th, NULL);
	close(p->fd);
	free(p);
}

static ng_client *client(const char *host, struct peer *p, int timeout_ms,
						 int retries)
{
	ng_client *c = ng_client_new(host, p->port, timeout_ms, retries);

	assert_non_null(c);
	if (c->err)
		print_error("ng_client_new: %s\n", c->errstr);
	assert_int_equal(c->err, 0);
	return c;
}

static void test_ping_skips_wrong_cookie(void **state)
{
	const struct step s[] = {{ACT_WRONG_COOKIE, "d6:result4:ponge"}};
	struct peer *p = peer_start(0, s, 1);
	ng_client *c = client("127.0.0.1", p, 2000, 0);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_ping(c, &r), NG_OK);
	assert_non_null(r);
	assert_true(bencode_str_eq(bencode_dict_get(r->root, "result"), "pong"));
	assert_string_equal(p->req[0], "d7:command4:pinge");
	bencode_doc_free(r);
	ng_client_free(c);
	peer_stop(p);
}

static void test_retry_same_cookie(void **state)
{
	const struct step s[] = {{ACT_DROP, NULL}, {ACT_REPLY, "d6:result4:ponge"}};
	struct peer *p = peer_start(0, s, 2);
	ng_client *c = client("127.0.0.1", p, 200, 1);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_ping(c, &r), NG_OK);
	assert_int_equal(p->nreq, 2);
	/* a retransmission reuses the cookie (rtpengine's reply cache) */
	assert_string_equal(p->cookie[0], p->cookie[1]);
	bencode_doc_free(r);
	ng_client_free(c);
	peer_stop(p);
}

static void test_fresh_cookie_per_request(void **state)
{
	const struct step s[] = {{ACT_REPLY, "d6:result2:oke"},
							 {ACT_REPLY, "d6:result2:oke"}};
	struct peer *p = peer_start(0, s, 2);
	ng_client *c = client("127.0.0.1", p, 2000, 0);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_statistics(c, &r), NG_OK);
	bencode_doc_free(r);
	assert_int_equal(ng_list(c, 10, &r), NG_OK);
	bencode_doc_free(r);
	assert_string_not_equal(p->cookie[0], p->cookie[1]);
	assert_string_equal(p->req[0], "d7:command10:statisticse");
	assert_string_equal(p->req[1], "d7:command4:list5:limiti10ee");
	ng_client_free(c);
	peer_stop(p);
}

static void test_remote_error(void **state)
{
	const struct step s[] = {
			{ACT_REPLY, "d6:result5:error12:error-reason15:Unknown call-ide"}};
	struct peer *p = peer_start(0, s, 1);
	ng_client *c = client("127.0.0.1", p, 2000, 0);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_query(c, "c1", "ft1", &r), NG_ERR_REMOTE);
	assert_int_equal(c->err, NG_ERR_REMOTE);
	assert_non_null(strstr(c->errstr, "Unknown call-id"));
	/* the reply is handed out on a remote error */
	assert_non_null(r);
	assert_string_equal(bencode_dict_get_str(r->root, "error-reason", NULL),
						"Unknown call-id");
	assert_string_equal(p->req[0],
						"d7:command5:query7:call-id2:c18:from-tag3:ft1e");
	bencode_doc_free(r);
	ng_client_free(c);
	peer_stop(p);
}

static void test_bad_replies(void **state)
{
	const struct step s[] = {{ACT_REPLY, "not bencode"},
							 {ACT_REPLY, "d3:fooi1ee"},
							 {ACT_REPLY, "l6:resulte"},
							 {ACT_REPLY, "d6:result2:oke"}};
	struct peer *p = peer_start(0, s, 4);
	ng_client *c = client("127.0.0.1", p, 2000, 0);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_delete(c, "c1", NULL, &r), NG_ERR_PROTO);
	assert_null(r);
	assert_non_null(strstr(c->errstr, "bad reply"));
	assert_int_equal(ng_delete(c, "c1", NULL, &r), NG_ERR_PROTO);
	assert_null(r);
	assert_non_null(strstr(c->errstr, "no \"result\""));
	assert_int_equal(ng_delete(c, "c1", NULL, &r), NG_ERR_PROTO);
	assert_non_null(strstr(c->errstr, "not a dictionary"));
	/* the client stays usable after errors */
	assert_int_equal(ng_delete(c, "c1", NULL, &r), NG_OK);
	assert_int_equal(c->err, NG_OK);
	assert_string_equal(p->req[3], "d7:command6:delete7:call-id2:c1e");
	bencode_doc_free(r);
	ng_client_free(c);
	peer_stop(p);
}

static void test_timeout(void **state)
{
	/* a cookie-less datagram is noise: ignored, then timeout */
	const struct step s[] = {{ACT_RAW, "garbage"}, {ACT_DROP, NULL}};
	struct peer *p = peer_start(0, s, 2);
	ng_client *c = client("127.0.0.1", p, 100, 1);
	bencode_doc *r;

	(void)state;
	assert_int_equal(ng_ping(c, &r), NG_ERR_TIMEOUT);
	assert_null(r);
	assert_non_null(strstr(c->errstr, "after 2 attempt(s) of 100 ms"));
	ng_client_free(c);
	peer_stop(p);
}

static void test_refused(void **state)
{
	struct peer *p = peer_start(0, NULL, 0);
	unsigned short port = p->port;
	ng_client *c;
	bencode_doc *r;

	(void)state;
	peer_stop(p); /* the port is now closed */
	c = ng_client_new("127.0.0.1", port, 100, 1);
	assert_int_equal(c->err, 0);
	assert_int_equal(ng_ping(c, &r), NG_ERR_TIMEOUT);
	assert_non_null(strstr(c->errstr, "connection refused"));
	ng_client_free(c);
}

static void test_ipv6(void **state)
{
	const struct step s[] = {{ACT_REPLY, "d6:result4:ponge"}};
	struct peer *p = peer_start(1, s, 1);
	ng_client *c;
	bencode_doc *r;

	(void)state;
	if (!p)
		skip(); /* no ::1 here */
	c = client("::1", p, 2000, 0);
	assert_int_equal(ng_ping(c, &r), NG_OK);
	bencode_doc_free(r);
	ng_client_free(c);
	peer_stop(p);
}

static void test_bad_args(void **state)
{
	ng_client *c = ng_client_new("", 2223, 0, -1);
	bencode_doc *r;

	(void)state;
	assert_int_equal(c->err, NG_ERR_ARG);
	assert_int_equal(ng_ping(c, &r), NG_ERR_ARG);
	ng_client_free(c);

	c = ng_client_new("127.0.0.1", 9, 0, -1);
	assert_int_equal(c->timeout_ms, NG_DEFAULT_TIMEOUT_MS);
	assert_int_equal(c->retries, NG_DEFAULT_RETRIES);
	assert_int_equal(ng_query(c, "", NULL, &r), NG_ERR_ARG);
	assert_int_equal(ng_request(c, "i1e", 3, &r), NG_ERR_ARG);
	ng_client_free(c);
	assert_string_equal(ng_strerror(NG_ERR_TIMEOUT), "timeout");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_ping_skips_wrong_cookie),
			cmocka_unit_test(test_retry_same_cookie),
			cmocka_unit_test(test_fresh_cookie_per_request),
			cmocka_unit_test(test_remote_error),
			cmocka_unit_test(test_bad_replies),
			cmocka_unit_test(test_timeout),
			cmocka_unit_test(test_refused),
			cmocka_unit_test(test_ipv6),
			cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("ng_client", tests, NULL, NULL);
}
