/*
 * verto_sip.c - SIP (tm) and media (rtpengine) side of iwg_verto.
 * Contracts in verto_sip.h; the cross-process design in verto_ipc.h.
 *
 * Memory: a call's glue state (vsip) is malloc'd in the WebSocket process
 * and freed in ops.call_freed; its tm dialog (dlg_t) is tm's shm, freed
 * with free_dlg there too. Callback tokens are plain numbers (call key and
 * request kind), so a reply that arrives after its call is gone finds
 * nothing and is dropped; nothing has to be freed by tm.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_cseq.h"
#include "core/parser/parse_from.h"
#include "core/parser/parse_to.h"
#include "core/parser/parse_methods.h"
#include "core/parser/parse_uri.h"
#include "core/ut.h"
#include "modules/sl/sl.h"
#include "modules/tm/tm_load.h"

#include "verto_ipc.h"
#include "verto_sdp.h"
#include "verto_sip.h"
#include "verto_sipid.h"

typedef struct vsip {
	struct vsip *next;
	uint32_t key;
	verto_call *call;
	dlg_t *dlg;
	unsigned inv_idx, inv_label; /* our INVITE, for CANCEL */
	unsigned got_1xx : 1, cancel_pending : 1, confirmed : 1, in_set : 1;
	unsigned inbound : 1;  /* the contact center called: we are the UAS */
	unsigned reattach : 1; /* a verto.attach offer awaits the answer */
	unsigned ack_sdp : 1;  /* our offer went in a 2xx: the ACK answers */
	unsigned ack_cseq;	   /*   the CSeq of that re-INVITE (0: unknown) */
	unsigned lookup : 1;   /* call from SIP: its user is being looked up */
	/* a peer job answers the contact center's re-INVITE/UPDATE (peer_job):
	 * peer_invite: it is a re-INVITE; peer_cancel: BYE or CANCEL came
	 * meanwhile, the reply is 487 */
	unsigned peer_reply : 1, peer_invite : 1, peer_cancel : 1;
	char callid[VERTO_SIPID_MAX + 1];
	char ltag[64];	/* our tag: the browser's leg at rtpengine */
	char rtag[128]; /* the contact center's tag */
	char *offer;	/* the browser's offer (to align the answer) */
	char *sip_sdp;	/* our last SDP toward SIP (re-INVITEs) */
	char *peer_sdp; /* the contact center's last SDP (re-attach offers) */
	char *brow_sdp; /* the browser's last SDP, audio only (re-INVITEs) */
	char *ack_next; /* an ACK's SDP that came while the call was busy */
	/* call from SIP while its user is looked up: what the offer needs */
	char *inv_sdp;
	char inv_name[129], inv_number[129];
} vsip;

static verto_sip_cfg vs_cfg;
static struct tm_binds tmb;
static sl_api_t slb;

/* WebSocket process */
static verto_engine *vs_eng = NULL;
static verto_rtp *vs_rtp = NULL;
static vsip *vs_calls = NULL;
static uint32_t vs_next_key = 0;
static verto_call *vs_current = NULL;
static verto_sip_lookup_f vs_lookup = NULL;
static verto_jobs *vs_pool = NULL; /* media steps */
static verto_jobs *vs_lane = NULL; /* fire-and-forget NG, in order */

static void ack_later(uint32_t key);

#define TOKEN(g, what) (((uint64_t)(g)->key << 8) | (uint64_t)(what))
#define TOKEN_KEY(t)   ((uint32_t)((t) >> 8))
#define TOKEN_WHAT(t)  ((int)((t)&0xff))

int verto_sip_init(const verto_sip_cfg *cfg)
{
	vs_cfg = *cfg;
	if (load_tm_api(&tmb) < 0) {
		LM_ERR("cannot bind tm (load tm.so before iwg_verto.so)\n");
		return -1;
	}
	if (sl_load_api(&slb) < 0) {
		LM_ERR("cannot bind sl (load sl.so before iwg_verto.so)\n");
		return -1;
	}
	return 0;
}

void verto_sip_attach(verto_engine *e, verto_rtp *r, verto_sip_lookup_f look,
					  verto_jobs *pool, verto_jobs *lane)
{
	vs_eng = e;
	vs_rtp = r;
	vs_lookup = look;
	vs_pool = pool;
	vs_lane = lane;
}

verto_call *verto_sip_current(void)
{
	return vs_current;
}

/* ---------------------------------------------------------------- state */

/* a new glue state, in the list; NULL when out of memory */
static vsip *vsip_new(verto_call *c)
{
	vsip *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->key = ++vs_next_key;
	g->call = c;
	g->next = vs_calls;
	vs_calls = g;
	return g;
}

/* unlink and free a glue state (its Call-ID leaves the shared set) */
static void vsip_free(vsip *g)
{
	vsip **pp;
	str cid;

	for (pp = &vs_calls; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	if (g->in_set) {
		cid.s = g->callid;
		cid.len = (int)strlen(g->callid);
		verto_ipc_callid_del(&cid);
	}
	if (g->dlg)
		tmb.free_dlg(g->dlg);
	free(g->offer);
	free(g->sip_sdp);
	free(g->peer_sdp);
	free(g->brow_sdp);
	free(g->ack_next);
	free(g->inv_sdp);
	free(g);
}

static vsip *glue_of(verto_call *c)
{
	vsip *g = c->glue;

	if (g) {
		g->call = c;
		return g;
	}
	g = vsip_new(c);
	c->glue = g;
	return g;
}

static vsip *find_key(uint32_t key)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (g->key == key)
			return g;
	return NULL;
}

void verto_sip_call_freed(void *ctx, verto_call *c)
{
	(void)ctx;
	if (!c->glue)
		return;
	vsip_free(c->glue);
	c->glue = NULL;
}

/* ---------------------------------------------------------------- media */

/* the contact center's SDP: kept for the fresh offers of re-attaches */
static void keep_peer_sdp(vsip *g, const char *sdp)
{
	free(g->peer_sdp);
	g->peer_sdp = strdup(sdp);
}

/* the browser's SDP: kept for the answers to the contact center's
 * re-INVITEs (the browser itself is never asked again) */
static void keep_brow_sdp(vsip *g, const char *sdp)
{
	free(g->brow_sdp);
	g->brow_sdp = sdp ? strdup(sdp) : NULL;
}

/* one NG request of a media step: what is sent, whoever sends it */
typedef struct ng_req {
	int op; /* NGR_* */
	int step;
	int reattach; /* ANSWER_TO_SIP: answers a verto.attach offer */
	char callid[VERTO_SIPID_MAX + 1];
	char from[128], to[128];
	char *sdp; /* malloc'd */
} ng_req;

enum { NGR_OFFER = 1, NGR_ANSWER, NGR_REOFFER };

static const char *const ngr_names[] = {"", "offer", "answer", "re-offer"};

static int ng_send(verto_rtp *r, const ng_req *q, char **out)
{
	switch (q->op) {
	case NGR_OFFER:
		return verto_rtp_offer(r, q->step, q->callid, q->from, q->sdp, out);
	case NGR_ANSWER:
		return verto_rtp_answer(r, q->step, q->callid, q->from, q->to, q->sdp,
								out);
	default:
		return verto_rtp_reoffer(r, q->step, q->callid, q->from, q->to, q->sdp,
								 out);
	}
}

static int ng_fill(ng_req *q, int op, int step, const vsip *g, const char *from,
				   const char *to, const char *sdp)
{
	q->op = op;
	q->step = step;
	snprintf(q->callid, sizeof(q->callid), "%s", g->callid);
	snprintf(q->from, sizeof(q->from), "%s", from);
	snprintf(q->to, sizeof(q->to), "%s", to ? to : "");
	q->sdp = strdup(sdp);
	return q->sdp ? 0 : -1;
}

/*
 * The media step kind for c, before rtpengine: glue state set up, *q the
 * NG request (free q->sdp). 0, or -1 (nothing to send: the step fails).
 *
 * verto.attach (REOFFER_TO_BROWSER): a fresh offer toward the browser on
 * the existing rtpengine call (the contact center's leg re-offers its last
 * SDP with the browser profile), so rtpengine restarts ICE/DTLS toward the
 * new peer connection while the SIP leg keeps its ports: the contact
 * center sees nothing. The browser's answer to it (ANSWER_TO_SIP with
 * g->reattach) goes to rtpengine, and no SDP is sent toward SIP.
 */
