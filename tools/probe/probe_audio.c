/*
 * probe_audio.c - codecs, the Opus tone table and the tone check (see
 * probe_audio.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <opus/opus.h>

#include "probe_audio.h"

#define OPUS_RATE	 48000
#define OPUS_FRAME	 960 /* 20 ms at 48 kHz */
#define OPUS_BITRATE 32000
#define CHECK_RATE	 8000
#define CHECK_MAX	 960 /* 120 ms at 8 kHz, the longest Opus packet */
#define TONE_AMPL	 8000.0
#define SILENCE_RMS	 64.0
#define MATCH_SHARE	 0.5

const char *probe_codec_name(probe_codec c)
{
	return c == PROBE_CODEC_OPUS ? "opus" : "PCMA";
}

unsigned probe_codec_rate(probe_codec c)
{
	return c == PROBE_CODEC_OPUS ? OPUS_RATE : 8000;
}

int probe_codec_by_name(const char *name, probe_codec *out)
{
	if (!strcasecmp(name, "PCMA"))
		*out = PROBE_CODEC_PCMA;
	else if (!strcasecmp(name, "opus"))
		*out = PROBE_CODEC_OPUS;
	else
		return -1;
	return 0;
}

unsigned probe_tone_hz(uint32_t key)
{
	return 500 + 100 * (key % PROBE_TONES);
}

probe_opus_frames *probe_opus_frames_new(char *err, size_t errsz)
{
	probe_opus_frames *t = calloc(1, sizeof(*t));
	OpusEncoder *enc = NULL;
	opus_int16 pcm[OPUS_FRAME];
	int e, tone, f, i;

	if (!t) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (tone = 0; tone < PROBE_TONES; tone++) {
		double hz = 500 + 100 * tone;
		enc = opus_encoder_create(OPUS_RATE, 1, OPUS_APPLICATION_VOIP, &e);
		if (!enc || opus_encoder_ctl(enc, OPUS_SET_BITRATE(OPUS_BITRATE)) ||
			opus_encoder_ctl(enc, OPUS_SET_VBR(0))) {
			snprintf(err, errsz, "Opus encoder: %s", opus_strerror(e));
			goto err;
		}
		/* encode the loop twice and keep the second pass: its first frame
		 * follows the last one without the encoder's start-up */
		for (f = 0; f < 2 * PROBE_TONE_FRAMES; f++) {
			int fi = f % PROBE_TONE_FRAMES, n;
			for (i = 0; i < OPUS_FRAME; i++) {
				double s = (double)(fi * OPUS_FRAME + i) / OPUS_RATE;
				pcm[i] = (opus_int16)(TONE_AMPL * sin(2 * M_PI * hz * s));
			}
			n = opus_encode(enc, pcm, OPUS_FRAME, t->data[tone][fi],
							PROBE_OPUS_MAX);
			if (n < 0) {
				snprintf(err, errsz, "Opus encode: %s", opus_strerror(n));
				goto err;
			}
			t->len[tone][fi] = (uint16_t)n;
		}
		opus_encoder_destroy(enc);
		enc = NULL;
	}
	return t;
err:
	opus_encoder_destroy(enc);
	free(t);
	return NULL;
}

void probe_opus_frames_free(probe_opus_frames *t)
{
	free(t);
}

const uint8_t *probe_opus_frame(const probe_opus_frames *t, uint32_t key,
								uint32_t idx, size_t *len)
{
	unsigned tone = key % PROBE_TONES, f = idx % PROBE_TONE_FRAMES;

	*len = t->len[tone][f];
	return t->data[tone][f];
}

double probe_tone_share(const int16_t *pcm, size_t n, unsigned rate,
						unsigned hz)
{
	double w, coeff, s0, s1 = 0, s2 = 0, energy = 0, power;
	size_t i;

	if (!n || !rate)
		return 0;
	w = 2 * M_PI * (double)hz / rate;
	coeff = 2 * cos(w);
	for (i = 0; i < n; i++) {
		s0 = pcm[i] + coeff * s1 - s2;
		s2 = s1;
		s1 = s0;
		energy += (double)pcm[i] * pcm[i];
	}
	if (energy <= 0)
		return 0;
	/* |X(hz)|^2; a pure tone over whole periods gives energy * n / 2 */
	power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
	return 2 * power / ((double)n * energy);
}

struct probe_tone_check {
	OpusDecoder *dec;
};

probe_tone_check *probe_tone_check_new(void)
{
	probe_tone_check *t = calloc(1, sizeof(*t));
	int e;

	if (!t)
		return NULL;
	t->dec = opus_decoder_create(CHECK_RATE, 1, &e);
	if (!t->dec) {
		free(t);
		return NULL;
	}
	return t;
}

void probe_tone_check_free(probe_tone_check *t)
{
	if (!t)
		return;
	opus_decoder_destroy(t->dec);
	free(t);
}

probe_tone_result probe_tone_check_frame(probe_tone_check *t,
										 const uint8_t *pkt, size_t len,
										 unsigned hz)
{
	opus_int16 pcm[CHECK_MAX];
	double energy = 0;
	int n, i;

	if (!len || len > 1500)
		return PROBE_TONE_SILENT;
	n = opus_decode(t->dec, pkt, (opus_int32)len, pcm, CHECK_MAX, 0);
	if (n <= 0)
		return PROBE_TONE_SILENT;
	for (i = 0; i < n; i++)
		energy += (double)pcm[i] * pcm[i];
	if (sqrt(energy / n) < SILENCE_RMS)
		return PROBE_TONE_SILENT;
	return probe_tone_share(pcm, (size_t)n, CHECK_RATE, hz) >= MATCH_SHARE
				   ? PROBE_TONE_MATCH
				   : PROBE_TONE_OTHER;
}
