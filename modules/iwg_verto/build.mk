# iwg_verto: Verto JSON-RPC <-> SIP gateway (Kamailio module + pure core)
MODULES += iwg_verto
VERTO_CORE = modules/iwg_verto/verto_jsonrpc.c modules/iwg_verto/verto_cause.c \
	modules/iwg_verto/verto_call.c modules/iwg_verto/verto_engine.c \
	modules/iwg_verto/verto_session.c modules/iwg_verto/verto_request.c \
	modules/iwg_verto/verto_step.c modules/iwg_verto/verto_index.c \
	modules/iwg_verto/verto_sipid.c modules/iwg_verto/verto_cc.c

UNITS += verto_jsonrpc verto_call verto_engine verto_media verto_ident verto_sipid \
	verto_jobs
# the SIP dialog of a call: tags, CSeq order, glare, 481/487/488/491/500
UNITS += verto_dialog
UNIT_verto_dialog = tests/unit/test_verto_dialog.c modules/iwg_verto/verto_dialog.c
UNITS += verto_throttle
# the contact center's transfers: Refer-To/Replaces, 202 or refusal, states
UNITS += verto_refer
UNIT_verto_refer = tests/unit/test_verto_refer.c modules/iwg_verto/verto_refer.c
# contact-center events: queue headers, INFO bodies, the browser's messages
UNITS += verto_cc
UNIT_verto_cc = tests/unit/test_verto_cc.c modules/iwg_verto/verto_cc.c \
	modules/iwg_verto/verto_jsonrpc.c
UNIT_verto_cc_LIBS = -ljson-c
UNIT_verto_jsonrpc = tests/unit/test_verto_jsonrpc.c $(VERTO_CORE)
UNIT_verto_jsonrpc_LIBS = -ljson-c
UNIT_verto_call = tests/unit/test_verto_call.c $(VERTO_CORE)
UNIT_verto_call_LIBS = -ljson-c
UNIT_verto_engine = tests/unit/test_verto_engine.c $(VERTO_CORE)
UNIT_verto_engine_LIBS = -ljson-c
# SDP edits and the media profile -> NG translation
UNIT_verto_media = tests/unit/test_verto_media.c \
	modules/iwg_verto/verto_sdp.c modules/iwg_verto/verto_ngflags.c
UNIT_verto_ident = tests/unit/test_verto_ident.c modules/iwg_verto/verto_ident.c
# P-Asserted-Identity -> verto.display, Refer-To with Replaces
UNIT_verto_sipid = tests/unit/test_verto_sipid.c modules/iwg_verto/verto_sipid.c
# the WebSocket process's job pool (threads)
UNIT_verto_jobs = tests/unit/test_verto_jobs.c modules/iwg_verto/verto_jobs.c
UNIT_verto_jobs_LIBS = -lpthread
# back-off for failed logins (per address, per login name)
UNIT_verto_throttle = tests/unit/test_verto_throttle.c \
	modules/iwg_verto/verto_throttle.c modules/iwg_verto/verto_index.c

FUZZERS += verto_jsonrpc verto_engine verto_sdp verto_ngflags verto_sipid
FUZZ_verto_jsonrpc = tests/fuzz/fuzz_verto_jsonrpc.c $(VERTO_CORE)
FUZZ_verto_jsonrpc_LIBS = -ljson-c
FUZZ_verto_engine = tests/fuzz/fuzz_verto_engine.c $(VERTO_CORE)
FUZZ_verto_engine_LIBS = -ljson-c
FUZZ_verto_sdp = tests/fuzz/fuzz_verto_sdp.c modules/iwg_verto/verto_sdp.c
FUZZ_verto_ngflags = tests/fuzz/fuzz_verto_ngflags.c modules/iwg_verto/verto_ngflags.c
FUZZ_verto_sipid = tests/fuzz/fuzz_verto_sipid.c modules/iwg_verto/verto_sipid.c
FUZZERS += verto_dialog
FUZZ_verto_dialog = tests/fuzz/fuzz_verto_dialog.c modules/iwg_verto/verto_dialog.c
FUZZERS += verto_cc
FUZZ_verto_cc = tests/fuzz/fuzz_verto_cc.c modules/iwg_verto/verto_cc.c \
	modules/iwg_verto/verto_jsonrpc.c
FUZZ_verto_cc_LIBS = -ljson-c
FUZZERS += verto_refer
FUZZ_verto_refer = tests/fuzz/fuzz_verto_refer.c modules/iwg_verto/verto_refer.c
# a session's state in Redis (survives its node): text codec, claim
UNITS += verto_state
UNIT_verto_state = tests/unit/test_verto_state.c modules/iwg_verto/verto_state.c
FUZZERS += verto_state
FUZZ_verto_state = tests/fuzz/fuzz_verto_state.c modules/iwg_verto/verto_state.c
