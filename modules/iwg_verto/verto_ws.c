/*
 * verto_ws.c - WebSocket endpoint on libwebsockets. Contracts in verto_ws.h.
 * Memory: per-connection state is libwebsockets' per-session block; queued
 * messages are malloc'd with LWS_PRE bytes of headroom. Upgraded
 * connections are found by id in a hash (conns); source addresses with an
 * open connection in another (addrs, one malloc'd entry per address, freed
 * with its last connection), each connection's wsi pointing to its entry
 * (lws opaque user data) from accept to destruction.
 * Threads: libwebsockets runs on ws->thr (see verto_ws.h for why); the
 * caller's thread hands it one job at a time and waits (run_job).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <ev.h>
#include <libwebsockets.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "verto_index.h"
#include "verto_ws.h"

typedef int (*ws_job_fn)(verto_ws *ws, void *arg);

typedef struct outmsg {
	struct outmsg *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE + len */
} outmsg;

/* a source address with open connections */
typedef struct ip_ent {
	struct ip_ent *next; /* hash chain */
	uint64_t hash;
	unsigned char addr[16]; /* IPv4 in the first 4 bytes */
	int fam;				/* AF_INET, AF_INET6 */
	unsigned n;				/* open connections */
	char text[INET6_ADDRSTRLEN];
} ip_ent;

typedef struct pss {
	struct pss *next; /* hash chain */
	uint64_t id;
	struct lws *wsi;
	ip_ent *ip; /* the peer's address; NULL when unknown */
	outmsg *head, *tail;
	size_t queued;
	char *rx;
	size_t rxlen;
	size_t rx_taken;  /* bytes of rx taken from cfg.budget */
	int close_code;	  /* != 0: close once the queue is flushed */
	int trusted;	  /* verto_ws_trust */
	uint64_t seen_ms; /* when the peer last sent anything (monotonic) */
	int ping;		  /* PING_* */
} pss;

/* keep-alive of one connection (ping_sweep) */
enum { PING_NONE = 0, PING_DUE, PING_SENT };

static uint64_t mono_ms(void);

/* the peer sent something: alive (not once we are closing it) */
static void alive(pss *p)
{
	if (p->close_code)
		return;
	p->seen_ms = mono_ms();
	p->ping = PING_NONE;
}

/* a chained hash table that doubles when it holds as many entries as it
 * has buckets */
typedef struct htab {
	void **b;
	size_t mask; /* buckets - 1 */
	size_t n;
} htab;

struct verto_ws {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	verto_ws_cb cb;
	verto_ws_cfg cfg;
	lws_retry_bo_t retry;
	lws_sorted_usec_list_t sul;
	struct ev_loop *loop; /* libev (epoll), handed to libwebsockets */
	uint64_t swept_ms;	  /* the last ping_sweep */
	htab conns;			  /* pss by id */
	htab addrs;			  /* ip_ent by address */
	uint64_t seed[2];
	/* the connection accepted last, until its wsi exists: fd and entry */
	ip_ent *filt_ip;
	int filt_fd;
	struct lws *filt_wsi;
	unsigned nsockets; /* TCP connections counted in addrs */
	uint64_t conns_refused_ip, memory_refused;
	uint64_t next_id;
	int in_teardown;
	/* the OpenSSL thread and its job hand-over, under mu */
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	ws_job_fn job;
	void *job_arg;
	int job_rc;
	int job_done;
	int thr_stop;
	/* why loading the wss certificate or key failed, for verto_ws_new */
	char tls_err[512];
};

static verto_ws *ws_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

/* ------------------------------------------------------------ hashes */

static uint64_t id_hash(const verto_ws *ws, uint64_t id)
{
	return verto_hash_u64(id, ws->seed);
}

/* keyed (the seed is random): addresses cannot be chosen to collide */
static uint64_t addr_hash(const verto_ws *ws, const unsigned char *a, int fam)
{
	unsigned char k[17];

	memcpy(k, a, 16);
	k[16] = (unsigned char)fam;
	return verto_siphash(k, sizeof(k), ws->seed);
}

