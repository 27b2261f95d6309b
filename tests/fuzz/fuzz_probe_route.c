/*
 * libFuzzer target: iwg-probe's Call-ID table and waiting queue
 * (tools/probe/probe_route.c) driven by random add / find / del / wait /
 * take / unwait sequences, every answer checked against a naive model (a
 * flag per key, a list for the queue).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/probe/probe_route.h"

#define NKEYS 64

static char keys[NKEYS][8];
static int vals[NKEYS];

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int live[NKEYS] = {0}, queue[NKEYS], nq = 0, nlive = 0, i, j;
	size_t max, k;
	probe_route r;

	if (!keys[0][0])
		for (i = 0; i < NKEYS; i++) /* distinct, of lengths 1 to 4 */
			snprintf(keys[i], sizeof(keys[i]), "%.*s%d", i % 3, "ab", i);
	if (size < 1)
		return 0;
	max = data[0] % 24;
	if (probe_route_init(&r, max) < 0)
		return 0;
	for (k = 1; k + 1 < size; k += 2) {
		int id = data[k + 1] % NKEYS, in = live[id], w = -1, rc;
		const char *key = keys[id];
		size_t len = strlen(key);
		void *v;

		for (i = 0; i < nq && w < 0; i++)
			if (queue[i] == id)
				w = i; /* the first: a value may wait twice */
		switch (data[k] % 6) {
		case 0:
			rc = probe_route_add(&r, key, len, &vals[id]);
			check(rc == ((size_t)nlive >= max ? -1 : in ? -2 : 0));
			if (rc == 0)
				live[id] = 1, nlive++;
			break;
		case 1:
			v = probe_route_find(&r, key, len);
			check(v == (in ? &vals[id] : NULL));
			break;
		case 2:
			check(probe_route_del(&r, key, len) == (in ? 0 : -1));
			if (in)
				live[id] = 0, nlive--;
			break;
		case 3:
			rc = probe_route_wait(&r, &vals[id]);
			check(rc == ((size_t)nq >= max ? -1 : 0));
			if (rc == 0)
				queue[nq++] = id;
			break;
		case 4:
			v = probe_route_take(&r);
			check(v == (nq ? &vals[queue[0]] : NULL));
			if (nq)
				memmove(queue, queue + 1, (size_t)--nq * sizeof(*queue));
			break;
		default:
			check(probe_route_unwait(&r, &vals[id]) == (w >= 0 ? 0 : -1));
			if (w >= 0) {
				for (j = w; j + 1 < nq; j++)
					queue[j] = queue[j + 1];
				nq--;
			}
			break;
		}
		check(r.used == (size_t)nlive && r.nwaiting == (size_t)nq);
		check(!r.cap || 2 * r.used <= r.cap);
	}
	for (i = 0; i < NKEYS; i++)
		check(probe_route_find(&r, keys[i], strlen(keys[i])) ==
			  (live[i] ? &vals[i] : NULL));
	probe_route_free(&r);
	return 0;
}
