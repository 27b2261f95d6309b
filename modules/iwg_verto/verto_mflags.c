/* iwg_media's pure rtpengine flag vocabulary, built into this module too */
#include "../iwg_media/media_flags.c"
