/*
 * verto_xfer.c - the contact center's transfers of Verto calls (Kamailio
 * glue: decisions in verto_refer.c, what it shares with verto_sip.c in
 * verto_sip_priv.h). WebSocket process only.
 *
 * A REFER in the browser's dialog (from the transferor, agent A) is
 * answered 202 or refused as verto_refer_decide() says. Accepted, it
 * starts a transfer (struct vxfer, g->xfer) whose state machine is
 * verto_xfer_step(); this file performs its actions:
 *
 * - NOTIFY "SIP/2.0 100 Trying" in the old dialog (Event: refer);
 * - the media: rtpengine re-offers the browser's last SDP from the
 *   browser's leg (the call's first rtpengine call-id and browser tag)
 *   toward a new leg with a tag of its own: rtpengine pairs the browser's
 *   leg with the new one, keeping the browser's ports, ICE and DTLS (the
 *   browser's peer connection sees nothing); the old agent's leg stops
 *   getting the browser's media; the SDP it makes goes in the INVITE;
 * - the INVITE to the Refer-To target, with Replaces and Referred-By when
 *   the REFER had them, as a new dialog of its own record (a leg vsip
 *   whose owner is the call's record); straight to the target, from the
 *   listener our Contact names, not through the contact-center router:
 *   a Replaces must reach the UA that holds the dialog it names, and a
 *   conference URI the bridge it names, which the router's choice of an
 *   entry point (and its failover) would not keep;
 * - on its 2xx: rtpengine takes the answer (browser's leg to the new
 *   one), then the call's record and the leg swap their dialogs: the
 *   Verto call goes on in the new dialog (same callID; the browser gets
 *   only verto.display and the agent event of the new party), the leg
 *   record keeps the old dialog (retired): NOTIFY "SIP/2.0 200 OK" with
 *   the subscription terminated, then BYE once that NOTIFY has its reply
 *   (RFC 5589 lets either side end it; the transferee does here, so an
 *   agent desk that waits for it is not left in the call); the old
 *   agent's leg is blocked in rtpengine (media it still sends does not
 *   reach the browser);
 * - on a failure (3xx-6xx, timeout, a 2xx rtpengine cannot take, a
 *   local error): NOTIFY with that status, rtpengine pairs the browser's
 *   leg with the old agent's again, the call stays in the old dialog.
 *
 * The call waits (verto_engine_call_wait) while rtpengine works for the
 * transfer, so the browser's requests and other media steps of the call
 * come after it; while the INVITE rings the call goes on (hold and the
 * browser's own transfers are refused meanwhile, the contact center's new
 * SDP in the old dialog gets 491).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"
#include "core/mem/shm_mem.h"
#include "core/parser/hf.h"
#include "core/parser/parse_cseq.h"
#include "core/ut.h"

#include "verto_ipc.h"
#include "verto_refer.h"
#include "verto_sdp.h"
#include "verto_sip_priv.h"

/* the subscription of a transfer while its new call runs (s) */
#define XFER_SUB_EXPIRES 60

struct vxfer {
	verto_xfer fsm;
	vsip *leg; /* the new dialog, until it is handed on */
	unsigned invited : 1;
	verto_refer_to to;
	char replaces[VERTO_REFER_REPLACES_MAX + 1]; /* "": no Replaces */
	char by[VERTO_REFER_BY_MAX + 1];			 /* "": no Referred-By */
	char xtag[33];								 /* rtpengine: new leg */
	char old_ptag[VERTO_DLG_TAG_MAX + 1];		 /* rtpengine: old agent */
	unsigned refer_id; /* Event: refer;id= (0: the first REFER) */
	unsigned job;	   /* the media job running (its number), 0: none */
	char *offer;	   /* rtpengine's SDP toward the target */
	char *answer;	   /* the 2xx's SDP */
	int has_cl;
	char cl_name[129], cl_number[129]; /* the 2xx's connected line */
};

static void act(vsip *g, const verto_xfer_out *o);

static const char *call_name(const vsip *g)
{
	return g->call ? g->call->call_id : g->callid;
}

