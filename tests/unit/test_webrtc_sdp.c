/*
 * test_webrtc_sdp.c - iwg_webrtc SDP hygiene and telephone-event payload
 * type restore (modules/iwg_webrtc/webrtc_sdp.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/iwg_webrtc/webrtc_sdp.h"

#define S(x) x, strlen(x)

static const char browser[] = "v=0\r\n"
							  "o=- 1 2 IN IP4 127.0.0.1\r\n"
							  "s=-\r\n"
							  "t=0 0\r\n"
							  "a=extmap-allow-mixed\r\n"
							  "a=msid-semantic: WMS abc\r\n"
							  "m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n"
							  "a=msid:abc def\r\n"
							  "a=rtpmap:111 opus/48000/2\r\n"
							  "a=ssrc-group:FID 1 2\r\n"
							  "a=ssrc:1 cname:x\r\n"
							  "a=msidx:keep\r\n"
							  "a=curr:qos local none\r\n";

static void test_clean_to_ims(void **state)
{
	char out[1024];
	int removed = -1, n;

	(void)state;
	n = webrtc_sdp_clean(S(browser), WEBRTC_SDP_TO_IMS, out, sizeof(out),
						 &removed);
	assert_true(n > 0);
	assert_int_equal(removed, 5);
	assert_null(strstr(out, "a=msid:"));
	assert_null(strstr(out, "a=ssrc"));
	assert_null(strstr(out, "msid-semantic"));
	assert_null(strstr(out, "extmap-allow-mixed"));
	assert_non_null(strstr(out, "a=msidx:keep\r\n"));
	assert_non_null(strstr(out, "a=curr:qos")); /* not toward the IMS */
	assert_non_null(strstr(out, "a=rtpmap:111 opus/48000/2\r\n"));
	/* too small */
	assert_int_equal(
			webrtc_sdp_clean(S(browser), WEBRTC_SDP_TO_IMS, out, 20, NULL), -1);
}

static void test_clean_to_browser(void **state)
{
	const char ims[] = "v=0\nc=IN IP4 1.2.3.4\nb=AS:41\nb=RS:0\nb=RR:0\n"
					   "m=audio 4000 RTP/AVP 96\na=curr:qos local none\n"
					   "a=des:qos mandatory local sendrecv\n"
					   "a=conf:qos remote sendrecv\na=sendrecv";
	char out[512];
	int removed, n;

	(void)state;
	n = webrtc_sdp_clean(S(ims), WEBRTC_SDP_TO_BROWSER, out, sizeof(out),
						 &removed);
	assert_int_equal(removed, 5);
	assert_string_equal(out, "v=0\nc=IN IP4 1.2.3.4\nb=AS:41\n"
							 "m=audio 4000 RTP/AVP 96\na=sendrecv");
	assert_int_equal(n, (int)strlen(out));
}

/* rtpengine's offer with an AVPF profile: every m= line RTP/AVPF */
static const char avpf[] = "v=0\r\n"
						   "m=audio 30000 RTP/AVPF 96 126\r\n"
						   "a=rtpmap:96 AMR-WB/16000\r\n"
						   "a=rtcp-fb:96 transport-cc\r\n"
						   "a=rtcp-fb:* nack\r\n"
						   "a=sendrecv\r\n"
						   "m=video 30002 RTP/AVPF 102\r\n"
						   "a=rtpmap:102 H264/90000\r\n"
						   "a=rtcp-fb:102 goog-remb\r\n"
						   "a=rtcp-fb:102 transport-cc\r\n"
						   "a=rtcp-fb:102 ccm fir\r\n"
						   "a=rtcp-fb:102 nack\r\n"
						   "a=rtcp-fb:102 nack pli\r\n"
						   "a=rtcp-fb:* transport-cc\r\n"
						   "a=rtcp-fb:102 transport-ccx\r\n"
						   "m=application 5000 RTP/AVPF 1\r\n"
						   "a=rtcp-fb:1 goog-remb\r\n";

