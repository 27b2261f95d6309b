/*
 * test_verto_engine.c - sessions, login, resume and call dispatch of
 * iwg_verto (modules/iwg_verto/verto_engine.c) with recording operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../modules/iwg_verto/verto_engine.h"

/* ---------------------------------------------------------------- recorder */

#define MAXREC 64
typedef struct rec {
	char *frames[MAXREC]; /* "<conn> <json>" */
	int nframes;
	char sip[MAXREC][64]; /* "INVITE", "REPLY 200", ... */
	int nsip;
	int closed[8];
	int nclosed;
	int media_fail;
	int sip_fail;
	int cc_rc; /* what ops.sip answers VERTO_SIP_CC_INFO */
	int deletes;
	int freed;
} rec;

static int r_send(void *ctx, verto_conn_id conn, const char *buf, size_t len)
{
	rec *r = ctx;
	char *s;
	if (r->nframes == MAXREC)
		return -1;
	s = malloc(len + 24);
	snprintf(s, len + 24, "%llu %.*s", (unsigned long long)conn, (int)len, buf);
	r->frames[r->nframes++] = s;
	return 0;
}

static void r_close(void *ctx, verto_conn_id conn)
{
	rec *r = ctx;
	r->closed[r->nclosed++ & 7] = (int)conn;
}

static int r_auth(void *ctx, const char *login, const char *passwd,
				  json_object *uv, verto_identity *id)
{
	(void)ctx;
	(void)uv;
	if (strcmp(passwd, "1234") != 0)
		return VERTO_ERR_AUTH_FAILED;
	snprintf(id->login, sizeof(id->login), "%s", login);
	snprintf(id->sip_uri, sizeof(id->sip_uri), "sip:%s", login);
	return 0;
}

static int r_media(void *ctx, verto_call *c, int kind, const char *in,
				   char **out)
{
	rec *r = ctx;
	char buf[64];
	(void)c;
	(void)in;
	if (r->media_fail)
		return -1;
	snprintf(buf, sizeof(buf), "v=0\r\ns=media-%d\r\n", kind);
	*out = strdup(buf);
	return 0;
}

static void r_delete(void *ctx, verto_call *c)
{
	(void)c;
	((rec *)ctx)->deletes++;
}

static int r_sip(void *ctx, verto_call *c, int what, int code, const char *sdp,
				 const char *text)
{
	static const char *names[] = {
			"",		"INVITE", "CANCEL",			"BYE",	  "REPLY", "REINVITE",
			"DTMF", "REFER",  "REFER-REPLACES", "CC-INFO"};
	rec *r = ctx;
	if (what == VERTO_SIP_CC_INFO) {
		/* "CC-INFO <event> <body>" */
		if (r->nsip < MAXREC)
			snprintf(r->sip[r->nsip++], 64, "CC-INFO %s %s", text, sdp);
		return r->cc_rc;
	}
	(void)sdp;
	if (what == VERTO_SIP_INVITE)
		snprintf(c->sip_callid, sizeof(c->sip_callid), "sip-%.100s",
				 c->call_id);
	if (r->nsip < MAXREC) {
		if (code)
			snprintf(r->sip[r->nsip++], 64, "%s %d", names[what], code);
		else
			snprintf(r->sip[r->nsip++], 64, "%s%s%s", names[what],
					 text ? " " : "", text ? text : "");
	}
	return r->sip_fail && what == VERTO_SIP_INVITE ? -1 : 0;
}

static void r_freed(void *ctx, verto_call *c)
{
	(void)c;
	((rec *)ctx)->freed++;
}

static int r_random(void *ctx, void *buf, size_t n)
{
	static unsigned char k;
	(void)ctx;
	memset(buf, ++k, n);
	return 0;
}

static rec R;
static verto_engine *E;

/* the recording operations, synchronous login and media steps */
static verto_ops rec_ops(void)
{
	verto_ops ops = {.ctx = &R,
					 .send = r_send,
					 .close = r_close,
					 .auth = r_auth,
					 .media = r_media,
					 .media_delete = r_delete,
					 .sip = r_sip,
					 .call_freed = r_freed,
					 .random = r_random};
	return ops;
}

/* a fresh engine with ops and a grace of 1 s */
static int new_engine(const verto_ops *ops)
{
	verto_engine_cfg cfg = {.grace_ms = 1000};

	memset(&R, 0, sizeof(R));
	E = verto_engine_new(ops, &cfg);
	return E ? 0 : -1;
}

static int setup(void **state)
{
	verto_ops ops = rec_ops();

	(void)state;
	return new_engine(&ops);
}

static int teardown(void **state)
{
	int i;
	(void)state;
	verto_engine_free(E);
	for (i = 0; i < R.nframes; i++)
		free(R.frames[i]);
	return 0;
}

static void reset_frames(void)
{
	int i;
	for (i = 0; i < R.nframes; i++)
		free(R.frames[i]);
	R.nframes = 0;
	R.nsip = 0;
}

static void frame(verto_conn_id conn, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_int_equal(verto_engine_frame(E, conn, buf, strlen(buf)), 0);
}

static void frame_rc(verto_conn_id conn, int rc, const char *buf)
{
	assert_int_equal(verto_engine_frame(E, conn, buf, strlen(buf)), rc);
}

/* frame i must contain every fragment (NULL-terminated) */
static void want(int i, ...)
{
	va_list ap;
	const char *f;
	if (i >= R.nframes)
		fail_msg("frame %d missing (%d sent)", i, R.nframes);
	va_start(ap, i);
	while ((f = va_arg(ap, const char *)))
		if (!strstr(R.frames[i], f))
			fail_msg("frame %d '%s' lacks '%s'", i, R.frames[i], f);
	va_end(ap);
}

static const char *sessid_of(int i)
{
	static char s[64];
	const char *p = strstr(R.frames[i], "\"sessid\":\"");
	assert_non_null(p);
	snprintf(s, 37, "%s", p + 10);
	return s;
}

#define SDP "v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\n"

static void login(verto_conn_id conn)
{
	verto_engine_conn_open(E, conn);
	frame(conn,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"L%d\",\"method\":\"login\","
		  "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\","
		  "\"userVariables\":{},\"loginParams\":{}}}",
		  (int)conn);
}

static void invite(verto_conn_id conn, const char *cid, const char *dest)
{
	frame(conn,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"I-%s\",\"method\":\"verto.invite\","
		  "\"params\":{\"sdp\":\"" SDP "\",\"dialogParams\":{\"callID\":\"%s\","
		  "\"destination_number\":\"%s\",\"caller_id_name\":\"Web\"}}}",
		  cid, cid, dest);
}

/* ---------------------------------------------------------------- tests */

static void login_generates_sessid_and_client_ready(void **state)
{
	(void)state;
	login(1);
	want(0, "\"id\":\"L1\"", "\"message\":\"logged in\"", "\"sessid\":\"",
		 NULL);
	want(1, "verto.clientReady", "\"reattached_sessions\":[]", NULL);
	assert_int_equal(verto_engine_stats(E)->logins_ok, 1);
}

static void requests_before_login_and_bad_password(void **state)
{
	(void)state;
	verto_engine_conn_open(E, 2);
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"verto.invite\","
			 "\"params\":{}}");
	want(0, "\"id\":\"x\"", "-32000", NULL);
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"y\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"bad\"}}");
	want(1, "\"id\":\"y\"", "-32001", "Authentication Failure", NULL);
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"method\":\"verto.nope\"}");
	want(2, "-32000", NULL); /* still not logged in */
	frame(2, "{bad json");
	want(3, "-32700", "\"id\":null", NULL);
	assert_int_equal(R.nsip, 0);
}

static void reconnect_double_login_resumes_session(void **state)
{
	char sessid[40];
	(void)state;
	login(1);
	snprintf(sessid, sizeof(sessid), "%s", sessid_of(0));
	verto_engine_conn_close(E, 1);
	reset_frames();
	verto_engine_conn_open(E, 3);
	frame(3,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"login\",\"params\":"
		  "{\"userVariables\":{},\"loginParams\":{},\"sessid\":\"%s\"}}",
		  sessid);
	want(0, "\"id\":\"a\"", "-32000", NULL);
	frame(3,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1008@cc\",\"passwd\":\"1234\",\"sessid\":\"%s\"}}",
		  sessid);
	want(1, "\"id\":\"b\"", sessid, NULL);
	assert_int_equal(verto_engine_stats(E)->resumes, 1);
	/* an unknown sessid ("undefined") gets a fresh one */
	verto_engine_conn_open(E, 4);
	frame(4,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1008@cc\",\"passwd\":\"1234\",\"sessid\":"
		  "\"undefined\"}}");
	want(3, "\"id\":\"c\"", "\"sessid\":\"", NULL);
	assert_null(strstr(R.frames[3], "undefined"));
}

static void second_connection_with_same_sessid_punts_the_first(void **state)
{
	char sessid[40];
	(void)state;
	login(1);
	snprintf(sessid, sizeof(sessid), "%s", sessid_of(0));
	reset_frames();
	verto_engine_conn_open(E, 5);
	frame(5,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1008@cc\",\"passwd\":\"1234\",\"sessid\":\"%s\"}}",
		  sessid);
	want(0, "1 {", "verto.punt", NULL);
	assert_int_equal(R.nclosed, 1);
	want(1, "5 {", sessid, NULL);
}

