# lib/ng: bencode codec and rtpengine NG client (pure C, json-c)
LIB_SRCS += lib/ng/bencode.c lib/ng/ng_client.c
LIB_LIBS += -ljson-c

UNITS += bencode ng_client
UNIT_bencode = tests/unit/test_bencode.c
UNIT_ng_client = tests/unit/test_ng_client.c

FUZZERS += bencode
FUZZ_bencode = tests/fuzz/fuzz_bencode.c
