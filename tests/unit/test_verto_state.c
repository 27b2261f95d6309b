/*
 * test_verto_state.c - a Verto session's state as text and the claim
 * decision (modules/iwg_verto/verto_state.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_state.h"

#define SDP                                                            \
	"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n" \
	"m=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"

static void sample(verto_state *st)
{
	verto_state_call *c;

	verto_state_init(st);
	snprintf(st->sessid, sizeof(st->sessid), "%s",
			 "0f0e0d0c-0b0a-4908-8706-050403020100");
	snprintf(st->login, sizeof(st->login), "%s", "1008@cc.example");
	snprintf(st->node, sizeof(st->node), "%s", "sip:verto@127.0.0.1:5060");
	st->updated_ms = 1700000000123ull;
	st->ncalls = 2;
	c = &st->calls[0];
	snprintf(c->call_id, sizeof(c->call_id), "%s", "71aa-call");
	c->outbound = 1;
	snprintf(c->dest, sizeof(c->dest), "%s", "5000");
	snprintf(c->caller_name, sizeof(c->caller_name), "%s", "Web User 100%");
	snprintf(c->caller_number, sizeof(c->caller_number), "%s", "-");
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", "abc@127.0.0.1");
	snprintf(c->ltag, sizeof(c->ltag), "%s", "ltag1");
	snprintf(c->rtag, sizeof(c->rtag), "%s", "rtag1");
	c->lseq = 3;
	c->rseq = 0x7fffffff;
	snprintf(c->luri, sizeof(c->luri), "%s",
			 "\"Web User\" <sip:1008@cc.example>");
	snprintf(c->ruri, sizeof(c->ruri), "%s", "sip:5000@127.0.0.1:5090");
	snprintf(c->target, sizeof(c->target), "%s", "sip:agent@127.0.0.1:5090");
	snprintf(c->route, sizeof(c->route), "%s",
			 "<sip:127.0.0.1:5070;lr>, <sip:127.0.0.1:5071;lr>");
	c->peer_sdp = strdup(SDP);
	c->our_sdp = strdup(SDP "a=sendonly\r\n");
	c = &st->calls[1];
	snprintf(c->call_id, sizeof(c->call_id), "%s", "second");
	c->held = 1;
	snprintf(c->sip_callid, sizeof(c->sip_callid), "%s", "x");
	snprintf(c->m_cid, sizeof(c->m_cid), "%s", "first-dialog");
	snprintf(c->m_btag, sizeof(c->m_btag), "%s", "b");
}

static void roundtrip_keeps_every_field(void **state)
{
	verto_state a, b;
	size_t n;
	char *t, why[128];

	(void)state;
	sample(&a);
	t = verto_state_encode(&a, &n);
	assert_non_null(t);
	assert_int_equal(strlen(t), n);
	/* one record a line: CR and LF of the SDPs are escaped */
	assert_non_null(strstr(t, "\npeer v=0%0D%0Ao=-%201%202"));
	assert_non_null(strstr(t, " Web%20User%20100%25 %2D\n"));
	assert_int_equal(verto_state_parse(t, n, &b, why, sizeof(why)), 0);
	assert_string_equal(b.sessid, a.sessid);
	assert_string_equal(b.login, a.login);
	assert_string_equal(b.node, a.node);
	assert_true(b.updated_ms == a.updated_ms);
	assert_int_equal(b.ncalls, 2);
	assert_string_equal(b.calls[0].caller_name, "Web User 100%");
	assert_string_equal(b.calls[0].caller_number, "-");
	assert_string_equal(b.calls[0].luri, a.calls[0].luri);
	assert_string_equal(b.calls[0].route, a.calls[0].route);
	assert_int_equal(b.calls[0].lseq, 3);
	assert_int_equal(b.calls[0].rseq, 0x7fffffff);
	assert_int_equal(b.calls[0].outbound, 1);
	assert_int_equal(b.calls[0].held, 0);
	assert_string_equal(b.calls[0].peer_sdp, SDP);
	assert_string_equal(b.calls[0].our_sdp, SDP "a=sendonly\r\n");
	/* empty fields stay empty; absent SDPs stay absent */
	assert_string_equal(b.calls[1].dest, "");
	assert_string_equal(b.calls[1].rtag, "");
	assert_int_equal(b.calls[1].held, 1);
	assert_string_equal(b.calls[1].m_cid, "first-dialog");
	assert_string_equal(b.calls[1].m_ptag, "");
	assert_null(b.calls[1].peer_sdp);
	/* the same state encodes to the same text */
	{
		char *t2 = verto_state_encode(&b, NULL);
		assert_string_equal(t2, t);
		free(t2);
	}
	free(t);
	verto_state_clear(&a);
	verto_state_clear(&b);
}