static int media_prepare(vsip *g, verto_call *c, int kind, const char *in,
						 ng_req *q)
{
	char *tmp;
	str cid, tag;
	int rc;

	memset(q, 0, sizeof(*q));
	switch (kind) {
	case VERTO_MEDIA_OFFER_TO_SIP:
		tmb.generate_callid(&cid);
		snprintf(g->callid, sizeof(g->callid), "%.*s", cid.len, cid.s);
		cid.s = g->callid;
		cid.len = (int)strlen(g->callid);
		tmb.generate_fromtag(&tag, &cid, NULL);
		snprintf(g->ltag, sizeof(g->ltag), "%.*s", tag.len, tag.s);
		snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", g->callid);
		free(g->offer);
		g->offer = strdup(in);
		if (!g->offer || !(tmp = verto_sdp_audio_only(in))) {
			LM_INFO("call %s: browser offer has no audio\n", c->call_id);
			return -1;
		}
		keep_brow_sdp(g, tmp);
		rc = ng_fill(q, NGR_OFFER, VERTO_RTP_BROWSER_OFFER, g, g->ltag, NULL,
					 tmp);
		free(tmp);
		return rc;
	case VERTO_MEDIA_ANSWER_TO_BROWSER:
		keep_peer_sdp(g, in);
		return ng_fill(q, NGR_ANSWER, VERTO_RTP_SIP_ANSWER, g, g->ltag, g->rtag,
					   in);
	case VERTO_MEDIA_OFFER_TO_BROWSER:
		/* the contact center's offer (its tag) toward the browser */
		keep_peer_sdp(g, in);
		return ng_fill(q, NGR_OFFER, VERTO_RTP_SIP_OFFER, g, g->rtag, NULL, in);
	case VERTO_MEDIA_ANSWER_TO_SIP:
		if (!g->reattach && !g->inbound)
			return -1;
		q->reattach = g->reattach;
		g->reattach = 0;
		return ng_fill(q, NGR_ANSWER, VERTO_RTP_BROWSER_ANSWER, g, g->rtag,
					   g->ltag, in);
	case VERTO_MEDIA_REOFFER_TO_BROWSER:
		if (!g->peer_sdp || !g->rtag[0]) {
			LM_INFO("call %s: no SDP of the contact center to re-attach\n",
					c->call_id);
			return -1;
		}
		return ng_fill(q, NGR_REOFFER, VERTO_RTP_SIP_OFFER, g, g->rtag, g->ltag,
					   g->peer_sdp);
	default:
		LM_WARN("call %s: media step %d not supported yet\n", c->call_id, kind);
		return -1;
	}
}

/* *sdp goes toward SIP: kept for re-INVITEs and handed out as *out */
static int toward_sip(vsip *g, char **sdp, char **out)
{
	free(g->sip_sdp);
	g->sip_sdp = strdup(*sdp);
	*out = *sdp;
	*sdp = NULL;
	return g->sip_sdp ? 0 : -1;
}

/*
 * After rtpengine answered q (rc 0 with ng, taken over) or failed (why):
 * the step's SDP in *out (malloc'd). 0 or -1.
 */
static int media_finish(vsip *g, verto_call *c, int kind, const ng_req *q,
						int rc, char *ng, const char *why, char **out)
{
	*out = NULL;
	if (rc || !ng) {
		LM_ERR("rtpengine %s%s for call %s: %s\n",
			   q->reattach || kind == VERTO_MEDIA_REOFFER_TO_BROWSER
					   ? "re-attach "
					   : "",
			   ngr_names[q->op], c->call_id, why ? why : "no SDP");
		free(ng);
		return -1;
	}
	switch (kind) {
	case VERTO_MEDIA_OFFER_TO_SIP:
		rc = toward_sip(g, &ng, out);
		break;
	case VERTO_MEDIA_ANSWER_TO_BROWSER:
		*out = verto_sdp_align(g->offer, ng);
		rc = *out ? 0 : -1;
		break;
	case VERTO_MEDIA_ANSWER_TO_SIP:
		keep_brow_sdp(g, q->sdp);
		if (q->reattach) {
			/* no SDP toward SIP: a copy of the last one for the engine */
			*out = strdup(g->sip_sdp ? g->sip_sdp : "");
			rc = *out ? 0 : -1;
		} else {
			rc = toward_sip(g, &ng, out);
		}
		break;
	case VERTO_MEDIA_REOFFER_TO_BROWSER:
		g->reattach = 1;
		/* fall through */
	default:
		*out = ng;
		ng = NULL;
		rc = 0;
		break;
	}
	free(ng);
	return rc;
}

int verto_sip_media(void *ctx, verto_call *c, int kind, const char *in,
					char **out)
{
	vsip *g = glue_of(c);
	char *ng = NULL;
	ng_req q;
	int rc;

	(void)ctx;
	*out = NULL;
	if (!g || !in || media_prepare(g, c, kind, in, &q))
		return -1;
	rc = ng_send(vs_rtp, &q, &ng);
	rc = media_finish(g, c, kind, &q, rc, ng, vs_rtp->errstr, out);
	free(q.sdp);
	return rc;
}

/* a media step run by the job pool (verto_sip_media_start) */
typedef struct media_job {
	verto_job job;
	uint32_t key; /* the call's glue */
	int kind;
	ng_req q;
	int rc;
	char *ng;
	char why[160];
} media_job;

static void media_job_run(verto_job *j, void *worker)
{
	media_job *m = (media_job *)j;
	verto_worker *w = worker;

	if (!w || !w->rtp) {
		m->rc = -1;
		snprintf(m->why, sizeof(m->why), "no rtpengine client");
		return;
	}
	m->rc = ng_send(w->rtp, &m->q, &m->ng);
	if (m->rc)
		snprintf(m->why, sizeof(m->why), "%s", w->rtp->errstr);
}

static void media_job_done(verto_job *j, int cancelled)
{
	media_job *m = (media_job *)j;
	vsip *g = cancelled ? NULL : find_key(m->key);
	char *out = NULL;
	int rc;

	if (g && g->call) {
		rc = media_finish(g, g->call, m->kind, &m->q, m->rc, m->ng, m->why,
						  &out);
		m->ng = NULL;
		verto_engine_media_done(vs_eng, g->call, rc, rc ? NULL : out);
		if (rc)
			free(out);
		ack_later(m->key);
	} else if (!cancelled) {
		LM_DBG("rtpengine %s for a call that is gone\n", ngr_names[m->q.op]);
	}
	free(m->ng);
	free(m->q.sdp);
	free(m);
}

/*
 * Whether the pool can take the step is known before media_prepare
 * changes the glue: a full pool refuses it (VERTO_START_BUSY, the step
 * fails, nothing runs in the loop). -1 (the engine runs verto_sip_media)
 * only when nothing was queued for a reason verto_sip_media meets again.
 */
int verto_sip_media_start(void *ctx, verto_call *c, int kind, const char *in)
{
	vsip *g = glue_of(c);
	media_job *m;

	(void)ctx;
	if (!vs_pool || !g || !in)
		return -1;
	if (verto_jobs_full(vs_pool)) {
		LM_WARN("call %s: rtpengine step refused, the job queue is full\n",
				c->call_id);
		return VERTO_START_BUSY;
	}
	if (!(m = calloc(1, sizeof(*m))))
		return VERTO_START_BUSY;
	m->job.run = media_job_run;
	m->job.done = media_job_done;
	m->key = g->key;
	m->kind = kind;
	if (media_prepare(g, c, kind, in, &m->q)) {
		free(m->q.sdp);
		free(m);
		return -1; /* verto_sip_media fails the same way */
	}
	/* the loop is the only submitter: the queue did not fill meanwhile */
	if (verto_jobs_submit(vs_pool, &m->job)) {
		free(m->q.sdp);
		free(m);
		return VERTO_START_BUSY;
	}
	return 0;
}

/* fire-and-forget NG requests, in order (the pool's one-thread lane) */
typedef struct ng_later {
	verto_job job;
	int what; /* NGL_* */
	char callid[VERTO_SIPID_MAX + 1];
	char tag[64];
	char digits[65];
	int arg;						/* DTMF: duration; BLOCK: block */
	char call_id[VERTO_ID_MAX + 1]; /* Verto callID, for the log */
	char why[160];
} ng_later;

