# admin: iwg-admind, the REST monitoring and admin daemon
ADMIND_SRCS = admin/src/sbuf.c admin/src/conf.c admin/src/route.c \
	admin/src/auth.c admin/src/ratelimit.c admin/src/jsonv.c \
	admin/src/metrics.c admin/src/admind.c admin/src/reply.c \
	admin/src/http.c admin/src/backend.c admin/src/depcheck.c \
	admin/src/audit.c admin/src/res_audit.c \
	admin/src/res_health.c admin/src/res_metrics.c admin/src/res_nodes.c \
	admin/src/res_registrations.c admin/src/res_calls.c admin/src/res_identities.c \
	admin/src/res_hdrmed.c admin/src/dialogs.c \
	admin/src/routes.c \
	admin/src/schemas.c admin/src/static_path.c admin/src/res_static.c \
	admin/src/res_whoami.c admin/src/cred.c admin/src/cred_load.c \
	admin/src/res_credentials.c admin/src/series.c admin/src/sampler.c \
	admin/src/res_series.c \
	admin/src/cluster.c admin/src/res_cluster.c admin/src/regview.c \
	admin/src/ngq.c admin/src/diag.c admin/src/res_diagnosis.c \
	admin/src/peers.c admin/src/res_peers.c admin/src/log.c
ADMIND_LIBS = -lmicrohttpd -lhiredis -lcurl -ljson-c -lcrypto -lpthread -lm

BINS += iwg-admind
BIN_iwg-admind = $(ADMIND_SRCS) admin/src/main.c
BIN_iwg-admind_LIBS = $(ADMIND_LIBS)

# pure parts, unit-tested and fuzzed without a running daemon
ADMIND_PURE = admin/src/sbuf.c admin/src/conf.c admin/src/route.c \
	admin/src/auth.c admin/src/ratelimit.c admin/src/jsonv.c \
	admin/src/metrics.c admin/src/schemas.c admin/src/static_path.c

UNITS += admind_conf admind_core admind_openapi admind_static admind_cred \
	admind_series admind_diag admind_peers admind_cluster admind_log
UNIT_admind_log = tests/unit/test_admind_log.c admin/src/log.c
UNIT_admind_conf = tests/unit/test_admind_conf.c $(ADMIND_PURE)
UNIT_admind_conf_LIBS = -ljson-c -lcrypto
UNIT_admind_core = tests/unit/test_admind_core.c $(ADMIND_PURE)
UNIT_admind_core_LIBS = -ljson-c -lcrypto -lpthread -lm
# links the whole daemon (but main) to read its real route table
UNIT_admind_openapi = tests/unit/test_admind_openapi.c $(ADMIND_SRCS)
UNIT_admind_openapi_LIBS = $(ADMIND_LIBS)
UNIT_admind_static = tests/unit/test_admind_static.c admin/src/static_path.c
UNIT_admind_cred = tests/unit/test_admind_cred.c admin/src/cred.c \
	admin/src/cred_load.c admin/src/conf.c
UNIT_admind_cred_LIBS = -ljson-c -lcrypto
UNIT_admind_series = tests/unit/test_admind_series.c admin/src/series.c
UNIT_admind_series_LIBS = -lpthread -lm
UNIT_admind_cluster = tests/unit/test_admind_cluster.c admin/src/cluster.c \
	admin/src/regview.c
UNIT_admind_cluster_LIBS = -ljson-c -lpthread -lm
UNIT_admind_diag = tests/unit/test_admind_diag.c admin/src/diag.c \
	admin/src/ngq.c
UNIT_admind_diag_LIBS = -ljson-c
UNIT_admind_peers = tests/unit/test_admind_peers.c admin/src/peers.c \
	admin/src/jsonv.c admin/src/metrics.c admin/src/sbuf.c
UNIT_admind_peers_LIBS = -ljson-c -lm

FUZZERS += admind_conf admind_body admind_static admind_series \
	admind_diag admind_metrics admind_peers admind_regview
FUZZ_admind_metrics = tests/fuzz/fuzz_admind_metrics.c $(ADMIND_PURE)
FUZZ_admind_metrics_LIBS = -ljson-c -lcrypto -lpthread -lm
FUZZ_admind_conf = tests/fuzz/fuzz_admind_conf.c $(ADMIND_PURE)
FUZZ_admind_conf_LIBS = -ljson-c -lcrypto -lpthread -lm
FUZZ_admind_body = tests/fuzz/fuzz_admind_body.c $(ADMIND_PURE)
FUZZ_admind_body_LIBS = -ljson-c -lcrypto -lpthread -lm
FUZZ_admind_static = tests/fuzz/fuzz_admind_static.c admin/src/static_path.c
FUZZ_admind_series = tests/fuzz/fuzz_admind_series.c admin/src/series.c
FUZZ_admind_series_LIBS = -lpthread -lm
FUZZ_admind_diag = tests/fuzz/fuzz_admind_diag.c admin/src/diag.c \
	admin/src/ngq.c
FUZZ_admind_peers = tests/fuzz/fuzz_admind_peers.c admin/src/peers.c \
	admin/src/jsonv.c admin/src/metrics.c admin/src/sbuf.c
FUZZ_admind_peers_LIBS = -ljson-c -lm
FUZZ_admind_regview = tests/fuzz/fuzz_admind_regview.c admin/src/regview.c
FUZZ_admind_regview_LIBS = -ljson-c -lpthread -lm
