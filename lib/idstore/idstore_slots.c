/*
 * idstore_slots.c - Redis Cluster key slots (CRC16 with hash tags), the
 * CLUSTER SLOTS parser and redirect (MOVED/ASK) parsing.
 */
#include "idstore/idstore_slots.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

uint16_t ids_crc16(const char *buf, size_t len)
{
	uint16_t crc = 0;
	size_t i;
	int b;
	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)((unsigned char)buf[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021)
								 : (uint16_t)(crc << 1);
	}
	return crc;
}

int ids_key_slot(const char *key, size_t len)
{
	const char *open = memchr(key, '{', len), *close;
	if (open) {
		size_t rest = len - (size_t)(open - key) - 1;
		close = memchr(open + 1, '}', rest);
		if (close && close > open + 1)
			return ids_crc16(open + 1, (size_t)(close - open - 1)) &
				   (IDS_SLOTS - 1);
	}
	return ids_crc16(key, len) & (IDS_SLOTS - 1);
}

int ids_addr_join(char *addr, size_t addrsz, const char *host, size_t hostlen,
				  long port)
{
	int n;
	if (hostlen == 0 || hostlen > 255 || port < 1 || port > 65535)
		return -1;
	n = snprintf(addr, addrsz,
				 memchr(host, ':', hostlen) ? "[%.*s]:%ld" : "%.*s:%ld",
				 (int)hostlen, host, port);
	return (n < 0 || (size_t)n >= addrsz) ? -1 : 0;
}

int ids_slotmap_find(const ids_slotmap_t *m, const char *addr)
{
	int i;
	for (i = 0; i < m->nnodes; i++)
		if (strcmp(m->node[i], addr) == 0)
			return i;
	return -1;
}

__attribute__((format(printf, 3, 4))) static int
slots_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errsz)
		vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* the "host:port" of a CLUSTER SLOTS node entry [host, port, ...] */
static int slots_node_addr(const redisReply *n, const char *asked_host,
						   char *addr, size_t addrsz)
{
	const char *host;
	size_t hl;
	if (n->type != REDIS_REPLY_ARRAY || n->elements < 2 ||
		n->element[0]->type != REDIS_REPLY_STRING ||
		n->element[1]->type != REDIS_REPLY_INTEGER)
		return -1;
	host = n->element[0]->str;
	hl = n->element[0]->len;
	if (hl == 0 || (hl == 1 && host[0] == '?')) {
		if (!asked_host)
			return -1;
		host = asked_host;
		hl = strlen(host);
	}
	if (memchr(host, '\0', hl))
		return -1;
	return ids_addr_join(addr, addrsz, host, hl, (long)n->element[1]->integer);
}

int ids_slotmap_parse(const redisReply *r, const char *asked_host,
					  ids_slotmap_t *m, char *err, size_t errsz)
{
	size_t i;
	long long s, lo, hi;
	int covered = 0, idx;
	char addr[IDS_NODE_ADDR];

	m->nnodes = 0;
	memset(m->slot, IDS_SLOT_NONE, sizeof(m->slot));
	if (!r || r->type != REDIS_REPLY_ARRAY)
		return slots_fail(err, errsz, "CLUSTER SLOTS: not an array");
	for (i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
			e->element[0]->type != REDIS_REPLY_INTEGER ||
			e->element[1]->type != REDIS_REPLY_INTEGER)
			return slots_fail(err, errsz, "CLUSTER SLOTS: entry %zu malformed",
							  i);
		lo = e->element[0]->integer;
		hi = e->element[1]->integer;
		if (lo < 0 || hi >= IDS_SLOTS || lo > hi)
			return slots_fail(err, errsz,
							  "CLUSTER SLOTS: entry %zu: bad range %lld-%lld",
							  i, lo, hi);
		if (slots_node_addr(e->element[2], asked_host, addr, sizeof(addr)) < 0)
			return slots_fail(err, errsz,
							  "CLUSTER SLOTS: entry %zu: bad master address",
							  i);
		if ((idx = ids_slotmap_find(m, addr)) < 0) {
			if (m->nnodes >= IDS_NODES_MAX)
				return slots_fail(err, errsz,
								  "CLUSTER SLOTS: more than %d masters",
								  IDS_NODES_MAX);
			idx = m->nnodes++;
			memcpy(m->node[idx], addr, sizeof(addr));
		}
		for (s = lo; s <= hi; s++) {
			if (m->slot[s] == IDS_SLOT_NONE)
				covered++;
			m->slot[s] = (uint8_t)idx;
		}
	}
	return covered;
}

int ids_redirect_parse(const char *msg, size_t len, const char *asked_host,
					   int *slot, char *addr, size_t addrsz)
{
	int kind;
	size_t i, skip;
	const char *p, *end = msg + len, *colon = NULL, *host;
	long v = 0, port = 0;
	size_t hl;

	if (len > 5 && memcmp(msg, "MOVED ", 6) == 0)
		kind = 1, skip = 6;
	else if (len > 3 && memcmp(msg, "ASK ", 4) == 0)
		kind = 2, skip = 4;
	else
		return 0;
	p = msg + skip;
	for (i = 0; p < end && *p >= '0' && *p <= '9' && i < 6; p++, i++)
		v = v * 10 + (*p - '0');
	if (i == 0 || v >= IDS_SLOTS || p >= end || *p != ' ')
		return 0;
	host = ++p;
	for (; p < end; p++)
		if (*p == ':')
			colon = p;
		else if (*p == ' ' || *p == '\0')
			return 0;
	if (!colon || colon + 1 >= end)
		return 0;
	for (p = colon + 1, i = 0; p < end; p++, i++) {
		if (*p < '0' || *p > '9' || i >= 5)
			return 0;
		port = port * 10 + (*p - '0');
	}
	hl = (size_t)(colon - host);
	if (hl == 0) {
		if (!asked_host)
			return 0;
		host = asked_host;
		hl = strlen(host);
	}
	if (ids_addr_join(addr, addrsz, host, hl, port) < 0)
		return 0;
	*slot = (int)v;
	return kind;
}
