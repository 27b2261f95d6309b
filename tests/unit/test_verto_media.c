/*
 * test_verto_media.c - the SDP edits (modules/iwg_verto/verto_sdp.c) and
 * the media profile -> rtpengine NG translation (verto_ngflags.c) of
 * iwg_verto.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_verto/verto_ngflags.h"
#include "../../modules/iwg_verto/verto_sdp.h"

/* what Chromium offers for an audio call (trimmed) */
static const char *offer =
		"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
		"a=group:BUNDLE 0 1\r\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 111 8 126\r\nc=IN IP4 0.0.0.0\r\n"
		"a=mid:0\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n"
		"m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\n"
		"a=mid:1\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n";

static void audio_only_drops_video_and_groups(void **state)
{
	char *s = verto_sdp_audio_only(offer);
	(void)state;
	assert_non_null(s);
	assert_null(strstr(s, "m=video"));
	assert_null(strstr(s, "a=group"));
	assert_null(strstr(s, "a=mid:1"));
	assert_non_null(strstr(s, "m=audio 9 UDP/TLS/RTP/SAVPF 111 8 126\r\n"));
	free(s);
	assert_null(verto_sdp_audio_only("v=0\nm=video 9 RTP/AVP 96\n"));
	assert_null(verto_sdp_audio_only("not sdp"));
}

static void align_puts_rejected_sections_back_in_order(void **state)
{
	const char *answer = "v=0\no=- 5 5 IN IP4 127.0.0.1\ns=-\nt=0 0\n"
						 "m=audio 30000 UDP/TLS/RTP/SAVPF 111\na=mid:0\n"
						 "a=sendrecv";
	char *s = verto_sdp_align(offer, answer);
	const char *a, *v;
	(void)state;
	assert_non_null(s);
	a = strstr(s, "m=audio 30000 ");
	v = strstr(s, "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n");
	assert_non_null(a);
	assert_non_null(v);
	assert_true(a < v);
	/* CRLF everywhere, the last line too */
	assert_true(strlen(s) >= 2 && strcmp(s + strlen(s) - 2, "\r\n") == 0);
	for (a = s; (a = strchr(a, '\n')); a++)
		assert_true(a > s && a[-1] == '\r');
	free(s);
}

static void crlf_and_reoffer(void **state)
{
	char *s = verto_sdp_crlf("v=0\r\nm=audio 1 RTP/AVP 8\nc=IN IP4 1.2.3.4");
	(void)state;
	assert_string_equal(s,
						"v=0\r\nm=audio 1 RTP/AVP 8\r\nc=IN IP4 1.2.3.4\r\n");
	free(s);
	s = verto_sdp_reoffer("v=0\r\no=x 7 41 IN IP4 1.2.3.4\r\na=sendrecv\r\n"
						  "m=audio 1 RTP/AVP 8\r\na=sendrecv\r\na=ptime:20\r\n",
						  "sendonly");
	assert_string_equal(s,
						"v=0\r\no=x 7 42 IN IP4 1.2.3.4\r\n"
						"m=audio 1 RTP/AVP 8\r\na=ptime:20\r\na=sendonly\r\n");
	free(s);
}

/* what the browser put in and rtpengine lets through goes, the rest stays
 * (a=extmap lines and a=mid too) */
static void clean_drops_browser_lines(void **state)
{
	char *s = verto_sdp_clean(
			"v=0\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS x\r\n"
			"m=audio 1 RTP/AVP 8\r\na=extmap:1 urn:x\r\na=msid:x y\r\n"
			"a=ssrc-group:FID 1 2\r\na=ssrc:1 cname:c\r\na=ssrc:1 msid:x "
			"y\r\na=mid:0\na=extmap-allow-mixedX\r\n");
	(void)state;
	assert_string_equal(s, "v=0\r\nm=audio 1 RTP/AVP 8\r\na=extmap:1 urn:x\r\n"
						   "a=mid:0\r\na=extmap-allow-mixedX\r\n");
	free(s);
	assert_null(verto_sdp_clean("m=audio 1 RTP/AVP 8\r\n"));
}

/* only c= and m= lines count, in order */
static void same_media_compares_c_and_m(void **state)
{
	const char *a = "v=0\r\no=x 1 1 IN IP4 h\r\nc=IN IP4 10.0.0.1\r\n"
					"m=audio 4000 RTP/AVP 8 101\r\na=sendrecv\r\n";
	(void)state;
	assert_int_equal(verto_sdp_same_media(a, "v=0\no=x 1 2 IN IP4 h\nc=IN "
											 "IP4 10.0.0.1\nm=audio 4000 "
											 "RTP/AVP 8 101\na=sendonly\n"),
					 1);
	assert_int_equal(verto_sdp_same_media(a, "v=0\r\nc=IN IP4 10.0.0.1\r\n"
											 "m=audio 4002 RTP/AVP 8 101\r\n"),
					 0);
	assert_int_equal(verto_sdp_same_media(a, "v=0\r\nc=IN IP4 10.0.0.1\r\n"),
					 0);
	assert_int_equal(verto_sdp_same_media(a, "x"), -1);
}

/* encode flags into a fresh dict and compare the bencode */
static void expect_ng(const char *flags, const char *want)
{
	bencode_buf b;
	char err[160];
	bencode_buf_init(&b);
	bencode_dict_begin(&b);
	if (verto_ngflags_encode(flags, &b, err, sizeof(err)))
		fail_msg("'%s': %s", flags, err);
	bencode_end(&b);
	assert_int_equal(bencode_buf_finish(&b), 0);
	if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
		fail_msg("'%s' gave '%.*s', want '%s'", flags, (int)b.len, b.data,
				 want);
	bencode_buf_free(&b);
}

