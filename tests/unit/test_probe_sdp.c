/*
 * Unit tests of iwg-probe's SDP build and parse
 * (tools/probe/probe_sdp.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_sdp.h"

#define FP                                                                 \
	"sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:" \
	"4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9"

/* an answer as rtpengine writes it toward a browser */
static const char rtpengine_answer[] =
		"v=0\r\n"
		"o=- 1545997027 1 IN IP4 127.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 30010 UDP/TLS/RTP/SAVPF 8 101\r\n"
		"c=IN IP4 127.0.0.1\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=sendrecv\r\n"
		"a=rtcp:30010\r\n"
		"a=rtcp-mux\r\n"
		"a=setup:passive\r\n"
		"a=fingerprint:" FP "\r\n"
		"a=ptime:20\r\n"
		"a=ice-ufrag:Xy1AbC2d\r\n"
		"a=ice-pwd:q8sB2rT6uV0wX4yZ1aC3eG5i\r\n"
		"a=ice-options:trickle\r\n"
		"a=candidate:Hsu2 1 UDP 2130706431 127.0.0.1 30010 typ host\r\n"
		"a=end-of-candidates\r\n";

static void test_parse_rtpengine_answer(void **state)
{
	probe_sdp_remote r;
	char err[128];
	const probe_sdp_codec *c;

	(void)state;
	assert_int_equal(probe_sdp_parse(rtpengine_answer, strlen(rtpengine_answer),
									 &r, err, sizeof(err)),
					 0);
	assert_string_equal(r.ip, "127.0.0.1");
	assert_int_equal(r.port, 30010);
	assert_string_equal(r.proto, "UDP/TLS/RTP/SAVPF");
	assert_int_equal(r.ncodecs, 2);
	c = probe_sdp_find_pt(&r, 101);
	assert_non_null(c);
	assert_string_equal(c->name, "telephone-event");
	assert_string_equal(c->fmtp, "0-16");
	assert_non_null(probe_sdp_find_codec(&r, "pcma"));
	assert_null(probe_sdp_find_codec(&r, "opus"));
	assert_string_equal(r.ice_ufrag, "Xy1AbC2d");
	assert_string_equal(r.ice_pwd, "q8sB2rT6uV0wX4yZ1aC3eG5i");
	assert_int_equal(r.setup, PROBE_SETUP_PASSIVE);
	assert_string_equal(r.fp_alg, "sha-256");
	assert_int_equal(r.fp_len, 32);
	assert_int_equal(r.fp[0], 0x0a);
	assert_int_equal(r.fp[31], 0xf9);
	assert_true(r.rtcp_mux);
	assert_int_equal(r.ncands, 1);
	assert_string_equal(r.cands[0].ip, "127.0.0.1");
	assert_int_equal(r.cands[0].port, 30010);
	assert_int_equal(r.cands[0].priority, 2130706431u);
	assert_string_equal(r.cands[0].type, "host");
	assert_true(r.sendrecv);
}

