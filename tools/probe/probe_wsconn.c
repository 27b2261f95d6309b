/*
 * probe_wsconn.c - non-blocking WebSocket client I/O (see probe_wsconn.h).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "probe_ws.h"
#include "probe_wsconn.h"

#define RX_MAX	(256 * 1024)
#define MSG_MAX (64 * 1024)

int probe_ws_parse_url(const char *url, int *tls, char *host, size_t hostsz,
					   unsigned short *port, char *path, size_t pathsz)
{
	const char *p, *h, *colon, *slash;
	long pn;
	char *end;

	if (!strncmp(url, "ws://", 5)) {
		*tls = 0;
		p = url + 5;
	} else if (!strncmp(url, "wss://", 6)) {
		*tls = 1;
		p = url + 6;
	} else {
		return -1;
	}
	h = p;
	slash = strchr(h, '/');
	if (!slash)
		slash = h + strlen(h);
	colon = memchr(h, ':', (size_t)(slash - h));
	if ((colon ? colon : slash) == h ||
		(size_t)((colon ? colon : slash) - h) >= hostsz)
		return -1;
	memcpy(host, h, (size_t)((colon ? colon : slash) - h));
	host[(colon ? colon : slash) - h] = 0;
	if (colon) {
		pn = strtol(colon + 1, &end, 10);
		if (end != slash || pn < 1 || pn > 65535)
			return -1;
		*port = (unsigned short)pn;
	} else {
		*port = *tls ? 443 : 80;
	}
	if (snprintf(path, pathsz, "%s", *slash ? slash : "/") >= (int)pathsz)
		return -1;
	return 0;
}

static int fail(probe_wsconn *c, const char *what, const char *detail)
{
	snprintf(c->err, sizeof(c->err), "%.60s%s%.90s", what, detail ? ": " : "",
			 detail ? detail : "");
	c->state = PROBE_WS_CLOSED;
	return -1;
}

/* the ex_data index of the session kept in an SSL_CTX, -1 before any */
static int sess_idx = -1;

static void sess_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
					  long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	SSL_SESSION_free(ptr);
}

/* a session the server gave (after the handshake; TLS 1.3: a ticket) */
static int sess_new(SSL *ssl, SSL_SESSION *sess)
{
	SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);

	SSL_SESSION_free(SSL_CTX_get_ex_data(ctx, sess_idx));
	SSL_CTX_set_ex_data(ctx, sess_idx, sess);
	return 1; /* the reference is ours */
}

int probe_wsconn_tls_resume(SSL_CTX *ctx)
{
	if (sess_idx < 0)
		sess_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, sess_free);
	if (sess_idx < 0)
		return -1;
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
												SSL_SESS_CACHE_NO_INTERNAL);
	SSL_CTX_sess_set_new_cb(ctx, sess_new);
	return 0;
}

int probe_wsconn_open(probe_wsconn *c, const char *url, SSL_CTX *tls_ctx,
					  probe_ws_msg_cb cb, void *cb_arg)
{
	struct addrinfo hints, *ai = NULL;
	unsigned short port;
	char portstr[8];
	uint8_t rnd[16];
	int tls, one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->cb = cb;
	c->cb_arg = cb_arg;
	if (probe_ws_parse_url(url, &tls, c->host, sizeof(c->host), &port, c->path,
						   sizeof(c->path)) < 0)
		return fail(c, "bad WebSocket URL", url);
	if (tls && !tls_ctx)
		return fail(c, "wss:// needs a TLS context", NULL);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if (getaddrinfo(c->host, portstr, &hints, &ai) || !ai)
		return fail(c, "cannot resolve", c->host);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		freeaddrinfo(ai);
		return fail(c, "socket", strerror(errno));
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
		errno != EINPROGRESS) {
		freeaddrinfo(ai);
		return fail(c, "connect", strerror(errno));
	}
	freeaddrinfo(ai);
	if (tls) {
		c->ssl = SSL_new(tls_ctx);
		if (!c->ssl || !SSL_set_fd(c->ssl, c->fd))
			return fail(c, "cannot create the TLS session", NULL);
		SSL_set_tlsext_host_name(c->ssl, c->host);
		SSL_set_connect_state(c->ssl);
		if (sess_idx >= 0 && SSL_CTX_get_ex_data(tls_ctx, sess_idx))
			SSL_set_session(c->ssl, SSL_CTX_get_ex_data(tls_ctx, sess_idx));
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return fail(c, "no random bytes", NULL);
	EVP_EncodeBlock((unsigned char *)c->key, rnd, sizeof(rnd));
	c->state = PROBE_WS_CONNECTING;
	return 0;
}

