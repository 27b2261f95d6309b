/*
 * idstore_scripts.h - the Lua scripts Redis runs for every write (atomic)
 * and for a reverse lookup (one round trip). Private to idstore.c.
 */
#ifndef IWG_IDSTORE_SCRIPTS_H
#define IWG_IDSTORE_SCRIPTS_H

/*
 * Every script runs in one slot: the keys it is given in KEYS, and the
 * reverse entries it derives from a mapping's stored _rev_uri, share the
 * namespace's hash tag "{<ns>}" (idstore_schema.h). DID entries live in
 * their own slots and have their own scripts (claim, release), run by the
 * client before and after the mapping's. The reverse entries derived
 * from _rev_uri are not in KEYS (the client does not know them before the
 * script reads the hash); their names start with the same "{<ns>}" tag, so
 * Redis Cluster serves them from the script's node.
 *
 * A script that writes makes every read first, and asks TYPE before it
 * reads a key whose type it does not own: Redis has no rollback, so a
 * command failing half-way would leave the writes made before it (a
 * mapping deleted, its DID still claimed, no change notice).
 */

/*
 * put: KEYS[1] map key, KEYS[2] new reverse key.
 * ARGV[1] mode (0 create, 1 upsert, 2 replace), ARGV[2] key, ARGV[3]
 * channel, ARGV[4] ns, ARGV[5] reverse key prefix "iwg:idm:rev:{<ns>}:",
 * ARGV[6] normalised uri, ARGV[7] the new did ("" none), ARGV[8..]
 * field/value pairs (with _did_tok, the token of the caller's claim, when
 * there is a did). The new DID is claimed by the caller already.
 * Every read (TYPE first, so no command meets a key of another type)
 * comes before the first write: a script stopped by an error has written
 * nothing. A new URI entry holding another type than a string is no
 * entry a write of ours made: refused (CONFLICTTYPE), unless the stored
 * hash names it (its _rev_uri is the URI written), then it is replaced.
 * An old URI entry is deleted only when it is a string naming this key.
 * A map key holding another type than a hash (written by something else)
 * is replaced, nothing read from it.
 * Returns {1 replaced / 0 created, the did the mapping held before when it
 * changed, else "", that did's claim token or ""}; errors EXISTS,
 * NOTFOUND, CONFLICT <owner key>, CONFLICTTYPE.
 */
#define IDS_LUA_PUT                                                           \
	"local t = redis.call('TYPE', KEYS[1]).ok\n"                              \
	"local ex = t ~= 'none'\n"                                                \
	"if ARGV[1] == '0' and ex then return redis.error_reply('EXISTS mapping " \
	"exists') end\n"                                                          \
	"if ARGV[1] == '2' and not ex then\n"                                     \
	"  return redis.error_reply('NOTFOUND no mapping') end\n"                 \
	"local h = t == 'hash'\n"                                                 \
	"local old = h and redis.call('HGET', KEYS[1], '_rev_uri')\n"             \
	"local rt = redis.call('TYPE', KEYS[2]).ok\n"                             \
	"local owner = rt == 'string' and redis.call('GET', KEYS[2])\n"           \
	"if owner and owner ~= ARGV[2] then\n"                                    \
	"  return redis.error_reply('CONFLICT ' .. owner) end\n"                  \
	"if rt ~= 'none' and rt ~= 'string' and old ~= ARGV[6] then\n"            \
	"  return redis.error_reply('CONFLICTTYPE not a string') end\n"           \
	"local did = ARGV[7]\n"                                                   \
	"local msg = ARGV[4] .. ' ' .. ARGV[2] .. ' ' .. ARGV[6]\n"               \
	"local ok = false\n"                                                      \
	"if old and old ~= ARGV[6] then\n"                                        \
	"  local rk = ARGV[5] .. old\n"                                           \
	"  if redis.call('TYPE', rk).ok == 'string' and\n"                        \
	"    redis.call('GET', rk) == ARGV[2] then ok = rk end\n"                 \
	"  msg = msg .. ' ' .. old\n"                                             \
	"end\n"                                                                   \
	"if did ~= '' then msg = msg .. ' ' .. did end\n"                         \
	"local olddid = h and redis.call('HGET', KEYS[1], 'did')\n"               \
	"local oldtok = h and redis.call('HGET', KEYS[1], '_did_tok') or ''\n"    \
	"if olddid and olddid ~= did then msg = msg .. ' ' .. olddid\n"           \
	"else olddid = '' oldtok = '' end\n"                                      \
	"if ok then redis.call('DEL', ok) end\n"                                  \
	"redis.call('DEL', KEYS[1])\n"                                            \
	"redis.call('HSET', KEYS[1], unpack(ARGV, 8))\n"                          \
	"redis.call('SET', KEYS[2], ARGV[2])\n"                                   \
	"redis.call('PUBLISH', ARGV[3], msg)\n"                                   \
	"if ex then return {1, olddid, oldtok} end\n"                             \
	"return {0, olddid, oldtok}\n"

/*
 * del: KEYS[1] map key. ARGV[1] key, ARGV[2] channel, ARGV[3] ns, ARGV[4]
 * reverse key prefix. Returns 0 absent, or {1, the did it held or "", that
 * did's claim token or ""} (the caller releases that DID's entry). Every
 * read before the first write, as in put: the mapping's URI entry is
 * deleted only when it is a string naming this key (another type, or
 * another key, is not this mapping's and is left alone), and the mapping
 * is deleted whatever that entry holds. A map key holding another type
 * than a hash is deleted, nothing read from it.
 */