/* one event into g's transfer, and what it decides */
static void feed(vsip *g, verto_xfer_event ev, int code, const char *reason)
{
	struct vxfer *x = g->xfer;
	verto_xfer_state was;
	verto_xfer_out o;

	if (!x)
		return;
	was = x->fsm.state;
	if (verto_xfer_step(&x->fsm, ev, code, reason, &o)) {
		LM_DBG("call %s: transfer event %s ignored (%s)\n", call_name(g),
			   verto_xfer_event_name(ev), verto_xfer_state_name(was));
		return;
	}
	LM_DBG("call %s: transfer %s -> %s on %s\n", call_name(g),
		   verto_xfer_state_name(was), verto_xfer_state_name(x->fsm.state),
		   verto_xfer_event_name(ev));
	act(g, &o);
}

/* ---------------------------------------------------------------- media */

enum { XJ_OFFER = 1, XJ_ANSWER, XJ_REVERT };

static const char *const xj_names[] = {"", "offer", "answer", "fall back"};

/* rtpengine work of a transfer, in the job pool (or the loop) */
typedef struct xfer_job {
	verto_job job;
	uint32_t key; /* the call's record */
	unsigned seq;
	int kind;
	int waited; /* the call waits for it (verto_engine_call_wait) */
	char cid[VERTO_SIPID_MAX + 1];
	char btag[VERTO_DLG_TAG_MAX + 1], ptag[VERTO_DLG_TAG_MAX + 1];
	char *sdp, *sdp2; /* offer/revert: the browser's; answer/revert: peer's */
	int rc;
	char *out;
	char why[160];
} xfer_job;

static unsigned xj_seq = 0;
/* a job's wait handed to the next job the transfer starts (the key of the
 * call's record), so the call stays waiting between them */
static uint32_t xj_inherit = 0;

static void xjob_exec(xfer_job *j, verto_rtp *r)
{
	char *tmp = NULL;

	j->rc = -1;
	if (!r) {
		snprintf(j->why, sizeof(j->why), "no rtpengine client");
		return;
	}
	if (j->kind == XJ_OFFER)
		j->rc = verto_rtp_reoffer(r, VERTO_RTP_BROWSER_OFFER, j->cid, j->btag,
								  j->ptag, j->sdp, &j->out);
	else if (j->kind == XJ_ANSWER)
		j->rc = verto_rtp_answer(r, VERTO_RTP_SIP_ANSWER, j->cid, j->btag,
								 j->ptag, j->sdp, &j->out);
	else /* the browser's leg with the old agent's again */
		j->rc = verto_rtp_reoffer(r, VERTO_RTP_BROWSER_OFFER, j->cid, j->btag,
								  j->ptag, j->sdp, &tmp) ||
				verto_rtp_answer(r, VERTO_RTP_SIP_ANSWER, j->cid, j->btag,
								 j->ptag, j->sdp2, &j->out);
	free(tmp);
	if (j->rc)
		snprintf(j->why, sizeof(j->why), "%s", r->errstr);
}

static void xjob_run(verto_job *job, void *worker)
{
	verto_worker *w = worker;

	xjob_exec((xfer_job *)job, w ? w->rtp : NULL);
}

static void xjob_free(xfer_job *j)
{
	free(j->sdp);
	free(j->sdp2);
	free(j->out);
	free(j);
}

