# lib/token: JWT verification core (HS256, ES256, kid rotation, claims) on
# Debian's libjwt
LIB_SRCS += lib/token/token.c
LIB_LIBS += -ljwt -ljson-c -lcrypto

UNITS += token
UNIT_token = tests/unit/test_token.c

FUZZERS += token
FUZZ_token = tests/fuzz/fuzz_token.c
