/*
 * probe_dtls.h - DTLS-SRTP handshakes with OpenSSL over memory BIOs, so
 * the caller owns the UDP socket (ICE, RTP and DTLS share it).
 *
 * One probe_dtls_ctx per process holds a fresh self-signed ECDSA P-256
 * certificate; its SHA-256 fingerprint goes into the SDP.
 */
#ifndef IWG_PROBE_DTLS_H
#define IWG_PROBE_DTLS_H

#include <stddef.h>
#include <stdint.h>

#include "probe_srtp.h"

typedef struct probe_dtls_ctx probe_dtls_ctx;
typedef struct probe_dtls probe_dtls;

/*
 * Make the context and its certificate. Returns NULL with a reason in
 * err[0..errsz) on failure. Free with probe_dtls_ctx_free().
 */
probe_dtls_ctx *probe_dtls_ctx_new(char *err, size_t errsz);
void probe_dtls_ctx_free(probe_dtls_ctx *c);

/* "sha-256 AB:CD:..." of the context's certificate (owned by c) */
const char *probe_dtls_fingerprint(const probe_dtls_ctx *c);

/*
 * One association: active = 1 for the DTLS client (a=setup:active).
 * expect_fp[0..fp_len) is the SHA-256 fingerprint the peer announced;
 * the handshake fails when its certificate does not match.
 * Returns NULL when out of memory.
 */
probe_dtls *probe_dtls_new(probe_dtls_ctx *c, int active,
						   const uint8_t *expect_fp, size_t fp_len);
void probe_dtls_free(probe_dtls *d);

/* Hand a received DTLS datagram to OpenSSL. Returns 0 or -1. */
int probe_dtls_input(probe_dtls *d, const uint8_t *buf, size_t len);

/*
 * Advance the handshake (call after input, at start and on timeouts).
 * Returns 1 when complete, 0 while in progress, -1 on failure (reason in
 * probe_dtls_error()).
 */
int probe_dtls_step(probe_dtls *d);

/*
 * Take what OpenSSL wants sent: all pending records as one datagram in
 * out[0..cap). Returns its length, 0 when nothing is pending.
 */
size_t probe_dtls_output(probe_dtls *d, uint8_t *out, size_t cap);

/* Drive DTLS retransmission timers; call every few ms. */
void probe_dtls_tick(probe_dtls *d);

/*
 * After completion: check that SRTP_AES128_CM_SHA1_80 was negotiated and
 * export the keying material. Returns 0 or -1.
 */
int probe_dtls_export(probe_dtls *d, uint8_t out[PROBE_SRTP_MATERIAL]);

/* Why the handshake failed ("" when it did not). */
const char *probe_dtls_error(const probe_dtls *d);

#endif
