/*
 * test_sdp_line.c - lines and words of an SDP body (lib/sdp)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sdp/sdp_line.h"

/* every line end counts: CRLF, LF, CR; empty lines come back empty; the
 * last line needs no end */
static void test_lines_and_their_ends(void **state)
{
	const char *t = "v=0\r\nm=audio 1 RTP/AVP 8\na=x\r\r\na=y";
	size_t pos = 0, len = strlen(t);
	sdp_line l;
	static const struct {
		const char *text;
		size_t full;
	} want[] = {{"v=0", 5},
				{"m=audio 1 RTP/AVP 8", 20},
				{"a=x", 4},
				{"", 2},
				{"a=y", 3}};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(sdp_line_next(t, len, &pos, &l), 1);
		assert_int_equal(l.len, strlen(want[i].text));
		assert_memory_equal(l.s, want[i].text, l.len);
		assert_int_equal(l.full, want[i].full);
	}
	assert_int_equal(pos, len);
	assert_int_equal(sdp_line_next(t, len, &pos, &l), 0);
	pos = 0;
	assert_int_equal(sdp_line_next(t, 0, &pos, &l), 0);
}

/* the length bounds the text: no NUL needed, nothing read past it */
static void test_length_bounds_the_text(void **state)
{
	const char t[] = {'a', '=', 'b', '\r'};
	size_t pos = 0;
	sdp_line l;

	(void)state;
	assert_int_equal(sdp_line_next(t, sizeof(t), &pos, &l), 1);
	assert_int_equal(l.len, 3);
	assert_int_equal(l.full, 4);
	assert_int_equal(sdp_line_next(t, sizeof(t), &pos, &l), 0);
}

static sdp_line line_of(const char *s)
{
	sdp_line l = {s, strlen(s), strlen(s)};
	return l;
}

static void test_prefix_and_attribute(void **state)
{
	sdp_line a = line_of("a=ssrc-group:FID 1 2"), b = line_of("a=ssrc:1 x"),
			 c = line_of("a=recvonly"), d = line_of("a=");

	(void)state;
	assert_int_equal(sdp_line_starts(&a, "a=ssrc"), 1);
	assert_int_equal(sdp_line_starts(&d, "a=ssrc"), 0);
	assert_int_equal(sdp_line_is_attr(&a, "ssrc"), 0);
	assert_int_equal(sdp_line_is_attr(&a, "ssrc-group"), 1);
	assert_int_equal(sdp_line_is_attr(&b, "ssrc"), 1);
	assert_int_equal(sdp_line_is_attr(&c, "recvonly"), 1);
	assert_int_equal(sdp_line_is_attr(&c, "recv"), 0);
}

/* runs of spaces are one separator; max bounds what is stored */
static void test_words(void **state)
{
	sdp_line l = line_of("m=audio  4000 RTP/AVP 8  101 ");
	size_t off[8], wl[8];
	int n;

	(void)state;
	n = sdp_line_words(&l, 0, off, wl, 8);
	assert_int_equal(n, 5);
	assert_int_equal(off[0], 0);
	assert_int_equal(wl[0], 7);
	assert_int_equal(off[1], 9);
	assert_int_equal(wl[1], 4);
	assert_memory_equal(l.s + off[4], "101", 3);
	assert_int_equal(wl[4], 3);
	assert_int_equal(sdp_line_words(&l, 0, off, wl, 2), 2);
	assert_int_equal(sdp_line_words(&l, 14, off, wl, 8), 3);
	assert_int_equal(off[0], 14);
	assert_int_equal(sdp_line_words(&l, l.len, off, wl, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_lines_and_their_ends),
			cmocka_unit_test(test_length_bounds_the_text),
			cmocka_unit_test(test_prefix_and_attribute),
			cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
