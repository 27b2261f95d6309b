/*
 * test_verto_call.c - the per-call state machine
 * (modules/iwg_verto/verto_call.c): Verto and SIP events in, actions out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_call.h"

static verto_call_out step(verto_call_fsm *c, verto_call_event ev, int sdp,
						   int code, int want_rc)
{
	verto_call_out o;
	int rc = verto_call_step(c, ev, sdp, code, &o);
	if (rc != want_rc)
		fail_msg("%s in %s: rc %d, want %d", verto_call_event_name(ev),
				 verto_call_state_name(c->state), rc, want_rc);
	return o;
}

static void outbound_early_then_answer(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	o = step(&c, VCE_V_INVITE, 1, 0, 0);
	assert_int_equal(o.acts, VCA_M_OFFER | VCA_S_INVITE | VCA_V_RESULT);
	assert_int_equal(c.state, VCS_OUT_CALLING);
	o = step(&c, VCE_S_PROGRESS, 0, 180, 0);
	assert_int_equal(o.acts, 0); /* no ringing message for outbound */
	o = step(&c, VCE_S_EARLY, 1, 183, 0);
	assert_int_equal(o.acts, VCA_M_ANSWER | VCA_V_MEDIA);
	assert_int_equal(c.state, VCS_OUT_EARLY);
	o = step(&c, VCE_S_EARLY, 1, 183, 0);
	assert_int_equal(o.acts, 0);
	o = step(&c, VCE_V_DTMF, 0, 0, 0); /* IVR in early media */
	assert_int_equal(o.acts, VCA_S_DTMF | VCA_V_RESULT);
	o = step(&c, VCE_S_ANSWER, 0, 200, 0);
	assert_int_equal(o.acts, VCA_V_ANSWER);
	assert_int_equal(c.state, VCS_ACTIVE);
	o = step(&c, VCE_V_BYE, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_BYE | VCA_M_DELETE | VCA_V_RESULT);
	assert_int_equal(c.state, VCS_DONE);
	o = step(&c, VCE_V_BYE, 0, 0, -1);
	assert_int_equal(o.acts, VCA_V_ERROR);
}

static void outbound_answer_without_sdp_is_an_error(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	step(&c, VCE_V_INVITE, 1, 0, 0);
	o = step(&c, VCE_S_ANSWER, 0, 200, 0);
	assert_int_equal(o.acts, VCA_S_BYE | VCA_M_DELETE | VCA_V_BYE);
	assert_int_equal(o.cause, VERTO_CAUSE_INCOMPATIBLE_DESTINATION);
	assert_int_equal(c.state, VCS_DONE);
}

static void outbound_failures_map_to_causes(void **state)
{
	static const struct {
		int code;
		const char *cause;
	} cases[] = {{486, "USER_BUSY"},
				 {480, "NO_USER_RESPONSE"},
				 {404, "UNALLOCATED_NUMBER"},
				 {503, "NORMAL_TEMPORARY_FAILURE"}};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		verto_call_fsm c = {0};
		verto_call_out o;
		step(&c, VCE_V_INVITE, 1, 0, 0);
		o = step(&c, VCE_S_FAILURE, 0, cases[i].code, 0);
		assert_int_equal(o.acts, VCA_M_DELETE | VCA_V_BYE);
		assert_string_equal(verto_cause_name(o.cause), cases[i].cause);
		assert_int_equal(c.state, VCS_DONE);
	}
}

/* an outbound call, provisional answers without and with SDP (0: none),
 * then a failure: the cause code of the browser's verto.bye */
static int cause_after(int progress, int early, int final)
{
	verto_call_fsm c = {0};
	verto_call_out o;

	step(&c, VCE_V_INVITE, 1, 0, 0);
	if (progress)
		step(&c, VCE_S_PROGRESS, 0, progress, 0);
	if (early)
		step(&c, VCE_S_EARLY, 1, early, 0);
	o = step(&c, VCE_S_FAILURE, 0, final, 0);
	assert_int_equal(o.acts, VCA_M_DELETE | VCA_V_BYE);
	return verto_cause_code(o.cause);
}

