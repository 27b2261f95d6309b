/*
 * probe_wsconn.h - one non-blocking WebSocket client connection (ws:// or
 * wss:// with OpenSSL), carrying SIP messages (subprotocol "sip").
 *
 * Driven by the caller's event loop: call probe_wsconn_io() whenever the
 * socket is readable or writable; it returns complete messages through the
 * callback.
 */
#ifndef IWG_PROBE_WSCONN_H
#define IWG_PROBE_WSCONN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

typedef enum probe_ws_state {
	PROBE_WS_CONNECTING = 0,
	PROBE_WS_TLS,
	PROBE_WS_UPGRADE,
	PROBE_WS_OPEN,
	PROBE_WS_CLOSED,
} probe_ws_state;

/* message callback: one complete text/binary message */
typedef void (*probe_ws_msg_cb)(void *arg, const char *msg, size_t len);

typedef struct probe_wsconn {
	int fd;
	probe_ws_state state;
	SSL *ssl; /* NULL for ws:// */
	char host[128];
	char path[128];
	char key[25];
	uint8_t *rx; /* received, not yet decoded */
	size_t rx_len, rx_cap;
	uint8_t *msg; /* fragments of a message being assembled */
	size_t msg_len;
	int resumed; /* wss: the TLS handshake resumed a session */
	probe_ws_msg_cb cb;
	void *cb_arg;
	char err[160];
} probe_wsconn;

/*
 * Parse "ws://host:port/path" or "wss://..." into its parts. Returns 0, or
 * -1 when malformed. host is IPv4 numeric or a name resolved by getaddrinfo.
 */
int probe_ws_parse_url(const char *url, int *tls, char *host, size_t hostsz,
					   unsigned short *port, char *path, size_t pathsz);

/*
 * Start connecting to url (non-blocking). tls_ctx is needed for wss://.
 * Returns 0 (c->fd is then valid, poll it for read and write), or -1 with
 * c->err set.
 */
int probe_wsconn_open(probe_wsconn *c, const char *url, SSL_CTX *tls_ctx,
					  probe_ws_msg_cb cb, void *cb_arg);

/*
 * Progress after readiness: connect, TLS handshake, upgrade, then read
 * frames (answers pings, delivers messages). Returns 0 while fine, -1
 * when the connection failed or closed (c->err says why).
 */
int probe_wsconn_io(probe_wsconn *c);

/*
 * Make the wss connections opened with ctx resume TLS sessions: each one
 * offers the session (TLS 1.3 ticket, TLS 1.2 ticket or session ID) that
 * the server gave the latest connection, as a browser does when it
 * reconnects; probe_wsconn.resumed tells whether the server took it. The
 * session is kept in ctx and freed with it. Returns 0, or -1 when OpenSSL
 * cannot keep data in ctx.
 */
int probe_wsconn_tls_resume(SSL_CTX *ctx);

/* 1 while the connection wants EPOLLOUT (connect / handshake pending) */
int probe_wsconn_wants_write(const probe_wsconn *c);

/*
 * Send one text message (blocking for at most a second if the socket is
 * full). Returns 0 or -1.
 */
int probe_wsconn_send(probe_wsconn *c, const char *msg, size_t len);

/* Send a close frame (best effort) and free everything. */
void probe_wsconn_close(probe_wsconn *c);

#endif
