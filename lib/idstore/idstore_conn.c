/*
 * idstore_conn.c - connections of the identity store: one server (given,
 * or found through Sentinels) or a Redis Cluster (slot map from CLUSTER
 * SLOTS, a connection per master, MOVED/ASK redirects, per-master WAIT).
 */
#include "idstore/idstore_conn.h"
#include "idstore/idstore_slots.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define RC(ctx) ((redisContext *)(ctx)->rc_)
#define CL(ctx) ((ids_cluster_t *)(ctx)->cl_)

/* redirects (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) followed for one command */
#define IDS_REDIRECTS_MAX 6
#define IDS_BATCH_CHUNK	  500

typedef struct ids_cluster {
	ids_slotmap_t map;
	redisContext *conn[IDS_NODES_MAX]; /* by map.node index */
	uint8_t dirty[IDS_NODES_MAX];	   /* written since the last WAIT */
	int any;						   /* node of ctx->rc_, -1 none */
	int stale;						   /* refresh the map first */
	int lost_dirty; /* a written master left the map before its WAIT */
	char seeds[IDS_ADDR_MAX]; /* "host:port,..." */
} ids_cluster_t;

int ids_set_err(ids_ctx_t *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	ctx->err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->errstr, sizeof(ctx->errstr), fmt, ap);
	va_end(ap);
	return err;
}

int ids_ok(ids_ctx_t *ctx)
{
	ctx->err = IDS_OK;
	ctx->errstr[0] = '\0';
	return IDS_OK;
}

static struct timeval ids_tv(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	return tv;
}

int ids_is_cluster(const ids_ctx_t *ctx)
{
	return ctx->cl_ != NULL;
}

int ids_slot_of(const char *key)
{
	return ids_key_slot(key, strlen(key));
}

/* "host:port", "[v6]:port", "host" into host/port; 0 or -1 */
static int ids_split_addr(const char *s, size_t len, char *host, size_t hostsz,
						  int *port)
{
	const char *colon = NULL, *h = s;
	size_t hl = len, i;
	char *end;
	long p = 6379;

	if (len && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb)
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb + 1 < s + len) {
			if (rb[1] != ':')
				return -1;
			colon = rb + 1;
		}
	} else {
		for (i = 0; i < len; i++)
			if (s[i] == ':')
				colon = s + i;
		if (colon)
			hl = (size_t)(colon - s);
	}
	if (colon) {
		char pb[8];
		size_t pl = (size_t)(s + len - colon - 1);
		if (pl == 0 || pl >= sizeof(pb))
			return -1;
		memcpy(pb, colon + 1, pl);
		pb[pl] = '\0';
		p = strtol(pb, &end, 10);
		if (*end || p < 1 || p > 65535)
			return -1;
	}
	if (hl == 0 || hl >= hostsz)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (int)p;
	return 0;
}

/* one command on connection c (peer names it in errors); NULL with
 * IDS_ERR_IO set when the connection failed */
static redisReply *ids_raw(ids_ctx_t *ctx, redisContext *c, const char *peer,
						   int argc, const char **argv, const size_t *lens)
{
	redisReply *r;
	if (!c || c->err) {
		ids_set_err(ctx, IDS_ERR_IO, "%s: not connected", peer);
		return NULL;
	}
	r = redisCommandArgv(c, argc, argv, lens);
	if (!r)
		ids_set_err(ctx, IDS_ERR_IO, "%s: %s", peer,
					c->errstr[0] ? c->errstr : "I/O error");
	return r;
}

/* a command expected to answer OK-ish; an error reply becomes
 * IDS_ERR_REMOTE "what: ..." */
static int ids_raw_ok(ids_ctx_t *ctx, redisContext *c, const char *peer,
					  const char *what, int argc, const char **argv)
{
	redisReply *r = ids_raw(ctx, c, peer, argc, argv, NULL);
	if (!r)
		return ctx->err;
	if (r->type == REDIS_REPLY_ERROR) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s %s: %s", peer, what, r->str);
		freeReplyObject(r);
		return ctx->err;
	}
	freeReplyObject(r);
	return IDS_OK;
}

/* one connection to host:port or a unix socket, with timeouts, AUTH and
 * SELECT done; NULL with ctx->err */
