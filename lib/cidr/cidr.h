/*
 * cidr.h - IPv4/IPv6 addresses and networks ("10.0.0.0/8", "::1",
 * "192.0.2.7") parsed from text and matched against an address: the one
 * definition used by iwg_hdrmed's trusted networks and iwg_edge's cluster
 * nodes. Pure C, no allocation.
 */
#ifndef IWG_CIDR_H
#define IWG_CIDR_H

#include <stddef.h>

/* a network: family 4 or 6, the address bytes (4 or 16 used) and the
 * prefix length (32 or 128 for a single address) */
typedef struct cidr {
	int family;
	unsigned char addr[16];
	int bits;
} cidr_t;

/*
 * Parse "ADDRESS" or "ADDRESS/BITS" (len bytes of s, no NUL needed) into
 * *out. Returns 0, or -1 with the reason in why (NUL-terminated, at most
 * whysz bytes; may be NULL) when s is not an address, the prefix length
 * is not a number within the family's range, or s is too long.
 */
int cidr_parse(const char *s, size_t len, cidr_t *out, char *why, size_t whysz);

/*
 * 1 when the numeric address ip (NUL-terminated, IPv4 or IPv6 text) is
 * inside network k, 0 when it is not or ip is not an address.
 */
int cidr_match(const cidr_t *k, const char *ip);

/*
 * Check a list of networks separated by commas (blanks around items
 * allowed), as ipops' is_in_subnet() takes them. A network wider than
 * min_bits4 (IPv4) or min_bits6 (IPv6) prefix bits is refused (0: any
 * width). Returns the number of networks (>= 1), or -1 with the reason in
 * why (the item that failed, quoted) when an item is not a network, is too
 * wide, or the list is empty.
 */
int cidr_list_check(const char *list, size_t len, int min_bits4, int min_bits6,
					char *why, size_t whysz);

#endif
