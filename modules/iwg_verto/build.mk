# iwg_verto: Verto JSON-RPC <-> SIP gateway (Kamailio module + pure core)
MODULES += iwg_verto
VERTO_CORE = modules/iwg_verto/verto_jsonrpc.c modules/iwg_verto/verto_cause.c \
	modules/iwg_verto/verto_call.c modules/iwg_verto/verto_engine.c

UNITS += verto_jsonrpc verto_call verto_engine verto_creds
UNIT_verto_creds = tests/unit/test_verto_creds.c modules/iwg_verto/verto_creds.c
UNIT_verto_jsonrpc = tests/unit/test_verto_jsonrpc.c $(VERTO_CORE)
UNIT_verto_jsonrpc_LIBS = -ljson-c
UNIT_verto_call = tests/unit/test_verto_call.c $(VERTO_CORE)
UNIT_verto_call_LIBS = -ljson-c
UNIT_verto_engine = tests/unit/test_verto_engine.c $(VERTO_CORE)
UNIT_verto_engine_LIBS = -ljson-c

FUZZERS += verto_jsonrpc verto_engine verto_creds
FUZZ_verto_creds = tests/fuzz/fuzz_verto_creds.c modules/iwg_verto/verto_creds.c
FUZZ_verto_jsonrpc = tests/fuzz/fuzz_verto_jsonrpc.c $(VERTO_CORE)
FUZZ_verto_jsonrpc_LIBS = -ljson-c
FUZZ_verto_engine = tests/fuzz/fuzz_verto_engine.c $(VERTO_CORE)
FUZZ_verto_engine_LIBS = -ljson-c
