/*
 * hdrmed_plan.h - the edits the engine made to a message (hdrmed_msg.h), as
 * few byte-range replacements as possible (pure C, no Kamailio headers).
 *
 * The Kamailio glue turns each replacement into one deletion (or, for an
 * insertion point, one anchor) plus one insertion: every lump costs a
 * memory allocation when it is made and again when tm copies it for a
 * branch, so the plan keeps them few.
 *
 * - A run of adjacent removed or changed headers is one replacement of its
 *   raw bytes by the changed headers rendered "Name: value\r\n" (nothing
 *   for removed ones).
 * - The new headers go before the end of the header section: appended to
 *   the last run's text when that run ends there and the caller allows it,
 *   else one insertion point at the end of the header section.
 * - The texts of all replacements are one buffer, in plan order.
 *
 * Applying the plan to the message (each range replaced by its text) gives
 * the bytes hdrmed_msg_print() gives, for a message whose header lines are
 * all terminated.
 */
#ifndef IWG_HDRMED_PLAN_H
#define IWG_HDRMED_PLAN_H

#include "hdrmed_msg.h"

struct hdrmed_edit {
	int off;	  /* the range of the message replaced: [off, off + len) */
	int len;	  /* 0: an insertion before off */
	int text;	  /* where its new text starts in hdrmed_plan.text */
	int text_len; /* 0: nothing inserted */
};

struct hdrmed_plan {
	struct hdrmed_edit *e; /* in increasing offset order */
	int n;
	char *text; /* every edit's new text, in edit order; NULL when empty */
	int text_len;
};

/*
 * Plan the edits of M into P (zeroed by this call). The new headers may be
 * appended to the last run only when that run starts at or after
 * FREE_FROM (the caller's offset from which nothing else edits the header
 * section; m->hdrs_end + 1 never merges). Returns 0, or -1 when out of
 * memory (P left empty). Release P with hdrmed_plan_free(); P does not
 * reference M.
 */
int hdrmed_plan_make(struct hdrmed_plan *p, const struct hdrmed_msg *m,
					 int free_from);

/* free what hdrmed_plan_make() allocated in P */
void hdrmed_plan_free(struct hdrmed_plan *p);

#endif