static void xjob_done(verto_job *job, int cancelled)
{
	static const verto_xfer_event ok[] = {0, VXE_OFFER_OK, VXE_ANSWER_OK,
										  VXE_REVERT_DONE};
	static const verto_xfer_event ko[] = {0, VXE_OFFER_FAIL, VXE_ANSWER_FAIL,
										  VXE_REVERT_DONE};
	xfer_job *j = (xfer_job *)job;
	vsip *g = cancelled ? NULL : verto_vsip_find(j->key);
	verto_call *c = g ? g->call : NULL;

	if (c && g->xfer && g->xfer->job == j->seq) {
		g->xfer->job = 0;
		if (j->rc)
			LM_ERR("call %s: rtpengine %s for the transfer: %s\n", c->call_id,
				   xj_names[j->kind], j->why);
		if (j->kind == XJ_OFFER && !j->rc) {
			free(g->xfer->offer);
			g->xfer->offer = j->out;
			j->out = NULL;
		}
		/* the browser's leg offered to the old agent's again: it stays
		 * the offerer there (peer updates keep its payload types) */
		if (j->kind == XJ_REVERT && !j->rc)
			snprintf(g->m_ptag, sizeof(g->m_ptag), "%s", g->xfer->old_ptag);
		/* events of the call wait until the transfer's next step, if
		 * there is one; a failure here cannot free the call (waiting) */
		xj_inherit = j->waited ? j->key : 0;
		feed(g, j->rc ? ko[j->kind] : ok[j->kind], 0, NULL);
		if (xj_inherit == j->key)
			j->waited = 1; /* not taken: this job's wait ends below */
		else if (j->waited)
			j->waited = 0; /* the next job waits in its place */
		xj_inherit = 0;
	}
	if (j->waited && c)
		verto_engine_call_resume(verto_vseng, c); /* may free c and g */
	xjob_free(j);
}

/*
 * Start the transfer's rtpengine work of kind for g: in the job pool (the
 * call waits meanwhile), in the loop without a pool. 0, or -1 when it
 * cannot start (the pool is full, out of memory): nothing ran.
 */
static int start_job(vsip *g, int kind)
{
	struct vxfer *x = g->xfer;
	xfer_job *j = calloc(1, sizeof(*j));
	int inherited;

	if (!j)
		return -1;
	j->job.run = xjob_run;
	j->job.done = xjob_done;
	j->key = g->key;
	j->kind = kind;
	if (!(j->seq = ++xj_seq))
		j->seq = ++xj_seq;
	snprintf(j->cid, sizeof(j->cid), "%s", verto_vsip_mcid(g));
	snprintf(j->btag, sizeof(j->btag), "%s", verto_vsip_mbtag(g));
	snprintf(j->ptag, sizeof(j->ptag), "%s",
			 kind == XJ_REVERT ? x->old_ptag : x->xtag);
	j->sdp = strdup(kind == XJ_ANSWER ? x->answer : g->brow_sdp);
	if (kind == XJ_REVERT)
		j->sdp2 = strdup(g->peer_sdp);
	if (!j->sdp || (kind == XJ_REVERT && !j->sdp2)) {
		xjob_free(j);
		return -1;
	}
	x->job = j->seq;
	if (!verto_vspool) {
		xjob_exec(j, verto_vsrtp);
		xjob_done(&j->job, 0);
		return 0;
	}
	if (verto_jobs_full(verto_vspool)) {
		LM_WARN("call %s: rtpengine %s for the transfer refused, the job "
				"queue is full\n",
				call_name(g), xj_names[kind]);
		x->job = 0;
		xjob_free(j);
		return -1;
	}
	inherited = xj_inherit == g->key;
	if (inherited) {
		j->waited = 1;
		xj_inherit = 0;
	} else {
		j->waited = verto_engine_call_wait(verto_vseng, g->call) == 0;
	}
	if (verto_jobs_submit(verto_vspool, &j->job) == 0)
		return 0;
	if (inherited)
		xj_inherit = g->key; /* the wait stays the previous job's */
	else if (j->waited)
		/* nothing came for the call since it began to wait */
		verto_engine_call_resume(verto_vseng, g->call);
	x->job = 0;
	xjob_free(j);
	return -1;
}

/* ---------------------------------------------------------------- SIP */

/* NOTIFY of the transfer's progress in v's dialog (the old one): the
 * status line of the new call as message/sipfrag. 0 or -1. */
