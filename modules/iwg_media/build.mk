# iwg_media: rtpengine media profiles (Kamailio module; the parser is
# lib/media)
MODULES += iwg_media