static redisContext *ids_open(ids_ctx_t *ctx, const char *addr)
{
	char host[IDS_ADDR_MAX], db[16];
	const char *argv[2];
	int port;
	redisContext *c;
	const ids_conf_t *cf = &ctx->conf_;

	if (strncmp(addr, "unix:", 5) == 0) {
		c = redisConnectUnixWithTimeout(addr + 5,
										ids_tv(cf->connect_timeout_ms));
	} else {
		if (ids_split_addr(addr, strlen(addr), host, sizeof(host), &port) < 0) {
			ids_set_err(ctx, IDS_ERR_ARG, "bad address '%s'", addr);
			return NULL;
		}
		c = redisConnectWithTimeout(host, port, ids_tv(cf->connect_timeout_ms));
	}
	if (!c) {
		ids_set_err(ctx, IDS_ERR_OOM, "cannot allocate a connection");
		return NULL;
	}
	if (c->err || redisSetTimeout(c, ids_tv(cf->cmd_timeout_ms)) != REDIS_OK) {
		ids_set_err(ctx, IDS_ERR_IO, "%s: %s", addr,
					c->errstr[0] ? c->errstr : "cannot connect");
		goto err;
	}
	if (cf->password[0]) {
		argv[0] = "AUTH";
		argv[1] = cf->password;
		if (ids_raw_ok(ctx, c, addr, "AUTH", 2, argv))
			goto err;
	}
	if (cf->db > 0) {
		snprintf(db, sizeof(db), "%d", cf->db);
		argv[0] = "SELECT";
		argv[1] = db;
		if (ids_raw_ok(ctx, c, addr, "SELECT", 2, argv))
			goto err;
	}
	return c;
err:
	redisFree(c);
	return NULL;
}

/* ---- one server ---- */

/*
 * 1 when an error reply says the server is no longer a master: the
 * connection is then closed with IDS_ERR_IO so the caller reconnects (and
 * asks the Sentinels). r is freed in that case.
 */
static int ids_demoted(ids_ctx_t *ctx, redisReply *r)
{
	if (r->type != REDIS_REPLY_ERROR || strncmp(r->str, "READONLY", 8) != 0)
		return 0;
	freeReplyObject(r);
	ids_set_err(ctx, IDS_ERR_IO,
				"%s is no longer the master (READONLY); connect again",
				ctx->peer);
	ids_conn_close(ctx);
	return 1;
}

/* ask one sentinel for the master address into addr; IDS_OK or error */
static int ids_ask_sentinel(ids_ctx_t *ctx, const char *sentinel, char *addr,
							size_t addrsz)
{
	const char *argv[3] = {"SENTINEL", "get-master-addr-by-name",
						   ctx->conf_.sentinel_master};
	redisReply *r;
	redisContext *c;
	ids_conf_t saved = ctx->conf_;

	/* a Sentinel has no database and maybe no password */
	ctx->conf_.db = 0;
	c = ids_open(ctx, sentinel);
	ctx->conf_ = saved;
	if (!c)
		return ctx->err;
	r = ids_raw(ctx, c, sentinel, 3, argv, NULL);
	redisFree(c);
	if (!r)
		return ctx->err;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_STRING) {
		ids_set_err(ctx, IDS_ERR_PROTO, "sentinel %s does not know master %s",
					sentinel, ctx->conf_.sentinel_master);
		freeReplyObject(r);
		return ctx->err;
	}
	snprintf(addr, addrsz,
			 strchr(r->element[0]->str, ':') ? "[%s]:%s" : "%s:%s",
			 r->element[0]->str, r->element[1]->str);
	freeReplyObject(r);
	return IDS_OK;
}

/* connect ctx->rc_ to addr; with check_master, refuse a replica */
static int ids_attach(ids_ctx_t *ctx, const char *addr, int check_master)
{
	const char *argv[1] = {"ROLE"};
	redisReply *r;
	redisContext *c = ids_open(ctx, addr);
	if (!c)
		return ctx->err;
	snprintf(ctx->peer, sizeof(ctx->peer), "%s", addr);
	if (!check_master) {
		ctx->rc_ = c;
		return ids_ok(ctx);
	}
	if (!(r = ids_raw(ctx, c, addr, 1, argv, NULL)))
		goto err;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		strcmp(r->element[0]->str, "master") != 0) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s is not a master", addr);
		freeReplyObject(r);
		goto err;
	}
	freeReplyObject(r);
	ctx->rc_ = c;
	return ids_ok(ctx);
err:
	redisFree(c);
	return ctx->err;
}

