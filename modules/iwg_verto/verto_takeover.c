/*
 * verto_takeover.c - sessions of another node rebuilt here (contracts in
 * verto_takeover.h; the state in verto_state.h, the claim in verto_ha.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dprint.h"
#include "core/mem/shm_mem.h"
#include "core/parser/parse_rr.h"
#include "core/ut.h"

#include "verto_ha.h"
#include "verto_ipc.h"
#include "verto_sdp.h"
#include "verto_sip_priv.h"
#include "verto_takeover.h"

static str sz(const char *s)
{
	str r = {(char *)s, (int)strlen(s)};
	return r;
}

/* the route set of a stored call (one Route header value) into d */
static int route_set(dlg_t *d, const char *route)
{
	char buf[VERTO_STATE_ROUTE_MAX + 1];
	rr_t *rr = NULL;
	int rc;

	if (!route[0])
		return 0;
	snprintf(buf, sizeof(buf), "%s", route);
	if (parse_rr_body(buf, (int)strlen(buf), &rr) < 0 || !rr)
		return -1;
	rc = shm_duplicate_rr(&d->route_set, rr);
	free_rr(&rr);
	return rc < 0 ? -1 : 0;
}

/* tm's dialog of stored call sc, confirmed, into g->dlg; 0 or -1 */
static int dialog_of(vsip *g, const verto_state_call *sc)
{
	str cid = sz(sc->sip_callid), ltag = sz(sc->ltag), rtag = sz(sc->rtag);
	str luri = sz(sc->luri), ruri = sz(sc->ruri), target = sz(sc->target);
	dlg_t *d;

	if (verto_tmb.new_dlg_uac(&cid, &ltag, sc->lseq, &luri, &ruri, &g->dlg) < 0)
		return -1;
	d = g->dlg;
	if (shm_str_dup(&d->id.rem_tag, &rtag) < 0 ||
		(target.len && shm_str_dup(&d->rem_target, &target) < 0) ||
		route_set(d, sc->route))
		return -1;
	d->rem_seq.value = sc->rseq;
	d->rem_seq.is_set = sc->rseq != 0;
	d->state = DLG_CONFIRMED;
	/* from this node's SIP listener (its Contact's) */
	if (verto_vscfg.sip_sock)
		d->send_sock = verto_vscfg.sip_sock;
	return verto_tmb.calculate_hooks(d) < 0 ? -1 : 0;
}

/* the glue of stored call sc (in the list, Call-ID in the shared set), or
 * NULL (logged) */
static vsip *glue_of(const verto_state_call *sc)
{
	vsip *g = verto_vsip_new(NULL);
	str cid = sz(sc->sip_callid);
	const char *what = "out of memory";

	if (!g)
		goto err;
	snprintf(g->callid, sizeof(g->callid), "%s", sc->sip_callid);
	verto_dialog_init(&g->d, !sc->outbound);
	what = "tags";
	if (verto_dialog_set_ltag(&g->d, sc->ltag) ||
		verto_dialog_set_rtag(&g->d, sc->rtag))
		goto err;
	g->d.confirmed = 1;
	g->d.rseq = sc->rseq;
	g->d.rseq_set = sc->rseq != 0;
	snprintf(g->d.target, sizeof(g->d.target), "%s", sc->target);
	what = "the tm dialog (URIs, target, route set)";
	if (dialog_of(g, sc))
		goto err;
	snprintf(g->m_cid, sizeof(g->m_cid), "%s", sc->m_cid);
	snprintf(g->m_btag, sizeof(g->m_btag), "%s", sc->m_btag);
	snprintf(g->m_ptag, sizeof(g->m_ptag), "%s", sc->m_ptag);
	what = "its SDPs (the contact center's and ours are both needed)";
	if (!sc->peer_sdp || !sc->our_sdp ||
		!(g->peer_sdp = strdup(sc->peer_sdp)) ||
		!(g->sip_sdp = verto_sdp_clean(sc->our_sdp)))
		goto err;
	what = "the shared Call-ID set";
	if (verto_ipc_callid_add(&cid) < 0)
		goto err;
	g->in_set = 1;
	g->takeover = 1;
	return g;
err:
	LM_WARN("verto call %s taken over without its SIP dialog (%s): left out\n",
			sc->call_id, what);
	if (g)
		verto_vsip_free(g);
	return NULL;
}

