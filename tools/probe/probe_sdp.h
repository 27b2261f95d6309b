/*
 * probe_sdp.h - the SDP subset a WebRTC audio endpoint needs: build an
 * offer or answer with one audio stream (ICE credentials and host
 * candidate, DTLS fingerprint and setup role, rtcp-mux, codecs) and parse
 * the first audio stream of the peer's SDP.
 *
 * Pure C; no global state.
 */
#ifndef IWG_PROBE_SDP_H
#define IWG_PROBE_SDP_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_SDP_MAX_CODECS 16
#define PROBE_SDP_MAX_CANDS	 8

typedef struct probe_sdp_codec {
	int pt;			/* payload type 0..127 */
	char name[32];	/* encoding name, e.g. "PCMA", "opus" */
	unsigned rate;	/* clock rate */
	unsigned chans; /* channels, 1 when not given */
	char fmtp[128]; /* a=fmtp parameters, "" when none */
} probe_sdp_codec;

/* DTLS role (a=setup) */
typedef enum probe_sdp_setup {
	PROBE_SETUP_NONE = 0,
	PROBE_SETUP_ACTPASS,
	PROBE_SETUP_ACTIVE,
	PROBE_SETUP_PASSIVE,
	PROBE_SETUP_HOLDCONN,
} probe_sdp_setup;

/* What the probe announces. */
typedef struct probe_sdp_local {
	const char *ip; /* IPv4 literal */
	uint16_t port;
	uint64_t sess_id;
	unsigned sess_ver;
	int webrtc; /* 1: UDP/TLS/RTP/SAVPF with ICE and DTLS; 0: RTP/AVP */
	const char *ice_ufrag, *ice_pwd;
	const char *fingerprint; /* "sha-256 AB:CD:..." */
	probe_sdp_setup setup;
	const probe_sdp_codec *codecs;
	size_t ncodecs;
	int ptime; /* ms, 0: none */
} probe_sdp_local;

typedef struct probe_sdp_cand {
	unsigned component;
	char transport[8]; /* "UDP" */
	uint32_t priority;
	char ip[64];
	uint16_t port;
	char type[8]; /* "host", "srflx", ... */
} probe_sdp_cand;

/* What the peer announced for its first audio stream. */
typedef struct probe_sdp_remote {
	char ip[64]; /* connection address (media-level overrides session) */
	uint16_t port;
	char proto[32];
	probe_sdp_codec codecs[PROBE_SDP_MAX_CODECS];
	size_t ncodecs; /* in m= line order */
	char ice_ufrag[257], ice_pwd[257];
	int ice_lite;
	probe_sdp_cand cands[PROBE_SDP_MAX_CANDS];
	size_t ncands;
	char fp_alg[16]; /* "sha-256" */
	uint8_t fp[64];
	size_t fp_len;
	probe_sdp_setup setup;
	int rtcp_mux;
	int sendrecv; /* 1 sendrecv (default), 0 other direction */
} probe_sdp_remote;

/*
 * Write the SDP for l into out[0..outsz), NUL-terminated, CRLF line ends.
 * Returns its length, or -1 when it does not fit or l is invalid (no
 * codecs, webrtc without credentials or fingerprint).
 */
long probe_sdp_build(const probe_sdp_local *l, char *out, size_t outsz);

/*
 * Parse sdp[0..len) (LF or CRLF line ends) and fill *r from the session
 * level and the first m=audio section. Static payload types without an
 * rtpmap (0 PCMU, 8 PCMA, 9 G722) get their names. Returns 0, or -1 with a
 * message "line N: why" in err[0..errsz) when the SDP is malformed or has
 * no audio stream.
 */
int probe_sdp_parse(const char *sdp, size_t len, probe_sdp_remote *r, char *err,
					size_t errsz);

/* The codec with payload type pt in r, or NULL. */
const probe_sdp_codec *probe_sdp_find_pt(const probe_sdp_remote *r, int pt);

/* The first codec named name (case-insensitive) in r, or NULL. */
const probe_sdp_codec *probe_sdp_find_codec(const probe_sdp_remote *r,
											const char *name);

/*
 * Parse an "AB:CD:..." fingerprint into out[0..outsz). Returns the number
 * of bytes, or -1 when malformed.
 */
int probe_sdp_parse_fp(const char *s, size_t len, uint8_t *out, size_t outsz);

#endif