int probe_wsconn_wants_write(const probe_wsconn *c)
{
	return c->state == PROBE_WS_CONNECTING || c->state == PROBE_WS_TLS;
}

/* write all of buf, waiting up to a second for room */
static int write_all(probe_wsconn *c, const void *buf, size_t len)
{
	const char *p = buf;
	struct pollfd pfd = {c->fd, POLLOUT, 0};

	while (len) {
		ssize_t n;
		if (c->ssl) {
			int r = SSL_write(c->ssl, p, (int)len);
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);
				if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
					return fail(c, "TLS write failed", NULL);
				pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
				if (poll(&pfd, 1, 1000) <= 0)
					return fail(c, "TLS write timed out", NULL);
				continue;
			}
			n = r;
		} else {
			n = write(c->fd, p, len);
			if (n < 0) {
				if (errno != EAGAIN && errno != EINTR)
					return fail(c, "write", strerror(errno));
				if (poll(&pfd, 1, 1000) <= 0)
					return fail(c, "write timed out", NULL);
				continue;
			}
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_upgrade(probe_wsconn *c)
{
	char req[1024];
	long n = probe_ws_handshake_request(req, sizeof(req), c->host, c->path,
										c->key, "sip");

	if (n < 0)
		return fail(c, "handshake request too long", NULL);
	c->state = PROBE_WS_UPGRADE;
	return write_all(c, req, (size_t)n);
}

static int send_frame(probe_wsconn *c, int op, const void *p, size_t len)
{
	uint8_t stackbuf[4096], *out = stackbuf, mask[4];
	size_t cap = len + PROBE_WS_MAX_HDR;
	long n;
	int r;

	if (c->state != PROBE_WS_OPEN)
		return -1;
	if (cap > sizeof(stackbuf) && !(out = malloc(cap)))
		return fail(c, "out of memory", NULL);
	RAND_bytes(mask, 4);
	n = probe_ws_frame_encode(op, p, len, mask, out, cap);
	r = n < 0 ? -1 : write_all(c, out, (size_t)n);
	if (out != stackbuf)
		free(out);
	return r;
}

int probe_wsconn_send(probe_wsconn *c, const char *msg, size_t len)
{
	return send_frame(c, PROBE_WS_OP_TEXT, msg, len);
}

/*
 * read what is there into rx: 0 when all is read (maybe nothing), 1 when
 * rx is full (RX_MAX) with more to read (decode, consume, call again), -1
 * closed/error
 */
static int fill_rx(probe_wsconn *c)
{
	for (;;) {
		ssize_t n;
		if (c->rx_cap - c->rx_len < 4096) {
			size_t nc = c->rx_cap ? c->rx_cap * 2 : 16384;
			uint8_t *nb;
			if (nc > RX_MAX)
				return 1;
			nb = realloc(c->rx, nc);
			if (!nb)
				return fail(c, "out of memory", NULL);
			c->rx = nb;
			c->rx_cap = nc;
		}
		if (c->ssl) {
			int r = SSL_read(c->ssl, c->rx + c->rx_len,
							 (int)(c->rx_cap - c->rx_len));
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
					return 0;
				return fail(c, "TLS connection closed", NULL);
			}
			n = r;
		} else {
			n = read(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len);
			if (n == 0)
				return fail(c, "connection closed by the server", NULL);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR
							   ? 0
							   : fail(c, "read", strerror(errno));
		}
		c->rx_len += (size_t)n;
	}
}

static void consume(probe_wsconn *c, size_t n)
{
	memmove(c->rx, c->rx + n, c->rx_len - n);
	c->rx_len -= n;
}

