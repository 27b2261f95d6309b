/*
 * backend.c - Kamailio JSON-RPC, Redis and rtpengine NG clients.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "admind.h"
#include "backend.h"
#include "sbuf.h"

/* largest JSON-RPC answer accepted (ul.dump of a big node) */
#define BACKEND_RPC_MAX_REPLY (64 * 1024 * 1024)

/* the header that authenticates us to Kamailio's JSON-RPC listener */
#define BACKEND_RPC_KEY_HDR "X-IWG-RPC-Key: "

/* per worker thread, freed by the key destructors when the thread ends */
static __thread CURL *tl_curl;
static __thread ids_ctx_t *tl_redis;
static pthread_key_t key_curl, key_redis;

static void free_curl(void *p)
{
	curl_easy_cleanup(p);
}

static void free_redis(void *p)
{
	ids_free(p);
}

int backend_global_init(void)
{
	if (pthread_key_create(&key_curl, free_curl) ||
		pthread_key_create(&key_redis, free_redis))
		return -1;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void backend_global_cleanup(void)
{
	curl_global_cleanup();
}

static void err_set(backend_err *e, int down, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static void err_set(backend_err *e, int down, const char *fmt, ...)
{
	va_list ap;

	e->down = down;
	e->rpc_code = 0;
	e->rpc_msg[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static size_t curl_sink(char *p, size_t sz, size_t n, void *ud)
{
	sbuf *b = ud;

	if (b->len + sz * n > BACKEND_RPC_MAX_REPLY)
		return 0; /* aborts the transfer */
	sbuf_add(b, p, sz * n);
	return sbuf_ok(b) ? sz * n : 0;
}

/* parse a JSON-RPC answer; 0 with *result or -1 */
static int backend_rpc_parse(const sbuf *b, struct json_object **result,
							 backend_err *e)
{
	struct json_object *j, *v, *code, *msg;
	struct json_tokener *tok = json_tokener_new_ex(64);

	if (!tok) {
		err_set(e, 0, "out of memory");
		return -1;
	}
	j = b->s ? json_tokener_parse_ex(tok, b->s, (int)b->len) : NULL;
	json_tokener_free(tok);
	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		err_set(e, 0, "answer is not a JSON-RPC object");
		return -1;
	}
	if (json_object_object_get_ex(j, "error", &v)) {
		json_object_object_get_ex(v, "code", &code);
		json_object_object_get_ex(v, "message", &msg);
		err_set(e, 0, "JSON-RPC error %d: %.160s", json_object_get_int(code),
				msg ? json_object_get_string(msg) : "?");
		e->rpc_code = code ? json_object_get_int(code) : -32000;
		snprintf(e->rpc_msg, sizeof(e->rpc_msg), "%s",
				 msg ? json_object_get_string(msg) : "?");
		json_object_put(j);
		return -1;
	}
	if (!json_object_object_get_ex(j, "result", &v)) {
		err_set(e, 0, "JSON-RPC answer without result");
		json_object_put(j);
		return -1;
	}
	*result = json_object_get(v);
	json_object_put(j);
	return 0;
}

/*
 * The request headers: Content-Type, and X-IWG-RPC-Key when a key is
 * configured. Returns 0 with *hdrs (curl_slist_free_all()), or -1 with
 * nothing allocated. The key goes into the list only, never into a log.
 */
static int backend_rpc_headers(const conf_settings *c, struct curl_slist **hdrs)
{
	char line[sizeof(BACKEND_RPC_KEY_HDR) + CONF_RPC_KEY_MAX];
	struct curl_slist *l, *next;

	l = curl_slist_append(NULL, "Content-Type: application/json");
	if (l && c->kamailio_rpc_key[0]) {
		snprintf(line, sizeof(line), BACKEND_RPC_KEY_HDR "%s",
				 c->kamailio_rpc_key);
		next = curl_slist_append(l, line);
		explicit_bzero(line, sizeof(line));
		if (!next) {
			curl_slist_free_all(l);
			l = NULL;
		}
	}
	*hdrs = l;
	return l ? 0 : -1;
}

int backend_rpc_call(const conf_settings *c, const conf_kamailio *node,
					 const char *method, const char *params,
					 struct json_object **result, backend_err *e, double *secs)
{
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	sbuf req, resp;
	long status = 0;
	double t0 = admind_now();
	CURLcode rc;
	int ret = -1;

	*result = NULL;
	e->rpc_code = 0;
	if (backend_rpc_headers(c, &hdrs) < 0) {
		err_set(e, 0, "out of memory");
		return -1;
	}
	if (!tl_curl) {
		tl_curl = curl_easy_init();
		pthread_setspecific(key_curl, tl_curl);
	}
	if (!tl_curl) {
		curl_slist_free_all(hdrs);
		err_set(e, 0, "out of memory");
		return -1;
	}
	sbuf_init(&req);
	sbuf_init(&resp);
	/* method names are ours (fixed strings); params are built as JSON */
	sbuf_printf(&req,
				"{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":%s,"
				"\"id\":1}",
				method, params ? params : "[]");
	curl_easy_reset(tl_curl);
	curl_easy_setopt(tl_curl, CURLOPT_URL, node->url);
	curl_easy_setopt(tl_curl, CURLOPT_POSTFIELDS, req.s);
	curl_easy_setopt(tl_curl, CURLOPT_POSTFIELDSIZE, (long)req.len);
	curl_easy_setopt(tl_curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(tl_curl, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(tl_curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(tl_curl, CURLOPT_TIMEOUT_MS, (long)c->kamailio_timeout_ms);
	curl_easy_setopt(tl_curl, CURLOPT_CONNECTTIMEOUT_MS,
					 (long)c->kamailio_timeout_ms);
	curl_easy_setopt(tl_curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(tl_curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(tl_curl, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(tl_curl);
	if (secs)
		*secs = admind_now() - t0;
	if (rc != CURLE_OK) {
		err_set(e, 1, "%s: %s", node->url,
				errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(tl_curl, CURLINFO_RESPONSE_CODE, &status);
	/* no Kamailio RPC command faults with 403: it is the key check */
	if (status == 403) {
		if (c->kamailio_rpc_key[0])
			err_set(e, 0, "%s: kamailio rejected the RPC key (HTTP 403)",
					node->url);
		else
			err_set(e, 0,
					"%s: kamailio requires an RPC key (HTTP 403); "
					"set kamailio_rpc_key_file",
					node->url);
		goto out;
	}
	ret = backend_rpc_parse(&resp, result, e);
	/* jsonrpcs sends a fault with its code as HTTP status */
	if (status != 200 && !e->rpc_code) {
		if (ret == 0)
			json_object_put(*result);
		*result = NULL;
		err_set(e, 0, "%s: HTTP status %ld", node->url, status);
		ret = -1;
	}
out:
	curl_slist_free_all(hdrs);
	sbuf_free(&req);
	sbuf_free(&resp);
	return ret;
}

int backend_rpc_no_method(const backend_err *e)
{
	return e->rpc_code == -32601 ||
		   (e->rpc_code == 500 && !strcmp(e->rpc_msg, "Method Not Found"));
}

/* the cluster: prefix and redis_cluster fit ids_conf_t.addr */
_Static_assert(sizeof("cluster:") - 1 + CONF_CLUSTER_MAX <= IDS_ADDR_MAX,
			   "CONF_CLUSTER_MAX too large for IDS_ADDR_MAX");

void backend_redis_ids_conf(const conf_settings *c, ids_conf_t *ic)
{
	ids_conf_init(ic);
	if (c->redis_cluster[0])
		snprintf(ic->addr, sizeof(ic->addr), "cluster:%s", c->redis_cluster);
	else
		snprintf(ic->addr, sizeof(ic->addr),
				 strchr(c->redis_host, ':') ? "[%s]:%u" : "%s:%u",
				 c->redis_host, c->redis_port);
	snprintf(ic->sentinels, sizeof(ic->sentinels), "%s", c->redis_sentinels);
	snprintf(ic->sentinel_master, sizeof(ic->sentinel_master), "%s",
			 c->redis_sentinel_master);
	snprintf(ic->password, sizeof(ic->password), "%s", c->redis_password);
	ic->connect_timeout_ms = ic->cmd_timeout_ms = c->redis_timeout_ms;
	ic->wait_replicas = c->redis_wait_replicas;
	ic->wait_timeout_ms = c->redis_wait_timeout_ms;
}

void backend_redis_target(const conf_settings *c, char *buf, size_t size)
{
	if (c->redis_sentinels[0])
		snprintf(buf, size, "master %s of sentinels %s",
				 c->redis_sentinel_master, c->redis_sentinels);
	else if (c->redis_cluster[0])
		snprintf(buf, size, "cluster of seeds %s", c->redis_cluster);
	else
		snprintf(buf, size, strchr(c->redis_host, ':') ? "[%s]:%u" : "%s:%u",
				 c->redis_host, c->redis_port);
}

static void backend_redis_drop(void)
{
	ids_free(tl_redis);
	tl_redis = NULL;
	pthread_setspecific(key_redis, NULL);
}

/* this thread's identity-store context, made when missing; NULL with e set */
static ids_ctx_t *backend_redis_connect(const conf_settings *c, backend_err *e)
{
	ids_conf_t ic;

	if (tl_redis)
		return tl_redis;
	backend_redis_ids_conf(c, &ic);
	tl_redis = ids_connect(&ic);
	if (!tl_redis || tl_redis->err) {
		err_set(e, 1, "redis %s",
				tl_redis ? tl_redis->errstr : "out of memory");
		backend_redis_drop();
		return NULL;
	}
	pthread_setspecific(key_redis, tl_redis);
	return tl_redis;
}

/*
 * Through ids_command(): on a Redis Cluster the command goes to the master
 * serving its key (argv[1]; a command without key, PING, to any node), so
 * the audit streams live wherever their slot is.
 */
redisReply *backend_redis_command(const conf_settings *c, int argc,
								  const char **argv, const size_t *argvlen,
								  backend_err *e)
{
	ids_ctx_t *ctx;
	redisReply *rep = NULL;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (!(ctx = backend_redis_connect(c, e)))
			return NULL;
		rep = ids_command(ctx, argc, argv, argvlen);
		if (rep && (rep->type != REDIS_REPLY_ERROR ||
					strncmp(rep->str, "READONLY", 8) != 0))
			break;
		if (!rep && ctx->err != IDS_ERR_IO) {
			err_set(e, 0, "redis: %.150s", ctx->errstr);
			return NULL;
		}
		/* connection lost (Redis restarted, or failed over: the master we
		 * knew is gone or now a replica): one fresh connection */
		err_set(e, 1, "redis %s: %.120s", ctx->peer,
				rep ? rep->str : ctx->errstr);
		if (rep)
			freeReplyObject(rep);
		rep = NULL;
		backend_redis_drop();
	}
	if (!rep)
		return NULL;
	if (rep->type == REDIS_REPLY_ERROR) {
		err_set(e, 0, "redis: %.150s", rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

ng_client *backend_ng_open(const conf_settings *c, const conf_rtpengine *node,
						   backend_err *e)
{
	ng_client *ng =
			ng_client_new(node->host, node->port, c->rtpengine_timeout_ms, 1);

	if (!ng) {
		err_set(e, 0, "out of memory");
		return NULL;
	}
	if (ng->err) {
		backend_ng_error(ng, e);
		ng_client_free(ng);
		return NULL;
	}
	return ng;
}

void backend_ng_error(const ng_client *ng, backend_err *e)
{
	err_set(e, ng->err == NG_ERR_TIMEOUT || ng->err == NG_ERR_IO,
			"rtpengine: %s: %s", ng_strerror(ng->err), ng->errstr);
}

struct json_object *backend_source_json(const char *node, const backend_err *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "node", json_object_new_string(node));
	json_object_object_add(o, "status",
						   json_object_new_string(!e		? "ok"
												  : e->down ? "unavailable"
															: "error"));
	if (e)
		json_object_object_add(o, "message", json_object_new_string(e->msg));
	return o;
}
