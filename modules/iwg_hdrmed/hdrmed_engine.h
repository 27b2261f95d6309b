/*
 * hdrmed_engine.h - applies an iwg_hdrmed ruleset to a parsed SIP message
 * (pure C, no Kamailio headers).
 *
 * The engine only marks headers of the hdrmed_msg deleted, modified or new;
 * the caller prints the result (hdrmed_msg_print) or turns the marks into
 * its own edits. Rules run in file order and each sees the edits of the
 * rules before it.
 */
#ifndef IWG_HDRMED_ENGINE_H
#define IWG_HDRMED_ENGINE_H

#include <stdint.h>

#include "hdrmed_msg.h"
#include "hdrmed_rules.h"

struct hdrmed_ctx {
	int dir;			/* HDRMED_DIR_IN or HDRMED_DIR_OUT */
	const char *src_ip; /* textual source address, NULL when unknown */
	/* expand pseudo-variables of IN[0..INLEN) into OUT[0..OUTSIZE);
	 * returns the length written or -1 (the value is then used as written);
	 * NULL: values are used as written */
	int (*expand)(void *arg, const char *in, int inlen, char *out, int outsize);
	void *expand_arg;
	const char *icid_prefix; /* P-Charging-Vector icid prefix, may be NULL */
	uint64_t *hits;			 /* one counter per rule (atomic adds), or NULL */
};

/*
 * Apply RS to M for the direction and source in CTX. Returns the number of
 * rules whose direction and conditions matched, or -1 when memory ran out
 * (M may then hold part of the edits; discard them).
 */
int hdrmed_engine_apply(const struct hdrmed_ruleset *rs, struct hdrmed_msg *m,
						const struct hdrmed_ctx *ctx);

/*
 * Write a new icid-value (unique per host: prefix, time, pid, counter) to
 * OUT (NUL-terminated); returns its length.
 */
int hdrmed_engine_icid(char *out, int size, const char *prefix);

/* 1 when header NAME carries a comma-separated list of elements */
int hdrmed_engine_is_list(const char *name, int len);

#endif