static int ids_connect_sentinels(ids_ctx_t *ctx)
{
	char list[IDS_ADDR_MAX], *tok, *save = NULL, addr[IDS_ADDR_MAX];
	int err = IDS_ERR_ARG;
	snprintf(list, sizeof(list), "%s", ctx->conf_.sentinels);
	for (tok = strtok_r(list, ", ", &save); tok;
		 tok = strtok_r(NULL, ", ", &save)) {
		if ((err = ids_ask_sentinel(ctx, tok, addr, sizeof(addr))) != IDS_OK)
			continue;
		if ((err = ids_attach(ctx, addr, 1)) == IDS_OK)
			return IDS_OK;
	}
	if (err == IDS_ERR_ARG && !ctx->errstr[0])
		ids_set_err(ctx, IDS_ERR_ARG, "empty sentinel list");
	return ctx->err;
}

/* ---- Redis Cluster ---- */

/* the host part of "host:port" / "[v6]:port" into host */
static void ids_addr_host(const char *addr, char *host, size_t hostsz)
{
	int port;
	if (ids_split_addr(addr, strlen(addr), host, hostsz, &port) < 0)
		snprintf(host, hostsz, "127.0.0.1");
}

static void ids_cl_drop(ids_cluster_t *cl, int node)
{
	if (cl->conn[node])
		redisFree(cl->conn[node]);
	cl->conn[node] = NULL;
}

/* connection to node, opened on demand; NULL with ctx->err */
static redisContext *ids_cl_conn(ids_ctx_t *ctx, int node)
{
	ids_cluster_t *cl = CL(ctx);
	if (cl->conn[node] && cl->conn[node]->err)
		ids_cl_drop(cl, node);
	if (!cl->conn[node] &&
		!(cl->conn[node] = ids_open(ctx, cl->map.node[node])))
		return NULL;
	snprintf(ctx->peer, sizeof(ctx->peer), "%s", cl->map.node[node]);
	return cl->conn[node];
}

/* adopt map m (parsed from a reply), moving each connection kept to its
 * node's new index and closing those of masters gone */
static void ids_cl_adopt(ids_ctx_t *ctx, const ids_slotmap_t *m)
{
	ids_cluster_t *cl = CL(ctx);
	redisContext *conn[IDS_NODES_MAX] = {0};
	uint8_t dirty[IDS_NODES_MAX] = {0};
	int i, j, any = -1;
	for (i = 0; i < m->nnodes; i++) {
		j = ids_slotmap_find(&cl->map, m->node[i]);
		if (j < 0)
			continue;
		conn[i] = cl->conn[j];
		dirty[i] = cl->dirty[j];
		cl->conn[j] = NULL;
		if (j == cl->any)
			any = i;
	}
	for (j = 0; j < cl->map.nnodes; j++) {
		if (cl->dirty[j] && ids_slotmap_find(m, cl->map.node[j]) < 0)
			cl->lost_dirty = 1; /* its writes' replication is unknown */
		ids_cl_drop(cl, j);
	}
	memcpy(&cl->map, m, sizeof(*m));
	memcpy(cl->conn, conn, sizeof(conn));
	memcpy(cl->dirty, dirty, sizeof(dirty));
	cl->any = any;
	ctx->rc_ = any >= 0 ? cl->conn[any] : NULL;
	cl->stale = 0;
}

/* CLUSTER SLOTS on c (at addr) into *m; IDS_OK or error (IDS_ERR_REMOTE
 * when the server is not a Cluster node) */
static int ids_cl_ask(ids_ctx_t *ctx, redisContext *c, const char *addr,
					  ids_slotmap_t *m)
{
	const char *argv[2] = {"CLUSTER", "SLOTS"};
	char host[IDS_ADDR_MAX], why[96];
	redisReply *r = ids_raw(ctx, c, addr, 2, argv, NULL);
	if (!r)
		return ctx->err;
	if (r->type == REDIS_REPLY_ERROR) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "%s: CLUSTER SLOTS: %.80s", addr,
					r->str);
		freeReplyObject(r);
		return ctx->err;
	}
	ids_addr_host(addr, host, sizeof(host));
	if (ids_slotmap_parse(r, host, m, why, sizeof(why)) <= 0) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "%s: %s", addr,
						   m->nnodes ? why : "no slot is served");
	}
	freeReplyObject(r);
	return IDS_OK;
}

/*
 * Refresh the slot map: ask the nodes known (the any node first), then the
 * seeds. IDS_OK or the last error (the old map stays).
 */