static void outbound_call_flow_result_before_media(void **state)
{
	(void)state;
	login(1);
	reset_frames();
	invite(1, "71aa", "5000");
	want(0, "\"id\":\"I-71aa\"", "CALL CREATED", "\"callID\":\"71aa\"", NULL);
	assert_string_equal(R.sip[0], "INVITE");
	verto_call *c = verto_engine_find_sip(E, "sip-71aa");
	assert_non_null(c);
	assert_int_equal(verto_engine_sip_event(E, c, VCE_S_PROGRESS, 180, NULL),
					 0);
	assert_int_equal(R.nframes, 1);
	verto_engine_sip_event(E, c, VCE_S_EARLY, 183, "v=0\r\n");
	want(1, "verto.media", "\"sdp\":\"v=0\\r\\ns=media-2\\r\\n\"", NULL);
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	want(2, "verto.answer", NULL);
	assert_null(strstr(R.frames[2], "sdp"));
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"verto.info\","
			 "\"params\":{\"dtmf\":\"123\",\"dialogParams\":{\"callID\":"
			 "\"71aa\"}}}");
	want(3, "\"id\":\"d\"", "SENT", NULL);
	assert_string_equal(R.sip[1], "DTMF 123");
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"h\",\"method\":\"verto.modify\","
			 "\"params\":{\"action\":\"hold\",\"dialogParams\":{\"callID\":"
			 "\"71aa\"}}}");
	assert_int_equal(R.nframes, 4); /* deferred until the re-INVITE ends */
	assert_string_equal(R.sip[2], "REINVITE");
	verto_engine_sip_event(E, c, VCE_S_REINVITE_OK, 200, NULL);
	want(4, "\"id\":\"h\"", "\"holdState\":\"held\"", "\"action\":\"hold\"",
		 NULL);
	verto_engine_sip_event(E, c, VCE_S_BYE, 0, NULL);
	want(5, "verto.bye", "\"cause\":\"NORMAL_CLEARING\"", "\"causeCode\":16",
		 NULL);
	assert_int_equal(R.freed, 1);
	assert_int_equal(R.deletes, 1);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"e\",\"method\":\"verto.bye\","
			 "\"params\":{\"dialogParams\":{\"callID\":\"71aa\"}}}");
	want(6, "\"id\":\"e\"", "-32002", "CALL DOES NOT EXIST", NULL);
}

static void outbound_failure_becomes_bye_with_cause(void **state)
{
	(void)state;
	login(1);
	reset_frames();
	invite(1, "c2", "5000");
	verto_call *c = verto_engine_find_sip(E, "sip-c2");
	verto_engine_sip_event(E, c, VCE_S_FAILURE, 486, NULL);
	want(1, "verto.bye", "\"cause\":\"USER_BUSY\"", "\"causeCode\":17", NULL);
	assert_null(verto_engine_find_sip(E, "sip-c2"));
}

static void bad_invites_get_errors_and_no_sip(void **state)
{
	char longdest[10001];
	(void)state;
	login(1);
	reset_frames();
	memset(longdest, '5', sizeof(longdest) - 1);
	longdest[sizeof(longdest) - 1] = '\0';
	invite(1, "c3", "50 00");
	want(0, "-32002", "INVALID_NUMBER_FORMAT", NULL);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"verto.invite\","
			 "\"params\":{\"sdp\":\"garbage\",\"dialogParams\":{\"callID\":"
			 "\"c4\",\"destination_number\":\"5000\"}}}");
	want(1, "-32002", "INCOMPATIBLE_DESTINATION", NULL);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"verto.invite\","
			 "\"params\":{\"sdp\":\"v=0\"}}");
	want(2, "-32602", NULL);
	assert_int_equal(R.nsip, 0);
	R.media_fail = 1;
	invite(1, "c5", "5000");
	want(3, "\"id\":\"I-c5\"", "-32002", NULL);
	assert_int_equal(R.nsip, 0);
	R.media_fail = 0;
	R.sip_fail = 1;
	invite(1, "c6", "5000");
	want(4, "\"id\":\"I-c6\"", "-32002", NULL);
	assert_int_equal(R.freed, 2);
	/* 10,000-character destination */
	{
		char *big = malloc(11000);
		snprintf(
				big, 11000,
				"{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"verto.invite\","
				"\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":"
				"\"c7\",\"destination_number\":\"%s\"}}}",
				longdest);
		assert_int_equal(verto_engine_frame(E, 1, big, strlen(big)), 0);
		free(big);
		want(5, "INVALID_NUMBER_FORMAT", NULL);
	}
}

static void ws_drop_keeps_answered_call_and_reattaches(void **state)
{
	char sessid[40];
	(void)state;
	login(1);
	snprintf(sessid, sizeof(sessid), "%s", sessid_of(0));
	invite(1, "k1", "5000");
	invite(1, "k2", "5001");
	verto_call *c1 = verto_engine_find_sip(E, "sip-k1");
	verto_engine_sip_event(E, c1, VCE_S_ANSWER, 200, "v=0\r\n");
	verto_engine_tick(E, 100);
	reset_frames();
	verto_engine_conn_close(E, 1);
	/* the unanswered call is cancelled at once */
	assert_string_equal(R.sip[0], "CANCEL");
	assert_int_equal(R.nsip, 1);
	verto_engine_sip_event(E, verto_engine_find_sip(E, "sip-k2"), VCE_S_FAILURE,
						   487, NULL);
	assert_int_equal(R.nframes, 0); /* nobody to tell */
	verto_engine_tick(E, 500);
	verto_engine_conn_open(E, 2);
	frame(2,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1008@cc\",\"passwd\":\"1234\",\"sessid\":\"%s\"}}",
		  sessid);
	want(0, "\"id\":\"b\"", NULL);
	want(1, "verto.attach", "\"callID\":\"k1\"", "s=media-5",
		 "\"display_direction\":\"inbound\"", NULL);
	want(2, "verto.clientReady", "[\"k1\"]", NULL);
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"at\",\"method\":\"verto.attach\","
			 "\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":\"k1\","
			 "\"attach\":true}}}");
	want(3, "\"id\":\"at\"", "\"result\"", NULL);
	/* drop again and let the grace period pass: BYE toward SIP */
	verto_engine_conn_close(E, 2);
	verto_engine_tick(E, 1400);
	assert_non_null(verto_engine_find_sip(E, "sip-k1"));
	verto_engine_tick(E, 1600);
	assert_null(verto_engine_find_sip(E, "sip-k1"));
	assert_string_equal(R.sip[R.nsip - 1], "BYE");
	verto_engine_tick(E, 5000);
	assert_null(verto_engine_sessions(E)); /* detached, no calls: gone */
}

/* another node's session rebuilt here: the login with its sessid resumes
 * it and re-attaches the call; its grace runs like any detached call's */
static void adopted_session_is_resumed_and_reattached(void **state)
{
	const char *sid = "0f0e0d0c-0b0a-4908-8706-050403020100";
	verto_identity id = {.login = "1008@cc", .sip_uri = "sip:1008@cc"};
	verto_adopt_call a = {.call_id = "t1",
						  .outbound = 1,
						  .dest = "5000",
						  .caller_name = "Agent",
						  .caller_number = "2001",
						  .sip_callid = "sip-t1",
						  .media_callid = ""};
	verto_session *s;
	verto_call *c;
	int glue;
	(void)state;
	verto_engine_tick(E, 100);
	s = verto_engine_adopt(E, sid, &id);
	assert_non_null(s);
	assert_int_equal(s->taken_over, 1);
	assert_null(verto_engine_adopt(E, sid, &id)); /* in use */
	c = verto_engine_adopt_call(E, s, &a, &glue);
	assert_non_null(c);
	assert_ptr_equal(c->glue, &glue);
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	assert_int_equal(c->fsm.detached, 1);
	assert_ptr_equal(verto_engine_find_sip(E, "sip-t1"), c);
	assert_null(verto_engine_adopt_call(E, s, &a, &glue)); /* same callID */
	assert_int_equal(verto_engine_stats(E)->sessions_taken, 1);
	/* a login of another user with the sessid does not get it */
	verto_engine_conn_open(E, 3);
	frame(3,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"o\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1009@cc\",\"passwd\":\"1234\",\"sessid\":\"%s\"}}",
		  sid);
	want(0, "\"id\":\"o\"", NULL);
	assert_string_not_equal(sessid_of(0), sid);
	want(1, "verto.clientReady", "[]", NULL);
	reset_frames();
	verto_engine_conn_open(E, 2);
	frame(2,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"login\",\"params\":"
		  "{\"login\":\"1008@cc\",\"passwd\":\"1234\",\"sessid\":\"%s\"}}",
		  sid);
	want(0, "\"id\":\"b\"", sid, NULL);
	want(1, "verto.attach", "\"callID\":\"t1\"", "s=media-5",
		 "\"callee_id_number\":\"5000\"", NULL);
	want(2, "verto.clientReady", "[\"t1\"]", NULL);
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"at\",\"method\":\"verto.attach\","
			 "\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":\"t1\","
			 "\"attach\":true}}}");
	want(3, "\"id\":\"at\"", "\"result\"", NULL);
	/* the agent hangs up: the call ends like any other */
	verto_engine_sip_event(E, c, VCE_S_BYE, 0, NULL);
	assert_null(verto_engine_find_sip(E, "sip-t1"));
	want(4, "verto.bye", "\"callID\":\"t1\"", NULL);
}

