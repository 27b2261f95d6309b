/*
 * probe_rtp.h - RTP packets of the probe: header write and parse, the
 * tagged test payload (so an echoed packet can be matched to the one
 * sent), G.711 A-law, and receive statistics (loss, RFC 3550 jitter).
 *
 * Pure C; no global state.
 */
#ifndef IWG_PROBE_RTP_H
#define IWG_PROBE_RTP_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_RTP_HDR 12

typedef struct probe_rtp_hdr {
	int marker;
	int pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	size_t hdr_len; /* incl. CSRCs and extension */
	size_t payload_len;
} probe_rtp_hdr;

/* 1 when the first byte says RTP/RTCP (RFC 7983: 128..191), else 0 */
int probe_rtp_is_rtp_or_rtcp(const uint8_t *buf, size_t len);

/* 1 when an RTP/RTCP packet is RTCP (payload type 64..95 with marker) */
int probe_rtp_is_rtcp(const uint8_t *buf, size_t len);

/* Write a 12-byte header at buf (room for PROBE_RTP_HDR bytes needed). */
void probe_rtp_write_hdr(uint8_t *buf, int marker, int pt, uint16_t seq,
						 uint32_t ts, uint32_t ssrc);

/*
 * Parse an RTP packet: version 2, CSRCs, extension and padding within
 * bounds. Returns 0, or -1 when malformed.
 */
int probe_rtp_parse(const uint8_t *buf, size_t len, probe_rtp_hdr *h);

/*
 * The test payload of frame number idx of a stream keyed by key:
 * bytes 0..3 = idx, 4..7 = key, the rest A-law samples of a 1 kHz tone
 * whose phase depends on idx. Writes len bytes (len >= 8).
 */
void probe_rtp_payload(uint8_t *out, size_t len, uint32_t key, uint32_t idx);

/*
 * 1 when payload[0..len) is exactly probe_rtp_payload(key, its own idx,
 * len); *idx (may be NULL) gets the frame number it carries.
 */
int probe_rtp_payload_match(const uint8_t *payload, size_t len, uint32_t key,
							uint32_t *idx);

/* G.711 A-law of one 16-bit linear sample */
uint8_t probe_alaw_encode(int16_t pcm);

/*
 * Receive statistics of one stream (RFC 3550 A.1 and A.8).
 */
typedef struct probe_rtp_stats {
	uint64_t received;
	int started;
	uint32_t base_seq, ext_max; /* extended sequence numbers */
	uint32_t ssrc;
	double jitter; /* in timestamp units */
	int32_t last_transit;
	int have_transit;
} probe_rtp_stats;

/*
 * Account one received packet: seq and ts from its header, arrival in
 * timestamp units of the same clock (e.g. microseconds * rate / 1e6).
 */
void probe_rtp_stats_add(probe_rtp_stats *s, uint16_t seq, uint32_t ts,
						 int64_t arrival_ts);

/* packets expected from the sequence numbers seen (0 before the first) */
uint64_t probe_rtp_stats_expected(const probe_rtp_stats *s);

#endif
