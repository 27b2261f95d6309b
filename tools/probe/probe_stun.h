/*
 * probe_stun.h - STUN messages for ICE connectivity checks (RFC 5389,
 * RFC 8445): binding requests and responses with USERNAME, PRIORITY,
 * USE-CANDIDATE, ICE-CONTROLLING/-CONTROLLED, XOR-MAPPED-ADDRESS,
 * ERROR-CODE, MESSAGE-INTEGRITY (HMAC-SHA1, short-term credentials) and
 * FINGERPRINT (CRC-32).
 *
 * Pure C (OpenSSL's HMAC only); no global state.
 */
#ifndef IWG_PROBE_STUN_H
#define IWG_PROBE_STUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PROBE_STUN_HDR	 20
#define PROBE_STUN_MAGIC 0x2112A442u

/* message types */
#define PROBE_STUN_BINDING_REQ 0x0001
#define PROBE_STUN_BINDING_OK  0x0101
#define PROBE_STUN_BINDING_ERR 0x0111
#define PROBE_STUN_BINDING_IND 0x0011

/* attribute types */
#define PROBE_STUN_A_USERNAME		 0x0006
#define PROBE_STUN_A_INTEGRITY		 0x0008
#define PROBE_STUN_A_ERROR_CODE		 0x0009
#define PROBE_STUN_A_XOR_MAPPED		 0x0020
#define PROBE_STUN_A_PRIORITY		 0x0024
#define PROBE_STUN_A_USE_CANDIDATE	 0x0025
#define PROBE_STUN_A_FINGERPRINT	 0x8028
#define PROBE_STUN_A_ICE_CONTROLLED	 0x8029
#define PROBE_STUN_A_ICE_CONTROLLING 0x802A

/*
 * A parsed message. Pointers (username, error_reason) point into the
 * buffer given to probe_stun_parse() and live as long as it does.
 */
typedef struct probe_stun_msg {
	uint16_t type;
	uint8_t txid[12];
	size_t len; /* total length: header + attributes */
	const char *username;
	size_t username_len;
	int has_priority;
	uint32_t priority;
	int use_candidate;
	int has_controlling, has_controlled;
	uint64_t tiebreaker;
	int has_xor_mapped;
	struct sockaddr_storage mapped; /* AF_INET or AF_INET6 */
	int error_code;					/* 0 when absent */
	const char *error_reason;
	size_t error_reason_len;
	long integrity_off;	  /* offset of MESSAGE-INTEGRITY, -1 if absent */
	long fingerprint_off; /* offset of FINGERPRINT, -1 if absent */
} probe_stun_msg;

/*
 * 1 when buf[0..len) looks like a STUN message (RFC 7983 demultiplexing:
 * first byte 0..3, magic cookie, length consistent), else 0.
 */
int probe_stun_is_stun(const uint8_t *buf, size_t len);

/*
 * Parse buf[0..len) into *m. Checks the header, every attribute's bounds
 * and padding, that FINGERPRINT is last and correct, that nothing but
 * FINGERPRINT follows MESSAGE-INTEGRITY. Returns 0, or -1 when the
 * message is malformed (then *m is undefined).
 */
int probe_stun_parse(const uint8_t *buf, size_t len, probe_stun_msg *m);

/*
 * Check the MESSAGE-INTEGRITY of a parsed message with a short-term
 * credential key[0..keylen) (the ICE password). Returns 1 when present and
 * valid, 0 otherwise.
 */
int probe_stun_check_integrity(const uint8_t *buf, const probe_stun_msg *m,
							   const void *key, size_t keylen);

/* CRC-32 (ISO-HDLC, as used by FINGERPRINT before the XOR) */
uint32_t probe_stun_crc32(const uint8_t *buf, size_t len);

/*
 * Builder: writes into caller memory. Errors are sticky (err = 1 when the
 * buffer is too small or attributes come in a wrong order); check once with
 * probe_stun_finish().
 */
typedef struct probe_stun_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
	int sealed; /* integrity or fingerprint added */
} probe_stun_builder;

/* Start a message of type with the 12-byte transaction id. */
void probe_stun_begin(probe_stun_builder *b, uint8_t *buf, size_t cap,
					  uint16_t type, const uint8_t txid[12]);
/* Append one attribute (value padded to 4 bytes with zeros). */
void probe_stun_add(probe_stun_builder *b, uint16_t type, const void *val,
					size_t len);
void probe_stun_add_u32(probe_stun_builder *b, uint16_t type, uint32_t v);
void probe_stun_add_u64(probe_stun_builder *b, uint16_t type, uint64_t v);
/* XOR-MAPPED-ADDRESS of an AF_INET / AF_INET6 address */
void probe_stun_add_xor_addr(probe_stun_builder *b,
							 const struct sockaddr *addr);
void probe_stun_add_error(probe_stun_builder *b, int code, const char *reason);
/* MESSAGE-INTEGRITY with HMAC-SHA1 over the message so far */
void probe_stun_add_integrity(probe_stun_builder *b, const void *key,
							  size_t keylen);
/* FINGERPRINT: must be the last attribute */
void probe_stun_add_fingerprint(probe_stun_builder *b);
/* Returns the message length, or -1 after an error. */
long probe_stun_finish(probe_stun_builder *b);

#endif
