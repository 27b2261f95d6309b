/*
 * test_media_profile.c - media profile file parser and the rtpengine
 * flag vocabulary (lib/media/media_profile.c, media_flags.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "media/media_flags.h"
#include "media/media_profile.h"

/* ---------------------------------------------------------------- helpers */

static mprof_set_t *parse_ok(const char *text)
{
	mprof_set_t *set = NULL;
	mprof_err_t err;

	if (mprof_parse(text, strlen(text), "t.conf", &set, &err) < 0) {
		print_error("unexpected parse error: %s\n", err.errstr);
		fail();
	}
	assert_non_null(set);
	return set;
}

/* the text must be rejected with code and an errstr containing every
 * string of want[] (NULL-terminated) */
static void parse_fails(const char *text, int code, const char *const *want)
{
	mprof_set_t *set = (mprof_set_t *)1;
	mprof_err_t err;

	if (mprof_parse(text, strlen(text), "t.conf", &set, &err) == 0) {
		print_error("input accepted but must fail:\n%s\n", text);
		mprof_set_free(set);
		fail();
	}
	assert_null(set);
	for (; *want; want++) {
		if (!strstr(err.errstr, *want) || err.code != code) {
			print_error("expected code %d and \"%s\" in \"%s\" (code %d)\n",
						code, *want, err.errstr, err.code);
			fail();
		}
	}
}

static const char *flags_of(const mprof_set_t *set, const char *name)
{
	int i = mprof_find(set, name, strlen(name));
	if (i < 0) {
		print_error("profile %s not found\n", name);
		fail();
	}
	return mprof_flags(set, (unsigned)i);
}

static mflags_status_t st(const char *tok)
{
	return mflags_check(tok, strlen(tok), NULL);
}

/* ---------------------------------------------------------------- flags */

static void vocabulary_table_is_sorted_and_unique(void **state)
{
	(void)state;
	assert_true(mflags_count() > 100);
	for (size_t i = 1; i < mflags_count(); i++) {
		if (strcmp(mflags_name(i - 1), mflags_name(i)) >= 0) {
			print_error("table out of order at %zu: '%s' >= '%s'\n", i,
						mflags_name(i - 1), mflags_name(i));
			fail();
		}
	}
	assert_null(mflags_name(mflags_count()));
}

static void known_flags_of_every_spelling_are_accepted(void **state)
{
	static const char *const good[] = {
			"ICE=remove",
			"ICE=force",
			"ICE=force-relay",
			"ICE=optional",
			"ICE-lite=forward",
			"RTP/AVP",
			"RTP/SAVPF",
			"UDP/TLS/RTP/SAVPF",
			"UDP/TLS/RTP/SAVP",
			"RTP",
			"SRTP",
			"AVPF",
			"DTLS",
			"DTLS=off",
			"DTLS=passive",
			"DTLS=no",
			"DTLS-reverse=active",
			"DTLS-fingerprint=sha-256",
			"SDES-off",
			"SDES-pad",
			"SDES-no-AES_CM_128_HMAC_SHA1_32",
			"SDES-unencrypted_srtp",
			"SDES=off",
			"pad-crypto",
			"rtcp-mux-demux",
			"rtcp-mux-offer",
			"rtcp-mux-require",
			"rtcp-mux-accept",
			"rtcp-mux-reject",
			"rtcp-mux=demux",
			"replace-origin",
			"replace-session-connection",
			"replace-zero-address",
			"trust-address",
			"symmetric",
			"asymmetric",
			"strict-source",
			"media-handover",
			"port-latching",
			"record-call",
			"record-call=on",
			"loop-protect",
			"always-transcode",
			"all",
			"generate-mid",
			"strip-extmap",
			"full-rtcp-attribute",
			"no-rtcp-attribute",
			"original-sendrecv",
			"direction=internal",
			"internal",
			"external",
			"codec-mask-all",
			"codec-strip-all",
			"codec-transcode-PCMA",
			"codec-offer-opus",
			"codec-except-PCMU",
			"codec-accept-PCMA",
			"codec-consume-CN",
			"codec-set-opus/48000/2",
			"codec-strip=PCMU",
			"transcode-G722",
			"codec-transcode-AMR-WB/16000/1/23850//"
			"mode-set--0,1,2;mode-change-capability--2;max-red--0",
			"T.38=decode",
			"T38-force",
			"T.38-no-ECM",
			"ptime=20",
			"ptime-reverse=30",
			"via-branch=auto",
			"via-branch=2",
			"address-family=IP6",
			"media-address=192.0.2.1",
			"xmlrpc-callback=127.0.0.1",
			"TOS=184",
			"delete-delay=0",
			"label=caller",
			"set-label=x",
			"from-label=a",
			"to-label=b",
			"OSRTP-offer",
			"OSRTP-accept",
			"endpoint-learning-heuristic",
			"repacketize=30",
			"to-tag",
			"from-tag=abc",
			"force-answer",
			"transport-protocol=RTP/AVP",
			"media-echo=both",
			"DTMF-security=silence",
			"generate-RTCP=on",
			"passthrough=off",
			NULL};
	(void)state;
	for (const char *const *t = good; *t; t++) {
		mflags_res_t res;
		if (mflags_check(*t, strlen(*t), &res) != MFLAGS_OK) {
			print_error("'%s' rejected: %s\n", *t,
						mflags_status_str(res.status));
			fail();
		}
	}
}

