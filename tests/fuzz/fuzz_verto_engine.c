/*
 * fuzz_verto_engine.c - libFuzzer target for the iwg_verto session and call
 * state machines (verto_engine.c, verto_call.c) fed with event sequences.
 *
 * The input is a program: each step starts with an opcode byte.
 *   0 open conn (next byte % 4 + 1)        1 close conn
 *   2 frame: conn byte, template byte, arg byte (a JSON-RPC request built
 *     from a template: login, bad login, sessid login, invite, answer, bye,
 *     hold, unhold, toggleHold, dtmf, transfer, attach, unknown method,
 *     messages for the contact center (good, bad body, another "to"),
 *     replace: then one more byte picks the replaceCallID call)
 *   3 raw frame: conn byte, length byte, that many bytes
 *   4 SIP event on a call: call byte, event byte, code byte, sdp flag
 *   5 incoming SIP INVITE for the test user   6 tick (+ byte * 100 ms)
 *   7 kick the first session
 *   8 toggle media/SIP failures, asynchronous logins (bit 2),
 *     asynchronous media steps (bit 3), logins refused by the glue as
 *     busy (bit 4) or throttled (bit 5)
 *   9 connected line on a call: call byte, name/number byte (bit 3:
 *     the agent event instead of verto.display; bit 4: a contact-center
 *     event too)
 *  10 complete the oldest asynchronous login (also after its connection
 *     closed; ok or refused by the password as usual)
 *  11 complete the oldest asynchronous media step: ok/failed byte (also
 *     for a call that is gone or has no step running: nothing happens)
 *  12 the glue's own work on a call starts (call byte) or ends (bit 7):
 *     verto_engine_call_wait / verto_engine_call_resume
 * Checks: no crash or leak; every request frame with an id gets at most one
 * response immediately, and (ids "q<n>" of the templates, while no raw
 * frame came) at most one over the whole run, the late answers of
 * verto_engine_tick included; sessions and calls stay consistent; the
 * logins in flight are those the glue started and not yet decided (never
 * more than max_logins_pending); the held-frame budget is given back in
 * full when the engine is freed. Small limits (logins in flight, sessions
 * per login, login deadline, budget) so that fuzzing reaches them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_engine_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_PENDING 8

typedef struct fz {
	int fail_media, fail_sip, async;
	int auth_refuse; /* 1: VERTO_START_BUSY, 2: VERTO_START_THROTTLED */
	struct {
		verto_conn_id conn;
		int ok;
		char login[32];
	} pend[FZ_PENDING]; /* logins started, oldest first */
	unsigned npend;
	int async_media;
	char mpend[FZ_PENDING][VERTO_ID_MAX + 1]; /* media steps started */
	unsigned nmpend;
	unsigned sip_seq;
	unsigned responses; /* results/errors sent */
	/* templated requests answered (id "q<n>"), unless raw frames came */
	unsigned char answered[4096];
	int raw;
} fz;

static int f_send(void *ctx, verto_conn_id conn, const char *buf, size_t len)
{
	fz *f = ctx;
	const char *q;
	unsigned n;
	(void)conn;
	if (len > 10 && (strstr(buf, "\"result\"") || strstr(buf, "\"error\"")) &&
		!strstr(buf, "\"method\"")) {
		f->responses++;
		/* one answer per request over the whole run (also late ones) */
		q = strstr(buf, "\"id\":\"q");
		if (q && sscanf(q + 7, "%u", &n) == 1 && n < sizeof(f->answered)) {
			if (f->answered[n] && !f->raw)
				abort();
			f->answered[n] = 1;
		}
	}
	return 0;
}

static void f_close(void *ctx, verto_conn_id conn)
{
	(void)ctx;
	(void)conn;
}

static int f_auth(void *ctx, const char *login, const char *passwd,
				  json_object *uv, verto_identity *id)
{
	(void)ctx;
	(void)uv;
	if (strcmp(passwd, "pw"))
		return VERTO_ERR_AUTH_FAILED;
	snprintf(id->login, sizeof(id->login), "%s", login);
	return 0;
}