static int ids_cl_refresh(ids_ctx_t *ctx)
{
	ids_cluster_t *cl = CL(ctx);
	ids_slotmap_t *m = malloc(sizeof(*m));
	char list[IDS_ADDR_MAX], *tok, *save = NULL;
	redisContext *c;
	int i, n, rc = IDS_ERR_IO;

	if (!m)
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
	n = cl->map.nnodes;
	for (i = -1; i < n && rc != IDS_OK; i++) {
		int node = i < 0 ? cl->any : i;
		if (node < 0 || (i >= 0 && node == cl->any))
			continue;
		if (!(c = ids_cl_conn(ctx, node)))
			continue;
		if ((rc = ids_cl_ask(ctx, c, cl->map.node[node], m)) == IDS_ERR_IO)
			ids_cl_drop(cl, node);
	}
	snprintf(list, sizeof(list), "%s", cl->seeds);
	for (tok = strtok_r(list, ",", &save); tok && rc != IDS_OK;
		 tok = strtok_r(NULL, ",", &save)) {
		if (ids_slotmap_find(&cl->map, tok) >= 0 || !(c = ids_open(ctx, tok)))
			continue;
		rc = ids_cl_ask(ctx, c, tok, m);
		redisFree(c);
	}
	if (rc == IDS_OK)
		ids_cl_adopt(ctx, m);
	free(m);
	return rc;
}

redisContext *ids_conn_any(ids_ctx_t *ctx)
{
	ids_cluster_t *cl = CL(ctx);
	redisContext *c;
	int i;
	if (!cl) {
		if (!RC(ctx))
			ids_set_err(ctx, IDS_ERR_IO, "not connected");
		return RC(ctx);
	}
	if (cl->any >= 0 && cl->conn[cl->any] && !cl->conn[cl->any]->err)
		return cl->conn[cl->any];
	for (i = 0; i < cl->map.nnodes; i++) {
		if ((c = ids_cl_conn(ctx, i))) {
			cl->any = i;
			ctx->rc_ = c;
			return c;
		}
	}
	ctx->rc_ = NULL;
	if (!ctx->err)
		ids_set_err(ctx, IDS_ERR_IO, "no cluster node reachable");
	return NULL;
}

/* the node serving slot (any node for -1), the map refreshed once when
 * the slot has none; -1 with ctx->err */
static int ids_cl_route(ids_ctx_t *ctx, int slot)
{
	ids_cluster_t *cl = CL(ctx);
	if (cl->stale)
		ids_cl_refresh(ctx);
	if (slot < 0)
		return ids_conn_any(ctx) ? cl->any : -1;
	if (cl->map.slot[slot] == IDS_SLOT_NONE)
		ids_cl_refresh(ctx);
	if (cl->map.slot[slot] == IDS_SLOT_NONE) {
		ids_set_err(ctx, IDS_ERR_IO, "cluster: no master serves slot %d", slot);
		return -1;
	}
	return cl->map.slot[slot];
}

/* short pause between retries while a cluster reconfigures */
static void ids_cl_pause(int attempt)
{
	poll(NULL, 0, 20 * (attempt + 1));
}