static int notify(vsip *v, const struct vxfer *x, verto_call *c, int code,
				  const char *reason)
{
	char hdrs[512], frag[128], id[24] = "";
	int n;

	if (verto_refer_sipfrag(code, reason, frag, sizeof(frag)))
		return -1;
	if (x->refer_id)
		snprintf(id, sizeof(id), ";id=%u", x->refer_id);
	if (code >= 200)
		n = snprintf(hdrs, sizeof(hdrs),
					 "Event: refer%s\r\nSubscription-State: terminated;"
					 "reason=noresource\r\n",
					 id);
	else
		n = snprintf(hdrs, sizeof(hdrs),
					 "Event: refer%s\r\nSubscription-State: active;"
					 "expires=%d\r\n",
					 id, XFER_SUB_EXPIRES);
	n += snprintf(hdrs + n, sizeof(hdrs) - n,
				  "Contact: <%.*s>\r\nContent-Type: message/sipfrag;"
				  "version=2.0\r\n",
				  verto_vscfg.contact.len, verto_vscfg.contact.s);
	if (n >= (int)sizeof(hdrs))
		return -1;
	LM_INFO("call %s: NOTIFY %d %s of the transfer to the transferor\n",
			c ? c->call_id : v->callid, code,
			reason ? reason : verto_refer_status_text(code));
	return verto_sip_send(v, v->dlg, c, NULL, "NOTIFY", hdrs, frag,
						  verto_sip_token(v, VS_XFER_NOTIFY), NULL, NULL);
}

/* BYE in v's dialog (a retired dialog, or a leg nobody wants); the
 * record goes when it has its reply. 0 or -1 (then it goes now). */
static int bye(vsip *v, verto_call *cur)
{
	if (v->dlg &&
		verto_sip_send(v, v->dlg, cur, NULL, "BYE", NULL, NULL,
					   verto_sip_token(v, VS_XFER_BYE), NULL, NULL) == 0)
		return 0;
	verto_vsip_free(v);
	return -1;
}

/* the call a retired dialog or a leg belonged to, if it is still there */
static verto_call *owner_call(const vsip *v)
{
	vsip *o = v->owner ? verto_vsip_find(v->owner) : NULL;

	return o ? o->call : NULL;
}

/* the headers of the INVITE to the target into buf[sz]; 0 or -1 */
static int invite_hdrs(const struct vxfer *x, const verto_identity *id,
					   char *buf, size_t sz)
{
	int n;

	n = snprintf(buf, sz,
				 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n",
				 verto_vscfg.contact.len, verto_vscfg.contact.s);
	if (n > 0 && (size_t)n < sz && verto_vscfg.add_pai)
		n += snprintf(buf + n, sz - n, "P-Asserted-Identity: %s%s%s<%s>\r\n",
					  id->display[0] ? "\"" : "", id->display,
					  id->display[0] ? "\" " : "", id->sip_uri);
	if (n > 0 && (size_t)n < sz && x->replaces[0])
		n += snprintf(buf + n, sz - n, "Replaces: %s\r\n", x->replaces);
	if (n > 0 && (size_t)n < sz && x->by[0])
		n += snprintf(buf + n, sz - n, "Referred-By: %s\r\n", x->by);
	return n > 0 && (size_t)n < sz ? 0 : -1;
}

/* the INVITE of the new leg to the Refer-To target; 0 or -1 */
static int leg_invite(vsip *g, struct vxfer *x)
{
	vsip *leg = x->leg;
	verto_call *c = g->call;
	const verto_identity *id;
	char ltag[33], hdrs[1536], *sdp;
	str cid, lt, from, to, dn;

	if (!leg || !c->sess || !x->offer)
		return -1;
	id = &c->sess->ident;
	if (verto_sip_random_hex(ltag, sizeof(ltag)) ||
		verto_dialog_set_ltag(&leg->d, ltag) ||
		verto_sip_new_callid(leg->callid, sizeof(leg->callid)) ||
		invite_hdrs(x, id, hdrs, sizeof(hdrs))) {
		LM_ERR("call %s: the transfer's INVITE cannot be made\n", c->call_id);
		return -1;
	}
	cid.s = leg->callid;
	cid.len = (int)strlen(leg->callid);
	lt.s = leg->d.ltag;
	lt.len = (int)strlen(leg->d.ltag);
	from.s = (char *)id->sip_uri;
	from.len = (int)strlen(id->sip_uri);
	to.s = x->to.uri;
	to.len = (int)strlen(x->to.uri);
	dn.s = (char *)id->display;
	dn.len = (int)strlen(id->display);
	if (verto_tmb.new_dlg_uac(&cid, &lt, 1, &from, &to, &leg->dlg) < 0 ||
		(dn.len && shm_str_dup(&leg->dlg->loc_dname, &dn) < 0))
		return -1;
	if (verto_vscfg.sip_sock)
		leg->dlg->send_sock = verto_vscfg.sip_sock;
	/* the browser holds the call: the new party hears that too */
	sdp = c->fsm.held ? verto_sdp_reoffer(x->offer, "sendonly")
					  : strdup(x->offer);
	if (!sdp || verto_ipc_callid_add(&cid) < 0) {
		free(sdp);
		return -1;
	}
	leg->in_set = 1;
	if (verto_sip_send(leg, leg->dlg, c, x->replaces[0] ? "replaces" : "refer",
					   "INVITE", hdrs, sdp,
					   verto_sip_token(leg, VS_XFER_INVITE), &leg->inv_idx,
					   &leg->inv_label)) {
		free(sdp);
		return -1;
	}
	x->invited = 1;
	free(leg->sip_sdp);
	leg->sip_sdp = sdp;
	LM_INFO("call %s: INVITE to %s for the transfer (SIP Call-ID %s)%s\n",
			c->call_id, x->to.uri, leg->callid,
			x->replaces[0] ? " with Replaces" : "");
	return 0;
}

