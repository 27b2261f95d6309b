# lib/cidr: IPv4/IPv6 networks from text, matched against addresses
# (pure C, no dependency)
LIB_SRCS += lib/cidr/cidr.c

UNITS += cidr
UNIT_cidr = tests/unit/test_cidr.c

FUZZERS += cidr
FUZZ_cidr = tests/fuzz/fuzz_cidr.c
