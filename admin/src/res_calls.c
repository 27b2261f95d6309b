/*
 * res_calls.c - /api/v1/calls: the calls rtpengine handles, with the media
 * data a NOC needs to diagnose one-way audio (codec, packets, loss, jitter,
 * MOS, DTLS and ICE state per leg).
 *
 * Calls come from rtpengine (NG "list" for the call-ids, NG "query" for
 * each one on the page), joined by Call-ID with the dialogs of the Kamailio
 * nodes that run the dialog module (dialogs.c); without one (the gateway
 * configuration keeps no dialog state) the view is rtpengine's alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "dialogs.h"
#include "handlers.h"
#include "ngq.h"

static struct json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *endpoint_json(const bencode_node *ep)
{
	char buf[96];
	const char *addr = ngq_str(ep, "address");

	if (!addr)
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%lld", addr,
			 (long long)ngq_int(ep, "port", 0));
	return json_object_new_string(buf);
}

/* one packet stream (RTP or RTCP) */
static struct json_object *stream_json(const bencode_node *s)
{
	struct json_object *j = json_object_new_object();
	const bencode_node *st = bencode_dict_get(s, "stats");
	char local[96];

	snprintf(local, sizeof(local), "%s:%lld",
			 ngq_str(s, "local address") ? ngq_str(s, "local address") : "?",
			 (long long)ngq_int(s, "local port", 0));
	json_object_object_add(j, "local", json_object_new_string(local));
	json_object_object_add(j, "remote",
						   endpoint_json(bencode_dict_get(s, "endpoint")));
	json_object_object_add(j, "packets",
						   json_object_new_int64(ngq_int(st, "packets", 0)));
	json_object_object_add(j, "bytes",
						   json_object_new_int64(ngq_int(st, "bytes", 0)));
	json_object_object_add(j, "errors",
						   json_object_new_int64(ngq_int(st, "errors", 0)));
	json_object_object_add(j, "last_packet",
						   json_object_new_int64(ngq_int(s, "last packet", 0)));
	json_object_object_add(j, "confirmed",
						   json_object_new_boolean(ngq_flag(s, "confirmed")));
	return j;
}

/* receive quality of the SSRC a stream carries, from the call's SSRC dict */
static struct json_object *quality_json(const bencode_node *ssrcs,
										const bencode_node *rtp)
{
	const bencode_node *e, *avg;
	struct json_object *j;
	char key[24];
	int64_t ssrc = ngq_int(rtp, "SSRC", -1);

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
			json_object_new_double((double)ngq_int(avg, "MOS", 0) / 10.0));
	json_object_object_add(j, "jitter_ms",
						   json_object_new_int64(ngq_int(avg, "jitter", 0)));
	json_object_object_add(
			j, "packet_loss_pct",
			json_object_new_int64(ngq_int(avg, "packet loss", 0)));
	json_object_object_add(
			j, "rtt_us",
			json_object_new_int64(ngq_int(avg, "round-trip time", 0)));
	json_object_object_add(
			j, "cumulative_loss",
			json_object_new_int64(ngq_int(e, "cumulative loss", 0)));
	return j;
}

