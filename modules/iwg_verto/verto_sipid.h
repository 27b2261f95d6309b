/*
 * verto_sipid.h - SIP identity pieces of iwg_verto calls: the connected
 * line from a P-Asserted-Identity (RFC 3325) that the contact center puts
 * in a re-INVITE or UPDATE (shown to the browser with verto.display), and
 * the Refer-To URI of an attended transfer (RFC 3515, Replaces of RFC
 * 3891 escaped as RFC 3261 19.1.1 wants it).
 *
 * Pure C: no Kamailio header, no allocation.
 */
#ifndef IWG_VERTO_SIPID_H
#define IWG_VERTO_SIPID_H

#include <stddef.h>

/*
 * The display name and number of a P-Asserted-Identity header value
 * (one or more comma-separated name-addr / addr-spec): the first sip: or
 * sips: URI gives the number (its user part, without user parameters),
 * else the first tel: URI (its number, without parameters); the display
 * name is that entry's (quotes and escapes removed), else the first one
 * any entry has, else "". Returns 0 with name[namesz] and number[numsz]
 * filled (NUL-terminated), or -1 (outputs "") when the value is malformed,
 * holds control characters, has no sip/sips/tel URI with a number, or a
 * part does not fit.
 */
int verto_pai_parse(const char *value, size_t len, char *name, size_t namesz,
					char *number, size_t numsz);

/*
 * Does (name, number) differ from what the browser was last told
 * (last_name, last_number; NULL counts as "")? An empty name counts as the
 * number on both sides (the browser shows the number then). An empty
 * number never differs: there is nothing to show. 1 or 0.
 */
int verto_cline_changed(const char *last_name, const char *last_number,
						const char *name, const char *number);

/*
 * The Refer-To value of an attended transfer,
 * "<target?Replaces=CALLID%3Bto-tag%3DTO%3Bfrom-tag%3DFROM>", into
 * buf[sz]: target is the remote target of the dialog to replace (a sip:
 * or sips: URI without headers), callid, to_tag and from_tag its ids as
 * the transfer target sees them (to-tag: the target's own tag = our remote
 * tag of that dialog; from-tag: our local tag). Every character outside
 * RFC 3261's hnv-unreserved / unreserved is %-escaped. Returns 0, or -1
 * when an input is empty, the target is not a sip/sips URI, holds '?',
 * '<', '>' or white space, or the result does not fit.
 */
int verto_refer_replaces(const char *target, const char *callid,
						 const char *to_tag, const char *from_tag, char *buf,
						 size_t sz);

#endif
