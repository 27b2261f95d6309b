/*
 * res_calls.c - /api/v1/calls: the calls rtpengine handles, with the media
 * data a NOC needs to diagnose one-way audio (codec, packets, loss, jitter,
 * MOS, DTLS and ICE state per leg).
 *
 * The gateway configuration keeps no dialog state, so calls come from
 * rtpengine alone: NG "list" for the call-ids, NG "query" for each one.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "handlers.h"

static const char *bstr(const bencode_node *d, const char *key)
{
	return bencode_dict_get_str(d, key, NULL);
}

static int64_t bint(const bencode_node *d, const char *key, int64_t def)
{
	const bencode_node *n = bencode_dict_get(d, key);

	return n && n->type == BENCODE_INT ? n->num : def;
}

/* 1 when the "flags" list of d holds flag */
static int bflag(const bencode_node *d, const char *flag)
{
	const bencode_node *l = bencode_dict_get(d, "flags"), *n;

	if (!l || l->type != BENCODE_LIST)
		return 0;
	for (n = l->child; n; n = n->next)
		if (bencode_str_eq(n, flag))
			return 1;
	return 0;
}

static struct json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *endpoint_json(const bencode_node *ep)
{
	char buf[96];
	const char *addr = bstr(ep, "address");

	if (!addr)
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%lld", addr, (long long)bint(ep, "port", 0));
	return json_object_new_string(buf);
}

/* one packet stream (RTP or RTCP) */
static struct json_object *stream_json(const bencode_node *s)
{
	struct json_object *j = json_object_new_object();
	const bencode_node *st = bencode_dict_get(s, "stats");
	char local[96];

	snprintf(local, sizeof(local), "%s:%lld",
			 bstr(s, "local address") ? bstr(s, "local address") : "?",
			 (long long)bint(s, "local port", 0));
	json_object_object_add(j, "local", json_object_new_string(local));
	json_object_object_add(j, "remote",
						   endpoint_json(bencode_dict_get(s, "endpoint")));
	json_object_object_add(j, "packets",
						   json_object_new_int64(bint(st, "packets", 0)));
	json_object_object_add(j, "bytes",
						   json_object_new_int64(bint(st, "bytes", 0)));
	json_object_object_add(j, "errors",
						   json_object_new_int64(bint(st, "errors", 0)));
	json_object_object_add(j, "last_packet",
						   json_object_new_int64(bint(s, "last packet", 0)));
	json_object_object_add(j, "confirmed",
						   json_object_new_boolean(bflag(s, "confirmed")));
	return j;
}

/* receive quality of the SSRC a stream carries, from the call's SSRC dict */
static struct json_object *quality_json(const bencode_node *ssrcs,
										const bencode_node *rtp)
{
	const bencode_node *e, *avg;
	struct json_object *j;
	char key[24];
	int64_t ssrc = bint(rtp, "SSRC", -1);

	if (ssrc < 0)
		return NULL;
	snprintf(key, sizeof(key), "%lld", (long long)ssrc);
	e = bencode_dict_get(ssrcs, key);
	j = json_object_new_object();
	json_object_object_add(j, "ssrc", json_object_new_int64(ssrc));
	avg = bencode_dict_get(e, "average MOS");
	if (!avg) {
		/* rtpengine computes MOS from RTCP reports only */
		json_object_object_add(j, "mos", NULL);
		return j;
	}
	json_object_object_add(
			j, "mos",
			json_object_new_double((double)bint(avg, "MOS", 0) / 10.0));
	json_object_object_add(j, "jitter_ms",
						   json_object_new_int64(bint(avg, "jitter", 0)));
	json_object_object_add(j, "packet_loss_pct",
						   json_object_new_int64(bint(avg, "packet loss", 0)));
	json_object_object_add(
			j, "rtt_us",
			json_object_new_int64(bint(avg, "round-trip time", 0)));
	json_object_object_add(
			j, "cumulative_loss",
			json_object_new_int64(bint(e, "cumulative loss", 0)));
	return j;
}

