/*
 * verto_ws.c - WebSocket endpoint on libwebsockets. Contracts in verto_ws.h.
 * Memory: per-connection state is libwebsockets' per-session block; queued
 * messages are malloc'd with LWS_PRE bytes of headroom.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "verto_ws.h"

typedef struct outmsg {
	struct outmsg *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE + len */
} outmsg;

typedef struct pss {
	struct pss *next;
	uint64_t id;
	struct lws *wsi;
	outmsg *head, *tail;
	size_t queued;
	char *rx;
	size_t rxlen;
	int close_code; /* != 0: close once the queue is flushed */
} pss;

struct verto_ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	verto_ws_cb cb;
	verto_ws_cfg cfg;
	lws_retry_bo_t retry;
	lws_sorted_usec_list_t sul;
	pss *conns;
	unsigned nconns;
	uint64_t next_id;
	int in_teardown;
};

static verto_ws *ws_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

static void queue_free(pss *p)
{
	while (p->head) {
		outmsg *m = p->head;
		p->head = m->next;
		free(m);
	}
	p->tail = NULL;
	p->queued = 0;
}

static void conn_unlink(verto_ws *ws, pss *p)
{
	pss **pp;

	for (pp = &ws->conns; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			ws->nconns--;
			return;
		}
	}
}

static pss *conn_find(verto_ws *ws, uint64_t id)
{
	pss *p;

	for (p = ws->conns; p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

/* close with a status once writable: drop what is queued first when the
 * reason is an error */
static void conn_fail(pss *p, int code)
{
	if (code != LWS_CLOSE_STATUS_NORMAL)
		queue_free(p);
	if (!p->close_code)
		p->close_code = code;
	lws_callback_on_writable(p->wsi);
}

static int on_receive(verto_ws *ws, pss *p, struct lws *wsi, void *in,
					  size_t len)
{
	char *nrx;

	if (p->close_code)
		return 0; /* closing: ignore */
	if (lws_frame_is_binary(wsi)) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
						 (unsigned char *)"text frames only", 16);
		return -1;
	}
	if (p->rxlen + len > ws->cfg.max_msg) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
						 (unsigned char *)"message too large", 17);
		return -1;
	}
	nrx = realloc(p->rx, p->rxlen + len + 1);
	if (!nrx)
		return -1;
	p->rx = nrx;
	memcpy(p->rx + p->rxlen, in, len);
	p->rxlen += len;
	p->rx[p->rxlen] = '\0';
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (ws->cb.text)
		ws->cb.text(ws->cb.ctx, p->id, p->rx, p->rxlen);
	free(p->rx);
	p->rx = NULL;
	p->rxlen = 0;
	return 0;
}

static int on_writable(pss *p, struct lws *wsi)
{
	outmsg *m = p->head;

	if (m) {
		p->head = m->next;
		if (!p->head)
			p->tail = NULL;
		p->queued -= m->len;
		if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) <
			(int)m->len) {
			free(m);
			return -1;
		}
		free(m);
		if (p->head || p->close_code)
			lws_callback_on_writable(wsi);
		return 0;
	}
	if (p->close_code) {
		lws_close_reason(wsi, (enum lws_close_status)p->close_code, NULL, 0);
		return -1;
	}
	return 0;
}

