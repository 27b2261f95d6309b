/*
 * verto_budget.h - one bound on the memory the iwg_verto WebSocket process
 * holds for clients that have not earned it: partial messages being
 * reassembled (verto_ws.c) and frames held behind a pending login
 * (verto_engine). Both run on the endpoint's one thread, so a plain
 * counter is enough (no lock).
 *
 * Pure C, header only.
 */
#ifndef IWG_VERTO_BUDGET_H
#define IWG_VERTO_BUDGET_H

#include <stddef.h>
#include <stdint.h>

typedef struct verto_budget {
	size_t limit;	  /* bytes; 0: no bound */
	size_t used;	  /* bytes held now */
	size_t peak;	  /* highest used so far */
	uint64_t refused; /* takes refused so far */
} verto_budget;

/* Take n bytes: 0, or -1 when that would pass the limit (counted in
 * refused; nothing taken). b NULL: always 0. */
static inline int verto_budget_take(verto_budget *b, size_t n)
{
	if (!b)
		return 0;
	if (b->limit && (n > b->limit || b->used > b->limit - n)) {
		b->refused++;
		return -1;
	}
	b->used += n;
	if (b->used > b->peak)
		b->peak = b->used;
	return 0;
}

/* Give back n bytes taken before. b NULL: nothing. */
static inline void verto_budget_give(verto_budget *b, size_t n)
{
	if (!b)
		return;
	b->used = n > b->used ? 0 : b->used - n;
}

#endif
