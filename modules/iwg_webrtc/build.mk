# iwg_webrtc: WebRTC access to IMS (Kamailio module + pure cores)
MODULES += iwg_webrtc
UNITS += webrtc_flow webrtc_ident webrtc_sdp webrtc_auth webrtc_reghdr \
	webrtc_mo webrtc_sdpfix
UNIT_webrtc_flow = tests/unit/test_webrtc_flow.c modules/iwg_webrtc/webrtc_flow.c
UNIT_webrtc_flow_LIBS = -lcrypto
UNIT_webrtc_ident = tests/unit/test_webrtc_ident.c modules/iwg_webrtc/webrtc_ident.c
UNIT_webrtc_sdp = tests/unit/test_webrtc_sdp.c modules/iwg_webrtc/webrtc_sdp.c
UNIT_webrtc_auth = tests/unit/test_webrtc_auth.c modules/iwg_webrtc/webrtc_auth.c
UNIT_webrtc_reghdr = tests/unit/test_webrtc_reghdr.c \
	modules/iwg_webrtc/webrtc_reghdr.c modules/iwg_webrtc/webrtc_flow.c \
	modules/iwg_webrtc/webrtc_auth.c modules/iwg_webrtc/webrtc_ident.c
UNIT_webrtc_reghdr_LIBS = -lcrypto
UNIT_webrtc_mo = tests/unit/test_webrtc_mo.c modules/iwg_webrtc/webrtc_mo.c \
	modules/iwg_webrtc/webrtc_ident.c
UNIT_webrtc_sdpfix = tests/unit/test_webrtc_sdpfix.c \
	modules/iwg_webrtc/webrtc_sdpfix.c modules/iwg_webrtc/webrtc_sdp.c
FUZZERS += webrtc_flow webrtc_ident webrtc_sdp webrtc_auth webrtc_mo \
	webrtc_sdpfix
FUZZ_webrtc_flow = tests/fuzz/fuzz_webrtc_flow.c modules/iwg_webrtc/webrtc_flow.c
FUZZ_webrtc_flow_LIBS = -lcrypto
FUZZ_webrtc_ident = tests/fuzz/fuzz_webrtc_ident.c modules/iwg_webrtc/webrtc_ident.c
FUZZ_webrtc_sdp = tests/fuzz/fuzz_webrtc_sdp.c modules/iwg_webrtc/webrtc_sdp.c
FUZZ_webrtc_auth = tests/fuzz/fuzz_webrtc_auth.c modules/iwg_webrtc/webrtc_auth.c
FUZZ_webrtc_mo = tests/fuzz/fuzz_webrtc_mo.c modules/iwg_webrtc/webrtc_mo.c \
	modules/iwg_webrtc/webrtc_ident.c
FUZZ_webrtc_sdpfix = tests/fuzz/fuzz_webrtc_sdpfix.c \
	modules/iwg_webrtc/webrtc_sdpfix.c modules/iwg_webrtc/webrtc_sdp.c
