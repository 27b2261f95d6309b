# tools/hdrmed-lint: iwg-hdrmed-lint, checks header mediation rule files and
# shows or times their effect on a message (on iwg_hdrmed's pure engine,
# HDRMED_CORE of modules/iwg_hdrmed/build.mk)
BINS += iwg-hdrmed-lint
BIN_iwg-hdrmed-lint = tools/hdrmed-lint/hdrmed_lint.c $(HDRMED_CORE)