static struct json_object *media_json(const bencode_node *m,
									  const bencode_node *ssrcs)
{
	struct json_object *j = json_object_new_object(), *dtls, *ice;
	const bencode_node *streams = bencode_dict_get(m, "streams"), *s;
	const bencode_node *rtp = NULL, *rtcp = NULL;
	const char *proto = bstr(m, "protocol");
	int verified = 0;

	for (s = streams ? streams->child : NULL; s; s = s->next) {
		if (bflag(s, "RTP") && !rtp)
			rtp = s;
		else if (bflag(s, "RTCP") && !rtcp)
			rtcp = s;
		verified |= bflag(s, "DTLS fingerprint verified");
	}
	json_object_object_add(j, "index",
						   json_object_new_int64(bint(m, "index", 0)));
	json_object_object_add(j, "type", jstr_or_null(bstr(m, "type")));
	json_object_object_add(j, "protocol", jstr_or_null(proto));
	/* the codec rtpengine has seen in received packets, once media flows */
	json_object_object_add(j, "codec", jstr_or_null(bstr(m, "codec")));
	json_object_object_add(j, "send",
						   json_object_new_boolean(bflag(m, "send")));
	json_object_object_add(j, "recv",
						   json_object_new_boolean(bflag(m, "recv")));
	json_object_object_add(j, "transcoding",
						   json_object_new_boolean(bflag(m, "transcoding")));
	json_object_object_add(j, "rtcp_mux",
						   json_object_new_boolean(bflag(m, "rtcp-mux")));

	dtls = json_object_new_object();
	json_object_object_add(
			dtls, "enabled",
			json_object_new_boolean(bflag(m, "DTLS-SRTP") ||
									(proto && strstr(proto, "TLS"))));
	json_object_object_add(
			dtls, "role",
			bflag(m, "DTLS role active")
					? json_object_new_string("active")
					: (bflag(m, "DTLS role passive")
							   ? json_object_new_string("passive")
							   : NULL));
	json_object_object_add(dtls, "fingerprint_verified",
						   json_object_new_boolean(verified));
	json_object_object_add(
			dtls, "crypto_suite",
			jstr_or_null(rtp ? bstr(rtp, "crypto suite") : NULL));
	json_object_object_add(j, "dtls", dtls);

	ice = json_object_new_object();
	json_object_object_add(ice, "enabled",
						   json_object_new_boolean(bflag(m, "ICE")));
	json_object_object_add(
			ice, "controlling",
			json_object_new_boolean(bflag(m, "ICE controlling")));
	json_object_object_add(ice, "lite_peer",
						   json_object_new_boolean(bflag(m, "ICE-lite peer")));
	json_object_object_add(ice, "trickle",
						   json_object_new_boolean(bflag(m, "trickle ICE")));
	json_object_object_add(
			ice, "peer_confirmed",
			json_object_new_boolean(rtp && bflag(rtp, "confirmed")));
	json_object_object_add(j, "ice", ice);

	json_object_object_add(j, "rtp", rtp ? stream_json(rtp) : NULL);
	json_object_object_add(j, "rtcp", rtcp ? stream_json(rtcp) : NULL);
	json_object_object_add(j, "quality", rtp ? quality_json(ssrcs, rtp) : NULL);
	return j;
}

static struct json_object *leg_json(const bencode_node *tag,
									const bencode_node *ssrcs)
{
	struct json_object *j = json_object_new_object(), *peers, *medias;
	const bencode_node *subs = bencode_dict_get(tag, "subscriptions"), *n;
	const bencode_node *ml = bencode_dict_get(tag, "medias");

	json_object_object_add(j, "tag", jstr_or_null(bstr(tag, "tag")));
	if (bstr(tag, "label"))
		json_object_object_add(j, "label",
							   json_object_new_string(bstr(tag, "label")));
	json_object_object_add(j, "created",
						   json_object_new_int64(bint(tag, "created", 0)));
	peers = json_object_new_array();
	for (n = subs && subs->type == BENCODE_LIST ? subs->child : NULL; n;
		 n = n->next)
		if (bstr(n, "tag"))
			json_object_array_add(peers,
								  json_object_new_string(bstr(n, "tag")));
	json_object_object_add(j, "peer_tags", peers);
	medias = json_object_new_array();
	for (n = ml && ml->type == BENCODE_LIST ? ml->child : NULL; n; n = n->next)
		json_object_array_add(medias, media_json(n, ssrcs));
	json_object_object_add(j, "media", medias);
	return j;
}

static struct json_object *totals_json(const bencode_node *t)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "packets",
						   json_object_new_int64(bint(t, "packets", 0)));
	json_object_object_add(j, "bytes",
						   json_object_new_int64(bint(t, "bytes", 0)));
	json_object_object_add(j, "errors",
						   json_object_new_int64(bint(t, "errors", 0)));
	return j;
}

