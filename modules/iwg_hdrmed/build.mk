# modules/iwg_hdrmed: SIP header mediation (pure rule parser and engine,
# Kamailio glue in hdrmed_mod.c; HDRMED_CORE is shared with the
# iwg-hdrmed-lint CLI, tools/hdrmed-lint)
HDRMED_CORE = modules/iwg_hdrmed/hdrmed_buf.c modules/iwg_hdrmed/hdrmed_msg.c \
	modules/iwg_hdrmed/hdrmed_param.c modules/iwg_hdrmed/hdrmed_rules.c \
	modules/iwg_hdrmed/hdrmed_engine.c modules/iwg_hdrmed/hdrmed_known.c \
	modules/iwg_hdrmed/hdrmed_disc.c

MODULES += iwg_hdrmed

UNITS += hdrmed_rules hdrmed_engine hdrmed_corpus hdrmed_plan
UNIT_hdrmed_rules = tests/unit/test_hdrmed_rules.c $(HDRMED_CORE)
UNIT_hdrmed_engine = tests/unit/test_hdrmed_engine.c $(HDRMED_CORE)
UNIT_hdrmed_corpus = tests/unit/test_hdrmed_corpus.c $(HDRMED_CORE)
# the lump planner of the Kamailio glue (pure, not needed by the lint)
UNIT_hdrmed_plan = tests/unit/test_hdrmed_plan.c $(HDRMED_CORE) \
	modules/iwg_hdrmed/hdrmed_plan.c

FUZZERS += hdrmed_rules hdrmed_engine hdrmed_plan
FUZZ_hdrmed_rules = tests/fuzz/fuzz_hdrmed_rules.c $(HDRMED_CORE)
FUZZ_hdrmed_engine = tests/fuzz/fuzz_hdrmed_engine.c $(HDRMED_CORE)
FUZZ_hdrmed_plan = tests/fuzz/fuzz_hdrmed_plan.c $(HDRMED_CORE) \
	modules/iwg_hdrmed/hdrmed_plan.c
