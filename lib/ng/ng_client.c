/*
 * ng_client.c - rtpengine NG control protocol client over UDP.
 * See ng_client.h for the contracts.
 */
#include "ng/ng_client.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static int cerr(ng_client *c, int code, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static int cerr(ng_client *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->err = code;
	va_start(ap, fmt);
	vsnprintf(c->errstr, sizeof(c->errstr), fmt, ap);
	va_end(ap);
	return code;
}

const char *ng_strerror(int err)
{
	switch (err) {
	case NG_OK:
		return "ok";
	case NG_ERR_ARG:
		return "bad argument";
	case NG_ERR_IO:
		return "socket error";
	case NG_ERR_TIMEOUT:
		return "timeout";
	case NG_ERR_PROTO:
		return "protocol error";
	case NG_ERR_REMOTE:
		return "rtpengine error";
	case NG_ERR_OOM:
		return "out of memory";
	}
	return "unknown error";
}

static int parse_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

static int copy_host(const char *s, size_t n, char *host, size_t hostsz)
{
	if (n == 0 || n >= hostsz)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

int ng_parse_hostport(const char *s, char *host, size_t hostsz,
					  unsigned short *port)
{
	const char *colon, *end;

	if (!s || !*s || !host || !port)
		return -1;
	*port = NG_DEFAULT_PORT;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || copy_host(s + 1, (size_t)(end - s - 1), host, hostsz))
			return -1;
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':')
			return -1;
		return parse_port(end + 2, port);
	}
	colon = strchr(s, ':');
	if (!colon) {
		if (strspn(s, "0123456789") == strlen(s)) {
			if (copy_host(NG_DEFAULT_HOST, strlen(NG_DEFAULT_HOST), host,
						  hostsz))
				return -1;
			return parse_port(s, port);
		}
		return copy_host(s, strlen(s), host, hostsz);
	}
	if (strchr(colon + 1, ':')) /* bare IPv6 address, no port */
		return copy_host(s, strlen(s), host, hostsz);
	if (copy_host(s, (size_t)(colon - s), host, hostsz))
		return -1;
	return parse_port(colon + 1, port);
}

ng_client *ng_client_new(const char *host, unsigned short port, int timeout_ms,
						 int retries)
{
	struct addrinfo hints, *res = NULL;
	char portstr[8];
	ng_client *c;
	int rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd_ = -1;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : NG_DEFAULT_TIMEOUT_MS;
	c->retries = retries >= 0 ? retries : NG_DEFAULT_RETRIES;
	if (!host || !*host || !port) {
		cerr(c, NG_ERR_ARG, "no server address");
		return c;
	}
	snprintf(c->peer_, sizeof(c->peer_),
			 strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
	c->rx_ = malloc(NG_MAX_MSG + 1);
	if (!c->rx_) {
		cerr(c, NG_ERR_OOM, "out of memory");
		return c;
	}
	if (getrandom(&c->salt_, sizeof(c->salt_), GRND_NONBLOCK) !=
		sizeof(c->salt_))
		c->salt_ = (uint32_t)getpid() ^ (uint32_t)time(NULL);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc || !res) {
		cerr(c, NG_ERR_ARG, "cannot resolve %s: %s", host,
			 rc ? gai_strerror(rc) : "no address");
		if (res)
			freeaddrinfo(res);
		return c;
	}
	c->fd_ = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd_ < 0) {
		cerr(c, NG_ERR_IO, "socket: %s", strerror(errno));
		freeaddrinfo(res);
		return c;
	}
	memcpy(&c->addr_, res->ai_addr, res->ai_addrlen);
	c->addrlen_ = res->ai_addrlen;
	freeaddrinfo(res);
	/* connected: only the server's datagrams arrive, and an ICMP port
	 * unreachable shows up as ECONNREFUSED */
	if (connect(c->fd_, (struct sockaddr *)&c->addr_, c->addrlen_) < 0) {
		cerr(c, NG_ERR_IO, "connect %s: %s", c->peer_, strerror(errno));
		return c;
	}
	return c;
}

void ng_client_free(ng_client *c)
{
	if (!c)
		return;
	if (c->fd_ >= 0)
		close(c->fd_);
	free(c->rx_);
	free(c);
}