static int f_auth_start(void *ctx, verto_conn_id conn, const char *login,
						const char *passwd, json_object *uv)
{
	fz *f = ctx;
	(void)uv;
	if (f->auth_refuse)
		return f->auth_refuse == 1 ? VERTO_START_BUSY : VERTO_START_THROTTLED;
	if (!f->async || f->npend == FZ_PENDING)
		return -1; /* the engine then checks it with f_auth */
	f->pend[f->npend].conn = conn;
	f->pend[f->npend].ok = strcmp(passwd, "pw") == 0;
	snprintf(f->pend[f->npend].login, sizeof(f->pend[0].login), "%s", login);
	f->npend++;
	return 0;
}

/* the oldest login started is decided */
static void complete_login(verto_engine *e, fz *f)
{
	verto_identity id;
	verto_conn_id conn;
	int ok;

	if (!f->npend)
		return;
	conn = f->pend[0].conn;
	ok = f->pend[0].ok;
	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "%s", f->pend[0].login);
	memmove(&f->pend[0], &f->pend[1], (f->npend - 1) * sizeof(f->pend[0]));
	f->npend--;
	verto_engine_auth_done(e, conn, ok ? 0 : VERTO_ERR_AUTH_FAILED,
						   ok ? &id : NULL);
}

static int f_media_start(void *ctx, verto_call *c, int kind, const char *in)
{
	fz *f = ctx;
	(void)kind;
	(void)in;
	if (!f->async_media || f->nmpend == FZ_PENDING)
		return -1; /* the engine then runs f_media */
	snprintf(f->mpend[f->nmpend++], VERTO_ID_MAX + 1, "%s", c->call_id);
	return 0;
}

/* the oldest media step started is done (ok: with an SDP) */
static void complete_media(verto_engine *e, fz *f, int ok)
{
	char cid[VERTO_ID_MAX + 1];
	verto_call *c;

	if (!f->nmpend)
		return;
	memcpy(cid, f->mpend[0], sizeof(cid));
	memmove(f->mpend[0], f->mpend[1], (f->nmpend - 1) * sizeof(f->mpend[0]));
	f->nmpend--;
	for (c = verto_engine_calls(e); c; c = c->next)
		if (strcmp(c->call_id, cid) == 0)
			break;
	if (!c)
		return; /* the call is gone: the glue drops the completion */
	if (CP(c)->busy && CP(c)->step
				? verto_engine_media_done(e, c, ok ? 0 : -1,
										  ok ? strdup("v=0\r\n") : NULL) != 0
				: verto_engine_media_done(e, c, 0, strdup("v=0\r\n")) != -1)
		abort(); /* accepted for a running step, refused otherwise */
}

static int f_media(void *ctx, verto_call *c, int kind, const char *in,
				   char **out)
{
	fz *f = ctx;
	(void)c;
	(void)kind;
	(void)in;
	if (f->fail_media)
		return -1;
	*out = strdup("v=0\r\n");
	return *out ? 0 : -1;
}

static void f_delete(void *ctx, verto_call *c)
{
	(void)ctx;
	(void)c;
}

static int f_sip(void *ctx, verto_call *c, int what, int code, const char *sdp,
				 const char *text)
{
	fz *f = ctx;
	(void)code;
	(void)sdp;
	(void)text;
	if (what == VERTO_SIP_INVITE) {
		if (f->fail_sip)
			return -1;
		snprintf(c->sip_callid, sizeof(c->sip_callid), "o%u", ++f->sip_seq);
	}
	/* a message for the contact center: sometimes refused */
	if (what == VERTO_SIP_CC_INFO) {
		if (!sdp || !text)
			abort();
		return f->fail_sip ? VERTO_SIP_CC_NO_DIALOG - (int)(f->sip_seq & 1) : 0;
	}
	return 0;
}

static int f_random(void *ctx, void *buf, size_t n)
{
	fz *f = ctx;
	memset(buf, (int)(++f->sip_seq), n);
	return 0;
}