static int htab_init(htab *t, size_t buckets)
{
	t->b = calloc(buckets, sizeof(*t->b));
	t->mask = buckets - 1;
	t->n = 0;
	return t->b ? 0 : -1;
}

/* the bucket of a pss by id */
static pss **conn_bucket(verto_ws *ws, uint64_t id)
{
	return (pss **)&ws->conns.b[id_hash(ws, id) & ws->conns.mask];
}

static ip_ent **addr_bucket(verto_ws *ws, uint64_t h)
{
	return (ip_ent **)&ws->addrs.b[h & ws->addrs.mask];
}

/* double a table when it is full; a failed allocation keeps it as is
 * (longer chains, still correct) */
static void conns_grow(verto_ws *ws)
{
	htab old = ws->conns;
	size_t i;
	pss *p, *nx, **b;

	if (old.n < old.mask + 1 || htab_init(&ws->conns, 2 * (old.mask + 1))) {
		ws->conns = old;
		return;
	}
	ws->conns.n = old.n;
	for (i = 0; i <= old.mask; i++) {
		for (p = old.b[i]; p; p = nx) {
			nx = p->next;
			b = conn_bucket(ws, p->id);
			p->next = *b;
			*b = p;
		}
	}
	free(old.b);
}

static void addrs_grow(verto_ws *ws)
{
	htab old = ws->addrs;
	size_t i;
	ip_ent *e, *nx, **b;

	if (old.n < old.mask + 1 || htab_init(&ws->addrs, 2 * (old.mask + 1))) {
		ws->addrs = old;
		return;
	}
	ws->addrs.n = old.n;
	for (i = 0; i <= old.mask; i++) {
		for (e = old.b[i]; e; e = nx) {
			nx = e->next;
			b = addr_bucket(ws, e->hash);
			e->next = *b;
			*b = e;
		}
	}
	free(old.b);
}

static void conn_link(verto_ws *ws, pss *p)
{
	pss **b;

	conns_grow(ws);
	b = conn_bucket(ws, p->id);
	p->next = *b;
	*b = p;
	ws->conns.n++;
}

static void conn_unlink(verto_ws *ws, pss *p)
{
	pss **pp;

	for (pp = conn_bucket(ws, p->id); *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			ws->conns.n--;
			return;
		}
	}
}