static void ngflags_follow_kamailio(void **state)
{
	(void)state;
	expect_ng("", "de");
	expect_ng("ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off "
			  "replace-origin replace-session-connection",
			  "d3:ICE6:remove4:DTLS3:off18:transport-protocol7:RTP/AVP"
			  "7:replacel6:origin18:session-connectione4:SDESl3:offe"
			  "8:rtcp-muxl5:demuxee");
	expect_ng("codec-mask-all codec-transcode-PCMA transcode-opus "
			  "codec-accept-opus trust-address",
			  "d5:flagsl17:codec-accept-opus13:trust-addresse"
			  "5:codecd9:transcodel4:PCMA4:opuse4:maskl3:alleee");
	expect_ng("UDP/TLS/RTP/SAVPF direction=internal external",
			  "d18:transport-protocol17:UDP/TLS/RTP/SAVPF"
			  "9:directionl8:internal8:externalee");
}

static void ngflags_refuse_what_verto_sets(void **state)
{
	static const struct {
		const char *flags, *want;
	} bad[] = {
			{"ICE=remove call-id=x", "word 2 'call-id=x': set by iwg_verto"},
			{"from-tag=a", "set by iwg_verto"},
			{"ICE=$var(ice)", "pseudo-variables"},
			{"ICE=a ICE=b", "word 2 'ICE=b': key given twice"},
			{"ICE=", "empty key or value"},
	};
	char err[160];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(verto_ngflags_check(bad[i].flags, err, sizeof(err)),
						 -1);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s': '%s' lacks '%s'", bad[i].flags, err, bad[i].want);
	}
}

static void direction_and_answer_direction(void **state)
{
	(void)state;
	assert_string_equal(verto_sdp_direction(offer), "sendrecv");
	assert_string_equal(
			verto_sdp_direction("v=0\r\na=sendonly\r\nm=audio 1 RTP/AVP 8\r\n"),
			"sendonly");
	assert_string_equal(verto_sdp_direction("v=0\r\na=sendonly\r\n"
											"m=audio 1 RTP/AVP 8\r\n"
											"a=inactive\r\n"),
						"inactive");
	assert_string_equal(verto_sdp_direction("v=0\nm=audio 1 RTP/AVP 8\n"),
						"sendrecv");
	assert_null(verto_sdp_direction("v=0\nm=video 1 RTP/AVP 96\n"));
	assert_null(verto_sdp_direction("x"));
	assert_string_equal(verto_sdp_answer_dir("sendonly", 0), "recvonly");
	assert_string_equal(verto_sdp_answer_dir("recvonly", 0), "sendonly");
	assert_string_equal(verto_sdp_answer_dir("inactive", 0), "inactive");
	assert_string_equal(verto_sdp_answer_dir("sendrecv", 0), "sendrecv");
	assert_string_equal(verto_sdp_answer_dir(NULL, 0), "sendrecv");
	assert_string_equal(verto_sdp_answer_dir("sendrecv", 1), "sendonly");
	assert_string_equal(verto_sdp_answer_dir("sendonly", 1), "inactive");
}

static void next_keeps_the_session_and_bumps_on_change(void **state)
{
	const char *prev = "v=0\r\no=- 77 3 IN IP4 1.2.3.4\r\ns=-\r\n"
					   "m=audio 4000 RTP/AVP 8\r\na=sendrecv\r\n";
	const char *ng = "v=0\r\no=rtpengine 5 9 IN IP4 1.2.3.4\r\ns=-\r\n"
					 "m=audio 4000 RTP/AVP 8\r\na=sendrecv\r\n";
	char *s;

	(void)state;
	/* the same body: the same o= version */
	s = verto_sdp_next(prev, ng, "sendrecv");
	assert_non_null(s);
	assert_string_equal(s, prev);
	free(s);
	/* a hold answer: recvonly, version 4, our session id */
	s = verto_sdp_next(prev, ng, "recvonly");
	assert_non_null(s);
	assert_non_null(strstr(s, "o=- 77 4 IN IP4 1.2.3.4\r\n"));
	assert_non_null(strstr(s, "a=recvonly\r\n"));
	assert_null(strstr(s, "a=sendrecv"));
	assert_null(strstr(s, "rtpengine"));
	free(s);
	/* no new SDP: our last one, direction set */
	s = verto_sdp_next(prev, NULL, "sendrecv");
	assert_string_equal(s, prev);
	free(s);
	assert_null(verto_sdp_next("v=0\r\ns=-\r\n", ng, "sendrecv"));
	assert_null(verto_sdp_next(prev, "junk", "sendrecv"));
	s = verto_sdp_next(NULL, ng, "sendonly");
	assert_non_null(strstr(s, "a=sendonly\r\n"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(audio_only_drops_video_and_groups),
			cmocka_unit_test(align_puts_rejected_sections_back_in_order),
			cmocka_unit_test(crlf_and_reoffer),
			cmocka_unit_test(clean_drops_browser_lines),
			cmocka_unit_test(same_media_compares_c_and_m),
			cmocka_unit_test(direction_and_answer_direction),
			cmocka_unit_test(next_keeps_the_session_and_bumps_on_change),
			cmocka_unit_test(ngflags_follow_kamailio),
			cmocka_unit_test(ngflags_refuse_what_verto_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