static const char *const templates[] = {
		"{\"id\":\"q%d\",\"method\":\"login\",\"params\":{\"login\":\"u%d\","
		"\"passwd\":\"pw\"}}",
		"{\"id\":\"q%d\",\"method\":\"login\",\"params\":{\"login\":\"u%d\","
		"\"passwd\":\"no\"}}",
		"{\"id\":\"q%d\",\"method\":\"login\",\"params\":{\"login\":\"u0\","
		"\"passwd\":\"pw\",\"sessid\":\"%s\"}}",
		"{\"id\":\"q%d\",\"method\":\"verto.invite\",\"params\":{\"sdp\":\"v="
		"0\","
		"\"dialogParams\":{\"callID\":\"c%d\",\"destination_number\":\"5\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.answer\",\"params\":{\"sdp\":\"v="
		"0\","
		"\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.bye\",\"params\":{\"dialogParams\":"
		"{"
		"\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.modify\",\"params\":{\"action\":"
		"\"hold\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.modify\",\"params\":{\"action\":"
		"\"unhold\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.modify\",\"params\":{\"action\":"
		"\"toggleHold\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.info\",\"params\":{\"dtmf\":\"1#\","
		"\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.modify\",\"params\":{\"action\":"
		"\"transfer\",\"destination\":\"6000\",\"dialogParams\":{\"callID\":"
		"\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.attach\",\"params\":{\"sdp\":\"v="
		"0\","
		"\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.what\",\"params\":{}}",
		/* messages for the contact center (call.message), a good and a bad
		 * body, and a chat message that is not relayed */
		"{\"id\":\"q%d\",\"method\":\"verto.info\",\"params\":{\"msg\":{"
		"\"to\":\"iwg-cc\",\"body\":\"{\\\"event\\\":\\\"callback\\\"}\"},"
		"\"dialogParams\":{\"callID\":\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.info\",\"params\":{\"msg\":{"
		"\"to\":\"iwg-cc\",\"body\":\"[]\"},\"dialogParams\":{\"callID\":"
		"\"%s\"}}}",
		"{\"id\":\"q%d\",\"method\":\"verto.info\",\"params\":{\"msg\":{"
		"\"to\":\"u1\",\"body\":\"hi\"},\"dialogParams\":{\"callID\":"
		"\"%s\"}}}",
		/* last: attended transfer, two call names */
		"{\"id\":\"q%d\",\"method\":\"verto.modify\",\"params\":{\"action\":"
		"\"replace\",\"replaceCallID\":\"%s\",\"dialogParams\":{"
		"\"callID\":\"%s\"}}}",
};
#define NTEMPL (sizeof(templates) / sizeof(templates[0]))

/* the i-th call, or NULL */
static verto_call *nth_call(verto_engine *e, unsigned i)
{
	verto_call *c = verto_engine_calls(e);
	unsigned n = 0;

	for (; c; c = c->next)
		n++;
	if (!n)
		return NULL;
	for (c = verto_engine_calls(e), i %= n; i--; c = c->next)
		;
	return c;
}

