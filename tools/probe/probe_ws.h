/*
 * probe_ws.h - client side of RFC 6455 WebSocket: the opening handshake
 * (with a Sec-WebSocket-Protocol, "sip" here) and frame coding. Client
 * frames are masked; server frames must not be.
 *
 * Pure C (OpenSSL's SHA-1 and base64 for the accept key); no global state.
 */
#ifndef IWG_PROBE_WS_H
#define IWG_PROBE_WS_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_WS_OP_CONT  0x0
#define PROBE_WS_OP_TEXT  0x1
#define PROBE_WS_OP_BIN	  0x2
#define PROBE_WS_OP_CLOSE 0x8
#define PROBE_WS_OP_PING  0x9
#define PROBE_WS_OP_PONG  0xa

/* largest header of a client frame */
#define PROBE_WS_MAX_HDR 14

/*
 * Write the GET request of the opening handshake into out[0..outsz).
 * key is the base64 of 16 random bytes (24 characters). Returns the
 * length, or -1 when it does not fit.
 */
long probe_ws_handshake_request(char *out, size_t outsz, const char *host,
								const char *path, const char *key,
								const char *protocol);

/*
 * The Sec-WebSocket-Accept value for key: base64(SHA-1(key + GUID)),
 * written NUL-terminated to out (29 bytes). Returns 0 or -1.
 */
int probe_ws_accept_value(const char *key, char out[29]);

/*
 * Check the server's handshake response in buf[0..len). Returns the
 * length of the response head (through the empty line) when it is a
 * complete "101" with Upgrade: websocket, Connection: Upgrade, the right
 * Sec-WebSocket-Accept and protocol; 0 when the head is not complete yet;
 * -1 when it is refused or wrong (err[0..errsz) says why).
 */
long probe_ws_handshake_check(const char *buf, size_t len, const char *key,
							  const char *protocol, char *err, size_t errsz);

/*
 * Write one masked frame with FIN set into out[0..outsz). Returns the
 * frame length, or -1 when it does not fit.
 */
long probe_ws_frame_encode(int opcode, const void *payload, size_t len,
						   const uint8_t mask[4], uint8_t *out, size_t outsz);

typedef struct probe_ws_frame {
	int fin;
	int opcode;
	const uint8_t *payload; /* points into the decoded buffer */
	size_t len;
} probe_ws_frame;

/*
 * Decode one server frame at buf[0..len). Returns the bytes it takes (>0)
 * and fills *f; 0 when more bytes are needed; -1 when it violates RFC 6455
 * for a client (masked, reserved bits, unknown opcode, control frame
 * fragmented or over 125 bytes, length over max_len or not minimal).
 */
long probe_ws_frame_decode(const uint8_t *buf, size_t len, size_t max_len,
						   probe_ws_frame *f);

#endif
