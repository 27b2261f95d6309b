/* iwg_media's pure media profile parser, built into this module too */
#include "../iwg_media/media_profile.c"