static pss *conn_find(verto_ws *ws, uint64_t id)
{
	pss *p;

	for (p = *conn_bucket(ws, id); p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

/* ------------------------------------------------- connections per address */

/* the address of a peer as a key: 0, or -1 for another family */
static int addr_key(const struct sockaddr_storage *sa, unsigned char a[16],
					int *fam)
{
	memset(a, 0, 16);
	if (sa->ss_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		*fam = AF_INET;
		return 0;
	}
	if (sa->ss_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		*fam = AF_INET6;
		return 0;
	}
	return -1;
}

/* the entry of an address, made with n 0 when new; NULL when out of
 * memory */
static ip_ent *addr_get(verto_ws *ws, const unsigned char a[16], int fam)
{
	uint64_t h = addr_hash(ws, a, fam);
	ip_ent *e, **b;

	for (e = *addr_bucket(ws, h); e; e = e->next)
		if (e->hash == h && e->fam == fam && !memcmp(e->addr, a, 16))
			return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->hash = h;
	e->fam = fam;
	memcpy(e->addr, a, 16);
	if (!inet_ntop(fam, a, e->text, sizeof(e->text)))
		e->text[0] = '\0';
	addrs_grow(ws);
	b = addr_bucket(ws, h);
	e->next = *b;
	*b = e;
	ws->addrs.n++;
	return e;
}

/* one connection of the address is gone; the entry goes with the last */
static void addr_release(verto_ws *ws, ip_ent *e)
{
	ip_ent **pp;

	ws->nsockets--;
	if (--e->n)
		return;
	for (pp = addr_bucket(ws, e->hash); *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			ws->addrs.n--;
			break;
		}
	}
	free(e);
}

/*
 * A TCP connection was accepted (before any byte is read): 0 to keep it
 * (counted for its address until its wsi is destroyed), -1 to close it.
 * The entry waits in filt_* until the connection's wsi exists.
 */
static int on_filter(verto_ws *ws, const struct lws_filter_network_conn_args *a)
{
	unsigned char key[16];
	ip_ent *e;
	int fam;

	if (ws->filt_ip) {
		/* the previous accept never reached its wsi (it failed) */
		addr_release(ws, ws->filt_ip);
		ws->filt_ip = NULL;
		ws->filt_wsi = NULL;
	}
	if (addr_key(&a->cli_addr, key, &fam))
		return 0; /* not IP: not counted */
	e = addr_get(ws, key, fam);
	if (!e)
		return -1;
	if (ws->cfg.max_conns_per_ip && e->n >= ws->cfg.max_conns_per_ip) {
		/* e->n > 0: the entry stays for the connections it has */
		ws->conns_refused_ip++;
		return -1;
	}
	e->n++;
	ws->nsockets++;
	ws->filt_ip = e;
	ws->filt_fd = (int)a->accept_fd;
	return 0;
}

/* the accepted connection's wsi exists (WSI_CREATE: no fd yet) */
static void on_wsi_create(verto_ws *ws, struct lws *wsi)
{
	if (ws->filt_ip && !ws->filt_wsi)
		ws->filt_wsi = wsi;
}

/* the accepted connection's wsi has its fd: it carries the entry now */
static void on_new_client(verto_ws *ws, struct lws *wsi)
{
	if (!ws->filt_ip || lws_get_opaque_user_data(wsi) ||
		(ws->filt_wsi && ws->filt_wsi != wsi) ||
		lws_get_socket_fd(wsi) != ws->filt_fd)
		return;
	lws_set_opaque_user_data(wsi, ws->filt_ip);
	ws->filt_ip = NULL;
	ws->filt_wsi = NULL;
}

/* a wsi is destroyed (its socket already closed) */
static void on_wsi_destroy(verto_ws *ws, struct lws *wsi)
{
	ip_ent *e = lws_get_opaque_user_data(wsi);

	if (e) {
		lws_set_opaque_user_data(wsi, NULL);
		addr_release(ws, e);
	} else if (ws->filt_ip && ws->filt_wsi == wsi) {
		addr_release(ws, ws->filt_ip);
		ws->filt_ip = NULL;
		ws->filt_wsi = NULL;
	}
}

/* seconds a connection closed by us has to take its last replies and the
 * close frame (a client that does not read is cut then) */
#define CLOSE_GRACE_S 5

/* close with a status once what is queued (its last replies) is written,
 * within CLOSE_GRACE_S */
static void conn_fail(pss *p, int code)
{
	if (!p->close_code) {
		p->close_code = code;
		lws_set_timeout(p->wsi, PENDING_TIMEOUT_CLOSE_SEND, CLOSE_GRACE_S);
	}
	lws_callback_on_writable(p->wsi);
}

/* give back what the connection's partial message took */
static void rx_drop(verto_ws *ws, pss *p)
{
	verto_budget_give(ws->cfg.budget, p->rx_taken);
	p->rx_taken = 0;
	free(p->rx);
	p->rx = NULL;
	p->rxlen = 0;
}

static int on_receive(verto_ws *ws, pss *p, struct lws *wsi, void *in,
					  size_t len)
{
	int last, keep;
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
	last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
	/* bytes kept past this callback come from the shared budget (a
	 * message complete in one piece is handed over at once); a logged-in
	 * connection's do not (bounded by max_msg each): a flood of strangers
	 * must not starve it */
	keep = (!last || p->rxlen) && !p->trusted;
	if (keep && verto_budget_take(ws->cfg.budget, len)) {
		ws->memory_refused++;
		lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
						 (unsigned char *)"server busy", 11);
		return -1;
	}
	if (keep)
		p->rx_taken += len;
	nrx = realloc(p->rx, p->rxlen + len + 1);
	if (!nrx)
		return -1;
	p->rx = nrx;
	memcpy(p->rx + p->rxlen, in, len);
	p->rxlen += len;
	p->rx[p->rxlen] = '\0';
	if (!last)
		return 0;
	if (ws->cb.text)
		ws->cb.text(ws->cb.ctx, p->id, p->rx, p->rxlen);
	rx_drop(ws, p);
	return 0;
}

