/*
 * fuzz_webrtc_ident.c - P-Associated-URI list parser and the identity
 * choice: first line = header value, rest = P-Preferred-Identity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	webrtc_span_t u[WEBRTC_PAU_MAX], e[WEBRTC_PAU_MAX];
	const char *s = (const char *)data, *nl;
	size_t hlen;
	int n = 0, m = 0, i, k;

	nl = memchr(s, '\n', size);
	hlen = nl ? (size_t)(nl - s) : size;
	if (webrtc_addr_list_parse(s, hlen, u, WEBRTC_PAU_MAX, &n) < 0)
		return 0;
	if (webrtc_addr_list_elems(s, hlen, e, WEBRTC_PAU_MAX, &m) < 0 || m != n)
		abort();
	for (i = 0; i < n; i++) {
		if (u[i].s < s || u[i].s + u[i].len > s + hlen || u[i].len == 0)
			abort();
		if (!webrtc_uri_equal(u[i].s, u[i].len, u[i].s, u[i].len) &&
			memchr(u[i].s, ':', u[i].len) != NULL) {
			/* a URI always equals itself */
			abort();
		}
	}
	if (nl) {
		k = webrtc_ident_choose(u, n, nl + 1, size - hlen - 1);
		if (k >= n)
			abort();
	}
	return 0;
}
