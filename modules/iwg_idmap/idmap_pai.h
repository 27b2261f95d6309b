/*
 * idmap_pai.h - the P-Asserted-Identity line of idmap_assert() (RFC 3325
 * 9.1), built from a mapping's display_name and sip_uri.
 *
 * Those values come from Redis, where anything with write access could
 * have put them. lib/idstore checks them on write (ids_put validates the
 * record: sip_uri visible ASCII without '<', '>' or '"', display_name
 * without control characters, '"' or '\') and again on read (ids_get and
 * ids_reverse answer IDS_ERR_CORRUPT for a stored record that fails
 * ids_record_validate, an empty sip_uri included). This builder does not
 * rely on either: it refuses what would end the header line or break the
 * name-addr, and quotes the display name itself. idmap_assert() removes
 * the request's own P-Asserted-Identity headers whatever this answers: a
 * refused line leaves the request with none (and idmap_assert() -1).
 *
 * Pure C: no Kamailio header, no allocation.
 */
#ifndef IWG_IDMAP_PAI_H
#define IWG_IDMAP_PAI_H

#include <stddef.h>

#include "sip/sip_hdr.h"

/* room for the line of a display name of dlen and a URI of ulen bytes,
 * its NUL included: exact when every byte of the display name needs a
 * backslash, and when dlen is 0 (the literal's NUL is the line's; that of
 * SIP_HDR_QUOTED_SIZE stands for the space between the display name and
 * '<') */
#define IDMAP_PAI_SIZE(dlen, ulen)                            \
	(sizeof("P-Asserted-Identity: <>\r\n") + (size_t)(ulen) + \
	 ((dlen) > 0 ? SIP_HDR_QUOTED_SIZE(dlen) : 0))

/* idmap_pai_build errors */
#define IDMAP_PAI_BAD_URI	  -1 /* sip_uri unusable: errstr says why */
#define IDMAP_PAI_BAD_DISPLAY -2 /* display_name unusable: errstr says why */
#define IDMAP_PAI_NO_ROOM	  -3 /* out too small */

/*
 * Build "P-Asserted-Identity: \"DISPLAY\" <URI>\r\n", or without the
 * display name when dlen is 0 ("P-Asserted-Identity: <URI>\r\n"), into
 * out (outsz bytes, NUL-terminated; IDMAP_PAI_SIZE(dlen, ulen) is enough).
 * display[0..dlen) and uri[0..ulen) need not be NUL-terminated (either
 * may be NULL when its length is 0).
 *
 * The display name becomes an RFC 3261 quoted-string (sip_hdr_quote: '"',
 * '\' and control characters as quoted-pairs); one with a CR, LF or NUL is
 * refused. The URI is refused when it cannot stand between '<' and '>'
 * (sip_hdr_uri_safe): empty, or holding a CR, LF or NUL (they would end
 * the line), a space, another control character, a byte from 0x80, '<',
 * '>' or '"' (a '>' would close the name-addr early and let the value
 * assert a second identity).
 *
 * Returns the length of the line (CR LF at its end only), or one of the
 * errors above with errstr (errsz bytes, NUL-terminated, cut when short;
 * untouched when errstr is NULL or errsz 0) naming the field and the
 * problem, never quoting the value. On an error out holds "" (when
 * outsz > 0).
 */
int idmap_pai_build(const char *display, size_t dlen, const char *uri,
					size_t ulen, char *out, size_t outsz, char *errstr,
					size_t errsz);

#endif