static void inbound_first_answer_wins(void **state)
{
	int st;
	(void)state;
	login(1);
	login(2);
	reset_frames();
	verto_call *c = verto_engine_sip_invite(E, "in-1", "1008@cc", "Agent",
											"2001", "v=0\r\n", NULL, &st);
	assert_non_null(c);
	want(0, "verto.invite", "\"caller_id_name\":\"Agent\"",
		 "\"display_direction\":\"outbound\"", "s=media-3", NULL);
	want(1, "verto.invite", NULL);
	frame(2,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"ans\",\"method\":\"verto.answer\","
		  "\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		  c->call_id);
	want(2, "1 {", "verto.bye", "LOSE_RACE", NULL);
	want(3, "2 {", "\"id\":\"ans\"", "\"result\"", NULL);
	assert_string_equal(R.sip[0], "REPLY 200");
	assert_null(verto_engine_sip_invite(E, "in-2", "nobody", "A", "1",
										"v=0\r\n", NULL, &st));
	assert_int_equal(st, 480);
	/* CANCEL while ringing */
	c = verto_engine_sip_invite(E, "in-3", "1008@cc", "A", "1", "v=0\r\n", NULL,
								&st);
	verto_engine_sip_event(E, c, VCE_S_CANCEL, 0, NULL);
	assert_string_equal(R.sip[R.nsip - 1], "REPLY 487");
	want(R.nframes - 1, "verto.bye", "ORIGINATOR_CANCEL", NULL);
}

static void kick_punts_session(void **state)
{
	(void)state;
	login(1);
	char sessid[40];
	snprintf(sessid, sizeof(sessid), "%s", sessid_of(0));
	reset_frames();
	assert_int_equal(verto_engine_kick(E, sessid), 0);
	want(0, "verto.punt", NULL);
	assert_int_equal(verto_engine_kick(E, "nope"), -1);
}

/* an answered outbound call cid (SIP Call-ID sip-<cid>) */
static verto_call *answered(const char *cid, const char *dest)
{
	char sip[80];
	verto_call *c;

	invite(1, cid, dest);
	snprintf(sip, sizeof(sip), "sip-%s", cid);
	c = verto_engine_find_sip(E, sip);
	assert_non_null(c);
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	return c;
}

static void replace(const char *id, const char *cid, const char *other)
{
	frame(1,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"verto.modify\","
		  "\"params\":{\"action\":\"replace\",\"replaceCallID\":\"%s\","
		  "\"dialogParams\":{\"callID\":\"%s\"}}}",
		  id, other, cid);
}

static void attended_transfer_refers_with_the_other_dialog(void **state)
{
	verto_call *b;

	(void)state;
	login(1);
	answered("ca", "5000");
	b = answered("cb", "5001");
	invite(1, "cc", "5002"); /* not answered */
	reset_frames();
	replace("r1", "ca", "nope");
	want(0, "\"id\":\"r1\"", "-32002", "no such call", NULL);
	replace("r2", "ca", "ca");
	want(1, "\"id\":\"r2\"", "-32002", "itself", NULL);
	replace("r3", "ca", "cc");
	want(2, "\"id\":\"r3\"", "-32002", "not answered", NULL);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"r4\",\"method\":"
			 "\"verto.modify\",\"params\":{\"action\":\"replace\","
			 "\"dialogParams\":{\"callID\":\"ca\"}}}");
	want(3, "\"id\":\"r4\"", "-32002", "Missing replaceCallID", NULL);
	assert_int_equal(R.nsip, 0); /* no SIP for any refused replace */
	replace("r5", "ca", "cb");
	want(4, "\"id\":\"r5\"", "CALL TRANSFERRED", NULL);
	assert_int_equal(R.nsip, 1);
	assert_string_equal(R.sip[0], "REFER-REPLACES sip-cb");
	/* both calls stay up until a side hangs up */
	assert_int_equal(b->fsm.state, VCS_ACTIVE);
	assert_non_null(verto_engine_find_sip(E, "sip-ca"));
	/* another session cannot name this session's calls */
	login(2);
	reset_frames();
	invite(2, "cd", "5003");
	verto_engine_sip_event(E, verto_engine_find_sip(E, "sip-cd"), VCE_S_ANSWER,
						   200, "v=0\r\n");
	reset_frames();
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"r6\",\"method\":\"verto.modify\","
			 "\"params\":{\"action\":\"replace\",\"replaceCallID\":\"cb\","
			 "\"dialogParams\":{\"callID\":\"cd\"}}}");
	want(0, "\"id\":\"r6\"", "-32002", "no such call", NULL);
	assert_int_equal(R.nsip, 0);
}

static void display_sent_only_on_change(void **state)
{
	verto_call *c, *in;
	int st;

	(void)state;
	login(1);
	c = answered("d1", "5000");
	reset_frames();
	/* the browser was told 5000 (the callee) */
	assert_int_equal(verto_engine_display(E, c, "", "5000"), 1);
	assert_int_equal(R.nframes, 0);
	assert_int_equal(verto_engine_display(E, c, "Agent Smith", "2001"), 0);
	want(0, "verto.display", "\"callID\":\"d1\"",
		 "\"display_name\":\"Agent Smith\"", "\"display_number\":\"2001\"",
		 "\"display_direction\":\"inbound\"", NULL);
	assert_int_equal(verto_engine_display(E, c, "Agent Smith", "2001"), 1);
	assert_int_equal(verto_engine_display(E, c, "Agent Smith", ""), 1);
	assert_int_equal(R.nframes, 1);
	/* no name: the number is shown as the name */
	assert_int_equal(verto_engine_display(E, c, NULL, "3001"), 0);
	want(1, "\"display_name\":\"3001\"", "\"display_number\":\"3001\"", NULL);
	/* a call from SIP: told the caller; direction outbound */
	in = verto_engine_sip_invite(E, "in-1", "1008@cc", "Agent", "2001",
								 "v=0\r\n", NULL, &st);
	assert_non_null(in);
	assert_int_equal(verto_engine_display(E, in, "Agent", "2001"), 1);
	frame(1,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"verto.answer\","
		  "\"params\":{\"sdp\":\"" SDP "\",\"dialogParams\":{"
		  "\"callID\":\"%s\"}}}",
		  in->call_id);
	reset_frames();
	assert_int_equal(verto_engine_display(E, in, "Bob", "2002"), 0);
	want(0, "verto.display", "\"display_direction\":\"outbound\"", NULL);
	/* no WebSocket: not sent, and tried again next time */
	verto_engine_conn_close(E, 1);
	assert_int_equal(verto_engine_display(E, in, "Carol", "2003"), -1);
}

/* a verto.info message of the browser (SDK call.message) for call cid */
static void message(const char *id, const char *cid, const char *msg)
{
	frame(1,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"verto.info\","
		  "\"params\":{\"msg\":%s,\"dialogParams\":{\"callID\":\"%s\"}}}",
		  id, msg, cid);
}

#define CALLBACK_MSG                                                     \
	"{\"from\":\"1008@cc\",\"to\":\"iwg-cc\",\"body\":\"{\\\"event\\\":" \
	"\\\"callback\\\",\\\"when\\\":\\\"asap\\\"}\"}"

static void cc_messages_go_as_sip_info(void **state)
{
	verto_call *c, *in;
	int st;

	(void)state;
	login(1);
	invite(1, "q1", "5000");
	c = verto_engine_find_sip(E, "sip-q1");
	assert_non_null(c);
	verto_engine_sip_event(E, c, VCE_S_PROGRESS, 182, NULL);
	reset_frames();
	/* queued (early): the INFO goes, the browser gets SENT */
	message("m1", "q1", CALLBACK_MSG);
	assert_int_equal(R.nsip, 1);
	assert_string_equal(R.sip[0], "CC-INFO callback {\"event\":\"callback\","
								  "\"when\":\"asap\"}");
	want(0, "\"id\":\"m1\"", "\"message\":\"SENT\"", "\"callID\":\"q1\"", NULL);
	/* what the glue refuses: -32602 with the reason, the call goes on */
	R.cc_rc = VERTO_SIP_CC_NO_DIALOG;
	message("m2", "q1", CALLBACK_MSG);
	want(1, "\"id\":\"m2\"", "-32602", "no dialog", NULL);
	R.cc_rc = VERTO_SIP_CC_BUSY;
	message("m3", "q1", CALLBACK_MSG);
	want(2, "\"id\":\"m3\"", "-32602", "Too many", NULL);
	R.cc_rc = -1;
	message("m4", "q1", CALLBACK_MSG);
	want(3, "\"id\":\"m4\"", "-32602", "not sent", NULL);
	R.cc_rc = 0;
	assert_int_equal(c->fsm.state, VCS_OUT_CALLING);
	/* a bad body, an unknown call: -32602, no SIP */
	R.nsip = 0;
	message("m5", "q1", "{\"to\":\"iwg-cc\",\"body\":\"{\\\"x\\\":1}\"}");
	want(4, "\"id\":\"m5\"", "-32602", "event", NULL);
	message("m6", "nope", CALLBACK_MSG);
	want(5, "\"id\":\"m6\"", "-32602", "Unknown call", NULL);
	assert_int_equal(R.nsip, 0);
	/* a chat message to someone else: answered, not relayed */
	message("m7", "q1", "{\"to\":\"1009@cc\",\"body\":\"hi\"}");
	want(6, "\"id\":\"m7\"", "\"result\":{}", NULL);
	assert_int_equal(R.nsip, 0);
	/* answered: still goes */
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	message("m8", "q1",
			"{\"to\":\"iwg-cc\",\"body\":{\"event\":\"change-queue\","
			"\"queue\":\"sales\"}}");
	assert_int_equal(R.nsip, 1);
	assert_string_equal(R.sip[0], "CC-INFO change-queue {\"event\":"
								  "\"change-queue\",\"queue\":\"sales\"}");
	/* a call from SIP still ringing: not answered */
	in = verto_engine_sip_invite(E, "in-q", "1008@cc", "Agent", "2001",
								 "v=0\r\n", NULL, &st);
	assert_non_null(in);
	reset_frames();
	message("m9", in->call_id, CALLBACK_MSG);
	want(0, "\"id\":\"m9\"", "-32602", "not answered", NULL);
	assert_int_equal(R.nsip, 0);
	/* another session cannot name the call */
	login(2);
	reset_frames();
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"mA\",\"method\":\"verto.info\","
			 "\"params\":{\"msg\":" CALLBACK_MSG ",\"dialogParams\":{"
			 "\"callID\":\"q1\"}}}");
	want(0, "\"id\":\"mA\"", "-32602", "Unknown call", NULL);
	assert_int_equal(R.nsip, 0);
}