static redisReply *ids_cl_cmd(ids_ctx_t *ctx, int slot, int write, int argc,
							  const char **argv, const size_t *lens)
{
	ids_cluster_t *cl = CL(ctx);
	char addr[IDS_NODE_ADDR], host[IDS_ADDR_MAX];
	const char *asking[1] = {"ASKING"};
	redisContext *c;
	redisReply *r;
	int attempt, node, ask = -1, kind, rslot;

	for (attempt = 0; attempt < IDS_REDIRECTS_MAX; attempt++) {
		node = ask >= 0 ? ask : ids_cl_route(ctx, slot);
		if (node < 0)
			return NULL;
		if (!(c = ids_cl_conn(ctx, node))) {
			cl->stale = 1; /* a master gone: ask the others */
			ids_cl_pause(attempt);
			continue;
		}
		if (ask >= 0) {
			ask = -1;
			if (!(r = ids_raw(ctx, c, ctx->peer, 1, asking, NULL))) {
				ids_cl_drop(cl, node);
				return NULL;
			}
			freeReplyObject(r);
		}
		if (!(r = ids_raw(ctx, c, ctx->peer, argc, argv, lens))) {
			ids_cl_drop(cl, node);
			cl->stale = 1;
			if (write)
				return NULL; /* may have been applied: the caller decides */
			ids_cl_pause(attempt);
			continue;
		}
		if (r->type != REDIS_REPLY_ERROR) {
			if (write)
				cl->dirty[node] = 1;
			return r;
		}
		ids_addr_host(cl->map.node[node], host, sizeof(host));
		kind = ids_redirect_parse(r->str, r->len, host, &rslot, addr,
								  sizeof(addr));
		/* a redirect is followed only to a master of the slot map (asked
		 * of the seeds and known masters): the password is never sent to
		 * an address a reply named (docs/identity.md, "Redis Cluster") */
		if (kind == 1) { /* MOVED: the map is out of date */
			freeReplyObject(r);
			ids_cl_refresh(ctx);
			if ((node = ids_slotmap_find(&cl->map, addr)) >= 0 && rslot == slot)
				cl->map.slot[slot] = (uint8_t)node;
			continue;
		}
		if (kind == 2) { /* ASK: this command only, at the target */
			freeReplyObject(r);
			if ((ask = ids_slotmap_find(&cl->map, addr)) < 0 &&
				ids_cl_refresh(ctx) == IDS_OK)
				ask = ids_slotmap_find(&cl->map, addr);
			if (ask < 0) {
				ids_set_err(ctx, IDS_ERR_IO,
							"cluster: ASK to %s, not a master of the slot "
							"map: not followed",
							addr);
				return NULL;
			}
			continue;
		}
		if (strncmp(r->str, "TRYAGAIN", 8) == 0 ||
			strncmp(r->str, "CLUSTERDOWN", 11) == 0 ||
			strncmp(r->str, "READONLY", 8) == 0) {
			ids_set_err(ctx, IDS_ERR_IO, "%s: %.100s", ctx->peer, r->str);
			freeReplyObject(r);
			cl->stale = 1;
			ids_cl_pause(attempt);
			continue;
		}
		return r;
	}
	if (!ctx->err)
		ids_set_err(ctx, IDS_ERR_IO, "cluster: slot %d: too many redirects",
					slot);
	return NULL;
}

/* the cluster seeds in list ("host:port,..."): the map from the first that
 * answers; IDS_OK or an error */
static int ids_connect_cluster(ids_ctx_t *ctx, const char *list,
							   redisContext *seed, const char *seed_addr)
{
	ids_cluster_t *cl = calloc(1, sizeof(*cl));
	if (!cl) {
		if (seed)
			redisFree(seed);
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
	}
	if (ctx->conf_.db > 0) {
		free(cl);
		if (seed)
			redisFree(seed);
		return ids_set_err(ctx, IDS_ERR_ARG,
						   "a Redis Cluster has only database 0");
	}
	snprintf(cl->seeds, sizeof(cl->seeds), "%s", list);
	cl->any = -1;
	ctx->cl_ = cl;
	ctx->rc_ = NULL;
	if (seed) { /* the map asked already failed or is asked again here */
		ids_slotmap_t *m = malloc(sizeof(*m));
		int rc = m ? ids_cl_ask(ctx, seed, seed_addr, m) : IDS_ERR_OOM;
		if (rc == IDS_OK) {
			ids_cl_adopt(ctx, m);
			if ((cl->any = ids_slotmap_find(&cl->map, seed_addr)) >= 0) {
				cl->conn[cl->any] = seed;
				ctx->rc_ = seed;
				seed = NULL;
			}
		}
		free(m);
		if (seed)
			redisFree(seed);
		if (rc != IDS_OK)
			return ctx->err;
	} else if (ids_cl_refresh(ctx) != IDS_OK) {
		return ctx->err;
	}
	if (!ids_conn_any(ctx))
		return ctx->err;
	return ids_ok(ctx);
}

int ids_conn_open(ids_ctx_t *ctx)
{
	const char *argv[2] = {"CLUSTER", "SLOTS"};
	redisReply *r;
	char list[IDS_ADDR_MAX];
	size_t i, o = 0;
	const char *a = ctx->conf_.addr;

	if (ctx->conf_.sentinels[0])
		return ids_connect_sentinels(ctx);
	if (strncmp(a, "cluster:", 8) == 0) {
		for (a += 8; *a && o + 1 < sizeof(list); a++)
			if (*a != ' ' && *a != '\t')
				list[o++] = *a;
		list[o] = '\0';
		for (i = 0; i < o; i++)
			if (list[i] == '\n')
				list[i] = ',';
		if (!o)
			return ids_set_err(ctx, IDS_ERR_ARG, "cluster: no seed address");
		return ids_connect_cluster(ctx, list, NULL, NULL);
	}
	if (ids_attach(ctx, a, 0) != IDS_OK)
		return ctx->err;
	/* one address may be a Cluster node: then it is the seed */
	if (!(r = ids_raw(ctx, RC(ctx), a, 2, argv, NULL))) {
		ids_conn_close(ctx);
		return ctx->err;
	}
	i = r->type == REDIS_REPLY_ARRAY;
	freeReplyObject(r);
	if (!i)
		return ids_ok(ctx);
	{
		redisContext *seed = RC(ctx);
		ctx->rc_ = NULL;
		return ids_connect_cluster(ctx, a, seed, a);
	}
}

