# lib/token: JWT verification core (HS256, ES256, kid rotation, claims) on
# Debian's libjwt; RFC 7662 introspection over HTTPS (libcurl) and a cache
# of its answers
LIB_SRCS += lib/token/token.c lib/token/token_claims.c \
	lib/token/token_introspect.c lib/token/token_cache.c \
	lib/token/token_params.c
LIB_LIBS += -ljwt -ljson-c -lcrypto -lcurl -lm

UNITS += token token_introspect
UNIT_token = tests/unit/test_token.c
UNIT_token_introspect = tests/unit/test_token_introspect.c
# the token_* parameters of iwg_idmap and iwg_verto
UNITS += token_params
UNIT_token_params = tests/unit/test_token_params.c

FUZZERS += token token_introspect
FUZZ_token = tests/fuzz/fuzz_token.c
FUZZ_token_introspect = tests/fuzz/fuzz_token_introspect.c
