/*
 * hdrmed_kapply.h - apply an iwg_hdrmed profile to a Kamailio SIP message:
 * discovery, the engine on the pure representation, then lumps.
 */
#ifndef IWG_HDRMED_KAPPLY_H
#define IWG_HDRMED_KAPPLY_H

#include "core/parser/msg_parser.h"

#include "hdrmed_store.h"

struct hdrmed_kcfg {
	int sample_len;
	char *icid_prefix;
};

extern struct hdrmed_kcfg hdrmed_kcfg;

/*
 * Mediate MSG with profile P for DIR (HDRMED_DIR_IN/OUT). The edits become
 * lumps on MSG (applied when Kamailio forwards it), computed from the
 * message as received: lumps added earlier by the script are not seen.
 * Returns 1 on success (also when nothing changed), -1 on error (logged).
 */
int hdrmed_kapply(sip_msg_t *msg, struct hdrmed_profile *p, int dir);

#endif