#define IDS_LUA_DEL                                                     \
	"local t = redis.call('TYPE', KEYS[1]).ok\n"                        \
	"if t == 'none' then return 0 end\n"                                \
	"local h = t == 'hash'\n"                                           \
	"local old = h and redis.call('HGET', KEYS[1], '_rev_uri')\n"       \
	"local did = h and redis.call('HGET', KEYS[1], 'did')\n"            \
	"local tok = h and redis.call('HGET', KEYS[1], '_did_tok') or ''\n" \
	"local rk = old and ARGV[4] .. old\n"                               \
	"local ours = rk and redis.call('TYPE', rk).ok == 'string' and\n"   \
	"  redis.call('GET', rk) == ARGV[1]\n"                              \
	"redis.call('DEL', KEYS[1])\n"                                      \
	"if ours then redis.call('DEL', rk) end\n"                          \
	"local msg = ARGV[3] .. ' ' .. ARGV[1]\n"                           \
	"if old then msg = msg .. ' ' .. old end\n"                         \
	"if did then msg = msg .. ' ' .. did else did = '' end\n"           \
	"redis.call('PUBLISH', ARGV[2], msg)\n"                             \
	"return {1, did, tok}\n"

/*
 * enable: KEYS[1] map key. ARGV[1] "1"/"0", ARGV[2] channel, ARGV[3]
 * "<ns> <key>". The reverse entries stay (a disabled mapping keeps its URI
 * and DID). Every read before the write (a key of another type than a
 * hash fails the first HGET: WRONGTYPE, nothing written). Returns 1 done,
 * 0 absent.
 */
#define IDS_LUA_ENABLE                                          \
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n" \
	"local u = redis.call('HGET', KEYS[1], '_rev_uri')\n"       \
	"local d = redis.call('HGET', KEYS[1], 'did')\n"            \
	"local msg = ARGV[3]\n"                                     \
	"if u then msg = msg .. ' ' .. u end\n"                     \
	"if d then msg = msg .. ' ' .. d end\n"                     \
	"redis.call('HSET', KEYS[1], 'enabled', ARGV[1])\n"         \
	"redis.call('PUBLISH', ARGV[2], msg)\n"                     \
	"return 1\n"

/*
 * reverse: KEYS[1] URI reverse key "iwg:idm:rev:{<ns>}:<uri>". ARGV[1] map
 * key prefix "iwg:idm:map:{<ns>}:"; the map key is ARGV[1] .. <the
 * entry's value> (same tag, same slot).
 * Returns nil when absent, else {value, {HGETALL of the mapping}}.
 */
#define IDS_LUA_REVERSE                      \
	"local k = redis.call('GET', KEYS[1])\n" \
	"if not k then return false end\n"       \
	"return {k, redis.call('HGETALL', ARGV[1] .. k)}\n"

/*
 * did claim: KEYS[1] DID entry, ARGV[1] "<ns>:<key>" of the mapping that
 * is about to hold it, ARGV[2] a new token, unique to this claim. The
 * entry becomes "<ns>:<key> <token>" when it is absent or names that
 * mapping already (with any token, or none: written before the tokens):
 * a later writer's claim always replaces an earlier one's, so a release
 * by the earlier writer (which names its own token) cannot delete it. An
 * entry holding another type than a string is no entry a write of ours
 * made: refused (DIDCONFLICTTYPE), left as it is.
 * Returns {1 claimed now / 0 held by it already, the token it had then or
 * ""}; errors DIDCONFLICT <owner ns:key>, DIDCONFLICTTYPE.
 */
#define IDS_LUA_DID_CLAIM                                              \
	"local ty = redis.call('TYPE', KEYS[1]).ok\n"                      \
	"if ty ~= 'none' and ty ~= 'string' then\n"                        \
	"  return redis.error_reply('DIDCONFLICTTYPE not a string') end\n" \
	"local o = ty == 'string' and redis.call('GET', KEYS[1])\n"        \
	"local v = ARGV[1] .. ' ' .. ARGV[2]\n"                            \
	"if not o then redis.call('SET', KEYS[1], v)\n"                    \
	"  return {1, ''} end\n"                                           \
	"local sp = string.find(o, ' ', 1, true)\n"                        \
	"local ow = o\n"                                                   \
	"local tok = ''\n"                                                 \
	"if sp then ow = string.sub(o, 1, sp - 1)\n"                       \
	"  tok = string.sub(o, sp + 1) end\n"                              \
	"if ow ~= ARGV[1] then\n"                                          \
	"  return redis.error_reply('DIDCONFLICT ' .. ow) end\n"           \
	"redis.call('SET', KEYS[1], v)\n"                                  \
	"return {0, tok}\n"

/*
 * did release: KEYS[1] DID entry, ARGV[1] the exact value it must have
 * ("<ns>:<key> <token>", or "<ns>:<key>" for an entry written before the
 * tokens), ARGV[2] what it becomes then: "" deletes it (the release of a
 * DID its mapping no longer holds), else that value (a refused write
 * putting back the claim it had replaced). Any other value, a later
 * claim's, or another type than a string, is left alone. Returns 1
 * changed, 0 not.
 */
#define IDS_LUA_DID_RELEASE                                       \
	"if redis.call('TYPE', KEYS[1]).ok ~= 'string' or\n"          \
	"  redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n" \
	"if ARGV[2] == '' then redis.call('DEL', KEYS[1])\n"          \
	"else redis.call('SET', KEYS[1], ARGV[2]) end\n"              \
	"return 1\n"

#endif