int verto_takeover_adopt(verto_engine *e, const verto_state *st,
						 const verto_identity *id)
{
	verto_session *s = verto_engine_adopt(e, st->sessid, id);
	unsigned i, n = 0;

	if (!s) {
		LM_WARN("verto session %.8s... of node %s not taken over here (in "
				"use, no room or out of memory)\n",
				st->sessid, st->node);
		return -1;
	}
	for (i = 0; i < st->ncalls; i++) {
		const verto_state_call *sc = &st->calls[i];
		verto_adopt_call a = {
				.call_id = sc->call_id,
				.outbound = sc->outbound,
				.held = sc->held,
				.dest = sc->dest,
				.caller_name = sc->caller_name,
				.caller_number = sc->caller_number,
				.sip_callid = sc->sip_callid,
				.media_callid = sc->m_cid,
		};
		vsip *g = glue_of(sc);
		verto_call *c;

		if (!g)
			continue;
		if (!(c = verto_engine_adopt_call(e, s, &a, g))) {
			LM_WARN("verto call %s taken over: its callID or Call-ID is "
					"in use here, or too many calls: left out\n",
					sc->call_id);
			verto_vsip_free(g);
			continue;
		}
		g->call = c;
		n++;
	}
	LM_NOTICE("verto session %.8s... taken over from node %s: %u of %u "
			  "calls\n",
			  st->sessid, st->node, n, st->ncalls);
	/* the owner key is ours: the state follows at the next tick */
	verto_ha_touch(s);
	return (int)n;
}

void verto_takeover_reinvite(vsip *g)
{
	if (!g->tk_reinvite || !g->call)
		return;
	g->tk_reinvite = 0;
	if (verto_sip_reinvite(g, g->call->fsm.held)) {
		LM_WARN("call %s: the take-over's re-INVITE was not sent: the "
				"contact center's requests still go to the old node\n",
				g->call->call_id);
		return;
	}
	g->tk_answer = 1;
	LM_INFO("call %s: re-INVITE with this node's Contact (taken over)\n",
			g->call->call_id);
}

/* take-over re-INVITEs to send again (a 491, or 500 with Retry-After) */
#define TK_TRIES	   3
#define TK_PENDING_MAX 64

static struct {
	uint32_t key; /* the call's glue (verto_vsip_find) */
	uint64_t at;  /* CLOCK_MONOTONIC ms */
} tk_pending[TK_PENDING_MAX];
static unsigned tk_npending;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* 1 when m carries Retry-After */
static int has_retry_after(sip_msg_t *m)
{
	struct hdr_field *h;

	if (!m || parse_headers(m, HDR_EOH_F, 0) < 0)
		return 0;
	for (h = m->headers; h; h = h->next)
		if (h->type == HDR_RETRY_AFTER_T)
			return 1;
	return 0;
}

/* the re-INVITE of g sent again later; 0, or -1 (tries used up, no room) */
static int tk_again(vsip *g, int code)
{
	unsigned wait;

	if (g->tk_tries >= TK_TRIES || tk_npending >= TK_PENDING_MAX)
		return -1;
	/* RFC 3261 14.1: the side that chose the Call-ID (ours when the
	 * browser placed the call) waits 2.1-4 s, the other 0-2 s */
	wait = g->d.inbound ? (unsigned)(rand() % 2001)
						: 2100 + (unsigned)(rand() % 1901);
	g->tk_tries++;
	tk_pending[tk_npending].key = g->key;
	tk_pending[tk_npending].at = mono_ms() + wait;
	tk_npending++;
	LM_NOTICE("call %s: %d to the take-over's re-INVITE: sent again in %u "
			  "ms (try %u of %u)\n",
			  g->call->call_id, code, wait, g->tk_tries + 1, TK_TRIES + 1);
	return 0;
}

int verto_takeover_reply(vsip *g, int code, const char *sdp, sip_msg_t *m)
{
	g->tk_answer = 0;
	if (code >= 200 && code < 300) {
		if (!sdp) {
			LM_WARN("call %s: the 2xx to the take-over's re-INVITE has no "
					"SDP\n",
					g->call->call_id);
			return 0;
		}
		/* the re-INVITE offered our last SDP again: rtpengine hears of
		 * the answer only when the contact center's media moved */
		if ((!g->peer_sdp || verto_sdp_same_media(g->peer_sdp, sdp) != 1) &&
			verto_sip_ng_answer(g, sdp)) {
			LM_WARN("call %s: the contact center's answer cannot go to "
					"rtpengine\n",
					g->call->call_id);
			return 0;
		}
		free(g->peer_sdp);
		g->peer_sdp = strdup(sdp);
		verto_ha_touch(g->call->sess); /* its SDP of now stored */
		return 0;
	}
	if ((code == 491 || (code == 500 && has_retry_after(m))) &&
		tk_again(g, code) == 0)
		return 0;
	LM_NOTICE("call %s: %d to the take-over's re-INVITE%s\n", g->call->call_id,
			  code,
			  code == 481 || code == 408
					  ? ": the call ends"
					  : ": the contact center's requests may still go to "
						"the old node");
	return code == 481 || code == 408;
}

void verto_takeover_tick(void)
{
	uint64_t now;
	unsigned i = 0;
	vsip *g;

	if (!tk_npending)
		return;
	now = mono_ms();
	while (i < tk_npending) {
		uint32_t key = tk_pending[i].key;

		if (tk_pending[i].at > now) {
			i++;
			continue;
		}
		tk_pending[i] = tk_pending[--tk_npending];
		if ((g = verto_vsip_find(key)) && g->call && g->dlg) {
			g->tk_reinvite = 1;
			verto_takeover_reinvite(g);
		}
	}
}
