/*
 * hdrmed_known.h - built-in lists of known SIP header and parameter names
 * (RFC 3261 and its extensions, RFC 3325, 3455, 7315, 7329, 3GPP TS
 * 24.229), used by discovery to flag unknown names. Pure C.
 */
#ifndef IWG_HDRMED_KNOWN_H
#define IWG_HDRMED_KNOWN_H

/* 1 when NAME[0..LEN) is a known header name (case-insensitive; compact
 * forms count) */
int hdrmed_known_header(const char *name, int len);

/* 1 when NAME[0..LEN) is a known header or URI parameter name */
int hdrmed_known_param(const char *name, int len);

#endif