enum { NGL_DELETE = 1, NGL_DTMF, NGL_BLOCK };

static void ng_later_run(verto_job *j, void *worker)
{
	ng_later *l = (ng_later *)j;
	verto_worker *w = worker;
	const char *d;
	int rc = 0;

	if (!w || !w->rtp) {
		snprintf(l->why, sizeof(l->why), "no rtpengine client");
		return;
	}
	if (l->what == NGL_DELETE)
		rc = verto_rtp_delete(w->rtp, l->callid);
	else if (l->what == NGL_BLOCK)
		rc = verto_rtp_block(w->rtp, l->callid, l->tag, l->arg);
	else
		for (d = l->digits; *d && !rc; d++)
			rc = verto_rtp_dtmf(w->rtp, l->callid, l->tag, *d, l->arg);
	if (rc)
		snprintf(l->why, sizeof(l->why), "%s", w->rtp->errstr);
}

static void ng_later_done(verto_job *j, int cancelled)
{
	static const char *const names[] = {"", "delete", "play DTMF",
										"block media"};
	ng_later *l = (ng_later *)j;

	if (!cancelled && l->why[0])
		LM_WARN("call %s: rtpengine %s: %s\n", l->call_id, names[l->what],
				l->why);
	free(l);
}

/* queue one; 0, or -1 (then run it here) */
static int ng_later_start(vsip *g, int what, const char *digits, int arg)
{
	ng_later *l;

	if (!vs_lane || !(l = calloc(1, sizeof(*l))))
		return -1;
	l->job.run = ng_later_run;
	l->job.done = ng_later_done;
	l->what = what;
	snprintf(l->callid, sizeof(l->callid), "%s", g->callid);
	snprintf(l->tag, sizeof(l->tag), "%s", g->ltag);
	snprintf(l->digits, sizeof(l->digits), "%s", digits ? digits : "");
	l->arg = arg;
	snprintf(l->call_id, sizeof(l->call_id), "%s",
			 g->call ? g->call->call_id : g->callid);
	if (verto_jobs_submit(vs_lane, &l->job)) {
		free(l);
		return -1;
	}
	return 0;
}

void verto_sip_media_delete(void *ctx, verto_call *c)
{
	vsip *g = c->glue;

	(void)ctx;
	if (!g || !g->callid[0] || ng_later_start(g, NGL_DELETE, NULL, 0) == 0)
		return;
	if (verto_rtp_delete(vs_rtp, g->callid))
		LM_DBG("rtpengine delete for %s: %s\n", c->call_id, vs_rtp->errstr);
}

/* ---------------------------------------------------------------- send */

/* worker or WebSocket process: a reply to one of our requests */
static void uac_cb(struct cell *t, int type, struct tmcb_params *ps)
{
	uint64_t token = (uint64_t)(uintptr_t)*ps->param;
	struct sip_msg *rpl = ps->rpl;
	verto_ev *ev;

	(void)t;
	/* finals come once, with local timeouts too, as LOCAL_COMPLETED */
	if ((type & TMCB_LOCAL_RESPONSE_IN) && ps->code >= 200)
		return;
	if (rpl && rpl != FAKED_REPLY)
		ev = verto_ev_new(VERTO_EV_REPLY, rpl->buf, rpl->len);
	else
		ev = verto_ev_new(VERTO_EV_REPLY, NULL, 0);
	if (!ev)
		return;
	ev->token = token;
	ev->code = ps->code;
	verto_ipc_push(ev);
}

/* "sip:user@host..." from the cc_uri "sip:host..." */
static int cc_uri_for(const char *user, char *buf, size_t sz)
{
	const str *u = &vs_cfg.cc_uri;
	int colon;

	for (colon = 0; colon < u->len && u->s[colon] != ':'; colon++)
		;
	if (colon >= u->len)
		return -1;
	return snprintf(buf, sz, "%.*s:%s@%.*s", colon, u->s, user,
					u->len - colon - 1, u->s + colon + 1) >= (int)sz
				   ? -1
				   : 0;
}

/* send a request in (or, for INVITE, starting) the dialog */
static int send_req(vsip *g, const char *method, const char *hdrs,
					const char *body, int what, int with_ids)
{
	uac_req_t r;
	str m = {(char *)method, (int)strlen(method)};
	str h = {(char *)hdrs, hdrs ? (int)strlen(hdrs) : 0};
	str b = {(char *)body, body ? (int)strlen(body) : 0};
	int rc;

	set_uac_req(&r, &m, hdrs ? &h : NULL, body ? &b : NULL, g->dlg,
				what ? TMCB_LOCAL_COMPLETED | TMCB_LOCAL_RESPONSE_IN : 0,
				what ? uac_cb : NULL, (void *)(uintptr_t)TOKEN(g, what));
	vs_current = g->call;
	if (with_ids)
		rc = tmb.t_uac_with_ids(&r, &g->inv_idx, &g->inv_label);
	else
		rc = tmb.t_request_within(&r);
	vs_current = NULL;
	if (rc <= 0)
		LM_ERR("call %s: cannot send %s\n", g->call->call_id, method);
	return rc > 0 ? 0 : -1;
}

static int send_invite(vsip *g, const char *sdp)
{
	verto_call *c = g->call;
	const verto_identity *id = &c->sess->ident;
	char to[512], hdrs[1024];
	str cid = {g->callid, (int)strlen(g->callid)};
	str ltag = {g->ltag, (int)strlen(g->ltag)};
	str from = {(char *)id->sip_uri, (int)strlen(id->sip_uri)};
	str tou, dn = {(char *)id->display, (int)strlen(id->display)};
	int n;

	if (cc_uri_for(c->dest, to, sizeof(to))) {
		LM_ERR("call %s: destination too long\n", c->call_id);
		return -1;
	}
	tou.s = to;
	tou.len = (int)strlen(to);
	if (tmb.new_dlg_uac(&cid, &ltag, 1, &from, &tou, &g->dlg) < 0) {
		LM_ERR("call %s: cannot create the SIP dialog\n", c->call_id);
		return -1;
	}
	if (dn.len && shm_str_dup(&g->dlg->loc_dname, &dn) < 0)
		return -1;
	if (vs_cfg.add_pai)
		n = snprintf(hdrs, sizeof(hdrs),
					 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n"
					 "P-Asserted-Identity: %s%s%s<%s>\r\n",
					 vs_cfg.contact.len, vs_cfg.contact.s, dn.len ? "\"" : "",
					 id->display, dn.len ? "\" " : "", id->sip_uri);
	else
		n = snprintf(hdrs, sizeof(hdrs),
					 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n",
					 vs_cfg.contact.len, vs_cfg.contact.s);
	if (n < 0 || n >= (int)sizeof(hdrs)) {
		LM_ERR("call %s: INVITE headers too long\n", c->call_id);
		return -1;
	}
	if (verto_ipc_callid_add(&cid) < 0)
		return -1;
	g->in_set = 1;
	return send_req(g, "INVITE", hdrs, sdp, VERTO_SIP_INVITE, 1);
}

static int send_cancel(vsip *g)
{
	if (!g->got_1xx) {
		/* RFC 3261 9.1: no CANCEL before a provisional reply */
		g->cancel_pending = 1;
		return 0;
	}
	g->cancel_pending = 0;
	if (!tmb.t_cancel_uac(NULL, NULL, g->inv_idx, g->inv_label, NULL, NULL)) {
		LM_WARN("call %s: CANCEL not sent (INVITE already completed?)\n",
				g->call->call_id);
		return -1;
	}
	return 0;
}

static int send_reinvite(vsip *g, int held)
{
	char hdrs[512], *sdp;
	int rc;

	if (!g->sip_sdp)
		return -1;
	if (snprintf(hdrs, sizeof(hdrs),
				 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n",
				 vs_cfg.contact.len, vs_cfg.contact.s) >= (int)sizeof(hdrs)) {
		LM_ERR("call %s: re-INVITE headers too long\n", g->call->call_id);
		return -1;
	}
	sdp = verto_sdp_reoffer(g->sip_sdp, held ? "sendonly" : "sendrecv");
	if (!sdp)
		return -1;
	rc = send_req(g, "INVITE", hdrs, sdp, VERTO_SIP_REINVITE, 0);
	/* hold is real: nothing from the browser reaches the agent meanwhile */
	if (rc == 0 && ng_later_start(g, NGL_BLOCK, NULL, held) &&
		verto_rtp_block(vs_rtp, g->callid, g->ltag, held))
		LM_WARN("call %s: rtpengine %s media: %s\n", g->call->call_id,
				held ? "block" : "unblock", vs_rtp->errstr);
	if (rc == 0) {
		free(g->sip_sdp);
		g->sip_sdp = sdp;
	} else {
		free(sdp);
	}
	return rc;
}

