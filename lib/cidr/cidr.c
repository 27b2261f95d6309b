/*
 * cidr.c - IPv4/IPv6 networks from text (cidr.h)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cidr/cidr.h"

/* longest "ADDRESS/BITS" text: an IPv6 address with an embedded IPv4
 * part, a slash and three digits */
#define CIDR_TEXT_MAX 64

static int cidr_fail(char *why, size_t whysz, const char *what, const char *s,
					 size_t len)
{
	if (why && whysz)
		snprintf(why, whysz, "'%.*s' %s", (int)(len > 80 ? 80 : len), s, what);
	return -1;
}

int cidr_parse(const char *s, size_t len, cidr_t *out, char *why, size_t whysz)
{
	char ip[CIDR_TEXT_MAX];
	const char *slash = memchr(s, '/', len);
	size_t n = slash ? (size_t)(slash - s) : len;
	size_t i;
	int bits = 0;

	if (n == 0 || n >= sizeof(ip))
		return cidr_fail(why, whysz, "is not an address or CIDR", s, len);
	memcpy(ip, s, n);
	ip[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, ip, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, ip, out->addr) == 1)
		out->family = 6;
	else
		return cidr_fail(why, whysz, "is not an address or CIDR", s, len);
	out->bits = out->family == 4 ? 32 : 128;
	if (!slash)
		return 0;
	if (len - n < 2 || len - n > 4)
		return cidr_fail(why, whysz, "has a bad prefix length", s, len);
	for (i = n + 1; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return cidr_fail(why, whysz, "has a bad prefix length", s, len);
		bits = bits * 10 + (s[i] - '0');
	}
	if (bits > out->bits)
		return cidr_fail(why, whysz, "has a bad prefix length", s, len);
	out->bits = bits;
	return 0;
}

int cidr_match(const cidr_t *k, const char *ip)
{
	unsigned char a[16];
	int fam, full, rest;

	if (!ip)
		return 0;
	if (inet_pton(AF_INET, ip, a) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, ip, a) == 1)
		fam = 6;
	else
		return 0;
	if (k->family != fam)
		return 0;
	full = k->bits / 8;
	rest = k->bits % 8;
	if (memcmp(a, k->addr, (size_t)full) != 0)
		return 0;
	if (rest &&
		((a[full] ^ k->addr[full]) & (unsigned char)(0xff << (8 - rest))))
		return 0;
	return 1;
}

int cidr_list_check(const char *list, size_t len, int min_bits4, int min_bits6,
					char *why, size_t whysz)
{
	size_t i = 0, start, end;
	int count = 0;
	cidr_t k;

	while (i <= len) {
		start = i;
		while (i < len && list[i] != ',')
			i++;
		end = i;
		while (start < end && (list[start] == ' ' || list[start] == '\t'))
			start++;
		while (end > start && (list[end - 1] == ' ' || list[end - 1] == '\t'))
			end--;
		if (cidr_parse(list + start, end - start, &k, why, whysz) < 0)
			return -1;
		if (k.bits < (k.family == 4 ? min_bits4 : min_bits6))
			return cidr_fail(why, whysz, "is too wide a network", list + start,
							 end - start);
		count++;
		i++;
	}
	return count;
}