void ids_conn_close(ids_ctx_t *ctx)
{
	ids_cluster_t *cl = CL(ctx);
	int i;
	if (cl) {
		for (i = 0; i < cl->map.nnodes; i++)
			ids_cl_drop(cl, i);
		free(cl);
		ctx->cl_ = NULL;
	} else if (RC(ctx)) {
		redisFree(RC(ctx));
	}
	ctx->rc_ = NULL;
}

redisReply *ids_cmd_at(ids_ctx_t *ctx, int slot, int write, int argc,
					   const char **argv, const size_t *lens)
{
	redisReply *r;
	if (CL(ctx))
		return ids_cl_cmd(ctx, slot, write, argc, argv, lens);
	if (!(r = ids_raw(ctx, RC(ctx), ctx->peer, argc, argv, lens)))
		return NULL;
	return ids_demoted(ctx, r) ? NULL : r;
}

/* WAIT on c; IDS_OK, IDS_ERR_NOT_REPLICATED or an error */
static int ids_wait_on(ids_ctx_t *ctx, redisContext *c, const char *peer)
{
	const ids_conf_t *cf = &ctx->conf_;
	char n[16], ms[16];
	const char *argv[3] = {"WAIT", n, ms};
	redisReply *r;
	long long acked;

	snprintf(n, sizeof(n), "%d", cf->wait_replicas);
	snprintf(ms, sizeof(ms), "%d", cf->wait_timeout_ms);
	if (redisSetTimeout(c, ids_tv(cf->cmd_timeout_ms + cf->wait_timeout_ms)) !=
		REDIS_OK)
		return ids_set_err(ctx, IDS_ERR_IO, "%s: cannot set a timeout", peer);
	r = ids_raw(ctx, c, peer, 3, argv, NULL);
	if (!r) {
		/* the write was answered, its replication is unknown */
		snprintf(ctx->errstr + strlen(ctx->errstr),
				 sizeof(ctx->errstr) - strlen(ctx->errstr),
				 " (waiting for replicas after a write)");
		return ctx->err;
	}
	redisSetTimeout(c, ids_tv(cf->cmd_timeout_ms));
	if (r->type == REDIS_REPLY_ERROR) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "WAIT: %s", r->str);
		freeReplyObject(r);
		return ctx->err;
	}
	acked = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
	freeReplyObject(r);
	if (acked < 0)
		return ids_set_err(ctx, IDS_ERR_PROTO, "WAIT: not an integer");
	if (acked < cf->wait_replicas)
		return ids_set_err(ctx, IDS_ERR_NOT_REPLICATED,
						   "written on %s but acknowledged by %lld of %d "
						   "replica(s) within %d ms: may be lost in a failover",
						   peer, acked, cf->wait_replicas, cf->wait_timeout_ms);
	return IDS_OK;
}

int ids_wait(ids_ctx_t *ctx)
{
	ids_cluster_t *cl = CL(ctx);
	char first[sizeof(ctx->errstr)] = "";
	int i, rc = IDS_OK, one;
	redisContext *c;

	if (ctx->conf_.wait_replicas <= 0) {
		if (cl) {
			memset(cl->dirty, 0, sizeof(cl->dirty));
			cl->lost_dirty = 0;
		}
		return ids_ok(ctx);
	}
	if (!cl) {
		if (!RC(ctx))
			return ids_set_err(ctx, IDS_ERR_IO, "not connected");
		rc = ids_wait_on(ctx, RC(ctx), ctx->peer);
		return rc ? rc : ids_ok(ctx);
	}
	if (cl->lost_dirty) {
		cl->lost_dirty = 0;
		rc = ids_set_err(ctx, IDS_ERR_IO,
						 "a master written to left the cluster before its "
						 "replicas were waited for");
		snprintf(first, sizeof(first), "%s", ctx->errstr);
	}
	/* every master written; the first failure is reported, an I/O error
	 * before a missing acknowledgement */
	for (i = 0; i < cl->map.nnodes; i++) {
		if (!cl->dirty[i])
			continue;
		cl->dirty[i] = 0;
		c = cl->conn[i];
		if (c && !c->err)
			one = ids_wait_on(ctx, c, cl->map.node[i]);
		else
			one = ids_set_err(ctx, IDS_ERR_IO,
							  "%s: connection lost after a write (waiting "
							  "for replicas)",
							  cl->map.node[i]);
		if (one == IDS_ERR_IO) {
			ids_cl_drop(cl, i);
			cl->stale = 1;
		}
		if (one != IDS_OK &&
			(rc == IDS_OK || (rc == IDS_ERR_NOT_REPLICATED && one != rc))) {
			rc = one;
			snprintf(first, sizeof(first), "%s", ctx->errstr);
		}
	}
	if (rc == IDS_OK)
		return ids_ok(ctx);
	ctx->err = rc;
	snprintf(ctx->errstr, sizeof(ctx->errstr), "%s", first);
	return rc;
}

