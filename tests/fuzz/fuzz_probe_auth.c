/*
 * libFuzzer target: iwg-probe's digest challenge parser, the choice among
 * challenges and the Authorization builder
 * (tools/probe/probe_auth.c).
 *
 * Input: lines; every line is a challenge given to probe_auth_pick (up to
 * PROBE_SIP_MAX_AUTH), the first one is also parsed alone, and the second
 * and third lines, when there, are the user name and the URI the builder
 * gets.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/probe/probe_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_str lines[PROBE_SIP_MAX_AUTH];
	probe_auth_challenge ch;
	probe_auth_req r = {"INVITE", "sip:echo@iwg.test", "probe", "pw", "c1"};
	char err[160], out[2048], user[600], uri[600];
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0;

	if (!data)
		return 0;
	while (n < PROBE_SIP_MAX_AUTH) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		lines[n].s = p;
		lines[n].len = (size_t)((nl ? nl : end) - p);
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (n > 1 && lines[1].len < sizeof(user)) {
		memcpy(user, lines[1].s, lines[1].len);
		user[lines[1].len] = 0;
		r.user = user;
	}
	if (n > 2 && lines[2].len < sizeof(uri)) {
		memcpy(uri, lines[2].s, lines[2].len);
		uri[lines[2].len] = 0;
		r.uri = uri;
	}
	if (probe_auth_parse(lines[0].s, lines[0].len, &ch, err, sizeof(err)) ==
		0) {
		if (!memchr(ch.realm, 0, sizeof(ch.realm)) ||
			!memchr(ch.nonce, 0, sizeof(ch.nonce)) ||
			!memchr(ch.opaque, 0, sizeof(ch.opaque)))
			abort();
		if (probe_auth_build(&ch, &r, out, sizeof(out), err, sizeof(err)) >=
					0 &&
			(strchr(out, '\r') || strchr(out, '\n')))
			abort(); /* a header must stay one line */
	}
	if (probe_auth_pick(lines, n, &ch, err, sizeof(err)) == 0)
		probe_auth_build(&ch, &r, out, 64, err, sizeof(err));
	return 0;
}