static void test_clean_avpf_per_media(void **state)
{
	char out[1024];
	int removed = -1, n;

	(void)state;
	n = webrtc_sdp_clean(S(avpf), WEBRTC_SDP_TO_IMS, out, sizeof(out),
						 &removed);
	/* audio back to RTP/AVP without feedback; video keeps RTP/AVPF and
	 * the feedback a UE uses; other media untouched */
	assert_string_equal(out, "v=0\r\n"
							 "m=audio 30000 RTP/AVP 96 126\r\n"
							 "a=rtpmap:96 AMR-WB/16000\r\n"
							 "a=sendrecv\r\n"
							 "m=video 30002 RTP/AVPF 102\r\n"
							 "a=rtpmap:102 H264/90000\r\n"
							 "a=rtcp-fb:102 ccm fir\r\n"
							 "a=rtcp-fb:102 nack\r\n"
							 "a=rtcp-fb:102 nack pli\r\n"
							 "a=rtcp-fb:102 transport-ccx\r\n"
							 "m=application 5000 RTP/AVPF 1\r\n"
							 "a=rtcp-fb:1 goog-remb\r\n");
	assert_int_equal(n, (int)strlen(out));
	/* the m= line rewritten, 2 audio and 3 video feedback lines dropped */
	assert_int_equal(removed, 6);
	/* toward the browser nothing of this applies */
	n = webrtc_sdp_clean(S(avpf), WEBRTC_SDP_TO_BROWSER, out, sizeof(out),
						 &removed);
	assert_int_equal(removed, 0);
	assert_string_equal(out, avpf);
	/* cleaned twice: the same */
	n = webrtc_sdp_clean(S(avpf), WEBRTC_SDP_TO_IMS, out, sizeof(out), NULL);
	{
		char again[1024];
		webrtc_sdp_clean(out, (size_t)n, WEBRTC_SDP_TO_IMS, again,
						 sizeof(again), &removed);
		assert_int_equal(removed, 0);
		assert_string_equal(again, out);
	}
}

/* the default profile's RTP/AVP offer: transports and feedback as they are */
static void test_clean_avp_untouched(void **state)
{
	const char avp[] = "v=0\nm=audio 30000 RTP/AVP 96\n"
					   "a=rtcp-fb:96 transport-cc\n"
					   "m=video 30002 RTP/AVP 102\n"
					   "a=rtcp-fb:102 goog-remb\n"
					   "m=audio 30004 RTP/AVPFX 96\n"
					   "a=rtcp-fb:96 nack\n"
					   "m=audio 30006 RTP/AVPF";
	char out[512];
	int removed = -1;

	(void)state;
	webrtc_sdp_clean(S(avp), WEBRTC_SDP_TO_IMS, out, sizeof(out), &removed);
	/* only the last m= line (proto RTP/AVPF, no formats) is rewritten */
	assert_int_equal(removed, 1);
	assert_string_equal(out, "v=0\nm=audio 30000 RTP/AVP 96\n"
							 "a=rtcp-fb:96 transport-cc\n"
							 "m=video 30002 RTP/AVP 102\n"
							 "a=rtcp-fb:102 goog-remb\n"
							 "m=audio 30004 RTP/AVPFX 96\n"
							 "a=rtcp-fb:96 nack\n"
							 "m=audio 30006 RTP/AVP");
	/* too small for the rewritten m= line */
	assert_int_equal(
			webrtc_sdp_clean(S(avpf), WEBRTC_SDP_TO_IMS, out, 12, NULL), -1);
}

/* rtpengine's offer toward the IMS and an IMS answer renumbering 98 -> 101 */
static const char offer[] = "v=0\r\n"
							"m=audio 30000 RTP/AVP 96 97 8 98 126\r\n"
							"a=rtpmap:96 AMR-WB/16000\r\n"
							"a=rtpmap:98 telephone-event/16000\r\n"
							"a=fmtp:98 0-15\r\n"
							"a=rtpmap:126 telephone-event/8000\r\n"
							"m=video 30002 RTP/AVP 100\r\n"
							"a=rtpmap:100 telephone-event/90000\r\n";