/* 480/408 after 180: NO_ANSWER (19), the user was alerted */
static void no_answer_after_ringing(void **state)
{
	(void)state;
	assert_int_equal(cause_after(180, 0, 480), 19);
	assert_int_equal(cause_after(180, 0, 408), 19);
	assert_int_equal(cause_after(0, 183, 480), 19);
}

/* 181/182 (forwarded, queued) alert nobody: 480 is NO_USER_RESPONSE (18),
 * unless early media (183) follows */
static void no_user_response_after_queued(void **state)
{
	(void)state;
	assert_int_equal(cause_after(181, 181, 480), 18);
	assert_int_equal(cause_after(182, 182, 480), 18);
	assert_int_equal(cause_after(0, 0, 480), 18);
	assert_int_equal(cause_after(182, 183, 480), 19);
}

static void browser_bye_before_answer_cancels(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	step(&c, VCE_V_INVITE, 1, 0, 0);
	o = step(&c, VCE_V_BYE, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_CANCEL | VCA_M_DELETE | VCA_V_RESULT);
	assert_int_equal(c.state, VCS_CANCELLING);
	o = step(&c, VCE_S_FAILURE, 0, 487, 0);
	assert_int_equal(o.acts, 0); /* the browser already hung up */
	assert_int_equal(c.state, VCS_DONE);

	memset(&c, 0, sizeof(c));
	step(&c, VCE_V_INVITE, 1, 0, 0);
	step(&c, VCE_V_BYE, 0, 0, 0);
	o = step(&c, VCE_S_ANSWER, 1, 200, 0); /* 200 crossed the CANCEL */
	assert_int_equal(o.acts, VCA_S_BYE);
	assert_int_equal(c.state, VCS_DONE);
}

static void ws_lost_cancels_unanswered_keeps_answered(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	step(&c, VCE_V_INVITE, 1, 0, 0);
	o = step(&c, VCE_WS_LOST, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_CANCEL | VCA_M_DELETE);

	memset(&c, 0, sizeof(c));
	step(&c, VCE_V_INVITE, 1, 0, 0);
	step(&c, VCE_S_ANSWER, 1, 200, 0);
	o = step(&c, VCE_WS_LOST, 0, 0, 0);
	assert_int_equal(o.acts, VCA_TIMER);
	assert_true(c.detached);
	o = step(&c, VCE_V_ANSWER, 1, 0, -1);
	o = step(&c, VCE_WS_BACK, 0, 0, 0);
	assert_int_equal(o.acts, VCA_V_ATTACH);
	o = step(&c, VCE_V_ANSWER, 1, 0, 0); /* the browser's attach answer */
	assert_int_equal(o.acts, VCA_M_ANSWER | VCA_V_RESULT);
	step(&c, VCE_GRACE_OVER, 0, 0, -1); /* attached again: no effect */
	step(&c, VCE_WS_LOST, 0, 0, 0);
	o = step(&c, VCE_GRACE_OVER, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_BYE | VCA_M_DELETE);
	assert_int_equal(c.state, VCS_DONE);
}

static void inbound_answer_cancel_and_reject(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	o = step(&c, VCE_S_INVITE, 1, 0, 0);
	assert_int_equal(o.acts, VCA_M_OFFER | VCA_V_INVITE);
	o = step(&c, VCE_V_ANSWER, 1, 0, 0);
	assert_int_equal(o.acts, VCA_M_ANSWER | VCA_S_REPLY | VCA_V_RESULT);
	assert_int_equal(o.sip_code, 200);
	o = step(&c, VCE_S_BYE, 0, 0, 0);
	assert_int_equal(o.acts, VCA_V_BYE | VCA_M_DELETE);
	assert_string_equal(verto_cause_name(o.cause), "NORMAL_CLEARING");

	memset(&c, 0, sizeof(c));
	step(&c, VCE_S_INVITE, 1, 0, 0);
	o = step(&c, VCE_S_CANCEL, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_REPLY | VCA_M_DELETE | VCA_V_BYE);
	assert_int_equal(o.sip_code, 487);

	memset(&c, 0, sizeof(c));
	step(&c, VCE_S_INVITE, 1, 0, 0);
	o = step(&c, VCE_V_BYE, 0, 0, 0);
	assert_int_equal(o.sip_code, 486);

	memset(&c, 0, sizeof(c));
	step(&c, VCE_S_INVITE, 1, 0, 0);
	o = step(&c, VCE_WS_LOST, 0, 0, 0);
	assert_int_equal(o.sip_code, 480);

	/* nobody answers: 480 toward SIP, verto.bye NO_ANSWER to the browsers */
	memset(&c, 0, sizeof(c));
	step(&c, VCE_S_INVITE, 1, 0, 0);
	o = step(&c, VCE_RING_TIMEOUT, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_REPLY | VCA_M_DELETE | VCA_V_BYE);
	assert_int_equal(o.sip_code, 480);
	assert_string_equal(verto_cause_name(o.cause), "NO_ANSWER");
	assert_int_equal(c.state, VCS_DONE);
	/* a ring timeout after the answer is no event for the call */
	memset(&c, 0, sizeof(c));
	step(&c, VCE_S_INVITE, 1, 0, 0);
	step(&c, VCE_V_ANSWER, 1, 0, 0);
	assert_int_equal(step(&c, VCE_RING_TIMEOUT, 0, 0, -1).acts, 0);
}