/* the new leg no longer serves the call: BYE (answered) or CANCEL (still
 * ringing), and it winds down alone; not sent yet: it goes now */
static void leg_end(struct vxfer *x, int answered)
{
	vsip *leg = x->leg;

	x->leg = NULL;
	if (!leg)
		return;
	leg->owner = 0;
	if (!x->invited) {
		verto_vsip_free(leg);
		return;
	}
	if (answered) {
		bye(leg, NULL);
		return;
	}
	if (verto_dialog_cancel(&leg->d) == VDH_CANCEL &&
		!verto_tmb.t_cancel_uac(NULL, NULL, leg->inv_idx, leg->inv_label, NULL,
								NULL))
		LM_DBG("SIP call %s: CANCEL not sent\n", leg->callid);
}

/* exchange a and b */
#define SWAP(type, a, b) \
	do {                 \
		type t_ = (a);   \
		(a) = (b);       \
		(b) = t_;        \
	} while (0)

/* g and r exchange their dialogs (tm's, ours, Call-ID, INVITE ids, our
 * last SDP toward it) */
static void swap_dialogs(vsip *g, vsip *r)
{
	char cid[VERTO_SIPID_MAX + 1];

	SWAP(dlg_t *, g->dlg, r->dlg);
	SWAP(dlg_t *, g->early, r->early);
	SWAP(verto_dialog, g->d, r->d);
	SWAP(unsigned, g->inv_idx, r->inv_idx);
	SWAP(unsigned, g->inv_label, r->inv_label);
	SWAP(char *, g->sip_sdp, r->sip_sdp);
	memcpy(cid, g->callid, sizeof(cid));
	memcpy(g->callid, r->callid, sizeof(cid));
	memcpy(r->callid, cid, sizeof(cid));
}

/*
 * The call moves to the new dialog: g (the call's record) takes the leg's
 * dialog, the leg record the old one (retired). The rtpengine call and the
 * browser's leg stay the first dialog's; the peer's leg is the new one.
 * Returns the retired record.
 */
static vsip *switch_dialog(vsip *g, struct vxfer *x)
{
	vsip *r = x->leg;
	verto_call *c = g->call;

	if (!g->m_cid[0])
		snprintf(g->m_cid, sizeof(g->m_cid), "%s", g->callid);
	if (!g->m_btag[0])
		snprintf(g->m_btag, sizeof(g->m_btag), "%s", g->d.ltag);
	snprintf(g->m_ptag, sizeof(g->m_ptag), "%s", x->xtag);
	swap_dialogs(g, r);
	free(g->peer_sdp);
	g->peer_sdp = x->answer;
	x->answer = NULL;
	r->d.retired = 1;
	r->xleg = 0;
	r->owner = g->key;
	x->leg = NULL;
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", g->callid);
	snprintf(c->media_callid, sizeof(c->media_callid), "%s", g->m_cid);
	verto_engine_sip_moved(verto_vseng, c);
	/* what the old agent still sends does not reach the browser */
	verto_sip_block(g, x->old_ptag, 1);
	LM_INFO("call %s: transferred to %s, now SIP Call-ID %s (was %s)\n",
			c->call_id, x->to.uri, g->callid, r->callid);
	if (x->has_cl)
		verto_sip_display(c, x->cl_name, x->cl_number);
	return r;
}

