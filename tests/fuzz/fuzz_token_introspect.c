/* libFuzzer target: RFC 7662 introspection answers (lib/token), checked
 * with an audience and an issuer configured. */
#include <stddef.h>
#include <stdint.h>

#include "token/token_introspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tok_opts_t o = {"iwg", "paas", 30, 1700000000, 0};
	tok_claims_t c;
	tok_introspect_parse((const char *)data, size, &o, &c);
	return 0;
}