static void not_encodable(void **state)
{
	verto_state a;

	(void)state;
	sample(&a);
	a.node[0] = '\0';
	assert_null(verto_state_encode(&a, NULL));
	a.node[0] = 'n';
	a.calls[1].sip_callid[0] = '\0';
	assert_null(verto_state_encode(&a, NULL));
	a.calls[1].sip_callid[0] = 'x';
	a.ncalls = VERTO_STATE_MAX_CALLS + 1;
	assert_null(verto_state_encode(&a, NULL));
	a.ncalls = 0;
	{
		/* a session without calls is fine */
		char *t = verto_state_encode(&a, NULL);
		verto_state b;
		assert_non_null(t);
		assert_int_equal(verto_state_parse(t, strlen(t), &b, NULL, 0), 0);
		assert_int_equal(b.ncalls, 0);
		free(t);
	}
	verto_state_clear(&a);
}

/* parse t, expect a failure whose reason contains what */
static void refused(const char *t, const char *what)
{
	verto_state b;
	char why[128];

	if (verto_state_parse(t, strlen(t), &b, why, sizeof(why)) == 0)
		fail_msg("accepted: %s", t);
	if (!strstr(why, what))
		fail_msg("'%s' does not say '%s' for: %s", why, what, t);
	assert_int_equal(b.ncalls, 0);
	assert_null(b.calls[0].peer_sdp);
}

#define HEAD "iwg-verto-state 1\nsession s1 u n 5\n"
#define CALL "call c 0 0 - - -\ndlg cid l r 1 2 - - - -\n"

static void bad_texts_are_refused_with_a_reason(void **state)
{
	char big[VERTO_STATE_TAG_MAX + 256];

	(void)state;
	refused("iwg-verto-state 2\nsession s u n 5\nend\n",
			"line 1: unknown version");
	refused("something else 1\n", "not a Verto session state");
	refused(HEAD, "line 3: no end");
	refused(HEAD "end\nend\n", "line 4: text after end");
	refused(HEAD "end\n\n", "text after end");
	refused(HEAD "call c 0 0 - - -\nend\n", "call without dlg");
	refused(HEAD "call c 0 0 - - -\ncall d 0 0 - - -\n", "call without dlg");
	refused(HEAD "dlg cid l r 1 2 - - - -\nend\n", "record before any call");
	refused(HEAD CALL "dlg cid l r 1 2 - - - -\nend\n", "dlg given twice");
	refused(HEAD CALL "peer x\npeer y\nend\n", "SDP given twice");
	refused(HEAD CALL "what x\nend\n", "unknown record");
	refused(HEAD "call c 2 0 - - -\n", "bad outbound");
	refused(HEAD "call c 0 0 - -\n", "call: 6 fields");
	refused(HEAD "call c 0 0 - - - \n", "empty field");
	refused(HEAD "call c 0 0 -  - -\n", "empty field");
	refused(HEAD "call c%2 0 0 - - -\n", "bad callID");
	refused(HEAD "call c%zz 0 0 - - -\n", "bad callID");
	refused(HEAD "call c%00 0 0 - - -\n", "bad callID");
	refused(HEAD "call c\x01 0 0 - - -\n", "bad callID");
	refused(HEAD "call c 0 0 - - -\ndlg cid l r 2147483648 2 - - - -\n",
			"bad local CSeq");
	refused(HEAD "call c 0 0 - - -\ndlg cid l r 99999999999999999999999 2 - "
				 "- - -\n",
			"bad local CSeq");
	refused(HEAD "call c 0 0 - - -\ndlg - l r 1 2 - - - -\n", "bad Call-ID");
	refused("iwg-verto-state 1\nsession s - n 5\nend\n", "empty sessid");
	refused("iwg-verto-state 1\ncall c 0 0 - - -\n", "session record wanted");
	memset(big, 'a', sizeof(big));
	snprintf(big, sizeof(big),
			 HEAD "call c 0 0 - - -\ndlg cid %0*d r 1 2 - - - -\nend\n",
			 VERTO_STATE_TAG_MAX + 1, 0);
	refused(big, "bad or too long local tag");
	{
		/* exactly the longest tag is fine */
		verto_state b;
		snprintf(big, sizeof(big),
				 HEAD "call c 0 0 - - -\ndlg cid %0*d r 1 2 - - - -\nend",
				 VERTO_STATE_TAG_MAX, 0);
		assert_int_equal(verto_state_parse(big, strlen(big), &b, NULL, 0), 0);
		assert_int_equal(strlen(b.calls[0].ltag), VERTO_STATE_TAG_MAX);
		verto_state_clear(&b);
	}
}

