/*
 * test_verto_refer.c - the contact center's transfers of a Verto call
 * (modules/iwg_verto/verto_refer.c): Refer-To with an escaped Replaces,
 * Referred-By, the 202-or-refusal decision, the transfer's state machine
 * and the NOTIFY bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_refer.h"

static verto_refer_err rt(const char *v, verto_refer_to *r)
{
	return verto_refer_to_parse(v, strlen(v), r);
}

static void refer_to_attended(void **state)
{
	verto_refer_to r;
	char h[VERTO_REFER_REPLACES_MAX + 1];

	(void)state;
	/* as the issue names it: the target agent, Replaces of its dialog */
	assert_int_equal(rt("<sip:agentB@10.0.0.7:5091?Replaces=a1b2%40cc.example"
						"%3Bto-tag%3Db7%3Bfrom-tag%3Da9>",
						&r),
					 VRE_OK);
	assert_string_equal(r.uri, "sip:agentB@10.0.0.7:5091");
	assert_int_equal(r.has_replaces, 1);
	assert_string_equal(r.callid, "a1b2@cc.example");
	assert_string_equal(r.to_tag, "b7");
	assert_string_equal(r.from_tag, "a9");
	assert_int_equal(r.early_only, 0);
	assert_int_equal(verto_refer_replaces_hdr(&r, h, sizeof(h)), 0);
	assert_string_equal(h, "a1b2@cc.example;to-tag=b7;from-tag=a9");
	/* a display name, parameters of the URI and of the header, lower-case
	 * escapes, the tags the other way round, early-only, a generic
	 * parameter, another embedded header left out */
	assert_int_equal(
			rt(" \"Agent B\" "
			   "<sips:b@cc.example;transport=tls?replaces=x%3bfrom-"
			   "tag%3d1%3B%20early-only%3Bto-tag%3D2%3Bfoo%3Dbar&Subject=hi>"
			   " ;x=1 ",
			   &r),
			VRE_OK);
	assert_string_equal(r.uri, "sips:b@cc.example;transport=tls");
	assert_string_equal(r.callid, "x");
	assert_string_equal(r.to_tag, "2");
	assert_string_equal(r.from_tag, "1");
	assert_int_equal(r.early_only, 1);
	assert_int_equal(r.ignored, 1);
	assert_int_equal(verto_refer_replaces_hdr(&r, h, sizeof(h)), 0);
	assert_string_equal(h, "x;to-tag=2;from-tag=1;early-only");
	assert_int_equal(verto_refer_replaces_hdr(&r, h, 10), -1);
	assert_string_equal(h, "");
	/* a token display name, IPv6, method=INVITE */
	assert_int_equal(rt("Agent <sip:7@[2001:db8::1]:5060;method=INVITE>", &r),
					 VRE_OK);
	assert_string_equal(r.uri, "sip:7@[2001:db8::1]:5060;method=INVITE");
	assert_int_equal(r.has_replaces, 0);
}

static void refer_to_blind_and_conference(void **state)
{
	verto_refer_to r;
	char h[64];

	(void)state;
	/* addr-spec: what follows ';' is the header's parameter */
	assert_int_equal(rt("sip:conf-123@cc.example;x=1", &r), VRE_OK);
	assert_string_equal(r.uri, "sip:conf-123@cc.example");
	assert_int_equal(r.has_replaces, 0);
	assert_int_equal(verto_refer_replaces_hdr(&r, h, sizeof(h)), -1);
	assert_int_equal(rt("<sip:queue-sales@cc.example>", &r), VRE_OK);
	assert_string_equal(r.uri, "sip:queue-sales@cc.example");
	/* a host alone */
	assert_int_equal(rt("<sip:127.0.0.1:5091>", &r), VRE_OK);
	assert_string_equal(r.uri, "sip:127.0.0.1:5091");
}

