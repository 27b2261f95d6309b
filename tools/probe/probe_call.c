/*
 * probe_call.c - one synthetic call: signaling, media, result (see
 * probe_call.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ng/bencode.h"
#include "ng/ng_client.h"

#include "probe_auth.h"
#include "probe_call.h"

#define DRAIN_US	300000
#define BYE_WAIT_US 3000000
#define SIP_BUF		16384
#define EXTRA_BUF	8192 /* header lines of REGISTER / initial INVITE */
#define SDP_BUF		4096
#define REG_EXPIRES 600 /* s, asked for in every REGISTER */

#define STR_(x) #x
#define STR(x)	STR_(x)

#define PT_OPUS 111 /* what browsers offer */
#define PT_PCMA 8

static const char *state_name(probe_call_state s)
{
	static const char *names[] = {
			[PROBE_CALL_NEW] = "new",
			[PROBE_CALL_CONNECTING] = "connecting",
			[PROBE_CALL_REGISTERING] = "registering",
			[PROBE_CALL_WAITING] = "waiting for INVITE",
			[PROBE_CALL_INVITING] = "inviting",
			[PROBE_CALL_MEDIA_SETUP] = "ICE/DTLS setup",
			[PROBE_CALL_TALKING] = "talking",
			[PROBE_CALL_DRAINING] = "draining",
			[PROBE_CALL_BYE] = "hanging up",
			[PROBE_CALL_LINE] = "carrying calls",
			[PROBE_CALL_DONE] = "done",
			[PROBE_CALL_FAILED] = "failed",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == PROBE_CALL_STATE_COUNT,
				   "state names");
	return names[s];
}

