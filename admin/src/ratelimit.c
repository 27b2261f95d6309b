/*
 * ratelimit.c - token buckets in a fixed open-addressing table.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define RL_NAME_MAX 64
#define RL_PROBES	8

typedef struct rl_slot {
	char name[RL_NAME_MAX]; /* "" = free */
	double tokens;
	double last;
} rl_slot;

struct ratelimit {
	double rate, burst;
	size_t mask;
	pthread_mutex_t lock;
	rl_slot *slots;
};

ratelimit *ratelimit_new(double rate, double burst, size_t slots)
{
	ratelimit *rl = calloc(1, sizeof(*rl));
	size_t n = 16;

	if (!rl)
		return NULL;
	while (n < slots && n < ((size_t)1 << 24))
		n <<= 1;
	rl->slots = calloc(n, sizeof(rl_slot));
	if (!rl->slots) {
		free(rl);
		return NULL;
	}
	rl->mask = n - 1;
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void ratelimit_free(ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

/* FNV-1a */
static uint64_t rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* the slot for name: its own, a free one, or the stalest probed one */
static rl_slot *rl_slot_for(ratelimit *rl, const char *name, double now)
{
	size_t i, idx = (size_t)rl_hash(name);
	rl_slot *s, *victim = NULL;

	for (i = 0; i < RL_PROBES; i++) {
		s = &rl->slots[(idx + i) & rl->mask];
		if (!strcmp(s->name, name))
			return s;
		if (!s->name[0]) {
			victim = s;
			break;
		}
		if (!victim || s->last < victim->last)
			victim = s;
	}
	strcpy(victim->name, name);
	victim->tokens = rl->burst;
	victim->last = now;
	return victim;
}

int ratelimit_take(ratelimit *rl, const char *name, double now)
{
	char key[RL_NAME_MAX];
	rl_slot *s;
	double wait;
	int rc = 0;

	if (!rl || rl->rate <= 0)
		return 0;
	strncpy(key, name, sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	if (!key[0])
		strcpy(key, "-");
	pthread_mutex_lock(&rl->lock);
	s = rl_slot_for(rl, key, now);
	if (now > s->last) {
		s->tokens += (now - s->last) * rl->rate;
		if (s->tokens > rl->burst)
			s->tokens = rl->burst;
	}
	s->last = now;
	if (s->tokens >= 1) {
		s->tokens -= 1;
	} else {
		wait = ceil((1 - s->tokens) / rl->rate);
		rc = wait < 1 ? 1 : (wait > 86400 ? 86400 : (int)wait);
	}
	pthread_mutex_unlock(&rl->lock);
	return rc;
}