static void hold_unhold_toggle(void **state)
{
	verto_call_fsm c = {0};
	verto_call_out o;
	(void)state;
	step(&c, VCE_V_INVITE, 1, 0, 0);
	step(&c, VCE_S_ANSWER, 1, 200, 0);
	o = step(&c, VCE_V_HOLD, 0, 0, 0);
	assert_int_equal(o.acts, VCA_S_REINVITE | VCA_DEFER);
	assert_true(c.held);
	o = step(&c, VCE_V_UNHOLD, 0, 0, -1); /* one at a time */
	assert_int_equal(o.acts, VCA_V_ERROR);
	o = step(&c, VCE_S_REINVITE_OK, 0, 200, 0);
	assert_int_equal(o.acts, VCA_V_RESULT);
	o = step(&c, VCE_V_HOLD, 0, 0, 0); /* already held */
	assert_int_equal(o.acts, VCA_V_RESULT);
	o = step(&c, VCE_V_TOGGLEHOLD, 0, 0, 0);
	assert_false(c.held);
	o = step(&c, VCE_S_REINVITE_FAIL, 0, 488, 0);
	assert_int_equal(o.acts, VCA_V_ERROR);
	assert_true(c.held); /* unchanged on error */
	step(&c, VCE_S_REINVITE_OK, 0, 200, -1);
}

static void every_pair_is_safe(void **state)
{
	/* each event in each reachable state: defined rc, no request left
	 * unanswered */
	verto_call_event seq[] = {VCE_V_INVITE, VCE_S_EARLY, VCE_S_ANSWER};
	int s, e, n;
	(void)state;
	for (n = 0; n <= 3; n++) {
		for (e = 0; e < VCE_COUNT; e++) {
			verto_call_fsm c = {0};
			verto_call_out o;
			for (s = 0; s < n; s++)
				verto_call_step(&c, seq[s], 1, 200, &o);
			int rc = verto_call_step(&c, (verto_call_event)e, 0, 500, &o);
			if (verto_call_event_is_request((verto_call_event)e))
				assert_true(
						(o.acts & (VCA_V_RESULT | VCA_V_ERROR | VCA_DEFER)) ||
						rc == 0);
			assert_true(c.state < VCS_COUNT);
		}
	}
	assert_string_equal(verto_call_state_name(VCS_COUNT), "invalid");
	assert_string_equal(verto_call_event_name(VCE_V_BYE), "verto.bye");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(outbound_early_then_answer),
			cmocka_unit_test(outbound_answer_without_sdp_is_an_error),
			cmocka_unit_test(outbound_failures_map_to_causes),
			cmocka_unit_test(no_answer_after_ringing),
			cmocka_unit_test(no_user_response_after_queued),
			cmocka_unit_test(browser_bye_before_answer_cancels),
			cmocka_unit_test(ws_lost_cancels_unanswered_keeps_answered),
			cmocka_unit_test(inbound_answer_cancel_and_reject),
			cmocka_unit_test(hold_unhold_toggle),
			cmocka_unit_test(every_pair_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
