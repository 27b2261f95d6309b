/*
 * fuzz_webrtc_auth.c - the auth-done Authorization value and the realm of a
 * Request-URI: input = IMPI, realm and URI separated by newlines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/iwg_webrtc/webrtc_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the next newline-separated field of [*p, end) */
static size_t field(const char **p, const char *end, const char **f)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);

	*f = *p;
	*p = nl ? nl + 1 : end;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[WEBRTC_AUTH_VALUE_MAX];
	const char *p = (const char *)data, *end = p + size, *impi, *realm, *uri;
	const char *h = NULL;
	size_t il, rl, ul, hl = 0, i;
	int n;

	il = field(&p, end, &impi);
	rl = field(&p, end, &realm);
	ul = field(&p, end, &uri);
	n = webrtc_auth_done_value(impi, il, realm, rl, uri, ul, out, sizeof(out));
	if (n >= 0) {
		if ((size_t)n != strlen(out) || (size_t)n >= sizeof(out))
			abort();
		/* the value never carries a line break or a stray quote */
		for (i = 0; i < (size_t)n; i++)
			if (out[i] == '\r' || out[i] == '\n' || out[i] == '\\')
				abort();
	} else if (out[0] != '\0') {
		abort();
	}
	if (webrtc_auth_realm_of(uri, ul, &h, &hl) == 0 &&
		(h < uri || h + hl > uri + ul || hl == 0))
		abort();
	return 0;
}