static void typos_and_misuse_are_rejected_with_the_right_reason(void **state)
{
	(void)state;
	assert_int_equal(st("full-rtcp-attributes"), MFLAGS_UNKNOWN);
	/* rtpengine knows the lower-case dictionary key too */
	assert_int_equal(st("ice=remove"), MFLAGS_OK);
	assert_int_equal(st("ICE=remov"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("ICE"), MFLAGS_NEED_VALUE);
	assert_int_equal(st("ptime=abc"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("ptime"), MFLAGS_NEED_VALUE);
	assert_int_equal(st("trust-address=yes"), MFLAGS_NO_VALUE);
	assert_int_equal(st("RTP/AVP=1"), MFLAGS_NO_VALUE);
	assert_int_equal(st("codec-mask-"), MFLAGS_NEED_SUFFIX);
	assert_int_equal(st("codec-mask"), MFLAGS_NEED_SUFFIX);
	assert_int_equal(st("replace-origin=1"), MFLAGS_NO_VALUE);
	assert_int_equal(st("replace-orign"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("rtcp-mux-demx"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("SDES-no-AES_FOO"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("DTLS=of"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("codec-accept=PCMA"), MFLAGS_NO_VALUE);
	assert_int_equal(st("endpoint-learning=off"), MFLAGS_NO_VALUE);
	assert_int_equal(st("RTP/AVPX"), MFLAGS_UNKNOWN);
	assert_int_equal(st("rtp/avp"), MFLAGS_UNKNOWN);
	assert_int_equal(st("via-branch=3"), MFLAGS_BAD_VALUE);
	assert_int_equal(st("=x"), MFLAGS_UNKNOWN);
}

static void pseudo_variables_are_dynamic(void **state)
{
	(void)state;
	assert_int_equal(st("$var(x)"), MFLAGS_DYNAMIC);
	assert_int_equal(st("$avp(flags)"), MFLAGS_DYNAMIC);
	assert_int_equal(st("ICE=$var(ice)"), MFLAGS_DYNAMIC);
	assert_int_equal(st("codec-mask-$avp(c)"), MFLAGS_DYNAMIC);
	assert_int_equal(st("from-tag=$ft"), MFLAGS_DYNAMIC);
	/* the key must still exist when only the value is dynamic */
	assert_int_equal(st("ICX=$var(ice)"), MFLAGS_UNKNOWN);
	/* a lone '$' is not a pseudo-variable */
	assert_int_equal(st("label=$"), MFLAGS_OK);
}

static void close_typos_get_a_hint(void **state)
{
	static const char *const pairs[][2] = {
			{"full-rtcp-attributes", "full-rtcp-attribute"},
			{"ICE=remov", "ICE=remove"},
			{"DTLS=pasive", "DTLS=passive"},
			{"rtcp-mux-demx", "rtcp-mux-demux"},
			{"replace-session-conection", "replace-session-connection"},
			{"codec-transcod-PCMA", "codec-transcode-PCMA"},
			{"UDP/TLS/RTP/SAVFP", "UDP/TLS/RTP/SAVPF"},
			{"trust-adress", "trust-address"},
			{"SDES-of", "SDES-off"}};
	char out[160];
	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int r = mflags_suggest(pairs[i][0], strlen(pairs[i][0]), out,
							   sizeof(out));
		if (!r || strcmp(out, pairs[i][1])) {
			print_error("hint for '%s': got '%s', want '%s'\n", pairs[i][0],
						out, pairs[i][1]);
			fail();
		}
	}
	assert_int_equal(mflags_suggest("zzzzzzzzzzzzzzzzzz", 18, out, 160), 0);
	assert_string_equal(out, "");
}

/* ---------------------------------------------------------------- parser */

static void profiles_join_lines_with_single_spaces(void **state)
{
	mprof_set_t *set = parse_ok("# header comment\n"
								"\n"
								"[b-offer]   # trailing comment\n"
								"  ICE=remove\t RTP/AVP   # note\n"
								"\r\n"
								"rtcp-mux-demux\r\n"
								"[a.answer]\n"
								"ICE=force\n"
								"[empty]\n");
	(void)state;
	assert_int_equal(set->count, 3);
	/* sorted by name */
	assert_string_equal(mprof_name(set, 0), "a.answer");
	assert_string_equal(mprof_name(set, 1), "b-offer");
	assert_string_equal(mprof_name(set, 2), "empty");
	assert_string_equal(flags_of(set, "b-offer"),
						"ICE=remove RTP/AVP rtcp-mux-demux");
	assert_string_equal(flags_of(set, "a.answer"), "ICE=force");
	assert_string_equal(flags_of(set, "empty"), "");
	assert_int_equal(set->prof[mprof_find(set, "b-offer", 7)].line, 3);
	assert_int_equal(set->prof[mprof_find(set, "b-offer", 7)].ntokens, 3);
	assert_int_equal(mprof_find(set, "b-offe", 6), -1);
	assert_int_equal(mprof_find(set, "nope", 4), -1);
	assert_null(mprof_name(set, 3));
	mprof_set_free(set);
}

static void unknown_flag_reports_file_line_column_token_and_hint(void **state)
{
	static const char *const w1[] = {
			"t.conf:3:12: ", "unknown rtpengine flag", "'full-rtcp-attributes'",
			"did you mean 'full-rtcp-attribute'", NULL};
	static const char *const w2[] = {"t.conf:2:16: ", "invalid value",
									 "'DTLS=passiv'", "DTLS=passive", NULL};
	(void)state;
	parse_fails("[p]\n"
				"ICE=force\n"
				"RTP/AVP    full-rtcp-attributes\n",
				MPROF_EFLAG, w1);
	/* a bad value points at the value */
	parse_fails("[p]\nICE=force DTLS=passiv\n", MPROF_EFLAG, w2);
}

static void duplicate_and_bad_names_are_errors(void **state)
{
	static const char *const dup[] = {"t.conf:3:2: ", "duplicate profile 'a'",
									  "first defined at line 1", NULL};
	static const char *const bad[] = {"t.conf:1:2: ", "invalid profile name",
									  NULL};
	static const char *const open[] = {"t.conf:1:1: ", "missing ']'", NULL};
	static const char *const after[] = {"unexpected text", NULL};
	static const char *const outside[] = {"t.conf:2:1: ", "outside a profile",
										  NULL};
	char name65[80], text[128];
	mprof_set_t *set;
	(void)state;

	parse_fails("[a]\nall\n[a]\n", MPROF_EDUP, dup);
	parse_fails("[a b]\n", MPROF_ESYNTAX, bad);
	parse_fails("[]\n", MPROF_ESYNTAX, bad);
	parse_fails("[a/b]\n", MPROF_ESYNTAX, bad);
	parse_fails("[abc\n", MPROF_ESYNTAX, open);
	parse_fails("[abc] all\n", MPROF_ESYNTAX, after);
	parse_fails("# c\nall\n[a]\n", MPROF_ESYNTAX, outside);

	memset(name65, 'n', 65);
	name65[65] = '\0';
	snprintf(text, sizeof(text), "[%s]\n", name65);
	parse_fails(text, MPROF_ESYNTAX, bad);
	snprintf(text, sizeof(text), "[%s]\nall\n", name65 + 1); /* 64: fine */
	set = parse_ok(text);
	assert_int_equal(set->count, 1);
	mprof_set_free(set);
}

static void includes_expand_in_place_in_any_order(void **state)
{
	mprof_set_t *set = parse_ok("[offer]\n"
								"ICE=remove @rewrite codec-mask-all\n"
								"[rewrite]\n"
								"replace-origin @conn\n"
								"[conn]\n"
								"replace-session-connection\n"
								"[nothing]\n"
								"[uses-nothing]\n"
								"all @nothing symmetric\n");
	(void)state;
	assert_string_equal(flags_of(set, "offer"),
						"ICE=remove replace-origin replace-session-connection "
						"codec-mask-all");
	assert_int_equal(set->prof[mprof_find(set, "offer", 5)].ntokens, 4);
	assert_string_equal(flags_of(set, "rewrite"),
						"replace-origin replace-session-connection");
	assert_string_equal(flags_of(set, "uses-nothing"), "all symmetric");
	mprof_set_free(set);
}

static void include_errors_name_the_place(void **state)
{
	static const char *const unknown[] = {
			"t.conf:2:5: ", "unknown profile '@nope'", NULL};
	static const char *const cycle[] = {"include cycle", NULL};
	static const char *const self[] = {"t.conf:2:1: ", "include cycle", NULL};
	static const char *const badname[] = {"invalid profile name in include",
										  NULL};
	(void)state;
	parse_fails("[a]\nall @nope\n", MPROF_EINCLUDE, unknown);
	parse_fails("[a]\n@b\n[b]\n@c\n[c]\n@a\n", MPROF_EINCLUDE, cycle);
	parse_fails("[a]\n@a\n", MPROF_EINCLUDE, self);
	parse_fails("[a]\n@\n", MPROF_ESYNTAX, badname);
	parse_fails("[a]\n@x/y\n", MPROF_ESYNTAX, badname);
}

static void expansion_is_bounded(void **state)
{
	/* each level doubles the previous one: 2^12 * 11 bytes > the limit */
	char text[4096];
	size_t n = 0;
	static const char *const lim[] = {"longer than", NULL};
	(void)state;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "[p0]\nsymmetric\n");
	for (int i = 1; i <= 12; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[p%d]\n@p%d @p%d\n",
							  i, i - 1, i - 1);
	parse_fails(text, MPROF_ELIMIT, lim);
}

static void pseudo_variable_tokens_are_kept_verbatim(void **state)
{
	static const char *const unterminated[] = {
			"t.conf:2:5: ", "unterminated pseudo-variable", NULL};
	mprof_set_t *set = parse_ok("[dyn]\n"
								"ICE=$var(ice)  $(avp(x){s.select,0, })\n"
								"codec-mask-$avp(c) RTP/AVP\n"
								"[static]\nall\n");
	int i;
	(void)state;
	assert_string_equal(
			flags_of(set, "dyn"),
			"ICE=$var(ice) $(avp(x){s.select,0, }) codec-mask-$avp(c) "
			"RTP/AVP");
	i = mprof_find(set, "dyn", 3);
	assert_int_equal(set->prof[i].dynamic, 1);
	assert_int_equal(set->prof[i].ntokens, 4);
	assert_int_equal(set->prof[mprof_find(set, "static", 6)].dynamic, 0);
	mprof_set_free(set);
	parse_fails("[a]\nall $var(x\n", MPROF_ESYNTAX, unterminated);
}

static void bad_bytes_are_rejected(void **state)
{
	static const char *const nul[] = {"t.conf:2:4: ", "NUL byte", NULL};
	static const char *const ctl[] = {"t.conf:2:4: ", "invalid character",
									  NULL};
	mprof_set_t *set = (mprof_set_t *)1;
	mprof_err_t err;
	(void)state;
	assert_int_equal(mprof_parse("[a]\nall\0x\n", 10, "t.conf", &set, &err),
					 -1);
	for (const char *const *w = nul; *w; w++)
		assert_non_null(strstr(err.errstr, *w));
	parse_fails("[a]\nall\x01x\n", MPROF_ESYNTAX, ctl);
	parse_fails("[a]\nall\xc3\xa9\n", MPROF_ESYNTAX, ctl);
	/* non-ASCII in a comment is fine */
	set = parse_ok("# caf\xc3\xa9\n[a]\nall # \xc3\xa9t\xc3\xa9\n");
	mprof_set_free(set);
}

static void set_is_one_relocatable_block(void **state)
{
	mprof_set_t *set = parse_ok("[z]\nall\n[a]\nICE=force @z\n[m]\n");
	mprof_set_t *copy = malloc(set->size);
	(void)state;
	assert_non_null(copy);
	memcpy(copy, set, set->size);
	memset(set, 0xa5, set->size); /* the copy must not point into it */
	mprof_set_free(set);
	assert_int_equal(copy->count, 3);
	assert_int_equal(copy->size % 8, 0);
	assert_string_equal(flags_of(copy, "a"), "ICE=force all");
	assert_string_equal(flags_of(copy, "z"), "all");
	assert_string_equal(flags_of(copy, "m"), "");
	free(copy);
}

static void empty_input_is_an_empty_set(void **state)
{
	mprof_set_t *set = parse_ok("");
	(void)state;
	assert_int_equal(set->count, 0);
	assert_int_equal(mprof_find(set, "a", 1), -1);
	mprof_set_free(set);
	set = parse_ok("# only comments\n\n   \n");
	assert_int_equal(set->count, 0);
	mprof_set_free(set);
}

static void missing_file_names_the_path(void **state)
{
	mprof_set_t *set = (mprof_set_t *)1;
	mprof_err_t err;
	(void)state;
	assert_int_equal(mprof_load_file("/nonexistent/iwg/p.conf", &set, &err),
					 -1);
	assert_null(set);
	assert_int_equal(err.code, MPROF_EIO);
	assert_non_null(strstr(err.errstr, "/nonexistent/iwg/p.conf: cannot open"));
	assert_int_equal(mprof_load_file("/", &set, &err), -1);
	assert_int_equal(err.code, MPROF_EIO);
}

static void shipped_profiles_load_with_the_expected_flags(void **state)
{
	const char *top = getenv("IWG_TOP");
	char path[4096];
	mprof_set_t *set = NULL;
	mprof_err_t err;
	(void)state;

	snprintf(path, sizeof(path),
			 "%s/rtpengine-ext/profiles/media-profiles.conf", top ? top : ".");
	if (access(path, R_OK) != 0) {
		print_message("# %s not found (set IWG_TOP)\n", path);
		skip();
	}
	if (mprof_load_file(path, &set, &err) < 0) {
		print_error("%s\n", err.errstr);
		fail();
	}
	assert_string_equal(
			flags_of(set, "sip-answer-to-browser"),
			"ICE=force UDP/TLS/RTP/SAVPF rtcp-mux-require DTLS=passive "
			"SDES-off replace-origin replace-session-connection");
	assert_string_equal(flags_of(set, "browser-answer-to-sip"),
						"ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off "
						"replace-origin replace-session-connection");
	assert_non_null(
			strstr(flags_of(set, "browser-offer-to-sip"),
				   "ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off "
				   "replace-origin replace-session-connection"));
	assert_non_null(
			strstr(flags_of(set, "sip-offer-to-browser"),
				   "ICE=force UDP/TLS/RTP/SAVPF rtcp-mux-offer DTLS=passive"));
	mprof_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(vocabulary_table_is_sorted_and_unique),
			cmocka_unit_test(known_flags_of_every_spelling_are_accepted),
			cmocka_unit_test(
					typos_and_misuse_are_rejected_with_the_right_reason),
			cmocka_unit_test(pseudo_variables_are_dynamic),
			cmocka_unit_test(close_typos_get_a_hint),
			cmocka_unit_test(profiles_join_lines_with_single_spaces),
			cmocka_unit_test(
					unknown_flag_reports_file_line_column_token_and_hint),
			cmocka_unit_test(duplicate_and_bad_names_are_errors),
			cmocka_unit_test(includes_expand_in_place_in_any_order),
			cmocka_unit_test(include_errors_name_the_place),
			cmocka_unit_test(expansion_is_bounded),
			cmocka_unit_test(pseudo_variable_tokens_are_kept_verbatim),
			cmocka_unit_test(bad_bytes_are_rejected),
			cmocka_unit_test(set_is_one_relocatable_block),
			cmocka_unit_test(empty_input_is_an_empty_set),
			cmocka_unit_test(missing_file_names_the_path),
			cmocka_unit_test(shipped_profiles_load_with_the_expected_flags),
	};
	return cmocka_run_group_tests_name("media_profile", tests, NULL, NULL);
}