int ng_msg_split(const char *msg, size_t len, const char **cookie,
				 size_t *cookie_len, const char **body, size_t *body_len)
{
	const char *sp;

	if (!msg || !len)
		return -1;
	sp = memchr(msg, ' ', len);
	if (!sp || sp == msg)
		return -1;
	*cookie = msg;
	*cookie_len = (size_t)(sp - msg);
	*body = sp + 1;
	*body_len = len - *cookie_len - 1;
	return 0;
}

long ng_msg_build(char *out, size_t outsz, const char *cookie, const void *body,
				  size_t len)
{
	size_t cl;

	if (!out || !cookie || (!body && len))
		return -1;
	cl = strlen(cookie);
	if (!cl || memchr(cookie, ' ', cl))
		return -1;
	if (cl + 1 > outsz || len > outsz - cl - 1 || cl + 1 + len > LONG_MAX)
		return -1;
	memcpy(out, cookie, cl);
	out[cl] = ' ';
	if (len)
		memcpy(out + cl + 1, body, len);
	return (long)(cl + 1 + len);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* judge a decoded reply; sets c->err and errstr */
static int check_reply(ng_client *c, bencode_doc *doc)
{
	const char *res, *why;
	size_t rl, wl = 0;

	res = bencode_dict_get_str(doc->root, "result", &rl);
	if (!res)
		return cerr(c, NG_ERR_PROTO, "reply from %s has no \"result\"",
					c->peer_);
	if (!strcmp(res, "error") || !strcmp(res, "load limit")) {
		why = bencode_dict_get_str(doc->root, "error-reason", &wl);
		return cerr(c, NG_ERR_REMOTE, "%s: %.*s", res,
					(int)(wl > 100 ? 100 : wl),
					why ? why : "(no error-reason)");
	}
	c->err = NG_OK;
	c->errstr[0] = '\0';
	return NG_OK;
}

int ng_request(ng_client *c, const void *body, size_t len, bencode_doc **reply)
{
	char cookie[40], *msg = NULL;
	int attempt, refused = 0, rc;
	long mlen;

	*reply = NULL;
	if (c->fd_ < 0)
		return cerr(c, NG_ERR_ARG, "client not connected");
	if (!body || len < 2 || ((const char *)body)[0] != 'd')
		return cerr(c, NG_ERR_ARG, "command is not a bencoded dictionary");
	snprintf(cookie, sizeof(cookie), "%08" PRIx32 "_%" PRIu64, c->salt_,
			 ++c->seq_);
	msg = malloc(strlen(cookie) + 1 + len);
	if (!msg)
		return cerr(c, NG_ERR_OOM, "out of memory");
	mlen = ng_msg_build(msg, strlen(cookie) + 1 + len, cookie, body, len);
	if (mlen < 0 || mlen > NG_MAX_MSG) {
		free(msg);
		return cerr(c, NG_ERR_ARG, "command too large (%zu bytes)", len);
	}

	for (attempt = 0; attempt <= c->retries; attempt++) {
		int64_t deadline = now_ms() + c->timeout_ms;

		if (send(c->fd_, msg, (size_t)mlen, 0) < 0) {
			if (errno != ECONNREFUSED) {
				rc = cerr(c, NG_ERR_IO, "send to %s: %s", c->peer_,
						  strerror(errno));
				goto out;
			}
			refused = 1;
		}
		for (;;) {
			int64_t left = deadline - now_ms();
			struct pollfd pfd = {.fd = c->fd_, .events = POLLIN};
			const char *ck, *bd;
			size_t ckl, bdl;
			ssize_t n;
			int pr;

			if (left <= 0)
				break;
			pr = poll(&pfd, 1, (int)left);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr < 0) {
				rc = cerr(c, NG_ERR_IO, "poll: %s", strerror(errno));
				goto out;
			}
			if (pr == 0)
				break;
			n = recv(c->fd_, c->rx_, NG_MAX_MSG + 1, MSG_TRUNC);
			if (n < 0) {
				if (errno == ECONNREFUSED)
					refused = 1;
				else if (errno != EINTR && errno != EAGAIN) {
					rc = cerr(c, NG_ERR_IO, "recv from %s: %s", c->peer_,
							  strerror(errno));
					goto out;
				}
				continue;
			}
			if (n > NG_MAX_MSG)
				continue; /* truncated: cannot be a valid reply */
			if (ng_msg_split(c->rx_, (size_t)n, &ck, &ckl, &bd, &bdl) < 0 ||
				ckl != strlen(cookie) || memcmp(ck, cookie, ckl))
				continue; /* not ours: a late reply or noise */
			*reply = bencode_decode(bd, bdl, NULL);
			if (!*reply) {
				rc = cerr(c, NG_ERR_OOM, "out of memory");
				goto out;
			}
			if ((*reply)->err || (*reply)->root->type != BENCODE_DICT) {
				if ((*reply)->err)
					cerr(c, NG_ERR_PROTO, "bad reply from %s: %s", c->peer_,
						 (*reply)->errstr);
				else
					cerr(c, NG_ERR_PROTO, "bad reply from %s: not a dictionary",
						 c->peer_);
				bencode_doc_free(*reply);
				*reply = NULL;
				rc = c->err;
				goto out;
			}
			rc = check_reply(c, *reply);
			if (rc != NG_OK && rc != NG_ERR_REMOTE) {
				bencode_doc_free(*reply);
				*reply = NULL;
			}
			goto out;
		}
	}
	rc = cerr(c, NG_ERR_TIMEOUT,
			  "no reply from %s after %d attempt(s) of %d ms%s", c->peer_,
			  c->retries + 1, c->timeout_ms,
			  refused ? " (connection refused)" : "");
out:
	free(msg);
	return rc;
}