static void check(verto_engine *e, const fz *f)
{
	verto_session *s;
	verto_call *c;

	if (e->logins_pending != f->npend ||
		e->logins_pending > e->cfg.max_logins_pending)
		abort(); /* logins in flight miscounted */
	for (c = verto_engine_calls(e); c; c = c->next) {
		if (c->fsm.state >= VCS_DONE || c->nring > VERTO_MAX_RING)
			abort();
		if (!CP(c)->busy && (CP(c)->step || CP(c)->queued))
			abort(); /* a step without its flag, or events left waiting */
		if (c->sess) {
			for (s = verto_engine_sessions(e); s && s != c->sess; s = s->next)
				;
			if (!s)
				abort(); /* dangling owner */
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz f = {0};
	verto_ops ops = {.ctx = &f,
					 .send = f_send,
					 .close = f_close,
					 .auth = f_auth,
					 .auth_start = f_auth_start,
					 .media = f_media,
					 .media_start = f_media_start,
					 .media_delete = f_delete,
					 .sip = f_sip,
					 .random = f_random};
	verto_budget budget = {.limit = 600};
	verto_engine_cfg cfg = {.max_sessions = 4,
							.max_calls = 3,
							.grace_ms = 500,
							.max_sessions_per_login = 2,
							.login_timeout_ms = 5000,
							.max_logins_pending = 3,
							.budget = &budget};
	verto_engine *e = verto_engine_new(&ops, &cfg);
	size_t i = 0;
	uint64_t now = 0;
	int reqid = 0;

	if (!e)
		return 0;
#define NEXT() (i < size ? data[i++] : 0)
	while (i < size) {
		uint8_t op = NEXT() % 13;
		char buf[1024];
		verto_call *c;
		unsigned before;
		int st;

		switch (op) {
		case 0:
			verto_engine_conn_open(e, NEXT() % 4 + 1);
			break;
		case 1:
			verto_engine_conn_close(e, NEXT() % 4 + 1);
			break;
		case 2: {
			verto_conn_id conn = NEXT() % 4 + 1;
			unsigned t = NEXT() % NTEMPL;
			unsigned arg = NEXT();
			const char *name;
			c = nth_call(e, arg);
			name = t == 2 ? (verto_engine_sessions(e)
									 ? verto_engine_sessions(e)->sessid
									 : "x")
						  : (c ? c->call_id : "none");
			if (t == 0 || t == 1 || t == 3)
				snprintf(buf, sizeof(buf), templates[t], ++reqid, arg % 3);
			else if (t == NTEMPL - 1) {
				verto_call *o = nth_call(e, NEXT());
				snprintf(buf, sizeof(buf), templates[t], ++reqid,
						 o ? o->call_id : "none", name);
			} else
				snprintf(buf, sizeof(buf), templates[t], ++reqid, name);
			before = f.responses;
			verto_engine_frame(e, conn, buf, strlen(buf));
			if (f.responses > before + 1)
				abort(); /* two answers to one request */
			break;
		}
		case 3: {
			verto_conn_id conn = NEXT() % 4 + 1;
			size_t n = NEXT();
			if (n > size - i)
				n = size - i;
			f.raw = 1; /* may reuse a templated id */
			verto_engine_frame(e, conn, (const char *)data + i, n);
			i += n;
			break;
		}
		case 4: {
			c = nth_call(e, NEXT());
			verto_call_event ev =
					(verto_call_event)(VCE_S_PROGRESS +
									   NEXT() % (VCE_COUNT - VCE_S_PROGRESS));
			int code = 100 + NEXT() * 2;
			int sdp = NEXT() & 1;
			if (c)
				verto_engine_sip_event(e, c, ev, code, sdp ? "v=0\r\n" : NULL);
			break;
		}
		case 5:
			snprintf(buf, sizeof(buf), "in%u", ++f.sip_seq);
			verto_engine_sip_invite(e, buf, "u0", "A", "1", "v=0\r\n", NULL,
									&st);
			break;
		case 6:
			now += (uint64_t)NEXT() * 100;
			verto_engine_tick(e, now);
			break;
		case 7:
			if (verto_engine_sessions(e))
				verto_engine_kick(e, verto_engine_sessions(e)->sessid);
			break;
		case 8:
			st = NEXT();
			f.fail_media = st & 1;
			f.fail_sip = (st >> 1) & 1;
			f.async = (st >> 2) & 1;
			f.async_media = (st >> 3) & 1;
			f.auth_refuse = (st >> 4) & 3;
			if (f.auth_refuse == 3)
				f.auth_refuse = 0;
			break;
		case 9: {
			/* a connected line from the contact center */
			static const char *const nums[] = {"", "5", "2001", "3001"};
			c = nth_call(e, NEXT());
			st = NEXT();
			if (c && (st & 8))
				verto_engine_agent(e, c, st & 4 ? "Agent" : NULL, nums[st & 3]);
			else if (c)
				verto_engine_display(e, c, st & 4 ? "Agent" : NULL,
									 nums[st & 3]);
			/* a contact-center event (taken over, sent or not) */
			if (c && (st & 16))
				verto_engine_cc_event(e, c,
									  json_tokener_parse("{\"iwg\":\"cc\"}"));
			break;
		}
		case 10:
			complete_login(e, &f);
			break;
		case 11:
			complete_media(e, &f, NEXT() & 1);
			break;
		case 12:
			st = NEXT();
			c = nth_call(e, (unsigned)st & 0x7f);
			if (c && (st & 0x80))
				verto_engine_call_resume(e, c);
			else if (c)
				verto_engine_call_wait(e, c);
			break;
		}
		check(e, &f);
	}
	verto_engine_free(e);
	if (budget.used)
		abort(); /* held frames' bytes not given back */
	return 0;
}
