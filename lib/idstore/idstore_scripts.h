/*
 * idstore_scripts.h - the Lua scripts Redis runs for every write (atomic)
 * and for a reverse lookup (one round trip). Private to idstore.c.
 */
#ifndef IWG_IDSTORE_SCRIPTS_H
#define IWG_IDSTORE_SCRIPTS_H

/*
 * put: KEYS[1] map key, KEYS[2] new reverse key.
 * ARGV[1] mode (0 create, 1 upsert, 2 replace), ARGV[2] key, ARGV[3]
 * channel, ARGV[4] ns, ARGV[5] reverse key prefix "iwg:idm:rev:<ns>:",
 * ARGV[6] normalised uri, ARGV[7] DID key prefix "iwg:idm:did:", ARGV[8]
 * the new did ("" none), ARGV[9] "<ns>:<key>" (the DID entry's value),
 * ARGV[10..] field/value pairs.
 * Both reverse entries are checked before anything is written.
 * Returns 1 replaced, 0 created; errors EXISTS, NOTFOUND, CONFLICT <owner
 * key>, DIDCONFLICT <owner ns:key>.
 */
#define IDS_LUA_PUT                                                           \
	"local ex = redis.call('EXISTS', KEYS[1]) == 1\n"                         \
	"if ARGV[1] == '0' and ex then return redis.error_reply('EXISTS mapping " \
	"exists') end\n"                                                          \
	"if ARGV[1] == '2' and not ex then\n"                                     \
	"  return redis.error_reply('NOTFOUND no mapping') end\n"                 \
	"local owner = redis.call('GET', KEYS[2])\n"                              \
	"if owner and owner ~= ARGV[2] then\n"                                    \
	"  return redis.error_reply('CONFLICT ' .. owner) end\n"                  \
	"local did = ARGV[8]\n"                                                   \
	"if did ~= '' then\n"                                                     \
	"  local downer = redis.call('GET', ARGV[7] .. did)\n"                    \
	"  if downer and downer ~= ARGV[9] then\n"                                \
	"    return redis.error_reply('DIDCONFLICT ' .. downer) end\n"            \
	"end\n"                                                                   \
	"local msg = ARGV[4] .. ' ' .. ARGV[2] .. ' ' .. ARGV[6]\n"               \
	"local old = redis.call('HGET', KEYS[1], '_rev_uri')\n"                   \
	"if old and old ~= ARGV[6] then\n"                                        \
	"  local ok = ARGV[5] .. old\n"                                           \
	"  if redis.call('GET', ok) == ARGV[2] then redis.call('DEL', ok) end\n"  \
	"  msg = msg .. ' ' .. old\n"                                             \
	"end\n"                                                                   \
	"if did ~= '' then msg = msg .. ' ' .. did end\n"                         \
	"local olddid = redis.call('HGET', KEYS[1], 'did')\n"                     \
	"if olddid and olddid ~= did then\n"                                      \
	"  local dk = ARGV[7] .. olddid\n"                                        \
	"  if redis.call('GET', dk) == ARGV[9] then redis.call('DEL', dk) end\n"  \
	"  msg = msg .. ' ' .. olddid\n"                                          \
	"end\n"                                                                   \
	"redis.call('DEL', KEYS[1])\n"                                            \
	"redis.call('HSET', KEYS[1], unpack(ARGV, 10))\n"                         \
	"redis.call('SET', KEYS[2], ARGV[2])\n"                                   \
	"if did ~= '' then redis.call('SET', ARGV[7] .. did, ARGV[9]) end\n"      \
	"redis.call('PUBLISH', ARGV[3], msg)\n"                                   \
	"if ex then return 1 end\n"                                               \
	"return 0\n"

/*
 * del: KEYS[1] map key. ARGV[1] key, ARGV[2] channel, ARGV[3] ns, ARGV[4]
 * reverse key prefix, ARGV[5] DID key prefix, ARGV[6] "<ns>:<key>".
 * Returns 1 deleted, 0 absent.
 */
#define IDS_LUA_DEL                                                          \
	"local old = redis.call('HGET', KEYS[1], '_rev_uri')\n"                  \
	"local did = redis.call('HGET', KEYS[1], 'did')\n"                       \
	"if redis.call('DEL', KEYS[1]) == 0 then return 0 end\n"                 \
	"local msg = ARGV[3] .. ' ' .. ARGV[1]\n"                                \
	"if old then\n"                                                          \
	"  local rk = ARGV[4] .. old\n"                                          \
	"  if redis.call('GET', rk) == ARGV[1] then redis.call('DEL', rk) end\n" \
	"  msg = msg .. ' ' .. old\n"                                            \
	"end\n"                                                                  \
	"if did then\n"                                                          \
	"  local dk = ARGV[5] .. did\n"                                          \
	"  if redis.call('GET', dk) == ARGV[6] then redis.call('DEL', dk) end\n" \
	"  msg = msg .. ' ' .. did\n"                                            \
	"end\n"                                                                  \
	"redis.call('PUBLISH', ARGV[2], msg)\n"                                  \
	"return 1\n"

/*
 * enable: KEYS[1] map key. ARGV[1] "1"/"0", ARGV[2] channel, ARGV[3]
 * "<ns> <key>". The reverse entries stay (a disabled mapping keeps its URI
 * and DID). Returns 1 done, 0 absent.
 */
#define IDS_LUA_ENABLE                                          \
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n" \
	"redis.call('HSET', KEYS[1], 'enabled', ARGV[1])\n"         \
	"local msg = ARGV[3]\n"                                     \
	"local u = redis.call('HGET', KEYS[1], '_rev_uri')\n"       \
	"if u then msg = msg .. ' ' .. u end\n"                     \
	"local d = redis.call('HGET', KEYS[1], 'did')\n"            \
	"if d then msg = msg .. ' ' .. d end\n"                     \
	"redis.call('PUBLISH', ARGV[2], msg)\n"                     \
	"return 1\n"

/*
 * reverse: KEYS[1] reverse key. ARGV[1] map key prefix: the map key is
 * ARGV[1] .. <the reverse entry's value>. For a URI, KEYS[1]
 * "iwg:idm:rev:<ns>:<uri>" and ARGV[1] "iwg:idm:map:<ns>:" (the value is the
 * key); for a DID, KEYS[1] "iwg:idm:did:<did>" and ARGV[1] "iwg:idm:map:"
 * (the value is "<ns>:<key>").
 * Returns nil when absent, else {value, {HGETALL of the mapping}}.
 */
#define IDS_LUA_REVERSE                      \
	"local k = redis.call('GET', KEYS[1])\n" \
	"if not k then return false end\n"       \
	"return {k, redis.call('HGETALL', ARGV[1] .. k)}\n"

#endif
