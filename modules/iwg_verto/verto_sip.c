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
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/dprint.h"
#include "core/mem/mem.h"
#include "core/mem/shm_mem.h"
#include "core/parser/contact/parse_contact.h"
#include "core/parser/parse_cseq.h"
#include "core/parser/parse_from.h"
#include "core/parser/parse_to.h"
#include "core/parser/parse_methods.h"
#include "core/parser/parse_rr.h"
#include "core/parser/parse_uri.h"
#include "core/trim.h"
#include "core/ut.h"
#include "modules/sl/sl.h"
#include "modules/tm/tm_load.h"

#include "verto_cc.h"
#include "verto_dialog.h"
#include "verto_ha.h"
#include "verto_ipc.h"
#include "verto_rpc.h"
#include "verto_sdp.h"
#include "verto_sip_priv.h"
#include "verto_sipid.h"

verto_sip_cfg verto_vscfg;
struct tm_binds verto_tmb;
static sl_api_t slb;

/* WebSocket process */
verto_engine *verto_vseng = NULL;
verto_rtp *verto_vsrtp = NULL;
static vsip *vs_calls = NULL;
static uint32_t vs_next_key = 0;
static verto_call *vs_current = NULL;
static const char *vs_xfer = NULL; /* $verto(xfer) meanwhile */
static int vs_own = 0;			   /* $verto(own): we are sending */
static verto_sip_lookup_f vs_lookup = NULL;
verto_jobs *verto_vspool = NULL;   /* media steps */
static verto_jobs *vs_lane = NULL; /* fire-and-forget NG, in order */

static void ack_later(uint32_t key);
static void cline_later(uint32_t key);
static int cseq_of(sip_msg_t *m, unsigned *n);

/* a callback token: the call's key, the request kind and, for the
 * browser's INFOs, their sequence number (24 bits) */
#define TOKEN(g, what) (((uint64_t)(g)->key << 8) | (uint64_t)(what))
#define TOKEN_KEY(t)   ((uint32_t)((t) >> 8))
#define TOKEN_WHAT(t)  ((int)((t)&0xff))
#define TOKEN_SEQ(t)   ((unsigned)((t) >> 40))
/* our INVITE's token has no sequence number: those bits keep the state of
 * its 2xx gate (gate_2xx) in the transaction's callback parameter */
#define TOKEN_GATE_SHIFT 40
#define TOKEN_GATE(t)	 ((uint32_t)((t) >> TOKEN_GATE_SHIFT))
#define TOKEN_NO_GATE(t) ((t) & ((UINT64_C(1) << TOKEN_GATE_SHIFT) - 1))
_Static_assert(VERTO_DLG_GATE_BITS <= 64 - TOKEN_GATE_SHIFT,
			   "the 2xx gate's state fits the token's spare bits");
_Static_assert(sizeof(uintptr_t) >= sizeof(uint64_t),
			   "a token fits tm's callback parameter");

int verto_sip_init(const verto_sip_cfg *cfg)
{
	verto_vscfg = *cfg;
	if (load_tm_api(&verto_tmb) < 0) {
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
	verto_vseng = e;
	verto_vsrtp = r;
	vs_lookup = look;
	verto_vspool = pool;
	vs_lane = lane;
}

verto_call *verto_sip_current(void)
{
	return vs_current;
}

const char *verto_sip_current_xfer(void)
{
	return vs_current ? vs_xfer : NULL;
}

int verto_sip_current_own(void)
{
	return vs_own;
}

/* ---------------------------------------------------------------- state */

/* a new glue state, in the list; NULL when out of memory */
vsip *verto_vsip_new(verto_call *c)
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
void verto_vsip_free(vsip *g)
{
	vsip **pp;
	str cid;
	int i;

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
		verto_tmb.free_dlg(g->dlg);
	if (g->early)
		verto_tmb.free_dlg(g->early);
	free(g->offer);
	free(g->sip_sdp);
	free(g->peer_sdp);
	free(g->brow_sdp);
	free(g->ack_next);
	free(g->inv_sdp);
	for (i = 0; i < VS_CC_WAIT; i++)
		free(g->cc_wait[i].event);
	verto_xfer_free(g);
	free(g);
}

static vsip *glue_of(verto_call *c)
{
	vsip *g = c->glue;

	if (g) {
		g->call = c;
		return g;
	}
	g = verto_vsip_new(c);
	c->glue = g;
	return g;
}

vsip *verto_vsip_find(uint32_t key)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (g->key == key)
			return g;
	return NULL;
}

const char *verto_vsip_mcid(const vsip *g)
{
	return g->m_cid[0] ? g->m_cid : g->callid;
}

const char *verto_vsip_mbtag(const vsip *g)
{
	return g->m_btag[0] ? g->m_btag : g->d.ltag;
}

const char *verto_vsip_mptag(const vsip *g)
{
	return g->m_ptag[0] ? g->m_ptag : g->d.rtag;
}

void verto_sip_call_freed(void *ctx, verto_call *c)
{
	(void)ctx;
	verto_ha_touch(c->sess); /* written without the call, or deleted */
	if (!c->glue)
		return;
	/* a transfer that runs: its new leg ends on its own */
	verto_xfer_abandon(c->glue);
	verto_vsip_free(c->glue);
	c->glue = NULL;
}

/* ---------------------------------------------------------------- media */

/*
 * 32 lower-case hex digits (128 bits from getrandom) into buf (at least 33
 * bytes): Call-IDs and tags of our dialogs. 0, or -1 (buf empty).
 */
int verto_sip_random_hex(char *buf, size_t sz)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t i, got = 0;
	ssize_t n;

	buf[0] = '\0';
	if (sz < 2 * sizeof(r) + 1)
		return -1;
	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (i = 0; i < sizeof(r); i++) {
		buf[2 * i] = hex[r[i] >> 4];
		buf[2 * i + 1] = hex[r[i] & 15];
	}
	buf[2 * sizeof(r)] = '\0';
	return 0;
}

/*
 * A Call-ID of a call we place: 128 random bits (hex) "@" the host of our
 * Contact (a word@word Call-ID, as peers expect). 0, or -1.
 */
int verto_sip_new_callid(char *buf, size_t sz)
{
	const char *h = verto_vscfg.contact.s, *end = h + verto_vscfg.contact.len,
			   *p;
	char rnd[33];
	int n;

	if (verto_sip_random_hex(rnd, sizeof(rnd)))
		return -1;
	/* sip:[user@]host[:port][;params] */
	if ((p = memchr(h, ':', end - h)))
		h = p + 1;
	if ((p = memchr(h, '@', end - h)))
		h = p + 1;
	for (p = h; p < end && *p != ':' && *p != ';' && *p != '>'; p++)
		;
	if (p == h)
		n = snprintf(buf, sz, "%s", rnd);
	else
		n = snprintf(buf, sz, "%s@%.*s", rnd, (int)(p - h), h);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

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
	/* ... of a call taken over: then the re-INVITE follows (its SDP is
	 * our last one toward the contact center: the rtpengine call and its
	 * ports toward the contact center are the same) */
	int takeover;
	char callid[VERTO_SIPID_MAX + 1];
	char from[128], to[128];
	char *sdp; /* malloc'd */
} ng_req;

enum { NGR_OFFER = 1, NGR_ANSWER, NGR_REOFFER };

static const char *const ngr_names[] = {"", "offer", "answer", "re-offer"};

static int ng_send(verto_rtp *r, ng_req *q, char **out)
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
	snprintf(q->callid, sizeof(q->callid), "%s", verto_vsip_mcid(g));
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
 * g->d.reattach) goes to rtpengine, and no SDP is sent toward SIP.
 */
static int media_prepare(vsip *g, verto_call *c, int kind, const char *in,
						 ng_req *q)
{
	char *tmp, ltag[33];
	int rc;

	memset(q, 0, sizeof(*q));
	switch (kind) {
	case VERTO_MEDIA_OFFER_TO_SIP:
		/* unguessable: a forged in-dialog request needs them */
		if (!g->callid[0] &&
			(verto_sip_random_hex(ltag, sizeof(ltag)) ||
			 verto_dialog_set_ltag(&g->d, ltag) ||
			 verto_sip_new_callid(g->callid, sizeof(g->callid)))) {
			LM_ERR("call %s: no random Call-ID or tag\n", c->call_id);
			return -1;
		}
		snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", g->callid);
		free(g->offer);
		g->offer = strdup(in);
		if (!g->offer || !(tmp = verto_sdp_audio_only(in))) {
			LM_INFO("call %s: browser offer has no audio\n", c->call_id);
			return -1;
		}
		keep_brow_sdp(g, tmp);
		rc = ng_fill(q, NGR_OFFER, VERTO_RTP_BROWSER_OFFER, g,
					 verto_vsip_mbtag(g), NULL, tmp);
		free(tmp);
		return rc;
	case VERTO_MEDIA_ANSWER_TO_BROWSER:
		keep_peer_sdp(g, in);
		return ng_fill(q, NGR_ANSWER, VERTO_RTP_SIP_ANSWER, g,
					   verto_vsip_mbtag(g), verto_vsip_mptag(g), in);
	case VERTO_MEDIA_OFFER_TO_BROWSER:
		/* the contact center's offer (its tag) toward the browser */
		keep_peer_sdp(g, in);
		return ng_fill(q, NGR_OFFER, VERTO_RTP_SIP_OFFER, g,
					   verto_vsip_mptag(g), NULL, in);
	case VERTO_MEDIA_ANSWER_TO_SIP:
		if (!g->d.reattach && !g->d.inbound)
			return -1;
		q->reattach = g->d.reattach;
		q->takeover = q->reattach && g->takeover;
		g->d.reattach = 0;
		return ng_fill(q, NGR_ANSWER, VERTO_RTP_BROWSER_ANSWER, g,
					   verto_vsip_mptag(g), verto_vsip_mbtag(g), in);
	case VERTO_MEDIA_REOFFER_TO_BROWSER:
		if (!g->peer_sdp || !verto_vsip_mptag(g)[0]) {
			LM_INFO("call %s: no SDP of the contact center to re-attach\n",
					c->call_id);
			return -1;
		}
		return ng_fill(q, NGR_REOFFER, VERTO_RTP_SIP_OFFER, g,
					   verto_vsip_mptag(g), verto_vsip_mbtag(g), g->peer_sdp);
	default:
		LM_WARN("call %s: media step %d not supported yet\n", c->call_id, kind);
		return -1;
	}
}

/* *sdp goes toward SIP, without the browser's own lines (verto_sdp_clean,
 * for every SDP toward SIP: the first offer or answer, a take-over's
 * re-INVITE): kept for re-INVITEs and handed out as *out */
