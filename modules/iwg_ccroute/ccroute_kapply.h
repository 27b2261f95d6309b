/*
 * ccroute_kapply.h - ccroute_apply() on a Kamailio message: the context
 * from an xavp, the headers as a lump, the result in $xavp(ccr), and the
 * statistics ccroute:matched and ccroute:unmatched.
 */
#ifndef IWG_CCROUTE_KAPPLY_H
#define IWG_CCROUTE_KAPPLY_H

#include "core/parser/msg_parser.h"
#include "core/str.h"

/* the xavp that receives the result: fields "set" (int), "rule" (str) */
#define CCROUTE_RESULT_XAVP "ccr"

/* register the statistics (mod_init, before the fork); 0 or -1 */
int ccroute_kapply_init(void);

/*
 * Route MSG with the context in the fields of $xavp(XNAME) (absent: an
 * empty context). Removes any earlier $xavp(ccr); on a match appends the
 * rule's headers (one lump at the end of the header block), sets
 * $xavp(ccr) and returns 1; returns -1 when no rule matches, -2 on an
 * error (logged).
 */
int ccroute_kapply(sip_msg_t *msg, str *xname);

/* the statistic ccroute:unmatched, summed over the processes */
unsigned long ccroute_kapply_unmatched(void);

#endif
