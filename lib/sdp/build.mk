# lib/sdp: the lines and words of an SDP body, for iwg's SDP editors and
# parsers (pure C, no dependency)
LIB_SRCS += lib/sdp/sdp_line.c

UNITS += sdp_line
UNIT_sdp_line = tests/unit/test_sdp_line.c
FUZZERS += sdp_line
FUZZ_sdp_line = tests/fuzz/fuzz_sdp_line.c
