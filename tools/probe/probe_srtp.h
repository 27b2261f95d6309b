/*
 * probe_srtp.h - SRTP and SRTCP for one DTLS-SRTP association, with
 * libsrtp2, keyed from the DTLS exporter (RFC 5764 section 4.2).
 *
 * Profile: SRTP_AES128_CM_HMAC_SHA1_80. Call probe_srtp_global_init() once
 * per process before the first session.
 */
#ifndef IWG_PROBE_SRTP_H
#define IWG_PROBE_SRTP_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_SRTP_KEY	16
#define PROBE_SRTP_SALT 14
/* exporter output: client key, server key, client salt, server salt */
#define PROBE_SRTP_MATERIAL (2 * (PROBE_SRTP_KEY + PROBE_SRTP_SALT))
/* bytes an SRTP/SRTCP packet grows by (tag, SRTCP index) */
#define PROBE_SRTP_OVERHEAD 16

typedef struct probe_srtp {
	void *tx_; /* srtp_t */
	void *rx_;
} probe_srtp;

/* libsrtp2 initialisation; returns 0 or -1. Idempotent. */
int probe_srtp_global_init(void);

/*
 * Create the two contexts from the exporter material: the DTLS client
 * sends with the client key and salt and receives with the server's, the
 * server the reverse. Returns 0, or -1 (nothing to free).
 */
int probe_srtp_init(probe_srtp *s, const uint8_t material[PROBE_SRTP_MATERIAL],
					int is_client);

/*
 * Create a session from explicit 30-byte master key+salt per direction
 * (tests, SDES). Returns 0 or -1.
 */
int probe_srtp_init_keys(
		probe_srtp *s,
		const uint8_t tx_key_salt[PROBE_SRTP_KEY + PROBE_SRTP_SALT],
		const uint8_t rx_key_salt[PROBE_SRTP_KEY + PROBE_SRTP_SALT]);

/* Free the contexts (a zeroed or freed session is fine). */
void probe_srtp_free(probe_srtp *s);

/*
 * Protect in place: buf holds *len bytes of RTP/RTCP and has room for
 * *len + PROBE_SRTP_OVERHEAD; *len is updated. Returns 0 or -1.
 */
int probe_srtp_protect(probe_srtp *s, uint8_t *buf, size_t *len);
int probe_srtp_protect_rtcp(probe_srtp *s, uint8_t *buf, size_t *len);

/*
 * Unprotect in place (authentication and replay checked); *len is
 * updated. Returns 0, or -1 when the packet is not authentic or replayed.
 */
int probe_srtp_unprotect(probe_srtp *s, uint8_t *buf, size_t *len);
int probe_srtp_unprotect_rtcp(probe_srtp *s, uint8_t *buf, size_t *len);

#endif