static void call_fail(probe_call *c, int64_t now, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

static void call_fail(probe_call *c, int64_t now, const char *fmt, ...)
{
	va_list ap;

	if (c->state == PROBE_CALL_FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	c->state = PROBE_CALL_FAILED;
	c->t_end = now;
	probe_media_stop_sending(&c->media);
}

static void rand_token(char *out, size_t n)
{
	probe_random_chars(out, n);
	out[n] = 0;
}

static const char *ws_transport(const probe_call *c)
{
	return c->wsp->ssl ? "WSS" : "WS";
}

static void local_uri(const probe_call *c, char *out, size_t sz)
{
	snprintf(out, sz, "sip:%s@%s", c->cfg->from_user, c->cfg->domain);
}

static void remote_uri(const probe_call *c, char *out, size_t sz)
{
	snprintf(out, sz, "sip:%s@%s", c->cfg->to_user, c->cfg->domain);
}

static void contact_of(const probe_call *c, char *out, size_t sz)
{
	snprintf(out, sz, "<sip:%s@%s.invalid;transport=%s>", c->cfg->from_user,
			 c->inst, c->wsp->ssl ? "wss" : "ws");
}

/* the SDP description of codec with payload type pt */
static probe_sdp_codec codec_desc(probe_codec codec, int pt)
{
	probe_sdp_codec d;

	memset(&d, 0, sizeof(d));
	d.pt = pt;
	snprintf(d.name, sizeof(d.name), "%s", probe_codec_name(codec));
	d.rate = probe_codec_rate(codec);
	d.chans = 1;
	if (codec == PROBE_CODEC_OPUS) {
		d.chans = 2; /* RFC 7587: always opus/48000/2 */
		snprintf(d.fmtp, sizeof(d.fmtp), "minptime=10;useinbandfec=1");
	}
	return d;
}

/*
 * Take the codec of the peer's SDP: ours (cfg->codec) if it is there,
 * else the first one the probe can send, with the peer's payload type.
 * Returns 0, or -1 with the call failed.
 */
static int pick_codec(probe_call *c, const probe_sdp_remote *r, int64_t now)
{
	const probe_sdp_codec *rc =
			probe_sdp_find_codec(r, probe_codec_name(c->cfg->codec));
	probe_codec k = c->cfg->codec, x;
	size_t i;

	for (i = 0; !rc && i < r->ncodecs; i++) {
		if (probe_codec_by_name(r->codecs[i].name, &x) < 0 ||
			(x == PROBE_CODEC_OPUS && !c->cfg->opus))
			continue;
		rc = &r->codecs[i];
		k = x;
	}
	if (!rc) {
		call_fail(c, now, "no common codec in the peer SDP (probe: %s%s)",
				  c->cfg->opus ? "opus, " : "", "PCMA");
		return -1;
	}
	if (probe_media_set_codec(&c->media, k, rc->pt, c->cfg->opus,
							  c->cfg->check_echo) < 0) {
		call_fail(c, now, "media: %s", c->media.err);
		return -1;
	}
	return 0;
}

static long local_sdp(probe_call *c, char *out, size_t sz)
{
	probe_sdp_local l;
	probe_sdp_codec d = codec_desc(c->media.codec, c->media.pt);

	probe_media_local_sdp(&c->media, &l, c->cfg->local_ip, &d, 1);
	if (c->cfg->answer)
		l.setup = PROBE_SETUP_ACTIVE; /* answerer picks a role */
	return probe_sdp_build(&l, out, sz);
}

/* send a request inside (or starting) the dialog */
static int send_request(probe_call *c, const char *method, const char *ruri,
						const char *branch, unsigned long cseq,
						const char *body, size_t body_len, const char *extra)
{
	char buf[SIP_BUF], from[256], to[256], via[64], contact[256];
	probe_str routes[PROBE_SIP_MAX_RR];
	probe_sip_req r;
	size_t i;
	long n;

	local_uri(c, from, sizeof(from));
	remote_uri(c, to, sizeof(to));
	contact_of(c, contact, sizeof(contact));
	snprintf(via, sizeof(via), "%s.invalid", c->inst);
	for (i = 0; i < c->nroutes; i++)
		routes[i] = (probe_str){c->routes[i], strlen(c->routes[i])};
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.ruri = ruri;
	r.transport = ws_transport(c);
	r.via_host = via;
	r.branch = branch;
	r.from = from;
	r.from_tag = c->local_tag;
	r.to = to;
	r.to_tag = c->remote_tag[0] ? c->remote_tag : NULL;
	if (!strcmp(method, "REGISTER")) {
		r.to = from;
		r.to_tag = NULL;
	}
	if (c->cfg->answer && strcmp(method, "REGISTER")) {
		/* UAS dialog: we are the To of the INVITE */
		r.from = to;
		r.to = from;
	}
	r.call_id = c->call_id;
	r.cseq = cseq;
	r.contact = strcmp(method, "BYE") ? contact : NULL;
	r.route = routes;
	r.nroute = c->nroutes;
	r.extra = extra;
	r.body = body;
	r.body_len = body_len;
	n = probe_sip_build_request(&r, buf, sizeof(buf));
	if (n < 0)
		return -1;
	if (!strcmp(method, "INVITE")) {
		free(c->invite_req);
		c->invite_req = strdup(buf);
	}
	return probe_wsconn_send(c->wsp, buf, (size_t)n);
}

static void new_branch(probe_call *c)
{
	rand_token(c->branch, 16);
}

/*
 * The (Proxy-)Authorization header line answering the 401/407 challenge
 * for method to ruri into out. Returns 0, or -1 with the call failed.
 */
static int make_authz(probe_call *c, const probe_sip_msg *challenge,
					  const char *method, const char *ruri, char *out,
					  size_t sz, int64_t now)
{
	int proxy = challenge->status == 407;
	probe_auth_challenge ch;
	probe_auth_req r;
	char err[160], cnonce[24], val[2048];

	rand_token(cnonce, 16);
	r.method = method;
	r.uri = ruri;
	r.user = c->cfg->auth_user ? c->cfg->auth_user : c->cfg->from_user;
	r.password = c->cfg->password;
	r.cnonce = cnonce;
	if (probe_auth_pick(proxy ? challenge->proxy_auth : challenge->www_auth,
						proxy ? challenge->nproxy_auth : challenge->nwww_auth,
						&ch, err, sizeof(err)) < 0 ||
		probe_auth_build(&ch, &r, val, sizeof(val), err, sizeof(err)) < 0) {
		call_fail(c, now, "%s answered %d: %s", method, challenge->status, err);
		return -1;
	}
	snprintf(out, sz, "%s: %s\r\n",
			 proxy ? "Proxy-Authorization" : "Authorization", val);
	return 0;
}

/*
 * The header lines of a REGISTER or initial INVITE into out: first (or
 * NULL), the --header lines, and the credentials answering challenge (or
 * NULL). Returns 0, or -1 with the call failed.
 */
static int initial_extra(probe_call *c, const char *method, const char *ruri,
						 const char *first, const probe_sip_msg *challenge,
						 char *out, size_t sz, int64_t now)
{
	char authz[3072] = "";
	int n;

	if (challenge &&
		make_authz(c, challenge, method, ruri, authz, sizeof(authz), now) < 0)
		return -1;
	n = snprintf(out, sz, "%s%s%s", first ? first : "",
				 c->cfg->extra_headers ? c->cfg->extra_headers : "", authz);
	if (n < 0 || (size_t)n >= sz) {
		call_fail(c, now, "%s: header lines too long", method);
		return -1;
	}
	return 0;
}

/* a 401/407 the probe answers with credentials (once per request) */
static int wants_auth(const probe_call *c, const probe_sip_msg *m, int authed)
{
	return (m->status == 401 || m->status == 407) && c->cfg->password &&
		   !authed;
}

/* what to add to the reason of a failed REGISTER or INVITE */
static const char *auth_hint(const probe_call *c, const probe_sip_msg *m,
							 int authed)
{
	if (m->status != 401 && m->status != 407)
		return "";
	if (!c->cfg->password)
		return " (no --password given)";
	return authed ? " again after authenticating (check --user and --password)"
				  : "";
}

/* the INVITE, or after a 401/407 (challenge) again with credentials */
static void send_invite(probe_call *c, int64_t now,
						const probe_sip_msg *challenge)
{
	char sdp[SDP_BUF], ruri[256], extra[EXTRA_BUF];
	long n = local_sdp(c, sdp, sizeof(sdp));

	remote_uri(c, ruri, sizeof(ruri));
	new_branch(c);
	if (challenge) {
		c->invite_cseq++;
	} else {
		c->invite_cseq = 1;
		c->t_invite = now; /* setup time includes a challenge */
	}
	c->cseq = c->invite_cseq;
	c->state = PROBE_CALL_INVITING;
	if (initial_extra(c, "INVITE", ruri, NULL, challenge, extra, sizeof(extra),
					  now) < 0)
		return;
	if (n < 0 || send_request(c, "INVITE", ruri, c->branch, c->cseq, sdp,
							  (size_t)n, extra) < 0)
		call_fail(c, now, "cannot send INVITE: %s", c->wsp->err);
}

/* the REGISTER, or after a 401/407 (challenge) again with credentials */
static void send_register(probe_call *c, int64_t now,
						  const probe_sip_msg *challenge)
{
	char ruri[256], extra[EXTRA_BUF];

	snprintf(ruri, sizeof(ruri), "sip:%s", c->cfg->domain);
	new_branch(c);
	if (c->state != PROBE_CALL_LINE) /* a line refreshing carries on */
		c->state = PROBE_CALL_REGISTERING;
	if (initial_extra(c, "REGISTER", ruri, "Expires: " STR(REG_EXPIRES) "\r\n",
					  challenge, extra, sizeof(extra), now) < 0)
		return;
	if (send_request(c, "REGISTER", ruri, c->branch, ++c->cseq, NULL, 0,
					 extra) < 0)
		call_fail(c, now, "cannot send REGISTER: %s", c->wsp->err);
}

static void send_bye(probe_call *c, int64_t now)
{
	char br[24];

	c->t_bye = now;
	c->deadline = now + BYE_WAIT_US;
	c->state = PROBE_CALL_BYE;
	if (c->cfg->ng_addr) {
		bencode_doc *rep = NULL;
		ng_delete(c->cfg->ng, c->call_id, NULL, &rep);
		bencode_doc_free(rep);
		c->state = PROBE_CALL_DONE;
		c->t_end = now;
		return;
	}
	rand_token(br, 16);
	if (send_request(c, "BYE", c->target, br, ++c->cseq, NULL, 0, NULL) < 0)
		call_fail(c, now, "cannot send BYE: %s", c->wsp->err);
}

static int copy_str(char *dst, size_t sz, probe_str s);

static void send_ack(probe_call *c, const probe_sip_msg *resp)
{
	char br[24];

	if (resp->status >= 200 && resp->status < 300) {
		rand_token(br, 16);
		send_request(c, "ACK", c->target, br, c->invite_cseq, NULL, 0, NULL);
	} else {
		/* non-2xx (RFC 3261 17.1.1.3): the INVITE's branch and R-URI, its
		 * To with the response's tag, no Route */
		char ruri[256], saved[sizeof(c->remote_tag)];
		size_t nr = c->nroutes;
		remote_uri(c, ruri, sizeof(ruri));
		memcpy(saved, c->remote_tag, sizeof(saved));
		if (copy_str(c->remote_tag, sizeof(c->remote_tag), resp->to_tag) < 0)
			c->remote_tag[0] = 0;
		c->nroutes = 0;
		send_request(c, "ACK", ruri, c->branch, c->invite_cseq, NULL, 0, NULL);
		c->nroutes = nr;
		memcpy(c->remote_tag, saved, sizeof(saved));
	}
}

static int copy_str(char *dst, size_t sz, probe_str s)
{
	if (!s.s || s.len >= sz)
		return -1;
	memcpy(dst, s.s, s.len);
	dst[s.len] = 0;
	return 0;
}

/* learn the dialog from a 2xx (uac) or an INVITE (uas) */
static int learn_dialog(probe_call *c, const probe_sip_msg *m, int uac)
{
	size_t i;

	if (copy_str(c->remote_tag, sizeof(c->remote_tag),
				 uac ? m->to_tag : m->from_tag) < 0 ||
		copy_str(c->target, sizeof(c->target), m->contact_uri) < 0)
		return -1;
	c->nroutes = m->nrr;
	for (i = 0; i < m->nrr; i++)
		if (copy_str(c->routes[i], sizeof(c->routes[i]),
					 m->rr[uac ? m->nrr - 1 - i : i]) < 0)
			return -1;
	return 0;
}

static int take_sdp(probe_call *c, const probe_sip_msg *m, int controlling,
					int64_t now)
{
	probe_sdp_remote r;
	char err[128];

	if (probe_sdp_parse(m->body.s, m->body.len, &r, err, sizeof(err)) < 0) {
		call_fail(c, now, "peer SDP: %s", err);
		return -1;
	}
	if (pick_codec(c, &r, now) < 0)
		return -1;
	if (probe_media_set_remote(&c->media, &r, controlling, now) < 0) {
		call_fail(c, now, "media: %s", c->media.err);
		return -1;
	}
	return 0;
}

static void on_response(probe_call *c, const probe_sip_msg *m, int64_t now)
{
	if (probe_str_eq(m->cseq_method, "REGISTER")) {
		int refresh = c->state == PROBE_CALL_LINE && c->refreshing;
		if ((c->state != PROBE_CALL_REGISTERING && !refresh) ||
			m->status < 200 || m->cseq != c->cseq)
			return;
		if (wants_auth(c, m, c->reg_authed)) {
			c->reg_authed = 1;
			send_register(c, now, m);
			return;
		}
		if (m->status >= 300) {
			call_fail(c, now, "%sREGISTER answered %d %.*s%s",
					  refresh ? "refreshing " : "", m->status,
					  (int)m->reason.len, m->reason.s,
					  auth_hint(c, m, c->reg_authed));
			return;
		}
		if (c->is_line) {
			/* again at half the expiry granted (the smallest listed) */
			long e = m->expires > 0 && m->expires < REG_EXPIRES ? m->expires
																: REG_EXPIRES;
			c->state = PROBE_CALL_LINE;
			c->refreshing = 0;
			c->reg_authed = 0; /* a refresh may be challenged again */
			c->reg_refresh = now + (int64_t)e * 500000;
		} else if (c->cfg->answer) {
			c->state = PROBE_CALL_WAITING;
			c->deadline = now + (int64_t)(c->cfg->setup_timeout_s * 1e6);
		} else {
			send_invite(c, now, NULL);
		}
		return;
	}
	if (probe_str_eq(m->cseq_method, "BYE")) {
		if (m->status >= 200 && c->state == PROBE_CALL_BYE) {
			c->state = PROBE_CALL_DONE;
			c->t_end = now;
		}
		return;
	}
	/* a response to an earlier INVITE (challenged, ACKed) is stale */
	if (!probe_str_eq(m->cseq_method, "INVITE") || m->status < 200 ||
		m->cseq != c->invite_cseq)
		return;
	c->sip_status = m->status;
	if (m->status >= 300) {
		send_ack(c, m);
		if (c->state == PROBE_CALL_INVITING &&
			wants_auth(c, m, c->inv_authed)) {
			c->inv_authed = 1;
			send_invite(c, now, m);
			return;
		}
		call_fail(c, now, "INVITE answered %d %.*s%s", m->status,
				  (int)m->reason.len, m->reason.s,
				  auth_hint(c, m, c->inv_authed));
		return;
	}
	if (c->state != PROBE_CALL_INVITING) {
		send_ack(c, m); /* a retransmitted 2xx */
		return;
	}
	if (learn_dialog(c, m, 1) < 0) {
		call_fail(c, now, "2xx without a usable Contact or To tag");
		return;
	}
	c->t_answer = now;
	send_ack(c, m);
	if (take_sdp(c, m, 1, now) == 0)
		c->state = PROBE_CALL_MEDIA_SETUP;
}

static void reply(probe_call *c, const probe_sip_msg *m, int code,
				  const char *reason, const char *body, size_t body_len)
{
	char buf[SIP_BUF], contact[256];
	long n;

	contact_of(c, contact, sizeof(contact));
	n = probe_sip_build_response(m, code, reason, c->local_tag, contact,
								 "application/sdp", body, body_len, buf,
								 sizeof(buf));
	if (n > 0)
		probe_wsconn_send(c->wsp, buf, (size_t)n);
}

static void on_invite(probe_call *c, const probe_sip_msg *m, int64_t now)
{
	char sdp[SDP_BUF];
	long n;

	if (c->state != PROBE_CALL_WAITING) {
		reply(c, m, 486, "Busy Here", NULL, 0);
		return;
	}
	if (copy_str(c->call_id, sizeof(c->call_id), m->call_id) < 0 ||
		learn_dialog(c, m, 0) < 0) {
		reply(c, m, 400, "Bad Request", NULL, 0);
		call_fail(c, now, "incoming INVITE without usable Call-ID/Contact");
		return;
	}
	c->t_invite = now;
	if (take_sdp(c, m, 0, now) < 0) {
		reply(c, m, 488, "Not Acceptable Here", NULL, 0);
		return;
	}
	n = local_sdp(c, sdp, sizeof(sdp));
	if (n < 0) {
		call_fail(c, now, "cannot build the answer SDP");
		return;
	}
	reply(c, m, 200, "OK", sdp, (size_t)n);
	c->t_answer = now;
	c->cseq = 0;
	c->state = PROBE_CALL_MEDIA_SETUP;
}

static void on_request(probe_call *c, const probe_sip_msg *m, int64_t now)
{
	if (probe_str_eq(m->method, "ACK"))
		return;
	if (probe_str_eq(m->method, "INVITE")) {
		if (m->to_tag.s)
			reply(c, m, 488, "Not Acceptable Here", NULL, 0);
		else
			on_invite(c, m, now);
		return;
	}
	if (probe_str_eq(m->method, "BYE")) {
		reply(c, m, 200, "OK", NULL, 0);
		c->remote_bye = 1;
		if (c->state < PROBE_CALL_TALKING)
			call_fail(c, now, "peer hung up during setup");
		else if (c->state < PROBE_CALL_DONE) {
			c->state = PROBE_CALL_DONE;
			c->t_end = now;
		}
		probe_media_stop_sending(&c->media);
		return;
	}
	reply(c, m, 200, "OK", NULL, 0);
}

static int is_own(const probe_call *c, const probe_sip_msg *m)
{
	return m->call_id.len == strlen(c->call_id) &&
		   !memcmp(m->call_id.s, c->call_id, m->call_id.len);
}

/* carry out on line what probe_dispatch_msg() decided for m */
static void dispatch(probe_call *line, const probe_sip_msg *m, int64_t now)
{
	probe_call *t;
	void *v;

	switch (probe_dispatch_msg(line->route, m, line->call_id, &v)) {
	case PROBE_DISPATCH_CALL:
		t = v;
		if (m->is_request)
			on_request(t, m, now);
		else
			on_response(t, m, now);
		break;
	case PROBE_DISPATCH_LINE:
		on_response(line, m, now);
		break;
	case PROBE_DISPATCH_TAKE:
		/* answering: a new call for the call waiting longest */
		t = probe_route_take(line->route);
		on_request(t, m, now);
		if (is_own(t, m) &&
			probe_route_add(line->route, t->call_id, strlen(t->call_id), t) < 0)
			call_fail(t, now, "too many calls at once on the shared WebSocket");
		break;
	case PROBE_DISPATCH_BUSY:
		reply(line, m, 486, "Busy Here", NULL, 0);
		break;
	case PROBE_DISPATCH_481:
		/* a request of a call that has ended here, or never was */
		reply(line, m, 481, "Call/Transaction Does Not Exist", NULL, 0);
		break;
	case PROBE_DISPATCH_DROP:
		break;
	}
}

static void on_sip(void *arg, const char *msg, size_t len)
{
	probe_call *c = arg;
	probe_sip_msg m;
	char err[128];
	int64_t now = probe_now_us();

	if (probe_sip_parse(msg, len, &m, err, sizeof(err)) < 0) {
		if (c->is_line) {
			/* whose it is cannot be told: it fails no call (its call
			 * times out), and never the line */
			if (!c->unparsable++)
				fprintf(stderr,
						"iwg-probe: unparsable SIP on the shared WebSocket "
						"dropped (counted in unparsable_sip): %s\n",
						err);
			return;
		}
		call_fail(c, now, "unparsable SIP from the gateway: %s", err);
		return;
	}
	if (c->is_line)
		dispatch(c, &m, now);
	else if (m.is_request)
		on_request(c, &m, now);
	else if (is_own(c, &m))
		on_response(c, &m, now);
}

/* ------------------------------------------------------------ NG mode */

static void ng_flags(bencode_buf *b, const probe_call *c, int to_browser)
{
	static const char *replace[] = {"origin", "session-connection"};
	static const char *sdes_off[] = {"off"};
	const char *mux = to_browser ? "require" : "demux";

	bencode_dict_add_str(b, "ICE", to_browser ? "force" : "remove");
	bencode_dict_add_str(b, "DTLS", to_browser ? "passive" : "off");
	bencode_dict_add_str(b, "transport-protocol",
						 to_browser ? "UDP/TLS/RTP/SAVPF" : "RTP/AVP");
	bencode_dict_add_strlist(b, "rtcp-mux", &mux, 1);
	bencode_dict_add_strlist(b, "SDES", sdes_off, 1);
	bencode_dict_add_strlist(b, "replace", replace, 2);
	if (!to_browser && c->cfg->transcode) {
		bencode_dict_add_dict(b, "codec");
		bencode_dict_add_strlist(b, "transcode", &c->cfg->transcode, 1);
		bencode_end(b);
	}
}

/* one NG offer/answer; the returned SDP goes to *sdp_out (doc owned by
 * caller) */
static int ng_exchange(probe_call *c, const char *cmd, const char *sdp,
					   int to_browser, bencode_doc **doc, const char **sdp_out,
					   size_t *sdp_len)
{
	bencode_buf b;
	int r;

	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	bencode_dict_add_str(&b, "command", cmd);
	bencode_dict_add_str(&b, "call-id", c->call_id);
	bencode_dict_add_str(&b, "from-tag", c->local_tag);
	if (!strcmp(cmd, "answer"))
		bencode_dict_add_str(&b, "to-tag", c->remote_tag);
	bencode_dict_add_str(&b, "sdp", sdp);
	ng_flags(&b, c, to_browser);
	bencode_end(&b);
	r = bencode_buf_finish(&b) == 0 ? ng_request_buf(c->cfg->ng, &b, doc) : -1;
	bencode_buf_free(&b);
	if (r != NG_OK) {
		snprintf(c->reason, sizeof(c->reason), "NG %s: %s", cmd,
				 c->cfg->ng->errstr);
		return -1;
	}
	*sdp_out = bencode_dict_get_str((*doc)->root, "sdp", sdp_len);
	if (!*sdp_out) {
		snprintf(c->reason, sizeof(c->reason), "NG %s: no sdp", cmd);
		return -1;
	}
	return 0;
}

static int ng_setup(probe_call *c, int64_t now)
{
	char sdp[SDP_BUF], err[128];
	probe_sdp_remote sip_side, browser_side;
	probe_sdp_local l;
	probe_sdp_codec ans;
	bencode_doc *doc = NULL;
	const char *rs;
	size_t rl;

	if (local_sdp(c, sdp, sizeof(sdp)) < 0 ||
		ng_exchange(c, "offer", sdp, 0, &doc, &rs, &rl) < 0)
		goto err;
	if (probe_sdp_parse(rs, rl, &sip_side, err, sizeof(err)) < 0) {
		snprintf(c->reason, sizeof(c->reason), "NG offer SDP: %s", err);
		goto err;
	}
	bencode_doc_free(doc);
	doc = NULL;
	/* the SIP side answers with the codec to transcode to, else with the
	 * first one it was offered */
	if (c->cfg->transcode && probe_sdp_find_codec(&sip_side, c->cfg->transcode))
		ans = *probe_sdp_find_codec(&sip_side, c->cfg->transcode);
	else
		ans = sip_side.codecs[0];
	if (probe_media_open(&c->echo, c->cfg->local_ip, 0, 1, NULL) < 0) {
		snprintf(c->reason, sizeof(c->reason), "%s", c->echo.err);
		goto err;
	}
	probe_media_local_sdp(&c->echo, &l, c->cfg->local_ip, &ans, 1);
	rand_token(c->remote_tag, 10);
	if (probe_sdp_build(&l, sdp, sizeof(sdp)) < 0 ||
		ng_exchange(c, "answer", sdp, 1, &doc, &rs, &rl) < 0)
		goto err;
	if (probe_sdp_parse(rs, rl, &browser_side, err, sizeof(err)) < 0) {
		snprintf(c->reason, sizeof(c->reason), "NG answer SDP: %s", err);
		goto err;
	}
	bencode_doc_free(doc);
	c->t_answer = probe_now_us();
	if (pick_codec(c, &browser_side, now) < 0) {
		memcpy(err, c->reason, sizeof(err) - 1);
		err[sizeof(err) - 1] = 0;
		snprintf(c->reason, sizeof(c->reason), "NG answer: %s", err);
		return -1;
	}
	if (probe_media_set_remote(&c->media, &browser_side, 1, now) < 0) {
		snprintf(c->reason, sizeof(c->reason), "media: %s", c->media.err);
		return -1;
	}
	c->state = PROBE_CALL_MEDIA_SETUP;
	return 0;
err:
	bencode_doc_free(doc);
	return -1;
}

/* ------------------------------------------------------------ lifecycle */

/* what every call starts with: ids, timers; its media leg when media */
static int call_init(probe_call *c, int id, const probe_cfg *cfg, int media,
					 int64_t now)
{
	memset(c, 0, sizeof(*c));
	c->ws.fd = -1;
	c->wsp = &c->ws;
	c->media.fd = -1;
	c->echo.fd = -1;
	c->id = id;
	c->cfg = cfg;
	c->t_start = now;
	c->deadline = now + (int64_t)(cfg->setup_timeout_s * 1e6);
	rand_token(c->call_id, 20);
	rand_token(c->local_tag, 10);
	rand_token(c->inst, 10);
	if (media &&
		(probe_media_open(&c->media, cfg->local_ip, 1, 0, cfg->dtls) < 0 ||
		 probe_media_set_codec(&c->media, cfg->codec,
							   cfg->codec == PROBE_CODEC_OPUS ? PT_OPUS
															  : PT_PCMA,
							   cfg->opus, cfg->check_echo) < 0)) {
		call_fail(c, now, "media: %s", c->media.err);
		return -1;
	}
	return 0;
}

int probe_call_start(probe_call *c, int id, const probe_cfg *cfg, int64_t now)
{
	if (call_init(c, id, cfg, 1, now) < 0)
		return -1;
	if (cfg->ng_addr) {
		c->t_invite = now;
		if (ng_setup(c, now) < 0) {
			char why[200];
			memcpy(why, c->reason, sizeof(why));
			call_fail(c, now, "%s", why);
			return -1;
		}
		return 0;
	}
	if (probe_wsconn_open(&c->ws, cfg->ws_url, cfg->tls, on_sip, c) < 0) {
		call_fail(c, now, "WebSocket: %s", c->ws.err);
		return -1;
	}
	c->state = PROBE_CALL_CONNECTING;
	return 0;
}

int probe_call_start_line(probe_call *line, const probe_cfg *cfg,
						  probe_route *route, int64_t now)
{
	call_init(line, -1, cfg, 0, now);
	line->is_line = 1;
	line->route = route;
	if (probe_wsconn_open(&line->ws, cfg->ws_url, cfg->tls, on_sip, line) < 0) {
		call_fail(line, now, "WebSocket: %s", line->ws.err);
		return -1;
	}
	line->state = PROBE_CALL_CONNECTING;
	return 0;
}

int probe_call_line_ready(const probe_call *line)
{
	return line->state == PROBE_CALL_LINE && line->ws.state == PROBE_WS_OPEN;
}

int probe_call_start_on(probe_call *c, int id, const probe_cfg *cfg,
						probe_call *line, int64_t now)
{
	if (call_init(c, id, cfg, 1, now) < 0)
		return -1;
	c->wsp = &line->ws;
	memcpy(c->inst, line->inst, sizeof(c->inst));
	if (!probe_call_line_ready(line)) {
		call_fail(c, now, "the shared WebSocket is down: %s", line->reason);
		return -1;
	}
	if (cfg->answer) {
		/* its Call-ID will be the INVITE's (on_sip adds it then) */
		if (probe_route_wait(line->route, c) < 0) {
			call_fail(c, now, "too many calls waiting on the shared WebSocket");
			return -1;
		}
		c->line = line;
		c->state = PROBE_CALL_WAITING;
		return 0;
	}
	if (probe_route_add(line->route, c->call_id, strlen(c->call_id), c) < 0) {
		call_fail(c, now, "too many calls at once on the shared WebSocket");
		return -1;
	}
	c->line = line;
	send_invite(c, now, NULL);
	return c->state == PROBE_CALL_FAILED ? -1 : 0;
}

void probe_call_on_ws(probe_call *c, int64_t now)
{
	if (c->ws.fd < 0)
		return;
	if (probe_wsconn_io(&c->ws) < 0) {
		if (c->state != PROBE_CALL_DONE && c->state != PROBE_CALL_FAILED)
			call_fail(c, now, "WebSocket: %s (in state %s)", c->ws.err,
					  state_name(c->state));
		return;
	}
	if (c->ws.resumed)
		c->tls_resumed = 1;
	if (c->state == PROBE_CALL_CONNECTING && c->ws.state == PROBE_WS_OPEN) {
		if (c->is_line && !c->cfg->do_register && !c->cfg->answer)
			c->state = PROBE_CALL_LINE;
		else if (c->cfg->do_register || c->cfg->answer)
			send_register(c, now, NULL);
		else
			send_invite(c, now, NULL);
	}
}

void probe_call_tick(probe_call *c, int64_t now)
{
	if (probe_call_finished(c))
		return;
	if (c->line && probe_call_finished(c->line)) {
		call_fail(c, now, "the shared WebSocket is down: %s", c->line->reason);
		return;
	}
	probe_media_tick(&c->media, now);
	switch (c->state) {
	case PROBE_CALL_LINE:
		if (c->refreshing && now >= c->deadline) {
			call_fail(c, now, "refreshing REGISTER not answered");
		} else if (!c->refreshing && c->reg_refresh && now >= c->reg_refresh) {
			c->refreshing = 1;
			c->deadline = now + (int64_t)(c->cfg->setup_timeout_s * 1e6);
			send_register(c, now, NULL);
		}
		return;
	case PROBE_CALL_MEDIA_SETUP:
		if (c->media.state == PROBE_MEDIA_UP) {
			c->state = PROBE_CALL_TALKING;
			c->t_talk = now;
			probe_media_start_sending(&c->media, now);
		} else if (c->media.state == PROBE_MEDIA_FAILED) {
			char why[200];
			snprintf(why, sizeof(why), "%s", c->media.err);
			send_bye(c, now);
			call_fail(c, now, "media: %s", why);
			return;
		}
		break;
	case PROBE_CALL_TALKING:
		if (now - c->t_talk >= (int64_t)(c->cfg->duration_s * 1e6))
			probe_call_hangup(c, now);
		return;
	case PROBE_CALL_DRAINING:
		if (now - c->t_drain >= DRAIN_US || c->media.received >= c->media.sent)
			send_bye(c, now);
		return;
	case PROBE_CALL_BYE:
		if (now >= c->deadline) {
			c->state = PROBE_CALL_DONE; /* media figures still count */
			c->t_end = now;
			snprintf(c->reason, sizeof(c->reason), "BYE not answered");
		}
		return;
	default:
		break;
	}
	if (c->state < PROBE_CALL_TALKING && now >= c->deadline) {
		probe_call_state st = c->state;
		if (st == PROBE_CALL_MEDIA_SETUP)
			send_bye(c, now);
		call_fail(c, now, "timeout while %s%s%s", state_name(st),
				  c->media.err[0] ? ": " : "", c->media.err);
	}
}

void probe_call_hangup(probe_call *c, int64_t now)
{
	if (c->state == PROBE_CALL_TALKING) {
		probe_media_stop_sending(&c->media);
		c->state = PROBE_CALL_DRAINING;
		c->t_drain = now;
	} else if (c->state == PROBE_CALL_WAITING) {
		call_fail(c, now, "no INVITE arrived");
	}
}

int probe_call_finished(const probe_call *c)
{
	return c->state == PROBE_CALL_DONE || c->state == PROBE_CALL_FAILED;
}

double probe_call_loss_pct(const probe_call *c)
{
	const probe_media *m = &c->media;

	if (!m->sent)
		return 100.0;
	if (m->received >= m->sent)
		return 0.0;
	return 100.0 * (double)(m->sent - m->received) / (double)m->sent;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static double ms(int64_t a, int64_t b)
{
	return (a && b && b >= a) ? (double)(b - a) / 1000.0 : -1.0;
}

void probe_call_print_json(const probe_call *c, FILE *f)
{
	const probe_media *m = &c->media;

	fprintf(f, "{\"call\":%d,\"result\":", c->id);
	json_str(f, c->state == PROBE_CALL_DONE ? "ok" : "failed");
	fprintf(f, ",\"reason\":");
	json_str(f, c->reason);
	fprintf(f, ",\"call_id\":");
	json_str(f, c->call_id);
	fprintf(f, ",\"codec\":");
	json_str(f, probe_codec_name(m->codec));
	fprintf(f,
			",\"sip_status\":%d,\"setup_ms\":%.1f,\"ice_ms\":%.1f,"
			"\"dtls_ms\":%.1f,\"media_ms\":%.1f",
			c->sip_status, ms(c->t_invite, c->t_answer),
			ms(m->t_ice_start, m->t_ice_done),
			ms(m->t_dtls_start, m->t_dtls_done), ms(c->t_invite, c->t_talk));
	fprintf(f,
			",\"sent\":%llu,\"received\":%llu,\"lost\":%llu,"
			"\"loss_pct\":%.3f,\"jitter_ms\":%.3f,\"echo_match\":%llu,"
			"\"echo_mismatch\":%llu,\"echo_silent\":%llu,\"srtp_errors\":%llu,"
			"\"rtcp_received\":%"
			"llu,"
			"\"remote_bye\":%s,\"tls_resumed\":%s}",
			(unsigned long long)m->sent, (unsigned long long)m->received,
			(unsigned long long)(m->sent > m->received ? m->sent - m->received
													   : 0),
			probe_call_loss_pct(c), probe_call_jitter_ms(c),
			(unsigned long long)m->echo_match,
			(unsigned long long)m->echo_mismatch,
			(unsigned long long)m->echo_silent,
			(unsigned long long)m->srtp_errors,
			(unsigned long long)m->rtcp_received,
			c->remote_bye ? "true" : "false",
			c->tls_resumed ? "true" : "false");
}

double probe_call_jitter_ms(const probe_call *c)
{
	return c->media.rate ? c->media.stats.jitter * 1000.0 / c->media.rate : 0;
}

void probe_call_free(probe_call *c)
{
	if (c->ws.fd >= 0 || c->ws.ssl)
		probe_wsconn_close(&c->ws);
	if (c->line) {
		probe_route_unwait(c->line->route, c);
		probe_route_del(c->line->route, c->call_id, strlen(c->call_id));
		c->line = NULL;
	}
	probe_media_close(&c->media);
	if (c->echo.fd > 0)
		probe_media_close(&c->echo);
	free(c->invite_req);
	c->invite_req = NULL;
}