static struct json_object *media_json(const bencode_node *m,
									  const bencode_node *ssrcs)
{
	struct json_object *j = json_object_new_object(), *dtls, *ice;
	const bencode_node *streams = bencode_dict_get(m, "streams"), *s;
	const bencode_node *rtp = NULL, *rtcp = NULL;
	const char *proto = ngq_str(m, "protocol");
	int verified = 0;

	for (s = streams ? streams->child : NULL; s; s = s->next) {
		if (ngq_flag(s, "RTP") && !rtp)
			rtp = s;
		else if (ngq_flag(s, "RTCP") && !rtcp)
			rtcp = s;
		verified |= ngq_flag(s, "DTLS fingerprint verified");
	}
	json_object_object_add(j, "index",
						   json_object_new_int64(ngq_int(m, "index", 0)));
	json_object_object_add(j, "type", jstr_or_null(ngq_str(m, "type")));
	json_object_object_add(j, "protocol", jstr_or_null(proto));
	/* the codec rtpengine has seen in received packets, once media flows */
	json_object_object_add(j, "codec", jstr_or_null(ngq_str(m, "codec")));
	json_object_object_add(j, "send",
						   json_object_new_boolean(ngq_flag(m, "send")));
	json_object_object_add(j, "recv",
						   json_object_new_boolean(ngq_flag(m, "recv")));
	json_object_object_add(j, "transcoding",
						   json_object_new_boolean(ngq_flag(m, "transcoding")));
	json_object_object_add(j, "rtcp_mux",
						   json_object_new_boolean(ngq_flag(m, "rtcp-mux")));

	dtls = json_object_new_object();
	json_object_object_add(
			dtls, "enabled",
			json_object_new_boolean(ngq_flag(m, "DTLS-SRTP") ||
									(proto && strstr(proto, "TLS"))));
	json_object_object_add(
			dtls, "role",
			ngq_flag(m, "DTLS role active")
					? json_object_new_string("active")
					: (ngq_flag(m, "DTLS role passive")
							   ? json_object_new_string("passive")
							   : NULL));
	json_object_object_add(dtls, "fingerprint_verified",
						   json_object_new_boolean(verified));
	json_object_object_add(
			dtls, "crypto_suite",
			jstr_or_null(rtp ? ngq_str(rtp, "crypto suite") : NULL));
	json_object_object_add(j, "dtls", dtls);

	ice = json_object_new_object();
	json_object_object_add(ice, "enabled",
						   json_object_new_boolean(ngq_flag(m, "ICE")));
	json_object_object_add(
			ice, "controlling",
			json_object_new_boolean(ngq_flag(m, "ICE controlling")));
	json_object_object_add(
			ice, "lite_peer",
			json_object_new_boolean(ngq_flag(m, "ICE-lite peer")));
	json_object_object_add(ice, "trickle",
						   json_object_new_boolean(ngq_flag(m, "trickle ICE")));
	json_object_object_add(
			ice, "peer_confirmed",
			json_object_new_boolean(rtp && ngq_flag(rtp, "confirmed")));
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

	json_object_object_add(j, "tag", jstr_or_null(ngq_str(tag, "tag")));
	if (ngq_str(tag, "label"))
		json_object_object_add(j, "label",
							   json_object_new_string(ngq_str(tag, "label")));
	json_object_object_add(j, "created",
						   json_object_new_int64(ngq_int(tag, "created", 0)));
	peers = json_object_new_array();
	for (n = subs && subs->type == BENCODE_LIST ? subs->child : NULL; n;
		 n = n->next)
		if (ngq_str(n, "tag"))
			json_object_array_add(peers,
								  json_object_new_string(ngq_str(n, "tag")));
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
						   json_object_new_int64(ngq_int(t, "packets", 0)));
	json_object_object_add(j, "bytes",
						   json_object_new_int64(ngq_int(t, "bytes", 0)));
	json_object_object_add(j, "errors",
						   json_object_new_int64(ngq_int(t, "errors", 0)));
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
						   json_object_new_int64(ngq_int(q, "created", 0)));
	json_object_object_add(j, "last_signal",
						   json_object_new_int64(ngq_int(q, "last signal", 0)));
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

/* query one call on one node: 1 found (*reply set), 0 unknown, -1 error */
static int query_raw(ng_client *ng, const char *call_id, bencode_doc **reply)
{
	int rc = ng_query(ng, call_id, NULL, reply);

	if (rc == NG_ERR_REMOTE) {
		bencode_doc_free(*reply);
		*reply = NULL;
		return 0; /* "Unknown call-id" (ended between list and query) */
	}
	return rc == NG_OK ? 1 : -1;
}

