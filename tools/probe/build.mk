# tools/probe: iwg-probe, a WebRTC endpoint emulator (SIP over
# WebSocket, ICE, DTLS-SRTP) for NOC checks, tests and benchmarks
PROBE_DIR := tools/probe
PROBE_CORE := $(PROBE_DIR)/probe_stun.c $(PROBE_DIR)/probe_sdp.c $(PROBE_DIR)/probe_buf.c \
	$(PROBE_DIR)/probe_rtp.c $(PROBE_DIR)/probe_ws.c $(PROBE_DIR)/probe_sip.c \
	$(PROBE_DIR)/probe_auth.c
PROBE_CRYPTO := $(PROBE_DIR)/probe_srtp.c $(PROBE_DIR)/probe_dtls.c
PROBE_AUDIO := $(PROBE_DIR)/probe_audio.c

BINS += iwg-probe
BIN_iwg-probe = $(PROBE_CORE) $(PROBE_CRYPTO) $(PROBE_AUDIO) $(PROBE_DIR)/probe_media.c \
	$(PROBE_DIR)/probe_wsconn.c $(PROBE_DIR)/probe_route.c $(PROBE_DIR)/probe_dispatch.c \
	$(PROBE_DIR)/probe_call.c $(PROBE_DIR)/probe_main.c
BIN_iwg-probe_LIBS = -lsrtp2 -lssl -lcrypto -lopus -lm

UNITS += probe_stun probe_sdp probe_srtp probe_rtp probe_ws probe_sip probe_audio \
	probe_auth probe_route
UNIT_probe_stun = tests/unit/test_probe_stun.c $(PROBE_DIR)/probe_stun.c
UNIT_probe_stun_LIBS = -lcrypto
UNIT_probe_sdp = tests/unit/test_probe_sdp.c $(PROBE_DIR)/probe_sdp.c $(PROBE_DIR)/probe_buf.c
UNIT_probe_srtp = tests/unit/test_probe_srtp.c $(PROBE_DIR)/probe_srtp.c \
	$(PROBE_DIR)/probe_rtp.c $(PROBE_DIR)/probe_dtls.c
UNIT_probe_srtp_LIBS = -lsrtp2 -lssl -lcrypto -lm
PROBE_DISPATCH_SRCS := $(PROBE_DIR)/probe_route.c $(PROBE_DIR)/probe_dispatch.c \
	$(PROBE_DIR)/probe_sip.c $(PROBE_DIR)/probe_buf.c
UNIT_probe_route = tests/unit/test_probe_route.c $(PROBE_DISPATCH_SRCS)
UNIT_probe_rtp = tests/unit/test_probe_rtp.c $(PROBE_DIR)/probe_rtp.c
UNIT_probe_rtp_LIBS = -lm
UNIT_probe_ws = tests/unit/test_probe_ws.c $(PROBE_DIR)/probe_ws.c
UNIT_probe_ws_LIBS = -lcrypto
UNIT_probe_audio = tests/unit/test_probe_audio.c $(PROBE_AUDIO)
UNIT_probe_audio_LIBS = -lopus -lm
UNIT_probe_sip = tests/unit/test_probe_sip.c $(PROBE_DIR)/probe_sip.c $(PROBE_DIR)/probe_buf.c
PROBE_AUTH_SRCS := $(PROBE_DIR)/probe_auth.c $(PROBE_DIR)/probe_sip.c $(PROBE_DIR)/probe_buf.c
UNIT_probe_auth = tests/unit/test_probe_auth.c $(PROBE_AUTH_SRCS)
UNIT_probe_auth_LIBS = -lcrypto

FUZZERS += probe_stun probe_sdp probe_sip probe_ws probe_rtp probe_audio probe_auth \
	probe_route probe_dispatch
FUZZ_probe_route = tests/fuzz/fuzz_probe_route.c $(PROBE_DIR)/probe_route.c
FUZZ_probe_dispatch = tests/fuzz/fuzz_probe_dispatch.c $(PROBE_DISPATCH_SRCS)
FUZZ_probe_stun = tests/fuzz/fuzz_probe_stun.c $(PROBE_DIR)/probe_stun.c
FUZZ_probe_stun_LIBS = -lcrypto
FUZZ_probe_sdp = tests/fuzz/fuzz_probe_sdp.c $(PROBE_DIR)/probe_sdp.c $(PROBE_DIR)/probe_buf.c
FUZZ_probe_sip = tests/fuzz/fuzz_probe_sip.c $(PROBE_DIR)/probe_sip.c $(PROBE_DIR)/probe_buf.c
FUZZ_probe_ws = tests/fuzz/fuzz_probe_ws.c $(PROBE_DIR)/probe_ws.c
FUZZ_probe_ws_LIBS = -lcrypto
FUZZ_probe_rtp = tests/fuzz/fuzz_probe_rtp.c $(PROBE_DIR)/probe_rtp.c
FUZZ_probe_rtp_LIBS = -lm
FUZZ_probe_audio = tests/fuzz/fuzz_probe_audio.c $(PROBE_AUDIO)
FUZZ_probe_audio_LIBS = -lopus -lm
FUZZ_probe_auth = tests/fuzz/fuzz_probe_auth.c $(PROBE_AUTH_SRCS)
FUZZ_probe_auth_LIBS = -lcrypto