static void refer_to_refused(void **state)
{
	static const struct {
		const char *v;
		verto_refer_err e;
	} bad[] = {
			{"", VRE_EMPTY},
			{"   ", VRE_EMPTY},
			{"<>", VRE_EMPTY},
			{"tel:+33123456", VRE_SCHEME},
			{"<http://cc.example/x>", VRE_SCHEME},
			{"<sip:a@>", VRE_HOST},
			{"<sip:a@b_c>", VRE_HOST},
			{"<sip:a@b:99999>", VRE_HOST},
			{"<sip:a@b:>", VRE_HOST},
			{"<sip:a@[::1>", VRE_HOST},
			{"<sip:a@b@c>", VRE_SYNTAX},
			{"<sip:a@b", VRE_SYNTAX},
			{"\"unterminated <sip:a@b>", VRE_SYNTAX},
			{"\"x\" sip:a@b", VRE_SYNTAX},
			{"sip:a@b?Replaces=x", VRE_SYNTAX},
			{"<sip:a@b> junk", VRE_SYNTAX},
			{"<sip:a@b>;x=<y>", VRE_SYNTAX},
			{"<sip:a@b;;x>", VRE_SYNTAX},
			{"<sip:a@b?>", VRE_SYNTAX},
			{"<sip:a@b?Replaces>", VRE_SYNTAX},
			{"<sip:a b@c>", VRE_CHARS},
			{"<sip:a@b>\r\nX: y", VRE_CHARS},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D1>", VRE_REPLACES},
			{"<sip:a@b?Replaces=x%3Bfrom-tag%3D1>", VRE_REPLACES},
			{"<sip:a@b?Replaces=%3Bto-tag%3D1%3Bfrom-tag%3D2>", VRE_REPLACES},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D1%3Bto-tag%3D3%3Bfrom-tag%3D2>",
			 VRE_REPLACES},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D%3Bfrom-tag%3D2>", VRE_REPLACES},
			{"<sip:a@b?Replaces=x%20y%3Bto-tag%3D1%3Bfrom-tag%3D2>",
			 VRE_REPLACES},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2%0D%0AX:1>",
			 VRE_ESCAPE},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2%4>", VRE_ESCAPE},
			{"<sip:a@b?Replaces=x%zz>", VRE_ESCAPE},
			{"<sip:a@b?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=x%3Bto-"
			 "tag%3D1%3Bfrom-tag%3D2>",
			 VRE_DUPLICATE},
			{"<sip:a@b;method=BYE>", VRE_METHOD},
			{"<sip:a@b;method=invite>", VRE_METHOD},
	};
	verto_refer_to r;
	char big[400];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 'x', sizeof(r));
		assert_int_equal(rt(bad[i].v, &r), bad[i].e);
		assert_string_equal(r.uri, "");
		assert_int_equal(r.has_replaces, 0);
	}
	assert_int_equal(verto_refer_to_parse(NULL, 0, &r), VRE_EMPTY);
	/* a NUL inside the value */
	assert_int_equal(verto_refer_to_parse("<sip:a@b>\0x", 11, &r), VRE_CHARS);
	memset(big, 'a', sizeof(big));
	memcpy(big, "<sip:", 5);
	memcpy(big + sizeof(big) - 5, "@b.c>", 5);
	assert_int_equal(verto_refer_to_parse(big, sizeof(big), &r), VRE_TOO_LONG);
	/* every error has a reason phrase for the 400 */
	for (i = 1; i < VRE_COUNT; i++)
		assert_true(strncmp(verto_refer_err_text((verto_refer_err)i),
							"Bad Refer-To", 12) == 0);
}

static int rb(const char *v, char *out)
{
	return verto_referred_by_check(v, strlen(v), out, VERTO_REFER_BY_MAX + 1);
}

static void referred_by(void **state)
{
	char out[VERTO_REFER_BY_MAX + 1];

	(void)state;
	assert_int_equal(rb(" \"Agent A\" <sip:2001@cc.example>;cid=x ", out), 0);
	assert_string_equal(out, "\"Agent A\" <sip:2001@cc.example>;cid=x");
	assert_int_equal(rb("<tel:+331>", out), 0);
	assert_int_equal(rb("sips:a@b", out), 0);
	assert_int_equal(rb("", out), -1);
	assert_string_equal(out, "");
	assert_int_equal(rb("<http://a>", out), -1);
	assert_int_equal(rb("\"x <sip:a@b>", out), -1);
	assert_int_equal(rb("<sip:a@b", out), -1);
	assert_int_equal(rb("<sip:a@b>\r\nX: 1", out), -1);
	assert_int_equal(rb("<sip:a b@c>", out), -1);
	assert_int_equal(verto_referred_by_check("<sip:a@b>", 9, out, 5), -1);
}

static verto_refer_req ok_req(void)
{
	verto_refer_req r;

	memset(&r, 0, sizeof(r));
	r.allowed = 1;
	r.confirmed = 1;
	r.state = VCS_ACTIVE;
	r.n_referto = 1;
	r.referto = VRE_OK;
	r.has_media = 1;
	return r;
}