static int send_dtmf(vsip *g, const char *digits)
{
	char body[64];
	const char *d;

	/* rtpengine: the digits in order, the result only logged */
	if (vs_cfg.dtmf_mode != VERTO_DTMF_INFO &&
		ng_later_start(g, NGL_DTMF, digits, vs_cfg.dtmf_duration) == 0)
		return 0;
	for (d = digits; *d; d++) {
		if (vs_cfg.dtmf_mode == VERTO_DTMF_INFO) {
			snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%d\r\n", *d,
					 vs_cfg.dtmf_duration);
			if (send_req(g, "INFO", "Content-Type: application/dtmf-relay\r\n",
						 body, 0, 0))
				return -1;
		} else if (verto_rtp_dtmf(vs_rtp, g->callid, g->ltag, *d,
								  vs_cfg.dtmf_duration)) {
			LM_ERR("call %s: rtpengine play DTMF: %s\n", g->call->call_id,
				   vs_rtp->errstr);
			return -1;
		}
	}
	return 0;
}

static int send_refer(vsip *g, const char *dest)
{
	char to[512], hdrs[1024];

	if (cc_uri_for(dest, to, sizeof(to)))
		return -1;
	if (snprintf(hdrs, sizeof(hdrs),
				 "Refer-To: <%s>\r\nReferred-By: <%s>\r\nContact: <%.*s>\r\n",
				 to, g->call->sess ? g->call->sess->ident.sip_uri : "",
				 vs_cfg.contact.len, vs_cfg.contact.s) >= (int)sizeof(hdrs))
		return -1;
	return send_req(g, "REFER", hdrs, NULL, VERTO_SIP_REFER, 0);
}

static vsip *find_callid(const char *callid)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (strcmp(g->callid, callid) == 0)
			return g;
	return NULL;
}

/*
 * attended transfer: REFER in g's dialog whose Refer-To is the remote
 * target of the other call's dialog with Replaces of that dialog's ids as
 * its remote party sees them (RFC 3891: to-tag its own, from-tag ours)
 */
static int send_refer_replaces(vsip *g, const char *other_callid)
{
	vsip *o = find_callid(other_callid);
	char target[512], referto[1024], hdrs[1536];
	dlg_t *d;

	if (!o || o == g || !o->dlg || o->dlg->state != DLG_CONFIRMED) {
		LM_INFO("call %s: the call to replace has no confirmed dialog\n",
				g->call->call_id);
		return -1;
	}
	d = o->dlg;
	if (d->rem_target.len <= 0 || d->rem_target.len >= (int)sizeof(target))
		return -1;
	snprintf(target, sizeof(target), "%.*s", d->rem_target.len,
			 d->rem_target.s);
	if (verto_refer_replaces(target, o->callid, o->rtag, o->ltag, referto,
							 sizeof(referto))) {
		LM_ERR("call %s: cannot build Refer-To for %s\n", g->call->call_id,
			   target);
		return -1;
	}
	if (snprintf(hdrs, sizeof(hdrs),
				 "Refer-To: %s\r\nReferred-By: <%s>\r\nContact: <%.*s>\r\n",
				 referto, g->call->sess ? g->call->sess->ident.sip_uri : "",
				 vs_cfg.contact.len, vs_cfg.contact.s) >= (int)sizeof(hdrs))
		return -1;
	return send_req(g, "REFER", hdrs, NULL, VERTO_SIP_REFER, 0);
}

static const char *reason_of(int code)
{
	switch (code) {
	case 180:
		return "Ringing";
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 408:
		return "Request Timeout";
	case 480:
		return "Temporarily Unavailable";
	case 481:
		return "Call/Transaction Does Not Exist";
	case 486:
		return "Busy Here";
	case 487:
		return "Request Terminated";
	case 488:
		return "Not Acceptable Here";
	case 491:
		return "Request Pending";
	case 503:
		return "Service Unavailable";
	case 603:
		return "Decline";
	default:
		return code < 300 ? "OK" : "Server Internal Error";
	}
}

/* a reply on a server transaction a worker created (idx, label): the
 * contact center's INVITE, re-INVITE or UPDATE; body: SDP or NULL;
 * extra: more header lines (CRLF-terminated) or NULL */
static int reply_trans_hdr(vsip *g, unsigned idx, unsigned label, int code,
						   const char *body, const char *extra)
{
	struct cell *t = NULL;
	char hdrs[512];
	str reason = {(char *)reason_of(code), (int)strlen(reason_of(code))};
	str h, b = {(char *)body, body ? (int)strlen(body) : 0}, tag = {0, 0};
	int rc;

	if (tmb.t_lookup_ident(&t, idx, label) < 0 || !t) {
		LM_WARN("SIP call %s: the transaction is gone, %d not sent\n",
				g ? g->callid : "?", code);
		return -1;
	}
	h.s = hdrs;
	h.len = snprintf(hdrs, sizeof(hdrs), "Contact: <%.*s>\r\n%s%s",
					 vs_cfg.contact.len, vs_cfg.contact.s,
					 body ? "Content-Type: application/sdp\r\n" : "",
					 extra ? extra : "");
	if (h.len < 0 || h.len >= (int)sizeof(hdrs)) {
		LM_ERR("SIP call %s: reply headers too long, %d not sent\n",
			   g ? g->callid : "?", code);
		return -1;
	}
	if (g && g->dlg)
		tag = g->dlg->id.loc_tag;
	rc = tmb.t_reply_with_body(t, code, &reason, body ? &b : NULL, &h, &tag);
	tmb.t_sett(T_UNDEFINED, T_BR_UNDEFINED);
	if (rc < 0) {
		LM_ERR("SIP call %s: cannot send %d\n", g ? g->callid : "?", code);
		return -1;
	}
	return 0;
}

static int reply_trans(vsip *g, unsigned idx, unsigned label, int code,
					   const char *body)
{
	return reply_trans_hdr(g, idx, label, code, body, NULL);
}

/*
 * 500 with Retry-After (0 to 10 s, at random): an INVITE or UPDATE that
 * came before our final reply to the contact center's earlier one (RFC
 * 3261 14.2, RFC 3311 5.2), or out of order (RFC 3261 12.2.2)
 */
static int reply_retry(vsip *g, unsigned idx, unsigned label)
{
	char ra[32];

	snprintf(ra, sizeof(ra), "Retry-After: %d\r\n", rand() % 11);
	return reply_trans_hdr(g, idx, label, 500, NULL, ra);
}

/* a reply to the contact center's INVITE (an inbound call's server
 * transaction, created by the worker); body: the SDP of a 200 */
static int send_reply(vsip *g, int code, const char *body)
{
	if (reply_trans(g, g->inv_idx, g->inv_label, code, body))
		return -1;
	if (code >= 200 && code < 300)
		g->confirmed = 1;
	return 0;
}

int verto_sip_op(void *ctx, verto_call *c, int what, int code, const char *sdp,
				 const char *text)
{
	vsip *g = glue_of(c);

	(void)ctx;
	if (!g)
		return -1;
	if (!g->dlg && what != VERTO_SIP_INVITE) {
		LM_WARN("call %s: no SIP dialog for operation %d\n", c->call_id, what);
		return -1;
	}
	switch (what) {
	case VERTO_SIP_INVITE:
		return sdp ? send_invite(g, sdp) : -1;
	case VERTO_SIP_CANCEL:
		return send_cancel(g);
	case VERTO_SIP_BYE:
		if (g->dlg->state != DLG_CONFIRMED)
			return send_cancel(g);
		return send_req(g, "BYE", NULL, NULL, 0, 0);
	case VERTO_SIP_REPLY:
		return g->inbound ? send_reply(g, code, sdp) : -1;
	case VERTO_SIP_REINVITE:
		return send_reinvite(g, c->fsm.held);
	case VERTO_SIP_DTMF:
		return text ? send_dtmf(g, text) : -1;
	case VERTO_SIP_REFER:
		return text ? send_refer(g, text) : -1;
	case VERTO_SIP_REFER_REPLACES:
		return text ? send_refer_replaces(g, text) : -1;
	default:
		LM_WARN("call %s: SIP operation %d not supported yet\n", c->call_id,
				what);
		return -1;
	}
}

