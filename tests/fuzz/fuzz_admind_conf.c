/*
 * fuzz_admind_conf.c - iwg-admind configuration parser on arbitrary bytes:
 * no crash, and a rejected input always names a line or the whole file.
 * It opens no file (kamailio_rpc_key_file is read by conf_load_file()).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../admin/src/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	conf_settings c;
	conf_error e;

	conf_defaults(&c);
	if (conf_parse(&c, (const char *)data, size, &e) < 0) {
		if (!e.msg[0])
			abort(); /* every error says why */
		return 0;
	}
	if (c.n_kamailio < 1 || c.n_rtpengine < 1 || c.threads < 1)
		abort();
	/* conf_parse() only records kamailio_rpc_key_file: it reads no file */
	if (c.kamailio_rpc_key[0])
		abort();
	return 0;
}
