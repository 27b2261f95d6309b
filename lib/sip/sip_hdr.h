/*
 * sip_hdr.h - text that goes into a SIP header line we build from stored
 * or received values: the check that it cannot end the line, the check
 * that a URI cannot leave the angle brackets it is put in, and RFC 3261
 * quoted-strings (display names). The one home of these checks for
 * iwg_webrtc (P-Asserted-Identity, Route, de-REGISTER headers) and
 * iwg_idmap (P-Asserted-Identity of a mapping). Pure C, no allocation.
 */
#ifndef IWG_SIP_HDR_H
#define IWG_SIP_HDR_H

#include <stddef.h>

/*
 * 1 when the len bytes at s can go into a header line as they are: no CR,
 * LF or NUL, else 0. A value that had one would end the line early at a
 * peer that takes a bare CR or LF as its end and smuggle what follows in
 * as a header of its own; a NUL ends it in C parsers. s may be NULL when
 * len is 0.
 */
int sip_hdr_value_safe(const char *s, size_t len);

/*
 * 1 when the len bytes at s can stand as one URI between the '<' and '>'
 * of a name-addr we write ("<%s>", RFC 3261 25.1), else 0 with *why (when
 * why is not NULL) set to a static text saying what is wrong, never
 * quoting the value. Refused: an empty value; a CR, LF or NUL (they end
 * the line: sip_hdr_value_safe); a space, another control character or a
 * byte from 0x80 (a URI is printable ASCII, RFC 3986 2: the rest is
 * %-escaped); '<', '>' or '"' (a '>' would close the name-addr early and
 * let the rest be read as parameters or, after a ',', as a second
 * identity). No other syntax is checked: the caller chose a URI. s may be
 * NULL when len is 0.
 */
int sip_hdr_uri_safe(const char *s, size_t len, const char **why);

/* room sip_hdr_quote needs for a value of len bytes (quotes, a backslash
 * before every byte at worst, the NUL) */
#define SIP_HDR_QUOTED_SIZE(len) (2 * (size_t)(len) + 3)

/* sip_hdr_quote errors */
#define SIP_HDR_BAD_VALUE -1 /* a CR, LF or NUL in the value */
#define SIP_HDR_NO_ROOM	  -2 /* out too small */

/*
 * Write s[0..len) as an RFC 3261 quoted-string (25.1: DQUOTE *(qdtext /
 * quoted-pair) DQUOTE) into out (outsz bytes, NUL-terminated;
 * SIP_HDR_QUOTED_SIZE(len) is enough): '"', '\' and the control characters
 * other than HTAB (0x01-0x08, 0x0B, 0x0C, 0x0E-0x1F, 0x7F) as quoted-pairs
 * ("\" then the byte), every other byte as it is (bytes from 0x80 are
 * copied, their UTF-8 is not checked). Returns the length written without
 * the NUL, SIP_HDR_BAD_VALUE when s holds a CR, LF or NUL (no quoted-pair
 * may carry CR or LF, see sip_hdr_value_safe), or SIP_HDR_NO_ROOM. On an
 * error out holds "" (when outsz > 0). s may be NULL when len is 0.
 */
int sip_hdr_quote(const char *s, size_t len, char *out, size_t outsz);

#endif
