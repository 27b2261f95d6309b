/*
 * verto_rtp.c - rtpengine NG requests of iwg_verto. Contracts in
 * verto_rtp.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verto_ngflags.h"
#include "verto_rtp.h"

verto_rtp *verto_rtp_new(const char *addr, const char *const *flags,
						 int timeout_ms, char *err, size_t errsz)
{
	verto_rtp *r = calloc(1, sizeof(*r));
	char host[128], why[160];
	unsigned short port;
	int i;

	if (!r) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (ng_parse_hostport(addr, host, sizeof(host), &port)) {
		snprintf(err, errsz, "bad rtpengine address '%s'", addr);
		goto err;
	}
	for (i = 0; i < VERTO_RTP_STEPS; i++) {
		const char *f = flags[i] ? flags[i] : "";
		if (verto_ngflags_check(f, why, sizeof(why))) {
			snprintf(err, errsz, "profile of step %d: %s", i, why);
			goto err;
		}
		if (!(r->flags[i] = strdup(f))) {
			snprintf(err, errsz, "out of memory");
			goto err;
		}
	}
	r->ng = ng_client_new(host, port, timeout_ms, 1);
	if (!r->ng || r->ng->err) {
		snprintf(err, errsz, "rtpengine client for %s: %s", addr,
				 r->ng ? r->ng->errstr : "out of memory");
		goto err;
	}
	return r;
err:
	verto_rtp_free(r);
	return NULL;
}

void verto_rtp_free(verto_rtp *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < VERTO_RTP_STEPS; i++)
		free(r->flags[i]);
	ng_client_free(r->ng);
	free(r);
}

/* send the request in b; *out gets reply[key] (malloc'd) when out != NULL */
static int request(verto_rtp *r, bencode_buf *b, char **out)
{
	bencode_doc *rep = NULL;
	const char *sdp;
	size_t len;
	int rc;

	bencode_end(b);
	if (bencode_buf_finish(b)) {
		snprintf(r->errstr, sizeof(r->errstr), "encoding: %s", b->errstr);
		bencode_buf_free(b);
		return -1;
	}
	rc = ng_request_buf(r->ng, b, &rep);
	bencode_buf_free(b);
	if (rc != NG_OK) {
		snprintf(r->errstr, sizeof(r->errstr), "%s: %s", ng_strerror(rc),
				 r->ng->errstr);
		bencode_doc_free(rep);
		return -1;
	}
	if (out) {
		sdp = bencode_dict_get_str(rep->root, "sdp", &len);
		if (!sdp || !(*out = strndup(sdp, len))) {
			snprintf(r->errstr, sizeof(r->errstr), "reply without sdp");
			bencode_doc_free(rep);
			return -1;
		}
	}
	bencode_doc_free(rep);
	return 0;
}

static int offer_answer(verto_rtp *r, const char *cmd, int step,
						const char *call_id, const char *from_tag,
						const char *to_tag, const char *sdp, char **out)
{
	bencode_buf b;

	*out = NULL;
	if (step < 0 || step >= VERTO_RTP_STEPS) {
		snprintf(r->errstr, sizeof(r->errstr), "bad step %d", step);
		return -1;
	}
	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command", cmd);
	bencode_dict_add_str(&b, "call-id", call_id);
	bencode_dict_add_str(&b, "from-tag", from_tag);
	if (to_tag)
		bencode_dict_add_str(&b, "to-tag", to_tag);
	bencode_dict_add_str(&b, "sdp", sdp);
	if (verto_ngflags_encode(r->flags[step], &b, r->errstr,
							 sizeof(r->errstr))) {
		bencode_buf_free(&b);
		return -1;
	}
	return request(r, &b, out);
}

int verto_rtp_offer(verto_rtp *r, int step, const char *call_id,
					const char *from_tag, const char *sdp, char **out)
{
	return offer_answer(r, "offer", step, call_id, from_tag, NULL, sdp, out);
}

int verto_rtp_reoffer(verto_rtp *r, int step, const char *call_id,
					  const char *from_tag, const char *to_tag, const char *sdp,
					  char **out)
{
	return offer_answer(r, "offer", step, call_id, from_tag, to_tag, sdp, out);
}

int verto_rtp_answer(verto_rtp *r, int step, const char *call_id,
					 const char *from_tag, const char *to_tag, const char *sdp,
					 char **out)
{
	return offer_answer(r, "answer", step, call_id, from_tag, to_tag, sdp, out);
}

int verto_rtp_delete(verto_rtp *r, const char *call_id)
{
	bencode_buf b;

	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command", "delete");
	bencode_dict_add_str(&b, "call-id", call_id);
	return request(r, &b, NULL);
}

int verto_rtp_dtmf(verto_rtp *r, const char *call_id, const char *from_tag,
				   char digit, int duration_ms)
{
	bencode_buf b;
	char code[2] = {digit, '\0'};

	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command", "play DTMF");
	bencode_dict_add_str(&b, "call-id", call_id);
	bencode_dict_add_str(&b, "from-tag", from_tag);
	bencode_dict_add_str(&b, "code", code);
	bencode_dict_add_int(&b, "duration", duration_ms);
	return request(r, &b, NULL);
}

int verto_rtp_block(verto_rtp *r, const char *call_id, const char *from_tag,
					int block)
{
	bencode_buf b;

	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command",
						 block ? "block media" : "unblock media");
	bencode_dict_add_str(&b, "call-id", call_id);
	bencode_dict_add_str(&b, "from-tag", from_tag);
	return request(r, &b, NULL);
}