static int on_writable(pss *p, struct lws *wsi)
{
	/* a payload, since libwebsockets does not report an empty pong */
	unsigned char ping[LWS_PRE + 4] = {[LWS_PRE] = 'i', 'w', 'g', '!'};
	outmsg *m = p->head;

	if (p->ping == PING_DUE) {
		p->ping = PING_SENT;
		if (lws_write(wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 4)
			return -1;
		if (m || p->close_code)
			lws_callback_on_writable(wsi);
		return 0;
	}
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

/* append ": reason (data); ..." for each error queued on this thread,
 * oldest first, a repeat of the one before left out, emptying the queue;
 * ": (no reason given)" when there is none */
static void ssl_reasons(char *buf, size_t sz)
{
	size_t n = strlen(buf);
	const char *data;
	unsigned long e, last = 0;
	int flags, any = 0;
	char one[256];

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags))) {
		if (!(flags & ERR_TXT_STRING))
			data = "";
		if (e == last && !*data)
			continue;
		last = e;
		ERR_error_string_n(e, one, sizeof(one));
		if (n < sz)
			n += (size_t)snprintf(buf + n, sz - n, "%s%s%s%s%s",
								  any ? "; " : ": ", one, *data ? " (" : "",
								  data, *data ? ")" : "");
		any = 1;
	}
	if (!any && n < sz)
		snprintf(buf + n, sz - n, ": (no reason given)");
}

/* the file must open for reading: errno's text beats OpenSSL's */
static int file_readable(const char *what, const char *path, char *err,
						 size_t errsz)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errsz, "wss %s '%s': %s", what, path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

/* never ask for a pass phrase (the default would read the terminal) */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* the key read fine but belongs to another certificate (OpenSSL checks it
 * against the certificate already loaded) */
static int key_mismatch(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_X509 &&
		   ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH;
}

/* load the chain and key into ctx and check they match; 0, or -1 with the
 * file and OpenSSL's reasons in err */
static int tls_load(SSL_CTX *ctx, const char *cert, const char *key, char *err,
					size_t errsz)
{
	int loaded;

	ERR_clear_error();
	*err = '\0';
	if (file_readable("certificate", cert, err, errsz))
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errsz,
				 "wss certificate '%s' is not a usable PEM certificate chain",
				 cert);
		goto ssl_err;
	}
	if (file_readable("private key", key, err, errsz))
		goto clear;
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	loaded = SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1;
	if (!loaded && !key_mismatch()) {
		snprintf(err, errsz,
				 "wss private key '%s' is not a usable unencrypted PEM key",
				 key);
		goto ssl_err;
	}
	if (!loaded || SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errsz,
				 "wss private key '%s' does not match certificate '%s'", key,
				 cert);
		goto ssl_err;
	}
	return 0;
ssl_err:
	ssl_reasons(err, errsz);
clear:
	ERR_clear_error();
	return -1;
}

/* libwebsockets made the wss vhost's SSL_CTX (no certificate in it) */
static int on_ssl_ctx(verto_ws *ws, SSL_CTX *ctx)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		snprintf(ws->tls_err, sizeof(ws->tls_err),
				 "wss: cannot require TLS 1.2");
		ssl_reasons(ws->tls_err, sizeof(ws->tls_err));
		return -1;
	}
	return tls_load(ctx, ws->cfg.tls_cert, ws->cfg.tls_key, ws->tls_err,
					sizeof(ws->tls_err));
}