static void agent_event_sent_on_change(void **state)
{
	verto_call *c;

	(void)state;
	login(1);
	c = answered("ag", "5000");
	reset_frames();
	/* the first one is always news, even when verto.display is not */
	assert_int_equal(verto_engine_agent(E, c, "", "5000"), 0);
	want(0, "verto.info", "\"callID\":\"ag\"",
		 "\"msg\":{\"iwg\":\"agent\",\"name\":\"5000\",\"number\":\"5000\"}",
		 NULL);
	assert_int_equal(verto_engine_agent(E, c, "Alice Agent", "2001"), 0);
	want(1, "\"name\":\"Alice Agent\",\"number\":\"2001\"", NULL);
	assert_int_equal(verto_engine_agent(E, c, "Alice Agent", "2001"), 1);
	assert_int_equal(verto_engine_agent(E, c, "Bob", ""), 1);
	/* a number that cannot go to the browser: nothing */
	assert_int_equal(verto_engine_agent(E, c, "Bob", "20\x01"), 1);
	assert_int_equal(R.nframes, 2);
	/* no WebSocket: not sent, tried again next time */
	verto_engine_conn_close(E, 1);
	assert_int_equal(verto_engine_agent(E, c, "Carol", "2003"), -1);
	assert_int_equal(R.nframes, 2);
}

static void cc_events_only_to_an_attached_session(void **state)
{
	verto_call *c;

	(void)state;
	login(1);
	invite(1, "ev", "5000");
	c = verto_engine_find_sip(E, "sip-ev");
	reset_frames();
	assert_int_equal(
			verto_engine_cc_event(E, c,
								  json_tokener_parse("{\"iwg\":\"cc\","
													 "\"event\":\"ivr\"}")),
			0);
	want(0, "verto.info", "\"callID\":\"ev\"",
		 "\"msg\":{\"iwg\":\"cc\",\"event\":\"ivr\"}", NULL);
	assert_int_equal(verto_engine_cc_event(E, c, NULL), -1);
	verto_engine_conn_close(E, 1);
	/* taken over and freed (ASan: no leak) */
	assert_int_equal(verto_engine_cc_event(E, c, json_object_new_object()), -1);
	assert_int_equal(R.nframes, 1);
}

/* ---------------------------------------------------------------- async */

/* logins started with auth_start: the test decides them later */
static verto_conn_id started[8];
static int nstarted;
static int start_busy; /* auth_start/media_start: refuse as busy */

static int r_auth_start(void *ctx, verto_conn_id conn, const char *login,
						const char *passwd, json_object *uv)
{
	(void)ctx;
	(void)login;
	(void)passwd;
	(void)uv;
	if (start_busy)
		return VERTO_START_BUSY;
	if (nstarted == 8)
		return -1;
	started[nstarted++] = conn;
	return 0;
}

static int setup_async(void **state)
{
	verto_ops ops = rec_ops();

	(void)state;
	ops.auth = NULL;
	ops.auth_start = r_auth_start;
	nstarted = start_busy = 0;
	return new_engine(&ops);
}

/* auth_start beside a working auth: a busy refusal must not fall back */
static int setup_async_with_auth(void **state)
{
	verto_ops ops = rec_ops();

	(void)state;
	ops.auth_start = r_auth_start;
	nstarted = start_busy = 0;
	return new_engine(&ops);
}

static const verto_identity *ident_1008(void)
{
	static verto_identity id;
	memset(&id, 0, sizeof(id));
	snprintf(id.login, sizeof(id.login), "1008@cc");
	snprintf(id.sip_uri, sizeof(id.sip_uri), "sip:1008@cc");
	return &id;
}

static void pending_login_holds_its_frames_not_others(void **state)
{
	(void)state;
	login(1);
	verto_engine_conn_open(E, 2);
	assert_int_equal(nstarted, 1);
	assert_int_equal(R.nframes, 0); /* nothing until it is decided */
	/* the same connection's frames wait, in order */
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}");
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":"
			 "\"verto.broadcast\",\"params\":{}}");
	assert_int_equal(R.nframes, 0);
	/* another connection is answered meanwhile */
	frame(2, "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"nope\"}");
	assert_int_equal(R.nframes, 1);
	want(0, "2 ", "\"id\":\"c\"", "-32000", NULL);
	assert_int_equal(verto_engine_auth_done(E, 1, 0, ident_1008()), 0);
	want(1, "1 ", "\"id\":\"L1\"", "logged in", NULL);
	want(2, "1 ", "verto.clientReady", NULL);
	want(3, "1 ", "\"id\":\"a\"", "-32601", NULL);
	want(4, "1 ", "\"id\":\"b\"", "\"result\"", NULL);
	assert_int_equal(R.nframes, 5);
	assert_int_equal(verto_engine_stats(E)->logins_ok, 1);
	/* decided once only */
	assert_int_equal(verto_engine_auth_done(E, 1, 0, ident_1008()), -1);
}

static void refused_pending_login_then_held_frames_need_login(void **state)
{
	(void)state;
	login(3);
	frame(3, "{\"jsonrpc\":\"2.0\",\"id\":\"i\",\"method\":\"verto.invite\","
			 "\"params\":{}}");
	assert_int_equal(verto_engine_auth_done(E, 3, VERTO_ERR_AUTH_FAILED, NULL),
					 0);
	want(0, "\"id\":\"L3\"", "-32001", NULL);
	want(1, "\"id\":\"i\"", "-32000", NULL);
	assert_int_equal(R.nframes, 2);
	assert_int_equal(verto_engine_stats(E)->logins_failed, 1);
}

static void busy_login_is_answered_server_busy(void **state)
{
	(void)state;
	start_busy = 1;
	login(5); /* the right password: auth would accept it */
	want(0, "\"id\":\"L5\"", "-32002", "SERVER BUSY",
		 "NORMAL_TEMPORARY_FAILURE", NULL);
	assert_int_equal(R.nframes, 1);
	assert_null(strstr(R.frames[0], "-32001"));
	assert_int_equal(verto_engine_stats(E)->logins_ok, 0);
	assert_int_equal(verto_engine_stats(E)->logins_failed, 1);
	/* not pending: the next login on the connection starts */
	start_busy = 0;
	frame(5, "{\"jsonrpc\":\"2.0\",\"id\":\"L5b\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\"}}");
	assert_int_equal(nstarted, 1);
	assert_int_equal(verto_engine_auth_done(E, 5, 0, ident_1008()), 0);
	want(1, "\"id\":\"L5b\"", "logged in", NULL);
}

static void login_decided_after_close_is_dropped(void **state)
{
	(void)state;
	login(4);
	frame(4, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}");
	verto_engine_conn_close(E, 4);
	assert_int_equal(verto_engine_auth_done(E, 4, 0, ident_1008()), -1);
	assert_int_equal(R.nframes, 0);
	assert_null(verto_engine_sessions(E));
}

static void second_login_in_held_frames_waits_again(void **state)
{
	(void)state;
	login(5);
	frame(5, "{\"jsonrpc\":\"2.0\",\"id\":\"L2\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"x\"}}");
	frame(5, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}");
	assert_int_equal(verto_engine_auth_done(E, 5, 0, ident_1008()), 0);
	/* result + clientReady of the first; the second login is pending */
	assert_int_equal(R.nframes, 2);
	assert_int_equal(nstarted, 2);
	assert_int_equal(verto_engine_auth_done(E, 5, VERTO_ERR_AUTH_FAILED, NULL),
					 0);
	want(2, "\"id\":\"L2\"", "-32001", NULL);
	/* the connection keeps its first session */
	want(3, "\"id\":\"a\"", "-32601", NULL);
}

static void too_many_held_frames_close_the_connection(void **state)
{
	int i;
	(void)state;
	login(6);
	for (i = 0; i < VERTO_CONN_QUEUE_MAX; i++)
		frame(6, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"x\"}", i);
	assert_int_equal(R.nframes, 0);
	/* the one too many is answered with its own id; -1: close */
	assert_int_equal(verto_engine_frame(E, 6, "{}", 2), -1);
	want(0, "-32600", "\"id\":null", NULL);
	frame_rc(6, -1, "{\"jsonrpc\":\"2.0\",\"id\":\"over\",\"method\":\"x\"}");
	want(1, "6 ", "-32600", "\"id\":\"over\"", NULL);
	assert_int_equal(R.nframes, 2);
}