static void too_many_calls(void **state)
{
	char t[4096];
	size_t n;
	unsigned i;

	(void)state;
	n = (size_t)snprintf(t, sizeof(t), "%s", HEAD);
	for (i = 0; i <= VERTO_STATE_MAX_CALLS; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "%s", CALL);
	snprintf(t + n, sizeof(t) - n, "end\n");
	refused(t, "too many calls");
}

static void claim_decisions(void **state)
{
	(void)state;
	/* nothing stored: a new session */
	assert_int_equal(verto_state_claim(NULL, "b", 0, NULL, "u"),
					 VERTO_CLAIM_NONE);
	assert_int_equal(verto_state_claim("", "b", 1, "u", "u"), VERTO_CLAIM_NONE);
	/* node a died, the user logs in on b: b takes it */
	assert_int_equal(verto_state_claim("a", "b", 0, "u", "u"),
					 VERTO_CLAIM_TAKE);
	/* never another user's session, whoever owns it */
	assert_int_equal(verto_state_claim("a", "b", 0, "u", "v"),
					 VERTO_CLAIM_REFUSE);
	assert_int_equal(verto_state_claim("b", "b", 1, "u", "v"),
					 VERTO_CLAIM_REFUSE);
	/* a back on its feet, still holding the session: lost, it must not
	 * act (no BYE, no media) */
	assert_int_equal(verto_state_claim("b", "a", 1, "u", NULL),
					 VERTO_CLAIM_LOST);
	assert_int_equal(verto_state_claim("a", "a", 1, "u", NULL),
					 VERTO_CLAIM_MINE);
	assert_string_equal(verto_claim_name(VERTO_CLAIM_LOST), "lost");
	assert_string_equal(verto_claim_name((verto_claim)99), "?");
}

static void a_live_owner_keeps_its_session(void **state)
{
	verto_claim c = verto_state_claim("a", "b", 0, "u", "u");

	(void)state;
	/* node a still beats: a login with the sessid on b does not take it */
	assert_int_equal(verto_state_claim_live(c, 1), VERTO_CLAIM_ALIVE);
	assert_string_equal(verto_claim_name(VERTO_CLAIM_ALIVE), "alive");
	/* a's key lapsed: b takes it */
	assert_int_equal(verto_state_claim_live(c, 0), VERTO_CLAIM_TAKE);
	/* liveness changes nothing else */
	assert_int_equal(verto_state_claim_live(VERTO_CLAIM_REFUSE, 0),
					 VERTO_CLAIM_REFUSE);
	assert_int_equal(verto_state_claim_live(VERTO_CLAIM_MINE, 1),
					 VERTO_CLAIM_MINE);
	assert_int_equal(verto_state_claim_live(VERTO_CLAIM_NONE, 1),
					 VERTO_CLAIM_NONE);
}