static const char answer[] = "v=0\r\n"
							 "m=audio 40000 RTP/AVP 96 101\r\n"
							 "a=rtpmap:96 AMR-WB/16000\r\n"
							 "a=rtpmap:101 telephone-event/16000\r\n"
							 "a=fmtp:101 0-15\r\n"
							 "a=rtcp-fb:101 x\r\n"
							 "m=video 40002 RTP/AVP 101\r\n"
							 "a=rtpmap:101 H264/90000\r\n";

static void test_te_map(void **state)
{
	char map[WEBRTC_TE_MAP_MAX];
	(void)state;
	assert_int_equal(webrtc_sdp_te_map(S(offer), map, sizeof(map)),
					 (int)strlen("16000:98,8000:126"));
	assert_string_equal(map, "16000:98,8000:126");
	assert_int_equal(webrtc_sdp_te_map(S("v=0\r\nm=audio 1 RTP/AVP 8\r\n"), map,
									   sizeof(map)),
					 0);
	assert_int_equal(webrtc_sdp_te_map(S(offer), map, 5), -1);
}

static void test_te_restore(void **state)
{
	char out[1024];
	int changed = -1, n;

	(void)state;
	n = webrtc_sdp_te_restore(S(answer), S("16000:98,8000:126"), out,
							  sizeof(out), &changed);
	assert_true(n > 0);
	assert_int_equal(changed, 1);
	assert_string_equal(out, "v=0\r\n"
							 "m=audio 40000 RTP/AVP 96 98\r\n"
							 "a=rtpmap:96 AMR-WB/16000\r\n"
							 "a=rtpmap:98 telephone-event/16000\r\n"
							 "a=fmtp:98 0-15\r\n"
							 "a=rtcp-fb:98 x\r\n"
							 "m=video 40002 RTP/AVP 101\r\n"
							 "a=rtpmap:101 H264/90000\r\n");
	/* same numbers: unchanged copy */
	n = webrtc_sdp_te_restore(S(answer), S("16000:101"), out, sizeof(out),
							  &changed);
	assert_int_equal(changed, 0);
	assert_string_equal(out, answer);
	/* target taken by another format: left alone */
	n = webrtc_sdp_te_restore(S(answer), S("16000:96"), out, sizeof(out),
							  &changed);
	assert_int_equal(changed, 0);
	assert_string_equal(out, answer);
	/* bad maps */
	assert_int_equal(webrtc_sdp_te_restore(S(answer), S("16000"), out,
										   sizeof(out), NULL),
					 -1);
	assert_int_equal(webrtc_sdp_te_restore(S(answer), S("16000:98;"), out,
										   sizeof(out), NULL),
					 -1);
	assert_int_equal(webrtc_sdp_te_restore(S(answer), S("1:300"), out,
										   sizeof(out), NULL),
					 -1);
	(void)n;
}

static void test_te_changed(void **state)
{
	char out[WEBRTC_TE_MAP_MAX];

	(void)state;
	/* 16000 renumbered 98 -> 101; 8000 unchanged */
	assert_int_equal(webrtc_te_changed(S("16000:98,8000:126"),
									   S("16000:101,8000:126"), out,
									   sizeof(out)),
					 9);
	assert_string_equal(out, "16000:101");
	/* nothing renumbered, a rate not offered, a number offered elsewhere */
	assert_int_equal(
			webrtc_te_changed(S("16000:98"), S("16000:98"), out, sizeof(out)),
			0);
	assert_int_equal(
			webrtc_te_changed(S("16000:98"), S("48000:110"), out, sizeof(out)),
			0);
	assert_int_equal(webrtc_te_changed(S("16000:98,8000:101"), S("16000:101"),
									   out, sizeof(out)),
					 0);
	/* malformed maps, small buffer */
	assert_int_equal(
			webrtc_te_changed(S("16000"), S("16000:1"), out, sizeof(out)), -1);
	assert_int_equal(webrtc_te_changed(S("1:2"), S("1:x"), out, sizeof(out)),
					 -1);
	assert_int_equal(webrtc_te_changed(S("16000:98"), S("16000:101"), out, 4),
					 -1);
}