/* a reply to the INVITE of the leg v */
static void leg_reply(vsip *v, int code, sip_msg_t *m)
{
	vsip *g = v->owner ? verto_vsip_find(v->owner) : NULL;
	struct vxfer *x = g ? g->xfer : NULL;
	char tag[VERTO_DLG_TAG_MAX + 1], contact[VERTO_DLG_TARGET_MAX + 1];
	char *sdp = m ? verto_sip_body(m) : NULL;
	unsigned acts;

	verto_sip_totag(m, tag, sizeof(tag));
	verto_sip_contact(m, contact, sizeof(contact));
	acts = verto_dialog_reply(&v->d, VDO_INVITE, code, tag, contact, m != NULL,
							  sdp != NULL);
	if ((acts & VDR_SEND_CANCEL) &&
		!verto_tmb.t_cancel_uac(NULL, NULL, v->inv_idx, v->inv_label, NULL,
								NULL))
		LM_DBG("SIP call %s: CANCEL not sent\n", v->callid);
	if ((acts & VDR_EARLY_DLG) && v->dlg->state == DLG_NEW)
		verto_tmb.dlg_response_uac(v->dlg, m, IS_NOT_TARGET_REFRESH);
	if ((acts & VDR_CONFIRM_DLG) &&
		verto_tmb.dlg_response_uac(v->dlg, m, IS_TARGET_REFRESH) < 0)
		LM_WARN("SIP call %s: cannot update the dialog from the 2xx\n",
				v->callid);
	if (!x || x->leg != v) {
		/* the call or its transfer is gone: this leg ends alone */
		if (acts & VDR_E_ANSWER)
			bye(v, NULL);
		else if (acts & VDR_E_FAILURE)
			verto_vsip_free(v);
	} else if (acts & (VDR_E_PROGRESS | VDR_E_EARLY)) {
		feed(g, VXE_PROVISIONAL, code, NULL);
	} else if (acts & VDR_E_ANSWER) {
		free(x->answer);
		x->answer = sdp;
		sdp = NULL;
		x->has_cl = m && verto_sip_pai(m, g->call->call_id, x->cl_name,
									   sizeof(x->cl_name), x->cl_number,
									   sizeof(x->cl_number)) == 0;
		LM_INFO("call %s: the transfer's target answered %d\n",
				g->call->call_id, code);
		feed(g, VXE_ANSWERED, code, NULL);
	} else if (acts & VDR_E_FAILURE) {
		LM_INFO("call %s: the transfer's target answered %d: the call stays "
				"where it was\n",
				g->call->call_id, code);
		x->leg = NULL;
		verto_vsip_free(v);
		feed(g, VXE_REJECTED, code, m ? verto_sip_reason(m) : NULL);
	}
	free(sdp);
}

/* ---------------------------------------------------------------- actions */

/* the NOTIFY the state machine wants, before or after the switch */
static void act_notify(vsip *g, vsip *old, const verto_xfer_out *o)
{
	struct vxfer *x = g->xfer;

	if (old != g && (o->acts & VXA_BYE_OLD)) {
		old->bye_after_notify = 1;
		if (!(o->acts & VXA_NOTIFY) ||
			notify(old, x, g->call, o->code, o->reason))
			bye(old, g->call); /* no NOTIFY to wait for */
		return;
	}
	if (old != g) {
		/* switched, the transferor already left the old dialog */
		LM_INFO("SIP call %s: the transferor had ended it\n", old->callid);
		verto_vsip_free(old);
		return;
	}
	if ((o->acts & VXA_NOTIFY) && notify(g, x, g->call, o->code, o->reason))
		LM_WARN("call %s: NOTIFY of the transfer not sent\n", g->call->call_id);
}