/* query one call on one node: 1 found (*out set), 0 unknown, -1 error */
static int query_call(ng_client *ng, const char *node, const char *call_id,
					  struct json_object **out)
{
	bencode_doc *reply = NULL;
	int rc = query_raw(ng, call_id, &reply);

	if (rc == 1)
		*out = call_json(call_id, node, reply->root);
	bencode_doc_free(reply);
	return rc;
}

int res_calls_query_any(const conf_settings *c, const char *call_id,
						bencode_doc **reply, int *node, backend_err *e)
{
	ng_client *ng;
	int i, rc;

	*reply = NULL;
	for (i = 0; i < c->n_rtpengine; i++) {
		*node = i;
		ng = backend_ng_open(c, &c->rtpengine[i], e);
		if (!ng)
			return -1;
		rc = query_raw(ng, call_id, reply);
		if (rc < 0)
			backend_ng_error(ng, e);
		ng_client_free(ng);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* a call with no media on any rtpengine: its dialog alone */
static struct json_object *dialog_only_json(const char *call_id,
											struct json_object *dlg)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "call_id", json_object_new_string(call_id));
	json_object_object_add(j, "node", NULL);
	json_object_object_add(j, "legs", json_object_new_array());
	json_object_object_add(j, "dialog", json_object_get(dlg));
	return j;
}

/* one listed call: call-id and the rtpengine holding it (-1: dialog only) */
typedef struct call_ref {
	const char *id;
	int rtp;
} call_ref;

/* the node filter admits a call on rtpengine rtp with dialog dlg */
static int node_admits(const conf_settings *c, const char *node, int rtp,
					   struct json_object *dlg)
{
	struct json_object *dn;

	if (!node)
		return 1;
	if (rtp >= 0 && !strcmp(c->rtpengine[rtp].name, node))
		return 1;
	return dlg && json_object_object_get_ex(dlg, "node", &dn) &&
		   !strcmp(json_object_get_string(dn), node);
}

/* the JSON of refs[k]: NG query when it has media, joined with its dialog;
 * NULL when it ended meanwhile */
static struct json_object *ref_json(const conf_settings *c, ng_client **ng,
									const call_ref *ref, const dialogs_set *ds)
{
	struct json_object *call = NULL, *dlg = dialogs_get(ds, ref->id);
	backend_err e;

	if (ref->rtp >= 0) {
		if (!ng[ref->rtp])
			ng[ref->rtp] = backend_ng_open(c, &c->rtpengine[ref->rtp], &e);
		if (ng[ref->rtp] &&
			query_call(ng[ref->rtp], c->rtpengine[ref->rtp].name, ref->id,
					   &call) == 1) {
			json_object_object_add(call, "dialog", json_object_get(dlg));
			return call;
		}
	}
	return dlg ? dialog_only_json(ref->id, dlg) : NULL;
}

/*
 * Calls are the union of rtpengine's (NG list, every node) and the
 * dialogs of the Kamailio nodes with the dialog module: media calls in
 * list order, each joined with its dialog, then dialogs without media.
 * Only the page's calls are queried.
 */
