/*
 * probe_audio.h - the audio the probe sends and how it knows it again:
 * the codecs it speaks (PCMA, Opus), a table of Opus frames of a steady
 * tone encoded once per run (a call sends its tone's frames in a loop, so
 * hundreds of calls cost no encoder time), and the tone check of a
 * returned Opus frame: decode it and measure the share of its power at
 * the call's tone frequency (Goertzel). A tone survives transcoding (Opus
 * -> PCMA -> Opus), where the bytes do not.
 *
 * Links libopus; no global state.
 */
#ifndef IWG_PROBE_AUDIO_H
#define IWG_PROBE_AUDIO_H

#include <stddef.h>
#include <stdint.h>

typedef enum probe_codec {
	PROBE_CODEC_PCMA = 0,
	PROBE_CODEC_OPUS,
} probe_codec;

#define PROBE_TONES		  16  /* tone frequencies: 500..2000 Hz */
#define PROBE_TONE_FRAMES 50  /* 1 s loop of 20 ms frames */
#define PROBE_OPUS_MAX	  256 /* bytes of one encoded frame, at most */

/* SDP encoding name of c ("PCMA", "opus") */
const char *probe_codec_name(probe_codec c);

/* RTP clock rate of c (8000, 48000) */
unsigned probe_codec_rate(probe_codec c);

/* the codec with SDP encoding name name (case-insensitive): 0, or -1 */
int probe_codec_by_name(const char *name, probe_codec *out);

/* tone of a stream key: 500..2000 Hz in 100 Hz steps (whole periods in
 * every 20 ms frame) */
unsigned probe_tone_hz(uint32_t key);

typedef struct probe_opus_frames {
	uint16_t len[PROBE_TONES][PROBE_TONE_FRAMES];
	uint8_t data[PROBE_TONES][PROBE_TONE_FRAMES][PROBE_OPUS_MAX];
} probe_opus_frames;

/*
 * Encode every tone's loop (48 kHz mono, 32 kbit/s CBR, VoIP mode).
 * Returns the table (free with probe_opus_frames_free()), or NULL with a
 * message in err[0..errsz).
 */
probe_opus_frames *probe_opus_frames_new(char *err, size_t errsz);
void probe_opus_frames_free(probe_opus_frames *t);

/* frame number idx of the tone of key; *len gets its length */
const uint8_t *probe_opus_frame(const probe_opus_frames *t, uint32_t key,
								uint32_t idx, size_t *len);

/*
 * Share (0..1) of the power of pcm[0..n) at hz, sample rate rate: 1 for a
 * pure tone of hz over whole periods, near 0 for another tone. Pure.
 */
double probe_tone_share(const int16_t *pcm, size_t n, unsigned rate,
						unsigned hz);

/* Decoder state of one received Opus stream (8 kHz is enough for the
 * tones). */
typedef struct probe_tone_check probe_tone_check;

/* NULL when out of memory or libopus fails */
probe_tone_check *probe_tone_check_new(void);
void probe_tone_check_free(probe_tone_check *t);

typedef enum probe_tone_result {
	PROBE_TONE_SILENT = -1, /* silence, comfort noise or not decodable */
	PROBE_TONE_OTHER = 0,	/* sound, but not the tone hz */
	PROBE_TONE_MATCH = 1,	/* at least half of the power at hz */
} probe_tone_result;

/* Decode one Opus packet and check it for the tone hz. */
probe_tone_result probe_tone_check_frame(probe_tone_check *t,
										 const uint8_t *pkt, size_t len,
										 unsigned hz);

#endif
