# lib/sip: SIP header text we build (no CR, LF or NUL; RFC 3261
# quoted-strings), shared by iwg_webrtc, iwg_idmap and iwg_hdrmed (pure C, no
# dependency)
LIB_SRCS += lib/sip/sip_hdr.c

UNITS += sip_hdr
UNIT_sip_hdr = tests/unit/test_sip_hdr.c
