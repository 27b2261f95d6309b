/*
 * verto_ws.h - the WebSocket endpoint of iwg_verto, on libwebsockets.
 *
 * Pure C (libwebsockets, OpenSSL, no Kamailio headers). Create, service
 * and free it from one thread of one process; callbacks run one at a time.
 *
 * OpenSSL thread: libwebsockets and every callback run on a thread of the
 * endpoint's own, started by verto_ws_new; the caller's thread waits while
 * it runs (verto_ws_new, _service, _watch_fd and _free hand their work over
 * and wait), so the code stays single-threaded in effect. Why: under
 * Kamailio 5.6's tls module with OpenSSL 3 (or 1.1), OpenSSL allocates in
 * shared memory, and the main thread of every forked process inherits the
 * Kamailio main process's per-thread OpenSSL state, its error queue among
 * it: every process pushes and pops the same queue. Loading a certificate
 * reads that queue (the end of a PEM chain is an error popped again), so it
 * failed now and then with an empty reason while TLS workers handled
 * handshakes, and concurrent use corrupted shared memory. A new thread gets
 * fresh per-thread state, private to this process.
 *
 * Fork hook: loading this code also registers a pthread_atfork handler that
 * drops the forking thread's per-thread OpenSSL state before every fork
 * (OPENSSL_thread_stop), so no process forked afterwards (Kamailio's
 * workers included) shares one with its parent or siblings.
 *
 * Accepts the upgrade without a subprotocol (the Verto client sends none,
 * and Chromium fails the handshake if one is echoed); text frames only; a
 * message (all its fragments) is bounded by max_msg, a connection's unsent
 * output by max_queue: beyond either, that connection alone is closed
 * (1009 / 1008).
 * Liveness: a WebSocket ping after ping_secs of silence, hang-up when no
 * pong (or anything) came within 2 * ping_secs; both decided by one sweep
 * a second over all connections (no timer per connection).
 *
 * Before the upgrade: every open TCP connection of a source address counts
 * (upgraded or not); beyond max_conns_per_ip the new one is closed at
 * accept, before any byte is read (counted in conns_refused_ip). Bytes of
 * messages being reassembled across callbacks (fragments, a large frame
 * read in pieces) of connections not marked as logged in (verto_ws_trust)
 * are taken from the shared budget (verto_budget.h); when a take is
 * refused, that connection is closed (1008, counted in memory_refused). They
 * are given back when the message completes or the connection closes.
 */
#ifndef IWG_VERTO_WS_H
#define IWG_VERTO_WS_H

#include <stddef.h>
#include <stdint.h>

#include "verto_budget.h"

typedef struct verto_ws verto_ws;

typedef struct verto_ws_cb {
	void *ctx;
	/* a connection was upgraded; id is never 0 and never reused */
	void (*open)(void *ctx, uint64_t id);
	/* one complete text message (NUL-terminated copy, len authoritative) */
	void (*text)(void *ctx, uint64_t id, const char *buf, size_t len);
	/* the connection is gone; no callback for id follows */
	void (*close)(void *ctx, uint64_t id);
	/* data is readable on an adopted fd (verto_ws_watch_fd) */
	void (*fd_ready)(void *ctx, int fd);
	/* every tick_ms (timers of the caller) */
	void (*tick)(void *ctx);
} verto_ws_cb;

typedef struct verto_ws_cfg {
	const char *ws_addr;  /* "ip:port" for ws, NULL: none */
	const char *wss_addr; /* "ip:port" for wss, NULL: none */
	const char *tls_cert; /* PEM files, needed with wss_addr: the chain, */
	const char *tls_key;  /* then the key (unencrypted); TLS 1.2 or later */
	size_t max_msg;		  /* bytes per message; 0: 65536 */
	size_t max_queue;	  /* unsent bytes per connection; 0: 1 MiB */
	unsigned ping_secs;	  /* 0: 20 */
	unsigned tick_ms;	  /* cb.tick period; 0: 200 */
	int log_level;		  /* libwebsockets log mask; 0: errors only */
	unsigned max_conns_per_ip; /* open connections per address; 0: no cap */
	verto_budget *budget; /* partial messages; NULL: no bound (not owned) */
} verto_ws_cfg;

/* counters of the endpoint (verto_ws_stats) */
typedef struct verto_ws_stats {
	uint64_t conns_refused_ip; /* closed at accept: max_conns_per_ip */
	uint64_t memory_refused;   /* closed: the budget refused a message */
	unsigned conns;			   /* TCP connections open (upgraded or not) */
	unsigned addrs;			   /* source addresses with one open */
} verto_ws_stats;

/*
 * Start listening. Returns the endpoint, or NULL with a reason in
 * err[errsz] (bad address, port in use; for wss a certificate or key that
 * cannot be used, naming the file and giving OpenSSL's reasons).
 */
verto_ws *verto_ws_new(const verto_ws_cfg *cfg, const verto_ws_cb *cb,
					   char *err, size_t errsz);

/* Close every connection (no close callbacks) and free. NULL is fine. */
void verto_ws_free(verto_ws *ws);

/* Serve until the next event or tick; callbacks run inside. 0, or -1 when
 * the loop is broken. */
int verto_ws_service(verto_ws *ws);

/*
 * Queue a text message (copied) to a connection. 0, or -1 when the
 * connection is unknown or its queue would exceed max_queue (then it is
 * closed).
 */
int verto_ws_send(verto_ws *ws, uint64_t id, const char *buf, size_t len);

/* Close a connection after its queued messages went out (code 1000). */
void verto_ws_close(verto_ws *ws, uint64_t id);

/* Close a connection after its queued messages went out with a status
 * code (1000..4999, e.g. 1008 policy violation); unknown id: nothing. */
void verto_ws_close_code(verto_ws *ws, uint64_t id, int code);

/* Mark a connection as logged in (verto_ws_trusted then says 1), or not;
 * unknown id: nothing. The endpoint only keeps the mark. */
void verto_ws_trust(verto_ws *ws, uint64_t id, int trusted);

/* 1 when the connection is marked as logged in, else 0. */
int verto_ws_trusted(verto_ws *ws, uint64_t id);

/* Watch a readable descriptor (a pipe, a socket) in the same loop;
 * cb.fd_ready runs when it has data. 0 or -1. */
int verto_ws_watch_fd(verto_ws *ws, int fd);

/* The peer address of connection id as text ("192.0.2.1") in buf[sz]:
 * 0, or -1 when the connection is unknown (buf is then ""). */
int verto_ws_peer(verto_ws *ws, uint64_t id, char *buf, size_t sz);

/* The endpoint's counters now, into *st. */
void verto_ws_stats_get(const verto_ws *ws, verto_ws_stats *st);

/*
 * Check that cert (PEM chain) and key (PEM, unencrypted) load and match, as
 * verto_ws_new will load them. 0, or -1 with the file and OpenSSL's
 * reasons in err[errsz]. Meant for start-up before any process is forked
 * (it uses the calling thread's OpenSSL error queue and leaves it empty).
 */
int verto_ws_tls_check(const char *cert, const char *key, char *err,
					   size_t errsz);

#endif
