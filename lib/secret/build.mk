# lib/secret: refuses empty, short and placeholder secrets at start-up
# (pure C, no dependency)
LIB_SRCS += lib/secret/secret.c

UNITS += secret
UNIT_secret = tests/unit/test_secret.c