static void act(vsip *g, const verto_xfer_out *o)
{
	struct vxfer *x = g->xfer;
	verto_call *c = g->call;
	vsip *old = g;

	if (o->acts & VXA_SWITCH)
		old = switch_dialog(g, x);
	act_notify(g, old, o);
	if ((o->acts & VXA_MEDIA_OFFER) && start_job(g, XJ_OFFER)) {
		feed(g, VXE_OFFER_FAIL, 0, NULL);
		return;
	}
	if ((o->acts & VXA_INVITE) && leg_invite(g, x)) {
		feed(g, VXE_INVITE_FAIL, 0, NULL);
		return;
	}
	if ((o->acts & VXA_MEDIA_ANSWER) &&
		(!x->answer || !x->leg || start_job(g, XJ_ANSWER))) {
		if (!x->answer)
			LM_INFO("call %s: the transfer's 2xx has no SDP\n", c->call_id);
		feed(g, VXE_ANSWER_FAIL, 0, NULL);
		return;
	}
	if (o->acts & (VXA_BYE_NEW | VXA_CANCEL_NEW))
		leg_end(x, (o->acts & VXA_BYE_NEW) != 0);
	if ((o->acts & VXA_MEDIA_REVERT) && start_job(g, XJ_REVERT)) {
		feed(g, VXE_REVERT_DONE, 0, NULL);
		return;
	}
	if (o->acts & VXA_FREE) {
		if (x->leg)
			leg_end(x, 0);
		verto_xfer_free(g);
	}
	if (o->acts & VXA_END_CALL) {
		/* neither dialog is left: the browser hears the end */
		LM_INFO("call %s: the transfer failed after the transferor left: "
				"the call ends\n",
				c->call_id);
		verto_engine_sip_event(verto_vseng, c, VCE_S_BYE, 0, NULL);
	}
}

/* ---------------------------------------------------------------- entries */

/* the Refer-To count and the parse of the only one, the Referred-By check
 * into rq, x->to and x->by */
static void read_refer(sip_msg_t *m, verto_refer_req *rq, struct vxfer *x)
{
	struct hdr_field *h, *rt = NULL;
	int by_seen = 0;

	rq->referto = VRE_EMPTY;
	if (parse_headers(m, HDR_EOH_F, 0) < 0)
		return;
	for (h = m->headers; h; h = h->next) {
		if (h->type == HDR_REFER_TO_T) {
			rq->n_referto++;
			rt = h;
		} else if (h->type == HDR_REFERREDBY_T && !by_seen++) {
			rq->referby_bad =
					verto_referred_by_check(h->body.s, (size_t)h->body.len,
											x->by, sizeof(x->by)) != 0;
		}
	}
	if (rq->n_referto == 1)
		rq->referto =
				verto_refer_to_parse(rt->body.s, (size_t)rt->body.len, &x->to);
}

/* what the call looks like for verto_refer_decide() */
static void call_state(const vsip *g, verto_refer_req *rq)
{
	const verto_call *c = g->call;

	rq->allowed = verto_vscfg.transfer;
	rq->confirmed = g->d.confirmed;
	rq->state = c->fsm.state;
	rq->transferring = g->xfer != NULL;
	rq->busy = verto_engine_call_busy(c) || c->fsm.hold_pending || g->peer_tx ||
			   g->d.peer_reply || g->d.ack_sdp || g->d.ack_kept;
	rq->has_media = g->brow_sdp && g->peer_sdp && verto_vsip_mptag(g)[0];
}

/* the new leg's record and ids; 0 or -1 */
static int xfer_setup(vsip *g, struct vxfer *x, sip_msg_t *m)
{
	unsigned cseq = 0;

	if (!(x->leg = verto_vsip_new(NULL)) ||
		verto_sip_random_hex(x->xtag, sizeof(x->xtag)))
		return -1;
	x->leg->xleg = 1;
	x->leg->owner = g->key;
	verto_dialog_init(&x->leg->d, 0);
	if (x->to.has_replaces &&
		verto_refer_replaces_hdr(&x->to, x->replaces, sizeof(x->replaces)))
		return -1;
	snprintf(x->old_ptag, sizeof(x->old_ptag), "%s", verto_vsip_mptag(g));
	/* RFC 3515 2.4.6: the NOTIFYs of a second REFER in a dialog name it */
	if (g->d.refers > 1 && m->cseq && str2int(&get_cseq(m)->number, &cseq) == 0)
		x->refer_id = cseq;
	verto_xfer_init(&x->fsm);
	return 0;
}

