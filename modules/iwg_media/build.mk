# iwg_media: rtpengine media profiles (Kamailio module + pure parser)
MODULES += iwg_media
UNITS += media_profile
UNIT_media_profile = tests/unit/test_media_profile.c modules/iwg_media/media_profile.c modules/iwg_media/media_flags.c
FUZZERS += media_profile
FUZZ_media_profile = tests/fuzz/fuzz_media_profile.c modules/iwg_media/media_profile.c modules/iwg_media/media_flags.c