static int on_frame(probe_wsconn *c, const probe_ws_frame *f)
{
	uint8_t *nb;

	switch (f->opcode) {
	case PROBE_WS_OP_PING:
		return send_frame(c, PROBE_WS_OP_PONG, f->payload, f->len);
	case PROBE_WS_OP_PONG:
		return 0;
	case PROBE_WS_OP_CLOSE:
		send_frame(c, PROBE_WS_OP_CLOSE, f->payload, f->len < 2 ? 0 : 2);
		return fail(c, "server closed the WebSocket", NULL);
	case PROBE_WS_OP_CONT:
		if (!c->msg)
			return fail(c, "continuation without a message", NULL);
		break;
	default:
		if (c->msg)
			return fail(c, "new message inside a fragmented one", NULL);
		break;
	}
	if (c->msg_len + f->len > MSG_MAX)
		return fail(c, "message over 64 kB", NULL);
	nb = realloc(c->msg, c->msg_len + f->len + 1);
	if (!nb)
		return fail(c, "out of memory", NULL);
	c->msg = nb;
	memcpy(c->msg + c->msg_len, f->payload, f->len);
	c->msg_len += f->len;
	if (f->fin) {
		uint8_t *m = c->msg;
		size_t ml = c->msg_len;
		c->msg = NULL;
		c->msg_len = 0;
		m[ml] = 0;
		c->cb(c->cb_arg, (const char *)m, ml);
		free(m);
	}
	return 0;
}

/* hand on the complete frames in rx; 0, or -1 when the connection failed */
static int decode_frames(probe_wsconn *c)
{
	while (c->state == PROBE_WS_OPEN) {
		probe_ws_frame f;
		long n = probe_ws_frame_decode(c->rx, c->rx_len, MSG_MAX, &f);
		if (n == 0)
			return 0;
		if (n < 0)
			return fail(c, "protocol error in a WebSocket frame", NULL);
		if (on_frame(c, &f) < 0)
			return -1;
		consume(c, (size_t)n);
	}
	return c->state == PROBE_WS_CLOSED ? -1 : 0;
}

/*
 * read and hand on frames until the socket (and TLS) has nothing more: a
 * backlog larger than rx is decoded a buffer at a time (a frame is at most
 * MSG_MAX, well under RX_MAX, so a full rx always holds one)
 */
static int read_frames(probe_wsconn *c)
{
	int r;

	do {
		r = fill_rx(c);
		if (r < 0 || decode_frames(c) < 0)
			return -1;
	} while (r == 1);
	return 0;
}

int probe_wsconn_io(probe_wsconn *c)
{
	char why[160];
	long n;
	int r, e;

	switch (c->state) {
	case PROBE_WS_CONNECTING: {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr)
			return fail(c, "connect", strerror(soerr));
		if (!c->ssl)
			return send_upgrade(c);
		c->state = PROBE_WS_TLS;
	}
		/* fall through */
	case PROBE_WS_TLS:
		r = SSL_connect(c->ssl);
		if (r == 1) {
			c->resumed = SSL_session_reused(c->ssl);
			return send_upgrade(c);
		}
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return 0;
		return fail(c, "TLS handshake failed",
					ERR_reason_error_string(ERR_get_error()));
	case PROBE_WS_UPGRADE:
		r = fill_rx(c);
		if (r < 0)
			return -1;
		n = probe_ws_handshake_check((const char *)c->rx, c->rx_len, c->key,
									 "sip", why, sizeof(why));
		if (n < 0)
			return fail(c, "WebSocket handshake", why);
		if (n == 0)
			return r == 1 ? fail(c, "WebSocket handshake", "answer over 256 kB")
						  : 0;
		consume(c, (size_t)n);
		c->state = PROBE_WS_OPEN;
		return read_frames(c);
	case PROBE_WS_OPEN:
		return read_frames(c);
	default:
		return -1;
	}
}

void probe_wsconn_close(probe_wsconn *c)
{
	if (c->state == PROBE_WS_OPEN) {
		uint8_t code[2] = {0x03, 0xe8}; /* 1000 normal closure */
		send_frame(c, PROBE_WS_OP_CLOSE, code, 2);
	}
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->rx);
	free(c->msg);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = PROBE_WS_CLOSED;
}
