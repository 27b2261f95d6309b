/*
 * test_admind_diag.c - iwg-admind call diagnosis: directions read from an
 * NG query answer (written here as JSON, encoded to bencode as rtpengine
 * sends it), and the verdicts: ok, one_way naming the silent side, no
 * media, starting, unknown, on hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "../../admin/src/diag.h"

#define NOW 1767225600

/* an NG query answer: created at NOW - age; one medium per entry "TAG
 * PROTO TYPE PACKETS LAST FLAGS" (LAST: seconds before NOW; FLAGS:
 * rtpengine's "send,recv", "-" for none; TAG "-" for a leg without a tag
 * yet), entries of one tag being media of one leg */
static bencode_doc *query(int age, const char *const *legs, size_t n)
{
	char tag[64], proto[32], type[16], flags[32], *f;
	long long packets, last;
	struct json_object *q = json_object_new_object(), *tags, *leg, *medias;
	struct json_object *m, *fl, *streams, *st, *stats;
	bencode_buf b;
	bencode_doc *doc;
	size_t i;

	tags = json_object_new_object();
	json_object_object_add(q, "created", json_object_new_int64(NOW - age));
	json_object_object_add(q, "tags", tags);
	for (i = 0; i < n; i++) {
		sscanf(legs[i], "%63s %31s %15s %lld %lld %31s", tag, proto, type,
			   &packets, &last, flags);
		if (!strcmp(tag, "-"))
			tag[0] = '\0';
		if (!json_object_object_get_ex(tags, tag, &leg)) {
			leg = json_object_new_object();
			json_object_object_add(leg, "tag", json_object_new_string(tag));
			json_object_object_add(leg, "medias", json_object_new_array());
			json_object_object_add(tags, tag, leg);
		}
		json_object_object_get_ex(leg, "medias", &medias);
		m = json_object_new_object();
		json_object_object_add(m, "type", json_object_new_string(type));
		json_object_object_add(m, "protocol", json_object_new_string(proto));
		fl = json_object_new_array();
		for (f = strtok(flags, ","); f; f = strtok(NULL, ","))
			json_object_array_add(fl, json_object_new_string(f));
		json_object_object_add(m, "flags", fl);
		streams = json_object_new_array();
		st = json_tokener_parse(
				"{\"flags\":[\"RTCP\"],\"stats\":{\"packets\":3}}");
		json_object_array_add(streams, st);
		st = json_object_new_object();
		json_object_object_add(st, "flags", json_tokener_parse("[\"RTP\"]"));
		json_object_object_add(st, "last packet",
							   json_object_new_int64(NOW - last));
		stats = json_object_new_object();
		json_object_object_add(stats, "packets",
							   json_object_new_int64(packets));
		json_object_object_add(st, "stats", stats);
		json_object_array_add(streams, st);
		json_object_object_add(m, "streams", streams);
		json_object_array_add(medias, m);
	}
	bencode_buf_init(&b);
	bencode_put_json(&b, q);
	assert_int_equal(bencode_buf_finish(&b), 0);
	doc = bencode_decode(b.data, b.len, NULL);
	bencode_buf_free(&b);
	json_object_put(q);
	assert_int_equal(doc->err, 0);
	return doc;
}

static diag_call d;

static diag_verdict decide(int age, const char *const *legs, size_t n)
{
	bencode_doc *doc = query(age, legs, n);
	size_t got;

	memset(&d, 0, sizeof(d));
	d.now = NOW;
	d.quiet_s = 5;
	got = diag_from_query(&d, doc->root);
	bencode_doc_free(doc);
	assert_int_equal(got, n);
	diag_decide(&d);
	return d.verdict;
}

#define WEBRTC "UDP/TLS/RTP/SAVPF"
#define RTP	   "RTP/AVP"

static void reads_directions(void **state)
{
	const char *const legs[] = {"br " WEBRTC " audio 400 1 send,recv",
								"peer " RTP " audio 0 30 send,recv"};

	(void)state;
	decide(30, legs, 2);
	assert_string_equal(d.dir[0].tag, "br");
	assert_int_equal(d.dir[0].browser, 1);
	assert_int_equal(d.dir[0].packets, 400);
	assert_true(d.dir[0].age > 0.99 && d.dir[0].age < 1.01);
	assert_int_equal(d.dir[0].flowing, 1);
	assert_int_equal(d.dir[1].browser, 0);
	assert_int_equal(d.dir[1].packets, 0);
	assert_true(d.dir[1].age < 0); /* no packet: no age */
	assert_int_equal(d.dir[1].flowing, 0);
	assert_true(diag_is_browser("UDP/TLS/RTP/SAVP"));
	assert_false(diag_is_browser("RTP/SAVPF"));
	assert_false(diag_is_browser(NULL));
}

static void one_way_names_the_silent_sip_peer(void **state)
{
	const char *const legs[] = {"br " WEBRTC " audio 400 0 send,recv",
								"peer " RTP " audio 0 30 send,recv"};

	(void)state;
	assert_int_equal(decide(7, legs, 2), DIAG_ONE_WAY);
	assert_string_equal(d.message,
						"browser → gateway flowing, SIP peer → gateway "
						"nothing for 7 s: check the peer's media address or "
						"firewall");
	assert_string_equal(diag_verdict_name(d.verdict), "one_way");
}

