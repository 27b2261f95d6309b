/*
 * test_webrtc_sdpfix.c - iwg_webrtc: what webrtc_sdp_fix() and
 * webrtc_te_reoffer() decide (modules/iwg_webrtc/webrtc_sdpfix.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_sdp.h"
#include "../../modules/iwg_webrtc/webrtc_sdpfix.h"

#define S(x) x, strlen(x)

/* what rtpengine offers toward the IMS: telephone-event at 98 */
static const char ims_offer[] = "v=0\r\n"
								"o=- 1 2 IN IP4 127.0.0.1\r\n"
								"s=-\r\n"
								"t=0 0\r\n"
								"m=audio 4000 RTP/AVP 96 98\r\n"
								"a=msid:abc def\r\n"
								"a=rtpmap:96 AMR-WB/16000\r\n"
								"a=rtpmap:98 telephone-event/16000\r\n";

/* the IMS answers telephone-event at 101 */
static const char ims_answer[] = "v=0\r\n"
								 "o=- 3 4 IN IP4 127.0.0.2\r\n"
								 "s=-\r\n"
								 "t=0 0\r\n"
								 "m=audio 5000 RTP/AVP 96 101\r\n"
								 "a=rtpmap:96 AMR-WB/16000\r\n"
								 "a=rtpmap:101 telephone-event/16000\r\n"
								 "a=curr:qos local none\r\n";

/* the browser's offer */
static const char boffer[] = "v=0\r\n"
							 "o=- 5 6 IN IP4 127.0.0.3\r\n"
							 "s=-\r\n"
							 "t=0 0\r\n"
							 "m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n"
							 "a=rtpmap:111 opus/48000/2\r\n"
							 "a=rtpmap:126 telephone-event/8000\r\n";

static void test_dir_names(void **state)
{
	(void)state;
	assert_int_equal(webrtc_sdpfix_dir(S("ims")), WEBRTC_SDP_TO_IMS);
	assert_int_equal(webrtc_sdpfix_dir(S("IMS")), WEBRTC_SDP_TO_IMS);
	assert_int_equal(webrtc_sdpfix_dir(S("Browser")), WEBRTC_SDP_TO_BROWSER);
	assert_int_equal(webrtc_sdpfix_dir(S("imsx")), -1);
	assert_int_equal(webrtc_sdpfix_dir(S("im")), -1);
	assert_int_equal(webrtc_sdpfix_dir(S("")), -1);
}

/* without a map: only cleaning, tmp untouched */
static void test_body_clean_only(void **state)
{
	char out[WEBRTC_SDPFIX_BODY_SIZE(sizeof(ims_offer))];
	int removed = -1, changed = -1, n;

	(void)state;
	n = webrtc_sdpfix_body(S(ims_offer), WEBRTC_SDP_TO_IMS, NULL, 0, out, NULL,
						   sizeof(out), &removed, &changed);
	assert_int_equal(n, (int)strlen(out));
	assert_int_equal(removed, 1);
	assert_int_equal(changed, 0);
	assert_null(strstr(out, "a=msid"));
	assert_non_null(strstr(out, "a=rtpmap:98 telephone-event/16000\r\n"));
}

/* with the offered map: the answer's 101 goes back to 98 after cleaning */
static void test_body_clean_and_restore(void **state)
{
	char out[WEBRTC_SDPFIX_BODY_SIZE(sizeof(ims_answer))];
	char tmp[sizeof(out)];
	int removed = 0, changed = 0, n;

	(void)state;
	n = webrtc_sdpfix_body(S(ims_answer), WEBRTC_SDP_TO_BROWSER, S("16000:98"),
						   out, tmp, sizeof(out), &removed, &changed);
	assert_int_equal(n, (int)strlen(out));
	assert_int_equal(removed, 1);
	assert_int_equal(changed, 1);
	assert_null(strstr(out, "a=curr"));
	assert_non_null(strstr(out, "m=audio 5000 RTP/AVP 96 98\r\n"));
	assert_non_null(strstr(out, "a=rtpmap:98 telephone-event/16000\r\n"));
}