/* ---------------------------------------------------------------- events */

/* NUL-terminated copy of the body, or NULL when there is none */
static char *body_of(sip_msg_t *m)
{
	char *b = get_body(m);
	int len;

	if (!b)
		return NULL;
	len = (int)(m->buf + m->len - b);
	return len > 0 ? strndup(b, (size_t)len) : NULL;
}

static void invite_reply(vsip *g, int code, sip_msg_t *m)
{
	verto_call *c = g->call;
	struct to_body *to;
	char *sdp = NULL;

	if (m && parse_headers(m, HDR_TO_F, 0) == 0 && m->to && (to = get_to(m)) &&
		to->tag_value.len && (code >= 200 || !g->rtag[0]))
		snprintf(g->rtag, sizeof(g->rtag), "%.*s", to->tag_value.len,
				 to->tag_value.s);
	if (code < 200) {
		g->got_1xx = 1;
		if (g->cancel_pending) {
			send_cancel(g);
			return;
		}
		if (code == 100 || !m)
			return;
		if (g->dlg->state == DLG_NEW && g->rtag[0])
			tmb.dlg_response_uac(g->dlg, m, IS_NOT_TARGET_REFRESH);
		sdp = body_of(m);
		verto_engine_sip_event(vs_eng, c, sdp ? VCE_S_EARLY : VCE_S_PROGRESS,
							   code, sdp);
	} else if (code < 300) {
		if (m && tmb.dlg_response_uac(g->dlg, m, IS_TARGET_REFRESH) < 0)
			LM_WARN("call %s: cannot update the dialog from the 2xx\n",
					c->call_id);
		g->confirmed = 1;
		sdp = m ? body_of(m) : NULL;
		verto_engine_sip_event(vs_eng, c, VCE_S_ANSWER, code, sdp);
	} else {
		verto_engine_sip_event(vs_eng, c, VCE_S_FAILURE, code, NULL);
	}
	free(sdp); /* c and g may be gone now */
}

/* the reason phrase of a reply, NUL-terminated (static buffer) */
static const char *reply_reason(sip_msg_t *m)
{
	static char r[64];

	snprintf(r, sizeof(r), "%.*s", m->first_line.u.reply.reason.len,
			 m->first_line.u.reply.reason.s);
	return r;
}

static void on_reply(verto_ev *ev)
{
	vsip *g = find_key(TOKEN_KEY(ev->token));
	sip_msg_t msg, *m = NULL;

	if (!g) {
		LM_DBG("reply %d for a call that is gone\n", ev->code);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	if (ev->len) {
		msg.buf = ev->buf;
		msg.len = ev->len;
		if (parse_msg(ev->buf, ev->len, &msg) != 0) {
			LM_WARN("call %s: reply %d not parsable\n", g->call->call_id,
					ev->code);
			free_sip_msg(&msg);
			return;
		}
		m = &msg;
	}
	switch (TOKEN_WHAT(ev->token)) {
	case VERTO_SIP_INVITE:
		invite_reply(g, ev->code, m);
		break;
	case VERTO_SIP_REINVITE:
		if (ev->code < 200)
			break;
		if (ev->code < 300 && m)
			tmb.dlg_response_uac(g->dlg, m, IS_TARGET_REFRESH);
		verto_engine_sip_event(vs_eng, g->call,
							   ev->code < 300 ? VCE_S_REINVITE_OK
											  : VCE_S_REINVITE_FAIL,
							   ev->code, NULL);
		break;
	case VERTO_SIP_REFER:
		/* a refused REFER is the transfer's final outcome */
		if (ev->code >= 300 && m)
			verto_engine_transfer_status(vs_eng, g->call, ev->code,
										 reply_reason(m));
		LM_INFO("call %s: %d to REFER\n", g->call->call_id, ev->code);
		break;
	default:
		LM_INFO("call %s: %d to request kind %d\n", g->call->call_id, ev->code,
				TOKEN_WHAT(ev->token));
		break;
	}
	if (m)
		free_sip_msg(m);
}

/* "name" and number (URI user) of the caller from the From header */
static void caller_of(sip_msg_t *m, char *name, size_t namesz, char *number,
					  size_t numsz)
{
	struct to_body *f;
	struct sip_uri pu;
	str d;

	if (parse_from_header(m) < 0 || !(f = get_from(m)))
		return;
	d = f->display;
	if (d.len >= 2 && d.s[0] == '"' && d.s[d.len - 1] == '"') {
		d.s++;
		d.len -= 2;
	}
	if (d.len > 0 && (size_t)d.len < namesz)
		snprintf(name, namesz, "%.*s", d.len, d.s);
	if (parse_uri(f->uri.s, f->uri.len, &pu) == 0 && pu.user.len > 0 &&
		(size_t)pu.user.len < numsz)
		snprintf(number, numsz, "%.*s", pu.user.len, pu.user.s);
}

/* an initial INVITE toward a PaaS user (verto_sip_invite in a worker):
 * the user is looked up by the job pool, verto_sip_lookup_done goes on */
static void on_invite(verto_ev *ev, sip_msg_t *m)
{
	vsip *g = vsip_new(NULL);
	int status = 500;

	if (!g) {
		LM_ERR("out of memory: INVITE for %s left unanswered\n", ev->key);
		return;
	}
	g->inbound = 1;
	g->in_set = 1;
	g->inv_idx = ev->tindex;
	g->inv_label = ev->tlabel;
	snprintf(g->callid, sizeof(g->callid), "%.*s", m->callid->body.len,
			 m->callid->body.s);
	if (tmb.new_dlg_uas(m, 200, &g->dlg) < 0) {
		LM_ERR("SIP call %s: cannot create the dialog\n", g->callid);
		g->dlg = NULL;
		goto fail;
	}
	snprintf(g->ltag, sizeof(g->ltag), "%.*s", g->dlg->id.loc_tag.len,
			 g->dlg->id.loc_tag.s);
	snprintf(g->rtag, sizeof(g->rtag), "%.*s", g->dlg->id.rem_tag.len,
			 g->dlg->id.rem_tag.s);
	caller_of(m, g->inv_name, sizeof(g->inv_name), g->inv_number,
			  sizeof(g->inv_number));
	g->inv_sdp = body_of(m);
	g->lookup = 1;
	if (vs_lookup && vs_lookup(ev->key, g->key) == 0)
		return;
	g->lookup = 0;
	/* never looked up in the loop: the caller tries again later */
	LM_WARN("SIP call %s: cannot look %s up (job queue full?): 503\n",
			g->callid, ev->key);
	reply_trans_hdr(g, g->inv_idx, g->inv_label, 503, NULL,
					"Retry-After: 5\r\n");
	vsip_free(g);
	return;
fail:
	send_reply(g, status, NULL);
	vsip_free(g);
}

void verto_sip_lookup_done(uint32_t key, int found, const char *user)
{
	vsip *g = find_key(key);
	verto_call *c;
	int status;

	if (!g || !g->lookup) {
		LM_DBG("user lookup for a SIP call that is gone\n");
		return;
	}
	g->lookup = 0;
	if (found) {
		LM_INFO("SIP call %s: %s\n", g->callid,
				found > 0 ? "no such PaaS user"
						  : "user unknown (identity store down)");
		status = found > 0 ? 404 : 503;
		goto fail;
	}
	status = 500;
	c = verto_engine_sip_invite(vs_eng, g->callid, user, g->inv_name,
								g->inv_number, g->inv_sdp ? g->inv_sdp : "", g,
								&status);
	free(g->inv_sdp);
	g->inv_sdp = NULL;
	if (c) {
		g->call = c;
		send_reply(g, 180, NULL);
		return;
	}
	if (!status)
		return; /* answered and released while being offered */
	LM_INFO("SIP call %s for %s: %d\n", g->callid, user, status);
fail:
	send_reply(g, status, NULL);
	vsip_free(g);
}

/* a call from SIP whose user is still being looked up, by Call-ID */
static vsip *find_lookup(const char *callid)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (g->lookup && strcmp(g->callid, callid) == 0)
			return g;
	return NULL;
}