static void test_te_inject(void **state)
{
	const char boffer[] = "v=0\r\n"
						  "m=audio 9 UDP/TLS/RTP/SAVPF 111 110\r\n"
						  "a=rtpmap:111 opus/48000/2\r\n"
						  "a=rtpmap:110 telephone-event/48000\r\n"
						  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
						  "a=rtpmap:96 VP8/90000\r\n";
	char out[1024];
	int added = -1, n;

	(void)state;
	n = webrtc_te_inject(S(boffer), S("16000:101,8000:110"), out, sizeof(out),
						 &added);
	assert_true(n > 0);
	assert_int_equal(added, 1); /* 110 is taken */
	assert_non_null(strstr(out, "m=audio 9 UDP/TLS/RTP/SAVPF 111 110 101\r\n"));
	assert_non_null(strstr(out, "a=rtpmap:110 telephone-event/48000\r\n"
								"a=rtpmap:101 telephone-event/16000\r\n"
								"a=fmtp:101 0-15\r\n"
								"m=video"));
	assert_null(strstr(out, "telephone-event/8000"));
	/* last section, LF line ends, no final line end */
	n = webrtc_te_inject(S("v=0\nm=audio 4 RTP/AVP 0\na=x"), S("8000:101"), out,
						 sizeof(out), &added);
	assert_true(n > 0);
	assert_string_equal(out, "v=0\nm=audio 4 RTP/AVP 0 101\na=x\n"
							 "a=rtpmap:101 telephone-event/8000\n"
							 "a=fmtp:101 0-15\n");
	/* no audio section, bad map, small buffer */
	assert_int_equal(webrtc_te_inject(S("v=0\r\nm=video 9 RTP/AVP 96\r\n"),
									  S("8000:101"), out, sizeof(out), NULL),
					 -1);
	assert_int_equal(
			webrtc_te_inject(S(boffer), S("8000:"), out, sizeof(out), NULL),
			-1);
	assert_int_equal(webrtc_te_inject(S(boffer), S("16000:101"), out, 40, NULL),
					 -1);
}

/* a Chromium audio+video offer (formats shortened) */
static const char av_offer[] =
		"v=0\r\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=rtpmap:126 telephone-event/8000\r\n"
		"m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 98 45 108 109 "
		"116\r\n"
		"a=mid:1\r\n"
		"a=rtpmap:96 VP8/90000\r\n"
		"a=rtcp-fb:96 nack\r\n"
		"a=rtpmap:97 rtx/90000\r\n"
		"a=fmtp:97 apt=96\r\n"
		"a=rtpmap:102 H264/90000\r\n"
		"a=rtcp-fb:102 nack pli\r\n"
		"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;"
		"profile-level-id=42001f\r\n"
		"a=rtpmap:103 rtx/90000\r\n"
		"a=fmtp:103 apt=102\r\n"
		"a=rtpmap:104 h264/90000\r\n"
		"a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;"
		"profile-level-id=42001f\r\n"
		"a=rtpmap:105 H264/90000\r\n"
		"a=fmtp:105 profile-level-id=42e01f; Packetization-Mode=1\r\n"
		"a=rtpmap:98 VP9/90000\r\n"
		"a=fmtp:98 profile-id=0\r\n"
		"a=rtpmap:45 AV1/90000\r\n"
		"a=rtpmap:108 red/90000\r\n"
		"a=rtpmap:109 ulpfec/90000\r\n"
		"a=rtpmap:116 H264/90000\r\n"
		"a=rtcp-fb:* transport-cc\r\n"
		"a=sendrecv\r\n";