static void test_body_errors(void **state)
{
	char out[WEBRTC_SDPFIX_BODY_SIZE(sizeof(ims_answer))];
	char tmp[sizeof(out)];
	int removed, changed;

	(void)state;
	assert_int_equal(webrtc_sdpfix_body(S(ims_answer), WEBRTC_SDP_TO_BROWSER,
										S("16000"), out, tmp, sizeof(out),
										&removed, &changed),
					 WEBRTC_SDPFIX_BAD_MAP);
	assert_int_equal(webrtc_sdpfix_body(S(ims_answer), WEBRTC_SDP_TO_BROWSER,
										NULL, 0, out, tmp, 16, &removed,
										&changed),
					 WEBRTC_SDPFIX_NO_ROOM);
	assert_int_equal(webrtc_sdpfix_body(S(ims_answer), WEBRTC_SDP_TO_BROWSER,
										S("16000:98"), out, tmp, 16, &removed,
										&changed),
					 WEBRTC_SDPFIX_NO_ROOM);
}

/* the answer renumbered 16000:98 to 101: the browser's offer gets
 * telephone-event/16000 at 101 for a second rtpengine offer */
static void test_reoffer_adds_the_answer_numbers(void **state)
{
	char out[WEBRTC_SDPFIX_REOFFER_SIZE(sizeof(boffer))],
			chg[WEBRTC_TE_MAP_MAX];
	int n;

	(void)state;
	n = webrtc_sdpfix_reoffer(S(ims_answer), S("16000:98"), S(boffer), out,
							  sizeof(out), chg, sizeof(chg));
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(chg, "16000:101");
	assert_non_null(strstr(out, "m=audio 9 UDP/TLS/RTP/SAVPF 111 126 101\r\n"));
	assert_non_null(strstr(out, "a=rtpmap:101 telephone-event/16000\r\n"));
	assert_non_null(strstr(out, "a=fmtp:101 0-15\r\n"));
}

/* nothing to do: same numbers, no telephone-event, no map */
static void test_reoffer_nothing_to_do(void **state)
{
	char out[WEBRTC_SDPFIX_REOFFER_SIZE(sizeof(boffer))],
			chg[WEBRTC_TE_MAP_MAX];

	(void)state;
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), S("16000:101"),
										   S(boffer), out, sizeof(out), chg,
										   sizeof(chg)),
					 0);
	assert_int_equal(webrtc_sdpfix_reoffer(S(boffer), S("16000:98"), S(boffer),
										   out, sizeof(out), chg, sizeof(chg)),
					 0);
	assert_int_equal(webrtc_sdpfix_reoffer(S("v=0\r\nm=audio 1 RTP/AVP 0\r\n"),
										   S("8000:101"), S(boffer), out,
										   sizeof(out), chg, sizeof(chg)),
					 0);
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), NULL, 0, S(boffer),
										   out, sizeof(out), chg, sizeof(chg)),
					 0);
	assert_string_equal(chg, "");
}

static void test_reoffer_errors(void **state)
{
	char out[WEBRTC_SDPFIX_REOFFER_SIZE(sizeof(boffer))],
			chg[WEBRTC_TE_MAP_MAX];
	const char *taken = "v=0\r\nm=audio 9 RTP/AVP 101\r\n"
						"a=rtpmap:101 opus/48000/2\r\n";

	(void)state;
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), S("16000"), S(boffer),
										   out, sizeof(out), chg, sizeof(chg)),
					 WEBRTC_SDPFIX_BAD_MAP);
	/* 101 is taken in the browser's offer: the restore fallback applies */
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), S("16000:98"),
										   S(taken), out, sizeof(out), chg,
										   sizeof(chg)),
					 WEBRTC_SDPFIX_NOT_ADDED);
	assert_string_equal(chg, "16000:101");
	/* no audio section to add it to */
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), S("16000:98"),
										   S("v=0\r\nm=video 9 RTP/AVP 96\r\n"),
										   out, sizeof(out), chg, sizeof(chg)),
					 WEBRTC_SDPFIX_NOT_ADDED);
	assert_int_equal(webrtc_sdpfix_reoffer(S(ims_answer), S("16000:98"),
										   S(boffer), out, 16, chg,
										   sizeof(chg)),
					 WEBRTC_SDPFIX_NOT_ADDED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_dir_names),
			cmocka_unit_test(test_body_clean_only),
			cmocka_unit_test(test_body_clean_and_restore),
			cmocka_unit_test(test_body_errors),
			cmocka_unit_test(test_reoffer_adds_the_answer_numbers),
			cmocka_unit_test(test_reoffer_nothing_to_do),
			cmocka_unit_test(test_reoffer_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