static void frames_held_too_long_are_answered_and_closed(void **state)
{
	(void)state;
	verto_engine_tick(E, 1000);
	login(7);
	frame(7, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"verto.bye\","
			 "\"params\":{\"dialogParams\":{\"callID\":\"x\"}}}");
	frame(7, "{\"jsonrpc\":\"2.0\",\"id\":\"n\",\"result\":{}}");
	verto_engine_tick(E, 1000 + VERTO_ANSWER_DEADLINE_MS - 1);
	assert_int_equal(R.nframes, 0);
	assert_int_equal(R.nclosed, 0);
	verto_engine_tick(E, 1000 + VERTO_ANSWER_DEADLINE_MS);
	/* the request is answered, the client's ack is not; then closed */
	want(0, "7 ", "\"id\":\"a\"", "-32002", "NORMAL_TEMPORARY_FAILURE", NULL);
	assert_int_equal(R.nframes, 1);
	assert_int_equal(R.nclosed, 1);
	assert_int_equal(R.closed[0], 7);
	/* what still comes before the close is answered the same way */
	frame(7, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"x\"}");
	want(1, "7 ", "\"id\":\"b\"", "-32002", NULL);
	verto_engine_tick(E, 20000);
	assert_int_equal(R.nclosed, 1); /* closed once */
	assert_int_equal(R.nframes, 2);
}

/* media steps started with media_start: the test completes them */
static verto_call *m_call;
static int m_kind, m_started;

static int r_media_start(void *ctx, verto_call *c, int kind, const char *in)
{
	(void)ctx;
	(void)in;
	if (start_busy)
		return VERTO_START_BUSY;
	m_call = c;
	m_kind = kind;
	m_started++;
	return 0;
}

static int setup_async_media(void **state)
{
	verto_ops ops = rec_ops();

	(void)state;
	ops.media_start = r_media_start;
	m_call = NULL;
	m_kind = m_started = start_busy = 0;
	return new_engine(&ops);
}

static char *sdp_of(int kind)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "v=0\r\ns=async-%d\r\n", kind);
	return strdup(buf);
}

static void busy_call_queues_requests_and_sip_events_in_order(void **state)
{
	verto_call *c;
	(void)state;
	login(1);
	reset_frames();
	invite(1, "a1", "5000");
	/* the offer runs: no INVITE, no result yet */
	assert_int_equal(m_started, 1);
	assert_int_equal(m_kind, VERTO_MEDIA_OFFER_TO_SIP);
	assert_int_equal(R.nsip, 0);
	assert_int_equal(R.nframes, 0);
	c = m_call;
	assert_true(verto_engine_call_busy(c));
	/* a DTMF request for the busy call waits */
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"verto.info\","
			 "\"params\":{\"dtmf\":\"1\",\"dialogParams\":{\"callID\":"
			 "\"a1\"}}}");
	assert_int_equal(R.nframes, 0);
	/* other frames of the session are answered meanwhile */
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"method\":\"nope\"}");
	want(0, "\"id\":\"u\"", "-32601", NULL);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(1)), 0);
	assert_string_equal(R.sip[0], "INVITE");
	want(1, "\"id\":\"I-a1\"", "CALL CREATED", NULL);
	/* the queued DTMF: refused in OUT_CALLING, after the result */
	want(2, "\"id\":\"d\"", NULL);
	assert_int_equal(R.nframes, 3);
	/* 183 with SDP: the answer runs; the 200 that follows waits */
	verto_engine_sip_event(E, c, VCE_S_EARLY, 183, "v=0\r\n");
	assert_int_equal(m_kind, VERTO_MEDIA_ANSWER_TO_BROWSER);
	assert_int_equal(verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, NULL), 0);
	assert_int_equal(R.nframes, 3);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(2)), 0);
	want(3, "verto.media", "s=async-2", NULL);
	want(4, "verto.answer", NULL);
	assert_false(verto_engine_call_busy(c));
	/* a completion for a call that has no step running */
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(2)), -1);
}

static void failed_media_step_ends_call_and_answers_queued(void **state)
{
	verto_call *c;
	(void)state;
	login(1);
	reset_frames();
	invite(1, "a2", "5000");
	c = m_call;
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"verto.bye\","
			 "\"params\":{\"dialogParams\":{\"callID\":\"a2\"}}}");
	assert_int_equal(R.nframes, 0);
	assert_int_equal(verto_engine_media_done(E, c, -1, NULL), 0);
	want(0, "\"id\":\"I-a2\"", "-32002", "INCOMPATIBLE_DESTINATION", NULL);
	want(1, "\"id\":\"b\"", "-32002", "CALL DOES NOT EXIST", NULL);
	assert_int_equal(R.freed, 1);
	assert_int_equal(R.nsip, 0); /* no INVITE went out */
}

static void refused_media_step_ends_the_call(void **state)
{
	(void)state;
	login(1);
	reset_frames();
	start_busy = 1; /* media would succeed: it must not run here */
	invite(1, "a9", "5000");
	want(0, "\"id\":\"I-a9\"", "-32002", "NORMAL_TEMPORARY_FAILURE", NULL);
	assert_int_equal(m_started, 0);
	assert_int_equal(R.nsip, 0); /* no INVITE went out */
	assert_int_equal(R.freed, 1);
	assert_int_equal(verto_engine_stats(E)->calls_failed, 1);
}

static void ws_loss_while_offer_to_browser_runs(void **state)
{
	verto_call *c;
	int st;
	(void)state;
	login(1);
	reset_frames();
	c = verto_engine_sip_invite(E, "in-9", "1008@cc", "A", "1", "v=0\r\n", NULL,
								&st);
	assert_non_null(c);
	assert_int_equal(m_kind, VERTO_MEDIA_OFFER_TO_BROWSER);
	/* the only ringing session goes: the loss waits for the step */
	verto_engine_conn_close(E, 1);
	assert_non_null(verto_engine_find_sip(E, "in-9"));
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(3)), 0);
	/* then the call ends toward SIP: nobody to ring */
	assert_null(verto_engine_find_sip(E, "in-9"));
	assert_true(R.nsip >= 1);
	assert_int_equal(strncmp(R.sip[R.nsip - 1], "REPLY 4", 7), 0);
	assert_int_equal(R.freed, 1);
}

/* an outbound call with the asynchronous media steps (setup_async_media):
 * offer done, 200 with SDP, answer done: active */
static verto_call *answered_async(verto_conn_id conn, const char *cid)
{
	verto_call *c;

	invite(conn, cid, "5000");
	c = m_call;
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(1)), 0);
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(2)), 0);
	return c;
}

static void glue_work_holds_call_events_until_resume(void **state)
{
	verto_call *c;
	(void)state;
	login(1);
	c = answered_async(1, "a4");
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	reset_frames();
	assert_int_equal(verto_engine_call_wait(E, c), 0);
	assert_int_equal(verto_engine_call_wait(E, c), -1);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"h\",\"method\":\"verto.modify\","
			 "\"params\":{\"action\":\"hold\",\"dialogParams\":{\"callID\":"
			 "\"a4\"}}}");
	verto_engine_sip_event(E, c, VCE_S_BYE, 0, NULL);
	assert_int_equal(R.nsip, 0);
	assert_int_equal(R.nframes, 0);
	/* a media completion is not what the call waits for */
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(1)), -1);
	verto_engine_call_resume(E, c);
	/* the hold first (re-INVITE, result deferred), then the BYE */
	assert_string_equal(R.sip[0], "REINVITE");
	want(R.nframes - 1, "verto.bye", "NORMAL_CLEARING", NULL);
	assert_null(verto_engine_find_sip(E, "sip-a4"));
}

static void reattach_offer_runs_then_attach_then_client_ready(void **state)
{
	verto_call *c;
	char sid[64];
	(void)state;
	login(1);
	snprintf(sid, sizeof(sid), "%s", sessid_of(0));
	c = answered_async(1, "a5");
	verto_engine_conn_close(E, 1);
	reset_frames();
	verto_engine_conn_open(E, 2);
	frame(2,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"R\",\"method\":\"login\","
		  "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\","
		  "\"sessid\":\"%s\"}}",
		  sid);
	want(0, "\"id\":\"R\"", "logged in", NULL);
	/* the fresh offer runs: no attach, no clientReady yet */
	assert_int_equal(m_kind, VERTO_MEDIA_REOFFER_TO_BROWSER);
	assert_int_equal(R.nframes, 1);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(5)), 0);
	want(1, "verto.attach", "s=async-5", NULL);
	want(2, "verto.clientReady", "\"reattached_sessions\":[\"a5\"]", NULL);
}

/* an answered outbound call (async media steps); its sessid in sid */
static verto_call *active_async(const char *cid, char *sid)
{
	char buf[64];
	verto_call *c;

	if (sid) {
		login(1);
		snprintf(sid, 64, "%s", sessid_of(0));
	}
	snprintf(buf, sizeof(buf), "sip-%s", cid);
	c = answered_async(1, cid);
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	assert_ptr_equal(verto_engine_find_sip(E, buf), c);
	return c;
}

static void relogin(verto_conn_id conn, const char *sid)
{
	verto_engine_conn_open(E, conn);
	frame(conn,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"R\",\"method\":\"login\","
		  "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\","
		  "\"sessid\":\"%s\"}}",
		  sid);
}

static int sip_has(const char *what)
{
	int i;
	for (i = 0; i < R.nsip; i++)
		if (strcmp(R.sip[i], what) == 0)
			return 1;
	return 0;
}

