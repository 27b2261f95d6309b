# tools/ng: iwg-ng, one rtpengine NG command from the command line
BINS += iwg-ng
BIN_iwg-ng = tools/ng/iwg_ng.c
BIN_iwg-ng_LIBS = -ljson-c
