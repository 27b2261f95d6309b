/*
 * hdrmed_disc.h - discovery of the header and parameter names a peer sends
 * (pure C, no Kamailio headers).
 *
 * A hdrmed_disc table lives in caller-provided memory of
 * hdrmed_disc_size(max) bytes (the Kamailio glue puts it in shared memory
 * and serializes access with its own lock). It holds at most MAX distinct
 * names; further names only increase `dropped`. Each entry counts how often
 * the name was seen, when first, and keeps one sample value (bounded, digit
 * runs of four or more masked with 'x', bytes outside printable ASCII
 * replaced by '?').
 */
#ifndef IWG_HDRMED_DISC_H
#define IWG_HDRMED_DISC_H

#include <stddef.h>
#include <stdint.h>

#include "hdrmed_msg.h"

#define HDRMED_DISC_NAME   48
#define HDRMED_DISC_SAMPLE 64

enum hdrmed_disc_kind {
	HDRMED_K_HEADER = 1,
	HDRMED_K_HPARAM, /* header parameter */
	HDRMED_K_UPARAM, /* URI parameter */
};

struct hdrmed_disc_entry {
	uint8_t kind; /* 0: free slot */
	uint8_t unknown;
	char hdr[HDRMED_DISC_NAME];	 /* header name (full form) */
	char name[HDRMED_DISC_NAME]; /* parameter name, "" for headers */
	uint64_t count;
	int64_t first_seen; /* the NOW given to the first hdrmed_disc_scan */
	char sample[HDRMED_DISC_SAMPLE + 1];
};

struct hdrmed_disc {
	uint32_t max;	/* names it may hold */
	uint32_t slots; /* hash slots (2 * max) */
	uint32_t used;
	uint64_t dropped; /* names not recorded because the table was full */
	uint64_t messages;
	struct hdrmed_disc_entry e[];
};

/* bytes needed for a table of MAX names */
size_t hdrmed_disc_size(uint32_t max);

/* initialize (or clear) a table of MAX names in MEM */
void hdrmed_disc_init(struct hdrmed_disc *d, uint32_t max);

/* record every header name, header parameter and URI parameter of M;
 * SAMPLE_LEN (at most HDRMED_DISC_SAMPLE) bounds the samples */
void hdrmed_disc_scan(struct hdrmed_disc *d, const struct hdrmed_msg *m,
					  int64_t now, int sample_len);

/* copy SRC[0..LEN) to DST (size > MAXLEN) bounded to MAXLEN, masking digit
 * runs of four or more and unprintable bytes; returns the length */
int hdrmed_disc_mask(char *dst, int maxlen, const char *src, int len);

#endif