void verto_xfer_refer(vsip *g, unsigned tindex, unsigned tlabel, sip_msg_t *m)
{
	verto_call *c = g->call;
	verto_refer_req rq;
	verto_refer_reply rp;
	struct vxfer *x = calloc(1, sizeof(*x));

	memset(&rq, 0, sizeof(rq));
	if (!x) {
		verto_sip_reply(g, tindex, tlabel, 500, NULL, NULL, NULL);
		return;
	}
	read_refer(m, &rq, x);
	call_state(g, &rq);
	if (!verto_refer_decide(&rq, &rp)) {
		LM_INFO("call %s: REFER from the contact center: %d %s\n", c->call_id,
				rp.code, rp.reason);
		verto_sip_reply(g, tindex, tlabel, rp.code, rp.reason, NULL, NULL);
		free(x);
		return;
	}
	if (xfer_setup(g, x, m)) {
		LM_ERR("call %s: REFER from the contact center: 500 (out of memory "
			   "or no random tag)\n",
			   c->call_id);
		if (x->leg)
			verto_vsip_free(x->leg);
		free(x);
		verto_sip_reply(g, tindex, tlabel, 500, NULL, NULL, NULL);
		return;
	}
	g->xfer = x;
	verto_sip_reply(g, tindex, tlabel, 202, rp.reason, NULL, NULL);
	LM_INFO("call %s: REFER from the contact center accepted: transfer to "
			"%s%s%s\n",
			c->call_id, x->to.uri, x->replaces[0] ? " replacing " : "",
			x->replaces[0] ? x->to.callid : "");
	if (x->to.ignored)
		LM_INFO("call %s: %u header(s) in the Refer-To left out\n", c->call_id,
				x->to.ignored);
	feed(g, VXE_START, 0, NULL);
}

void verto_xfer_reply(vsip *v, int what, int code, sip_msg_t *m)
{
	if (what == VS_XFER_INVITE) {
		if (v->xleg)
			leg_reply(v, code, m);
		return;
	}
	if (code < 200)
		return;
	if (what == VS_XFER_NOTIFY) {
		if (code >= 300)
			LM_INFO("SIP call %s: %d to our NOTIFY of the transfer\n",
					v->callid, code);
		if (v->d.retired && v->bye_after_notify) {
			v->bye_after_notify = 0;
			bye(v, owner_call(v));
		}
	} else if (what == VS_XFER_BYE && !v->call) {
		LM_INFO("SIP call %s: %d to our BYE, that dialog is over\n", v->callid,
				code);
		verto_vsip_free(v);
	}
}

int verto_xfer_old_bye(vsip *g)
{
	if (!g || !g->xfer)
		return 0;
	LM_INFO("call %s: the transferor ended the dialog, the transfer goes on\n",
			g->call->call_id);
	feed(g, VXE_OLD_BYE, 0, NULL);
	return 1;
}

void verto_xfer_retired_end(vsip *v)
{
	LM_INFO("SIP call %s: the transferor ended the dialog the call left\n",
			v->callid);
	verto_vsip_free(v);
}

void verto_xfer_abandon(vsip *g)
{
	if (g && g->xfer)
		feed(g, VXE_HANGUP, 0, NULL);
}

void verto_xfer_free(vsip *g)
{
	struct vxfer *x = g->xfer;

	if (!x)
		return;
	g->xfer = NULL;
	if (x->leg) {
		/* sent: it ends alone on its replies; else it goes now */
		x->leg->owner = 0;
		if (!x->invited)
			verto_vsip_free(x->leg);
	}
	free(x->offer);
	free(x->answer);
	free(x);
}
