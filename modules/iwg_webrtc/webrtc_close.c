/*
 * iwg_webrtc: WebSocket close and de-REGISTER, see webrtc_close.h.
 */
#include <time.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/parser/msg_parser.h"

#include "webrtc_close.h"
#include "webrtc_kmsg.h"
#include "webrtc_reg.h"
#include "webrtc_reghdr.h"

/* sends a de-REGISTER for r toward the IMS core; 0 or -1 */
static int send_dereg(webrtc_reg_t *r)
{
	static str method = str_init("REGISTER");
	dlg_t *d = NULL;
	uac_req_t uac_r;
	char tagbuf[WEBRTC_REGHDR_TAG_MAX], *hb;
	str tag, hdrs;
	int len, ret = -1;

	tag.len = webrtc_reghdr_dereg_tag(r->flow.conid, time(NULL), tagbuf,
									  sizeof(tagbuf));
	tag.s = tagbuf;
	len = r->contact.len + r->path.len + r->auth.len +
		  WEBRTC_REGHDR_DEREG_EXTRA;
	hb = pkg_malloc(len);
	if (hb == NULL) {
		PKG_MEM_ERROR;
		return -1;
	}
	hdrs.s = hb;
	hdrs.len = webrtc_reghdr_dereg(r->contact.s, (size_t)r->contact.len,
								   r->path.s, (size_t)r->path.len, r->auth.s,
								   (size_t)r->auth.len, hb, (size_t)len);
	if (tag.len < 0 || hdrs.len < 0) {
		LM_ERR("cannot write the de-REGISTER of %.*s\n", r->aor.len, r->aor.s);
		goto out;
	}
	if (webrtc_tmb.new_dlg_uac(&r->callid, &tag, r->cseq, &r->aor, &r->aor,
							   &d) < 0) {
		LM_ERR("cannot build the de-REGISTER of %.*s\n", r->aor.len, r->aor.s);
		goto out;
	}
	if (webrtc_tmb.set_dlg_target(d, &r->ruri, &webrtc_kcfg.ims_core) < 0)
		goto out;
	d->send_sock = r->sock;
	set_uac_req(&uac_r, &method, &hdrs, NULL, d, 0, NULL, NULL);
	if (webrtc_tmb.t_request_within(&uac_r) < 0) {
		LM_ERR("cannot send the de-REGISTER of %.*s\n", r->aor.len, r->aor.s);
		goto out;
	}
	LM_INFO("de-REGISTER of %.*s sent: its WebSocket closed\n", r->aor.len,
			r->aor.s);
	ret = 0;
out:
	if (d)
		webrtc_tmb.free_dlg(d);
	pkg_free(hb);
	return ret;
}

/* drops the taken entries l, de-registering the live ones at the IMS
 * (dereg_on_close); returns how many */
static int release_flows(webrtc_reg_t *l)
{
	webrtc_reg_t *next;
	int n = 0;

	for (; l; l = next) {
		next = l->next;
		if (webrtc_kcfg.dereg_on_close && l->expires > time(NULL))
			send_dereg(l);
		webrtc_reg_shm_free(l);
		n++;
	}
	return n;
}

int ki_webrtc_flow_closed(sip_msg_t *msg, int conid)
{
	(void)msg;
	if (conid < 0)
		return WRC_ERR;
	return release_flows(webrtc_reg_take_conid((unsigned)conid)) + 1;
}

int ki_webrtc_flow_lost(sip_msg_t *msg)
{
	if (msg == NULL || msg->rcv.proto_reserved1 <= 0)
		return WRC_NOOP;
	return webrtc_reg_lose_conid((unsigned)msg->rcv.proto_reserved1) + 1;
}

void webrtc_close_lost_timer(unsigned int ticks, void *param)
{
	int n;

	(void)ticks;
	(void)param;
	n = release_flows(webrtc_reg_take_lost());
	if (n > 0)
		LM_INFO("%d registrations of lost connections dropped\n", n);
}
