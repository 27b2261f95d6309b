# modules/iwg_idmap: identity mapping (Redis via lib/idstore, tokens via
# lib/token), shm cache, invalidation listener
MODULES += iwg_idmap

UNITS += idcache
UNIT_idcache = tests/unit/test_idcache.c modules/iwg_idmap/idmap_cache.c \
	modules/iwg_idmap/idmap_backend.c modules/iwg_idmap/idmap_inval.c