/* the connection command i goes to in a batch: its node (cluster) */
static redisContext *ids_batch_conn(ids_ctx_t *ctx, int slot, int *node)
{
	*node = 0;
	if (!CL(ctx))
		return RC(ctx);
	if ((*node = ids_cl_route(ctx, slot)) < 0)
		return NULL;
	return ids_cl_conn(ctx, *node);
}

/* 1 when a reply in a cluster batch asks for the command again */
static int ids_batch_redo(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR &&
		   (strncmp(r->str, "MOVED ", 6) == 0 ||
			strncmp(r->str, "ASK ", 4) == 0 ||
			strncmp(r->str, "TRYAGAIN", 8) == 0 ||
			strncmp(r->str, "CLUSTERDOWN", 11) == 0 ||
			strncmp(r->str, "READONLY", 8) == 0);
}

int ids_batch(ids_ctx_t *ctx, size_t n, ids_bbuild_fn build,
			  ids_breply_fn reply, void *arg)
{
	ids_cluster_t *cl = CL(ctx);
	ids_bcmd_t bc;
	redisReply *r;
	redisContext *c;
	size_t done, i, chunk;
	int *where = malloc(IDS_BATCH_CHUNK * sizeof(int)), rc = IDS_OK, b;
	uint8_t *writes = malloc(IDS_BATCH_CHUNK);

	if (!where || !writes) {
		free(where);
		free(writes);
		return ids_set_err(ctx, IDS_ERR_OOM, "out of memory");
	}
	for (done = 0; done < n && rc == IDS_OK; done += chunk) {
		chunk = n - done > IDS_BATCH_CHUNK ? IDS_BATCH_CHUNK : n - done;
		for (i = 0; i < chunk; i++) {
			where[i] = -2; /* skipped */
			if ((b = build(ctx, arg, done + i, &bc)) < 0) {
				rc = ctx->err;
				chunk = i;
				break;
			}
			if (!b)
				continue;
			writes[i] = (uint8_t)bc.write;
			if (!(c = ids_batch_conn(ctx, bc.slot, &where[i]))) {
				where[i] = -1; /* sent on its own after the chunk */
				continue;
			}
			redisAppendCommandArgv(c, bc.argc, bc.argv, bc.lens);
		}
		/* every reply of the chunk is read, even after a failure, so
		 * each connection is left idle */
		for (i = 0; i < chunk; i++) {
			if (where[i] < 0)
				continue;
			c = cl ? cl->conn[where[i]] : RC(ctx);
			r = NULL;
			if (!c || redisGetReply(c, (void **)&r) != REDIS_OK || !r) {
				if (rc == IDS_OK)
					ids_set_err(ctx, IDS_ERR_IO, "%s: %s",
								cl ? cl->map.node[where[i]] : ctx->peer,
								c && c->errstr[0] ? c->errstr : "I/O error");
				rc = IDS_ERR_IO;
				if (cl) {
					ids_cl_drop(cl, where[i]);
					cl->stale = 1;
				}
				where[i] = -2;
				continue;
			}
			if (!cl && ids_demoted(ctx, r)) {
				rc = IDS_ERR_IO;
				where[i] = -2;
				continue;
			}
			if (cl && ids_batch_redo(r)) {
				where[i] = -1;
				freeReplyObject(r);
				continue;
			}
			if (cl && writes[i])
				cl->dirty[where[i]] = 1;
			if (rc == IDS_OK)
				reply(ctx, arg, done + i, r);
			where[i] = -2;
			freeReplyObject(r);
		}
		for (i = 0; i < chunk && rc == IDS_OK; i++) {
			if (where[i] != -1)
				continue;
			if (build(ctx, arg, done + i, &bc) <= 0 ||
				!(r = ids_cmd_at(ctx, bc.slot, bc.write, bc.argc, bc.argv,
								 bc.lens))) {
				rc = ctx->err ? ctx->err : IDS_ERR_IO;
				break;
			}
			reply(ctx, arg, done + i, r);
			freeReplyObject(r);
		}
	}
	free(where);
	free(writes);
	return rc;
}

