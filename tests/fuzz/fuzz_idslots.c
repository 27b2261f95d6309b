/* libFuzzer target: the Redis Cluster parsers of lib/idstore: the bytes as
 * a RESP reply (hiredis's reader) given to the CLUSTER SLOTS parser, and as
 * a MOVED/ASK redirect; key slots, the key-name upgrade and the DID
 * entry's value on the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "idstore/idstore_schema.h"
#include "idstore/idstore_slots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ids_slotmap_t map;

/* 1 when s[0..size) announces an array longer than any CLUSTER SLOTS reply
 * (hiredis 0.14 has no element limit and would allocate it whole) */
static int huge_array(const char *s, size_t size)
{
	size_t i, digits;
	for (i = 0; i < size; i++) {
		if (s[i] != '*')
			continue;
		for (digits = 0; i + 1 < size && s[i + 1] >= '0' && s[i + 1] <= '9';
			 i++)
			digits++;
		if (digits > 5)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char addr[IDS_NODE_ADDR], nk[IDS_REDIS_KEY_MAX + 8];
	redisReader *rd;
	void *r = NULL;
	int slot, i, n;

	if (ids_key_slot(s, size) >= IDS_SLOTS)
		__builtin_trap();
	if (ids_redirect_parse(s, size, "h", &slot, addr, sizeof(addr)) &&
		(slot < 0 || slot >= IDS_SLOTS || strlen(addr) >= sizeof(addr)))
		__builtin_trap();
	{
		const char *ns, *key, *tok;
		size_t nl, kl, tl;
		if (ids_did_owner_parse(s, size, &ns, &nl, &key, &kl, &tok, &tl) == 0 &&
			(nl == 0 || kl == 0 || ns != s || key + kl > s + size ||
			 tok + tl > s + size || (tl && tl != IDS_DID_TOK_LEN)))
			__builtin_trap();
	}
	n = ids_key_upgrade(s, size, nk, sizeof(nk));
	if (n > 0 && (size_t)n != strlen(nk))
		__builtin_trap();
	rd = huge_array(s, size) ? NULL : redisReaderCreate();
	if (!rd)
		return 0;
	if (redisReaderFeed(rd, s, size) == REDIS_OK &&
		redisReaderGetReply(rd, &r) == REDIS_OK && r) {
		char err[96];
		n = ids_slotmap_parse(r, size & 1 ? "127.0.0.1" : NULL, &map, err,
							  sizeof(err));
		/* every slot covered names a master that exists */
		for (i = 0; n > 0 && i < IDS_SLOTS; i++)
			if (map.slot[i] != IDS_SLOT_NONE && map.slot[i] >= map.nnodes)
				__builtin_trap();
		freeReplyObject(r);
	}
	redisReaderFree(rd);
	return 0;
}