/* a NOTIFY's sipfrag "SIP/2.0 200 OK\r\n..." -> verto.info to the browser */
static void transfer_progress(verto_call *c, const char *frag)
{
	char reason[64] = "";
	int code = 0;

	if (!frag || sscanf(frag, "SIP/2.0 %3d %63[^\r\n]", &code, reason) < 1)
		return;
	if (verto_engine_transfer_status(vs_eng, c, code, reason) == 0)
		LM_INFO("call %s: transfer status %d sent to the browser\n", c->call_id,
				code);
}

/* the P-Asserted-Identity headers of a request in the dialog (joined) ->
 * verto.display when the browser was told something else */
/* the (name, number) of m's P-Asserted-Identity; 0, or -1 when none */
static int pai_of(sip_msg_t *m, const char *call_id, char *name, size_t namesz,
				  char *number, size_t numsz)
{
	struct hdr_field *h;
	char val[1024];
	int n = 0;

	if (parse_headers(m, HDR_EOH_F, 0) < 0)
		return -1;
	for (h = m->headers; h; h = h->next) {
		if (h->type != HDR_PAI_T)
			continue;
		if (n + h->body.len + 2 >= (int)sizeof(val))
			break;
		n += snprintf(val + n, sizeof(val) - n, "%s%.*s", n ? "," : "",
					  h->body.len, h->body.s);
	}
	if (!n)
		return -1;
	if (verto_pai_parse(val, (size_t)n, name, namesz, number, numsz)) {
		LM_INFO("call %s: P-Asserted-Identity not understood\n", call_id);
		return -1;
	}
	return 0;
}

static void display_to(verto_call *c, const char *name, const char *number)
{
	if (verto_engine_display(vs_eng, c, name, number) == 0)
		LM_INFO("call %s: connected line sent to the browser\n", c->call_id);
}

static void connected_line(verto_call *c, sip_msg_t *m)
{
	char name[129], number[129];

	if (pai_of(m, c->call_id, name, sizeof(name), number, sizeof(number)) == 0)
		display_to(c, name, number);
}

/*
 * the contact center's new SDP (re-INVITE, UPDATE, ACK): rtpengine learns
 * it as an offer from its leg toward the browser's, answered with the
 * browser's last SDP (the browser itself is not asked again); *out (when
 * out is not NULL) is our answer toward SIP: rtpengine's, with the
 * direction that matches the offer's and our o= session. 0 or -1.
 */
static int peer_update(vsip *g, const char *sdp, char **out)
{
	verto_call *c = g->call;
	char *brow = NULL, *ans = NULL;
	const char *dir = verto_sdp_direction(sdp);
	int rc = -1;

	if (!dir || !g->brow_sdp || !g->rtag[0]) {
		LM_INFO("call %s: no SDP to answer the contact center with\n",
				c->call_id);
		return -1;
	}
	if (verto_rtp_reoffer(vs_rtp, VERTO_RTP_SIP_OFFER, g->callid, g->rtag,
						  g->ltag, sdp, &brow) ||
		verto_rtp_answer(vs_rtp, VERTO_RTP_BROWSER_ANSWER, g->callid, g->rtag,
						 g->ltag, g->brow_sdp, &ans)) {
		LM_ERR("rtpengine for the contact center's new SDP of call %s: %s\n",
			   c->call_id, vs_rtp->errstr);
		goto out;
	}
	keep_peer_sdp(g, sdp);
	if (out) {
		*out = verto_sdp_next(g->sip_sdp, ans,
							  verto_sdp_answer_dir(dir, c->fsm.held));
		if (!*out)
			goto out;
		free(g->sip_sdp);
		g->sip_sdp = strdup(*out);
	}
	rc = 0;
out:
	free(brow);
	free(ans);
	return rc;
}

/* the CSeq number of a request: 0, or -1 */
static int cseq_of(sip_msg_t *m, unsigned *n)
{
	if (parse_headers(m, HDR_CSEQ_F, 0) < 0 || !m->cseq ||
		str2int(&get_cseq(m)->number, n) < 0)
		return -1;
	return 0;
}

/*
 * The contact center's new SDP through the job pool: the call waits (its
 * other events queue in the engine) until rtpengine has answered; then
 * the re-INVITE or UPDATE is answered as peer_update() would (an ACK's
 * SDP gets no reply) and the connected line goes to the browser.
 */
typedef struct peer_job {
	verto_job job;
	uint32_t key;
	int reply; /* a re-INVITE or UPDATE waits for its final reply */
	int is_invite;
	unsigned tindex, tlabel;
	char callid[VERTO_SIPID_MAX + 1];
	char rtag[128], ltag[64];
	char *sdp, *brow; /* the contact center's new SDP; the browser's */
	int has_pai;
	char name[129], number[129];
	int rc;
	char *ans;
	char why[160];
} peer_job;

static void peer_job_run(verto_job *j, void *worker)
{
	peer_job *p = (peer_job *)j;
	verto_worker *w = worker;
	char *brow = NULL;

	p->rc = -1;
	if (!w || !w->rtp) {
		snprintf(p->why, sizeof(p->why), "no rtpengine client");
		return;
	}
	p->rc = verto_rtp_reoffer(w->rtp, VERTO_RTP_SIP_OFFER, p->callid, p->rtag,
							  p->ltag, p->sdp, &brow) ||
			verto_rtp_answer(w->rtp, VERTO_RTP_BROWSER_ANSWER, p->callid,
							 p->rtag, p->ltag, p->brow, &p->ans);
	if (p->rc)
		snprintf(p->why, sizeof(p->why), "%s", w->rtp->errstr);
	free(brow);
}

static void peer_job_free(peer_job *p)
{
	free(p->sdp);
	free(p->brow);
	free(p->ans);
	free(p);
}

static void peer_job_done(verto_job *j, int cancelled)
{
	peer_job *p = (peer_job *)j;
	vsip *g = cancelled ? NULL : find_key(p->key);
	verto_call *c = g ? g->call : NULL;
	uint32_t key = p->key;
	char *mine = NULL;
	int code = 488;

	if (!c) {
		if (!cancelled && p->reply)
			reply_trans(NULL, p->tindex, p->tlabel, 481, NULL);
		peer_job_free(p);
		return;
	}
	if (p->reply && g->peer_cancel) {
		/* a BYE or CANCEL came meanwhile: the request ends unanswered */
		code = 487;
	} else if (p->rc) {
		LM_ERR("rtpengine for the contact center's new SDP of call %s: %s\n",
			   c->call_id, p->why);
	} else {
		keep_peer_sdp(g, p->sdp);
		mine = verto_sdp_next(
				g->sip_sdp, p->ans,
				verto_sdp_answer_dir(verto_sdp_direction(p->sdp), c->fsm.held));
		if (mine) {
			free(g->sip_sdp);
			g->sip_sdp = strdup(mine);
			code = 200;
		}
	}
	if (p->reply) {
		LM_INFO("call %s: %s from the contact center with SDP: %d\n",
				c->call_id, p->is_invite ? "re-INVITE" : "UPDATE", code);
		reply_trans(g, p->tindex, p->tlabel, code, code == 200 ? mine : NULL);
		if (code < 300 && p->has_pai)
			display_to(c, p->name, p->number);
	} else if (code == 200) {
		LM_INFO("call %s: the ACK's SDP went to rtpengine\n", c->call_id);
	}
	if (p->reply)
		g->peer_reply = g->peer_invite = g->peer_cancel = 0;
	free(mine);
	peer_job_free(p);
	verto_engine_call_resume(vs_eng, c); /* may free c */
	ack_later(key);
}

/*
 * peer_update through the pool: 0 when started (the reply, if any, is
 * sent on completion), -1 when it cannot start (nothing was done),
 * VERTO_JOBS_FULL when the pool refused it (nothing was done: the caller
 * does not run peer_update in the loop either).
 */