/* SCAN once on c; keys to fn; IDS_OK or an error; *stop set when fn asked */
static int ids_scan_on(ids_ctx_t *ctx, redisContext *c, const char *peer,
					   const char *match, uint64_t *cur, int count,
					   ids_key_fn fn, void *arg, int *stop)
{
	char curs[24], cnt[16];
	const char *argv[6] = {"SCAN", curs, "MATCH", match, "COUNT", cnt};
	redisReply *r, *keys;
	size_t i;

	snprintf(curs, sizeof(curs), "%llu", (unsigned long long)*cur);
	snprintf(cnt, sizeof(cnt), "%d", count > 0 ? count : 100);
	if (!(r = ids_raw(ctx, c, peer, 6, argv, NULL)))
		return ctx->err;
	if (r->type == REDIS_REPLY_ERROR) {
		ids_set_err(ctx, IDS_ERR_REMOTE, "SCAN: %.100s", r->str);
		freeReplyObject(r);
		return ctx->err;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[0]->type != REDIS_REPLY_STRING ||
		r->element[1]->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return ids_set_err(ctx, IDS_ERR_PROTO, "SCAN: unexpected reply");
	}
	*cur = strtoull(r->element[0]->str, NULL, 10);
	keys = r->element[1];
	for (i = 0; i < keys->elements && !*stop; i++)
		if (keys->element[i]->type == REDIS_REPLY_STRING &&
			fn(ctx, keys->element[i]->str, keys->element[i]->len, arg))
			*stop = 1;
	freeReplyObject(r);
	return IDS_OK;
}

#define IDS_CUR_SHIFT 56
#define IDS_CUR_MASK  ((UINT64_C(1) << IDS_CUR_SHIFT) - 1)

int ids_scan_step(ids_ctx_t *ctx, int slot, const char *match, uint64_t *cursor,
				  int count, ids_key_fn fn, void *arg)
{
	ids_cluster_t *cl = CL(ctx);
	redisContext *c;
	uint64_t cur;
	int node, stop = 0;

	if (!cl) {
		if (!RC(ctx))
			return ids_set_err(ctx, IDS_ERR_IO, "not connected");
		if (ids_scan_on(ctx, RC(ctx), ctx->peer, match, cursor, count, fn, arg,
						&stop))
			return ctx->err;
		if (stop)
			*cursor = 0;
		return ids_ok(ctx);
	}
	if (slot >= 0) { /* one master holds the whole slot */
		if ((node = ids_cl_route(ctx, slot)) < 0 ||
			!(c = ids_cl_conn(ctx, node)))
			return ctx->err;
		if (ids_scan_on(ctx, c, cl->map.node[node], match, cursor, count, fn,
						arg, &stop)) {
			ids_cl_drop(cl, node);
			cl->stale = 1;
			return ctx->err;
		}
		if (stop)
			*cursor = 0;
		return ids_ok(ctx);
	}
	node = (int)(*cursor >> IDS_CUR_SHIFT);
	cur = *cursor & IDS_CUR_MASK;
	if (node >= cl->map.nnodes) { /* the cluster shrank meanwhile */
		*cursor = 0;
		return ids_ok(ctx);
	}
	if (!(c = ids_cl_conn(ctx, node)))
		return ctx->err;
	if (ids_scan_on(ctx, c, cl->map.node[node], match, &cur, count, fn, arg,
					&stop)) {
		ids_cl_drop(cl, node);
		cl->stale = 1;
		return ctx->err;
	}
	if (stop || (cur == 0 && node + 1 >= cl->map.nnodes))
		*cursor = 0;
	else if (cur == 0)
		*cursor = (uint64_t)(node + 1) << IDS_CUR_SHIFT;
	else if (cur > IDS_CUR_MASK)
		return ids_set_err(ctx, IDS_ERR_PROTO, "SCAN: cursor too large");
	else
		*cursor = ((uint64_t)node << IDS_CUR_SHIFT) | cur;
	return ids_ok(ctx);
}