static void decide_in_order(void **state)
{
	verto_refer_reply o;
	verto_refer_req r = ok_req();

	(void)state;
	assert_int_equal(verto_refer_decide(&r, &o), 1);
	assert_int_equal(o.code, 202);
	assert_string_equal(o.reason, "Accepted");
	r.has_media = 0;
	assert_int_equal(verto_refer_decide(&r, &o), 0);
	assert_int_equal(o.code, 488);
	r.busy = 1;
	assert_int_equal(verto_refer_decide(&r, &o), 0);
	assert_int_equal(o.code, 491);
	assert_string_equal(o.reason, "Request Pending");
	r.transferring = 1;
	verto_refer_decide(&r, &o);
	assert_string_equal(o.reason, "Transfer In Progress");
	r.referby_bad = 1;
	verto_refer_decide(&r, &o);
	assert_int_equal(o.code, 400);
	assert_string_equal(o.reason, "Bad Referred-By");
	r.referto = VRE_SCHEME;
	verto_refer_decide(&r, &o);
	assert_string_equal(o.reason, "Bad Refer-To (not a sip or sips URI)");
	r.n_referto = 2;
	verto_refer_decide(&r, &o);
	assert_string_equal(o.reason, "Multiple Refer-To");
	r.n_referto = 0;
	verto_refer_decide(&r, &o);
	assert_string_equal(o.reason, "Missing Refer-To");
	r.state = VCS_OUT_EARLY;
	verto_refer_decide(&r, &o);
	assert_int_equal(o.code, 403);
	assert_string_equal(o.reason, "Dialog Not Confirmed");
	r.state = VCS_ACTIVE;
	r.confirmed = 0;
	verto_refer_decide(&r, &o);
	assert_string_equal(o.reason, "Dialog Not Confirmed");
	r.allowed = 0;
	verto_refer_decide(&r, &o);
	assert_int_equal(o.code, 403);
	assert_string_equal(o.reason, "Transfer Not Allowed");
}

static unsigned step(verto_xfer *x, verto_xfer_event ev, int code,
					 verto_xfer_out *o)
{
	assert_int_equal(verto_xfer_step(x, ev, code, NULL, o), 0);
	return o->acts;
}

static void xfer_success(void **state)
{
	verto_xfer x;
	verto_xfer_out o;

	(void)state;
	verto_xfer_init(&x);
	assert_int_equal(verto_xfer_step(&x, VXE_ANSWERED, 0, NULL, &o), -1);
	assert_int_equal(step(&x, VXE_START, 0, &o), VXA_NOTIFY | VXA_MEDIA_OFFER);
	assert_int_equal(o.code, 100);
	assert_string_equal(o.reason, "Trying");
	assert_int_equal(step(&x, VXE_OFFER_OK, 0, &o), VXA_INVITE);
	assert_int_equal(step(&x, VXE_PROVISIONAL, 180, &o), 0);
	assert_int_equal(step(&x, VXE_ANSWERED, 200, &o), VXA_MEDIA_ANSWER);
	assert_int_equal(step(&x, VXE_ANSWER_OK, 0, &o),
					 VXA_NOTIFY | VXA_SWITCH | VXA_BYE_OLD | VXA_FREE);
	assert_int_equal(o.code, 200);
	assert_int_equal(x.state, VXS_DONE);
	assert_int_equal(verto_xfer_step(&x, VXE_HANGUP, 0, NULL, &o), -1);
	assert_int_equal(o.acts, 0);
}

static void xfer_rejected_falls_back(void **state)
{
	verto_xfer x;
	verto_xfer_out o;

	(void)state;
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	assert_int_equal(verto_xfer_step(&x, VXE_REJECTED, 486, "Busy Here", &o),
					 0);
	assert_int_equal(o.acts, VXA_NOTIFY | VXA_MEDIA_REVERT);
	assert_int_equal(o.code, 486);
	assert_string_equal(o.reason, "Busy Here");
	assert_int_equal(step(&x, VXE_REVERT_DONE, 0, &o), VXA_FREE);
	/* a local failure: 503; a timeout with no status: 500 */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	assert_int_equal(step(&x, VXE_OFFER_FAIL, 0, &o),
					 VXA_NOTIFY | VXA_MEDIA_REVERT);
	assert_int_equal(o.code, 503);
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	step(&x, VXE_REJECTED, 0, &o);
	assert_int_equal(o.code, 500);
	/* the 2xx's SDP refused by rtpengine: BYE it, 488 */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	step(&x, VXE_ANSWERED, 200, &o);
	assert_int_equal(step(&x, VXE_ANSWER_FAIL, 0, &o),
					 VXA_NOTIFY | VXA_BYE_NEW | VXA_MEDIA_REVERT);
	assert_int_equal(o.code, 488);
}