static int peer_update_start(vsip *g, verto_ev *ev, sip_msg_t *m,
							 const char *sdp, int reply)
{
	verto_call *c = g->call;
	peer_job *p;
	int rc;

	if (!vs_pool || !verto_sdp_direction(sdp) || !g->brow_sdp || !g->rtag[0])
		return -1;
	if (verto_jobs_full(vs_pool))
		return VERTO_JOBS_FULL;
	if (!(p = calloc(1, sizeof(*p))))
		return -1;
	p->job.run = peer_job_run;
	p->job.done = peer_job_done;
	p->key = g->key;
	p->reply = reply;
	if (ev) {
		p->is_invite = ev->method == METHOD_INVITE;
		p->tindex = ev->tindex;
		p->tlabel = ev->tlabel;
	}
	snprintf(p->callid, sizeof(p->callid), "%s", g->callid);
	snprintf(p->rtag, sizeof(p->rtag), "%s", g->rtag);
	snprintf(p->ltag, sizeof(p->ltag), "%s", g->ltag);
	p->sdp = strdup(sdp);
	p->brow = strdup(g->brow_sdp);
	if (reply)
		p->has_pai = pai_of(m, c->call_id, p->name, sizeof(p->name), p->number,
							sizeof(p->number)) == 0;
	if (!p->sdp || !p->brow || verto_engine_call_wait(vs_eng, c)) {
		peer_job_free(p);
		return -1;
	}
	if ((rc = verto_jobs_submit(vs_pool, &p->job))) {
		peer_job_free(p);
		verto_engine_call_resume(vs_eng, c);
		return rc;
	}
	if (reply) {
		g->peer_reply = 1;
		g->peer_invite = p->is_invite;
		g->peer_cancel = 0;
	}
	return 0;
}

/*
 * An ACK's SDP kept while the call was busy (on_ack): to rtpengine
 * through the pool once the call is free again; stays kept while busy.
 */
static void ack_later(uint32_t key)
{
	vsip *g = find_key(key);
	char *sdp;

	if (!g || !g->call || !g->ack_next || verto_engine_call_busy(g->call))
		return;
	sdp = g->ack_next;
	g->ack_next = NULL;
	if (peer_update_start(g, NULL, NULL, sdp, 0))
		LM_ERR("call %s: the ACK's SDP cannot go to rtpengine\n",
			   g->call->call_id);
	free(sdp);
}

/*
 * re-INVITE or UPDATE from the contact center (its server transaction
 * made by the worker): with SDP, answered from rtpengine (peer_update);
 * a re-INVITE without SDP gets our last SDP as the offer (the ACK brings
 * the answer); an UPDATE without SDP just 200. Then the connected line.
 */
static void on_modify(vsip *g, verto_ev *ev, sip_msg_t *m)
{
	verto_call *c = g->call;
	char *sdp = body_of(m), *mine = NULL;
	int code = 200, rc;

	if (c->fsm.state != VCS_ACTIVE) {
		/* a 2xx to a re-INVITE without SDP must carry an offer */
		code = sdp ? 488 : ev->method == METHOD_INVITE ? 491 : 200;
	} else if ((sdp || ev->method == METHOD_INVITE) &&
			   (c->fsm.hold_pending || g->ack_sdp)) {
		code = 491; /* our own offer is out (re-INVITE, 2xx): glare */
	} else if ((sdp || ev->method == METHOD_INVITE) && verto_engine_call_busy(c) &&
			   g->peer_reply) {
		/* their earlier re-INVITE/UPDATE is still being answered */
		LM_INFO("call %s: %s from the contact center before our reply to "
				"the previous one: 500\n",
				c->call_id,
				ev->method == METHOD_INVITE ? "re-INVITE" : "UPDATE");
		reply_retry(g, ev->tindex, ev->tlabel);
		free(sdp);
		return;
	} else if ((sdp || ev->method == METHOD_INVITE) && verto_engine_call_busy(c)) {
		code = 491; /* the call waits for rtpengine: try again */
	} else if (sdp) {
		rc = peer_update_start(g, ev, m, sdp, 1);
		if (rc == 0) {
			free(sdp);
			return; /* answered by peer_job_done */
		}
		if (rc == VERTO_JOBS_FULL) {
			LM_WARN("call %s: %s from the contact center with SDP: the job "
					"queue is full: 500\n",
					c->call_id,
					ev->method == METHOD_INVITE ? "re-INVITE" : "UPDATE");
			reply_retry(g, ev->tindex, ev->tlabel);
			free(sdp);
			return;
		}
		if (peer_update(g, sdp, &mine))
			code = 488;
	} else if (ev->method == METHOD_INVITE) {
		mine = g->sip_sdp
					   ? verto_sdp_next(g->sip_sdp, NULL,
										c->fsm.held ? "sendonly" : "sendrecv")
					   : NULL;
		if (mine) {
			free(g->sip_sdp);
			g->sip_sdp = strdup(mine);
			g->ack_sdp = 1;
			if (cseq_of(m, &g->ack_cseq))
				g->ack_cseq = 0;
		} else {
			code = 500;
		}
	}
	LM_INFO("call %s: %s from the contact center%s: %d\n", c->call_id,
			ev->method == METHOD_INVITE ? "re-INVITE" : "UPDATE",
			sdp ? " with SDP" : "", code);
	reply_trans(g, ev->tindex, ev->tlabel, code, code == 200 ? mine : NULL);
	if (code < 300)
		connected_line(c, m);
	free(sdp);
	free(mine);
}

/* ACK of our 2xx to a re-INVITE without SDP: its SDP answers our offer */
static void on_ack(vsip *g, sip_msg_t *m)
{
	unsigned cseq;
	char *sdp;
	int rc;

	if (!g->ack_sdp)
		return;
	if (g->ack_cseq && cseq_of(m, &cseq) == 0 && cseq != g->ack_cseq)
		return; /* the ACK of another reply (a 491 or 500) */
	g->ack_sdp = 0;
	sdp = body_of(m);
	if (!sdp)
		LM_WARN("call %s: the ACK brings no answer to our offer\n",
				g->call->call_id);
	if (sdp && verto_engine_call_busy(g->call)) {
		/* after the running job (ack_later): no NG request from here */
		free(g->ack_next);
		g->ack_next = sdp;
		return;
	}
	rc = sdp ? peer_update_start(g, NULL, m, sdp, 0) : -1;
	if (rc == 0 || rc == VERTO_JOBS_FULL) {
		if (rc)
			LM_ERR("call %s: the ACK's SDP cannot go to rtpengine: the job "
				   "queue is full\n",
				   g->call->call_id);
		free(sdp);
		return;
	}
	if (sdp && peer_update(g, sdp, NULL) == 0)
		LM_INFO("call %s: the ACK's SDP went to rtpengine\n", g->call->call_id);
	free(sdp);
}

/*
 * RFC 3261 12.2.2: an in-dialog request whose CSeq is not above the last
 * one from the contact center is out of order (or a retransmission that
 * tm did not absorb). 1 then, 0 otherwise (or no CSeq to compare).
 */
static int out_of_order(vsip *g, sip_msg_t *m)
{
	unsigned int cseq;

	if (!g->dlg || !g->dlg->rem_seq.is_set || cseq_of(m, &cseq))
		return 0;
	return cseq <= g->dlg->rem_seq.value;
}