static int toward_sip(vsip *g, char **sdp, char **out)
{
	char *clean = verto_sdp_clean(*sdp);

	if (clean) {
		free(*sdp);
		*sdp = clean;
	}
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
		if (q->takeover) {
			/* the take-over's re-INVITE, once the call is free
			 * (verto_takeover_reinvite), with our last SDP toward SIP:
			 * offering the browser's answer from its leg again would
			 * renegotiate that leg and its new DTLS would not come up */
			g->takeover = 0;
			g->tk_reinvite = 1;
		}
		if (q->reattach) {
			/* no SDP toward SIP: a copy of the last one for the engine */
			*out = strdup(g->sip_sdp ? g->sip_sdp : "");
			rc = *out ? 0 : -1;
		} else {
			rc = toward_sip(g, &ng, out);
		}
		break;
	case VERTO_MEDIA_REOFFER_TO_BROWSER:
		g->d.reattach = 1;
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
	rc = ng_send(verto_vsrtp, &q, &ng);
	rc = media_finish(g, c, kind, &q, rc, ng, verto_vsrtp->errstr, out);
	free(q.sdp);
	verto_takeover_reinvite(g);
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
	vsip *g = cancelled ? NULL : verto_vsip_find(m->key);
	char *out = NULL;
	int rc;

	if (g && g->call) {
		rc = media_finish(g, g->call, m->kind, &m->q, m->rc, m->ng, m->why,
						  &out);
		m->ng = NULL;
		verto_engine_media_done(verto_vseng, g->call, rc, rc ? NULL : out);
		if (rc)
			free(out);
		ack_later(m->key);
		cline_later(m->key);
		if ((g = verto_vsip_find(m->key)))
			verto_takeover_reinvite(g);
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
	if (!verto_vspool || !g || !in)
		return -1;
	if (verto_jobs_full(verto_vspool)) {
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
	if (verto_jobs_submit(verto_vspool, &m->job)) {
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
	char tag[VERTO_DLG_TAG_MAX + 1];
	char digits[65];
	int arg;						/* DTMF: duration; BLOCK: block */
	char call_id[VERTO_ID_MAX + 1]; /* Verto callID, for the log */
	char why[160];
	char *sdp; /* ANSWER: the contact center's (malloc'd), */
	char to[VERTO_DLG_TAG_MAX + 1]; /* the answerer's tag */
} ng_later;

enum { NGL_DELETE = 1, NGL_DTMF, NGL_BLOCK, NGL_ANSWER };

/* the contact center's answer to the offer the browser's leg made (the
 * take-over's re-INVITE): what it gives toward the browser is not used */
static int ng_answer_now(verto_rtp *r, const ng_later *l)
{
	char *out = NULL;
	int rc;

	rc = verto_rtp_answer(r, VERTO_RTP_SIP_ANSWER, l->callid, l->tag, l->to,
						  l->sdp, &out);
	free(out);
	return rc;
}

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
	else if (l->what == NGL_ANSWER)
		rc = ng_answer_now(w->rtp, l);
	else
		for (d = l->digits; *d && !rc; d++)
			rc = verto_rtp_dtmf(w->rtp, l->callid, l->tag, *d, l->arg);
	if (rc)
		snprintf(l->why, sizeof(l->why), "%s", w->rtp->errstr);
}

static void ng_later_done(verto_job *j, int cancelled)
{
	static const char *const names[] = {"", "delete", "play DTMF",
										"block media", "answer"};
	ng_later *l = (ng_later *)j;

	if (!cancelled && l->why[0])
		LM_WARN("call %s: rtpengine %s: %s\n", l->call_id, names[l->what],
				l->why);
	free(l->sdp);
	free(l);
}

/* queue one for the leg tagged tag (NULL: the browser's); 0, or -1
 * (then run it here) */
static int ng_later_start(vsip *g, int what, const char *tag,
						  const char *digits, int arg)
{
	ng_later *l;

	if (!vs_lane || !(l = calloc(1, sizeof(*l))))
		return -1;
	l->job.run = ng_later_run;
	l->job.done = ng_later_done;
	l->what = what;
	snprintf(l->callid, sizeof(l->callid), "%s", verto_vsip_mcid(g));
	snprintf(l->tag, sizeof(l->tag), "%s", tag ? tag : verto_vsip_mbtag(g));
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

int verto_sip_ng_answer(vsip *g, const char *sdp)
{
	ng_later *l;

	if (!vs_lane || !(l = calloc(1, sizeof(*l))))
		return -1;
	if (!(l->sdp = strdup(sdp))) {
		free(l);
		return -1;
	}
	l->job.run = ng_later_run;
	l->job.done = ng_later_done;
	l->what = NGL_ANSWER;
	snprintf(l->callid, sizeof(l->callid), "%s", verto_vsip_mcid(g));
	/* the offerer (the browser's leg), the answerer */
	snprintf(l->tag, sizeof(l->tag), "%s", verto_vsip_mbtag(g));
	snprintf(l->to, sizeof(l->to), "%s", verto_vsip_mptag(g));
	snprintf(l->call_id, sizeof(l->call_id), "%s",
			 g->call ? g->call->call_id : g->callid);
	if (verto_jobs_submit(vs_lane, &l->job)) {
		free(l->sdp);
		free(l);
		return -1;
	}
	return 0;
}

void verto_sip_media_delete(void *ctx, verto_call *c)
{
	vsip *g = c->glue;

	(void)ctx;
	if (!g || !verto_vsip_mcid(g)[0] ||
		ng_later_start(g, NGL_DELETE, NULL, NULL, 0) == 0)
		return;
	if (verto_rtp_delete(verto_vsrtp, verto_vsip_mcid(g)))
		LM_DBG("rtpengine delete for %s: %s\n", c->call_id,
			   verto_vsrtp->errstr);
}

int verto_sip_block(vsip *g, const char *tag, int block)
{
	const char *t = tag ? tag : verto_vsip_mbtag(g);

	if (ng_later_start(g, NGL_BLOCK, t, NULL, block) == 0)
		return 0;
	if (verto_rtp_block(verto_vsrtp, verto_vsip_mcid(g), t, block) == 0)
		return 0;
	LM_WARN("call %s: rtpengine %s media: %s\n",
			g->call ? g->call->call_id : g->callid, block ? "block" : "unblock",
			verto_vsrtp->errstr);
	return -1;
}

/* ---------------------------------------------------------------- send */

/* the value of a header line as tm keeps it for its own ACK and CANCEL
 * ("Name: value\r\n"): after the colon, trimmed; len 0 when none */
static str hdr_line_value(const str *line)
{
	str v = {NULL, 0};
	char *colon = line->s ? memchr(line->s, ':', line->len) : NULL;

	if (!colon)
		return v;
	v.s = colon + 1;
	v.len = (int)(line->s + line->len - v.s);
	trim(&v);
	return v;
}

/*
 * 1 when reply r carries the Call-ID and From tag of our request t (as it
 * was sent, after event_route[tm:local-request]), else 0. tm matched r to
 * t by its Via branch alone.
 */
static int same_ids(struct cell *t, sip_msg_t *r)
{
	str cid = hdr_line_value(&t->callid), from = hdr_line_value(&t->from);
	struct to_body ours, *theirs;
	int same;

	if (!cid.len || !from.len ||
		parse_headers(r, HDR_CALLID_F | HDR_FROM_F, 0) < 0 || !r->callid ||
		!r->from || parse_from_header(r) < 0 || !(theirs = get_from(r)) ||
		r->callid->body.len != cid.len ||
		memcmp(r->callid->body.s, cid.s, cid.len) != 0)
		return 0;
	/* the whole line: parse_to() reads up to its CRLF */
	parse_to(from.s, t->from.s + t->from.len, &ours);
	same = ours.error == PARSE_OK && ours.tag_value.len > 0 &&
		   ours.tag_value.len == theirs->tag_value.len &&
		   memcmp(ours.tag_value.s, theirs->tag_value.s, ours.tag_value.len) ==
				   0;
	free_to_params(&ours);
	return same;
}

/*
 * A 2xx to our INVITE t, in the worker that got it: verto_dialog_2xx_gate()
 * with the transaction's gate state kept in its callback parameter (slot:
 * the token's upper bits, unused by an INVITE's), changed atomically since
 * workers may take 2xx of one transaction at the same time. 1 when the 2xx
 * goes on to the WebSocket process; 0 when it is ignored here: nothing is
 * sent (tm's own ACK aside), counted (other_2xx_ignored), logged once per
 * transaction and kind.
 */
static int gate_2xx(struct cell *t, void **slot, sip_msg_t *rpl)
{
	int ids = same_ids(t, rpl);
	void *old = __atomic_load_n(slot, __ATOMIC_RELAXED), *nw;
	str cid = hdr_line_value(&t->callid);
	uint32_t st;
	unsigned v;
	uint64_t w;

	do {
		w = (uint64_t)(uintptr_t)old;
		st = TOKEN_GATE(w);
		v = verto_dialog_2xx_gate(&st, ids);
		nw = (void *)(uintptr_t)(TOKEN_NO_GATE(w) |
								 ((uint64_t)st << TOKEN_GATE_SHIFT));
	} while (!__atomic_compare_exchange_n(slot, &old, nw, 0, __ATOMIC_ACQ_REL,
										  __ATOMIC_RELAXED));
	if ((v & VD2_KIND) == VD2_TAKE)
		return 1;
	verto_rpc_other_2xx_ignored();
	if (!(v & VD2_LOG))
		return 0;
	if ((v & VD2_KIND) == VD2_FOREIGN)
		LM_INFO("SIP call %.*s: a 2xx to our INVITE without its Call-ID or "
				"From tag: ignored (no ACK, no BYE; further ones of this "
				"INVITE not logged)\n",
				cid.len, cid.s);
	else
		LM_NOTICE("SIP call %.*s: more than %d 2xx of other dialogs to our "
				  "INVITE: ignored (no ACK, no BYE; further ones not "
				  "logged)\n",
				  cid.len, cid.s, VERTO_DLG_OTHER_2XX_MAX);
	return 0;
}

/* worker or WebSocket process: a reply to one of our requests */
static void uac_cb(struct cell *t, int type, struct tmcb_params *ps)
{
	uint64_t token =
			(uint64_t)(uintptr_t)__atomic_load_n(ps->param, __ATOMIC_RELAXED);
	struct sip_msg *rpl = ps->rpl;
	verto_ev *ev;

	/* finals come once, with local timeouts too, as LOCAL_COMPLETED */
	if ((type & TMCB_LOCAL_RESPONSE_IN) && ps->code >= 200)
		return;
	if (TOKEN_WHAT(token) == VERTO_SIP_INVITE) {
		token = TOKEN_NO_GATE(token);
		if (ps->code >= 200 && ps->code < 300 && rpl && rpl != FAKED_REPLY &&
			!gate_2xx(t, ps->param, rpl))
			return;
	}
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
	const str *u = &verto_vscfg.cc_uri;
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

uint64_t verto_sip_token(const vsip *g, int what)
{
	return TOKEN(g, what);
}

int verto_sip_send(vsip *g, dlg_t *dlg, verto_call *cur, const char *xfer,
				   const char *method, const char *hdrs, const char *body,
				   uint64_t token, unsigned *idx, unsigned *label)
{
	uac_req_t r;
	str m = {(char *)method, (int)strlen(method)};
	str h = {(char *)hdrs, hdrs ? (int)strlen(hdrs) : 0};
	str b = {(char *)body, body ? (int)strlen(body) : 0};
	int rc;

	/* the dialog's CSeq moves: the session's state is written again */
	verto_ha_touch(cur ? cur->sess : g && g->call ? g->call->sess : NULL);

	set_uac_req(&r, &m, hdrs ? &h : NULL, body ? &b : NULL, dlg,
				token ? TMCB_LOCAL_COMPLETED | TMCB_LOCAL_RESPONSE_IN : 0,
				token ? uac_cb : NULL, (void *)(uintptr_t)token);
	vs_current = cur;
	vs_xfer = xfer;
	vs_own = 1;
	if (idx)
		rc = verto_tmb.t_uac_with_ids(&r, idx, label);
	else
		rc = verto_tmb.t_request_within(&r);
	vs_current = NULL;
	vs_xfer = NULL;
	vs_own = 0;
	if (rc <= 0)
		LM_ERR("call %s: cannot send %s\n",
			   cur ? cur->call_id
			   : g ? g->callid
				   : "(gone)",
			   method);
	return rc > 0 ? 0 : -1;
}

/* send a request in (or, for INVITE, starting) the dialog; its replies
 * come back with the token of (g, what, seq) when what is not 0 */
static int send_req_seq(vsip *g, dlg_t *dlg, const char *method,
						const char *hdrs, const char *body, int what,
						unsigned seq, int with_ids)
{
	return verto_sip_send(g, dlg, g->call, NULL, method, hdrs, body,
						  what ? TOKEN(g, what) | ((uint64_t)seq << 40) : 0,
						  with_ids ? &g->inv_idx : NULL,
						  with_ids ? &g->inv_label : NULL);
}

static int send_req(vsip *g, const char *method, const char *hdrs,
					const char *body, int what, int with_ids)
{
	return send_req_seq(g, g->dlg, method, hdrs, body, what, 0, with_ids);
}

static int send_invite(vsip *g, const char *sdp)
{
	verto_call *c = g->call;
	const verto_identity *id = &c->sess->ident;
	char to[512], hdrs[1024];
	str cid = {g->callid, (int)strlen(g->callid)};
	str ltag = {g->d.ltag, (int)strlen(g->d.ltag)};
	str from = {(char *)id->sip_uri, (int)strlen(id->sip_uri)};
	str tou, dn = {(char *)id->display, (int)strlen(id->display)};
	int n;

	if (cc_uri_for(c->dest, to, sizeof(to))) {
		LM_ERR("call %s: destination too long\n", c->call_id);
		return -1;
	}
	tou.s = to;
	tou.len = (int)strlen(to);
	if (verto_tmb.new_dlg_uac(&cid, &ltag, 1, &from, &tou, &g->dlg) < 0) {
		LM_ERR("call %s: cannot create the SIP dialog\n", c->call_id);
		return -1;
	}
	if (dn.len && shm_str_dup(&g->dlg->loc_dname, &dn) < 0)
		return -1;
	/* through the router; the reply that confirms the dialog clears it */
	if (verto_vscfg.proxy.len) {
		if (shm_str_dup(&g->dlg->dst_uri, &verto_vscfg.proxy) < 0)
			return -1;
		g->dlg->send_sock = verto_vscfg.proxy_sock;
	}
	if (verto_vscfg.add_pai)
		n = snprintf(hdrs, sizeof(hdrs),
					 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n"
					 "P-Asserted-Identity: %s%s%s<%s>\r\n",
					 verto_vscfg.contact.len, verto_vscfg.contact.s,
					 dn.len ? "\"" : "", id->display, dn.len ? "\" " : "",
					 id->sip_uri);
	else
		n = snprintf(hdrs, sizeof(hdrs),
					 "Contact: <%.*s>\r\nContent-Type: application/sdp\r\n",
					 verto_vscfg.contact.len, verto_vscfg.contact.s);
	if (n < 0 || n >= (int)sizeof(hdrs)) {
		LM_ERR("call %s: INVITE headers too long\n", c->call_id);
		return -1;
	}
	if (verto_ipc_callid_add(&cid) < 0)
		return -1;
	g->in_set = 1;
	return send_req(g, "INVITE", hdrs, sdp, VERTO_SIP_INVITE, 1);
}

/* CANCEL our INVITE (decided: now, or after the first 1xx) */
static int send_cancel(vsip *g, verto_dlg_hangup h)
{
	if (h == VDH_CANCEL_LATER)
		return 0;
	if (!verto_tmb.t_cancel_uac(NULL, NULL, g->inv_idx, g->inv_label, NULL,
								NULL)) {
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
				 verto_vscfg.contact.len,
				 verto_vscfg.contact.s) >= (int)sizeof(hdrs)) {
		LM_ERR("call %s: re-INVITE headers too long\n", g->call->call_id);
		return -1;
	}
	sdp = verto_sdp_reoffer(g->sip_sdp, held ? "sendonly" : "sendrecv");
	if (!sdp)
		return -1;
	rc = send_req(g, "INVITE", hdrs, sdp, VERTO_SIP_REINVITE, 0);
	/* hold is real: nothing from the browser reaches the agent meanwhile */
	if (rc == 0)
		verto_sip_block(g, NULL, held);
	if (rc == 0) {
		free(g->sip_sdp);
		g->sip_sdp = sdp;
	} else {
		free(sdp);
	}
	return rc;
}

int verto_sip_reinvite(vsip *g, int held)
{
	return g->dlg ? send_reinvite(g, held) : -1;
}

static int send_dtmf(vsip *g, const char *digits)
{
	char body[64];
	const char *d;

	/* rtpengine: the digits in order, the result only logged */
	if (verto_vscfg.dtmf_mode != VERTO_DTMF_INFO &&
		ng_later_start(g, NGL_DTMF, NULL, digits, verto_vscfg.dtmf_duration) ==
				0)
		return 0;
	for (d = digits; *d; d++) {
		if (verto_vscfg.dtmf_mode == VERTO_DTMF_INFO) {
			snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%d\r\n", *d,
					 verto_vscfg.dtmf_duration);
			if (send_req(g, "INFO", "Content-Type: application/dtmf-relay\r\n",
						 body, 0, 0))
				return -1;
		} else if (verto_rtp_dtmf(verto_vsrtp, verto_vsip_mcid(g),
								  verto_vsip_mbtag(g), *d,
								  verto_vscfg.dtmf_duration)) {
			LM_ERR("call %s: rtpengine play DTMF: %s\n", g->call->call_id,
				   verto_vsrtp->errstr);
			return -1;
		}
	}
	return 0;
}

/*
 * The browser's message for the contact center: INFO with the JSON body in
 * the dialog (early or confirmed); its final reply goes to the browser as
 * {"iwg":"cc-result"} (cc_info_reply). 0, VERTO_SIP_CC_NO_DIALOG,
 * VERTO_SIP_CC_BUSY or -1.
 */
static int send_cc_info(vsip *g, const char *body, const char *event)
{
	dlg_t *dlg = g->dlg;
	unsigned i, seq;
	int rc;

	if (!dlg || !verto_dialog_info_ok(&g->d))
		return VERTO_SIP_CC_NO_DIALOG;
	if (dlg->state != DLG_CONFIRMED) {
		/* before the 2xx: in the early dialog, CSeq shared with dlg */
		if (!(dlg = g->early))
			return VERTO_SIP_CC_NO_DIALOG;
		dlg->loc_seq.value = g->dlg->loc_seq.value;
	}
	for (i = 0; i < VS_CC_WAIT && g->cc_wait[i].seq; i++)
		;
	if (i == VS_CC_WAIT)
		return VERTO_SIP_CC_BUSY;
	seq = g->cc_seq = (g->cc_seq + 1) & 0xffffff;
	if (!seq)
		seq = g->cc_seq = 1;
	if (!(g->cc_wait[i].event = strdup(event)))
		return -1;
	g->cc_wait[i].seq = seq;
	rc = send_req_seq(g, dlg, "INFO",
					  "Content-Type: " VERTO_CC_CTYPE_JSON "\r\n", body,
					  VERTO_SIP_CC_INFO, seq, 0);
	if (dlg != g->dlg)
		g->dlg->loc_seq.value = dlg->loc_seq.value;
	if (rc) {
		free(g->cc_wait[i].event);
		g->cc_wait[i].event = NULL;
		g->cc_wait[i].seq = 0;
		return -1;
	}
	LM_INFO("call %s: message \"%.32s\" sent to the contact center\n",
			g->call->call_id, event);
	return 0;
}

/* the final reply to the browser's INFO number seq: {"iwg":"cc-result"} */
static void cc_info_reply(vsip *g, unsigned seq, int code)
{
	unsigned i;

	if (code < 200)
		return;
	for (i = 0; i < VS_CC_WAIT && g->cc_wait[i].seq != seq; i++)
		;
	if (i == VS_CC_WAIT || !seq)
		return;
	LM_INFO("call %s: %d to the message \"%.32s\"\n", g->call->call_id, code,
			g->cc_wait[i].event);
	verto_engine_cc_event(verto_vseng, g->call,
						  verto_cc_result_msg(g->cc_wait[i].event, code));
	free(g->cc_wait[i].event);
	g->cc_wait[i].event = NULL;
	g->cc_wait[i].seq = 0;
}

/* a REFER in g's dialog; its NOTIFYs are expected from now on */
static int send_refer_req(vsip *g, const char *hdrs)
{
	if (send_req(g, "REFER", hdrs, NULL, VERTO_SIP_REFER, 0) < 0)
		return -1;
	verto_dialog_refer_sent(&g->d);
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
				 verto_vscfg.contact.len,
				 verto_vscfg.contact.s) >= (int)sizeof(hdrs))
		return -1;
	return send_refer_req(g, hdrs);
}