/* the JSON of one NG query answer */
static struct json_object *call_json(const char *call_id, const char *node,
									 const bencode_node *q)
{
	struct json_object *j = json_object_new_object(), *legs, *tot;
	const bencode_node *tags = bencode_dict_get(q, "tags"), *t;
	const bencode_node *ssrcs = bencode_dict_get(q, "SSRC");
	const bencode_node *totals = bencode_dict_get(q, "totals");

	json_object_object_add(j, "call_id", json_object_new_string(call_id));
	json_object_object_add(j, "node", json_object_new_string(node));
	json_object_object_add(j, "created",
						   json_object_new_int64(bint(q, "created", 0)));
	json_object_object_add(j, "last_signal",
						   json_object_new_int64(bint(q, "last signal", 0)));
	legs = json_object_new_array();
	for (t = tags && tags->type == BENCODE_DICT ? tags->child : NULL; t;
		 t = t->next)
		json_object_array_add(legs, leg_json(t, ssrcs));
	json_object_object_add(j, "legs", legs);
	tot = json_object_new_object();
	json_object_object_add(tot, "rtp",
						   totals_json(bencode_dict_get(totals, "RTP")));
	json_object_object_add(tot, "rtcp",
						   totals_json(bencode_dict_get(totals, "RTCP")));
	json_object_object_add(j, "totals", tot);
	return j;
}

/* query one call on one node: 1 found (*out set), 0 unknown, -1 error */
static int query_call(ng_client *ng, const char *node, const char *call_id,
					  struct json_object **out)
{
	bencode_doc *reply = NULL;
	int rc = ng_query(ng, call_id, NULL, &reply);

	if (rc == NG_ERR_REMOTE) {
		bencode_doc_free(reply);
		return 0; /* "Unknown call-id" (ended between list and query) */
	}
	if (rc != NG_OK)
		return -1;
	*out = call_json(call_id, node, reply->root);
	bencode_doc_free(reply);
	return 1;
}

int res_calls_list(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const char *node = admind_query(r, "node");
	struct json_object *items, *call;
	const bencode_node *calls, *id;
	int page, per_page, ret = 0, i;
	size_t total = 0, from;
	bencode_doc *reply;
	backend_err e;
	ng_client *ng;

	if (admind_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (node && !conf_find_rtpengine(c, node))
		return admind_reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
								  "node", "no rtpengine node named '%.40s'",
								  node);
	from = (size_t)(page - 1) * (size_t)per_page;
	items = json_object_new_array();
	for (i = 0; i < c->n_rtpengine; i++) {
		if (node && strcmp(node, c->rtpengine[i].name))
			continue;
		ng = ngc_open(c, &c->rtpengine[i], &e);
		if (!ng) {
			json_object_put(items);
			return reply_backend_error(r, c->rtpengine[i].name, &e);
		}
		reply = NULL;
		if (ng_list(ng, c->calls_max, &reply) != NG_OK) {
			ngc_error(ng, &e);
			bencode_doc_free(reply);
			ng_client_free(ng);
			json_object_put(items);
			return reply_backend_error(r, c->rtpengine[i].name, &e);
		}
		calls = bencode_dict_get(reply->root, "calls");
		for (id = calls && calls->type == BENCODE_LIST ? calls->child : NULL;
			 id; id = id->next) {
			if (id->type != BENCODE_STR)
				continue;
			if (total >= from && total < from + (size_t)per_page &&
				query_call(ng, c->rtpengine[i].name, id->str, &call) == 1)
				json_object_array_add(items, call);
			total++;
		}
		bencode_doc_free(reply);
		ng_client_free(ng);
	}
	return admind_reply_page(r, items, page, per_page, total);
}

int res_calls_get(admind_req *r)
{
	const admind_conf *c = &r->app->conf;
	const char *call_id = route_param(&r->params, "call_id");
	struct json_object *call = NULL;
	backend_err e;
	ng_client *ng;
	int i, rc;

	for (i = 0; i < c->n_rtpengine; i++) {
		ng = ngc_open(c, &c->rtpengine[i], &e);
		if (!ng)
			return reply_backend_error(r, c->rtpengine[i].name, &e);
		rc = query_call(ng, c->rtpengine[i].name, call_id, &call);
		if (rc < 0)
			ngc_error(ng, &e);
		ng_client_free(ng);
		if (rc < 0)
			return reply_backend_error(r, c->rtpengine[i].name, &e);
		if (rc == 1)
			return admind_reply_json(r, MHD_HTTP_OK, call);
	}
	return admind_reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "call_id",
							  "no call '%.128s' on any rtpengine", call_id);
}