int ng_request_buf(ng_client *c, const bencode_buf *b, bencode_doc **reply)
{
	*reply = NULL;
	if (b->err)
		return cerr(c, NG_ERR_ARG, "command encoding failed: %s", b->errstr);
	if (b->depth)
		return cerr(c, NG_ERR_ARG, "command encoding not finished");
	return ng_request(c, b->data, b->len, reply);
}

/* encode {"command": cmd, "call-id": .., "from-tag": .., "limit": ..} */
static int simple_cmd(ng_client *c, const char *cmd, const char *call_id,
					  const char *from_tag, long limit, bencode_doc **reply)
{
	bencode_buf b;
	int rc;

	*reply = NULL;
	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command", cmd);
	if (call_id)
		bencode_dict_add_str(&b, "call-id", call_id);
	if (from_tag)
		bencode_dict_add_str(&b, "from-tag", from_tag);
	if (limit >= 0)
		bencode_dict_add_int(&b, "limit", limit);
	bencode_end(&b);
	if (bencode_buf_finish(&b) < 0)
		rc = cerr(c, b.err == BENCODE_ERR_OOM ? NG_ERR_OOM : NG_ERR_ARG,
				  "encoding %s: %s", cmd, b.errstr);
	else
		rc = ng_request(c, b.data, b.len, reply);
	bencode_buf_free(&b);
	return rc;
}

int ng_ping(ng_client *c, bencode_doc **reply)
{
	int rc = simple_cmd(c, "ping", NULL, NULL, -1, reply);

	if (rc == NG_OK &&
		!bencode_str_eq(bencode_dict_get((*reply)->root, "result"), "pong")) {
		bencode_doc_free(*reply);
		*reply = NULL;
		return cerr(c, NG_ERR_PROTO, "ping to %s: result is not \"pong\"",
					c->peer_);
	}
	return rc;
}

int ng_query(ng_client *c, const char *call_id, const char *from_tag,
			 bencode_doc **reply)
{
	if (!call_id || !*call_id) {
		*reply = NULL;
		return cerr(c, NG_ERR_ARG, "query needs a call-id");
	}
	return simple_cmd(c, "query", call_id, from_tag, -1, reply);
}

int ng_list(ng_client *c, long limit, bencode_doc **reply)
{
	return simple_cmd(c, "list", NULL, NULL, limit, reply);
}

int ng_statistics(ng_client *c, bencode_doc **reply)
{
	return simple_cmd(c, "statistics", NULL, NULL, -1, reply);
}

int ng_delete(ng_client *c, const char *call_id, const char *from_tag,
			  bencode_doc **reply)
{
	if (!call_id || !*call_id) {
		*reply = NULL;
		return cerr(c, NG_ERR_ARG, "delete needs a call-id");
	}
	return simple_cmd(c, "delete", call_id, from_tag, -1, reply);
}
