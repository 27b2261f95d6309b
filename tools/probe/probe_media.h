/*
 * probe_media.h - one media leg of the probe on one UDP socket: ICE
 * connectivity checks on the host candidate, DTLS-SRTP (active role),
 * SRTP/SRTCP, a 20 ms stream (A-law with tagged payloads, or Opus frames
 * of the call's tone, probe_audio.h), and receive statistics. A plain leg
 * (webrtc = 0) sends and receives RTP without ICE or crypto; a reflector leg
 * sends every RTP packet back to where it came from (the SIP-side echo peer of
 * NG mode).
 *
 * Times are CLOCK_MONOTONIC microseconds (probe_now_us()).
 */
#ifndef IWG_PROBE_MEDIA_H
#define IWG_PROBE_MEDIA_H

#include <stdint.h>
#include <netinet/in.h>

#include "probe_audio.h"
#include "probe_dtls.h"
#include "probe_rtp.h"
#include "probe_sdp.h"
#include "probe_srtp.h"

#define PROBE_FRAME_US 20000

typedef enum probe_media_state {
	PROBE_MEDIA_IDLE = 0, /* no remote yet */
	PROBE_MEDIA_ICE,	  /* connectivity checks */
	PROBE_MEDIA_DTLS,	  /* handshake */
	PROBE_MEDIA_UP,		  /* SRTP (or plain RTP) flowing */
	PROBE_MEDIA_FAILED,
} probe_media_state;

typedef struct probe_media {
	int fd;
	uint16_t port;
	int webrtc;
	int reflector;
	probe_media_state state;
	struct sockaddr_in remote;
	/* ICE */
	char ufrag[9], pwd[25];
	char rufrag[257], rpwd[257];
	uint64_t tiebreaker;
	int controlling;
	uint8_t txid[12];
	int64_t next_check_us;
	unsigned checks;
	int64_t t_ice_start, t_ice_done;
	/* DTLS-SRTP */
	probe_dtls_ctx *dctx;
	probe_dtls *dtls;
	uint8_t rfp[64];
	size_t rfp_len;
	int64_t t_dtls_start, t_dtls_done, next_dtls_tick_us;
	probe_srtp srtp;
	int srtp_ready;
	/* sending */
	int sending;
	int pt;
	probe_codec codec;
	unsigned rate; /* RTP clock of codec */
	const probe_opus_frames *opus;
	probe_tone_check *tone; /* Opus echo check, NULL: off */
	uint32_t ssrc, ts, key, idx;
	uint16_t seq;
	int64_t next_send_us;
	/* counters */
	uint64_t sent, received, echo_match, echo_mismatch, echo_silent,
			srtp_errors, rtcp_received, stun_bad, reflected;
	int64_t t_first_rx;
	probe_rtp_stats stats;
	char err[160];
} probe_media;

/* monotonic clock in microseconds */
int64_t probe_now_us(void);

/* fill n bytes of ICE-safe random characters (a-z, A-Z, 0-9) */
void probe_random_chars(char *out, size_t n);

/*
 * Open the leg's UDP socket on local_ip, port chosen by the kernel.
 * webrtc: ICE + DTLS-SRTP (dctx needed); reflector: plain echo.
 * Returns 0, or -1 with m->err set.
 */
int probe_media_open(probe_media *m, const char *local_ip, int webrtc,
					 int reflector, probe_dtls_ctx *dctx);

/*
 * Send codec with payload type pt (default after open: PCMA, 8). Opus
 * needs the frame table opus (not owned; outlives m); check_tone: decode
 * every returned Opus frame and count it in echo_match (the call's tone),
 * echo_mismatch (another sound) or echo_silent. PCMA is always checked
 * byte for byte. Returns 0, or -1 with m->err set.
 */
int probe_media_set_codec(probe_media *m, probe_codec codec, int pt,
						  const probe_opus_frames *opus, int check_tone);

/* Close the socket and free DTLS/SRTP state. */
void probe_media_close(probe_media *m);

/*
 * Take the peer's SDP: its address (first UDP host candidate of component
 * 1, else c=/m=), ICE credentials and fingerprint. controlling: this side
 * nominates (it made the offer). Starts ICE (or goes straight to UP for a
 * plain leg). Returns 0, or -1 with m->err set.
 */
int probe_media_set_remote(probe_media *m, const probe_sdp_remote *r,
						   int controlling, int64_t now);

/* Read and handle every pending datagram. */
void probe_media_on_readable(probe_media *m, int64_t now);

/* Retransmit checks, drive DTLS timers, send due RTP frames. */
void probe_media_tick(probe_media *m, int64_t now);

/* Start / stop the 20 ms stream (when the leg is UP). */
void probe_media_start_sending(probe_media *m, int64_t now);
void probe_media_stop_sending(probe_media *m);

/* Fill the local SDP description of this leg (strings owned by m/dctx). */
void probe_media_local_sdp(probe_media *m, probe_sdp_local *l,
						   const char *local_ip, const probe_sdp_codec *codecs,
						   size_t n);

#endif