static int cb_verto(struct lws *wsi, enum lws_callback_reasons reason,
					void *user, void *in, size_t len)
{
	verto_ws *ws = ws_of(wsi);
	pss *p = user;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(p, 0, sizeof(*p));
		p->id = ++ws->next_id;
		p->wsi = wsi;
		p->next = ws->conns;
		ws->conns = p;
		ws->nconns++;
		if (ws->cb.open)
			ws->cb.open(ws->cb.ctx, p->id);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		return on_receive(ws, p, wsi, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writable(p, wsi);
	case LWS_CALLBACK_CLOSED:
		if (!p || !p->id)
			return 0;
		conn_unlink(ws, p);
		queue_free(p);
		free(p->rx);
		p->rx = NULL;
		if (ws->cb.close && !ws->in_teardown)
			ws->cb.close(ws->cb.ctx, p->id);
		p->id = 0;
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static int cb_fd(struct lws *wsi, enum lws_callback_reasons reason, void *user,
				 void *in, size_t len)
{
	verto_ws *ws = ws_of(wsi);

	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE && ws->cb.fd_ready)
		ws->cb.fd_ready(ws->cb.ctx, lws_get_socket_fd(wsi));
	return 0;
}

static const struct lws_protocols protocols[] = {
		/* first: chosen when the client names no subprotocol */
		{"verto", cb_verto, sizeof(pss), 4096, 0, NULL, 0},
		{"iwg-verto-fd", cb_fd, 0, 0, 0, NULL, 0},
		{NULL, NULL, 0, 0, 0, NULL, 0}};

static void on_tick(lws_sorted_usec_list_t *sul)
{
	verto_ws *ws = lws_container_of(sul, verto_ws, sul);

	if (ws->cb.tick)
		ws->cb.tick(ws->cb.ctx);
	lws_sul_schedule(ws->ctx, 0, &ws->sul, on_tick,
					 (lws_usec_t)ws->cfg.tick_ms * LWS_US_PER_MS);
}

/* split "ip:port" into ip[ipsz] and *port; 0 or -1 */
static int split_addr(const char *s, char *ip, size_t ipsz, int *port)
{
	const char *c = strrchr(s, ':');
	char *end;
	long v;

	if (!c || c == s || (size_t)(c - s) >= ipsz)
		return -1;
	v = strtol(c + 1, &end, 10);
	if (*end || v <= 0 || v > 65535)
		return -1;
	memcpy(ip, s, (size_t)(c - s));
	ip[c - s] = '\0';
	*port = (int)v;
	return 0;
}

static struct lws_vhost *add_vhost(verto_ws *ws, const char *name,
								   const char *addr, int tls, char *err,
								   size_t errsz)
{
	struct lws_context_creation_info vi;
	struct lws_vhost *vh;
	char ip[64];
	int port;

	if (split_addr(addr, ip, sizeof(ip), &port)) {
		snprintf(err, errsz, "bad %s listener '%s' (want ip:port)", name, addr);
		return NULL;
	}
	memset(&vi, 0, sizeof(vi));
	vi.vhost_name = name;
	vi.iface = ip;
	vi.port = port;
	vi.protocols = protocols;
	vi.retry_and_idle_policy = &ws->retry;
	vi.options =
			LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	if (tls) {
		vi.ssl_cert_filepath = ws->cfg.tls_cert;
		vi.ssl_private_key_filepath = ws->cfg.tls_key;
		vi.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	}
	vh = lws_create_vhost(ws->ctx, &vi);
	if (!vh)
		snprintf(err, errsz,
				 "cannot listen for %s on %s (address in use, or bad "
				 "certificate/key)",
				 name, addr);
	return vh;
}

verto_ws *verto_ws_new(const verto_ws_cfg *cfg, const verto_ws_cb *cb,
					   char *err, size_t errsz)
{
	struct lws_context_creation_info ci;
	verto_ws *ws = calloc(1, sizeof(*ws));
	int tls = cfg->wss_addr && *cfg->wss_addr;

	if (!ws) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	ws->cb = *cb;
	ws->cfg = *cfg;
	if (!ws->cfg.max_msg)
		ws->cfg.max_msg = 65536;
	if (!ws->cfg.max_queue)
		ws->cfg.max_queue = 1024 * 1024;
	if (!ws->cfg.ping_secs)
		ws->cfg.ping_secs = 20;
	if (!ws->cfg.tick_ms)
		ws->cfg.tick_ms = 200;
	if (tls && (!cfg->tls_cert || !cfg->tls_key)) {
		snprintf(err, errsz, "wss needs a certificate and a key");
		free(ws);
		return NULL;
	}
	ws->retry.secs_since_valid_ping = (uint16_t)ws->cfg.ping_secs;
	ws->retry.secs_since_valid_hangup = (uint16_t)(2 * ws->cfg.ping_secs);
	lws_set_log_level(cfg->log_level ? cfg->log_level : LLL_ERR, NULL);
	memset(&ci, 0, sizeof(ci));
	ci.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
				 (tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	ci.user = ws;
	ci.protocols = protocols;
	ws->ctx = lws_create_context(&ci);
	if (!ws->ctx) {
		snprintf(err, errsz, "libwebsockets context creation failed");
		free(ws);
		return NULL;
	}
	if (cfg->ws_addr && *cfg->ws_addr) {
		ws->vh = add_vhost(ws, "ws", cfg->ws_addr, 0, err, errsz);
		if (!ws->vh)
			goto fail;
	}
	if (tls) {
		struct lws_vhost *v =
				add_vhost(ws, "wss", cfg->wss_addr, 1, err, errsz);
		if (!v)
			goto fail;
		if (!ws->vh)
			ws->vh = v;
	}
	if (!ws->vh) {
		snprintf(err, errsz, "no listener configured");
		goto fail;
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul, on_tick,
					 (lws_usec_t)ws->cfg.tick_ms * LWS_US_PER_MS);
	return ws;
fail:
	lws_context_destroy(ws->ctx);
	free(ws);
	return NULL;
}

void verto_ws_free(verto_ws *ws)
{
	if (!ws)
		return;
	ws->in_teardown = 1;
	lws_context_destroy(ws->ctx);
	free(ws);
}

int verto_ws_service(verto_ws *ws)
{
	return lws_service(ws->ctx, 0) < 0 ? -1 : 0;
}

int verto_ws_send(verto_ws *ws, uint64_t id, const char *buf, size_t len)
{
	pss *p = conn_find(ws, id);
	outmsg *m;

	if (!p || p->close_code)
		return -1;
	if (p->queued + len > ws->cfg.max_queue) {
		/* a client that does not read must not grow without bound */
		conn_fail(p, LWS_CLOSE_STATUS_POLICY_VIOLATION);
		return -1;
	}
	m = malloc(sizeof(*m) + LWS_PRE + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->len = len;
	memcpy(m->buf + LWS_PRE, buf, len);
	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	p->queued += len;
	lws_callback_on_writable(p->wsi);
	return 0;
}

void verto_ws_close(verto_ws *ws, uint64_t id)
{
	pss *p = conn_find(ws, id);

	if (p)
		conn_fail(p, LWS_CLOSE_STATUS_NORMAL);
}

int verto_ws_watch_fd(verto_ws *ws, int fd)
{
	lws_sock_file_fd_type u;

	u.filefd = (lws_filefd_type)fd;
	return lws_adopt_descriptor_vhost(ws->vh, LWS_ADOPT_RAW_FILE_DESC, u,
									  "iwg-verto-fd", NULL)
				   ? 0
				   : -1;
}

unsigned verto_ws_count(const verto_ws *ws)
{
	return ws->nconns;
}
