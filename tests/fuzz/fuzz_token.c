/* libFuzzer target: JWT verification (lib/token) with an HS256 key with a
 * kid, one without, and an ES256 key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "token/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ec_pub[] =
		"-----BEGIN PUBLIC KEY-----\n"
		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtkocIqCAiUnbZf0hh+nF2BbN7Xi8\n"
		"UhgJk4Q1y7+qOMKJz7IzcCBqU7jfuRD0vvPLVhZPd/Hal1FpoopssRaCrw==\n"
		"-----END PUBLIC KEY-----\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static tok_keyset_t ks;
	static int ready;
	tok_opts_t o = {"iwg", "paas", 30, 1700000000, 0};
	tok_claims_t c;
	if (!ready) {
		char err[128];
		tok_keyset_init(&ks);
		tok_keyset_add(
				&ks, "k1", "HS256",
				(const unsigned char *)"0123456789abcdef0123456789abcdef", 32,
				err, sizeof(err));
		tok_keyset_add(
				&ks, "", "HS256",
				(const unsigned char *)"fedcba9876543210fedcba9876543210", 32,
				err, sizeof(err));
		if (tok_keyset_add(&ks, "ec1", "ES256", (const unsigned char *)ec_pub,
						   strlen(ec_pub), err, sizeof(err)) < 0)
			__builtin_trap(); /* the ES256 path must be exercised */
		ready = 1;
	}
	tok_verify(&ks, &o, (const char *)data, size, &c);
	return 0;
}