static void test_build_webrtc_roundtrip(void **state)
{
	static const probe_sdp_codec codecs[] = {
			{111, "opus", 48000, 2, "minptime=10;useinbandfec=1"},
			{8, "PCMA", 8000, 1, ""},
	};
	probe_sdp_local l;
	probe_sdp_remote r;
	char buf[2048], err[128];
	long n;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.ip = "127.0.0.1";
	l.port = 40002;
	l.sess_id = 42;
	l.webrtc = 1;
	l.ice_ufrag = "abcd";
	l.ice_pwd = "0123456789012345678901";
	l.fingerprint = FP;
	l.setup = PROBE_SETUP_ACTPASS;
	l.codecs = codecs;
	l.ncodecs = 2;
	l.ptime = 20;
	n = probe_sdp_build(&l, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(strlen(buf), (size_t)n);
	assert_non_null(strstr(buf, "m=audio 40002 UDP/TLS/RTP/SAVPF 111 8\r\n"));
	assert_non_null(strstr(buf, "a=rtpmap:111 opus/48000/2\r\n"));
	assert_int_equal(probe_sdp_parse(buf, (size_t)n, &r, err, sizeof(err)), 0);
	assert_int_equal(r.port, 40002);
	assert_int_equal(r.ncodecs, 2);
	assert_int_equal(r.codecs[0].chans, 2);
	assert_string_equal(r.codecs[0].fmtp, "minptime=10;useinbandfec=1");
	assert_string_equal(r.ice_ufrag, "abcd");
	assert_int_equal(r.setup, PROBE_SETUP_ACTPASS);
	assert_int_equal(r.fp_len, 32);
	assert_int_equal(r.ncands, 1);
	assert_int_equal(r.cands[0].port, 40002);
	/* too small a buffer */
	assert_int_equal(probe_sdp_build(&l, buf, 100), -1);
	/* webrtc without a fingerprint */
	l.fingerprint = NULL;
	assert_int_equal(probe_sdp_build(&l, buf, sizeof(buf)), -1);
}

static void test_build_plain(void **state)
{
	static const probe_sdp_codec pcma = {8, "PCMA", 8000, 1, ""};
	probe_sdp_local l;
	char buf[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	l.ip = "127.0.0.1";
	l.port = 5004;
	l.codecs = &pcma;
	l.ncodecs = 1;
	assert_true(probe_sdp_build(&l, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "m=audio 5004 RTP/AVP 8\r\n"));
	assert_null(strstr(buf, "ice-ufrag"));
	assert_null(strstr(buf, "fingerprint"));
}

static void test_session_level_and_static_pt(void **state)
{
	static const char sdp[] = "v=0\n"
							  "o=x 1 1 IN IP4 10.0.0.1\n"
							  "s=-\n"
							  "c=IN IP4 10.0.0.1\n"
							  "t=0 0\n"
							  "a=ice-ufrag:sess\n"
							  "a=ice-pwd:sesspwdsesspwdsesspwd12\n"
							  "a=fingerprint:sha-256 AA:BB\n"
							  "m=video 9 RTP/AVP 96\n"
							  "c=IN IP4 10.9.9.9\n"
							  "m=audio 4000/2 RTP/AVP 0 8 9\n"
							  "a=recvonly\n"
							  "m=audio 5000 RTP/AVP 18\n";
	probe_sdp_remote r;
	char err[128];

	(void)state;
	assert_int_equal(probe_sdp_parse(sdp, strlen(sdp), &r, err, sizeof(err)),
					 0);
	assert_string_equal(r.ip, "10.0.0.1"); /* the video c= is not ours */
	assert_int_equal(r.port, 4000);
	assert_int_equal(r.ncodecs, 3);
	assert_string_equal(r.codecs[0].name, "PCMU");
	assert_string_equal(r.codecs[1].name, "PCMA");
	assert_string_equal(r.codecs[2].name, "G722");
	assert_string_equal(r.ice_ufrag, "sess");
	assert_int_equal(r.fp_len, 2);
	assert_false(r.sendrecv);
}

static void expect_error(const char *sdp, const char *msg)
{
	probe_sdp_remote r;
	char err[128];

	assert_int_equal(probe_sdp_parse(sdp, strlen(sdp), &r, err, sizeof(err)),
					 -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not contain '%s'", err, msg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "empty SDP");
	expect_error("x=1\r\n", "line 1: SDP must start with v=0");
	expect_error("v=0\r\nbad line\r\n", "line 2: not a <letter>=<value>");
	expect_error("v=0\r\nc=IN IP4 1.2.3.4\r\n", "no m=audio stream");
	expect_error("v=0\r\nm=audio 99999 RTP/AVP 8\r\n", "line 2: m= port");
	expect_error("v=0\r\nm=audio 1 RTP/AVP 200\r\n", "payload type");
	expect_error("v=0\r\nm=audio 1 RTP/AVP\r\n", "without formats");
	expect_error("v=0\r\nm=audio 1 RTP/AVP 8\r\n", "no c= address");
	expect_error("v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 1 RTP/AVP 8\r\n"
				 "a=fingerprint:sha-256 ZZ:00\r\n",
				 "line 4: fingerprint");
	expect_error("v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 1 RTP/AVP 8\r\n"
				 "a=candidate:1 1 UDP 1 1.1.1.1 70000 typ host\r\n",
				 "line 4: candidate port");
	expect_error("v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 1 RTP/AVP 8\r\n"
				 "a=setup:sideways\r\n",
				 "unknown setup role");
	expect_error("v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 1 RTP/AVP 8\r\n"
				 "a=rtpmap:8 PCMA\r\n",
				 "rtpmap without name/rate");
}

static void test_fingerprint_parse(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(probe_sdp_parse_fp("0a:FF", 5, out, 4), 2);
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(probe_sdp_parse_fp("0a:", 3, out, 4), -1);
	assert_int_equal(probe_sdp_parse_fp("0aff", 4, out, 4), -1);
	assert_int_equal(probe_sdp_parse_fp("01:02:03:04:05", 14, out, 4), -1);
	assert_int_equal(probe_sdp_parse_fp("", 0, out, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_parse_rtpengine_answer),
			cmocka_unit_test(test_build_webrtc_roundtrip),
			cmocka_unit_test(test_build_plain),
			cmocka_unit_test(test_session_level_and_static_pt),
			cmocka_unit_test(test_errors),
			cmocka_unit_test(test_fingerprint_parse),
	};
	return cmocka_run_group_tests_name("probe_sdp", tests, NULL, NULL);
}
