# rtpengine-ext/tools: command-line tools around rtpengine
BINS += iwg-ng
BIN_iwg-ng = rtpengine-ext/tools/iwg_ng.c
BIN_iwg-ng_LIBS = -ljson-c