static void one_way_names_the_silent_browser(void **state)
{
	/* the browser sent, then stopped 12 s ago */
	const char *const legs[] = {"br " WEBRTC " audio 100 12 send,recv",
								"peer " RTP " audio 900 0 send,recv"};

	(void)state;
	assert_int_equal(decide(60, legs, 2), DIAG_ONE_WAY);
	assert_non_null(strstr(d.message, "SIP peer → gateway flowing, browser "
									  "→ gateway nothing for 12 s: check the "
									  "browser's ICE and DTLS state"));
}

static void two_sip_peers_are_told_apart_by_tag(void **state)
{
	const char *const legs[] = {"a " RTP " audio 10 0 send,recv",
								"b " RTP " audio 0 0 send,recv"};

	(void)state;
	assert_int_equal(decide(9, legs, 2), DIAG_ONE_WAY);
	assert_non_null(strstr(d.message, "SIP peer (tag a) → gateway flowing, "
									  "SIP peer (tag b) → gateway nothing "
									  "for 9 s"));
}

static void other_verdicts(void **state)
{
	const char *const both[] = {"br " WEBRTC " audio 400 0 send,recv",
								"peer " RTP " audio 300 4 send,recv"};
	const char *const none[] = {"br " WEBRTC " audio 0 0 send,recv",
								"peer " RTP " audio 10 20 send,recv"};
	const char *const young[] = {"br " WEBRTC " audio 5 0 send,recv",
								 "peer " RTP " audio 0 0 send,recv"};
	/* the browser holds (sendonly: rtpengine only receives from it) and
	 * sends nothing (iwg.js stops its tracks); the peer answered recvonly */
	const char *const hold[] = {"br " WEBRTC " audio 400 30 recv",
								"peer " RTP " audio 300 60 send"};
	const char *const held[] = {"br " WEBRTC " audio 0 0 -",
								"peer " RTP " audio 0 60 -"};
	/* ringing: only the caller's leg, or the callee's without a tag */
	const char *const ringing[] = {"br " WEBRTC " audio 0 0 send,recv"};
	const char *const untagged[] = {"br " WEBRTC " audio 0 0 send,recv",
									"- " RTP " audio 0 0 send,recv"};

	(void)state;
	assert_int_equal(decide(60, both, 2), DIAG_OK);
	assert_int_equal(decide(60, none, 2), DIAG_NO_MEDIA);
	/* the quietest side sets the figure: the peer, 20 s */
	assert_non_null(strstr(d.message, "from any side for 20 s"));
	assert_int_equal(decide(2, young, 2), DIAG_STARTING);
	assert_non_null(strstr(d.message, "2 s old"));
	/* young but flowing both ways: ok at once */
	assert_int_equal(decide(2, both, 2), DIAG_OK);
	/* on hold, silence is expected whichever side is silent */
	assert_int_equal(decide(90, hold, 2), DIAG_OK);
	assert_non_null(strstr(d.message, "on hold"));
	assert_int_equal(decide(90, held, 2), DIAG_OK);
	assert_non_null(strstr(d.message, "on hold"));
	/* a call ringing for a minute is not silent */
	assert_int_equal(decide(60, ringing, 1), DIAG_STARTING);
	assert_non_null(strstr(d.message, "not answered"));
	assert_int_equal(decide(60, untagged, 2), DIAG_STARTING);
	assert_int_equal(decide(90, NULL, 0), DIAG_UNKNOWN);
	assert_string_equal(diag_verdict_name(DIAG_VERDICT_COUNT), "unknown");
}

/* audio decides; video one way does not make the call one_way */
static void audio_decides(void **state)
{
	const char *const legs[] = {"br " WEBRTC " audio 400 0 send,recv",
								"br " WEBRTC " video 400 0 send,recv",
								"peer " RTP " audio 300 0 send,recv",
								"peer " RTP " video 0 0 send,recv"};
	const char *const video_only[] = {"br " WEBRTC " video 400 0 send,recv",
									  "peer " RTP " video 0 0 send,recv"};

	(void)state;
	assert_int_equal(decide(60, legs, 4), DIAG_OK);
	assert_int_equal(d.dir[3].flowing, 0);
	assert_int_equal(decide(60, video_only, 2), DIAG_ONE_WAY);
}

/* a leg whose last packet is in the future (clock skew) is flowing */
static void clock_skew(void **state)
{
	const char *const legs[] = {"br " WEBRTC " audio 4 -3 send,recv",
								"peer " RTP " audio 4 -3 send,recv"};

	(void)state;
	assert_int_equal(decide(60, legs, 2), DIAG_OK);
	assert_true(d.dir[0].age == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(reads_directions),
			cmocka_unit_test(one_way_names_the_silent_sip_peer),
			cmocka_unit_test(one_way_names_the_silent_browser),
			cmocka_unit_test(two_sip_peers_are_told_apart_by_tag),
			cmocka_unit_test(other_verdicts),
			cmocka_unit_test(audio_decides),
			cmocka_unit_test(clock_skew),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