static void drop_while_busy_then_relogin_reattaches(void **state)
{
	verto_call *c;
	char sid[64];
	(void)state;
	c = active_async("b1", sid);
	/* the glue's work for the call runs; the WebSocket drops meanwhile */
	assert_int_equal(verto_engine_call_wait(E, c), 0);
	verto_engine_conn_close(E, 1);
	assert_false(c->fsm.detached); /* its WS_LOST waits in the queue */
	reset_frames();
	relogin(2, sid);
	want(0, "2 ", "\"id\":\"R\"", "logged in", NULL);
	assert_int_equal(R.nframes, 1); /* clientReady waits for the call */
	m_kind = 0;
	verto_engine_call_resume(E, c);
	/* WS_LOST, then WS_BACK: the fresh offer runs */
	assert_int_equal(m_kind, VERTO_MEDIA_REOFFER_TO_BROWSER);
	assert_int_equal(R.nframes, 1);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(5)), 0);
	want(1, "2 ", "verto.attach", "\"callID\":\"b1\"", "s=async-5", NULL);
	want(2, "2 ", "verto.clientReady", "\"reattached_sessions\":[\"b1\"]",
		 NULL);
	assert_int_equal(R.nframes, 3);
	assert_false(c->fsm.detached);
	/* the grace period passes: the call stays */
	verto_engine_tick(E, 100000);
	assert_ptr_equal(verto_engine_find_sip(E, "sip-b1"), c);
	assert_false(sip_has("BYE"));
}

static void drop_while_media_step_runs_then_relogin(void **state)
{
	verto_call *c;
	char sid[64];
	(void)state;
	login(1);
	snprintf(sid, sizeof(sid), "%s", sessid_of(0));
	invite(1, "b2", "5000");
	c = m_call;
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(1)), 0);
	/* the 200's SDP goes to rtpengine; the drop and the login meanwhile */
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	assert_int_equal(m_kind, VERTO_MEDIA_ANSWER_TO_BROWSER);
	verto_engine_conn_close(E, 1);
	reset_frames();
	relogin(2, sid);
	assert_int_equal(R.nframes, 1);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(2)), 0);
	assert_int_equal(m_kind, VERTO_MEDIA_REOFFER_TO_BROWSER);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(5)), 0);
	want(R.nframes - 2, "verto.attach", "\"callID\":\"b2\"", NULL);
	want(R.nframes - 1, "verto.clientReady", "[\"b2\"]", NULL);
	verto_engine_tick(E, 100000);
	assert_non_null(verto_engine_find_sip(E, "sip-b2"));
	assert_false(sip_has("BYE"));
}

static void client_ready_after_every_attach_busy_or_not(void **state)
{
	verto_call *a, *b;
	char sid[64];
	(void)state;
	a = active_async("ca", sid);
	b = active_async("cb", NULL);
	verto_engine_conn_close(E, 1);
	/* A is busy with the glue's work, B is not */
	assert_int_equal(verto_engine_call_wait(E, a), 0);
	reset_frames();
	m_call = NULL;
	relogin(2, sid);
	want(0, "\"id\":\"R\"", "logged in", NULL);
	assert_ptr_equal(m_call, b); /* B's fresh offer runs, A's waits */
	assert_int_equal(verto_engine_media_done(E, b, 0, sdp_of(5)), 0);
	want(1, "verto.attach", "\"callID\":\"cb\"", NULL);
	assert_int_equal(R.nframes, 2); /* no clientReady before A's attach */
	verto_engine_call_resume(E, a);
	assert_ptr_equal(m_call, a);
	assert_int_equal(verto_engine_media_done(E, a, 0, sdp_of(5)), 0);
	want(2, "verto.attach", "\"callID\":\"ca\"", NULL);
	want(3, "verto.clientReady", "\"ca\"", "\"cb\"", NULL);
	assert_int_equal(R.nframes, 4);
}

static void queued_request_answered_at_the_deadline_still_runs(void **state)
{
	verto_call *c;
	char sid[64];
	int n, answers = 0;
	(void)state;
	c = active_async("q1", sid);
	verto_engine_tick(E, 500);
	assert_int_equal(verto_engine_call_wait(E, c), 0);
	reset_frames();
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"verto.bye\","
			 "\"params\":{\"dialogParams\":{\"callID\":\"q1\"}}}");
	verto_engine_tick(E, 500 + VERTO_ANSWER_DEADLINE_MS - 1);
	assert_int_equal(R.nframes, 0);
	verto_engine_tick(E, 500 + VERTO_ANSWER_DEADLINE_MS);
	want(0, "1 ", "\"id\":\"b\"", "-32002", "NORMAL_TEMPORARY_FAILURE", NULL);
	assert_int_equal(R.nframes, 1);
	verto_engine_tick(E, 30000); /* answered once */
	assert_int_equal(R.nframes, 1);
	assert_int_equal(R.nsip, 0);
	/* the step ends: the BYE still goes out, with no second answer */
	verto_engine_call_resume(E, c);
	assert_true(sip_has("BYE"));
	assert_null(verto_engine_find_sip(E, "sip-q1"));
	for (n = 0; n < R.nframes; n++)
		answers += strstr(R.frames[n], "\"id\":\"b\"") != NULL;
	assert_int_equal(answers, 1);
}

static void invite_whose_offer_is_too_slow_fails(void **state)
{
	int n, answers = 0;
	(void)state;
	login(1);
	verto_engine_tick(E, 100);
	reset_frames();
	invite(1, "q2", "5000");
	assert_int_equal(m_kind, VERTO_MEDIA_OFFER_TO_SIP);
	verto_engine_tick(E, 100 + VERTO_ANSWER_DEADLINE_MS - 1);
	assert_int_equal(R.nframes, 0);
	verto_engine_tick(E, 100 + VERTO_ANSWER_DEADLINE_MS);
	want(0, "\"id\":\"I-q2\"", "-32002", "NORMAL_TEMPORARY_FAILURE", NULL);
	/* the offer comes back after all: no INVITE, the call is gone */
	assert_int_equal(verto_engine_media_done(E, m_call, 0, sdp_of(1)), 0);
	assert_int_equal(R.nsip, 0);
	assert_null(verto_engine_calls(E));
	assert_int_equal(R.freed, 1);
	assert_true(R.deletes >= 1);
	for (n = 0; n < R.nframes; n++)
		answers += strstr(R.frames[n], "\"id\":\"I-q2\"") != NULL;
	assert_int_equal(answers, 1);
}

static void engine_freed_with_a_step_running(void **state)
{
	(void)state;
	login(1);
	invite(1, "a3", "5000");
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"verto.bye\","
			 "\"params\":{\"dialogParams\":{\"callID\":\"a3\"}}}");
	/* teardown frees the engine: held copies go too (ASan checks) */
}

/* ---------------------------------------------------------------- limits */

/* a fresh engine with ops and cfg (grace 1 s unless cfg says) */
static int new_engine_cfg(const verto_ops *ops, verto_engine_cfg *cfg)
{
	if (!cfg->grace_ms)
		cfg->grace_ms = 1000;
	memset(&R, 0, sizeof(R));
	E = verto_engine_new(ops, cfg);
	return E ? 0 : -1;
}

/* distinct random bytes for every call (many sessids) */
static int r_counter(void *ctx, void *buf, size_t n)
{
	static uint64_t k;
	unsigned char *b = buf;
	size_t i;
	(void)ctx;
	k++;
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(k >> (8 * (i % 8)));
	return 0;
}

static void login_as(verto_conn_id conn, const char *who, const char *sessid)
{
	char sid[80] = "";
	if (sessid)
		snprintf(sid, sizeof(sid), ",\"sessid\":\"%s\"", sessid);
	frame(conn,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"L%llu\",\"method\":\"login\","
		  "\"params\":{\"login\":\"%s\",\"passwd\":\"1234\"%s}}",
		  (unsigned long long)conn, who, sid);
}

static unsigned count_sessions(const char *who)
{
	verto_session *s;
	unsigned n = 0;
	for (s = verto_engine_sessions(E); s; s = s->next)
		n += !who || strcmp(s->ident.login, who) == 0;
	return n;
}

/* the sessid of the session on conn, or NULL */
static const char *sessid_on(verto_conn_id conn)
{
	verto_session *s;
	for (s = verto_engine_sessions(E); s; s = s->next)
		if (s->conn == conn)
			return s->sessid;
	return NULL;
}

#define MANY 20000

static void twenty_thousand_sessions_and_calls_are_found(void **state)
{
	verto_ops ops = rec_ops();
	verto_engine_cfg cfg = {.max_sessions = MANY + 10};
	static char sids[MANY][VERTO_SESSID_LEN + 1];
	char who[32], cid[32], sip[40];
	verto_session *s;
	verto_call *c;
	unsigned i, n = 0;
	(void)state;
	ops.random = r_counter;
	assert_int_equal(new_engine_cfg(&ops, &cfg), 0);
	for (i = 1; i <= MANY; i++) {
		snprintf(who, sizeof(who), "u%u@cc", i);
		assert_int_equal(verto_engine_conn_open(E, i), 0);
		login_as(i, who, NULL);
		reset_frames();
	}
	assert_int_equal(verto_engine_stats(E)->logins_ok, MANY);
	for (s = verto_engine_sessions(E); s; s = s->next) {
		assert_int_not_equal(s->conn, 0);
		snprintf(sids[s->conn - 1], sizeof(sids[0]), "%s", s->sessid);
		n++;
	}
	assert_int_equal(n, MANY);
	/* a connection found by its id: a second open of it is refused */
	assert_int_equal(verto_engine_conn_open(E, MANY / 2), -1);
	assert_int_equal(verto_engine_frame(E, MANY + 1, "{}", 2), -1);
	/* every session found by its sessid: a login elsewhere resumes it */
	for (i = 1; i <= MANY; i++) {
		snprintf(who, sizeof(who), "u%u@cc", i);
		assert_int_equal(verto_engine_conn_open(E, MANY + i), 0);
		login_as(MANY + i, who, sids[i - 1]);
		assert_string_equal(sessid_on(MANY + i) ? sids[i - 1] : "",
							sids[i - 1]);
		reset_frames();
	}
	assert_int_equal(verto_engine_stats(E)->resumes, MANY);
	assert_int_equal(count_sessions(NULL), MANY);
	/* calls found by callID (a second invite is "Call exists") and by
	 * SIP Call-ID */
	for (i = 1; i <= MANY; i += 10) {
		snprintf(cid, sizeof(cid), "c%u", i);
		invite(MANY + i, cid, "5000");
		want(0, "CALL CREATED", NULL);
		invite(MANY + i + 1, cid, "5000");
		want(1, "Call exists", NULL);
		reset_frames();
	}
	for (i = 1; i <= MANY; i += 10) {
		snprintf(cid, sizeof(cid), "c%u", i);
		snprintf(sip, sizeof(sip), "sip-c%u", i);
		c = verto_engine_find_sip(E, sip);
		assert_non_null(c);
		assert_string_equal(c->call_id, cid);
		assert_string_equal(c->sess->sessid, sids[i - 1]);
	}
	assert_null(verto_engine_find_sip(E, "sip-c2"));
	/* kicked by sessid; each session's calls end with it */
	assert_int_equal(verto_engine_kick(E, sids[MANY - 1]), 0);
	assert_ptr_equal(sessid_on(2 * MANY), NULL);
}