int res_calls_list(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *node = http_query(r, "node");
	struct json_object *items, *call, *j, *media_ids;
	bencode_doc *lists[CONF_MAX_NODES] = {NULL};
	ng_client *ng[CONF_MAX_NODES] = {NULL};
	const bencode_node *calls, *id;
	call_ref *refs = NULL, *nr;
	size_t n_refs = 0, total = 0, from, k;
	struct json_object *media_sources;
	int page, per_page, ret = 0, i, failed = 0;
	dialogs_set ds;
	backend_err e;

	if (http_paging(r, &page, &per_page, &ret) < 0)
		return ret;
	if (node && !conf_find_rtpengine(c, node) && !conf_find_kamailio(c, node))
		return reply_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "node",
						   "no rtpengine or Kamailio node named '%.40s'", node);
	media_sources = json_object_new_array();
	for (i = 0; i < c->n_rtpengine; i++) {
		ng[i] = backend_ng_open(c, &c->rtpengine[i], &e);
		if (ng[i] && ng_list(ng[i], c->calls_max, &lists[i]) == NG_OK) {
			json_object_array_add(
					media_sources,
					backend_source_json(c->rtpengine[i].name, NULL));
			continue;
		}
		if (ng[i])
			backend_ng_error(ng[i], &e);
		bencode_doc_free(lists[i]);
		lists[i] = NULL;
		json_object_array_add(media_sources,
							  backend_source_json(c->rtpengine[i].name, &e));
		/* the others are listed all the same, unless none answers */
		if (++failed < c->n_rtpengine)
			continue;
		json_object_put(media_sources);
		ret = reply_backend_error(
				r, failed == 1 ? c->rtpengine[i].name : "every rtpengine node",
				&e);
		goto out_early;
	}
	dialogs_collect(c, &ds);
	media_ids = json_object_new_object();
	for (i = 0; i < c->n_rtpengine; i++) {
		if (!lists[i])
			continue;
		calls = bencode_dict_get(lists[i]->root, "calls");
		for (id = calls && calls->type == BENCODE_LIST ? calls->child : NULL;
			 id; id = id->next) {
			if (id->type != BENCODE_STR)
				continue;
			nr = realloc(refs, (n_refs + 1) * sizeof(*refs));
			if (!nr)
				break;
			refs = nr;
			refs[n_refs++] = (call_ref){id->str, i};
			json_object_object_add(media_ids, id->str, NULL);
		}
	}
	for (k = 0; k < json_object_array_length(ds.order); k++) {
		const char *cid =
				json_object_get_string(json_object_array_get_idx(ds.order, k));
		if (json_object_object_get_ex(media_ids, cid, NULL))
			continue;
		nr = realloc(refs, (n_refs + 1) * sizeof(*refs));
		if (!nr)
			break;
		refs = nr;
		refs[n_refs++] = (call_ref){cid, -1};
	}
	from = (size_t)(page - 1) * (size_t)per_page;
	items = json_object_new_array();
	for (k = 0; k < n_refs; k++) {
		if (!node_admits(c, node, refs[k].rtp, dialogs_get(&ds, refs[k].id)))
			continue;
		if (total >= from && total < from + (size_t)per_page &&
			(call = ref_json(c, ng, &refs[k], &ds)))
			json_object_array_add(items, call);
		total++;
	}
	j = reply_page_json(items, page, per_page, total);
	json_object_object_add(j, "dialog_sources", json_object_get(ds.sources));
	json_object_object_add(j, "media_sources", media_sources);
	ret = reply_json(r, MHD_HTTP_OK, j);
	free(refs);
	json_object_put(media_ids);
	dialogs_free(&ds);
out_early:
	for (i = 0; i < c->n_rtpengine; i++) {
		bencode_doc_free(lists[i]);
		if (ng[i])
			ng_client_free(ng[i]);
	}
	return ret;
}

int res_calls_get(admind_req *r)
{
	const conf_settings *c = &r->app->conf;
	const char *call_id = route_param(&r->params, "call_id");
	struct json_object *call, *dlg;
	bencode_doc *reply;
	backend_err e;
	int node = 0, rc;

	rc = res_calls_query_any(c, call_id, &reply, &node, &e);
	if (rc < 0)
		return reply_backend_error(r, c->rtpengine[node].name, &e);
	dlg = dialogs_find(c, call_id);
	if (rc == 1) {
		call = call_json(call_id, c->rtpengine[node].name, reply->root);
		bencode_doc_free(reply);
		json_object_object_add(call, "dialog", dlg);
		return reply_json(r, MHD_HTTP_OK, call);
	}
	if (dlg) {
		call = dialog_only_json(call_id, dlg);
		json_object_put(dlg);
		return reply_json(r, MHD_HTTP_OK, call);
	}
	return reply_error(r, MHD_HTTP_NOT_FOUND, "not_found", "call_id",
					   "no call '%.128s' on any rtpengine or dialog", call_id);
}
