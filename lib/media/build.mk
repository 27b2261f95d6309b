# lib/media: rtpengine media profiles (the profile file parser) and the
# flag vocabulary they are checked against (pure C, no dependency); used
# by iwg_media and iwg_verto
LIB_SRCS += lib/media/media_profile.c lib/media/media_flags.c

UNITS += media_profile
UNIT_media_profile = tests/unit/test_media_profile.c
FUZZERS += media_profile
FUZZ_media_profile = tests/fuzz/fuzz_media_profile.c