static vsip *find_callid(const char *callid)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (g->call && strcmp(g->callid, callid) == 0)
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
	if (verto_refer_replaces(target, o->callid, o->d.rtag, o->d.ltag, referto,
							 sizeof(referto))) {
		LM_ERR("call %s: cannot build Refer-To for %s\n", g->call->call_id,
			   target);
		return -1;
	}
	if (snprintf(hdrs, sizeof(hdrs),
				 "Refer-To: %s\r\nReferred-By: <%s>\r\nContact: <%.*s>\r\n",
				 referto, g->call->sess ? g->call->sess->ident.sip_uri : "",
				 verto_vscfg.contact.len,
				 verto_vscfg.contact.s) >= (int)sizeof(hdrs))
		return -1;
	return send_refer_req(g, hdrs);
}

static const char *reason_of(int code)
{
	switch (code) {
	case 180:
		return "Ringing";
	case 200:
		return "OK";
	case 202:
		return "Accepted";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 415:
		return "Unsupported Media Type";
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

int verto_sip_reply(vsip *g, unsigned idx, unsigned label, int code,
					const char *why, const char *body, const char *extra)
{
	struct cell *t = NULL;
	char hdrs[512];
	const char *rs = why ? why : reason_of(code);
	str reason = {(char *)rs, (int)strlen(rs)};
	str h, b = {(char *)body, body ? (int)strlen(body) : 0}, tag = {0, 0};
	int rc;

	if (verto_tmb.t_lookup_ident(&t, idx, label) < 0 || !t) {
		LM_WARN("SIP call %s: the transaction is gone, %d not sent\n",
				g ? g->callid : "?", code);
		return -1;
	}
	h.s = hdrs;
	h.len = snprintf(hdrs, sizeof(hdrs), "Contact: <%.*s>\r\n%s%s",
					 verto_vscfg.contact.len, verto_vscfg.contact.s,
					 body ? "Content-Type: application/sdp\r\n" : "",
					 extra ? extra : "");
	if (h.len < 0 || h.len >= (int)sizeof(hdrs)) {
		LM_ERR("SIP call %s: reply headers too long, %d not sent\n",
			   g ? g->callid : "?", code);
		return -1;
	}
	if (g && g->dlg)
		tag = g->dlg->id.loc_tag;
	rc = verto_tmb.t_reply_with_body(t, code, &reason, body ? &b : NULL, &h,
									 &tag);
	verto_tmb.t_sett(T_UNDEFINED, T_BR_UNDEFINED);
	if (rc < 0) {
		LM_ERR("SIP call %s: cannot send %d\n", g ? g->callid : "?", code);
		return -1;
	}
	return 0;
}

/* a reply on a server transaction a worker created (idx, label): the
 * contact center's INVITE, re-INVITE or UPDATE; body: SDP or NULL;
 * extra: more header lines (CRLF-terminated) or NULL */
static int reply_trans_hdr(vsip *g, unsigned idx, unsigned label, int code,
						   const char *body, const char *extra)
{
	return verto_sip_reply(g, idx, label, code, NULL, body, extra);
}

static int reply_trans(vsip *g, unsigned idx, unsigned label, int code,
					   const char *body)
{
	return reply_trans_hdr(g, idx, label, code, body, NULL);
}

/* a reply to the contact center's INVITE (an inbound call's server
 * transaction, created by the worker); body: the SDP of a 200 */
static int send_reply(vsip *g, int code, const char *body)
{
	if (reply_trans(g, g->inv_idx, g->inv_label, code, body))
		return -1;
	verto_dialog_replied(&g->d, code);
	return 0;
}

int verto_sip_op(void *ctx, verto_call *c, int what, int code, const char *sdp,
				 const char *text)
{
	vsip *g = glue_of(c);
	verto_dlg_hangup h;

	(void)ctx;
	if (!g)
		return -1;
	verto_ha_touch(c->sess);
	if (what == VERTO_SIP_CC_INFO)
		return sdp && text ? send_cc_info(g, sdp, text) : -1;
	if (!g->dlg && what != VERTO_SIP_INVITE) {
		LM_WARN("call %s: no SIP dialog for operation %d\n", c->call_id, what);
		return -1;
	}
	if (g->xfer && (what == VERTO_SIP_REINVITE || what == VERTO_SIP_REFER ||
					what == VERTO_SIP_REFER_REPLACES)) {
		/* the contact center moves the call: its dialog is changing */
		LM_INFO("call %s: operation %d refused while the call is being "
				"transferred\n",
				c->call_id, what);
		return -1;
	}
	switch (what) {
	case VERTO_SIP_INVITE:
		return sdp ? send_invite(g, sdp) : -1;
	case VERTO_SIP_CANCEL:
		return send_cancel(g, verto_dialog_cancel(&g->d));
	case VERTO_SIP_BYE:
		h = verto_dialog_hangup(&g->d);
		if (h != VDH_BYE)
			return send_cancel(g, h);
		return send_req(g, "BYE", NULL, NULL, 0, 0);
	case VERTO_SIP_REPLY:
		return g->d.inbound ? send_reply(g, code, sdp) : -1;
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
char *verto_sip_body(sip_msg_t *m)
{
	char *b = get_body(m);
	int len;

	if (!b)
		return NULL;
	len = (int)(m->buf + m->len - b);
	return len > 0 ? strndup(b, (size_t)len) : NULL;
}

/* the To tag of a reply, NUL-terminated into buf ("" when none) */
void verto_sip_totag(sip_msg_t *m, char *buf, size_t sz)
{
	struct to_body *to;

	buf[0] = '\0';
	if (m && parse_headers(m, HDR_TO_F, 0) == 0 && m->to && (to = get_to(m)) &&
		to->tag_value.len > 0 && (size_t)to->tag_value.len < sz)
		snprintf(buf, sz, "%.*s", to->tag_value.len, to->tag_value.s);
}

/* the first Contact URI of a message, NUL-terminated into buf ("" when
 * none or not parsable) */
void verto_sip_contact(sip_msg_t *m, char *buf, size_t sz)
{
	contact_body_t *cb;

	buf[0] = '\0';
	if (!m || parse_headers(m, HDR_CONTACT_F, 0) < 0 || !m->contact ||
		parse_contact(m->contact) < 0)
		return;
	cb = (contact_body_t *)m->contact->parsed;
	if (cb && cb->contacts && cb->contacts->uri.len > 0 &&
		(size_t)cb->contacts->uri.len < sz)
		snprintf(buf, sz, "%.*s", cb->contacts->uri.len, cb->contacts->uri.s);
}

/* the reason phrase of a reply, NUL-terminated (static buffer) */
const char *verto_sip_reason(sip_msg_t *m)
{
	static char r[64];

	snprintf(r, sizeof(r), "%.*s", m->first_line.u.reply.reason.len,
			 m->first_line.u.reply.reason.s);
	return r;
}

/* the (name, number) of m's P-Asserted-Identity headers (joined), else of
 * its Remote-Party-ID headers; 0, or -1 when none (or not understood) */
int verto_sip_pai(sip_msg_t *m, const char *call_id, char *name, size_t namesz,
				  char *number, size_t numsz)
{
	static const int types[] = {HDR_PAI_T, HDR_RPID_T};
	struct hdr_field *h;
	char val[1024];
	unsigned t;
	int n = 0;

	if (parse_headers(m, HDR_EOH_F, 0) < 0)
		return -1;
	for (t = 0; t < sizeof(types) / sizeof(types[0]) && !n; t++) {
		for (h = m->headers; h; h = h->next) {
			if (h->type != types[t])
				continue;
			if (n + h->body.len + 2 >= (int)sizeof(val))
				break;
			n += snprintf(val + n, sizeof(val) - n, "%s%.*s", n ? "," : "",
						  h->body.len, h->body.s);
		}
	}
	if (!n)
		return -1;
	if (verto_pai_parse(val, (size_t)n, name, namesz, number, numsz)) {
		LM_INFO("call %s: P-Asserted-Identity not understood\n", call_id);
		return -1;
	}
	return 0;
}

/* the connected line to the browser: verto.display and the agent event,
 * each when it changed */
void verto_sip_display(verto_call *c, const char *name, const char *number)
{
	if (verto_engine_display(verto_vseng, c, name, number) == 0)
		LM_INFO("call %s: connected line sent to the browser\n", c->call_id);
	if (verto_engine_agent(verto_vseng, c, name, number) == 0)
		LM_INFO("call %s: agent sent to the browser\n", c->call_id);
}

static void connected_line(verto_call *c, sip_msg_t *m)
{
	char name[129], number[129];

	if (verto_sip_pai(m, c->call_id, name, sizeof(name), number,
					  sizeof(number)) == 0)
		verto_sip_display(c, name, number);
}

/* the connected line of the 2xx to our INVITE, once the call is free (its
 * verto.answer went); the call key, as the call may be gone */
static void cline_later(uint32_t key)
{
	vsip *g = verto_vsip_find(key);

	if (!g || !g->call || !g->cl_pending || verto_engine_call_busy(g->call))
		return;
	g->cl_pending = 0;
	verto_sip_display(g->call, g->cl_name, g->cl_number);
}

/* the first header named name (case-insensitive) of m, or absent */
static verto_cc_text hdr_text(sip_msg_t *m, const str *name)
{
	verto_cc_text t = {NULL, 0};
	struct hdr_field *h;

	if (!name->len)
		return t;
	for (h = m->headers; h; h = h->next) {
		if (h->name.len == name->len &&
			strncasecmp(h->name.s, name->s, name->len) == 0) {
			t.s = h->body.s;
			t.len = (size_t)h->body.len;
			break;
		}
	}
	return t;
}

/* a provisional reply (180..199) to our INVITE: the queue event (a 182,
 * or queue/IVR headers) to the browser, if its session is attached */
static void queue_event(verto_call *c, int code, sip_msg_t *m)
{
	verto_cc_prov p;
	unsigned bad = 0;
	struct json_object *msg;

	if (!m || parse_headers(m, HDR_EOH_F, 0) < 0)
		return;
	memset(&p, 0, sizeof(p));
	p.code = code;
	p.reason.s = m->first_line.u.reply.reason.s;
	p.reason.len = (size_t)m->first_line.u.reply.reason.len;
	p.position = hdr_text(m, &verto_vscfg.queue_hdr[0]);
	p.wait = hdr_text(m, &verto_vscfg.queue_hdr[1]);
	p.menu = hdr_text(m, &verto_vscfg.queue_hdr[2]);
	msg = verto_cc_queue_msg(&p, &bad);
	if (bad)
		LM_DBG("call %s: %d with unusable queue values (%s%s%s%s), left "
			   "out\n",
			   c->call_id, code, bad & VERTO_CC_BAD_POSITION ? "position " : "",
			   bad & VERTO_CC_BAD_WAIT ? "wait " : "",
			   bad & VERTO_CC_BAD_MENU ? "menu " : "",
			   bad & VERTO_CC_BAD_REASON ? "reason" : "");
	if (msg && verto_engine_cc_event(verto_vseng, c, msg) == 0)
		LM_INFO("call %s: queue event (%d) sent to the browser\n", c->call_id,
				code);
}

/*
 * The early dialog of our INVITE from a 1xx with a new To tag (m), for
 * the INFOs of the browser while the call is queued or rings: tm updates
 * the INVITE's dialog only with the 2xx (until then its requests would
 * carry no To tag and go to the INVITE's next hop), so a copy is made
 * here: same ids and local side, the 1xx's To tag, Contact (remote target)
 * and Record-Route (route set). tm fills a dialog from a reply only for a
 * 2xx, so it is handed the parsed 1xx as a 2xx for this copy alone (m is
 * our own parsed copy of the reply; its status is put back). The latest
 * such 1xx wins (after a failover by the router, the new entry point's):
 * the copy of an earlier one is dropped, also when none can be made from
 * this one (the INFOs then wait for the 2xx: "no dialog").
 */
static void early_dlg(vsip *g, sip_msg_t *m)
{
	dlg_t *e = NULL, *d = g->dlg;
	int code, rc;

	if (g->early) {
		verto_tmb.free_dlg(g->early);
		g->early = NULL;
	}
	if (!d || !m)
		return;
	if (verto_tmb.new_dlg_uac(&d->id.call_id, &d->id.loc_tag, d->loc_seq.value,
							  &d->loc_uri, &d->rem_uri, &e) < 0)
		return;
	if (d->loc_dname.len && shm_str_dup(&e->loc_dname, &d->loc_dname) < 0) {
		verto_tmb.free_dlg(e);
		return;
	}
	e->send_sock = d->send_sock;
	code = m->first_line.u.reply.statuscode;
	m->first_line.u.reply.statuscode = 200;
	rc = verto_tmb.dlg_response_uac(e, m, IS_TARGET_REFRESH);
	m->first_line.u.reply.statuscode = code;
	if (rc != 0 || e->state != DLG_CONFIRMED || !e->id.rem_tag.len) {
		LM_INFO("call %s: no early dialog from the %d (Contact?)\n",
				g->call->call_id, code);
		verto_tmb.free_dlg(e);
		return;
	}
	g->early = e;
}

/* 2xx of other dialogs to our INVITEs, ACKed and hung up (this process) */
static unsigned long vs_other_2xx = 0;

unsigned long verto_sip_other_2xx(void)
{
	return vs_other_2xx;
}

/*
 * A 2xx to our INVITE (m) whose dialog is not the call's: another branch
 * answered too, e.g. the entry point the router failed over from, late
 * (tm on the router forwards every 2xx). RFC 3261 13.2.2.4: ACK it, then
 * BYE. Only 2xx with our INVITE's Call-ID and From tag come here, at most
 * VERTO_DLG_OTHER_2XX_MAX others per INVITE (gate_2xx, in the worker).
 * tm's own ACK to it is the one of the first 2xx (one per transaction), so
 * the dialog is made here from the 2xx alone: ids from its Call-ID, From
 * (ours: gate_2xx checked both against our INVITE), To (theirs) and CSeq
 * (the ACK's; the BYE's is one more), remote target and route set from
 * its Contact and Record-Route; sent from where the call's requests leave
 * (not the call's dialog: after a transfer it is another one). c: the
 * call (for $verto() and the log), NULL when it is gone.
 */
static void end_other_2xx(verto_call *c, sip_msg_t *m)
{
	struct to_body *from, *to;
	dlg_t *e = NULL;
	unsigned cseq;
	int ok;

	if (parse_headers(m, HDR_CALLID_F | HDR_FROM_F | HDR_TO_F, 0) < 0 ||
		!m->callid || !m->from || parse_from_header(m) < 0 || !m->to ||
		!(from = get_from(m)) || !(to = get_to(m)) ||
		from->tag_value.len <= 0 || to->tag_value.len <= 0 ||
		cseq_of(m, &cseq) < 0 ||
		verto_tmb.new_dlg_uac(&m->callid->body, &from->tag_value, cseq,
							  &from->uri, &to->uri, &e) < 0) {
		LM_WARN("SIP call %.*s: a 2xx of another dialog left alone (not "
				"usable)\n",
				m->callid ? m->callid->body.len : 0,
				m->callid ? m->callid->body.s : "");
		return;
	}
	if (verto_vscfg.proxy.len)
		e->send_sock = verto_vscfg.proxy_sock;
	ok = verto_tmb.dlg_response_uac(e, m, IS_TARGET_REFRESH) == 0 &&
		 e->state == DLG_CONFIRMED;
	LM_NOTICE("SIP call %.*s: 2xx of a dialog the call does not use (To tag "
			  "'%.*s'): %s\n",
			  m->callid->body.len, m->callid->body.s,
			  to->tag_value.len > 16 ? 16 : to->tag_value.len, to->tag_value.s,
			  ok ? "ACK and BYE" : "left alone (no Contact)");
	if (ok) {
		vs_other_2xx++;
		if (verto_sip_send(NULL, e, c, NULL, "ACK", NULL, NULL, 0, NULL,
						   NULL) == 0)
			verto_sip_send(NULL, e, c, NULL, "BYE", NULL, NULL, 0, NULL, NULL);
	}
	verto_tmb.free_dlg(e);
}

/* a reply to one of our requests, as verto_dialog_reply() decides */
static void our_reply(vsip *g, int kind, int code, sip_msg_t *m)
{
	verto_call *c = g->call;
	char tag[VERTO_DLG_TAG_MAX + 1], contact[VERTO_DLG_TARGET_MAX + 1];
	verto_dlg_ours k = VDO_OTHER;
	uint32_t key = g->key;
	char *sdp = NULL;
	unsigned acts;

	int tk = kind == VERTO_SIP_REINVITE && g->tk_answer && code >= 200;

	if (kind == VERTO_SIP_INVITE)
		k = VDO_INVITE;
	else if (kind == VERTO_SIP_REINVITE)
		k = VDO_REINVITE;
	else if (kind == VERTO_SIP_REFER)
		k = VDO_REFER;
	verto_sip_totag(m, tag, sizeof(tag));
	verto_sip_contact(m, contact, sizeof(contact));
	sdp = m ? verto_sip_body(m) : NULL;
	acts = verto_dialog_reply(&g->d, k, code, tag, contact, m != NULL,
							  sdp != NULL);
	if (acts & VDR_SEND_CANCEL)
		send_cancel(g, VDH_CANCEL);
	if (acts & VDR_EARLY_DLG)
		early_dlg(g, m);
	if (acts & VDR_OTHER_2XX)
		end_other_2xx(c, m);
	if ((acts & VDR_CONFIRM_DLG) &&
		verto_tmb.dlg_response_uac(g->dlg, m, IS_TARGET_REFRESH) < 0)
		LM_WARN("call %s: cannot update the dialog from the 2xx\n", c->call_id);
	if (acts & VDR_TARGET_DLG)
		verto_tmb.dlg_response_uac(g->dlg, m, IS_TARGET_REFRESH);
	if (acts & VDR_TRANSFER_FAIL)
		verto_engine_transfer_status(verto_vseng, c, code, verto_sip_reason(m));
	if (acts & VDR_LOG)
		LM_INFO("call %s: %d to %s\n", c->call_id, code,
				kind == VERTO_SIP_REFER ? "REFER" : "our request");
	if ((acts & (VDR_E_EARLY | VDR_E_PROGRESS)) && code >= 180)
		queue_event(c, code, m);
	/* the agent who answered: told once verto.answer went (cline_later) */
	if ((acts & VDR_E_ANSWER) && m &&
		verto_sip_pai(m, c->call_id, g->cl_name, sizeof(g->cl_name),
					  g->cl_number, sizeof(g->cl_number)) == 0)
		g->cl_pending = 1;
	/* engine events last: c and g may be gone after them */
	if (acts & (VDR_E_EARLY | VDR_E_PROGRESS))
		verto_engine_sip_event(
				verto_vseng, c,
				(acts & VDR_E_EARLY) ? VCE_S_EARLY : VCE_S_PROGRESS, code, sdp);
	else if (acts & VDR_E_ANSWER)
		verto_engine_sip_event(verto_vseng, c, VCE_S_ANSWER, code, sdp);
	else if (acts & VDR_E_FAILURE)
		verto_engine_sip_event(verto_vseng, c, VCE_S_FAILURE, code, NULL);
	else if (tk) {
		/* the take-over's re-INVITE: no hold of the browser's waits */
		if (verto_takeover_reply(g, code, sdp, m))
			verto_engine_sip_event(verto_vseng, c, VCE_S_BYE, code, NULL);
	} else if (acts & (VDR_E_REINVITE_OK | VDR_E_REINVITE_FAIL))
		verto_engine_sip_event(verto_vseng, c,
							   (acts & VDR_E_REINVITE_OK) ? VCE_S_REINVITE_OK
														  : VCE_S_REINVITE_FAIL,
							   code, NULL);
	free(sdp);
	cline_later(key);
}

static void on_reply(verto_ev *ev)
{
	vsip *g = verto_vsip_find(TOKEN_KEY(ev->token));
	sip_msg_t msg, *m = NULL;

	if (g && g->call)
		verto_ha_touch(g->call->sess); /* an answer, a hold's 2xx */

	/* a 2xx to our INVITE after the call is gone: its dialog is not
	 * wanted either (another branch's answer, or one after the end) */
	if (!g && !(ev->len && ev->code >= 200 && ev->code < 300 &&
				TOKEN_WHAT(ev->token) == VERTO_SIP_INVITE)) {
		LM_DBG("reply %d for a call that is gone\n", ev->code);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	if (ev->len) {
		msg.buf = ev->buf;
		msg.len = ev->len;
		if (parse_msg(ev->buf, ev->len, &msg) != 0) {
			LM_WARN("SIP call %s: reply %d not parsable\n",
					g ? g->callid : "(gone)", ev->code);
			free_sip_msg(&msg);
			return;
		}
		m = &msg;
	}
	if (!g)
		end_other_2xx(NULL, m);
	else if (TOKEN_WHAT(ev->token) >= VS_XFER_INVITE)
		verto_xfer_reply(g, TOKEN_WHAT(ev->token), ev->code, m);
	else if (!g->call)
		LM_DBG("reply %d for a dialog the call left\n", ev->code);
	else if (TOKEN_WHAT(ev->token) == VERTO_SIP_CC_INFO)
		cc_info_reply(g, TOKEN_SEQ(ev->token), ev->code);
	else
		our_reply(g, TOKEN_WHAT(ev->token), ev->code, m);
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
	vsip *g = verto_vsip_new(NULL);
	char tag[33], rtag[VERTO_DLG_TAG_MAX + 1];
	char contact[VERTO_DLG_TARGET_MAX + 1];
	str mine = {tag, 32}, ltag;
	unsigned cseq = 0;
	int status = 500, rc;

	if (!g) {
		LM_ERR("out of memory: INVITE for %s left unanswered\n", ev->key);
		return;
	}
	g->d.inbound = 1;
	g->in_set = 1;
	g->inv_idx = ev->tindex;
	g->inv_label = ev->tlabel;
	snprintf(g->callid, sizeof(g->callid), "%.*s", m->callid->body.len,
			 m->callid->body.s);
	if ((rc = verto_tmb.new_dlg_uas(m, 200, &g->dlg)) < 0) {
		/* the worker checked what request2dlg reads (verto_sip_invite):
		 * what is left is out of memory */
		LM_ERR("SIP call %s: cannot create the dialog (%d)\n", g->callid, rc);
		g->dlg = NULL;
		status = rc == -4 || rc == -6 ? 400 : 500;
		goto err;
	}
	/* our To tag: unguessable (tm's is the instance's fixed prefix and a
	 * checksum of the INVITE), like the Call-IDs of our calls */
	if (verto_sip_random_hex(tag, sizeof(tag)) ||
		shm_str_dup(&ltag, &mine) < 0) {
		LM_ERR("SIP call %s: no random tag\n", g->callid);
		goto err;
	}
	if (g->dlg->id.loc_tag.s)
		shm_free(g->dlg->id.loc_tag.s);
	g->dlg->id.loc_tag = ltag;
	rtag[0] = '\0';
	if (g->dlg->id.rem_tag.len > 0 &&
		g->dlg->id.rem_tag.len < (int)sizeof(rtag))
		snprintf(rtag, sizeof(rtag), "%.*s", g->dlg->id.rem_tag.len,
				 g->dlg->id.rem_tag.s);
	if (verto_dialog_set_ltag(&g->d, tag) ||
		verto_dialog_set_rtag(&g->d, rtag)) {
		LM_ERR("SIP call %s: tags not usable\n", g->callid);
		status = 400;
		goto err;
	}
	verto_sip_contact(m, contact, sizeof(contact));
	if (cseq_of(m, &cseq))
		cseq = 0;
	verto_dialog_uas_start(&g->d, cseq, contact);
	caller_of(m, g->inv_name, sizeof(g->inv_name), g->inv_number,
			  sizeof(g->inv_number));
	g->inv_sdp = verto_sip_body(m);
	g->d.lookup = 1;
	if (vs_lookup && vs_lookup(ev->key, g->key) == 0)
		return;
	g->d.lookup = 0;
	/* never looked up in the loop: the caller tries again later */
	LM_WARN("SIP call %s: cannot look %s up (job queue full?): 503\n",
			g->callid, ev->key);
	reply_trans_hdr(g, g->inv_idx, g->inv_label, 503, NULL,
					"Retry-After: 5\r\n");
	verto_vsip_free(g);
	return;
err:
	send_reply(g, status, NULL);
	verto_vsip_free(g);
}

void verto_sip_lookup_done(uint32_t key, int found, const char *user)
{
	vsip *g = verto_vsip_find(key);
	verto_call *c;
	int status;

	if (!g || !g->d.lookup) {
		LM_DBG("user lookup for a SIP call that is gone\n");
		return;
	}
	g->d.lookup = 0;
	if (found) {
		LM_INFO("SIP call %s: %s\n", g->callid,
				found > 0 ? "no such PaaS user"
						  : "user unknown (identity store down)");
		status = found > 0 ? 404 : 503;
		goto err;
	}
	status = 500;
	c = verto_engine_sip_invite(verto_vseng, g->callid, user, g->inv_name,
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
err:
	send_reply(g, status, NULL);
	verto_vsip_free(g);
}

/* a call from SIP whose user is still being looked up, by Call-ID */
static vsip *find_lookup(const char *callid)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (g->d.lookup && strcmp(g->callid, callid) == 0)
			return g;
	return NULL;
}

/* a dialog without a call (a transfer's new leg before the call moves
 * to it, or a dialog the call left), by Call-ID */
static vsip *find_left(const char *callid)
{
	vsip *g;

	for (g = vs_calls; g; g = g->next)
		if (!g->call && (g->xleg || g->d.retired) &&
			strcmp(g->callid, callid) == 0)
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
	if (verto_engine_transfer_status(verto_vseng, c, code, reason) == 0)
		LM_INFO("call %s: transfer status %d sent to the browser\n", c->call_id,
				code);
}

/*
 * rtpengine takes the contact center's new SDP (peer) on the call's legs
 * (cid, the peer's tag, the browser's tag) without asking the browser
 * again; *ans is our SDP toward the contact center (malloc'd). Usually the
 * peer's SDP is an offer from its leg toward the browser's, answered with
 * the browser's last SDP (brow). On a leg a transfer made (flip), the
 * browser's leg was the offerer and stays it: brow is offered again
 * toward the peer's leg (rtpengine's SDP for it is *ans) and the peer's
 * SDP answers it; the other way, rtpengine would renumber the browser's
 * payload types around the new leg's (e.g. opus 96 there, telephone-event
 * 96 here) and the browser's old SDP would no longer answer its offer.
 * 0, or -1 with r->errstr.
 */
static int peer_ng(verto_rtp *r, int flip, const char *cid, const char *ptag,
				   const char *btag, const char *peer, const char *brow,
				   char **ans)
{
	char *tmp = NULL;
	int rc;

	*ans = NULL;
	if (flip)
		rc = verto_rtp_reoffer(r, VERTO_RTP_BROWSER_OFFER, cid, btag, ptag,
							   brow, ans) ||
			 verto_rtp_answer(r, VERTO_RTP_SIP_ANSWER, cid, btag, ptag, peer,
							  &tmp);
	else
		rc = verto_rtp_reoffer(r, VERTO_RTP_SIP_OFFER, cid, ptag, btag, peer,
							   &tmp) ||
			 verto_rtp_answer(r, VERTO_RTP_BROWSER_ANSWER, cid, ptag, btag,
							  brow, ans);
	free(tmp);
	return rc;
}

/*
 * the contact center's new SDP (re-INVITE, UPDATE, ACK) to rtpengine
 * (peer_ng); *out (when out is not NULL) is our answer toward SIP:
 * rtpengine's, with the direction that matches the offer's and our o=
 * session. 0 or -1.
 */
static int peer_update(vsip *g, const char *sdp, char **out)
{
	verto_call *c = g->call;
	char *ans = NULL;
	const char *dir = verto_sdp_direction(sdp);
	int rc = -1;

	if (!dir || !g->brow_sdp || !verto_vsip_mptag(g)[0]) {
		LM_INFO("call %s: no SDP to answer the contact center with\n",
				c->call_id);
		return -1;
	}
	if (peer_ng(verto_vsrtp, g->m_ptag[0] != '\0', verto_vsip_mcid(g),
				verto_vsip_mptag(g), verto_vsip_mbtag(g), sdp, g->brow_sdp,
				&ans)) {
		LM_ERR("rtpengine for the contact center's new SDP of call %s: %s\n",
			   c->call_id, verto_vsrtp->errstr);
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
	free(ans);
	return rc;
}

/* the CSeq number of a request: 0, or -1 */
static int cseq_of(sip_msg_t *m, unsigned *n)
{
	/* RFC 3261 8.1.1.5: less than 2**31 */
	if (parse_headers(m, HDR_CSEQ_F, 0) < 0 || !m->cseq ||
		str2int(&get_cseq(m)->number, n) < 0 || *n >= 0x80000000u)
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
	int flip; /* a leg a transfer made: peer_ng() */
	unsigned tindex, tlabel;
	char callid[VERTO_SIPID_MAX + 1];
	char rtag[VERTO_DLG_TAG_MAX + 1], ltag[VERTO_DLG_TAG_MAX + 1];
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

	p->rc = -1;
	if (!w || !w->rtp) {
		snprintf(p->why, sizeof(p->why), "no rtpengine client");
		return;
	}
	p->rc = peer_ng(w->rtp, p->flip, p->callid, p->rtag, p->ltag, p->sdp,
					p->brow, &p->ans);
	if (p->rc)
		snprintf(p->why, sizeof(p->why), "%s", w->rtp->errstr);
}

static void peer_job_free(peer_job *p)
{
	free(p->sdp);
	free(p->brow);
	free(p->ans);
	free(p);
}

/* count of in-dialog requests refused for their tags (this process) */
static unsigned long vs_refused = 0;

unsigned long verto_sip_refused(void)
{
	return vs_refused;
}

static const char *modify_name(int is_invite)
{
	return is_invite ? "re-INVITE" : "UPDATE";
}

/* perform a decision's reply to a request of ev (its server transaction) */
static void answer(vsip *g, verto_ev *ev, const verto_dlg_out *o,
				   const char *body)
{
	char ra[32];

	if (!(o->acts & VDA_REPLY))
		return;
	if (o->acts & VDA_RETRY_AFTER) {
		/* 0 to 10 s, at random (RFC 3261 14.2) */
		snprintf(ra, sizeof(ra), "Retry-After: %d\r\n", rand() % 11);
		reply_trans_hdr(g, ev->tindex, ev->tlabel, o->code, NULL, ra);
	} else {
		reply_trans(g, ev->tindex, ev->tlabel, o->code,
					o->code == 200 ? body : NULL);
	}
}

static void peer_job_done(verto_job *j, int cancelled)
{
	peer_job *p = (peer_job *)j;
	vsip *g = cancelled ? NULL : verto_vsip_find(p->key);
	verto_call *c = g ? g->call : NULL;
	uint32_t key = p->key;
	char *mine = NULL;
	verto_dlg_out o;
	int ok = 0;

	if (!c) {
		if (!cancelled && p->reply)
			reply_trans(NULL, p->tindex, p->tlabel, 481, NULL);
		peer_job_free(p);
		return;
	}
	if (p->rc) {
		LM_ERR("rtpengine for the contact center's new SDP of call %s: %s\n",
			   c->call_id, p->why);
	} else if (!p->reply || !g->d.peer_cancel) {
		keep_peer_sdp(g, p->sdp);
		mine = verto_sdp_next(
				g->sip_sdp, p->ans,
				verto_sdp_answer_dir(verto_sdp_direction(p->sdp), c->fsm.held));
		if (mine) {
			free(g->sip_sdp);
			g->sip_sdp = strdup(mine);
			ok = 1;
		}
	}
	if (p->reply) {
		g->peer_tx = 0;
		verto_dialog_media_done(&g->d, ok, &o);
		if (o.acts & VDA_REPLY) {
			LM_INFO("call %s: %s from the contact center with SDP: %d\n",
					c->call_id, modify_name(p->is_invite), o.code);
			reply_trans(g, p->tindex, p->tlabel, o.code,
						o.code == 200 ? mine : NULL);
		}
		if ((o.acts & VDA_CLINE) && p->has_pai)
			verto_sip_display(c, p->name, p->number);
	} else if (ok) {
		LM_INFO("call %s: the ACK's SDP went to rtpengine\n", c->call_id);
	}
	free(mine);
	peer_job_free(p);
	verto_engine_call_resume(verto_vseng, c); /* may free c */
	ack_later(key);
	cline_later(key);
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
	verto_dlg_out o;
	peer_job *p;
	int rc;

	if (!verto_vspool || !verto_sdp_direction(sdp) || !g->brow_sdp ||
		!verto_vsip_mptag(g)[0])
		return -1;
	if (verto_jobs_full(verto_vspool))
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
		if (reply && p->is_invite) {
			g->peer_idx = ev->tindex;
			g->peer_label = ev->tlabel;
			g->peer_tx = 1;
		}
	}
	snprintf(p->callid, sizeof(p->callid), "%s", verto_vsip_mcid(g));
	snprintf(p->rtag, sizeof(p->rtag), "%s", verto_vsip_mptag(g));
	snprintf(p->ltag, sizeof(p->ltag), "%s", verto_vsip_mbtag(g));
	p->flip = g->m_ptag[0] != '\0';
	p->sdp = strdup(sdp);
	p->brow = strdup(g->brow_sdp);
	if (reply)
		p->has_pai = verto_sip_pai(m, c->call_id, p->name, sizeof(p->name),
								   p->number, sizeof(p->number)) == 0;
	if (!p->sdp || !p->brow || verto_engine_call_wait(verto_vseng, c)) {
		peer_job_free(p);
		return -1;
	}
	if ((rc = verto_jobs_submit(verto_vspool, &p->job))) {
		peer_job_free(p);
		verto_engine_call_resume(verto_vseng, c);
		return rc;
	}
	if (reply)
		verto_dialog_media(&g->d, p->is_invite, VDMS_STARTED, &o);
	return 0;
}

/*
 * An ACK's SDP kept while the call was busy (on_ack): to rtpengine
 * through the pool once the call is free again; stays kept while busy.
 */
static void ack_later(uint32_t key)
{
	vsip *g = verto_vsip_find(key);
	char *sdp;

	if (!g || !g->call || !g->ack_next ||
		!verto_dialog_ack_release(&g->d, verto_engine_call_busy(g->call)))
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
 * made by the worker), as verto_dialog_request() decided in o: with SDP
 * (VDA_MEDIA), answered from rtpengine; a re-INVITE without SDP
 * (VDA_OFFER) gets our last SDP as the offer (the ACK brings the answer);
 * else the reply decided. Then the connected line.
 */
static void on_modify(vsip *g, verto_ev *ev, sip_msg_t *m, verto_dlg_out *o)
{
	verto_call *c = g->call;
	int invite = ev->method == METHOD_INVITE;
	char *sdp = verto_sip_body(m), *mine = NULL;
	unsigned cseq = 0;
	int rc;

	if ((o->acts & VDA_MEDIA) && sdp) {
		rc = peer_update_start(g, ev, m, sdp, 1);
		if (rc == 0) {
			free(sdp);
			return; /* answered by peer_job_done */
		}
		if (rc == VERTO_JOBS_FULL)
			LM_WARN("call %s: %s from the contact center with SDP: the job "
					"queue is full: 500\n",
					c->call_id, modify_name(invite));
		verto_dialog_media(&g->d, invite,
						   rc == VERTO_JOBS_FULL		? VDMS_FULL
						   : peer_update(g, sdp, &mine) ? VDMS_FAILED
														: VDMS_OK,
						   o);
	} else if (o->acts & VDA_OFFER) {
		mine = g->sip_sdp
					   ? verto_sdp_next(g->sip_sdp, NULL,
										c->fsm.held ? "sendonly" : "sendrecv")
					   : NULL;
		if (mine) {
			free(g->sip_sdp);
			g->sip_sdp = strdup(mine);
		}
		rc = cseq_of(m, &cseq) == 0;
		verto_dialog_offer(&g->d, mine != NULL, cseq, rc, o);
	}
	if (o->acts & VDA_RETRY_AFTER)
		LM_INFO("call %s: %s from the contact center (out of order or "
				"before our reply to the previous one): 500\n",
				c->call_id, modify_name(invite));
	else
		LM_INFO("call %s: %s from the contact center%s: %d\n", c->call_id,
				modify_name(invite), sdp ? " with SDP" : "", o->code);
	answer(g, ev, o, mine);
	if (o->acts & VDA_CLINE)
		connected_line(c, m);
	free(sdp);
	free(mine);
}

/* ACK of our 2xx to a re-INVITE without SDP: its SDP answers our offer */
static void on_ack(vsip *g, sip_msg_t *m, const verto_dlg_out *o)
{
	char *sdp;
	int rc;

	if (o->acts & VDA_ACK_NO_SDP)
		LM_WARN("call %s: the ACK brings no answer to our offer\n",
				g->call->call_id);
	if (!(o->acts & (VDA_ACK_KEEP | VDA_ACK_MEDIA)) ||
		!(sdp = verto_sip_body(m)))
		return;
	if (o->acts & VDA_ACK_KEEP) {
		/* after the running job (ack_later): no NG request from here */
		free(g->ack_next);
		g->ack_next = sdp;
		return;
	}
	rc = peer_update_start(g, NULL, m, sdp, 0);
	if (rc == 0 || rc == VERTO_JOBS_FULL) {
		if (rc)
			LM_ERR("call %s: the ACK's SDP cannot go to rtpengine: the job "
				   "queue is full\n",
				   g->call->call_id);
		free(sdp);
		return;
	}
	if (peer_update(g, sdp, NULL) == 0)
		LM_INFO("call %s: the ACK's SDP went to rtpengine\n", g->call->call_id);
	free(sdp);
}

static verto_dlg_method dlg_method(int method)
{
	switch (method) {
	case METHOD_INVITE:
		return VDM_INVITE;
	case METHOD_UPDATE:
		return VDM_UPDATE;
	case METHOD_BYE:
		return VDM_BYE;
	case METHOD_CANCEL:
		return VDM_CANCEL;
	case METHOD_NOTIFY:
		return VDM_NOTIFY;
	case METHOD_INFO:
		return VDM_INFO;
	case METHOD_ACK:
		return VDM_ACK;
	case METHOD_REFER:
		return VDM_REFER;
	default:
		return VDM_OTHER;
	}
}

/* 1 when the request's Event header names the refer package (RFC 3515;
 * parameters such as ;id= may follow) */
static int event_is_refer(sip_msg_t *m)
{
	str e;

	if (parse_headers(m, HDR_EVENT_F, 0) < 0 || !m->event)
		return 0;
	e = m->event->body;
	trim(&e);
	return e.len >= 5 && strncasecmp(e.s, "refer", 5) == 0 &&
		   (e.len == 5 || e.s[5] == ';' || e.s[5] == ' ' || e.s[5] == '\t');
}

/* a tag of a From or To header, NUL-terminated into buf ("" when none;
 * "\x01" when too long, which matches no tag of ours) */
static void tag_of(struct to_body *b, char *buf, size_t sz)
{
	buf[0] = '\0';
	if (!b || b->tag_value.len <= 0)
		return;
	if ((size_t)b->tag_value.len >= sz)
		snprintf(buf, sz, "\x01");
	else
		snprintf(buf, sz, "%.*s", b->tag_value.len, b->tag_value.s);
}

/*
 * An INFO from the contact center in a call (in order): its Content-Type
 * and body decide the reply (verto_cc_info: 200, 400, 415 with Accept) and
 * the event the browser gets (contact-center JSON, DTMF).
 */
static void on_info(vsip *g, verto_ev *ev, sip_msg_t *m, verto_dlg_out *o)
{
	verto_call *c = g->call;
	verto_cc_text ct = {NULL, 0}, body = {NULL, 0};
	verto_cc_info_out r;
	char *b;

	if (parse_headers(m, HDR_CONTENTTYPE_F, 0) == 0 && m->content_type) {
		ct.s = m->content_type->body.s;
		ct.len = (size_t)m->content_type->body.len;
	}
	if ((b = get_body(m)) && m->buf + m->len > b) {
		body.s = b;
		body.len = (size_t)(m->buf + m->len - b);
	}
	verto_cc_info(ct, body, verto_vscfg.dtmf_duration, &r);
	o->code = r.code;
	if (r.code == 415)
		reply_trans_hdr(g, ev->tindex, ev->tlabel, 415, NULL,
						"Accept: " VERTO_CC_ACCEPT "\r\n");
	else
		answer(g, ev, o, NULL);
	if (r.code != 200) {
		LM_INFO("call %s: INFO from the contact center: %d (%s)\n", c->call_id,
				r.code, r.why ? r.why : "");
		return;
	}
	if (r.msg && verto_engine_cc_event(verto_vseng, c, r.msg) == 0)
		LM_INFO("call %s: INFO %s from the contact center sent to the "
				"browser\n",
				c->call_id, r.kind == VERTO_CC_JSON ? "event" : "DTMF");
}

static void on_request(verto_ev *ev)
{
	char ftag[VERTO_DLG_TAG_MAX + 2], ttag[VERTO_DLG_TAG_MAX + 2];
	char contact[VERTO_DLG_TARGET_MAX + 1];
	char cid[VERTO_SIPID_MAX + 1];
	verto_dlg_req r;
	verto_dlg_out o;
	sip_msg_t msg;
	verto_call *c;
	vsip *g = NULL;
	unsigned cseq = 0;

	memset(&msg, 0, sizeof(msg));
	msg.buf = ev->buf;
	msg.len = ev->len;
	if (parse_msg(ev->buf, ev->len, &msg) != 0 ||
		parse_headers(&msg, HDR_CALLID_F | HDR_FROM_F | HDR_TO_F, 0) < 0 ||
		!msg.callid) {
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
	memset(&r, 0, sizeof(r));
	r.method = dlg_method(ev->method);
	c = verto_engine_find_sip(verto_vseng, cid);
	if (c) {
		g = glue_of(c);
		/* their CSeq, target or hold: the session's state again */
		verto_ha_touch(c->sess);
	} else if (!(g = find_lookup(cid)))
		g = find_left(cid);
	ftag[0] = ttag[0] = '\0';
	if (msg.from && parse_from_header(&msg) == 0)
		tag_of(get_from(&msg), ftag, sizeof(ftag));
	if (msg.to)
		tag_of(get_to(&msg), ttag, sizeof(ttag));
	verto_sip_contact(&msg, contact, sizeof(contact));
	r.ftag = ftag;
	r.ttag = ttag;
	r.contact = contact[0] ? contact : NULL;
	r.has_cseq = cseq_of(&msg, &cseq) == 0;
	r.cseq = cseq;
	r.has_sdp = get_body(&msg) && msg.buf + msg.len > get_body(&msg);
	r.has_call = c != NULL;
	if (r.method == VDM_NOTIFY)
		r.event_refer = event_is_refer(&msg);
	if (g && r.method == VDM_CANCEL) {
		/* the transaction the worker matched it to (dialog_cancel) */
		if (g->d.inbound && ev->tindex == g->inv_idx &&
			ev->tlabel == g->inv_label)
			r.cancels = VDC_INITIAL;
		else if (g->peer_tx && ev->tindex == g->peer_idx &&
				 ev->tlabel == g->peer_label)
			r.cancels = VDC_PEER;
	}
	if (c) {
		r.state = c->fsm.state;
		r.busy = verto_engine_call_busy(c);
		r.hold_pending = c->fsm.hold_pending;
		r.transferring = g && g->xfer;
	}
	if (c && !g) {
		LM_ERR("call %s: out of memory\n", c->call_id);
		o.acts = VDA_REPLY;
		o.code = 500;
	} else {
		verto_dialog_request(g ? &g->d : NULL, &r, &o);
	}
	if (o.acts & VDA_REFUSED) {
		/* forged, or a stray request with this Call-ID: nothing moves */
		vs_refused++;
		LM_NOTICE("SIP call %s: %s refused, its tags are not the dialog's "
				  "(From tag '%.16s', To tag '%.16s'): %s\n",
				  cid, verto_dialog_method_name(r.method), ftag, ttag,
				  r.method == VDM_ACK || r.method == VDM_CANCEL ? "dropped"
																: "481");
	}
	if (o.acts & VDA_OUT_OF_ORDER)
		LM_NOTICE("SIP call %s: %s out of order (CSeq %u)\n", cid,
				  verto_dialog_method_name(r.method), cseq);
	if (g && g->dlg && (o.acts & VDA_DLG_UPDATE))
		/* CSeq, and the remote target a re-INVITE or UPDATE changes */
		verto_tmb.dlg_request_uas(g->dlg, &msg,
								  (o.acts & VDA_TARGET)
										  ? IS_TARGET_REFRESH
										  : IS_NOT_TARGET_REFRESH);
	if (g && !c && (o.acts & VDA_RETIRED_END)) {
		answer(g, ev, &o, NULL);
		verto_xfer_retired_end(g);
	} else if (o.acts & VDA_LOOKUP_CANCEL) {
		LM_INFO("SIP call %s cancelled before it was offered\n", cid);
		send_reply(g, 487, NULL);
		verto_vsip_free(g);
	} else if (!c || !g || (o.acts & VDA_REFUSED) ||
			   ((o.acts & VDA_OUT_OF_ORDER) && !(o.acts & VDA_E_BYE))) {
		if (!c && !(o.acts & VDA_REFUSED))
			LM_DBG("%s for a call that is gone\n",
				   verto_dialog_method_name(r.method));
		/* without our tag: the request's To is copied as it came (a
		 * forged request must not learn the dialog's tag from the 481) */
		answer(NULL, ev, &o, NULL);
	} else if (o.acts & (VDA_MEDIA | VDA_OFFER) ||
			   ((o.acts & VDA_REPLY) &&
				(r.method == VDM_INVITE || r.method == VDM_UPDATE))) {
		on_modify(g, ev, &msg, &o);
	} else if (r.method == VDM_ACK) {
		on_ack(g, &msg, &o);
	} else if (o.acts & VDA_E_INFO) {
		on_info(g, ev, &msg, &o);
	} else if (o.acts & VDA_E_REFER) {
		verto_xfer_refer(g, ev->tindex, ev->tlabel, &msg);
	} else {
		answer(g, ev, &o, NULL);
		if ((o.acts & VDA_E_BYE) && !verto_xfer_old_bye(g)) {
			verto_engine_sip_event(verto_vseng, c, VCE_S_BYE, 0, NULL);
		} else if (o.acts & VDA_E_CANCEL) {
			verto_engine_sip_event(verto_vseng, c, VCE_S_CANCEL, 0, NULL);
		} else if (o.acts & VDA_E_TRANSFER) {
			char *b = verto_sip_body(&msg);
			LM_INFO("call %s: transfer progress %.40s\n", c->call_id,
					b ? b : "(no body)");
			transfer_progress(c, b);
			free(b);
		}
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
				 verto_engine_kick(verto_vseng, ev->key) == 0)
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
	int rc = verto_tmb.t_newtran(msg);

	if (rc == 0)
		return 1;
	if (rc < 0) {
		LM_ERR("cannot create the transaction of an in-dialog request\n");
		reply(msg, 500, "Server Internal Error");
		return 1;
	}
	if (verto_tmb.t_addblind() < 0 ||
		verto_tmb.t_get_trans_ident(msg, &idx, &label) < 0) {
		verto_tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev) {
		verto_tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev->method = method;
	ev->tindex = idx;
	ev->tlabel = label;
	if (verto_ipc_push(ev) < 0) {
		verto_tmb.t_reply(msg, 503, "Service Unavailable");
		return 1;
	}
	/* the 100 only now: a request the contact center sends once it has
	 * seen it (an UPDATE, a CANCEL) is queued after this one, so their
	 * CSeq order holds in the WebSocket process */
	if (method == METHOD_INVITE)
		verto_tmb.t_reply(msg, 100, "Trying");
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

/*
 * a CANCEL: answered here, per transaction (RFC 3261 9.2): 200 when it
 * matches a server transaction of ours (the contact center's INVITE or
 * re-INVITE), else 481; the 200 first, since it must precede the 487
 * that the WebSocket process sends for the INVITE. Its tags are checked
 * there (verto_dialog_request).
 */
static int dialog_cancel(sip_msg_t *msg)
{
	struct cell *t = verto_tmb.t_lookup_original(msg);
	verto_ev *ev;

	if (!t) {
		reply(msg, 481, "Call/Transaction Does Not Exist");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev) {
		verto_tmb.unref_cell(t);
		reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev->method = METHOD_CANCEL;
	/* which transaction: only that of their INVITE or re-INVITE acts */
	ev->tindex = t->hash_index;
	ev->tlabel = t->label;
	verto_tmb.unref_cell(t);
	reply(msg, 200, "OK");
	verto_ipc_push(ev);
	return 1;
}

static const char *request_unusable(sip_msg_t *msg);

int verto_sip_known(sip_msg_t *msg)
{
	if (msg->first_line.type != SIP_REQUEST ||
		parse_headers(msg, HDR_CALLID_F, 0) < 0 || !msg->callid)
		return -1;
	return verto_ipc_callid_has(&msg->callid->body) ? 1 : -1;
}

int verto_sip_request(sip_msg_t *msg)
{
	const char *bad;
	int method, rc;

	if (verto_sip_known(msg) < 0 || parse_headers(msg, HDR_TO_F, 0) < 0)
		return -1;
	method = msg->first_line.u.request.method_value;
	if (method != METHOD_CANCEL && (bad = request_unusable(msg))) {
		/* before any transaction or queueing: the sender's error */
		LM_NOTICE("%.*s for a Verto call (Call-ID %.*s): %s\n",
				  msg->first_line.u.request.method.len,
				  msg->first_line.u.request.method.s, msg->callid->body.len,
				  msg->callid->body.s, bad);
		if (method != METHOD_ACK)
			reply(msg, 400, bad);
		return 1;
	}
	switch (method) {
	case METHOD_ACK:
		return dialog_ack(msg);
	case METHOD_INVITE:
		if (msg->to && !get_to(msg)->tag_value.len) {
			/* our inbound call's INVITE again: tm absorbs it */
			rc = verto_tmb.t_newtran(msg);
			if (rc > 0) {
				/* not a retransmission: another INVITE with the
				 * Call-ID of a call (RFC 3261 8.2.2.2) */
				LM_NOTICE("INVITE without To tag for a Verto call's "
						  "Call-ID: 482\n");
				verto_tmb.t_reply(msg, 482, "Loop Detected");
			} else if (rc < 0) {
				LM_WARN("INVITE retransmission not absorbed\n");
			}
			return 1;
		}
		return dialog_request(msg, method);
	case METHOD_CANCEL:
		return dialog_cancel(msg);
	case METHOD_UPDATE:
	case METHOD_BYE:
	case METHOD_NOTIFY:
	case METHOD_INFO:
	case METHOD_REFER:
		/* answered by the WebSocket process, which has the dialog */
		return dialog_request(msg, method);
	default:
		reply(msg, 405, "Method Not Allowed");
		return 1;
	}
}

/* 1 when s holds a control character (RFC 3261 allows none in a header
 * value but HTAB; line folding is gone after parsing) */
static int has_ctl(const str *s)
{
	int i;

	for (i = 0; i < s->len; i++) {
		unsigned char ch = (unsigned char)s->s[i];
		if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f)
			return 1;
	}
	return 0;
}

/*
 * What a dialog is made of or refreshed with (tm's request2dlg and the
 * hooks it calculates; the CSeq our order check reads), checked in an
 * initial INVITE and in every request of a call before its transaction
 * exists: NULL when usable, else the reason of the 400 that names the
 * problem (malformed input is the sender's error, never a 500).
 */
static const char *request_unusable(sip_msg_t *msg)
{
	struct hdr_field *h;
	contact_body_t *cb;
	struct sip_uri pu;
	unsigned cseq;

	if (parse_headers(msg, HDR_EOH_F, 0) < 0)
		return "Bad Request (headers)";
	for (h = msg->contact; h; h = h->next)
		if (h->type == HDR_CONTACT_T && has_ctl(&h->body))
			return "Bad Contact"; /* e.g. in its display name */
	if (msg->contact) {
		if (parse_contact(msg->contact) < 0 ||
			!(cb = (contact_body_t *)msg->contact->parsed) || !cb->contacts ||
			parse_uri(cb->contacts->uri.s, cb->contacts->uri.len, &pu) < 0)
			return "Bad Contact";
	}
	if (parse_from_header(msg) < 0)
		return "Bad From";
	if (!get_from(msg)->tag_value.len)
		return "Missing From tag";
	if (get_from(msg)->tag_value.len > VERTO_DLG_TAG_MAX)
		return "From tag too long";
	if (!msg->cseq || cseq_of(msg, &cseq) < 0)
		return "Bad CSeq";
	for (h = msg->record_route; h; h = h->next)
		if (h->type == HDR_RECORDROUTE_T && parse_rr(h) < 0)
			return "Bad Record-Route";
	return NULL;
}

/* 1 when the (parsed) request has a Replaces header (RFC 3891) */
static int has_replaces(sip_msg_t *msg)
{
	struct hdr_field *h;

	for (h = msg->headers; h; h = h->next)
		if (h->name.len == 8 && strncasecmp(h->name.s, "Replaces", 8) == 0)
			return 1;
	return 0;
}

int verto_sip_invite(sip_msg_t *msg, const str *uri)
{
	unsigned idx = 0, label = 0;
	struct to_body *to;
	const char *bad;
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
	if ((bad = request_unusable(msg))) {
		LM_NOTICE("INVITE for %.*s (Call-ID %.*s): 400 %s\n", u.len, u.s,
				  msg->callid->body.len, msg->callid->body.s, bad);
		reply(msg, 400, bad);
		return 1;
	}
	if (has_replaces(msg)) {
		/* it would ring the user as a new call: transfers come as REFER
		 * in the browser's dialog (README 1.3) */
		LM_NOTICE("INVITE with Replaces for %.*s (Call-ID %.*s): 501\n", u.len,
				  u.s, msg->callid->body.len, msg->callid->body.s);
		reply(msg, 501, "Replaces Not Supported (use REFER)");
		return 1;
	}
	rc = verto_tmb.t_newtran(msg);
	if (rc == 0)
		return 1; /* a retransmission, absorbed */
	if (rc < 0) {
		LM_ERR("verto_invite(): cannot create the transaction\n");
		reply(msg, 500, "Server Internal Error");
		return -1;
	}
	/* a blind branch keeps the transaction open for the final reply that
	 * the WebSocket process sends (its timer is tm's fr_inv_timer) */
	if (verto_tmb.t_addblind() < 0 ||
		verto_tmb.t_get_trans_ident(msg, &idx, &label) < 0) {
		verto_tmb.t_reply(msg, 500, "Server Internal Error");
		return 1;
	}
	ev = verto_ev_new(VERTO_EV_REQUEST, msg->buf, msg->len);
	if (!ev || verto_ipc_callid_add(&msg->callid->body) < 0) {
		if (ev)
			verto_ev_free(ev);
		verto_tmb.t_reply(msg, 503, "Service Unavailable");
		return 1;
	}
	ev->method = METHOD_INVITE;
	ev->tindex = idx;
	ev->tlabel = label;
	memcpy(ev->key, u.s, u.len);
	ev->key[u.len] = '\0';
	/* the 100 once the Call-ID is known (a CANCEL sent after it is ours),
	 * but before the INVITE is queued: the WebSocket process's 180 may
	 * come very soon after that, and must not be followed by a 100 */
	verto_tmb.t_reply(msg, 100, "Trying");
	if (verto_ipc_push(ev) < 0) {
		verto_ipc_callid_del(&msg->callid->body);
		verto_tmb.t_reply(msg, 503, "Service Unavailable");
	}
	return 1;
}