static void login_deadline_closes_a_connection_without_login(void **state)
{
	verto_ops ops = rec_ops();
	verto_engine_cfg cfg = {.login_timeout_ms = 5000};
	int i;
	(void)state;
	assert_int_equal(new_engine_cfg(&ops, &cfg), 0);
	verto_engine_tick(E, 1000);
	verto_engine_conn_open(E, 1); /* stays without a login */
	verto_engine_conn_open(E, 2); /* logs in */
	verto_engine_tick(E, 2000);
	login_as(2, "1008@cc", NULL);
	/* a wrong password and keep-alive requests do not help */
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"y\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"bad\"}}");
	for (i = 0; i < 3; i++) {
		verto_engine_tick(E, 3000 + (uint64_t)i * 1000);
		frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":"
				 "\"verto.broadcast\",\"params\":{}}");
	}
	verto_engine_tick(E, 5999);
	assert_int_equal(R.nclosed, 0);
	verto_engine_tick(E, 6000);
	assert_int_equal(R.nclosed, 1);
	assert_int_equal(R.closed[0], 1);
	assert_int_equal(verto_engine_stats(E)->login_timeouts, 1);
	/* what it still sends before the close is answered -32002 */
	reset_frames();
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\"}}");
	want(0, "1 ", "\"id\":\"z\"", "-32002", "LOGIN TIMEOUT", NULL);
	assert_int_equal(verto_engine_stats(E)->logins_ok, 1);
	/* the logged-in connection stays; closed once */
	verto_engine_tick(E, 60000);
	assert_int_equal(R.nclosed, 1);
	assert_int_equal(verto_engine_stats(E)->login_timeouts, 1);
	assert_non_null(sessid_on(2));
}

static int setup_async_cfg(verto_engine_cfg *cfg)
{
	verto_ops ops = rec_ops();

	ops.auth = NULL;
	ops.auth_start = r_auth_start;
	nstarted = start_busy = 0;
	return new_engine_cfg(&ops, cfg);
}

static void login_deadline_drops_a_login_still_checked(void **state)
{
	verto_engine_cfg cfg = {.login_timeout_ms = 3000};
	(void)state;
	assert_int_equal(setup_async_cfg(&cfg), 0);
	login(1);
	frame(1, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}");
	verto_engine_tick(E, 3000);
	assert_int_equal(R.nclosed, 1);
	assert_int_equal(verto_engine_stats(E)->login_timeouts, 1);
	want(0, "\"id\":\"a\"", "-32002", "LOGIN TIMEOUT", NULL);
	/* decided after the deadline: dropped, no session */
	reset_frames();
	assert_int_equal(verto_engine_auth_done(E, 1, 0, ident_1008()), 0);
	assert_int_equal(R.nframes, 0);
	assert_null(verto_engine_sessions(E));
	assert_int_equal(verto_engine_stats(E)->logins_ok, 0);
}

static void logins_in_flight_are_bounded(void **state)
{
	verto_engine_cfg cfg = {.max_logins_pending = 2};
	(void)state;
	assert_int_equal(setup_async_cfg(&cfg), 0);
	login(1);
	login(2);
	assert_int_equal(nstarted, 2);
	login(3);
	assert_int_equal(nstarted, 2); /* not started */
	want(0, "3 ", "\"id\":\"L3\"", "-32002", "SERVER BUSY", NULL);
	assert_int_equal(verto_engine_stats(E)->logins_busy, 1);
	/* one decided: room for one more */
	assert_int_equal(verto_engine_auth_done(E, 1, 0, ident_1008()), 0);
	frame(3, "{\"jsonrpc\":\"2.0\",\"id\":\"L3b\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\"}}");
	assert_int_equal(nstarted, 3);
	/* a closed connection's login counts until it is decided */
	verto_engine_conn_close(E, 2);
	login(4);
	assert_int_equal(nstarted, 3);
	assert_int_equal(verto_engine_stats(E)->logins_busy, 2);
	assert_int_equal(verto_engine_auth_done(E, 2, 0, ident_1008()), -1);
	frame(4, "{\"jsonrpc\":\"2.0\",\"id\":\"L4b\",\"method\":\"login\","
			 "\"params\":{\"login\":\"1008@cc\",\"passwd\":\"1234\"}}");
	assert_int_equal(nstarted, 4);
	/* BUSY from the glue is counted the same way */
	assert_int_equal(verto_engine_auth_done(E, 3, 0, ident_1008()), 0);
	start_busy = 1;
	login(5);
	assert_int_equal(verto_engine_stats(E)->logins_busy, 3);
}

static void held_frames_are_bounded_by_the_budget(void **state)
{
	static verto_budget b;
	verto_engine_cfg cfg = {.budget = &b};
	const char *f1 = "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}";
	const char *f2 = "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"nope\"}";
	(void)state;
	memset(&b, 0, sizeof(b));
	b.limit = strlen(f1) + 10;
	assert_int_equal(setup_async_cfg(&cfg), 0);
	login(1);
	login(2);
	frame_rc(1, 0, f1);
	assert_int_equal(b.used, strlen(f1));
	/* the budget is global: another connection's frame does not fit */
	frame_rc(2, -1, f2);
	want(0, "2 ", "-32600", "\"id\":\"b\"", NULL);
	assert_int_equal(verto_engine_stats(E)->frames_over_budget, 1);
	assert_int_equal(b.refused, 1);
	assert_int_equal(b.used, strlen(f1));
	/* handled after the login: the bytes come back */
	assert_int_equal(verto_engine_auth_done(E, 1, 0, ident_1008()), 0);
	want(R.nframes - 1, "1 ", "\"id\":\"a\"", "-32601", NULL);
	assert_int_equal(b.used, 0);
	/* dropped with its connection: back too */
	frame_rc(2, 0, f2);
	assert_int_equal(b.used, strlen(f2));
	verto_engine_conn_close(E, 2);
	assert_int_equal(b.used, 0);
}

static int r_auth_throttled(void *ctx, verto_conn_id conn, const char *login,
							const char *passwd, json_object *uv)
{
	(void)ctx;
	(void)conn;
	(void)login;
	(void)passwd;
	(void)uv;
	return start_busy ? VERTO_START_THROTTLED : -1;
}

static void throttled_login_is_answered_and_connection_stays(void **state)
{
	verto_ops ops = rec_ops();
	verto_engine_cfg cfg = {0};
	(void)state;
	ops.auth_start = r_auth_throttled;
	assert_int_equal(new_engine_cfg(&ops, &cfg), 0);
	start_busy = 1;
	login(1); /* the right password: not checked */
	want(0, "\"id\":\"L1\"", "-32001", "LOGIN THROTTLED", NULL);
	assert_int_equal(R.nframes, 1);
	assert_int_equal(R.nclosed, 0);
	assert_int_equal(verto_engine_stats(E)->logins_throttled, 1);
	assert_int_equal(verto_engine_stats(E)->logins_ok, 0);
	assert_null(verto_engine_sessions(E));
	/* later, not throttled: the same connection logs in */
	start_busy = 0;
	login_as(1, "1008@cc", NULL);
	want(1, "\"id\":\"L1\"", "logged in", NULL);
}

/* an answered outbound call of the session on conn */
static verto_call *answered_on(verto_conn_id conn, const char *cid)
{
	char sip[80];
	verto_call *c;

	invite(conn, cid, "5000");
	snprintf(sip, sizeof(sip), "sip-%s", cid);
	c = verto_engine_find_sip(E, sip);
	assert_non_null(c);
	verto_engine_sip_event(E, c, VCE_S_ANSWER, 200, "v=0\r\n");
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	return c;
}

static int frame_has(const char *a, const char *b)
{
	int i;
	for (i = 0; i < R.nframes; i++)
		if (strstr(R.frames[i], a) && (!b || strstr(R.frames[i], b)))
			return 1;
	return 0;
}

