# lib/idstore: identity mappings in Redis (key schema, atomic writes,
# import/export) and token verification core, for the modules, iwg-admind
# and iwg-idctl (tools/idctl)
LIB_SRCS += lib/idstore/idstore_record.c lib/idstore/idstore_schema.c \
	lib/idstore/idstore.c lib/idstore/idstore_conn.c \
	lib/idstore/idstore_slots.c lib/idstore/idstore_import.c \
	lib/idstore/idstore_params.c
LIB_LIBS += -lhiredis -ljson-c -lcrypto

UNITS += idstore_record idstore_import idstore_redis idstore_slots
UNIT_idstore_record = tests/unit/test_idstore_record.c
UNIT_idstore_import = tests/unit/test_idstore_import.c
UNIT_idstore_redis = tests/unit/test_idstore_redis.c
UNIT_idstore_slots = tests/unit/test_idstore_slots.c
# the identity-store parameters of iwg_idmap and iwg_verto
UNITS += idstore_params
UNIT_idstore_params = tests/unit/test_idstore_params.c

FUZZERS += idimport
FUZZ_idimport = tests/fuzz/fuzz_idimport.c
FUZZERS += idslots
FUZZ_idslots = tests/fuzz/fuzz_idslots.c
