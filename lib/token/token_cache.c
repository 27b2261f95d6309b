/*
 * token_cache.c - direct-mapped cache of token verdicts.
 */
#include "token/token_cache.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

typedef struct tok_slot {
	unsigned char key[SHA256_DIGEST_LENGTH];
	int64_t expires_ms; /* 0: empty */
	tok_status_t st;
	char sub[TOK_SUB_MAX + 1];
	int64_t exp, nbf, iat;
} tok_slot_t;

struct tok_cache {
	tok_cache_ops_t ops;
	size_t n;
	tok_cache_stats_t stats;
	tok_slot_t slots[];
};

tok_cache_t *tok_cache_new(size_t slots, const tok_cache_ops_t *ops)
{
	tok_cache_t *c;
	if (slots == 0 || slots > (SIZE_MAX - sizeof(*c)) / sizeof(tok_slot_t))
		return NULL;
	if (!(c = ops->alloc(sizeof(*c) + slots * sizeof(tok_slot_t))))
		return NULL;
	memset(c, 0, sizeof(*c) + slots * sizeof(tok_slot_t));
	c->ops = *ops;
	c->n = slots;
	c->stats.slots = slots;
	return c;
}

void tok_cache_destroy(tok_cache_t *c)
{
	if (c)
		c->ops.free(c);
}

/* the key and the slot of a token */
static tok_slot_t *tok_slot(tok_cache_t *c, const char *token, size_t len,
							unsigned char key[SHA256_DIGEST_LENGTH])
{
	uint64_t h = 0;
	int i;
	SHA256((const unsigned char *)token, len, key);
	for (i = 0; i < 8; i++)
		h = (h << 8) | key[i];
	return &c->slots[h % c->n];
}

int tok_cache_get(tok_cache_t *c, const char *token, size_t len, int64_t now_ms,
				  tok_status_t *st, tok_claims_t *out)
{
	unsigned char key[SHA256_DIGEST_LENGTH];
	tok_slot_t *s = tok_slot(c, token, len, key);
	int hit;
	c->ops.lock(c->ops.lock_arg);
	hit = s->expires_ms > now_ms && memcmp(s->key, key, sizeof(key)) == 0;
	if (hit) {
		memset(out, 0, sizeof(*out));
		*st = s->st;
		memcpy(out->sub, s->sub, sizeof(out->sub));
		out->exp = s->exp;
		out->nbf = s->nbf;
		out->iat = s->iat;
		snprintf(out->detail, sizeof(out->detail), "%s (cached)",
				 tok_status_str(s->st));
		c->stats.hits++;
	} else {
		c->stats.misses++;
	}
	c->ops.unlock(c->ops.lock_arg);
	return hit;
}

void tok_cache_put(tok_cache_t *c, const char *token, size_t len,
				   int64_t now_ms, int64_t expires_ms, tok_status_t st,
				   const tok_claims_t *claims)
{
	unsigned char key[SHA256_DIGEST_LENGTH];
	tok_slot_t *s;
	if (expires_ms <= now_ms)
		return;
	s = tok_slot(c, token, len, key);
	c->ops.lock(c->ops.lock_arg);
	if (s->expires_ms > now_ms && memcmp(s->key, key, sizeof(key)) != 0)
		c->stats.replaced++;
	memcpy(s->key, key, sizeof(key));
	s->expires_ms = expires_ms;
	s->st = st;
	s->sub[0] = '\0';
	s->exp = s->nbf = s->iat = 0;
	if (st == TOK_OK && claims) {
		memcpy(s->sub, claims->sub, sizeof(s->sub));
		s->exp = claims->exp;
		s->nbf = claims->nbf;
		s->iat = claims->iat;
	}
	c->stats.inserts++;
	c->ops.unlock(c->ops.lock_arg);
}

void tok_cache_get_stats(tok_cache_t *c, tok_cache_stats_t *out)
{
	c->ops.lock(c->ops.lock_arg);
	*out = c->stats;
	c->ops.unlock(c->ops.lock_arg);
}