static void sessions_per_login_evict_oldest_then_refuse(void **state)
{
	verto_ops ops = rec_ops();
	verto_engine_cfg cfg = {.max_sessions_per_login = 2};
	char s1[40];
	(void)state;
	assert_int_equal(new_engine_cfg(&ops, &cfg), 0);
	verto_engine_conn_open(E, 1);
	login_as(1, "1008@cc", NULL);
	snprintf(s1, sizeof(s1), "%s", sessid_on(1));
	verto_engine_conn_close(E, 1); /* s1: detached, no calls */
	verto_engine_conn_open(E, 2);
	login_as(2, "1008@cc", NULL); /* s2 */
	verto_engine_conn_open(E, 9);
	login_as(9, "2002@cc", NULL); /* another login: not counted */
	/* a third: the detached one without calls goes */
	verto_engine_conn_open(E, 3);
	login_as(3, "1008@cc", NULL); /* s3 */
	assert_int_equal(verto_engine_stats(E)->sessions_evicted, 1);
	assert_int_equal(count_sessions("1008@cc"), 2);
	assert_int_equal(R.nclosed, 0);
	/* an evicted session cannot be resumed (a new one is made) */
	answered_on(3, "k3"); /* s3 has an answered call */
	reset_frames();
	verto_engine_conn_open(E, 4);
	login_as(4, "1008@cc", s1); /* s4: s2 (no answered call) goes */
	assert_string_not_equal(sessid_on(4), s1);
	assert_int_equal(verto_engine_stats(E)->sessions_evicted, 2);
	assert_true(frame_has("2 {", "verto.punt"));
	assert_int_equal(R.nclosed, 1);
	assert_int_equal(R.closed[0], 2);
	assert_null(sessid_on(2));
	assert_non_null(sessid_on(3));
	assert_int_equal(count_sessions("1008@cc"), 2);
	/* every session has an answered call: the new login is refused */
	answered_on(4, "k4");
	reset_frames();
	verto_engine_conn_open(E, 5);
	login_as(5, "1008@cc", NULL);
	want(0, "5 ", "\"id\":\"L5\"", "-32002", "TOO MANY SESSIONS", NULL);
	assert_int_equal(verto_engine_stats(E)->sessions_refused, 1);
	assert_int_equal(count_sessions("1008@cc"), 2);
	assert_null(sessid_on(5));
	/* the calls were not touched */
	assert_non_null(verto_engine_find_sip(E, "sip-k3"));
	assert_non_null(verto_engine_find_sip(E, "sip-k4"));
	/* a resume with a sessid is not a new session: not refused */
	verto_engine_conn_open(E, 6);
	login_as(6, "1008@cc", sessid_on(4));
	assert_non_null(sessid_on(6));
}

static void logins_without_sessid_leave_bounded_detached_sessions(void **state)
{
	verto_ops ops = rec_ops();
	verto_engine_cfg cfg = {.max_sessions_per_login = 3,
							.session_keep_ms = 600000};
	verto_conn_id i;
	(void)state;
	assert_int_equal(new_engine_cfg(&ops, &cfg), 0);
	for (i = 1; i <= 50; i++) {
		verto_engine_conn_open(E, i);
		login_as(i, "1008@cc", NULL);
		want(R.nframes - 2, "logged in", NULL);
		verto_engine_conn_close(E, i);
		reset_frames();
		assert_true(count_sessions(NULL) <= 3);
	}
	assert_int_equal(verto_engine_stats(E)->sessions_evicted, 47);
	assert_int_equal(R.nclosed, 0); /* only detached ones went */
	/* they end after session_keep_ms as before */
	verto_engine_tick(E, 600000);
	assert_int_equal(count_sessions(NULL), 0);
}

static void second_answer_while_the_first_step_runs_is_refused(void **state)
{
	verto_call *c;
	int st;
	(void)state;
	login(1);
	c = verto_engine_sip_invite(E, "in-2a", "1008@cc", "A", "1", "v=0\r\n",
								NULL, &st);
	assert_non_null(c);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(3)), 0);
	reset_frames();
	frame(1,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"a1\",\"method\":\"verto.answer\","
		  "\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		  c->call_id);
	assert_int_equal(m_kind, VERTO_MEDIA_ANSWER_TO_SIP);
	frame(1,
		  "{\"jsonrpc\":\"2.0\",\"id\":\"a2\",\"method\":\"verto.answer\","
		  "\"params\":{\"sdp\":\"v=0\",\"dialogParams\":{\"callID\":\"%s\"}}}",
		  c->call_id);
	assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(4)), 0);
	assert_int_equal(c->fsm.state, VCS_ACTIVE);
	/* the second one is handled as an answer of the answered call (as
	 * to verto.attach): its own step runs */
	if (verto_engine_call_busy(c))
		assert_int_equal(verto_engine_media_done(E, c, 0, sdp_of(4)), 0);
	assert_true(frame_has("\"id\":\"a2\"", NULL));
	/* owned once: one call counted, and the session's loss reaches it */
	assert_int_equal(c->sess->ncalls, 1);
	verto_engine_conn_close(E, 1);
	assert_true(c->fsm.detached);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test_setup_teardown(
					login_generates_sessid_and_client_ready, setup, teardown),
			cmocka_unit_test_setup_teardown(
					requests_before_login_and_bad_password, setup, teardown),
			cmocka_unit_test_setup_teardown(
					reconnect_double_login_resumes_session, setup, teardown),
			cmocka_unit_test_setup_teardown(
					second_connection_with_same_sessid_punts_the_first, setup,
					teardown),
			cmocka_unit_test_setup_teardown(
					outbound_call_flow_result_before_media, setup, teardown),
			cmocka_unit_test_setup_teardown(
					outbound_failure_becomes_bye_with_cause, setup, teardown),
			cmocka_unit_test_setup_teardown(bad_invites_get_errors_and_no_sip,
											setup, teardown),
			cmocka_unit_test_setup_teardown(
					ws_drop_keeps_answered_call_and_reattaches, setup,
					teardown),
			cmocka_unit_test_setup_teardown(
					adopted_session_is_resumed_and_reattached, setup, teardown),
			cmocka_unit_test_setup_teardown(inbound_first_answer_wins, setup,
											teardown),
			cmocka_unit_test_setup_teardown(kick_punts_session, setup,
											teardown),
			cmocka_unit_test_setup_teardown(
					attended_transfer_refers_with_the_other_dialog, setup,
					teardown),
			cmocka_unit_test_setup_teardown(display_sent_only_on_change, setup,
											teardown),
			cmocka_unit_test_setup_teardown(cc_messages_go_as_sip_info, setup,
											teardown),
			cmocka_unit_test_setup_teardown(agent_event_sent_on_change, setup,
											teardown),
			cmocka_unit_test_setup_teardown(
					cc_events_only_to_an_attached_session, setup, teardown),
			cmocka_unit_test_setup_teardown(
					pending_login_holds_its_frames_not_others, setup_async,
					teardown),
			cmocka_unit_test_setup_teardown(
					refused_pending_login_then_held_frames_need_login,
					setup_async, teardown),
			cmocka_unit_test_setup_teardown(
					login_decided_after_close_is_dropped, setup_async,
					teardown),
			cmocka_unit_test_setup_teardown(
					second_login_in_held_frames_waits_again, setup_async,
					teardown),
			cmocka_unit_test_setup_teardown(
					too_many_held_frames_close_the_connection, setup_async,
					teardown),
			cmocka_unit_test_setup_teardown(
					frames_held_too_long_are_answered_and_closed, setup_async,
					teardown),
			cmocka_unit_test_setup_teardown(
					busy_call_queues_requests_and_sip_events_in_order,
					setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(
					failed_media_step_ends_call_and_answers_queued,
					setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(ws_loss_while_offer_to_browser_runs,
											setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(refused_media_step_ends_the_call,
											setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(busy_login_is_answered_server_busy,
											setup_async_with_auth, teardown),
			cmocka_unit_test_setup_teardown(engine_freed_with_a_step_running,
											setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(
					glue_work_holds_call_events_until_resume, setup_async_media,
					teardown),
			cmocka_unit_test_setup_teardown(
					reattach_offer_runs_then_attach_then_client_ready,
					setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(
					drop_while_busy_then_relogin_reattaches, setup_async_media,
					teardown),
			cmocka_unit_test_setup_teardown(
					drop_while_media_step_runs_then_relogin, setup_async_media,
					teardown),
			cmocka_unit_test_setup_teardown(
					client_ready_after_every_attach_busy_or_not,
					setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(
					queued_request_answered_at_the_deadline_still_runs,
					setup_async_media, teardown),
			cmocka_unit_test_setup_teardown(
					invite_whose_offer_is_too_slow_fails, setup_async_media,
					teardown),
			cmocka_unit_test_setup_teardown(
					twenty_thousand_sessions_and_calls_are_found, NULL,
					teardown),
			cmocka_unit_test_setup_teardown(
					login_deadline_closes_a_connection_without_login, NULL,
					teardown),
			cmocka_unit_test_setup_teardown(
					login_deadline_drops_a_login_still_checked, NULL, teardown),
			cmocka_unit_test_setup_teardown(logins_in_flight_are_bounded, NULL,
											teardown),
			cmocka_unit_test_setup_teardown(
					held_frames_are_bounded_by_the_budget, NULL, teardown),
			cmocka_unit_test_setup_teardown(
					throttled_login_is_answered_and_connection_stays, NULL,
					teardown),
			cmocka_unit_test_setup_teardown(
					sessions_per_login_evict_oldest_then_refuse, NULL,
					teardown),
			cmocka_unit_test_setup_teardown(
					logins_without_sessid_leave_bounded_detached_sessions, NULL,
					teardown),
			cmocka_unit_test_setup_teardown(
					second_answer_while_the_first_step_runs_is_refused,
					setup_async_media, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
