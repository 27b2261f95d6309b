/*
 * iwg_webrtc: P-Associated-URI / P-Preferred-Identity handling (RFC 3455,
 * RFC 3325, TS 24.229 5.2.6.3). Pure C: no Kamailio header.
 */
#ifndef IWG_WEBRTC_IDENT_H
#define IWG_WEBRTC_IDENT_H

#include <stddef.h>

/* most URIs kept from one P-Associated-URI set */
#define WEBRTC_PAU_MAX 16

/* a slice of a caller's buffer: not NUL-terminated, not owned */
typedef struct webrtc_span {
	const char *s;
	size_t len;
} webrtc_span_t;

/* webrtc_addr_list_parse: parses a header value holding a comma-separated
 * list of name-addr / addr-spec (P-Associated-URI, P-Preferred-Identity,
 * Service-Route, Path) and appends the URI of each element to uris, which
 * has room for max, starting at uris[*n]; *n is updated. The spans point
 * into s. Returns 0, or -1 on a syntax error (unbalanced quote or '<', an
 * empty URI, a URI without ':') or when more than max URIs are found. */
int webrtc_addr_list_parse(const char *s, size_t len, webrtc_span_t *uris,
						   int max, int *n);

/* webrtc_addr_list_elems: like webrtc_addr_list_parse, but stores each
 * whole element (display name, <URI> and parameters, trimmed) instead of
 * the URI alone, e.g. to copy Service-Route entries into Route headers */
int webrtc_addr_list_elems(const char *s, size_t len, webrtc_span_t *elems,
						   int max, int *n);

/* webrtc_uri_equal: 1 when URIs a and b name the same identity, else 0.
 * Scheme and host compare case-insensitively, the user part exactly; URI
 * parameters and headers are ignored; tel: numbers compare without visual
 * separators (-.()). */
int webrtc_uri_equal(const char *a, size_t alen, const char *b, size_t blen);

/* webrtc_ident_choose: index in pau[0..n) of the identity to assert: the
 * one equal to ppi when ppi is given (ppi == NULL: none), else 0. Returns -1
 * when n is 0, or when ppi is given and is not in the set. */
int webrtc_ident_choose(const webrtc_span_t *pau, int n, const char *ppi,
						size_t ppilen);

#endif
