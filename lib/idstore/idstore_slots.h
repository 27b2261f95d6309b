/*
 * idstore_slots.h - Redis Cluster key slots and the slot map: the CRC16 of
 * a key (or of its hash tag) and the parser of a CLUSTER SLOTS reply.
 * Pure C on hiredis's reply type (no connection here).
 *
 * A key's slot is CRC16(key) mod 16384, CRC16 being the XMODEM variant
 * (polynomial 0x1021, initial 0); when the key holds a '{' followed later
 * by a '}' with at least one byte between them, only the bytes between the
 * first '{' and the first '}' after it are hashed (the hash tag), so keys
 * sharing a tag share a slot (Redis Cluster specification).
 */
#ifndef IWG_IDSTORE_SLOTS_H
#define IWG_IDSTORE_SLOTS_H

#include <stddef.h>
#include <stdint.h>

struct redisReply;

#define IDS_SLOTS	  16384
#define IDS_NODES_MAX 64   /* masters in one slot map */
#define IDS_NODE_ADDR 64   /* "host:port", "[v6]:port" */
#define IDS_SLOT_NONE 0xff /* slot served by no known master */

/* CRC16 (XMODEM) of buf[0..len). */
uint16_t ids_crc16(const char *buf, size_t len);

/* The cluster slot (0..16383) of key[0..len), hash tags honoured. */
int ids_key_slot(const char *key, size_t len);

/* which master serves each slot */
typedef struct ids_slotmap {
	int nnodes;
	char node[IDS_NODES_MAX][IDS_NODE_ADDR]; /* masters, "host:port" */
	uint8_t slot[IDS_SLOTS]; /* index into node[], or IDS_SLOT_NONE */
} ids_slotmap_t;

/*
 * Fill *m from a CLUSTER SLOTS reply r: an array of [start, end, [host,
 * port, ...], replica...] entries. Only masters (the first address of an
 * entry) are kept, each once. A host that is empty or "?" (the server does
 * not know its own address) is replaced by asked_host, the host the reply
 * came from (NULL: such entries are an error). IPv6 hosts are bracketed.
 * Slots in no entry stay IDS_SLOT_NONE. Returns the number of slots
 * covered (0..16384), or -1 with the reason in err[0..errsz) when the
 * reply is malformed (not an array, a bad range, an entry without a
 * master, more than IDS_NODES_MAX masters, an address too long). Nothing is
 * kept from r; *m is fully rewritten either way.
 */
int ids_slotmap_parse(const struct redisReply *r, const char *asked_host,
					  ids_slotmap_t *m, char *err, size_t errsz);

/* The index of addr in m->node, or -1. */
int ids_slotmap_find(const ids_slotmap_t *m, const char *addr);

/*
 * Parse a redirect error reply, "MOVED <slot> <host>:<port>" or "ASK <slot>
 * <host>:<port>" (an IPv6 host is not bracketed there; the last ':' ends
 * it), into *slot and addr, "host:port" or "[v6]:port", NUL-terminated, at
 * most addrsz - 1 bytes. An empty host (the server does not know its
 * address) becomes asked_host (NULL: malformed). Returns 1 for MOVED, 2
 * for ASK, 0 when msg is neither or is malformed (*slot and addr are then
 * unspecified).
 */
int ids_redirect_parse(const char *msg, size_t len, const char *asked_host,
					   int *slot, char *addr, size_t addrsz);

/*
 * Join host and port into "host:port" ("[host]:port" when host holds a
 * ':') in addr[0..addrsz). Returns 0, or -1 when it does not fit or host
 * is empty.
 */
int ids_addr_join(char *addr, size_t addrsz, const char *host, size_t hostlen,
				  long port);

#endif