static void xfer_transferor_left(void **state)
{
	verto_xfer x;
	verto_xfer_out o;

	(void)state;
	/* their BYE right after the 202: no more NOTIFY, no BYE of ours */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	assert_int_equal(step(&x, VXE_OLD_BYE, 0, &o), 0);
	step(&x, VXE_OFFER_OK, 0, &o);
	step(&x, VXE_ANSWERED, 200, &o);
	assert_int_equal(step(&x, VXE_ANSWER_OK, 0, &o), VXA_SWITCH | VXA_FREE);
	/* ... and the new call fails: the call ends */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	step(&x, VXE_OLD_BYE, 0, &o);
	assert_int_equal(step(&x, VXE_REJECTED, 486, &o), VXA_END_CALL | VXA_FREE);
	/* gone while reverting */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_FAIL, 0, &o);
	step(&x, VXE_OLD_BYE, 0, &o);
	assert_int_equal(step(&x, VXE_REVERT_DONE, 0, &o), VXA_END_CALL | VXA_FREE);
}

static void xfer_browser_hangs_up(void **state)
{
	verto_xfer x;
	verto_xfer_out o;

	(void)state;
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	assert_int_equal(step(&x, VXE_HANGUP, 0, &o), VXA_FREE);
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	assert_int_equal(step(&x, VXE_HANGUP, 0, &o), VXA_CANCEL_NEW | VXA_FREE);
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_OK, 0, &o);
	step(&x, VXE_ANSWERED, 200, &o);
	assert_int_equal(step(&x, VXE_HANGUP, 0, &o), VXA_BYE_NEW | VXA_FREE);
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	step(&x, VXE_OFFER_FAIL, 0, &o);
	assert_int_equal(step(&x, VXE_HANGUP, 0, &o), VXA_FREE);
	/* events out of place change nothing */
	verto_xfer_init(&x);
	step(&x, VXE_START, 0, &o);
	assert_int_equal(verto_xfer_step(&x, VXE_ANSWER_OK, 0, NULL, &o), -1);
	assert_int_equal(verto_xfer_step(&x, VXE_START, 0, NULL, &o), -1);
	assert_int_equal(x.state, VXS_OFFER);
	assert_string_equal(verto_xfer_state_name(x.state), "offer");
	assert_string_equal(verto_xfer_event_name(VXE_OLD_BYE), "old-bye");
	assert_string_equal(verto_xfer_event_name(VXE_COUNT), "invalid");
}

static void sipfrag(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(verto_refer_sipfrag(100, NULL, b, sizeof(b)), 0);
	assert_string_equal(b, "SIP/2.0 100 Trying\r\n");
	assert_int_equal(verto_refer_sipfrag(486, "Busy Here", b, sizeof(b)), 0);
	assert_string_equal(b, "SIP/2.0 486 Busy Here\r\n");
	/* a reason that would break the body: the usual one */
	assert_int_equal(verto_refer_sipfrag(603, "x\r\ny", b, sizeof(b)), 0);
	assert_string_equal(b, "SIP/2.0 603 Decline\r\n");
	assert_int_equal(verto_refer_sipfrag(499, "", b, sizeof(b)), 0);
	assert_string_equal(b, "SIP/2.0 499 Unknown\r\n");
	assert_int_equal(verto_refer_sipfrag(99, NULL, b, sizeof(b)), -1);
	assert_int_equal(verto_refer_sipfrag(700, NULL, b, sizeof(b)), -1);
	assert_int_equal(verto_refer_sipfrag(200, NULL, b, 8), -1);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(refer_to_attended),
			cmocka_unit_test(refer_to_blind_and_conference),
			cmocka_unit_test(refer_to_refused),
			cmocka_unit_test(referred_by),
			cmocka_unit_test(decide_in_order),
			cmocka_unit_test(xfer_success),
			cmocka_unit_test(xfer_rejected_falls_back),
			cmocka_unit_test(xfer_transferor_left),
			cmocka_unit_test(xfer_browser_hangs_up),
			cmocka_unit_test(sipfrag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
