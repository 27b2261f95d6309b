/*
 * ngq.h - reading rtpengine's NG "query" answers (lib/ng bencode trees):
 * the small accessors the calls view (res_calls.c) and the diagnosis
 * (diag.c) share. Pure C.
 */
#ifndef IWG_ADMIND_NGQ_H
#define IWG_ADMIND_NGQ_H

#include <stdint.h>

#include "ng/bencode.h"

/* The string member key of dict d (NUL-terminated in the document), or
 * NULL when absent or not a string. */
const char *ngq_str(const bencode_node *d, const char *key);

/* The integer member key of d, or def. */
int64_t ngq_int(const bencode_node *d, const char *key, int64_t def);

/* 1 when the "flags" list of d holds flag, else 0. */
int ngq_flag(const bencode_node *d, const char *flag);

/* The first stream of media m with flag (e.g. "RTP", "RTCP"), or NULL. */
const bencode_node *ngq_stream(const bencode_node *m, const char *flag);

#endif