static void on_request(verto_ev *ev)
{
	sip_msg_t msg;
	verto_call *c;
	vsip *g = NULL;
	char cid[VERTO_SIPID_MAX + 1];

	memset(&msg, 0, sizeof(msg));
	msg.buf = ev->buf;
	msg.len = ev->len;
	if (parse_msg(ev->buf, ev->len, &msg) != 0 ||
		parse_headers(&msg, HDR_CALLID_F, 0) < 0 || !msg.callid) {
		free_sip_msg(&msg);
		return;
	}
	snprintf(cid, sizeof(cid), "%.*s", msg.callid->body.len,
			 msg.callid->body.s);
	if (ev->method == METHOD_INVITE && ev->key[0]) {
		on_invite(ev, &msg);
		free_sip_msg(&msg);
		return;
	}
	c = verto_engine_find_sip(vs_eng, cid);
	if (c && (g = glue_of(c)) && ev->method != METHOD_ACK &&
		ev->method != METHOD_CANCEL && ev->method != METHOD_BYE &&
		out_of_order(g, &msg)) {
		/* a re-INVITE or UPDATE gets 500; a NOTIFY or INFO (answered
		 * 200 by the worker) is dropped. A BYE, answered 200 as well,
		 * is not checked: it still ends the call */
		LM_NOTICE("call %s: in-dialog request out of order (CSeq)\n",
				  c->call_id);
		if (ev->method == METHOD_INVITE || ev->method == METHOD_UPDATE)
			reply_retry(g, ev->tindex, ev->tlabel);
		free_sip_msg(&msg);
		return;
	}
	if (c && g && g->dlg && ev->method != METHOD_ACK &&
		ev->method != METHOD_CANCEL)
		/* CSeq, and the remote target a re-INVITE or UPDATE may change */
		tmb.dlg_request_uas(g->dlg, &msg,
							ev->method == METHOD_INVITE ||
											ev->method == METHOD_UPDATE
									? IS_TARGET_REFRESH
									: IS_NOT_TARGET_REFRESH);
	if (!c && ev->method == METHOD_CANCEL && (g = find_lookup(cid))) {
		LM_INFO("SIP call %s cancelled before it was offered\n", cid);
		send_reply(g, 487, NULL);
		vsip_free(g);
	} else if (!c) {
		LM_DBG("request for a call that is gone\n");
		if (ev->method == METHOD_INVITE || ev->method == METHOD_UPDATE)
			reply_trans(NULL, ev->tindex, ev->tlabel, 481, NULL);
	} else if (!g) {
		LM_ERR("call %s: out of memory\n", c->call_id);
		if (ev->method == METHOD_INVITE || ev->method == METHOD_UPDATE)
			reply_trans(NULL, ev->tindex, ev->tlabel, 500, NULL);
	} else if (ev->method == METHOD_INVITE || ev->method == METHOD_UPDATE) {
		on_modify(g, ev, &msg);
	} else if (ev->method == METHOD_ACK) {
		on_ack(g, &msg);
	} else if (ev->method == METHOD_BYE) {
		g->peer_cancel = g->peer_reply; /* pending re-INVITE/UPDATE: 487 */
		verto_engine_sip_event(vs_eng, c, VCE_S_BYE, 0, NULL);
	} else if (ev->method == METHOD_CANCEL) {
		if (g->peer_reply && g->peer_invite)
			g->peer_cancel = 1; /* of the re-INVITE being answered */
		verto_engine_sip_event(vs_eng, c, VCE_S_CANCEL, 0, NULL);
	} else if (ev->method == METHOD_NOTIFY) {
		char *b = body_of(&msg);
		LM_INFO("call %s: transfer progress %.40s\n", c->call_id,
				b ? b : "(no body)");
		transfer_progress(c, b);
		free(b);
	}
	free_sip_msg(&msg);
}

void verto_sip_events(void)
{
	verto_ev *ev = verto_ipc_take(), *next;

	for (; ev; ev = next) {
		next = ev->next;
		if (ev->type == VERTO_EV_REPLY)
			on_reply(ev);
		else if (ev->type == VERTO_EV_REQUEST)
			on_request(ev);
		else if (ev->type == VERTO_EV_KICK &&
				 verto_engine_kick(vs_eng, ev->key) == 0)
			LM_INFO("verto session %s kicked (RPC)\n", ev->key);
		verto_ev_free(ev);
	}
}

/* ---------------------------------------------------------------- workers */

static void reply(sip_msg_t *msg, int code, const char *reason)
{
	str r = {(char *)reason, (int)strlen(reason)};

	if (slb.freply(msg, code, &r) < 0)
		LM_ERR("cannot send %d\n", code);
}

/*
 * re-INVITE or UPDATE in a call: a server transaction here (a
 * retransmission is absorbed), kept open with a blind branch; the
 * WebSocket process answers it once rtpengine has seen the SDP
 */
static int dialog_request(sip_msg_t *msg, int method)
{
	unsigned idx = 0, label = 0;
	verto_ev *ev;
	int rc = tmb.t_newtran(msg);

	if (rc == 0)
		return 1;
	if (rc < 0) {
		LM_ERR("cannot create the transaction of an in-dialog request\n");
		reply(msg, 500, "Server Internal Error");
		return 1;
	}
	if (method == METHOD_INVITE)
		tmb.t_reply(msg, 100, "Trying");
	if (tmb.t_addblind() < 0 || tmb.t_get_trans_ident(msg, &idx, &label) < 0) {
		tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev) {
		tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev->method = method;
	ev->tindex = idx;
	ev->tlabel = label;
	if (verto_ipc_push(ev) < 0)
		tmb.t_reply(msg, 503, "Service Unavailable");
	return 1;
}

/* an ACK goes on: with a body, the answer to the offer in our 2xx; one
 * without ends that offer too (read by on_ack) */
static int dialog_ack(sip_msg_t *msg)
{
	verto_ev *ev;

	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (ev) {
		ev->method = METHOD_ACK;
		verto_ipc_push(ev);
	}
	return 1;
}

int verto_sip_request(sip_msg_t *msg)
{
	int method;
	verto_ev *ev;

	if (msg->first_line.type != SIP_REQUEST ||
		parse_headers(msg, HDR_CALLID_F | HDR_TO_F, 0) < 0 || !msg->callid ||
		!verto_ipc_callid_has(&msg->callid->body))
		return -1;
	method = msg->first_line.u.request.method_value;
	switch (method) {
	case METHOD_ACK:
		return dialog_ack(msg);
	case METHOD_INVITE:
		if (msg->to && !get_to(msg)->tag_value.len) {
			/* our inbound call's INVITE again: tm absorbs it */
			if (tmb.t_newtran(msg) < 0)
				LM_WARN("INVITE retransmission not absorbed\n");
			return 1;
		}
		return dialog_request(msg, method);
	case METHOD_UPDATE:
		return dialog_request(msg, method);
	case METHOD_BYE:
	case METHOD_CANCEL:
	case METHOD_NOTIFY:
	case METHOD_INFO:
		break;
	default:
		reply(msg, 405, "Method Not Allowed");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev) {
		reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev->method = method;
	/* the 200 first: a CANCEL's 200 must precede the 487 that the
	 * WebSocket process sends for the INVITE */
	reply(msg, 200, "OK");
	verto_ipc_push(ev);
	return 1;
}

int verto_sip_invite(sip_msg_t *msg, const str *uri)
{
	unsigned idx = 0, label = 0;
	struct to_body *to;
	verto_ev *ev;
	str u;
	int rc;

	if (msg->first_line.type != SIP_REQUEST ||
		msg->first_line.u.request.method_value != METHOD_INVITE ||
		parse_headers(msg, HDR_CALLID_F | HDR_TO_F | HDR_FROM_F | HDR_CSEQ_F,
					  0) < 0 ||
		!msg->callid || !msg->to || !msg->from) {
		LM_ERR("verto_invite(): not an INVITE with Call-ID, From and To\n");
		return -1;
	}
	to = get_to(msg);
	if (to->tag_value.len) {
		LM_ERR("verto_invite(): the INVITE is in a dialog (To tag)\n");
		return -1;
	}
	u = uri && uri->len > 0 ? *uri : to->uri;
	if (u.len <= 0 || u.len > VERTO_IPC_KEY_MAX ||
		msg->callid->body.len > VERTO_SIPID_MAX) {
		reply(msg, 400, "Bad Request (URI or Call-ID too long)");
		return -1;
	}
	rc = tmb.t_newtran(msg);
	if (rc == 0)
		return 1; /* a retransmission, absorbed */
	if (rc < 0) {
		LM_ERR("verto_invite(): cannot create the transaction\n");
		reply(msg, 500, "Server Internal Error");
		return -1;
	}
	tmb.t_reply(msg, 100, "Trying");
	/* a blind branch keeps the transaction open for the final reply that
	 * the WebSocket process sends (its timer is tm's fr_inv_timer) */
	if (tmb.t_addblind() < 0 || tmb.t_get_trans_ident(msg, &idx, &label) < 0) {
		tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev || verto_ipc_callid_add(&msg->callid->body) < 0) {
		if (ev)
			verto_ev_free(ev);
		tmb.t_reply(msg, 503, "Service Unavailable");
		return 1;
	}
	ev->method = METHOD_INVITE;
	ev->tindex = idx;
	ev->tlabel = label;
	memcpy(ev->key, u.s, u.len);
	ev->key[u.len] = '\0';
	if (verto_ipc_push(ev) < 0) {
		verto_ipc_callid_del(&msg->callid->body);
		tmb.t_reply(msg, 503, "Service Unavailable");
	}
	return 1;
}
