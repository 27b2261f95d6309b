# modules/iwg_idmap: identity mapping (Redis via lib/idstore, tokens via
# lib/token), shm cache, invalidation listener
MODULES += iwg_idmap

UNITS += idcache
UNIT_idcache = tests/unit/test_idcache.c modules/iwg_idmap/idmap_cache.c \
	modules/iwg_idmap/idmap_backend.c modules/iwg_idmap/idmap_inval.c

# the pure decisions of the glue: return codes, "Bearer ", $idm() names,
# RPC faults; the P-Asserted-Identity line
UNITS += idmap_lookup idmap_pai
UNIT_idmap_lookup = tests/unit/test_idmap_lookup.c \
	modules/iwg_idmap/idmap_lookup.c
UNIT_idmap_pai = tests/unit/test_idmap_pai.c modules/iwg_idmap/idmap_pai.c
FUZZERS += idmap_pai
FUZZ_idmap_pai = tests/fuzz/fuzz_idmap_pai.c modules/iwg_idmap/idmap_pai.c