static void keys_share_one_hash_tag(void **state)
{
	char k[128];

	(void)state;
	assert_int_equal(verto_state_key("iwg:verto:", "s-1", 0, k, sizeof(k)), 0);
	assert_string_equal(k, "iwg:verto:{s-1}");
	assert_int_equal(verto_state_key("iwg:verto:", "s-1", 1, k, sizeof(k)), 0);
	assert_string_equal(k, "iwg:verto:{s-1}:owner");
	assert_int_equal(verto_state_key("iwg:verto:", "s}1", 1, k, sizeof(k)), -1);
	assert_int_equal(verto_state_key("iwg:verto:", "", 1, k, sizeof(k)), -1);
	assert_int_equal(verto_state_key("iwg:verto:", "s-1", 1, k, 16), -1);
	assert_int_equal(
			verto_state_node_key("iwg:verto:", "sip:v@h:5060", k, sizeof(k)),
			0);
	assert_string_equal(k, "iwg:verto:node:{sip:v@h:5060}");
	assert_int_equal(verto_state_node_key("iwg:verto:", "", k, sizeof(k)), -1);
	assert_int_equal(verto_state_node_key("iwg:verto:", "{a}", k, sizeof(k)),
					 -1);
}

/* a node that restarted with its id has another incarnation: its old
 * sessions' owner is dead, even though the node key exists again */
static void an_owner_lives_in_its_incarnation_only(void **state)
{
	const char *inc1 = "0123456789abcdef", *inc2 = "fedcba9876543210";
	char o[VERTO_STATE_OWNER_MAX + 1], node[VERTO_STATE_NODE_MAX + 1];
	const char *inc;

	(void)state;
	assert_int_equal(verto_state_owner("sip:v@h:5060", inc1, o, sizeof(o)), 0);
	assert_string_equal(o, "sip:v@h:5060#0123456789abcdef");
	assert_int_equal(verto_state_owner("", inc1, o, sizeof(o)), -1);
	assert_int_equal(verto_state_owner("n", "0123", o, sizeof(o)), -1);
	assert_int_equal(verto_state_owner("n", "0123456789abcdeX", o, sizeof(o)),
					 -1);
	assert_int_equal(verto_state_owner("node", inc1, o, 8), -1);
	assert_int_equal(verto_state_owner_split("sip:v@h#x#"
											 "0123456789abcdef",
											 node, sizeof(node), &inc),
					 0);
	assert_string_equal(node, "sip:v@h#x");
	assert_string_equal(inc, inc1);
	assert_int_equal(verto_state_owner_split("old", node, sizeof(node), &inc),
					 0);
	assert_string_equal(node, "old");
	assert_string_equal(inc, "");
	assert_int_equal(verto_state_owner_split("#abc", node, sizeof(node), &inc),
					 -1);
	assert_int_equal(verto_state_owner_split("long", node, 4, &inc), -1);
	assert_int_equal(verto_state_owner_alive(inc1, inc1), 1);
	assert_int_equal(verto_state_owner_alive(inc1, inc2), 0);
	assert_int_equal(verto_state_owner_alive(inc1, NULL), 0);
	assert_int_equal(verto_state_owner_alive("", "1"), 1);
	assert_int_equal(verto_state_owner_alive("", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(roundtrip_keeps_every_field),
			cmocka_unit_test(not_encodable),
			cmocka_unit_test(bad_texts_are_refused_with_a_reason),
			cmocka_unit_test(too_many_calls),
			cmocka_unit_test(claim_decisions),
			cmocka_unit_test(a_live_owner_keeps_its_session),
			cmocka_unit_test(keys_share_one_hash_tag),
			cmocka_unit_test(an_owner_lives_in_its_incarnation_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
