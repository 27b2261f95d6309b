/*
 * Unit tests of iwg-probe's audio (tools/probe/probe_audio.c):
 * codec names, the tone power share, the Opus tone table and the tone
 * check of decoded frames.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/probe/probe_audio.h"

static void tone(int16_t *pcm, size_t n, unsigned rate, double hz)
{
	size_t i;

	for (i = 0; i < n; i++)
		pcm[i] =
				(int16_t)(8000.0 * sin(2 * M_PI * hz * (double)i / rate + 0.3));
}

static void test_codec_names(void **state)
{
	probe_codec c;

	(void)state;
	assert_int_equal(probe_codec_by_name("OPUS", &c), 0);
	assert_int_equal(c, PROBE_CODEC_OPUS);
	assert_int_equal(probe_codec_rate(c), 48000);
	assert_string_equal(probe_codec_name(c), "opus");
	assert_int_equal(probe_codec_by_name("pcma", &c), 0);
	assert_int_equal(c, PROBE_CODEC_PCMA);
	assert_int_equal(probe_codec_rate(c), 8000);
	assert_int_equal(probe_codec_by_name("AMR-WB", &c), -1);
}

static void test_tone_hz_range(void **state)
{
	uint32_t k;

	(void)state;
	for (k = 0; k < 64; k++) {
		unsigned hz = probe_tone_hz(k);
		assert_true(hz >= 500 && hz <= 2000);
		/* whole periods in a 20 ms frame */
		assert_int_equal(hz % 50, 0);
	}
	assert_int_not_equal(probe_tone_hz(0), probe_tone_hz(1));
}

static void test_share_pure_and_other(void **state)
{
	int16_t pcm[160], silence[160];

	(void)state;
	tone(pcm, 160, 8000, 1000);
	assert_true(probe_tone_share(pcm, 160, 8000, 1000) > 0.95);
	assert_true(probe_tone_share(pcm, 160, 8000, 1100) < 0.05);
	assert_true(probe_tone_share(pcm, 160, 8000, 500) < 0.05);
	memset(silence, 0, sizeof(silence));
	assert_true(probe_tone_share(silence, 160, 8000, 1000) == 0);
	assert_true(probe_tone_share(pcm, 0, 8000, 1000) == 0);
}

/* every frame of the loop decodes to its tone, and not to the next one;
 * the loop wraps without a click the check would notice */
static void test_opus_table_decodes_to_its_tone(void **state)
{
	char err[128];
	probe_opus_frames *t = probe_opus_frames_new(err, sizeof(err));
	uint32_t key, idx;

	(void)state;
	assert_non_null(t);
	for (key = 0; key < PROBE_TONES; key += 5) {
		probe_tone_check *chk = probe_tone_check_new();
		unsigned hz = probe_tone_hz(key), match = 0;
		assert_non_null(chk);
		for (idx = 0; idx < 3 * PROBE_TONE_FRAMES; idx++) {
			size_t len;
			const uint8_t *f = probe_opus_frame(t, key, idx, &len);
			assert_true(len > 10 && len <= PROBE_OPUS_MAX);
			match +=
					probe_tone_check_frame(chk, f, len, hz) == PROBE_TONE_MATCH;
		}
		/* the decoder's first frame may be its start-up */
		assert_true(match >= 3 * PROBE_TONE_FRAMES - 1);
		probe_tone_check_free(chk);

		chk = probe_tone_check_new();
		match = 0;
		for (idx = 0; idx < PROBE_TONE_FRAMES; idx++) {
			size_t len;
			const uint8_t *f = probe_opus_frame(t, key, idx, &len);
			probe_tone_result r = probe_tone_check_frame(chk, f, len, hz + 100);
			assert_int_not_equal(r, PROBE_TONE_MATCH);
		}
		probe_tone_check_free(chk);
	}
	probe_opus_frames_free(t);
}

static void test_check_garbage_and_silence(void **state)
{
	probe_tone_check *chk = probe_tone_check_new();
	uint8_t junk[40];

	(void)state;
	assert_non_null(chk);
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(probe_tone_check_frame(chk, junk, 0, 1000),
					 PROBE_TONE_SILENT);
	/* a code 3 packet with an impossible frame count is not decodable */
	assert_int_equal(probe_tone_check_frame(chk, junk, sizeof(junk), 1000),
					 PROBE_TONE_SILENT);
	probe_tone_check_free(chk);
	probe_tone_check_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_codec_names),
			cmocka_unit_test(test_tone_hz_range),
			cmocka_unit_test(test_share_pure_and_other),
			cmocka_unit_test(test_opus_table_decodes_to_its_tone),
			cmocka_unit_test(test_check_garbage_and_silence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