static void test_h264_only(void **state)
{
	char out[2048];
	int removed = -1, n;

	(void)state;
	n = webrtc_sdp_h264_only(S(av_offer), out, sizeof(out), &removed);
	assert_true(n > 0 && (size_t)n < sizeof(av_offer));
	assert_int_equal(removed, 9);
	/* audio untouched, video: the two mode 1 H.264 formats */
	assert_non_null(strstr(out, "m=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n"
								"a=rtpmap:111 opus/48000/2\r\n"
								"a=rtpmap:126 telephone-event/8000\r\n"));
	assert_non_null(strstr(out, "m=video 9 UDP/TLS/RTP/SAVPF 102 105\r\n"
								"a=mid:1\r\n"
								"a=rtpmap:102 H264/90000\r\n"
								"a=rtcp-fb:102 nack pli\r\n"));
	assert_non_null(strstr(out, "a=fmtp:105 profile-level-id=42e01f; "
								"Packetization-Mode=1\r\n"
								"a=rtcp-fb:* transport-cc\r\n"
								"a=sendrecv\r\n"));
	assert_null(strstr(out, "VP8"));
	assert_null(strstr(out, "VP9"));
	assert_null(strstr(out, "AV1"));
	assert_null(strstr(out, "rtx"));
	assert_null(strstr(out, "red/"));
	assert_null(strstr(out, "ulpfec"));
	assert_null(strstr(out, ":104"));
	assert_null(strstr(out, ":116")); /* no fmtp: mode 0 */
	/* already clean: the same text */
	assert_int_equal(
			webrtc_sdp_h264_only(out, (size_t)n, out + 1024, 1024, &removed),
			n);
	assert_int_equal(removed, 0);
	assert_string_equal(out + 1024, out);
	/* too small */
	assert_int_equal(webrtc_sdp_h264_only(S(av_offer), out, 100, NULL), -1);
}

static void test_h264_only_none_left(void **state)
{
	const char vp8[] = "v=0\nm=video 5000 RTP/AVPF 96 97\n"
					   "a=rtpmap:96 VP8/90000\na=rtpmap:97 rtx/90000\n"
					   "a=fmtp:97 apt=96\nm=audio 4000 RTP/AVP 0\n"
					   "m=video 6000 RTP/AVP 99\n"
					   "a=rtpmap:99 H264/90000\n"
					   "a=fmtp:99 packetization-mode=1";
	char out[512];
	int removed = -1;

	(void)state;
	assert_true(webrtc_sdp_h264_only(S(vp8), out, sizeof(out), &removed) > 0);
	assert_int_equal(removed, 1);
	/* disabled: port 0, the first format; the last section is kept whole */
	assert_string_equal(out, "v=0\nm=video 0 RTP/AVPF 96\n"
							 "a=rtpmap:96 VP8/90000\n"
							 "m=audio 4000 RTP/AVP 0\n"
							 "m=video 6000 RTP/AVP 99\n"
							 "a=rtpmap:99 H264/90000\n"
							 "a=fmtp:99 packetization-mode=1");
	/* not RTP, malformed m= lines: copied */
	assert_true(webrtc_sdp_h264_only(S("m=video 9 TCP/BFCP *\nm=video 9\n"),
									 out, sizeof(out), &removed) > 0);
	assert_string_equal(out, "m=video 9 TCP/BFCP *\nm=video 9\n");
	assert_int_equal(removed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_clean_to_ims),
			cmocka_unit_test(test_clean_to_browser),
			cmocka_unit_test(test_clean_avpf_per_media),
			cmocka_unit_test(test_clean_avp_untouched),
			cmocka_unit_test(test_te_map),
			cmocka_unit_test(test_te_restore),
			cmocka_unit_test(test_te_changed),
			cmocka_unit_test(test_te_inject),
			cmocka_unit_test(test_h264_only),
			cmocka_unit_test(test_h264_only_none_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