static int cb_verto(struct lws *wsi, enum lws_callback_reasons reason,
					void *user, void *in, size_t len)
{
	verto_ws *ws = ws_of(wsi);
	pss *p = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		/* user: the accepted socket's arguments, not a pss */
		return on_filter(ws, user) ? -1 : 0;
	case LWS_CALLBACK_WSI_CREATE:
		on_wsi_create(ws, wsi);
		return 0;
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		on_new_client(ws, wsi);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		on_wsi_destroy(ws, wsi);
		return 0;
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* user is the SSL_CTX of a vhost made with
		 * LWS_SERVER_OPTION_CREATE_VHOST_SSL_CTX: only wss */
		return on_ssl_ctx(ws, user) ? -1 : 0;
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		/* WebSocket only: an upgrade to h2c would carry many WebSockets
		 * over one counted TCP connection, without their address */
		return in && strcasecmp((const char *)in, "websocket") == 0 ? 0 : -1;
	case LWS_CALLBACK_ESTABLISHED:
		memset(p, 0, sizeof(*p));
		p->id = ++ws->next_id;
		p->wsi = wsi;
		p->seen_ms = mono_ms();
		on_new_client(ws, wsi); /* when the instantiation was missed */
		p->ip = lws_get_opaque_user_data(wsi);
		if (!p->ip) {
			/* not a TCP connection we counted (e.g. a stream) */
			p->id = 0;
			return -1;
		}
		conn_link(ws, p);
		if (ws->cb.open)
			ws->cb.open(ws->cb.ctx, p->id);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		alive(p);
		return on_receive(ws, p, wsi, in, len);
	case LWS_CALLBACK_RECEIVE_PONG:
		alive(p);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writable(p, wsi);
	case LWS_CALLBACK_CLOSED:
		if (!p || !p->id)
			return 0;
		conn_unlink(ws, p);
		queue_free(p);
		rx_drop(ws, p);
		p->ip = NULL;
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

/*
 * Keep-alive, once a second over every connection (O(connections) a
 * second, whatever the traffic): a ping to each one silent for ping_secs,
 * hang-up of each one silent for twice that. libwebsockets' own validity
 * timers are off (retry.secs_since_valid_hangup 0): they sit in one
 * sorted list that every received frame and pong re-sorts, O(connections)
 * each (docs/benchmarks.md).
 */
static void ping_sweep(verto_ws *ws)
{
	uint64_t now = mono_ms(), ping = (uint64_t)ws->cfg.ping_secs * 1000;
	size_t i;
	pss *p;

	if (now - ws->swept_ms < 1000)
		return;
	ws->swept_ms = now;
	for (i = 0; i <= ws->conns.mask; i++) {
		for (p = ws->conns.b[i]; p; p = p->next) {
			if (p->close_code)
				continue; /* closing: cut after CLOSE_GRACE_S */
			if (now - p->seen_ms >= 2 * ping) {
				/* closed from the loop, not here (p stays linked) */
				lws_set_timeout(p->wsi, PENDING_TIMEOUT_USER_OK,
								LWS_TO_KILL_ASYNC);
			} else if (now - p->seen_ms >= ping && p->ping == PING_NONE) {
				p->ping = PING_DUE;
				lws_callback_on_writable(p->wsi);
			}
		}
	}
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
	verto_ws *ws = lws_container_of(sul, verto_ws, sul);

	ping_sweep(ws);
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
	/* HTTP/1.1 only: no WebSockets multiplexed over HTTP/2 (RFC 8441) */
	vi.alpn = "http/1.1";
	vi.options =
			LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	if (tls) {
		/* no file paths: libwebsockets makes the SSL_CTX, on_ssl_ctx loads
		 * the certificate and key into it with our error reporting */
		vi.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
					  LWS_SERVER_OPTION_CREATE_VHOST_SSL_CTX;
	}
	ws->tls_err[0] = '\0';
	vh = lws_create_vhost(ws->ctx, &vi);
	if (!vh && ws->tls_err[0])
		snprintf(err, errsz, "%s", ws->tls_err);
	else if (!vh)
		snprintf(err, errsz,
				 "cannot listen for %s on %s (address in use or not local?)",
				 name, addr);
	return vh;
}

/* ------------------------------------------------------------ fork hook */

/*
 * Kamailio 5.6 with its tls module and OpenSSL 3 (see verto_ws.h): a
 * process forked by a thread that has per-thread OpenSSL state shares that
 * state, which lives in shared memory, with its parent and its siblings.
 * Before every fork, in any process of this program, the forking thread
 * drops its own; the child makes its own on first use. What is dropped was
 * made after that thread's previous fork, so no other process refers to it.
 */
static void drop_thread_ssl_state(void)
{
	OPENSSL_thread_stop();
}

/* once, when the module is loaded (before Kamailio forks anything) */
__attribute__((constructor)) static void install_fork_hook(void)
{
	pthread_atfork(drop_thread_ssl_state, NULL, NULL);
}

/* ---------------------------------------------------------- OpenSSL thread */

static void *ssl_thread(void *arg)
{
	verto_ws *ws = arg;
	ws_job_fn fn;

	pthread_mutex_lock(&ws->mu);
	for (;;) {
		while (!ws->job && !ws->thr_stop)
			pthread_cond_wait(&ws->cv, &ws->mu);
		if (!ws->job)
			break;
		fn = ws->job;
		pthread_mutex_unlock(&ws->mu);
		ws->job_rc = fn(ws, ws->job_arg);
		pthread_mutex_lock(&ws->mu);
		ws->job = NULL;
		ws->job_done = 1;
		pthread_cond_broadcast(&ws->cv);
	}
	pthread_mutex_unlock(&ws->mu);
	return NULL;
}

/* run fn(ws, arg) on the OpenSSL thread and wait for its return value
 * (directly when called on that thread, from a libwebsockets callback) */
static int run_job(verto_ws *ws, ws_job_fn fn, void *arg)
{
	int rc;

	if (pthread_equal(pthread_self(), ws->thr))
		return fn(ws, arg);
	pthread_mutex_lock(&ws->mu);
	ws->job = fn;
	ws->job_arg = arg;
	ws->job_done = 0;
	pthread_cond_broadcast(&ws->cv);
	while (!ws->job_done)
		pthread_cond_wait(&ws->cv, &ws->mu);
	rc = ws->job_rc;
	pthread_mutex_unlock(&ws->mu);
	return rc;
}

/*
 * Start the thread with the caller's signal mask, then block every signal
 * in the caller: the thread that runs Kamailio code (tm, cfg, pkg memory)
 * is the one Kamailio's signal handlers interrupt, as in a single-threaded
 * process, never a thread waiting beside it (the handlers touch cfg and
 * pkg memory). The job pool's threads block every signal themselves.
 */
static int thread_start(verto_ws *ws)
{
	sigset_t all;

	if (pthread_mutex_init(&ws->mu, NULL))
		return -1;
	if (pthread_cond_init(&ws->cv, NULL)) {
		pthread_mutex_destroy(&ws->mu);
		return -1;
	}
	if (pthread_create(&ws->thr, NULL, ssl_thread, ws)) {
		pthread_cond_destroy(&ws->cv);
		pthread_mutex_destroy(&ws->mu);
		return -1;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	return 0;
}

/* OpenSSL frees the thread's own state when it ends */
static void thread_stop(verto_ws *ws)
{
	pthread_mutex_lock(&ws->mu);
	ws->thr_stop = 1;
	pthread_cond_broadcast(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
	pthread_join(ws->thr, NULL);
	pthread_cond_destroy(&ws->cv);
	pthread_mutex_destroy(&ws->mu);
}

/* ----------------------------------------------------------------- jobs */

typedef struct new_args {
	char *err;
	size_t errsz;
} new_args;

static int job_new(verto_ws *ws, void *arg)
{
	new_args *a = arg;
	struct lws_context_creation_info ci;
	int tls = ws->cfg.wss_addr && *ws->cfg.wss_addr;
	void *loops[1];

	lws_set_log_level(ws->cfg.log_level ? ws->cfg.log_level : LLL_ERR, NULL);
	/*
	 * Our own libev loop on epoll: a wake-up costs what is ready, not
	 * every open descriptor as with libwebsockets' default poll() loop
	 * (docs/benchmarks.md). Ours, so libwebsockets installs no signal
	 * watcher (Kamailio owns this process's signals) and libev leaves
	 * the signal mask alone.
	 */
	ws->loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOSIGMASK);
	if (!ws->loop) {
		snprintf(a->err, a->errsz, "cannot create the epoll event loop");
		return -1;
	}
	loops[0] = ws->loop;
	memset(&ci, 0, sizeof(ci));
	ci.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_LIBEV |
				 (tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	ci.foreign_loops = loops;
	ci.user = ws;
	ci.protocols = protocols;
	ws->ctx = lws_create_context(&ci);
	if (!ws->ctx) {
		snprintf(a->err, a->errsz,
				 "libwebsockets context creation failed (its libev "
				 "plugin comes with the package libwebsockets-evlib-ev)");
		ev_loop_destroy(ws->loop);
		ws->loop = NULL;
		return -1;
	}
	if (ws->cfg.ws_addr && *ws->cfg.ws_addr) {
		ws->vh = add_vhost(ws, "ws", ws->cfg.ws_addr, 0, a->err, a->errsz);
		if (!ws->vh)
			goto err;
	}
	if (tls) {
		struct lws_vhost *v =
				add_vhost(ws, "wss", ws->cfg.wss_addr, 1, a->err, a->errsz);
		if (!v)
			goto err;
		if (!ws->vh)
			ws->vh = v;
	}
	if (!ws->vh) {
		snprintf(a->err, a->errsz, "no listener configured");
		goto err;
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul, on_tick,
					 (lws_usec_t)ws->cfg.tick_ms * LWS_US_PER_MS);
	return 0;
err:
	lws_context_destroy(ws->ctx);
	ws->ctx = NULL;
	ev_loop_destroy(ws->loop);
	ws->loop = NULL;
	return -1;
}

/* runs the loop (returns only when it is broken or has nothing to watch) */
static int job_service(verto_ws *ws, void *arg)
{
	(void)arg;
	ev_run(ws->loop, 0);
	return 0;
}

static int job_free(verto_ws *ws, void *arg)
{
	(void)arg;
	ws->in_teardown = 1;
	lws_context_destroy(ws->ctx);
	ws->ctx = NULL;
	if (ws->loop)
		ev_loop_destroy(ws->loop);
	ws->loop = NULL;
	return 0;
}

static int job_watch_fd(verto_ws *ws, void *arg)
{
	lws_sock_file_fd_type u;

	u.filefd = (lws_filefd_type) * (int *)arg;
	return lws_adopt_descriptor_vhost(ws->vh, LWS_ADOPT_RAW_FILE_DESC, u,
									  "iwg-verto-fd", NULL)
				   ? 0
				   : -1;
}

/* --------------------------------------------------------------- public */

/* the hash key of the address table; 0 or -1 */
static int getrandom_seed(uint64_t seed[2])
{
	return getrandom(seed, 2 * sizeof(uint64_t), GRND_NONBLOCK) ==
						   (ssize_t)(2 * sizeof(uint64_t))
				   ? 0
				   : -1;
}

/* the endpoint's memory once the context is gone (every wsi destroyed:
 * an address entry left is one whose connection never got a wsi) */
static void ws_release(verto_ws *ws)
{
	ip_ent *e, *nx;
	size_t i;

	for (i = 0; ws->addrs.b && i <= ws->addrs.mask; i++) {
		for (e = ws->addrs.b[i]; e; e = nx) {
			nx = e->next;
			free(e);
		}
	}
	free(ws->conns.b);
	free(ws->addrs.b);
	free(ws);
}

verto_ws *verto_ws_new(const verto_ws_cfg *cfg, const verto_ws_cb *cb,
					   char *err, size_t errsz)
{
	verto_ws *ws = calloc(1, sizeof(*ws));
	int tls = cfg->wss_addr && *cfg->wss_addr;
	new_args a = {err, errsz};

	if (!ws) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	ws->cb = *cb;
	ws->cfg = *cfg;
	if (htab_init(&ws->conns, 1024) || htab_init(&ws->addrs, 1024)) {
		snprintf(err, errsz, "out of memory");
		ws_release(ws);
		return NULL;
	}
	if (getrandom_seed(ws->seed))
		ws->seed[0] = (uint64_t)(uintptr_t)ws ^ (uint64_t)time(NULL);
	if (!ws->cfg.max_msg)
		ws->cfg.max_msg = 65536;
	if (!ws->cfg.max_queue)
		ws->cfg.max_queue = 1024 * 1024;
	if (!ws->cfg.ping_secs)
		ws->cfg.ping_secs = 20;
	if (!ws->cfg.tick_ms)
		ws->cfg.tick_ms = 200;
	if (tls && (!cfg->tls_cert || !*cfg->tls_cert || !cfg->tls_key ||
				!*cfg->tls_key)) {
		snprintf(err, errsz, "wss needs a certificate and a key");
		ws_release(ws);
		return NULL;
	}
	/* libwebsockets' validity timers off: ping_sweep keeps connections */
	ws->retry.secs_since_valid_ping = 0;
	ws->retry.secs_since_valid_hangup = 0;
	if (thread_start(ws)) {
		snprintf(err, errsz, "cannot start the endpoint's thread");
		ws_release(ws);
		return NULL;
	}
	if (run_job(ws, job_new, &a)) {
		thread_stop(ws);
		ws_release(ws);
		return NULL;
	}
	return ws;
}

void verto_ws_free(verto_ws *ws)
{
	if (!ws)
		return;
	run_job(ws, job_free, NULL);
	thread_stop(ws);
	ws_release(ws);
}

int verto_ws_service(verto_ws *ws)
{
	return run_job(ws, job_service, NULL);
}

/* output a connection may have waiting: max_queue once logged in, before
 * that one largest message and a little (replies echo the request's id) */
static size_t queue_cap(const verto_ws *ws, const pss *p)
{
	size_t pre = ws->cfg.max_msg + 4096;

	return p->trusted || pre > ws->cfg.max_queue ? ws->cfg.max_queue : pre;
}

int verto_ws_send(verto_ws *ws, uint64_t id, const char *buf, size_t len)
{
	pss *p = conn_find(ws, id);
	outmsg *m;

	if (!p || p->close_code)
		return -1;
	if (p->queued + len > queue_cap(ws, p)) {
		/* a client that does not read must not grow without bound: what
		 * it did not take is dropped */
		queue_free(p);
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

void verto_ws_close_code(verto_ws *ws, uint64_t id, int code)
{
	pss *p = conn_find(ws, id);

	if (p)
		conn_fail(p, code);
}

void verto_ws_trust(verto_ws *ws, uint64_t id, int trusted)
{
	pss *p = conn_find(ws, id);

	if (p)
		p->trusted = trusted ? 1 : 0;
}

int verto_ws_trusted(verto_ws *ws, uint64_t id)
{
	pss *p = conn_find(ws, id);

	return p && p->trusted;
}

int verto_ws_watch_fd(verto_ws *ws, int fd)
{
	return run_job(ws, job_watch_fd, &fd);
}

int verto_ws_peer(verto_ws *ws, uint64_t id, char *buf, size_t sz)
{
	pss *p = conn_find(ws, id);

	if (sz)
		buf[0] = '\0';
	if (!p || !p->ip)
		return -1;
	snprintf(buf, sz, "%s", p->ip->text);
	return 0;
}

void verto_ws_stats_get(const verto_ws *ws, verto_ws_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->conns_refused_ip = ws->conns_refused_ip;
	st->memory_refused = ws->memory_refused;
	st->conns = ws->nsockets;
	st->addrs = (unsigned)ws->addrs.n;
}

int verto_ws_tls_check(const char *cert, const char *key, char *err,
					   size_t errsz)
{
	SSL_CTX *ctx;
	int rc;

	if (!cert || !*cert || !key || !*key) {
		snprintf(err, errsz, "wss needs a certificate and a key");
		return -1;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(err, errsz, "wss: cannot create an OpenSSL context");
		ssl_reasons(err, errsz);
		ERR_clear_error();
		return -1;
	}
	rc = tls_load(ctx, cert, key, err, errsz);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}
