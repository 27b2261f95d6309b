# modules/iwg_ccroute: contact-center routing rules (pure rule parser and
# evaluator in ccroute_rules.c, Kamailio glue in iwg_ccroute_mod.c)
CCROUTE_CORE = modules/iwg_ccroute/ccroute_rules.c

MODULES += iwg_ccroute

UNITS += ccroute_rules
UNIT_ccroute_rules = tests/unit/test_ccroute_rules.c $(CCROUTE_CORE)

FUZZERS += ccroute_rules
FUZZ_ccroute_rules = tests/fuzz/fuzz_ccroute_rules.c $(CCROUTE_CORE)
